import Domain
import Fluent
import SQLKit
import Vapor

/// Case work (个案, MZ/T 094; issue 10 §2): intake, assessment, plan, interventions, evaluation,
/// closure, follow-up and reopening. Every step is checked by `CaseFlow` (409 when illegal), writes
/// its version or ledger row and a timeline event in one transaction, and is audited.
enum CaseService {
    /// A case sits where its station is, is kept by the station's operator, and is read by the
    /// supervisors posted to the station (`supervisors`, their user ids).
    static func resource(_ station: Station, supervisors: Set<String> = []) -> Access.Resource {
        Access.Resource(kind: .casework, paths: [station.path], operatorIDs: Set([station.$operator.id?.uuidString].compactMap { $0 }),
                        ownerUserIDs: supervisors)
    }

    /// The user accounts of the supervisors posted to a station on `day` (a supervisor whose record
    /// was removed is left out, as every query of the model leaves them out).
    static func supervisors(of station: UUID, on day: Day, db: any Database) async throws -> Set<String> {
        let postings = try await SupervisorAssignment.query(on: db).filter(\.$station.$id == station).all().filter { try $0.covers(day) }
        if postings.isEmpty { return [] }
        let people = try await Supervisor.query(on: db).filter(\.$id ~~ postings.map(\.personID)).all()
        return Set(people.compactMap { $0.userID?.uuidString })
    }

    /// The case for an action, looked up inside the caller's scope: 404 outside it (a supervisor
    /// outside their assigned stations included), 403 where the caller reads but may not act.
    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> (ServiceCase, Station) {
        guard let id, let c = try await ServiceCase.query(on: req.db).filter(\.$id == id).with(\.$station).first() else {
            throw Abort(.notFound, reason: "未找到该个案，或不在您的管辖范围内")
        }
        // Only a supervisor's access depends on who is posted to the station.
        let caller = try req.requireCaller()
        let supervisors = caller.has(.supervisor) ? try await supervisors(of: c.station.id!, on: req.today, db: req.db) : []
        try req.authorize(action, resource(c.station, supervisors: supervisors))
        return (c, c.station)
    }

    /// The profile in force for a station in a year: its service catalogue tags the case's services.
    static func profile(of station: Station, year: Int, req: Request) async throws -> PolicyProfile {
        try await req.application.policies.inForce(cityID: station.cityID, year: year, on: req.db).profile
    }

    static func tag(_ profile: PolicyProfile, field: String?, item: String?, method: String?, featured: FeaturedProjectRef? = nil,
                    into v: inout Validator) -> ServiceTag? {
        switch profile.tag(field: field, item: item, method: method, featured: featured) {
        case .success(let tag): return tag
        case .failure(let problems):
            for p in problems.problems { v.add(p.field, p.message) }
            return nil
        }
    }

    // MARK: intake

    static func open(_ input: CaseInput, req: Request) async throws -> ServiceCase {
        let caller = try req.requireCaller()
        // Without a station, the case goes where its first recipient is registered (the form sends
        // none): the same scope check then answers 404 for a person of another street.
        var stationID = input.stationId
        if stationID == nil, let first = input.recipientIds?.first {
            stationID = try await Recipient.find(first, on: req.db)?.$station.id
        }
        let station = try await StationScope.stationForCreate(stationID, kind: .casework, label: "开案", req: req)
        var v = Validator()
        let today = req.today
        let source: CaseSource? = WorkforceService.enumValue(input.source, CaseSource.self, field: "source", label: "接案来源", into: &v)
        if input.source == nil { v.add("source", "请选择接案来源") }
        let problem = v.text(input.problem, field: "problem", label: "求助问题", max: TextLimit.long, required: true)
        let opened = v.day(input.openedOn, field: "opened_on", label: "接案日期", notAfter: today) ?? ((input.openedOn ?? "").isEmpty ? today : nil)
        let consent = v.day(input.consentOn, field: "consent_on", label: "知情同意日期", notAfter: today)
        if (input.consentOn ?? "").isEmpty { v.add("consent_on", "须先取得服务对象（或监护人）的知情同意，并填写同意日期") }
        if let consent, let opened, consent > opened { v.add("consent_on", "知情同意日期不能晚于接案日期（\(opened)）") }
        let profile = try await profile(of: station, year: (opened ?? today).year, req: req)
        let tag = tag(profile, field: input.field, item: input.item, method: ServiceMethod.caseWork.rawValue, into: &v)
        let recipients = try await ServiceParties.registered(input.recipientIds ?? [], station: station, doing: "开案", on: req.db, into: &v)
        let responsible = try await ServiceParties.responsible(input.responsibleId, station: station, caller: caller, db: req.db, into: &v)
        try v.check()
        let c = ServiceCase()
        c.id = UUID()
        c.year = opened!.year
        c.$station.id = station.id!
        c.cityID = station.cityID
        c.districtID = station.districtID
        c.path = station.path
        c.source = source!
        c.problem = problem!
        c.consentOn = consent!.description
        c.field = tag!.field.code
        c.item = tag!.item?.code
        c.stage = .intake
        c.responsibleID = responsible!.id!
        c.responsibleName = responsible!.displayName
        c.openedOn = opened!.description
        c.createdBy = caller.userID
        let names = recipients.map(\.name).joined(separator: "、")
        try await req.audit.transaction { db, audit in
            // The station's next number: cases are never deleted, so a count is the last number. The
            // audit transaction is serialised (and the index unique).
            let next = try await ServiceCase.query(on: db).filter(\.$station.$id == station.id!).filter(\.$year == c.year).count() + 1
            c.number = "\(c.year)-" + String(repeating: "0", count: max(0, 4 - String(next).count)) + String(next)
            try await c.create(on: db)
            let sql = db as! any SQLDatabase
            var insert = sql.insert(into: "case_recipients").columns("case_id", "recipient_id", "station_id", "position")
            for (i, r) in recipients.enumerated() { insert = insert.values(SQLBind(c.id!), SQLBind(r.id!), SQLBind(station.id!), SQLBind(i)) }
            try await insert.run()
            try await event(c, step: nil, on: opened!, from: nil, detail: "接案（\(source!.label)）：\(names)", caller: caller, db: db)
            audit.change(entityType: "case", entityID: c.id, old: nil,
                         new: c.auditFields.merging(["recipients": recipients.map { $0.id!.uuidString }.joined(separator: ",")]) { a, _ in a })
        }
        return c
    }

    // MARK: steps

    /// Checks a step against the case's stage (409 with the reason when illegal) and returns the next stage.
    private static func advance(_ c: ServiceCase, _ step: CaseStep, interventions: Int = 0, closeReason: CaseCloseReason? = nil) throws -> CaseStage {
        switch CaseFlow.next(c.stage, step, interventions: interventions, closeReason: closeReason) {
        case .success(let stage): return stage
        case .failure(let refusal): throw AppError.field("stage", refusal.message, status: .conflict)
        }
    }

    /// A step's date: required, not in the future, not before the case was opened.
    private static func stepDay(_ raw: String?, field: String, label: String, _ c: ServiceCase, today: Day, into v: inout Validator) -> Day? {
        guard let day = v.day(raw, field: field, label: label, notAfter: today) else {
            if (raw ?? "").isEmpty { v.add(field, "\(label)不能为空") }
            return nil
        }
        if let opened = Day(c.openedOn), day < opened { v.add(field, "\(label)不能早于接案日期（\(c.openedOn)）") }
        return day
    }

    static func assess(_ c: ServiceCase, _ input: AssessmentInput, req: Request) async throws {
        let caller = try req.requireCaller()
        let next = try advance(c, .assess)
        var v = Validator()
        let day = stepDay(input.assessedOn, field: "assessed_on", label: "预估日期", c, today: req.today, into: &v)
        let risk: RiskLevel? = WorkforceService.enumValue(input.riskLevel, RiskLevel.self, field: "risk_level", label: "风险等级", into: &v)
        if input.riskLevel == nil { v.add("risk_level", "请选择风险等级") }
        let strengths = v.text(input.strengths, field: "strengths", label: "优势", max: TextLimit.long, required: true)
        let resources = v.text(input.resources, field: "resources", label: "资源", max: TextLimit.long, required: true)
        let needIDs = input.needIds ?? []
        if !needIDs.isEmpty {
            let members = try await memberIDs(c, db: req.db)
            let found = try await RecipientNeed.query(on: req.db).filter(\.$id ~~ needIDs).all()
            if found.count != Set(needIDs).count || found.contains(where: { !members.contains($0.$recipient.id) }) {
                v.add("need_ids", "所选需求应为本个案服务对象需求清单中的需求")
            }
        }
        guard let station = try await Station.find(c.$station.id, on: req.db) else { throw Abort(.notFound) }
        let policies = try await PolicyLibrary.checked(input.policyIds, station: station, on: req.db, into: &v)
        try v.check()
        let a = CaseAssessment()
        a.id = UUID()
        a.caseID = c.id!
        a.assessedOn = day!.description
        a.riskLevel = risk!
        a.strengths = strengths!
        a.resources = resources!
        a.needIDs = String(decoding: try JSONEncoder().encode(needIDs), as: UTF8.self)
        a.createdBy = caller.userID
        a.createdByName = caller.displayName
        let detail = "预估：\(risk!.label)，关联需求 \(needIDs.count) 项" + (policies.isEmpty ? "" : "，适用政策 \(policies.count) 项")
        try await change(c, step: .assess, to: next, on: day!, detail: detail, caller: caller, req: req) { db in
            a.version = try await CaseAssessment.query(on: db).filter(\.$caseID == c.id!).count() + 1
            try await a.create(on: db)
            try await PolicyLibrary.link(policies, station: station.id!, caseID: c.id, assessmentID: a.id, on: day!, db: db)
            c.riskLevel = risk!
        }
    }

    static func plan(_ c: ServiceCase, _ input: PlanInput, req: Request) async throws {
        let caller = try req.requireCaller()
        let next = try advance(c, .plan)
        var v = Validator()
        let day = stepDay(input.plannedOn, field: "planned_on", label: "计划日期", c, today: req.today, into: &v)
        var checkedGoals: [String] = []
        for (i, raw) in (input.goals ?? []).enumerated() {
            if let text = v.text(raw, field: "goals[\(i)]", label: "第 \(i + 1) 个服务目标", max: TextLimit.short) { checkedGoals.append(text) }
        }
        let goals = checkedGoals
        if goals.isEmpty { v.add("goals", "服务计划至少要有一个服务目标") }
        var checkedItems: [(String, String, Day)] = []
        for (i, item) in (input.items ?? []).enumerated() {
            let what = v.text(item.what, field: "items[\(i)].what", label: "第 \(i + 1) 项服务内容", max: TextLimit.short, required: true)
            let who = v.text(item.who, field: "items[\(i)].who", label: "第 \(i + 1) 项负责人", max: TextLimit.name, required: true)
            let due = v.day(item.dueOn, field: "items[\(i)].due_on", label: "第 \(i + 1) 项完成期限")
            if (item.dueOn ?? "").isEmpty { v.add("items[\(i)].due_on", "第 \(i + 1) 项完成期限不能为空") }
            if let due, let day, due < day { v.add("items[\(i)].due_on", "第 \(i + 1) 项完成期限不能早于计划日期（\(day)）") }
            if let what, let who, let due { checkedItems.append((what, who, due)) }
        }
        let items = checkedItems
        if (input.items ?? []).isEmpty { v.add("items", "服务清单至少要有一项（服务内容、负责人、完成期限）") }
        try v.check()
        let plan = CasePlan()
        plan.id = UUID()
        plan.caseID = c.id!
        plan.plannedOn = day!.description
        plan.createdBy = caller.userID
        plan.createdByName = caller.displayName
        try await change(c, step: .plan, to: next, on: day!, detail: "服务计划：目标 \(goals.count) 个，服务清单 \(items.count) 项", caller: caller, req: req) { db in
            // A new version the same as the one in force is the same form sent twice (a double click
            // that arrives after the first one was saved): a 409, not a second identical version.
            if let latest = try await CasePlan.query(on: db).filter(\.$caseID == c.id!).sort(\.$version, .descending).first(), latest.plannedOn == plan.plannedOn {
                let oldGoals = try await CaseGoal.query(on: db).filter(\.$planID == latest.id!).sort(\.$position).all().map(\.text)
                let oldItems = try await CasePlanItem.query(on: db).filter(\.$planID == latest.id!).sort(\.$position).all().map { "\($0.what)|\($0.who)|\($0.dueOn)" }
                if oldGoals == goals && oldItems == items.map({ "\($0.0)|\($0.1)|\($0.2)" }) {
                    throw AppError.field("goals", "与第 \(latest.version) 版服务计划相同，未重复保存（可能是重复提交）", status: .conflict)
                }
            }
            plan.version = try await CasePlan.query(on: db).filter(\.$caseID == c.id!).count() + 1
            try await plan.create(on: db)
            for (i, text) in goals.enumerated() {
                let g = CaseGoal()
                g.planID = plan.id!
                g.position = i
                g.text = text
                try await g.create(on: db)
            }
            for (i, (what, who, due)) in items.enumerated() {
                let item = CasePlanItem()
                item.planID = plan.id!
                item.position = i
                item.what = what
                item.who = who
                item.dueOn = due.description
                try await item.create(on: db)
            }
        }
    }

    /// An intervention (`.intervene`) or a follow-up visit (`.followUp`): a row of the service ledger
    /// for every recipient of the case.
    static func addService(_ c: ServiceCase, station: Station, step: CaseStep, _ input: CaseServiceInput, req: Request) async throws -> ServiceRecord {
        let caller = try req.requireCaller()
        let next = try advance(c, step)
        var v = Validator()
        let day = stepDay(input.on, field: "on", label: "服务日期", c, today: req.today, into: &v)
        // A follow-up of a closed case comes after its closure (V-7: the visit after the intervention).
        if step == .followUp, let day, let closed = c.closedOn.flatMap(Day.init), day < closed {
            v.add("on", "回访日期不能早于结案日期（\(closed)）")
        }
        let minutes = v.serviceMinutes(input.minutes, label: "服务时长")
        let content = v.text(input.content, field: "content", label: "服务内容", max: TextLimit.long, required: true)
        let others = v.othersCount(input.othersCount)
        let profile = try await profile(of: station, year: (day ?? req.today).year, req: req)
        // The case's field and item unless the service says otherwise; a featured project given
        // instead of an item brings its own field (V-3).
        let featured = input.featuredProjectId
        let field = (input.field ?? "").isEmpty ? (featured == nil ? c.field : nil) : input.field
        let item = featured == nil && (input.field ?? "").isEmpty && (input.item ?? "").isEmpty ? c.item : input.item
        let tag = try await FeaturedProjectService.tag(profile, station: station, on: day, field: field, item: item,
                                                       method: input.method ?? ServiceMethod.caseWork.rawValue, featured: featured, db: req.db, into: &v)
        try v.check()
        let members = try await memberIDs(c, db: req.db)
        let entry = LedgerEntry(station: station, kind: step == .followUp ? .followUp : .intervention, tag: tag!, on: day!, minutes: minutes,
                                workerID: caller.userID, workerName: caller.displayName, recipientIDs: members, othersCount: others,
                                content: content!, caseID: c.id)
        try await req.application.ledgerPartitions.ensure(year: day!.year, on: req.db)
        return try await change(c, step: step, to: next, on: day!, detail: "\(entry.kind.label)（\(minutes) 分钟）：\(content!)", caller: caller, req: req) { db, audit in
            try await Ledger.write(entry, createdBy: caller.userID, on: db, audit: audit)
        }
    }

    static func evaluate(_ c: ServiceCase, _ input: EvaluationInput, req: Request) async throws {
        let caller = try req.requireCaller()
        let interventions = try await ServiceRecord.query(on: req.db).filter(\.$caseID == c.id!).filter(\.$kind == .intervention).count()
        let next = try advance(c, .evaluate, interventions: interventions)
        guard let plan = try await CasePlan.query(on: req.db).filter(\.$caseID == c.id!).sort(\.$version, .descending).first() else {
            throw AppError.field("stage", "个案尚无服务计划，不能评估", status: .conflict)
        }
        let goals = try await CaseGoal.query(on: req.db).filter(\.$planID == plan.id!).sort(\.$position).all()
        var v = Validator()
        let day = stepDay(input.evaluatedOn, field: "evaluated_on", label: "评估日期", c, today: req.today, into: &v)
        var given: [UUID: GoalOutcome] = [:]
        for (i, g) in (input.goals ?? []).enumerated() {
            guard let id = g.goalId, goals.contains(where: { $0.id == id }) else {
                v.add("goals[\(i)].goal_id", "第 \(i + 1) 项不是本个案现行服务计划中的目标")
                continue
            }
            if let o: GoalOutcome = WorkforceService.enumValue(g.outcome, GoalOutcome.self, field: "goals[\(i)].outcome", label: "目标达成情况", into: &v) {
                given[id] = o
            } else if g.outcome == nil, let goal = goals.first(where: { $0.id == id }) {
                v.add("goals[\(i)].outcome", "请选择目标“\(goal.text)”的达成情况")
            }
        }
        for (i, g) in goals.enumerated() where given[g.id!] == nil && !v.errors.contains(where: { $0.field.hasPrefix("goals[") }) {
            v.add("goals", "目标 \(i + 1)“\(g.text)”尚未评估达成情况")
        }
        let summary = v.text(input.summary, field: "summary", label: "评估总结", max: TextLimit.long, required: true)
        try v.check()
        let outcomes = given
        let e = CaseEvaluation()
        e.id = UUID()
        e.caseID = c.id!
        e.planID = plan.id!
        e.evaluatedOn = day!.description
        e.summary = summary!
        e.createdBy = caller.userID
        e.createdByName = caller.displayName
        let met = outcomes.values.filter { $0 == .met }.count
        try await change(c, step: .evaluate, to: next, on: day!, detail: "评估：目标 \(goals.count) 个，达成 \(met) 个。\(summary!)", caller: caller, req: req) { db in
            e.version = try await CaseEvaluation.query(on: db).filter(\.$caseID == c.id!).count() + 1
            try await e.create(on: db)
            let sql = db as! any SQLDatabase
            var insert = sql.insert(into: "case_goal_outcomes").columns("evaluation_id", "goal_id", "outcome")
            for (goal, outcome) in outcomes { insert = insert.values(SQLBind(e.id!), SQLBind(goal), SQLBind(outcome.rawValue)) }
            try await insert.run()
        }
    }

    static func close(_ c: ServiceCase, _ input: CloseInput, req: Request) async throws {
        let caller = try req.requireCaller()
        var v = Validator()
        let reason: CaseCloseReason? = WorkforceService.enumValue(input.reason, CaseCloseReason.self, field: "reason", label: "结案原因", into: &v)
        if input.reason == nil { v.add("reason", "请选择结案原因") }
        let next = try advance(c, .close, closeReason: reason)
        let day = stepDay(input.on, field: "on", label: "结案日期", c, today: req.today, into: &v)
        let outcome = v.text(input.outcome, field: "outcome", label: "结案小结", max: TextLimit.long, required: true)
        try v.check()
        try await change(c, step: .close, to: next, on: day!, detail: "结案（\(reason!.label)）：\(outcome!)", caller: caller, req: req) { _ in
            c.closedOn = day!.description
            c.closeReason = reason!
            c.outcome = outcome!
        }
    }

    static func reopen(_ c: ServiceCase, _ input: ReopenInput, req: Request) async throws {
        let caller = try req.requireCaller()
        let next = try advance(c, .reopen)
        var v = Validator()
        let day = stepDay(input.on, field: "on", label: "重新开案日期", c, today: req.today, into: &v)
        if let day, let closed = c.closedOn.flatMap(Day.init), day < closed { v.add("on", "重新开案日期不能早于结案日期（\(closed)）") }
        let reason = v.text(input.reason, field: "reason", label: "重新开案原因", max: TextLimit.short, required: true)
        try v.check()
        // The closure stays in the timeline and the audit trail; the case is open again.
        try await change(c, step: .reopen, to: next, on: day!, detail: "重新开案：\(reason!)（原结案于 \(c.closedOn ?? "")）", caller: caller, req: req) { _ in
            c.closedOn = nil
            c.closeReason = nil
            c.outcome = nil
        }
    }

    /// One step in one transaction: its own rows (`body`), the case's new stage, a timeline event, the audit.
    @discardableResult
    private static func change<T: Sendable>(_ c: ServiceCase, step: CaseStep, to next: CaseStage, on day: Day, detail: String, caller: Caller,
                                            req: Request, _ body: @Sendable @escaping (any Database, AuditLog.Recorder) async throws -> T) async throws -> T {
        try await req.audit.transaction { db, audit in
            // Re-read inside the serialised transaction: of two workers stepping the same case at once,
            // the second finds the stage moved and gets a 409 instead of overwriting the first.
            guard let current = try await ServiceCase.find(c.id!, on: db) else { throw Abort(.notFound, reason: "未找到该个案") }
            if current.stage != c.stage {
                throw AppError.field("stage", "个案刚由他人推进到“\(current.stage.label)”阶段，请刷新页面后重试", status: .conflict)
            }
            let old = c.auditFields
            let from = c.stage
            let result = try await body(db, audit)
            c.stage = next
            try await c.update(on: db)
            try await event(c, step: step, on: day, from: from, detail: detail, caller: caller, db: db)
            audit.change(entityType: "case", entityID: c.id, old: old, new: c.auditFields)
            return result
        }
    }

    private static func change(_ c: ServiceCase, step: CaseStep, to next: CaseStage, on day: Day, detail: String, caller: Caller,
                               req: Request, _ body: @Sendable @escaping (any Database) async throws -> Void) async throws {
        try await change(c, step: step, to: next, on: day, detail: detail, caller: caller, req: req) { db, _ in try await body(db) }
    }

    private static func event(_ c: ServiceCase, step: CaseStep?, on day: Day, from: CaseStage?, detail: String, caller: Caller, db: any Database) async throws {
        let e = CaseEvent()
        e.caseID = c.id!
        e.step = step?.rawValue ?? "open"
        e.happenedOn = day.description
        e.fromStage = from
        e.toStage = c.stage
        e.detail = String(detail.prefix(TextLimit.long))
        e.actorID = caller.userID
        e.actorName = caller.displayName
        try await e.create(on: db)
    }

    /// The recipients of a case, in the order they were named.
    static func memberIDs(_ c: ServiceCase, db: any Database) async throws -> [UUID] {
        try await (db as! any SQLDatabase).raw("SELECT recipient_id FROM case_recipients WHERE case_id = \(bind: c.id!) ORDER BY position")
            .all().map { try $0.decode(column: "recipient_id", as: UUID.self) }
    }
}
