import Domain
import Fluent
import Foundation
import SQLKit

/// Demo case work and visits for the demonstration station 解放路 (issue 10 §7): a case at every
/// stage of MZ/T 094, each with the records its stage implies, and home and phone visits, all in
/// the ledger. Written as the service writes them, over the weeks before `today`.
enum DemoCasework {
    struct Story {
        let stage: CaseStage
        let risk: RiskLevel?
        let problem: String
        let item: String
        let goals: [String]
        let interventions: [String]
    }

    static let stories: [Story] = [
        Story(stage: .intake, risk: nil, problem: "独居老人，近期多次忘关燃气，邻居反映", item: "crisis_intervention", goals: [], interventions: []),
        Story(stage: .assessment, risk: .medium, problem: "低保家庭，子女辍学在家", item: "social_assistance", goals: [], interventions: []),
        Story(stage: .planning, risk: .medium, problem: "残疾人就业困难，希望学习手工技能", item: "capacity_building",
              goals: ["掌握一项手工技能", "获得一份居家就业机会"], interventions: []),
        Story(stage: .intervention, risk: .high, problem: "丧偶后情绪低落，拒绝出门", item: "emotional_comfort",
              goals: ["情绪稳定", "每周参加一次社区活动"], interventions: ["入户哀伤辅导", "陪同参加老年协会活动", "电话跟进情绪状况"]),
        Story(stage: .evaluation, risk: .medium, problem: "留守儿童学业下滑，与祖父母沟通困难", item: "social_support",
              goals: ["成绩回升", "祖孙每周固定沟通"], interventions: ["学业辅导", "亲子沟通小练习", "家访了解进展"]),
        Story(stage: .closed, risk: .low, problem: "支出型困难家庭，医疗费用负担重", item: "social_assistance",
              goals: ["申请临时救助", "链接慈善医疗救助"], interventions: ["协助申请临时救助", "链接慈善基金"]),
        // V-7: a crisis case whose follow-up after the intervention is overdue (see `crisisLimits`).
        Story(stage: .intervention, risk: .crisis, problem: "独居老人煤气中毒出院后情绪崩溃，流露轻生念头", item: "crisis_intervention",
              goals: ["确保人身安全", "链接心理援助和家属支持"], interventions: ["危机评估，与家属共同制定安全计划"]),
    ]

    /// The demo city's V-7 limits, which the source leaves to the city: a crisis plan within 3 working
    /// days of the assessment, a follow-up visit within 5 working days of the last intervention.
    static let crisisLimits: [String: Double] = ["crisisPlanWorkingDays": 3, "followUpWorkingDays": 5]

    /// Writes the stories for the station's first active recipients; returns the number of cases.
    static func add(station: Station, worker: (id: UUID, name: String), profile: PolicyProfile, today: Day, db: any Database,
                    recorder: AuditLog.Recorder) async throws -> Int {
        let recipients = try await Recipient.query(on: db).filter(\.$station.$id == station.id!).filter(\.$status == .active)
            .sort(\.$name).limit(stories.count + 10).all()
        guard recipients.count >= stories.count else { return 0 }
        // The city's setting of V-7's limits, as its civil-affairs bureau would make it on the policy page.
        let limits = PolicyVersion()
        limits.cityID = station.cityID
        limits.profileID = profile.id
        limits.version = 1
        limits.effectiveFrom = "\(today.adding(days: -90).year)-01-01"
        limits.overrides = String(decoding: try JSONEncoder().encode(["V-7": crisisLimits]), as: UTF8.self)
        limits.note = "演示：市民政局设定危机干预时限（V-7）"
        limits.createdBy = "admin"
        try await limits.create(on: db)
        recorder.change(entityType: "policy_version", entityID: limits.id, old: nil,
                        new: ["city_id": station.cityID.uuidString, "version": "1", "effective_from": limits.effectiveFrom, "overrides": limits.overrides])
        let sql = db as! any SQLDatabase
        for year in Set([today.year, today.adding(days: -90).year]) { try await LedgerPartitions.create(year: year, on: sql) }
        let field = profile.serviceField("elderly") ?? profile.serviceFields[0]
        // Checked like any service's: a demo item missing from the profile fails loudly.
        func tag(_ item: String) throws -> ServiceTag {
            try profile.tag(field: field.code, item: item, method: ServiceMethod.caseWork.rawValue).get()
        }
        func event(_ c: ServiceCase, _ step: CaseStep?, _ on: Day, from: CaseStage?, to: CaseStage, _ detail: String) async throws {
            let e = CaseEvent()
            e.caseID = c.id!
            e.step = step?.rawValue ?? "open"
            e.happenedOn = on.description
            e.fromStage = from
            e.toStage = to
            e.detail = detail
            e.actorID = worker.id
            e.actorName = worker.name
            try await e.create(on: db)
        }
        for (n, story) in stories.enumerated() {
            let r = recipients[n]
            let opened = today.adding(days: -70 + n * 8)
            let c = ServiceCase()
            c.id = UUID()
            c.year = opened.year
            c.$station.id = station.id!
            c.cityID = station.cityID
            c.districtID = station.districtID
            c.path = station.path
            c.number = "\(opened.year)-" + String(format: "%04d", n + 1)
            c.source = CaseSource.allCases[n % CaseSource.allCases.count]
            c.problem = story.problem
            c.consentOn = opened.description
            c.field = field.code
            c.item = profile.serviceItem(story.item)?.code
            c.stage = story.stage
            c.riskLevel = story.risk
            c.responsibleID = worker.id
            c.responsibleName = worker.name
            c.openedOn = opened.description
            c.createdBy = worker.id
            if story.stage == .closed {
                c.closedOn = today.adding(days: -5).description
                c.closeReason = .goalsMet
                c.outcome = "临时救助已获批，慈善医疗救助已链接"
            }
            try await c.create(on: db)
            try await sql.insert(into: "case_recipients").columns("case_id", "recipient_id", "station_id", "position")
                .values(SQLBind(c.id!), SQLBind(r.id!), SQLBind(station.id!), SQLBind(0)).run()
            try await event(c, nil, opened, from: nil, to: .intake, "接案（\(c.source.label)）：\(r.name)")
            var day = opened
            if let risk = story.risk {
                day = day.adding(days: 2)
                let a = CaseAssessment()
                a.caseID = c.id!
                a.version = 1
                a.assessedOn = day.description
                a.riskLevel = risk
                a.strengths = "本人有改变意愿，家属愿意配合"
                a.resources = "社区居委会、楼栋长、志愿者"
                a.needIDs = "[]"
                a.createdBy = worker.id
                a.createdByName = worker.name
                try await a.create(on: db)
                try await event(c, .assess, day, from: .intake, to: .assessment, "预估：\(risk.label)")
            }
            if !story.goals.isEmpty {
                day = day.adding(days: 2)
                let plan = CasePlan()
                plan.id = UUID()
                plan.caseID = c.id!
                plan.version = 1
                plan.plannedOn = day.description
                plan.createdBy = worker.id
                plan.createdByName = worker.name
                try await plan.create(on: db)
                var goals: [CaseGoal] = []
                for (i, text) in story.goals.enumerated() {
                    let g = CaseGoal()
                    g.id = UUID()
                    g.planID = plan.id!
                    g.position = i
                    g.text = text
                    try await g.create(on: db)
                    goals.append(g)
                    let item = CasePlanItem()
                    item.planID = plan.id!
                    item.position = i
                    item.what = "围绕“\(text)”开展服务"
                    item.who = worker.name
                    item.dueOn = day.adding(days: 30).description
                    try await item.create(on: db)
                }
                try await event(c, .plan, day, from: .assessment, to: .planning, "服务计划：目标 \(goals.count) 个")
                for (i, content) in story.interventions.enumerated() {
                    day = day.adding(days: 5)
                    let entry = LedgerEntry(station: station, kind: .intervention, tag: try tag(story.item), on: day, minutes: 45 + i * 15,
                                            workerID: worker.id, workerName: worker.name, recipientIDs: [r.id!], othersCount: i == 0 ? 1 : 0,
                                            content: content, caseID: c.id)
                    _ = try await Ledger.write(entry, createdBy: worker.id, on: db, audit: recorder)
                    try await event(c, .intervene, day, from: i == 0 ? .planning : .intervention, to: .intervention, "个案介入：\(content)")
                }
                if story.stage == .evaluation || story.stage == .closed {
                    day = day.adding(days: 3)
                    let e = CaseEvaluation()
                    e.id = UUID()
                    e.caseID = c.id!
                    e.version = 1
                    e.planID = plan.id!
                    e.evaluatedOn = day.description
                    e.summary = "服务目标基本达成"
                    e.createdBy = worker.id
                    e.createdByName = worker.name
                    try await e.create(on: db)
                    var insert = sql.insert(into: "case_goal_outcomes").columns("evaluation_id", "goal_id", "outcome")
                    for (i, g) in goals.enumerated() { insert = insert.values(SQLBind(e.id!), SQLBind(g.id!), SQLBind(i == 0 ? "met" : "partly")) }
                    try await insert.run()
                    try await event(c, .evaluate, day, from: .intervention, to: .evaluation, "评估：目标 \(goals.count) 个，达成 1 个")
                }
                if story.stage == .closed {
                    try await event(c, .close, today.adding(days: -5), from: .evaluation, to: .closed, "结案（\(CaseCloseReason.goalsMet.label)）")
                }
            }
        }
        // Home and phone visits to the next recipients.
        for (i, r) in recipients.dropFirst(stories.count).prefix(8).enumerated() {
            let kind: VisitKind = i % 3 == 2 ? .phone : .home
            let on = today.adding(days: -3 - i * 6)
            let entry = LedgerEntry(station: station, kind: kind.serviceKind, tag: try tag(i % 2 == 0 ? "policy_consultation" : "social_support"), on: on,
                                    minutes: kind == .home ? 40 : 15, workerID: worker.id, workerName: worker.name, recipientIDs: [r.id!],
                                    othersCount: 0, content: kind == .home ? "入户走访，了解生活和健康状况" : "电话问候，提醒按时服药", caseID: nil)
            let record = try await Ledger.write(entry, createdBy: worker.id, on: db, audit: recorder)
            let visit = Visit()
            visit.year = on.year
            visit.$station.id = station.id!
            visit.$recipient.id = r.id!
            visit.recordID = record.id!
            visit.kind = kind
            visit.visitedOn = on.description
            visit.findings = i % 4 == 0 ? "冬季取暖设备老旧，需链接资源更换" : "生活基本正常"
            visit.followUpNeeded = i % 4 == 0
            visit.createdBy = worker.id
            try await visit.create(on: db)
        }
        return stories.count
    }
}
