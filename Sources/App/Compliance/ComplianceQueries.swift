import Domain
import Fluent
import SQLKit
import Vapor

/// Loads what the compliance engine needs, for one station or a province's 1,825, in one query:
/// each station row carries its rooms, staff and supervision records as JSON columns (`JSONColumn`).
enum ComplianceQueries {
    struct StationRow: Sendable {
        let id: UUID
        let name: String
        let cityID: UUID
        let districtID: UUID
        let districtName: String
        let path: String
        let operatorID: UUID?
    }

    struct Evaluated: Sendable {
        let station: StationRow
        let findings: [Finding]
    }

    /// The one-station query's statement on PostgreSQL (`PreparedStatements`).
    enum OneStation: PreparedShape {}

    /// Evaluates every station the condition selects (`s` is the stations alias). `oneStation`: the
    /// condition is always `s.deleted_at IS NULL AND s.id = …` (the station's page, its most asked
    /// query), so PostgreSQL keeps its statement prepared.
    static func evaluate(where condition: SQLQueryString, oneStation: Bool = false, year: Int, today: Day, policies: PolicyCache,
                         on db: any Database) async throws -> [Evaluated] {
        let sql = db as! any SQLDatabase
        let yearStart = "\(year)-01-01", yearEnd = "\(year)-12-31"
        let rooms = JSONColumn.array(["kind": "r.kind", "area": "r.area", "shared": "CASE WHEN r.shared THEN 1 ELSE 0 END"],
                                     from: "station_rooms r WHERE r.station_id = s.id", on: sql)
        // Postings that overlap the year, with the hours of supervision received and of training at this
        // station in the year (a group session counts in full for each supervisee).
        let workers = JSONColumn.array([
            "name": "w.name", "startedOn": "wa.started_on", "endedOn": "wa.ended_on", "fullTime": "CASE WHEN w.full_time THEN 1 ELSE 0 END",
            "education": "w.education", "major": "w.major", "certificate": "w.certificate_level", "certificateDate": "w.certificate_date",
            "experienceYears": "w.experience_years",
            "supervisionHours": """
                (SELECT COALESCE(SUM(sr.hours), 0) FROM supervision_records sr JOIN supervision_attendees a ON a.record_id = sr.id
                 WHERE a.worker_id = wa.worker_id AND sr.station_id = wa.station_id AND sr.year = \(bind: year) AND sr.deleted_at IS NULL)
                """,
            "trainingHours": """
                (SELECT COALESCE(SUM(t.hours), 0) FROM training_records t
                 WHERE t.worker_id = wa.worker_id AND t.station_id = wa.station_id AND t.year = \(bind: year) AND t.deleted_at IS NULL)
                """,
        ], from: """
            worker_assignments wa JOIN social_workers w ON w.id = wa.worker_id
            WHERE wa.station_id = s.id AND w.deleted_at IS NULL AND wa.started_on <= \(bind: yearEnd) AND (wa.ended_on IS NULL OR wa.ended_on >= \(bind: yearStart))
            """, on: sql)
        let supervisors = JSONColumn.array(["name": "sp.name", "pool": "sp.pool", "experienceYears": "sp.experience_years"], from: """
            supervisor_assignments sa JOIN supervisors sp ON sp.id = sa.supervisor_id
            WHERE sa.station_id = s.id AND sp.deleted_at IS NULL AND sa.started_on <= \(bind: yearEnd) AND (sa.ended_on IS NULL OR sa.ended_on >= \(bind: yearStart))
            """, on: sql)
        // Counted in SQL: T-5 needs only how many records there are, and how many are incomplete or unconfirmed
        // (confirmed means by the supervisor and by every supervisee).
        let records = JSONColumn.aggregates([
            "total": "COUNT(*)",
            "incomplete": "COALESCE(SUM(CASE WHEN sr.hours > 0 AND sr.topic <> '' AND sr.issues <> '' AND sr.advice <> '' THEN 0 ELSE 1 END), 0)",
            "unconfirmed": """
                COALESCE(SUM(CASE WHEN sr.supervisor_confirmed_at IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM supervision_attendees a WHERE a.record_id = sr.id AND a.confirmed_at IS NULL) THEN 0 ELSE 1 END), 0)
                """,
        ], from: "supervision_records sr WHERE sr.station_id = s.id AND sr.year = \(bind: year) AND sr.deleted_at IS NULL", on: sql)

        // R-1's key-population library: active recipients and the last day anything in it was recorded up to the year's end.
        let library: SQLQueryString = """
            (SELECT COUNT(*) FROM recipients kr WHERE kr.station_id = s.id AND kr.status = 'active' AND kr.merged_into_id IS NULL) AS key_population,
            (SELECT MAX(ke.happened_on) FROM recipient_events ke JOIN recipients kr ON kr.id = ke.recipient_id WHERE kr.station_id = s.id
             AND ke.happened_on <= \(bind: yearEnd)) AS key_population_updated,
            """
        let rows = try await sql.all("""
            SELECT s.id, s.name, s.city_id, s.district_id, d.name AS district_name, d.district_kind, s.path, s.operator_id, s.equipment,
                   s.outdoor_sign, s.indoor_sign, s.is_demonstration, s.contract_started_on, s.annual_contract_amount, s.annual_personnel_budget,
            """ + library + ResourceFacts.columns(year: year, on: sql) + FocusWork.columns(year: year, on: sql) + rooms + " AS rooms, " + workers + " AS workers, " + supervisors + " AS supervisors, " + records + """
             AS records
            FROM stations s JOIN org_units d ON d.id = s.district_id WHERE
            """ + " " + condition + " ORDER BY " + PlaceOrder.stations, preparedAs: oneStation ? OneStation.self : nil)

        let first = Day(yearStart)!, last = Day(yearEnd)!
        let json = JSONColumn.Reader()
        var profiles: [UUID: PolicyProfile] = [:]
        var results: [Evaluated] = []
        for (index, r) in rows.enumerated() {
            // A province is 1,825 stations of CPU work on one event loop: let its other requests through.
            if index % 100 == 99 { await Task.yield() }
            let row = StationRow(id: try r.decode(column: "id", as: UUID.self), name: try r.decode(column: "name", as: String.self),
                                 cityID: try r.decode(column: "city_id", as: UUID.self), districtID: try r.decode(column: "district_id", as: UUID.self),
                                 districtName: try r.decode(column: "district_name", as: String.self), path: try r.decode(column: "path", as: String.self),
                                 operatorID: try r.decode(column: "operator_id", as: UUID?.self))
            let profile: PolicyProfile
            if let known = profiles[row.cityID] {
                profile = known
            } else {
                profile = try await policies.inForce(cityID: row.cityID, year: year, on: db).profile
                profiles[row.cityID] = profile
            }
            var roomsByKind: [RoomKind: StationFacts.Room] = [:]
            for room in try json.decode([RoomJSON].self, column: "rooms", of: r) {
                // Kinds are checked when a room is written; a kind this version does not know is not counted.
                if let kind = RoomKind(rawValue: room.kind) { roomsByKind[kind] = .init(area: room.area, shared: room.shared != 0) }
            }
            let counted = try json.decode(RecordsJSON.self, column: "records", of: r)
            var facts = StationFacts(
                rooms: roomsByKind,
                equipment: Set(try r.decode(column: "equipment", as: String.self).split(separator: ",").compactMap { Equipment(rawValue: String($0)) }),
                outdoorSign: try r.decode(column: "outdoor_sign", as: Bool.self), indoorSign: try r.decode(column: "indoor_sign", as: Bool.self),
                isDemonstration: try r.decode(column: "is_demonstration", as: Bool.self),
                districtKind: try r.decode(column: "district_kind", as: String?.self).flatMap(DistrictKind.init(rawValue:)),
                contractStart: try r.decode(column: "contract_started_on", as: String?.self).flatMap(Day.init),
                annualContractAmount: try r.decode(column: "annual_contract_amount", as: Double?.self),
                annualPersonnelBudget: try r.decode(column: "annual_personnel_budget", as: Double?.self),
                // Sorted by name: findings that name people (T-1, T-2, T-3, T-4, S-3 …) list them in a stable order.
                workers: try json.decode([WorkerJSON].self, column: "workers", of: r).map { try $0.worker(during: first...last) }
                    .sorted { ($0.name, $0.stationedFrom) < ($1.name, $1.stationedFrom) },
                supervisors: try json.decode([SupervisorJSON].self, column: "supervisors", of: r).map {
                    StationFacts.Supervisor(name: $0.name, pool: SupervisorPool(rawValue: $0.pool), experienceYears: $0.experienceYears)
                }.sorted { $0.name < $1.name },
                supervisionRecords: .init(total: counted.total, incomplete: counted.incomplete, unconfirmed: counted.unconfirmed),
                keyPopulation: .init(active: try r.decode(column: "key_population", as: Int.self),
                                     lastUpdated: try r.decode(column: "key_population_updated", as: String?.self).flatMap(Day.init)),
                focusWork: try FocusWork.read(r, json: json) { profile.serviceField($0)?.label ?? $0 })
            try ResourceFacts.read(r, into: &facts, json: json)
            results.append(Evaluated(station: row, findings: ComplianceEngine.evaluate(profile, facts, year: year, today: today)))
        }
        return results
    }

    // The JSON columns' shapes (keys as written in `evaluate`).
    private struct RoomJSON: Decodable { let kind: String; let area: Double; let shared: Int }
    private struct WorkerJSON: Decodable {
        let name, startedOn: String
        let endedOn: String?
        let fullTime: Int
        let education, major, certificate: String
        let certificateDate: String?
        let experienceYears, supervisionHours, trainingHours: Double

        /// The posting as the engine sees it: stationed for the part of `year` it overlaps.
        func worker(during year: ClosedRange<Day>) throws -> StationFacts.Worker {
            let start = try Day.stored(startedOn, table: "worker_assignments", id: nil, column: "started_on（\(name)）")
            let end = try Day.stored(endedOn, table: "worker_assignments", id: nil, column: "ended_on（\(name)）")
            return .init(name: name, stationedFrom: max(start, year.lowerBound), stationedTo: min(end ?? year.upperBound, year.upperBound),
                  fullTime: fullTime != 0, education: Education(rawValue: education), major: Major(rawValue: major),
                  certificate: CertificateLevel(rawValue: certificate), certificateDate: certificateDate.flatMap(Day.init),
                  experienceYears: experienceYears, supervisionHours: supervisionHours, trainingHours: trainingHours)
        }
    }
    private struct SupervisorJSON: Decodable { let name, pool: String; let experienceYears: Double }
    private struct RecordsJSON: Decodable { let total, incomplete, unconfirmed: Int }

    /// The stations a user is posted at now: as a social worker or as a supervisor.
    static func postedStations(of userID: UUID) -> SQLQueryString {
        """
        s.id IN (SELECT wa.station_id FROM worker_assignments wa JOIN social_workers w ON w.id = wa.worker_id
                 WHERE w.user_id = \(bind: userID) AND w.deleted_at IS NULL AND wa.ended_on IS NULL
                 UNION SELECT sa.station_id FROM supervisor_assignments sa JOIN supervisors sp ON sp.id = sa.supervisor_id
                 WHERE sp.user_id = \(bind: userID) AND sp.deleted_at IS NULL AND sa.ended_on IS NULL)
        """
    }

    static let short: Set<FindingState> = [.progress, .warning, .failure]

    /// The hours rules (T-2 supervision, T-3 training) of `year` not yet met in the stations the
    /// condition selects: in progress toward the annual requirement, or failed once judged. In place order.
    static func hoursShort(where condition: SQLQueryString, rules: Set<String>, year: Int, today: Day, policies: PolicyCache,
                           on db: any Database) async throws -> [(station: StationRow, finding: Finding)] {
        try await evaluate(where: condition, year: year, today: today, policies: policies, on: db).flatMap { e in
            e.findings.filter { rules.contains($0.ruleID) && Self.short.contains($0.state) }.map { (e.station, $0) }
        }
    }
}
