import Domain
import Fluent
import SQLKit
import Vapor

struct GroupSummary: Content {
    var id: UUID
    var name: String
    var stationId: UUID
    var stationName: String
    var phase: GroupPhase
    var phaseLabel: String
    var field: String
    var fieldLabel: String
    var responsibleName: String
    var startsOn: String
    var plannedSessions: Int
    var sessionsHeld: Int
    var memberCount: Int
}

struct GroupDetail: Content {
    struct Member: Content {
        var id: UUID
        var name: String
        var joinedOn: String
    }

    struct Measure: Content {
        var recipientId: UUID
        var name: String
        var pre: Int?
        var post: Int?
    }

    struct Session: Content {
        var id: UUID
        var number: Int
        var on: String
        var minutes: Int
        var content: String
        var attendees: [Member]
        var othersCount: Int
        /// 服务人次: attendees plus others.
        var peopleCount: Int
        var workerName: String
        var measures: [Measure]
    }

    var id: UUID
    var name: String
    var stationId: UUID
    var stationName: String
    var phase: GroupPhase
    var phaseLabel: String
    var field: String
    var fieldLabel: String
    var item: String?
    var itemLabel: String?
    var goals: String
    var target: String
    var plannedSessions: Int
    var startsOn: String
    var endedOn: String?
    var summary: String?
    /// The date of the next planned session, if set (issue 10 §5).
    var nextSessionOn: String?
    var responsibleName: String
    var members: [Member]
    var sessions: [Session]
}

enum GroupQueries {
    struct Filter: Content {
        var station: UUID?
        var phase: String?
        var page: Int?
        var per: Int?
    }

    /// The groups the caller reads (the service read scope), newest first.
    static func list(_ caller: Caller, _ filter: Filter, profile: PolicyProfile?, on db: any Database) async throws -> (rows: [GroupSummary], paging: Paging) {
        let requested = Paging(page: filter.page, per: filter.per, total: 0)
        var conditions: [SQLQueryString] = []
        if let raw = filter.phase, !raw.isEmpty {
            guard let phase = GroupPhase(rawValue: raw) else {
                throw AppError.field("phase", "未知的小组阶段“\(raw)”（可选：\(GroupPhase.allCases.map(\.rawValue).joined(separator: "、"))）", status: .badRequest)
            }
            conditions.append("g.phase = \(bind: phase.rawValue)")
        }
        guard let scope = StationScope.condition(Access.readScope(caller.assignments, .service), on: db) else { return ([], requested) }
        conditions.append(scope)
        if let station = filter.station { conditions.append("g.station_id = \(bind: station)") }
        let sql = db as! any SQLDatabase
        let from: SQLQueryString = "FROM work_groups g JOIN stations s ON s.id = g.station_id WHERE "
        let whereClause = conditions.joined(separator: " AND ")
        let total = try await sql.raw("SELECT COUNT(*) AS total " + from + whereClause).first()?.decode(column: "total", as: Int.self) ?? 0
        let paging = Paging(page: filter.page, per: filter.per, total: total)
        let rows = try await sql.raw("""
            SELECT g.id, g.name, g.station_id, s.name AS station_name, g.phase, g.field, g.responsible_name, g.starts_on, g.planned_sessions,
                   (SELECT COUNT(*) FROM group_sessions gs WHERE gs.group_id = g.id) AS held,
                   (SELECT COUNT(*) FROM work_group_members m WHERE m.group_id = g.id) AS members
            """ + " " + from + whereClause + " ORDER BY g.starts_on DESC, g.name LIMIT \(bind: paging.per) OFFSET \(bind: paging.offset)").all()
        return (try rows.map { row in
            let phase = try row.decode(column: "phase", as: GroupPhase.self)
            let field = try row.decode(column: "field", as: String.self)
            return GroupSummary(id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                                stationId: try row.decode(column: "station_id", as: UUID.self), stationName: try row.decode(column: "station_name", as: String.self),
                                phase: phase, phaseLabel: phase.label, field: field, fieldLabel: profile?.serviceField(field)?.label ?? field,
                                responsibleName: try row.decode(column: "responsible_name", as: String.self),
                                startsOn: try row.decode(column: "starts_on", as: String.self),
                                plannedSessions: try row.decode(column: "planned_sessions", as: Int.self),
                                sessionsHeld: try row.decode(column: "held", as: Int.self), memberCount: try row.decode(column: "members", as: Int.self))
        }, paging)
    }

    static func detail(_ g: WorkGroup, station: Station, profile: PolicyProfile, on db: any Database) async throws -> GroupDetail {
        let sql = db as! any SQLDatabase
        let members = try await sql.raw("""
            SELECT r.id, r.name, m.joined_on FROM work_group_members m JOIN recipients r ON r.id = m.recipient_id
            WHERE m.group_id = \(bind: g.id!) ORDER BY m.joined_on, r.name
            """).all().map {
            GroupDetail.Member(id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self),
                               joinedOn: try $0.decode(column: "joined_on", as: String.self))
        }
        let names = Dictionary(members.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let sessions = try await GroupSession.query(on: db).filter(\.$groupID == g.id!).sort(\.$number).all()
        var records: [UUID: ServiceRecord] = [:]
        var attendance: [UUID: [UUID]] = [:]
        var measures: [UUID: [GroupDetail.Measure]] = [:]
        if !sessions.isEmpty {
            for r in try await ServiceRecord.query(on: db).filter(\.$id ~~ sessions.map(\.recordID)).all() { records[r.id!] = r }
            for row in try await sql.raw("""
                SELECT record_id, recipient_id FROM service_record_recipients WHERE record_id IN (\(binds: sessions.map(\.recordID)))
                """).all() {
                attendance[try row.decode(column: "record_id", as: UUID.self), default: []].append(try row.decode(column: "recipient_id", as: UUID.self))
            }
            for row in try await sql.raw("""
                SELECT session_id, recipient_id, pre, post FROM group_session_measures WHERE session_id IN (\(binds: sessions.map { $0.id! }))
                """).all() {
                let id = try row.decode(column: "recipient_id", as: UUID.self)
                measures[try row.decode(column: "session_id", as: UUID.self), default: []].append(
                    .init(recipientId: id, name: names[id] ?? "", pre: try row.decode(column: "pre", as: Int?.self), post: try row.decode(column: "post", as: Int?.self)))
            }
        }
        let joined = Dictionary(members.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let project = try await g.featuredProjectID.asyncMap { try await FeaturedProject.find($0, on: db) } ?? nil
        return GroupDetail(
            id: g.id!, name: g.name, stationId: station.id!, stationName: station.name, phase: g.phase, phaseLabel: g.phase.label,
            field: g.field, fieldLabel: profile.serviceField(g.field)?.label ?? g.field, item: g.item,
            itemLabel: g.item.map { profile.serviceItem($0)?.label ?? $0 } ?? project.map { "特色项目：\($0.name)" },
            goals: g.goals, target: g.target, plannedSessions: g.plannedSessions, startsOn: g.startsOn, endedOn: g.endedOn, summary: g.summary,
            nextSessionOn: g.nextSessionOn, responsibleName: g.responsibleName, members: members,
            sessions: sessions.compactMap { s in
                guard let r = records[s.recordID] else { return nil }
                let came = (attendance[s.recordID] ?? []).compactMap { joined[$0] }.sorted { $0.name < $1.name }
                return .init(id: s.id!, number: s.number, on: s.heldOn, minutes: r.minutes, content: r.content, attendees: came,
                             othersCount: r.othersCount, peopleCount: r.peopleCount, workerName: r.workerName,
                             measures: (measures[s.id!] ?? []).sorted { $0.name < $1.name })
            })
    }
}
