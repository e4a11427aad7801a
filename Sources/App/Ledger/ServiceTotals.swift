import Domain
import Fluent
import SQLKit
import Vapor

/// The dashboards' summary tables (M021; issue 10 §6), kept by every write to the ledger in its own
/// transaction so that a city's year is read from a few thousand rows instead of millions:
///
/// - `service_totals`: per station and year, the records, 服务人次 and minutes by each of the
///   dashboard's dimensions on its own (month, field, item, method, kind). A dashboard shows each
///   dimension separately, so the rows a city's year needs grow with its stations (about 40 each),
///   not with the combinations of tags its workers chose.
/// - `served_recipients`: each recipient once per station and year they were served in;
///   `served_places` the same per district and per city.
/// - `served_counts`: how many distinct recipients each station, district and city served in a year
///   (a person served at two stations of a district counts once for it), counted as the rows above
///   are first written.
/// - `village_services` (M026): per village or community, year and kind, the records that reached it —
///   held there, or serving someone registered as living there when served (rule R-2's coverage).
///
/// Records are never deleted; a correction (`ServiceCorrections`) takes its old version's counts away
/// and adds the new one's. `DashboardTests.expectTotalsEqualARecount` checks them against the ledger.
enum ServiceTotals {
    /// The dimensions of `service_totals` and each one's code for a record.
    enum Dimension: String, CaseIterable {
        case month, field, item, method, kind

        func code(_ r: ServiceRecord) -> String {
            switch self {
            case .month: String(r.servedOn.dropFirst(5).prefix(2))
            case .field: r.field
            case .item: r.featuredProjectID.map(ServiceTotals.featuredCode) ?? r.item ?? ""
            case .method: r.method.rawValue
            case .kind: r.kind.rawValue
            }
        }

        /// The code of the same dimension computed from a `service_records` row in SQL (alias `sv`).
        var sql: String {
            switch self {
            case .month: "substr(sv.served_on, 6, 2)"
            case .field: "sv.field"
            case .item: "CASE WHEN sv.featured_project_id IS NULL THEN COALESCE(sv.item, '') ELSE 'featured:' || LOWER(CAST(sv.featured_project_id AS text)) END"
            case .method: "sv.method"
            case .kind: "sv.kind"
            }
        }
    }

    /// A service given under one of its station's featured projects (V-3's "N") counts under the item
    /// dimension as `featured:<id>` (lower case, as PostgreSQL writes a uuid as text), in place of a catalogue item.
    static let featuredPrefix = "featured:"
    static func featuredCode(_ project: UUID) -> String { featuredPrefix + project.uuidString.lowercased() }

    /// Adds a record's counts (`sign` 1), or takes them away (`sign` -1: the version a correction
    /// replaces; a row left with no record goes, as a recount would not have it).
    static func add(_ r: ServiceRecord, sign: Int, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        if sign > 0 {
            let values = Dimension.allCases.map { d -> SQLQueryString in
                "(\(bind: r.$station.id), \(bind: r.districtID), \(bind: r.cityID), \(bind: r.year), \(bind: d.rawValue), \(bind: d.code(r)), 1, \(bind: r.peopleCount), \(bind: r.minutes))"
            }
            try await sql.raw("INSERT INTO service_totals (station_id, district_id, city_id, year, dimension, code, records, people, minutes) VALUES "
                              + values.joined(separator: ", ") + """
                 ON CONFLICT (station_id, year, dimension, code) DO UPDATE SET records = service_totals.records + excluded.records,
                people = service_totals.people + excluded.people, minutes = service_totals.minutes + excluded.minutes
                """).run()
            return
        }
        let rows = Dimension.allCases.map { d -> SQLQueryString in "(dimension = \(bind: d.rawValue) AND code = \(bind: d.code(r)))" }
        let key: SQLQueryString = "station_id = \(bind: r.$station.id) AND year = \(bind: r.year) AND (" + rows.joined(separator: " OR ") + ")"
        try await sql.raw("UPDATE service_totals SET records = records - 1, people = people - \(bind: r.peopleCount), minutes = minutes - \(bind: r.minutes) WHERE "
                          + key).run()
        try await sql.raw("DELETE FROM service_totals WHERE records = 0 AND " + key).run()
    }

    /// Counts the record's recipients among those its station, district and city served in its year,
    /// each once.
    static func served(_ recipients: [UUID], by r: ServiceRecord, on db: any Database) async throws {
        if recipients.isEmpty { return }
        let sql = db as! any SQLDatabase
        var atStation = sql.insert(into: "served_recipients").columns("recipient_id", "station_id", "district_id", "city_id", "year")
        var inUnits = sql.insert(into: "served_places").columns("recipient_id", "unit_id", "year")
        for id in recipients {
            atStation = atStation.values(SQLBind(id), SQLBind(r.$station.id), SQLBind(r.districtID), SQLBind(r.cityID), SQLBind(r.year))
            inUnits = inUnits.values(SQLBind(id), SQLBind(r.districtID), SQLBind(r.year)).values(SQLBind(id), SQLBind(r.cityID), SQLBind(r.year))
        }
        // Only the rows written now come back: the people this place had not served yet this year.
        var new: [UUID: Int] = [:]
        new[r.$station.id] = try await atStation.ignoringConflicts(with: ["recipient_id", "station_id", "year"]).returning("recipient_id").all().count
        for row in try await inUnits.ignoringConflicts(with: ["recipient_id", "unit_id", "year"]).returning("unit_id").all() {
            new[try row.decode(column: "unit_id", as: UUID.self), default: 0] += 1
        }
        for (place, count) in new where count > 0 {
            try await sql.raw("""
                INSERT INTO served_counts (place_id, year, recipients) VALUES (\(bind: place), \(bind: r.year), \(bind: count))
                ON CONFLICT (place_id, year) DO UPDATE SET recipients = served_counts.recipients + excluded.recipients
                """).run()
        }
    }

    /// Counts the record once for each village it reached: the place it was held and the villages its
    /// recipients live in. A correction changes neither, so it never touches these counts.
    static func reached(_ recipients: [UUID], at place: UUID?, by r: ServiceRecord, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        var villages = Set(place.map { [$0] } ?? [])
        if !recipients.isEmpty {
            for row in try await sql.select().distinct().column("village_id").from("recipients")
                .where("id", .in, recipients).where("village_id", .isNot, SQLLiteral.null).all() {
                villages.insert(try row.decode(column: "village_id", as: UUID.self))
            }
        }
        for village in villages.sorted(by: { $0.uuidString < $1.uuidString }) {
            try await sql.raw("""
                INSERT INTO village_services (village_id, year, kind, records) VALUES (\(bind: village), \(bind: r.year), \(bind: r.kind.rawValue), 1)
                ON CONFLICT (village_id, year, kind) DO UPDATE SET records = village_services.records + 1
                """).run()
        }
    }

    /// `village_services` counted afresh from the ledger (M026, and the benchmark's bulk load).
    static func rebuildVillages(on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM village_services").run()
        try await sql.raw("""
            INSERT INTO village_services (village_id, year, kind, records)
            SELECT reach.village_id, reach.year, reach.kind, COUNT(*) FROM (
                SELECT r.village_id, sv.year, sv.kind, sv.id FROM service_record_recipients sr
                JOIN service_records sv ON sv.id = sr.record_id AND sv.year = sr.year JOIN recipients r ON r.id = sr.recipient_id
                WHERE r.village_id IS NOT NULL
                UNION
                SELECT e.place_id, sv.year, sv.kind, sv.id FROM community_events e JOIN service_records sv ON sv.id = e.record_id AND sv.year = e.year
            ) reach GROUP BY reach.village_id, reach.year, reach.kind
            """).run()
    }

    /// Counts every table afresh from the ledger: the migration that introduced them, and a
    /// benchmark that loads the ledger in bulk.
    static func rebuild(on sql: any SQLDatabase) async throws {
        for table in ["service_totals", "served_counts", "served_places", "served_recipients"] {
            try await sql.raw("DELETE FROM \(ident: table)").run()
        }
        for d in Dimension.allCases {
            try await sql.raw("""
                INSERT INTO service_totals (station_id, district_id, city_id, year, dimension, code, records, people, minutes)
                SELECT sv.station_id, sv.district_id, sv.city_id, sv.year, \(bind: d.rawValue), \(unsafeRaw: d.sql), COUNT(*), SUM(sv.people_count), SUM(sv.minutes)
                FROM service_records sv GROUP BY sv.station_id, sv.district_id, sv.city_id, sv.year, \(unsafeRaw: d.sql)
                """).run()
        }
        for statement in [
            """
            INSERT INTO served_recipients (recipient_id, station_id, district_id, city_id, year)
            SELECT DISTINCT sr.recipient_id, sv.station_id, sv.district_id, sv.city_id, sv.year
            FROM service_record_recipients sr JOIN service_records sv ON sv.id = sr.record_id AND sv.year = sr.year
            """,
            "INSERT INTO served_places (recipient_id, unit_id, year) SELECT DISTINCT recipient_id, district_id, year FROM served_recipients",
            "INSERT INTO served_places (recipient_id, unit_id, year) SELECT DISTINCT recipient_id, city_id, year FROM served_recipients",
            "INSERT INTO served_counts (place_id, year, recipients) SELECT station_id, year, COUNT(*) FROM served_recipients GROUP BY station_id, year",
            "INSERT INTO served_counts (place_id, year, recipients) SELECT unit_id, year, COUNT(*) FROM served_places GROUP BY unit_id, year",
        ] {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
    }
}
