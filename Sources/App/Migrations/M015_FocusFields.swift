import Fluent

/// The focus service fields a station chooses for a year (V-5; issue 10 §4). A change is a new
/// version; the highest version of a station's year is the one in force, the earlier ones stay.
struct M015_FocusFields: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("station_focus_choices")
            .id()
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("year", .int, .required)
            .field("version", .int, .required)
            /// The fields' codes, comma-separated, in the order chosen.
            .field("fields", .string, .required)
            .field("chosen_by", .uuid, .required)
            .field("chosen_by_name", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "station_id", "year", "version", name: "station_focus_choices_version")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("station_focus_choices").delete()
    }
}
