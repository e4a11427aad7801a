import Domain
import Fluent
import SQLKit
import Vapor

struct ReferralDTO: Content {
    var id: UUID
    var stationId: UUID
    var stationName: String
    var recipientId: UUID
    var recipientName: String
    var caseId: UUID?
    var target: ReferralTarget
    var targetLabel: String
    var targetStationId: UUID?
    var targetName: String
    var reason: String
    var status: ReferralStatus
    var statusLabel: String
    var sentOn: String
    var answeredOn: String?
    var answer: String?
    var doneOn: String?
    var outcome: String?
    var sentByName: String
    /// Whether the caller may answer it now (the receiving station for a station, else the sender).
    var canAnswer: Bool
}

enum ReferralQueries {
    struct Filter: Content {
        /// `out` (sent by the caller's stations, the default) or `in` (sent to them by other stations).
        var box: String?
        var status: String?
        var page: Int?
        var per: Int?
    }

    static func list(_ caller: Caller, _ filter: Filter, on db: any Database) async throws -> (rows: [ReferralDTO], paging: Paging) {
        let requested = Paging(page: filter.page, per: filter.per, total: 0)
        let inbox: Bool
        switch filter.box {
        case nil, "", "out": inbox = false
        case "in": inbox = true
        case let raw?: throw AppError.field("box", "查询参数 box 应为 in（转入）或 out（转出），收到“\(raw)”", status: .badRequest)
        }
        var conditions: [SQLQueryString] = []
        if let raw = filter.status, !raw.isEmpty {
            guard let status = ReferralStatus(rawValue: raw) else {
                throw AppError.field("status", "未知的转介状态“\(raw)”（可选：\(ReferralStatus.allCases.map(\.rawValue).joined(separator: "、"))）", status: .badRequest)
            }
            conditions.append("f.status = \(bind: status.rawValue)")
        }
        // The box's station is the one in the caller's scope (`s`): the sender's, or the receiving station's.
        guard let scope = StationScope.condition(Access.readScope(caller.assignments, .service), on: db) else { return ([], requested) }
        conditions.append(scope)
        let join: SQLQueryString = inbox ? "JOIN stations s ON s.id = f.target_station_id" : "JOIN stations s ON s.id = f.station_id"
        let from: SQLQueryString = "FROM referrals f " + join + " JOIN stations fs ON fs.id = f.station_id JOIN recipients r ON r.id = f.recipient_id WHERE "
        let whereClause = conditions.joined(separator: " AND ")
        let sql = db as! any SQLDatabase
        let total = try await sql.raw("SELECT COUNT(*) AS total " + from + whereClause).first()?.decode(column: "total", as: Int.self) ?? 0
        let paging = Paging(page: filter.page, per: filter.per, total: total)
        let rows = try await sql.raw("SELECT f.id " + from + whereClause
                                     + " ORDER BY f.sent_on DESC, f.created_at DESC LIMIT \(bind: paging.per) OFFSET \(bind: paging.offset)").all()
        let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        return (try await dtos(ids, caller: caller, on: db), paging)
    }

    /// The referrals with these ids, in this order, as the caller sees them.
    static func dtos(_ ids: [UUID], caller: Caller, on db: any Database) async throws -> [ReferralDTO] {
        if ids.isEmpty { return [] }
        let referrals = try await Referral.query(on: db).filter(\.$id ~~ ids).with(\.$station).all()
        let targets = try await Station.query(on: db).filter(\.$id ~~ referrals.compactMap(\.targetStationID)).all()
        let people = try await Recipient.query(on: db).filter(\.$id ~~ referrals.map(\.recipientID)).all()
        let byID = Dictionary(referrals.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return ids.compactMap { byID[$0] }.map { r in
            let to = targets.first { $0.id == r.targetStationID }
            let answering = ReferralService.answeringStation(r, from: r.station, to: to)
            return ReferralDTO(id: r.id!, stationId: r.$station.id, stationName: r.station.name, recipientId: r.recipientID,
                               recipientName: people.first { $0.id == r.recipientID }?.name ?? "", caseId: r.caseID, target: r.target,
                               targetLabel: r.target.label, targetStationId: r.targetStationID, targetName: r.targetName, reason: r.reason,
                               status: r.status, statusLabel: r.status.label, sentOn: r.sentOn, answeredOn: r.answeredOn, answer: r.answer,
                               doneOn: r.doneOn, outcome: r.outcome, sentByName: r.createdByName,
                               canAnswer: !r.status.next.isEmpty && caller.may(.update, StationScope.resource(answering, .service)))
        }
    }
}
