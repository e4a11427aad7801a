import Domain
import Fluent
import Foundation

/// Demo referrals (V-11): 解放路 refers one person to 千佛山街道's station (waiting in its inbox) and one
/// to the street's civil-affairs office (done).
enum DemoReferrals {
    static func add(from station: Station, worker: (id: UUID, name: String), today: Day, db: any Database, recorder: AuditLog.Recorder) async throws {
        let people = try await Recipient.query(on: db).filter(\.$station.$id == station.id!).filter(\.$status == .active).sort(\.$name).range(20..<22).all()
        guard people.count == 2 else { return }
        let target = try await Station.query(on: db).filter(\.$cityID == station.cityID).filter(\.$id != station.id!).sort(\.$name).first()
        for (i, person) in people.enumerated() {
            let r = Referral()
            r.id = UUID()
            r.year = today.year
            r.$station.id = station.id!
            r.cityID = station.cityID
            r.districtID = station.districtID
            r.recipientID = person.id!
            r.createdBy = worker.id
            r.createdByName = worker.name
            if i == 0, let target {
                r.target = .station
                r.targetStationID = target.id
                r.targetName = target.name
                r.reason = "随子女搬迁到对方街道居住，需继续关注独居安全"
                r.status = .sent
                r.sentOn = today.adding(days: -3).description
            } else {
                r.target = .streetDepartment
                r.targetName = "街道民政办"
                r.reason = "因病致贫，符合临时救助条件，协助申请"
                r.status = .done
                r.sentOn = today.adding(days: -25).description
                r.answeredOn = today.adding(days: -20).description
                r.answer = "已受理"
                r.doneOn = today.adding(days: -10).description
                r.outcome = "临时救助 3000 元已发放"
            }
            try await r.create(on: db)
            recorder.change(entityType: "referral", entityID: r.id, old: nil, new: r.auditFields)
        }
    }
}

/// Demo social-assistance requests (V-10) at 解放路: one in each of the three situations, the first closed.
enum DemoAssistance {
    static let requests: [(AssistanceSituation, String, String, String?)] = [
        (.civilAffairs, "因病致贫，申请临时救助", "协助准备病历和收入证明，提交街道民政办", "临时救助 3000 元已发放"),
        (.otherDepartment, "孙子入学需办理困境儿童助学", "解释教育部门资助政策，陪同到学校申请", nil),
        (.notEligible, "收入略超低保线，冬季取暖困难", "链接慈善超市物资和志愿者上门检修", nil),
    ]

    static func add(station: Station, worker: (id: UUID, name: String), today: Day, db: any Database, recorder: AuditLog.Recorder) async throws {
        let people = try await Recipient.query(on: db).filter(\.$station.$id == station.id!).filter(\.$status == .active).sort(\.$name).range(22..<25).all()
        for (i, (situation, need, action, outcome)) in requests.enumerated() where i < people.count {
            let a = AssistanceRequest()
            a.id = UUID()
            a.year = today.year
            a.$station.id = station.id!
            a.cityID = station.cityID
            a.districtID = station.districtID
            a.recipientID = people[i].id!
            a.situation = situation
            a.requestedOn = today.adding(days: -30 + i * 7).description
            a.need = need
            a.action = action
            a.closedOn = outcome == nil ? nil : today.adding(days: -8).description
            a.outcome = outcome
            a.createdBy = worker.id
            a.createdByName = worker.name
            try await a.create(on: db)
            recorder.change(entityType: "assistance_request", entityID: a.id, old: nil, new: a.auditFields)
        }
    }
}
