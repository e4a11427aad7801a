import Domain
import Fluent
import SQLKit
import Vapor

/// A social-assistance request (社会救助协助, V-10). See `M017_AssistanceRequests`.
final class AssistanceRequest: Model, @unchecked Sendable {
    static let schema = "assistance_requests"

    @ID(key: .id) var id: UUID?
    @Field(key: "year") var year: Int
    @Parent(key: "station_id") var station: Station
    @Field(key: "city_id") var cityID: UUID
    @Field(key: "district_id") var districtID: UUID
    @Field(key: "recipient_id") var recipientID: UUID
    @OptionalField(key: "case_id") var caseID: UUID?
    @Field(key: "situation") var situation: AssistanceSituation
    @Field(key: "requested_on") var requestedOn: String
    /// What the person asked for, or the hardship found.
    @Field(key: "need") var need: String
    /// What the station did: the application it helped file, the department it explained, the resources it linked.
    @Field(key: "action") var action: String
    @OptionalField(key: "closed_on") var closedOn: String?
    @OptionalField(key: "outcome") var outcome: String?
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_by_name") var createdByName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["station_id": $station.id.uuidString, "recipient_id": recipientID.uuidString, "case_id": caseID?.uuidString ?? "", "situation": situation.rawValue,
         "requested_on": requestedOn, "need": need, "action": action, "closed_on": closedOn ?? "", "outcome": outcome ?? ""]
    }
}

struct AssistanceInput: Content {
    var recipientId: UUID?
    var caseId: UUID?
    var situation: String?
    var on: String?
    var need: String?
    var action: String?
    /// Policies of the city's library that apply (V-10).
    var policyIds: [UUID]?
}

struct AssistanceOutcomeInput: Content {
    var on: String?
    var outcome: String?
}

struct AssistanceDTO: Content {
    var id: UUID
    var stationId: UUID
    var stationName: String
    var recipientId: UUID
    var recipientName: String
    var caseId: UUID?
    var situation: AssistanceSituation
    var situationLabel: String
    var requestedOn: String
    var need: String
    var action: String
    var closedOn: String?
    var outcome: String?
    var recordedByName: String
    /// The policies of the library it named as applying.
    var policies: [PolicyRef]
}

/// V-10: the station records which situation a person's request is in and what it did, and closes it
/// with the outcome. Kept by the station's workers and operator; read by street, district, city and
/// evaluator; 404 outside the caller's scope.
enum AssistanceService {
    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> (AssistanceRequest, Station) {
        guard let id, let a = try await AssistanceRequest.query(on: req.db).filter(\.$id == id).with(\.$station).first() else {
            throw Abort(.notFound, reason: "未找到该救助协助记录，或不在您的管辖范围内")
        }
        try req.authorize(action, StationScope.resource(a.station, .service))
        return (a, a.station)
    }

    static func record(_ input: AssistanceInput, req: Request) async throws -> AssistanceRequest {
        let caller = try req.requireCaller()
        guard let recipientID = input.recipientId else { throw AppError.field("recipient_id", "缺少必填字段 recipient_id（求助的服务对象）") }
        let (person, station) = try await RecipientService.find(recipientID, .read, req: req)
        try req.authorize(.create, StationScope.resource(station, .service))
        var v = Validator()
        let situation: AssistanceSituation? = WorkforceService.enumValue(input.situation, AssistanceSituation.self, field: "situation", label: "情形", into: &v)
        if input.situation == nil {
            v.add("situation", "请选择属于哪种情形（" + AssistanceSituation.allCases.map { "\($0.rawValue) \($0.label)" }.joined(separator: "；") + "）")
        }
        let day = v.day(input.on, field: "on", label: "求助日期", notAfter: req.today) ?? ((input.on ?? "").isEmpty ? req.today : nil)
        let need = v.text(input.need, field: "need", label: "求助事项", max: TextLimit.long, required: true)
        let action = v.text(input.action, field: "action", label: "本站所做的工作", max: TextLimit.long, required: true)
        if let caseID = input.caseId {
            let inCase = try await (req.db as! any SQLDatabase).raw("""
                SELECT COUNT(*) AS n FROM case_recipients WHERE case_id = \(bind: caseID) AND recipient_id = \(bind: person.id!) AND station_id = \(bind: station.id!)
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            if inCase == 0 { v.add("case_id", "该个案不是本站为\(person.name)开的个案") }
        }
        let policies = try await PolicyLibrary.checked(input.policyIds, station: station, on: req.db, into: &v)
        try v.check()
        let a = AssistanceRequest()
        a.id = UUID()
        a.year = day!.year
        a.$station.id = station.id!
        a.cityID = station.cityID
        a.districtID = station.districtID
        a.recipientID = person.id!
        a.caseID = input.caseId
        a.situation = situation!
        a.requestedOn = day!.description
        a.need = need!
        a.action = action!
        a.createdBy = caller.userID
        a.createdByName = caller.displayName
        try await req.audit.transaction { db, audit in
            let same = try await AssistanceRequest.query(on: db).filter(\.$recipientID == person.id!).filter(\.$requestedOn == a.requestedOn)
                .filter(\.$need == a.need).count()
            if same > 0 { throw AppError.field("need", "\(a.requestedOn) 已登记过\(person.name)的同一求助事项，请勿重复提交", status: .conflict) }
            try await a.create(on: db)
            try await PolicyLibrary.link(policies, station: station.id!, caseID: a.caseID, assistanceID: a.id, on: day!, db: db)
            var fields = a.auditFields
            fields["policy_ids"] = policies.map(\.uuidString).sorted().joined(separator: ",")
            audit.change(entityType: "assistance_request", entityID: a.id, old: nil, new: fields)
        }
        return a
    }

    static func close(_ a: AssistanceRequest, _ input: AssistanceOutcomeInput, req: Request) async throws {
        var v = Validator()
        let day = v.day(input.on, field: "on", label: "办结日期", notAfter: req.today) ?? ((input.on ?? "").isEmpty ? req.today : nil)
        if let day, let asked = Day(a.requestedOn), day < asked { v.add("on", "办结日期不能早于求助日期（\(a.requestedOn)）") }
        let outcome = v.text(input.outcome, field: "outcome", label: "结果", max: TextLimit.long, required: true)
        try v.check()
        try await req.audit.transaction { db, audit in
            guard let current = try await AssistanceRequest.find(a.id, on: db) else { throw Abort(.notFound) }
            if let closed = current.closedOn { throw AppError.field("outcome", "该求助已于 \(closed) 办结", status: .conflict) }
            let before = current.auditFields
            current.closedOn = day!.description
            current.outcome = outcome!
            try await current.save(on: db)
            audit.change(entityType: "assistance_request", entityID: current.id, old: before, new: current.auditFields)
        }
    }

    struct Filter: Content {
        var station: UUID?
        /// `open` or `closed`.
        var status: String?
        var page: Int?
        var per: Int?
    }

    static func list(_ caller: Caller, _ filter: Filter, ids: [UUID]? = nil, on db: any Database) async throws -> (rows: [AssistanceDTO], paging: Paging) {
        let requested = Paging(page: filter.page, per: filter.per, total: 0)
        var conditions: [SQLQueryString] = []
        switch filter.status {
        case nil, "": break
        case "open": conditions.append("a.closed_on IS NULL")
        case "closed": conditions.append("a.closed_on IS NOT NULL")
        case let raw?: throw AppError.field("status", "查询参数 status 应为 open（办理中）或 closed（已办结），收到“\(raw)”", status: .badRequest)
        }
        guard let scope = StationScope.condition(Access.readScope(caller.assignments, .service), on: db) else { return ([], requested) }
        conditions.append(scope)
        if let station = filter.station { conditions.append("a.station_id = \(bind: station)") }
        if let ids { conditions.append(ids.isEmpty ? "1 = 0" : "a.id IN (\(binds: ids))") }
        let sql = db as! any SQLDatabase
        let from: SQLQueryString = "FROM assistance_requests a JOIN stations s ON s.id = a.station_id JOIN recipients r ON r.id = a.recipient_id WHERE "
        let whereClause = conditions.joined(separator: " AND ")
        let total = try await sql.raw("SELECT COUNT(*) AS total " + from + whereClause).first()?.decode(column: "total", as: Int.self) ?? 0
        let paging = Paging(page: filter.page, per: filter.per, total: total)
        let rows = try await sql.raw("""
            SELECT a.id, a.station_id, s.name AS station_name, a.recipient_id, r.name AS recipient_name, a.case_id, a.situation, a.requested_on, a.need,
                   a.action, a.closed_on, a.outcome, a.created_by_name
            """ + " " + from + whereClause + " ORDER BY a.requested_on DESC, a.created_at DESC LIMIT \(bind: paging.per) OFFSET \(bind: paging.offset)").all()
        let policies = try await PolicyLibrary.named(assistance: try rows.map { try $0.decode(column: "id", as: UUID.self) }, on: db)
        return (try rows.map { row in
            let situation = try row.decode(column: "situation", as: AssistanceSituation.self)
            return AssistanceDTO(id: try row.decode(column: "id", as: UUID.self), stationId: try row.decode(column: "station_id", as: UUID.self),
                                 stationName: try row.decode(column: "station_name", as: String.self), recipientId: try row.decode(column: "recipient_id", as: UUID.self),
                                 recipientName: try row.decode(column: "recipient_name", as: String.self), caseId: try row.decode(column: "case_id", as: UUID?.self),
                                 situation: situation, situationLabel: situation.label, requestedOn: try row.decode(column: "requested_on", as: String.self),
                                 need: try row.decode(column: "need", as: String.self), action: try row.decode(column: "action", as: String.self),
                                 closedOn: try row.decode(column: "closed_on", as: String?.self), outcome: try row.decode(column: "outcome", as: String?.self),
                                 recordedByName: try row.decode(column: "created_by_name", as: String.self),
                                 policies: policies[try row.decode(column: "id", as: UUID.self)] ?? [])
        }, paging)
    }
}
