import Fluent
import SQLKit

/// Featured projects (特色项目, the "N" of Wuhan's "1+4+N", V-3) and a city's own catalogue items
/// (issue 10 §1).
///
/// - `featured_projects`: a station's project for a year: name (unique within the station and year),
///   the field it belongs to, a short description, active from/to within the year.
/// - `service_records.featured_project_id`, `work_groups.featured_project_id`: a service (or a group,
///   for its sessions) tagged with one of its station's projects instead of a catalogue item.
/// - The dashboards count a project as an item of its own (`ServiceTotals.featuredCode`, M021).
/// - `policy_versions.catalogue`: JSON of the items and featured projects a city's versions added
///   (`CatalogueAdditions`), every addition so far, as `overrides` holds every parameter change.
struct M020_FeaturedProjects: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("featured_projects")
            .id()
            .field("year", .int, .required)
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("city_id", .uuid, .required)
            .field("district_id", .uuid, .required)
            .field("name", .string, .required)
            .field("field", .string, .required)
            .field("description", .string, .required)
            .field("active_from", .string, .required)
            .field("active_to", .string, .required)
            .field("created_by", .uuid, .required)
            .field("created_by_name", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            // Two workers naming the same project at once: one 409, never two projects of one name.
            .unique(on: "station_id", "year", "name", name: "featured_projects_station_name")
            .create()
        try await db.schema("service_records").field("featured_project_id", .uuid).update()
        try await db.schema("work_groups").field("featured_project_id", .uuid).update()
        try await db.schema("policy_versions").field("catalogue", .string).update()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX service_records_featured ON service_records (featured_project_id) WHERE featured_project_id IS NOT NULL").run()
    }

    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("DROP INDEX service_records_featured").run()
        try await db.schema("policy_versions").deleteField("catalogue").update()
        try await db.schema("work_groups").deleteField("featured_project_id").update()
        try await db.schema("service_records").deleteField("featured_project_id").update()
        try await db.schema("featured_projects").delete()
    }
}
