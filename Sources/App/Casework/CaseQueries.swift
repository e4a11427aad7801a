import Domain
import Fluent
import SQLKit
import Vapor

/// A case in a list.
struct CaseSummary: Content {
    var id: UUID
    var number: String
    var stationId: UUID
    var stationName: String
    var recipientNames: String
    var stage: CaseStage
    var stageLabel: String
    var riskLevel: RiskLevel?
    var riskLabel: String?
    var field: String
    var responsibleName: String
    var openedOn: String
    var closedOn: String?
}

/// A case whole, as its page and the API show it: the current assessment, plan and evaluation (the
/// latest versions), every service, and the timeline.
struct CaseDetail: Content {
    struct Member: Content { var id: UUID; var name: String }
    struct Assessment: Content {
        var version: Int
        var assessedOn: String
        var riskLevel: RiskLevel
        var riskLabel: String
        var strengths: String
        var resources: String
        var needs: [String]
        /// The policies of the library it named as applying (V-10).
        var policies: [PolicyRef]
        var byName: String
    }
    struct Goal: Content { var id: UUID; var text: String; var outcome: GoalOutcome?; var outcomeLabel: String? }
    struct PlanItem: Content { var what: String; var who: String; var dueOn: String }
    struct Plan: Content { var version: Int; var plannedOn: String; var goals: [Goal]; var items: [PlanItem]; var byName: String }
    struct Evaluation: Content { var version: Int; var evaluatedOn: String; var summary: String; var byName: String }
    struct Service: Content {
        var id: UUID
        var kind: ServiceKind
        var kindLabel: String
        var on: String
        var minutes: Int
        var methodLabel: String
        /// The featured project (V-3) it was given under, if any.
        var featuredProject: String?
        var content: String
        var workerName: String
    }
    struct Event: Content { var on: String; var stepLabel: String; var fromStage: String?; var toStage: String; var detail: String; var actorName: String }

    var id: UUID
    var number: String
    var stationId: UUID
    var stationName: String
    var stage: CaseStage
    var stageLabel: String
    var source: CaseSource
    var sourceLabel: String
    var problem: String
    var consentOn: String
    var field: String
    var fieldLabel: String
    var item: String?
    var itemLabel: String?
    var riskLevel: RiskLevel?
    var riskLabel: String?
    var responsibleName: String
    var openedOn: String
    var closedOn: String?
    var closeReason: CaseCloseReason?
    var closeReasonLabel: String?
    var outcome: String?
    var recipients: [Member]
    var assessment: Assessment?
    var plan: Plan?
    var evaluation: Evaluation?
    var services: [Service]
    var events: [Event]
    /// The steps the case's stage allows now (whether the caller may take them is another matter).
    var nextSteps: [CaseStep]
    /// Its crisis duties (V-7), when its latest assessment is at the crisis level and the city has set their limits.
    var crisis: [CrisisItem] = []
    /// The supervision records that discussed it, newest first, for a caller who reads the station's records.
    var supervision: [SupervisionCases.Mention] = []
}

enum CaseQueries {
    struct Filter: Content {
        var station: UUID?
        var stage: String?
        /// "1": the caller's own cases (where they are the responsible worker).
        var mine: String?
        var page: Int?
        var per: Int?
    }

    /// The stations whose cases the caller reads: their read scope, and a supervisor's stations
    /// posted to them today. nil when none.
    static func scope(_ caller: Caller, today: Day, on db: any Database) async throws -> SQLQueryString? {
        var parts: [SQLQueryString] = []
        if let stations = StationScope.condition(Access.readScope(caller.assignments, .casework), on: db) { parts.append(stations) }
        if caller.has(.supervisor) {
            let supervisors = try await Supervisor.query(on: db).filter(\.$userID == caller.userID).all().compactMap(\.id)
            let postings = try await SupervisorAssignment.query(on: db).filter(\.$supervisor.$id ~~ supervisors).all()
            let stations = try postings.filter { try $0.covers(today) }.map(\.stationID)
            if !stations.isEmpty { parts.append("s.deleted_at IS NULL AND s.id IN (\(binds: stations))") }
        }
        if parts.isEmpty { return nil }
        return "(" + parts.map { "(" + $0 + ")" }.joined(separator: " OR ") + ")"
    }

    static func list(_ caller: Caller, _ filter: Filter, today: Day, on db: any Database) async throws -> (rows: [CaseSummary], paging: Paging) {
        let requested = Paging(page: filter.page, per: filter.per, total: 0)
        guard let scope = try await scope(caller, today: today, on: db) else { return ([], requested) }
        var conditions: [SQLQueryString] = [scope]
        if let station = filter.station { conditions.append("c.station_id = \(bind: station)") }
        if let raw = filter.stage, !raw.isEmpty {
            if raw == "open" { conditions.append("c.stage <> 'closed'") }
            else {
                guard let stage = CaseStage(rawValue: raw) else {
                    throw AppError.field("stage", "未知的个案阶段“\(raw)”（可选：open、\(CaseStage.allCases.map(\.rawValue).joined(separator: "、"))）", status: .badRequest)
                }
                conditions.append("c.stage = \(bind: stage.rawValue)")
            }
        }
        switch filter.mine {
        case nil, "": break
        case "1", "true": conditions.append("c.responsible_id = \(bind: caller.userID)")
        case let raw?: throw AppError.field("mine", "查询参数 mine 应为 1（只看我负责的个案），收到“\(raw)”", status: .badRequest)
        }
        let sql = db as! any SQLDatabase
        let whereClause = conditions.joined(separator: " AND ")
        let from: SQLQueryString = "FROM cases c JOIN stations s ON s.id = c.station_id WHERE "
        let total = try await sql.raw("SELECT COUNT(*) AS total " + from + whereClause).first()?.decode(column: "total", as: Int.self) ?? 0
        let paging = Paging(page: filter.page, per: filter.per, total: total)
        let rows = try await sql.raw("""
            SELECT c.id, c.number, c.station_id, s.name AS station_name, c.stage, c.risk_level, c.field, c.responsible_name, c.opened_on, c.closed_on
            """ + " " + from + whereClause + " ORDER BY c.opened_on DESC, c.number DESC LIMIT \(bind: paging.per) OFFSET \(bind: paging.offset)").all()
        let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        let names = try await recipientNames(ids, on: db)
        return (try rows.map { row in
            let id = try row.decode(column: "id", as: UUID.self)
            let stage = try row.decode(column: "stage", as: CaseStage.self)
            let risk = try row.decode(column: "risk_level", as: RiskLevel?.self)
            return CaseSummary(id: id, number: try row.decode(column: "number", as: String.self), stationId: try row.decode(column: "station_id", as: UUID.self),
                               stationName: try row.decode(column: "station_name", as: String.self), recipientNames: names[id, default: ""],
                               stage: stage, stageLabel: stage.label, riskLevel: risk, riskLabel: risk?.label,
                               field: try row.decode(column: "field", as: String.self), responsibleName: try row.decode(column: "responsible_name", as: String.self),
                               openedOn: try row.decode(column: "opened_on", as: String.self), closedOn: try row.decode(column: "closed_on", as: String?.self))
        }, paging)
    }

    /// The recipients' names of each case, joined with 、 in the order they were named.
    private static func recipientNames(_ cases: [UUID], on db: any Database) async throws -> [UUID: String] {
        if cases.isEmpty { return [:] }
        let rows = try await (db as! any SQLDatabase).raw("""
            SELECT cr.case_id, r.name FROM case_recipients cr JOIN recipients r ON r.id = cr.recipient_id
            WHERE cr.case_id IN (\(binds: cases)) ORDER BY cr.case_id, cr.position
            """).all()
        var names: [UUID: [String]] = [:]
        for row in rows { names[try row.decode(column: "case_id", as: UUID.self), default: []].append(try row.decode(column: "name", as: String.self)) }
        return names.mapValues { $0.joined(separator: "、") }
    }

    /// The cases a recipient is in, newest first (their timeline links to them).
    /// - Parameter scope: the caller's (`scope(_:today:on:)`): another station's cases of a transferred person stay out of sight.
    static func cases(of recipient: UUID, scope: SQLQueryString, on db: any Database) async throws -> [(id: UUID, number: String, stage: CaseStage, openedOn: String)] {
        try await (db as! any SQLDatabase).raw("""
            SELECT c.id, c.number, c.stage, c.opened_on FROM case_recipients cr JOIN cases c ON c.id = cr.case_id JOIN stations s ON s.id = c.station_id
            WHERE cr.recipient_id = \(bind: recipient) AND
            """ + " " + scope + " ORDER BY c.opened_on DESC").all().map { row in
            (try row.decode(column: "id", as: UUID.self), try row.decode(column: "number", as: String.self),
             try row.decode(column: "stage", as: CaseStage.self), try row.decode(column: "opened_on", as: String.self))
        }
    }

    static func detail(_ c: ServiceCase, station: Station, profile: PolicyProfile, on db: any Database) async throws -> CaseDetail {
        let caseID = c.id!
        let members = try await (db as! any SQLDatabase).raw("""
            SELECT r.id, r.name FROM case_recipients cr JOIN recipients r ON r.id = cr.recipient_id WHERE cr.case_id = \(bind: caseID) ORDER BY cr.position
            """).all().map { CaseDetail.Member(id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self)) }
        var assessment: CaseDetail.Assessment?
        if let a = try await CaseAssessment.query(on: db).filter(\.$caseID == caseID).sort(\.$version, .descending).first() {
            let needs = a.needs.isEmpty ? [] : try await RecipientNeed.query(on: db).filter(\.$id ~~ a.needs).all().map(\.description)
            assessment = .init(version: a.version, assessedOn: a.assessedOn, riskLevel: a.riskLevel, riskLabel: a.riskLevel.label,
                               strengths: a.strengths, resources: a.resources, needs: needs,
                               policies: try await PolicyLibrary.named(assessments: [a.id!], on: db)[a.id!] ?? [], byName: a.createdByName)
        }
        var plan: CaseDetail.Plan?
        var evaluation: CaseDetail.Evaluation?
        if let p = try await CasePlan.query(on: db).filter(\.$caseID == caseID).sort(\.$version, .descending).first() {
            let goals = try await CaseGoal.query(on: db).filter(\.$planID == p.id!).sort(\.$position).all()
            let items = try await CasePlanItem.query(on: db).filter(\.$planID == p.id!).sort(\.$position).all()
            var outcomes: [UUID: GoalOutcome] = [:]
            if let e = try await CaseEvaluation.query(on: db).filter(\.$caseID == caseID).sort(\.$version, .descending).first() {
                evaluation = .init(version: e.version, evaluatedOn: e.evaluatedOn, summary: e.summary, byName: e.createdByName)
                if e.planID == p.id {
                    for row in try await (db as! any SQLDatabase).raw("SELECT goal_id, outcome FROM case_goal_outcomes WHERE evaluation_id = \(bind: e.id!)").all() {
                        outcomes[try row.decode(column: "goal_id", as: UUID.self)] = try row.decode(column: "outcome", as: GoalOutcome.self)
                    }
                }
            }
            plan = .init(version: p.version, plannedOn: p.plannedOn,
                         goals: goals.map { .init(id: $0.id!, text: $0.text, outcome: outcomes[$0.id!], outcomeLabel: outcomes[$0.id!]?.label) },
                         items: items.map { .init(what: $0.what, who: $0.who, dueOn: $0.dueOn) }, byName: p.createdByName)
        }
        let records = try await ServiceRecord.query(on: db).filter(\.$caseID == caseID).sort(\.$servedOn).sort(\.$createdAt).all()
        let projectIDs = Array(Set(records.compactMap(\.featuredProjectID)))
        var projects: [UUID: String] = [:]
        if !projectIDs.isEmpty {
            for p in try await FeaturedProject.query(on: db).filter(\.$id ~~ projectIDs).all() { projects[p.id!] = p.name }
        }
        let services = records.map {
            CaseDetail.Service(id: $0.id!, kind: $0.kind, kindLabel: $0.kind.label, on: $0.servedOn, minutes: $0.minutes, methodLabel: $0.method.label,
                               featuredProject: $0.featuredProjectID.flatMap { projects[$0] }, content: $0.content, workerName: $0.workerName)
        }
        let events = try await CaseEvent.query(on: db).filter(\.$caseID == caseID).sort(\.$happenedOn).sort(\.$createdAt).all().map {
            CaseDetail.Event(on: $0.happenedOn, stepLabel: $0.stepLabel, fromStage: $0.fromStage?.label, toStage: $0.toStage.label,
                             detail: $0.detail, actorName: $0.actorName)
        }
        return CaseDetail(id: caseID, number: c.number, stationId: station.id!, stationName: station.name, stage: c.stage, stageLabel: c.stage.label,
                          source: c.source, sourceLabel: c.source.label, problem: c.problem, consentOn: c.consentOn,
                          field: c.field, fieldLabel: profile.serviceField(c.field)?.label ?? c.field,
                          item: c.item, itemLabel: c.item.flatMap { profile.serviceItem($0)?.label ?? $0 },
                          riskLevel: c.riskLevel, riskLabel: c.riskLevel?.label, responsibleName: c.responsibleName,
                          openedOn: c.openedOn, closedOn: c.closedOn, closeReason: c.closeReason, closeReasonLabel: c.closeReason?.label,
                          outcome: c.outcome, recipients: members, assessment: assessment, plan: plan, evaluation: evaluation,
                          services: services, events: events, nextSteps: CaseStep.allCases.filter { $0.allowedIn.contains(c.stage) })
    }
}
