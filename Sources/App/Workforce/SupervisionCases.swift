import Domain
import Fluent
import SQLKit
import Vapor

/// The cases a supervision record (MZ/T 166) discussed (issue 10 §2): named when the record is
/// written, each a case of the record's station that the writer reads, linked in the same
/// transaction; shown on the record (page and API) and, as 督导记录, on the case.
enum SupervisionCases {
    /// A session discusses a handful of cases; more in one record is a mistake.
    static let maxPerRecord = 20

    /// A case named by a record, as the record shows it.
    struct Named: Content, Equatable {
        var id: UUID
        var number: String
        /// Used for checking, not sent.
        var openedOn: String?

        enum CodingKeys: String, CodingKey { case id, number }
    }

    /// A supervision record that discussed a case, as the case shows it.
    struct Mention: Content {
        var recordId: UUID
        var stationId: UUID
        var year: Int
        var heldOn: String
        var supervisorName: String
        var form: SupervisionForm
        var formLabel: String
        var topic: String
    }

    /// The named cases, looked up inside the record's station and the caller's reach of cases (a
    /// supervisor: the stations posted to them today). Every id not found there — another station's
    /// case, even of the same street or district, or one the caller does not read — and every case
    /// opened after the session is an error under `case_ids` (422): never trusted by id alone.
    static func lookup(_ ids: [UUID], station: UUID, heldOn: Day?, caller: Caller, today: Day, db: any Database,
                       into v: inout Validator) async throws -> [Named] {
        var seen = Set<UUID>()
        let unique = ids.filter { seen.insert($0).inserted }
        if unique.isEmpty { return [] }
        if unique.count > maxPerRecord {
            v.add("case_ids", "一次督导最多关联 \(maxPerRecord) 个个案（收到 \(unique.count) 个）")
            return []
        }
        guard let scope = try await CaseQueries.scope(caller, today: today, on: db) else {
            v.add("case_ids", "您无权查看本站的个案，不能在督导记录中关联个案")
            return []
        }
        let rows = try await (db as! any SQLDatabase).raw("""
            SELECT c.id, c.number, c.opened_on FROM cases c JOIN stations s ON s.id = c.station_id
            WHERE c.station_id = \(bind: station) AND c.id IN (\(binds: unique)) AND
            """ + " " + scope).all()
        var found: [UUID: Named] = [:]
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            found[id] = Named(id: id, number: try row.decode(column: "number", as: String.self), openedOn: try row.decode(column: "opened_on", as: String.self))
        }
        let missing = unique.filter { found[$0] == nil }
        if !missing.isEmpty {
            v.add("case_ids", "关联的个案须是本站的个案：\(missing.map(\.uuidString).joined(separator: "、")) 不是本站的个案，或不在您的查看范围内")
        }
        let named = unique.compactMap { found[$0] }
        if let heldOn {
            for c in named {
                if let opened = c.openedOn.flatMap(Day.init), opened > heldOn {
                    v.add("case_ids", "个案 \(c.number) 于 \(opened) 开案，晚于督导日期 \(heldOn)，不能在这次督导中讨论")
                }
            }
        }
        return named
    }

    /// Links the record to its cases, in the order named; inside the record's transaction.
    static func link(_ cases: [Named], record: UUID, station: UUID, db: any Database) async throws {
        if cases.isEmpty { return }
        var insert = (db as! any SQLDatabase).insert(into: "supervision_record_cases").columns("record_id", "case_id", "station_id", "position")
        for (i, c) in cases.enumerated() { insert = insert.values(SQLBind(record), SQLBind(c.id), SQLBind(station), SQLBind(i)) }
        try await insert.run()
    }

    /// The cases each record discussed, in the order named.
    static func of(records: [UUID], on db: any Database) async throws -> [UUID: [Named]] {
        if records.isEmpty { return [:] }
        let rows = try await (db as! any SQLDatabase).raw("""
            SELECT sc.record_id, c.id, c.number FROM supervision_record_cases sc JOIN cases c ON c.id = sc.case_id
            WHERE sc.record_id IN (\(binds: records)) ORDER BY sc.record_id, sc.position
            """).all()
        var out: [UUID: [Named]] = [:]
        for row in rows {
            out[try row.decode(column: "record_id", as: UUID.self), default: []]
                .append(Named(id: try row.decode(column: "id", as: UUID.self), number: try row.decode(column: "number", as: String.self)))
        }
        return out
    }

    /// The supervision records that discussed a case, newest first (a removed record drops out).
    static func mentioning(case caseID: UUID, on db: any Database) async throws -> [Mention] {
        try await (db as! any SQLDatabase).raw("""
            SELECT r.id, r.station_id, r.year, r.held_on, sp.name AS supervisor_name, r.form, r.topic
            FROM supervision_record_cases sc JOIN supervision_records r ON r.id = sc.record_id JOIN supervisors sp ON sp.id = r.supervisor_id
            WHERE sc.case_id = \(bind: caseID) AND r.deleted_at IS NULL ORDER BY r.held_on DESC, r.created_at DESC
            """).all().map { row in
            let form = try row.decode(column: "form", as: SupervisionForm.self)
            return Mention(recordId: try row.decode(column: "id", as: UUID.self), stationId: try row.decode(column: "station_id", as: UUID.self),
                           year: try row.decode(column: "year", as: Int.self), heldOn: try row.decode(column: "held_on", as: String.self),
                           supervisorName: try row.decode(column: "supervisor_name", as: String.self), form: form, formLabel: form.label,
                           topic: try row.decode(column: "topic", as: String.self))
        }
    }

    /// A case the record form offers: the station's open cases the caller reads, by number.
    struct Offer: Sendable {
        let id: UUID
        /// "2026-0001 王秀英 · 高风险", the name as the case list shows it.
        let label: String
    }

    static func offers(station: UUID, caller: Caller, today: Day, on db: any Database) async throws -> [Offer] {
        guard let scope = try await CaseQueries.scope(caller, today: today, on: db) else { return [] }
        return try await (db as! any SQLDatabase).raw("""
            SELECT c.id, c.number, c.risk_level,
                   (SELECT r.name FROM case_recipients cr JOIN recipients r ON r.id = cr.recipient_id
                    WHERE cr.case_id = c.id ORDER BY cr.position LIMIT 1) AS first_name,
                   (SELECT COUNT(*) FROM case_recipients cr2 WHERE cr2.case_id = c.id) AS people
            FROM cases c JOIN stations s ON s.id = c.station_id
            WHERE c.station_id = \(bind: station) AND c.stage <> \(bind: CaseStage.closed.rawValue) AND
            """ + " " + scope + " ORDER BY c.number").all().map { row in
            let risk = try row.decode(column: "risk_level", as: RiskLevel?.self)
            let people = try row.decode(column: "people", as: Int.self)
            let name = (try row.decode(column: "first_name", as: String?.self) ?? "") + (people > 1 ? "等 \(people) 人" : "")
            return Offer(id: try row.decode(column: "id", as: UUID.self),
                         label: "\(try row.decode(column: "number", as: String.self)) \(name) · \(risk?.label ?? "未预估")")
        }
    }

    /// Whether the caller reads the station's cases (a supervisor: posted to it today), so that a
    /// record's case numbers link to them.
    static func readsCases(_ caller: Caller, station s: StationQueries.Summary, today: Day, on db: any Database) async throws -> Bool {
        let supervisors = caller.has(.supervisor) ? try await CaseService.supervisors(of: s.id, on: today, db: db) : []
        return caller.may(.read, Access.Resource(kind: .casework, paths: [s.path], operatorIDs: Set([s.operatorId?.uuidString].compactMap { $0 }),
                                                 ownerUserIDs: supervisors))
    }
}
