import Fluent
import SQLKit

/// The social charity resources library (社会慈善资源库, R-1, R-5; issue 11 §2): what a station
/// received from whom, and each use of it — a case, a recipient or a community event served — with
/// a use corrected by a reversing entry, never edited. `remaining` is kept beside the uses, changed
/// only inside the write lock with them.
struct M024_CharityResources: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("charity_resources")
            .id()
            .field("year", .int, .required)
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("city_id", .uuid, .required)
            .field("district_id", .uuid, .required)
            .field("donor_name", .string, .required)
            .field("donor_kind", .string, .required)
            .field("kind", .string, .required)
            .field("description", .string, .required)
            .field("unit", .string, .required)
            // Hundredths of the unit (分 for money), so that sums are exact.
            .field("amount", .int64, .required)
            .field("remaining", .int64, .required)
            .field("received_on", .string, .required)
            .field("expires_on", .string)
            .field("created_by", .uuid, .required)
            .field("created_by_name", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("charity_resource_uses")
            .id()
            .field("resource_id", .uuid, .required, .references("charity_resources", "id"))
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("year", .int, .required)
            // Hundredths; negative for a reversing entry.
            .field("amount", .int64, .required)
            .field("used_on", .string, .required)
            .field("purpose", .string, .required)
            .field("case_id", .uuid, .references("cases", "id"))
            .field("recipient_id", .uuid, .references("recipients", "id"))
            .field("event_id", .uuid, .references("community_events", "id"))
            // The use this entry reverses (one reversal per use: unique).
            .field("reverses_id", .uuid, .references("charity_resource_uses", "id"))
            .field("created_by", .uuid, .required)
            .field("created_by_name", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "reverses_id")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX charity_resources_station ON charity_resources (station_id, year)").run()
        try await sql.raw("CREATE INDEX charity_resource_uses_resource ON charity_resource_uses (resource_id)").run()
        try await sql.raw("CREATE INDEX charity_resource_uses_station ON charity_resource_uses (station_id, year)").run()
        try await sql.raw("CREATE INDEX charity_resource_uses_case ON charity_resource_uses (case_id)").run()
        try await sql.raw("CREATE INDEX charity_resource_uses_recipient ON charity_resource_uses (recipient_id)").run()
        try await sql.raw("CREATE INDEX charity_resource_uses_event ON charity_resource_uses (event_id)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("charity_resource_uses").delete()
        try await db.schema("charity_resources").delete()
    }
}
