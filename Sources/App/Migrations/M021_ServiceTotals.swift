import Fluent
import SQLKit

/// The dashboards' summary tables by dimension (`ServiceTotals`; issue 10 §6), in place of M013's
/// `service_tallies`. That table held one row per combination of month, field, item, method and kind:
/// at 150 stations with five years of uniformly tagged services it held about 2,900,000 rows, and a
/// city's year was a GROUP BY over 580,000 of them (seven seconds in sqlite3). A dashboard shows each
/// dimension on its own, so one row per station, year, dimension and code is enough: about 6,000 for
/// a city's year. Distinct recipients are counted as they are first served (`served_counts`), where
/// a COUNT(DISTINCT) over a city's year took 55 ms even from a covering index.
///
/// The new tables are filled from the ledger; `service_tallies`, a summary that the ledger can
/// always give again, goes.
struct M021_ServiceTotals: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("""
            CREATE TABLE service_totals (
                station_id uuid NOT NULL REFERENCES stations (id), district_id uuid NOT NULL, city_id uuid NOT NULL, year integer NOT NULL,
                dimension text NOT NULL, code text NOT NULL, records integer NOT NULL, people integer NOT NULL, minutes integer NOT NULL,
                PRIMARY KEY (station_id, year, dimension, code))
            """).run()
        try await sql.raw("""
            CREATE TABLE served_places (
                recipient_id uuid NOT NULL REFERENCES recipients (id), unit_id uuid NOT NULL REFERENCES org_units (id), year integer NOT NULL,
                PRIMARY KEY (recipient_id, unit_id, year))
            """).run()
        try await sql.raw("""
            CREATE TABLE served_counts (place_id uuid NOT NULL, year integer NOT NULL, recipients integer NOT NULL, PRIMARY KEY (place_id, year))
            """).run()
        for statement in [
            "CREATE INDEX service_totals_district ON service_totals (district_id, year, dimension)",
            "CREATE INDEX service_totals_city ON service_totals (city_id, year, dimension)",
            // A district's or city's open cases by risk, without reading its stations' closed ones.
            "CREATE INDEX cases_district ON cases (district_id, stage)",
            "CREATE INDEX cases_city ON cases (city_id, stage)",
        ] {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
        try await ServiceTotals.rebuild(on: sql)
        try await db.schema("service_tallies").delete()
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await M013_ServiceTallies.createTallies(on: sql)
        for statement in ["DROP INDEX cases_city", "DROP INDEX cases_district"] { try await sql.raw("\(unsafeRaw: statement)").run() }
        for table in ["served_counts", "served_places", "service_totals"] { try await db.schema(table).delete() }
    }
}
