import Fluent
import SQLKit

/// Summary tables of the service ledger for dashboards (issue 10 §5, §6), kept by `Ledger.write` in
/// the same transaction as each record, so that a city's year is read from a few thousand rows
/// instead of aggregating a million.
///
/// - `service_tallies`: per station, year, month, field, item ('' when none), method and kind: the
///   number of records, 服务人次 and minutes.
/// - `served_recipients`: each recipient once per station and year they were served in (distinct
///   persons served, without a COUNT(DISTINCT) over the ledger).
///
/// Records are never deleted, so both only grow. The migration fills them from the ledger as it is.
/// M021 replaced `service_tallies` with totals by dimension (`ServiceTotals`), which keeps `served_recipients`.
struct M013_ServiceTallies: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await Self.createTallies(on: sql)
        try await sql.raw("""
            CREATE TABLE served_recipients (
                recipient_id uuid NOT NULL REFERENCES recipients (id), station_id uuid NOT NULL, district_id uuid NOT NULL,
                city_id uuid NOT NULL, year integer NOT NULL, PRIMARY KEY (recipient_id, station_id, year))
            """).run()
        for statement in [
            "CREATE INDEX served_recipients_station ON served_recipients (station_id, year)",
            "CREATE INDEX served_recipients_district ON served_recipients (district_id, year)",
            "CREATE INDEX served_recipients_city ON served_recipients (city_id, year)",
            """
            INSERT INTO served_recipients (recipient_id, station_id, district_id, city_id, year)
            SELECT DISTINCT sr.recipient_id, sv.station_id, sv.district_id, sv.city_id, sv.year
            FROM service_record_recipients sr JOIN service_records sv ON sv.id = sr.record_id AND sv.year = sr.year
            """,
        ] {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
    }

    /// `service_tallies`, filled from the ledger (also when M021, which replaces it, is reverted).
    static func createTallies(on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            CREATE TABLE service_tallies (
                station_id uuid NOT NULL REFERENCES stations (id), district_id uuid NOT NULL, city_id uuid NOT NULL,
                year integer NOT NULL, month integer NOT NULL, field text NOT NULL, item text NOT NULL, method text NOT NULL, kind text NOT NULL,
                records integer NOT NULL, people integer NOT NULL, minutes integer NOT NULL,
                PRIMARY KEY (station_id, year, month, field, item, method, kind))
            """).run()
        for statement in [
            "CREATE INDEX service_tallies_district ON service_tallies (district_id, year)",
            "CREATE INDEX service_tallies_city ON service_tallies (city_id, year)",
            """
            INSERT INTO service_tallies (station_id, district_id, city_id, year, month, field, item, method, kind, records, people, minutes)
            SELECT station_id, district_id, city_id, year, CAST(substr(served_on, 6, 2) AS integer), field, COALESCE(item, ''), method, kind,
                   COUNT(*), SUM(people_count), SUM(minutes)
            FROM service_records GROUP BY station_id, district_id, city_id, year, CAST(substr(served_on, 6, 2) AS integer), field, COALESCE(item, ''), method, kind
            """,
        ] {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema("served_recipients").delete()
        try await db.schema("service_tallies").delete()
    }
}
