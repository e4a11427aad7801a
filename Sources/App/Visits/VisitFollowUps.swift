import Domain
import Fluent
import SQLKit
import Vapor

/// The follow-up a visit marked 需跟进 owes (issue 10 §5): listed on the home page of the workers of
/// its station until one of them marks it done, which records the day and who, once (a second
/// click is a 409), audited.
struct FollowUpDoneInput: Content {
    /// The day it was done; today when omitted.
    var on: String?
}

enum VisitFollowUps {
    /// A follow-up still owed, as the home page lists it.
    struct Due: Sendable {
        let visitId: UUID
        let recipientId: UUID
        let recipientName: String
        let stationName: String
        let kindLabel: String
        let visitedOn: String
        let findings: String
        /// The worker who recorded the visit.
        let workerName: String
    }

    /// The visit for marking its follow-up, looked up by the caller's right to write the station's
    /// services: another street's or city's visit is 404, a reader (the street, a supervisor) 403.
    static func find(_ id: UUID?, req: Request) async throws -> (Visit, Station) {
        guard let id, let visit = try await Visit.query(on: req.db).filter(\.$id == id).with(\.$station).first() else {
            throw Abort(.notFound, reason: "未找到该走访记录，或不在您的管辖范围内")
        }
        try req.authorize(.update, StationScope.resource(visit.station, .service))
        return (visit, visit.station)
    }

    /// Marks the follow-up done: only a visit that needed one, not yet done, on a day from the visit
    /// to today; checked again inside the serialised write so that two clicks give one 409.
    static func markDone(_ visit: Visit, _ input: FollowUpDoneInput, req: Request) async throws -> Visit {
        let caller = try req.requireCaller()
        var v = Validator()
        let day = v.day(input.on, field: "on", label: "跟进日期", notAfter: req.today) ?? ((input.on ?? "").isEmpty ? req.today : nil)
        if let day, let visited = Day(visit.visitedOn), day < visited { v.add("on", "跟进日期不能早于走访日期（\(visit.visitedOn)）") }
        try v.check()
        return try await req.audit.transaction { db, audit in
            guard let current = try await Visit.find(visit.id, on: db) else { throw Abort(.notFound, reason: "未找到该走访记录") }
            if !current.followUpNeeded {
                throw AppError.field("follow_up_needed", "这次走访未标记“需跟进”，无需记录跟进完成", status: .conflict)
            }
            if let done = current.followUpDoneOn {
                throw AppError.field("on", "这次走访的跟进已于 \(done) 由\(current.followUpDoneByName ?? "")记录完成", status: .conflict)
            }
            current.followUpDoneOn = day!.description
            current.followUpDoneBy = caller.userID
            current.followUpDoneByName = caller.displayName
            try await current.save(on: db)
            audit.change(entityType: "visit", entityID: current.id, old: ["follow_up_done_on": ""],
                         new: ["follow_up_done_on": current.followUpDoneOn!, "follow_up_done_by": caller.userID.uuidString])
            return current
        }
    }

    /// The first `limit` follow-ups owed at the stations, oldest visit first, and how many are owed in all
    /// (the home page lists a few: a station behind on its follow-ups must not make it read them all).
    static func due(stations: [UUID], limit: Int, on db: any Database) async throws -> (first: [Due], total: Int) {
        if stations.isEmpty { return ([], 0) }
        let sql = db as! any SQLDatabase
        let owed: SQLQueryString = "vi.station_id IN (\(binds: stations)) AND vi.follow_up_needed = \(bind: true) AND vi.follow_up_done_on IS NULL"
        let first = try await sql.raw("""
            SELECT vi.id, vi.recipient_id, r.name AS recipient_name, s.name AS station_name, vi.kind, vi.visited_on, vi.findings, sr.worker_name
            FROM visits vi JOIN stations s ON s.id = vi.station_id JOIN recipients r ON r.id = vi.recipient_id
            JOIN service_records sr ON sr.id = vi.record_id AND sr.year = vi.year
            WHERE
            """ + " " + owed + " ORDER BY vi.visited_on, vi.created_at LIMIT \(bind: limit)").all().map { row in
            Due(visitId: try row.decode(column: "id", as: UUID.self), recipientId: try row.decode(column: "recipient_id", as: UUID.self),
                recipientName: try row.decode(column: "recipient_name", as: String.self), stationName: try row.decode(column: "station_name", as: String.self),
                kindLabel: try row.decode(column: "kind", as: VisitKind.self).label, visitedOn: try row.decode(column: "visited_on", as: String.self),
                findings: try row.decode(column: "findings", as: String.self), workerName: try row.decode(column: "worker_name", as: String.self))
        }
        let total = first.count < limit ? first.count
            : try await sql.raw("SELECT COUNT(*) AS n FROM visits vi WHERE " + owed).first()?.decode(column: "n", as: Int.self) ?? first.count
        return (first, total)
    }
}
