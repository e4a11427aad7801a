import Domain
import Fluent
import SQLKit
import Vapor

/// A home or phone visit (家访/电访), from the form or the API.
struct VisitInput: Content {
    var recipientId: UUID?
    var kind: String?
    var on: String?
    var minutes: Int?
    var content: String?
    /// What the worker found (生活状况、安全隐患 …).
    var findings: String?
    var followUpNeeded: Bool?
    var field: String?
    var item: String?
    /// One of the station's featured projects of the visit's year, in place of the item (V-3).
    var featuredProjectId: UUID?
    /// Defaults to 个案工作.
    var method: String?
    var othersCount: Int?
}

struct VisitDTO: Content {
    var id: UUID
    var recipientId: UUID
    var recipientName: String
    var stationId: UUID
    var kind: VisitKind
    var kindLabel: String
    var on: String
    var minutes: Int
    var content: String
    var findings: String
    var followUpNeeded: Bool
    /// When the follow-up was done and by whom (issue 10 §5); nil while it is owed or not needed.
    var followUpDoneOn: String?
    var followUpDoneByName: String?
    var fieldLabel: String
    var workerName: String
}

/// Home and phone visits (issue 10 §3): a ledger row (kind 家访/电访) and the visit's own findings,
/// in one transaction.
enum VisitService {
    static func record(_ input: VisitInput, recipient r: Recipient, station: Station, req: Request) async throws -> Visit {
        let caller = try req.requireCaller()
        try req.authorize(.create, StationScope.resource(station, .service))
        var v = Validator()
        let kind: VisitKind? = WorkforceService.enumValue(input.kind, VisitKind.self, field: "kind", label: "走访方式", into: &v)
        if input.kind == nil { v.add("kind", "请选择走访方式（home 家访、phone 电访）") }
        let day = v.day(input.on, field: "on", label: "走访日期", notAfter: req.today)
        if (input.on ?? "").isEmpty { v.add("on", "走访日期不能为空") }
        let minutes = v.serviceMinutes(input.minutes, label: "走访时长")
        let content = v.text(input.content, field: "content", label: "走访内容", max: TextLimit.long, required: true)
        let findings = v.text(input.findings, field: "findings", label: "发现的情况", max: TextLimit.long, required: true)
        let others = v.othersCount(input.othersCount)
        if r.mergedIntoID != nil {
            throw AppError.field("recipient_id", "该记录已合并到另一条记录，请在保留的记录上登记走访", status: .conflict)
        }
        if r.status != .active { v.add("recipient_id", "\(r.name)的状态为“\(r.status.label)”，只能走访在册的服务对象") }
        let profile = try await CaseService.profile(of: station, year: (day ?? req.today).year, req: req)
        let tag = try await FeaturedProjectService.tag(profile, station: station, on: day, field: input.field, item: input.item,
                                                       method: input.method ?? ServiceMethod.caseWork.rawValue, featured: input.featuredProjectId,
                                                       db: req.db, into: &v)
        try v.check()
        let entry = LedgerEntry(station: station, kind: kind!.serviceKind, tag: tag!, on: day!, minutes: minutes, workerID: caller.userID,
                                workerName: caller.displayName, recipientIDs: [r.id!], othersCount: others, content: content!, caseID: nil)
        let visit = Visit()
        visit.id = UUID()
        visit.year = day!.year
        visit.$station.id = station.id!
        visit.$recipient.id = r.id!
        visit.kind = kind!
        visit.visitedOn = day!.description
        visit.findings = findings!
        visit.followUpNeeded = input.followUpNeeded ?? false
        visit.createdBy = caller.userID
        try await req.application.ledgerPartitions.ensure(year: day!.year, on: req.db)
        try await req.audit.transaction { db, audit in
            let record = try await Ledger.write(entry, createdBy: caller.userID, on: db, audit: audit)
            visit.recordID = record.id!
            try await visit.create(on: db)
            audit.change(entityType: "visit", entityID: visit.id, old: nil,
                         new: ["record_id": record.id!.uuidString, "recipient_id": r.id!.uuidString, "kind": kind!.rawValue,
                               "visited_on": visit.visitedOn, "findings": findings!, "follow_up_needed": String(visit.followUpNeeded)])
        }
        return visit
    }

    struct Filter: Content {
        var station: UUID?
        var recipient: UUID?
        var page: Int?
        var per: Int?
        /// One visit (the answer to its creation); not a query parameter of the API.
        var visit: UUID? = nil

        enum CodingKeys: String, CodingKey { case station, recipient, page, per }
    }

    /// Visits the caller may read, newest first.
    /// - Parameter profile: the caller's city's, for the fields' labels.
    static func list(_ caller: Caller, _ filter: Filter, profile: PolicyProfile?, on db: any Database) async throws -> (rows: [VisitDTO], paging: Paging) {
        let requested = Paging(page: filter.page, per: filter.per, total: 0)
        guard let scope = StationScope.condition(Access.readScope(caller.assignments, .service), on: db) else { return ([], requested) }
        var conditions: [SQLQueryString] = [scope]
        if let station = filter.station { conditions.append("vi.station_id = \(bind: station)") }
        if let recipient = filter.recipient { conditions.append("vi.recipient_id = \(bind: recipient)") }
        if let visit = filter.visit { conditions.append("vi.id = \(bind: visit)") }
        let sql = db as! any SQLDatabase
        let from: SQLQueryString = """
            FROM visits vi JOIN stations s ON s.id = vi.station_id JOIN recipients r ON r.id = vi.recipient_id
            JOIN service_records sr ON sr.id = vi.record_id AND sr.year = vi.year WHERE
            """
        let whereClause = " " + conditions.joined(separator: " AND ")
        let total = try await sql.raw("SELECT COUNT(*) AS total " + from + whereClause).first()?.decode(column: "total", as: Int.self) ?? 0
        let paging = Paging(page: filter.page, per: filter.per, total: total)
        let rows = try await sql.raw("""
            SELECT vi.id, vi.recipient_id, r.name AS recipient_name, vi.station_id, vi.kind, vi.visited_on, sr.minutes, sr.content, vi.findings,
                   vi.follow_up_needed, vi.follow_up_done_on, vi.follow_up_done_by_name, sr.field, sr.worker_name
            """ + " " + from + whereClause + " ORDER BY vi.visited_on DESC, vi.created_at DESC LIMIT \(bind: paging.per) OFFSET \(bind: paging.offset)").all()
        return (try rows.map { row in
            let kind = try row.decode(column: "kind", as: VisitKind.self)
            let field = try row.decode(column: "field", as: String.self)
            return VisitDTO(id: try row.decode(column: "id", as: UUID.self), recipientId: try row.decode(column: "recipient_id", as: UUID.self),
                            recipientName: try row.decode(column: "recipient_name", as: String.self),
                            stationId: try row.decode(column: "station_id", as: UUID.self), kind: kind, kindLabel: kind.label,
                            on: try row.decode(column: "visited_on", as: String.self), minutes: try row.decode(column: "minutes", as: Int.self),
                            content: try row.decode(column: "content", as: String.self), findings: try row.decode(column: "findings", as: String.self),
                            followUpNeeded: try row.decode(column: "follow_up_needed", as: Bool.self),
                            followUpDoneOn: try row.decode(column: "follow_up_done_on", as: String?.self),
                            followUpDoneByName: try row.decode(column: "follow_up_done_by_name", as: String?.self),
                            fieldLabel: profile?.serviceField(field)?.label ?? field, workerName: try row.decode(column: "worker_name", as: String.self))
        }, paging)
    }
}
