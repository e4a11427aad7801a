import Fluent
import SQLKit

/// Filings (报送登记) that discharge a dated duty (D-2, D-3, D-4, A-6, A-7) for one unit.
struct M003_DeadlineFilings: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("deadline_filings")
            .id()
            .field("rule_id", .string, .required)
            .field("due_on", .string, .required)
            .field("filer", .string, .required)
            // The filing unit: an org unit (city, district) or a station, as `filer` says. Not a foreign
            // key because it points at one of two tables; the service checks it against the caller's scope.
            .field("unit_id", .uuid, .required)
            .field("filed_on", .string, .required)
            .field("note", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "rule_id", "due_on", "unit_id")
            .create()
        try await (db as! any SQLDatabase).raw("CREATE INDEX deadline_filings_due ON deadline_filings (due_on)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("deadline_filings").delete()
    }
}
