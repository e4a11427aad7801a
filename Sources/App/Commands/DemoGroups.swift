import Domain
import Fluent
import Foundation
import SQLKit

/// Demo group work at 解放路 (issue 10 §7): two elders' groups still running and a children's group
/// that has ended with a summary, each with dated sessions, attendance and a pre/post measure, all
/// in the ledger as the service writes them.
enum DemoGroups {
    struct Plan {
        let name: String
        let field: String
        let item: String
        let goals: String
        let target: String
        let planned: Int
        /// Contents of the sessions held; the group ends after them when `summary` is given.
        let sessions: [String]
        let summary: String?
    }

    static let plans = [
        Plan(name: "长者健康互助小组", field: "elderly", item: "culture_sports_health", goals: "学习慢病自我管理，结识同伴，减少孤独感",
             target: "辖区独居、空巢老人 6–8 名", planned: 6, sessions: ["相识与破冰", "慢病饮食小课堂", "八段锦练习"], summary: nil),
        Plan(name: "老年人智能手机课堂", field: "elderly", item: "capacity_building", goals: "学会视频通话、扫码就医和防范电信诈骗",
             target: "60 岁以上有智能手机的老人 8–10 名", planned: 4, sessions: ["视频通话", "扫码与健康码"], summary: nil),
        Plan(name: "留守儿童成长小组", field: "child_welfare", item: "capacity_building", goals: "提升自我保护意识和沟通能力",
             target: "辖区留守、困境儿童 5–6 名", planned: 4, sessions: ["我的家", "安全小卫士", "情绪小怪兽", "成长分享会"],
             summary: "四节活动全部完成，组员自我保护知识测评平均提升 20 分，与监护人约定每周通话"),
    ]

    static func add(station: Station, worker: (id: UUID, name: String), profile: PolicyProfile, today: Day, db: any Database,
                    recorder: AuditLog.Recorder) async throws {
        let people = try await Recipient.query(on: db).filter(\.$station.$id == station.id!).filter(\.$status == .active)
            .sort(\.$name).all()
        guard people.count >= plans.count * 5 else { return }
        let sql = db as! any SQLDatabase
        for (n, plan) in plans.enumerated() {
            let members = Array(people.dropFirst(n * 5).prefix(5))
            let starts = today.adding(days: -60 + n * 10)
            let g = WorkGroup()
            g.id = UUID()
            g.year = starts.year
            g.$station.id = station.id!
            g.cityID = station.cityID
            g.districtID = station.districtID
            g.path = station.path
            g.name = plan.name
            // Checked like any group's: a demo field or item missing from the profile fails loudly.
            let tag = try profile.tag(field: plan.field, item: plan.item, method: ServiceMethod.groupWork.rawValue).get()
            g.field = tag.field.code
            g.item = tag.item?.code
            g.goals = plan.goals
            g.target = plan.target
            g.plannedSessions = plan.planned
            g.phase = plan.summary == nil ? .running : .ended
            g.responsibleID = worker.id
            g.responsibleName = worker.name
            g.startsOn = starts.description
            g.endedOn = plan.summary == nil ? nil : starts.adding(days: plan.sessions.count * 7).description
            g.summary = plan.summary
            // The running groups' next sessions: the first today (on the workers' home pages), the next in a week.
            g.nextSessionOn = plan.summary == nil ? today.adding(days: n * 7).description : nil
            g.createdBy = worker.id
            try await g.create(on: db)
            var enrol = sql.insert(into: "work_group_members").columns("group_id", "recipient_id", "station_id", "joined_on", "added_by")
            for r in members { enrol = enrol.values(SQLBind(g.id!), SQLBind(r.id!), SQLBind(station.id!), SQLBind(starts.description), SQLBind(worker.id)) }
            try await enrol.run()
            for (i, content) in plan.sessions.enumerated() {
                let on = starts.adding(days: i * 7)
                // One member misses each session after the first.
                let came = members.enumerated().filter { i == 0 || $0.offset != i % members.count }.map { $0.element.id! }
                let entry = LedgerEntry(station: station, kind: .groupSession, tag: tag, on: on, minutes: 90, workerID: worker.id, workerName: worker.name,
                                        recipientIDs: came, othersCount: i == 0 ? 2 : 0, content: content, caseID: nil)
                let record = try await Ledger.write(entry, createdBy: worker.id, on: db, audit: recorder)
                let s = GroupSession()
                s.id = UUID()
                s.year = on.year
                s.groupID = g.id!
                s.stationID = station.id!
                s.number = i + 1
                s.heldOn = on.description
                s.recordID = record.id!
                s.createdBy = worker.id
                try await s.create(on: db)
                if i == 0 || i == plan.sessions.count - 1 {
                    var measures = sql.insert(into: "group_session_measures").columns("session_id", "recipient_id", "pre", "post")
                    for (k, id) in came.enumerated() { measures = measures.values(SQLBind(s.id!), SQLBind(id), SQLBind(50 + k * 5), SQLBind(i == 0 ? nil : 70 + k * 5)) }
                    try await measures.run()
                }
            }
        }
    }
}
