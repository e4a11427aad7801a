import Domain
import Fluent
import SQLKit
import Vapor

/// Loads what the compliance engine needs for many stations at once: a fixed number of queries
/// whatever the number of stations, so a province's year is one pass.
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

    /// Evaluates every station the condition selects (`s` is the stations alias).
    static func evaluate(where condition: SQLQueryString, year: Int, today: Day = Day(Date()), policies: PolicyCache, on db: any Database) async throws -> [Evaluated] {
        let sql = db as! any SQLDatabase
        let yearStart = "\(year)-01-01", yearEnd = "\(year)-12-31"
        let inStations: SQLQueryString = "station_id IN (SELECT s.id FROM stations s WHERE " + condition + ")"

        let stationRows = try await sql.raw("""
            SELECT s.id, s.name, s.city_id, s.district_id, d.name AS district_name, d.district_kind, s.path, s.operator_id, s.equipment,
                   s.outdoor_sign, s.indoor_sign, s.is_demonstration, s.contract_started_on, s.annual_contract_amount, s.annual_personnel_budget
            FROM stations s JOIN org_units d ON d.id = s.district_id WHERE
            """ + " " + condition + " ORDER BY d.division_code, d.name, s.name").all()
        if stationRows.isEmpty { return [] }

        // Four independent reads, run side by side.
        async let roomsRead = sql.raw("SELECT station_id, kind, area, shared FROM station_rooms WHERE " + inStations).all()
        let workersQuery: SQLQueryString = """
            SELECT wa.station_id, wa.worker_id, wa.started_on, wa.ended_on, w.name, w.full_time, w.education, w.major,
                   w.certificate_level, w.certificate_date, w.experience_years,
                   (SELECT COALESCE(SUM(sr.hours), 0) FROM supervision_records sr JOIN supervision_attendees a ON a.record_id = sr.id
                     WHERE a.worker_id = wa.worker_id AND sr.station_id = wa.station_id AND sr.year = \(bind: year) AND sr.deleted_at IS NULL) AS supervision_hours,
                   (SELECT COALESCE(SUM(t.hours), 0) FROM training_records t
                     WHERE t.worker_id = wa.worker_id AND t.station_id = wa.station_id AND t.year = \(bind: year) AND t.deleted_at IS NULL) AS training_hours
            FROM worker_assignments wa JOIN social_workers w ON w.id = wa.worker_id
            WHERE w.deleted_at IS NULL AND wa.started_on <= \(bind: yearEnd) AND (wa.ended_on IS NULL OR wa.ended_on >= \(bind: yearStart)) AND wa.
            """ + inStations
        async let workersRead = sql.raw(workersQuery).all()
        let supervisorsQuery: SQLQueryString = """
            SELECT sa.station_id, sp.name, sp.pool, sp.experience_years FROM supervisor_assignments sa JOIN supervisors sp ON sp.id = sa.supervisor_id
            WHERE sp.deleted_at IS NULL AND sa.started_on <= \(bind: yearEnd) AND (sa.ended_on IS NULL OR sa.ended_on >= \(bind: yearStart)) AND sa.
            """ + inStations
        async let supervisorsRead = sql.raw(supervisorsQuery).all()
        let recordsQuery: SQLQueryString = """
            SELECT sr.station_id, sr.hours, sr.topic, sr.issues, sr.advice, sr.supervisor_confirmed_at,
                   (SELECT COUNT(*) FROM supervision_attendees a WHERE a.record_id = sr.id AND a.confirmed_at IS NULL) AS unconfirmed
            FROM supervision_records sr WHERE sr.year = \(bind: year) AND sr.deleted_at IS NULL AND sr.
            """ + inStations
        async let recordsRead = sql.raw(recordsQuery).all()

        var rooms: [UUID: [RoomKind: StationFacts.Room]] = [:]
        for r in try await roomsRead {
            rooms[try r.decode(column: "station_id", as: UUID.self), default: [:]][try r.decode(column: "kind", as: RoomKind.self)] =
                .init(area: try r.decode(column: "area", as: Double.self), shared: try r.decode(column: "shared", as: Bool.self))
        }

        // Postings that overlap the year, clipped to it.
        var workers: [UUID: [StationFacts.Worker]] = [:]
        for r in try await workersRead {
            let stationID = try r.decode(column: "station_id", as: UUID.self)
            let from = max(Day(try r.decode(column: "started_on", as: String.self))!, Day(yearStart)!)
            let to = min(try r.decode(column: "ended_on", as: String?.self).flatMap(Day.init) ?? Day(yearEnd)!, Day(yearEnd)!)
            workers[stationID, default: []].append(.init(
                name: try r.decode(column: "name", as: String.self), stationedFrom: from, stationedTo: to,
                fullTime: try r.decode(column: "full_time", as: Bool.self),
                education: Education(rawValue: try r.decode(column: "education", as: String.self)),
                major: Major(rawValue: try r.decode(column: "major", as: String.self)),
                certificate: CertificateLevel(rawValue: try r.decode(column: "certificate_level", as: String.self)),
                certificateDate: try r.decode(column: "certificate_date", as: String?.self).flatMap(Day.init),
                experienceYears: try r.decode(column: "experience_years", as: Double.self),
                supervisionHours: try r.decode(column: "supervision_hours", as: Double.self),
                trainingHours: try r.decode(column: "training_hours", as: Double.self)))
        }

        var supervisors: [UUID: [StationFacts.Supervisor]] = [:]
        for r in try await supervisorsRead {
            supervisors[try r.decode(column: "station_id", as: UUID.self), default: []].append(.init(
                name: try r.decode(column: "name", as: String.self), pool: SupervisorPool(rawValue: try r.decode(column: "pool", as: String.self)),
                experienceYears: try r.decode(column: "experience_years", as: Double.self)))
        }

        // A record is confirmed when its supervisor and every supervisee have confirmed it.
        var records: [UUID: [StationFacts.SupervisionRecord]] = [:]
        for r in try await recordsRead {
            let complete = try r.decode(column: "hours", as: Double.self) > 0 && !(try r.decode(column: "topic", as: String.self)).isEmpty
                && !(try r.decode(column: "issues", as: String.self)).isEmpty && !(try r.decode(column: "advice", as: String.self)).isEmpty
            let confirmed = try r.decode(column: "supervisor_confirmed_at", as: Date?.self) != nil && (try r.decode(column: "unconfirmed", as: Int.self)) == 0
            records[try r.decode(column: "station_id", as: UUID.self), default: []].append(.init(complete: complete, confirmed: confirmed))
        }

        var profiles: [UUID: PolicyProfile] = [:]
        var results: [Evaluated] = []
        for r in stationRows {
            let row = StationRow(id: try r.decode(column: "id", as: UUID.self), name: try r.decode(column: "name", as: String.self),
                                 cityID: try r.decode(column: "city_id", as: UUID.self), districtID: try r.decode(column: "district_id", as: UUID.self),
                                 districtName: try r.decode(column: "district_name", as: String.self), path: try r.decode(column: "path", as: String.self),
                                 operatorID: try r.decode(column: "operator_id", as: UUID?.self))
            if profiles[row.cityID] == nil {
                profiles[row.cityID] = try await policies.inForce(cityID: row.cityID, year: year, on: db).profile
            }
            let facts = StationFacts(
                rooms: rooms[row.id] ?? [:],
                equipment: Set(try r.decode(column: "equipment", as: String.self).split(separator: ",").compactMap { Equipment(rawValue: String($0)) }),
                outdoorSign: try r.decode(column: "outdoor_sign", as: Bool.self), indoorSign: try r.decode(column: "indoor_sign", as: Bool.self),
                isDemonstration: try r.decode(column: "is_demonstration", as: Bool.self),
                districtKind: try r.decode(column: "district_kind", as: String?.self).flatMap(DistrictKind.init(rawValue:)),
                contractStart: try r.decode(column: "contract_started_on", as: String?.self).flatMap(Day.init),
                annualContractAmount: try r.decode(column: "annual_contract_amount", as: Double?.self),
                annualPersonnelBudget: try r.decode(column: "annual_personnel_budget", as: Double?.self),
                workers: workers[row.id] ?? [], supervisors: supervisors[row.id] ?? [], supervisionRecords: records[row.id] ?? [])
            results.append(Evaluated(station: row, findings: ComplianceEngine.evaluate(profiles[row.cityID]!, facts, year: year, today: today)))
        }
        return results
    }

    /// The stations in the caller's read scope, optionally one district's.
    static func scopeCondition(_ caller: Caller, district: UUID?, on db: any Database) -> SQLQueryString? {
        let scope = Access.readScope(caller.assignments, .station)
        if scope.isEmpty { return nil }
        let sql = db as! any SQLDatabase
        var scopes = scope.pathPrefixes.map { Subtree.condition("s.path", under: $0, on: sql) }
        let ops = scope.operatorIDs.compactMap(UUID.init(uuidString:))
        if !ops.isEmpty { scopes.append("s.operator_id IN (\(binds: ops))") }
        var condition: SQLQueryString = "s.deleted_at IS NULL AND (" + scopes.joined(separator: " OR ") + ")"
        if let district { condition = condition + " AND s.district_id = \(bind: district)" }
        return condition
    }
}
