import Fluent
import SQLKit

/// Which villages and communities the ledger's services reached (`ServiceTotals.reached`; rule R-2's
/// "services reach every village/community", issue 11 §3): per village, year and kind of service, the
/// records that served someone living there or were held there. The coverage page reads a district's
/// villages from here rather than from millions of ledger rows.
struct M026_VillageServices: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("""
            CREATE TABLE village_services (
                village_id uuid NOT NULL REFERENCES org_units (id), year integer NOT NULL, kind text NOT NULL, records integer NOT NULL,
                PRIMARY KEY (village_id, year, kind))
            """).run()
        try await ServiceTotals.rebuildVillages(on: sql)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("village_services").delete()
    }
}
