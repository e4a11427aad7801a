import Fluent
import SQLKit

/// Onboarding a new city: provinces get a small table of their own (the org path keeps the city
/// as its first id), and a city unit names its province. Existing cities keep no province (null).
/// A city whose profile was copied from another city's at onboarding says so in `profile_copied_from`.
/// A province's name and division code are unique, so two requests adding the same one at once
/// leave one row whatever writes the table.
struct M008_Onboarding: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("provinces")
            .id()
            .field("name", .string, .required)
            .field("division_code", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "division_code", name: "provinces_division_code")
            .unique(on: "name", name: "provinces_name")
            .create()
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        try await db.schema("org_units").field("province_id", .uuid).update()
        try await db.schema("org_units").field("profile_copied_from", .string).update()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX org_units_province ON org_units (province_id)").run()
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("DROP INDEX org_units_province").run()
        try await db.schema("org_units").deleteField("profile_copied_from").update()
        try await db.schema("org_units").deleteField("province_id").update()
        try await db.schema("provinces").delete()
    }
}
