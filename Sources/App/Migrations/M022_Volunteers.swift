import Fluent
import SQLKit

/// The volunteer library (志愿服务资源库, R-1), its teams and their hours (issue 11 §1).
///
/// - `volunteers`: a station's volunteer; resident ID and phone sealed, hashed and masked as a
///   recipient's are (`SealedPersonalData`). The same resident ID twice at one station is refused by
///   the unique index on (station, hash) as well as by the check inside the serialised write.
///   `recipient_id` links a volunteer who is also in the key-population library (a link, not a copy).
/// - `volunteer_teams`: one team per village/community of the station's street, unique index.
/// - `volunteer_team_members`: who belongs to a team from when to when.
/// - `volunteer_hours`: one entry per volunteer and activity, with start and end (local time,
///   `yyyy-MM-ddTHH:mm`) and the length in half hours; `record_id` names the ledger's community
///   event, group session or visit, or none for a standalone activity. The version in force is the
///   row; every replaced version is kept in `volunteer_hour_versions`.
struct M022_Volunteers: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("volunteers")
            .id()
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("city_id", .uuid, .required)
            .field("district_id", .uuid, .required)
            .field("path", .string, .required)
            .field("village_id", .uuid, .required)
            .field("name", .string, .required)
            .field("resident_id_sealed", .string, .required)
            .field("resident_id_hash", .string, .required)
            .field("resident_id_masked", .string, .required)
            .field("phone_sealed", .string)
            .field("phone_hash", .string)
            .field("phone_masked", .string)
            .field("skills", .string, .required)
            .field("availability", .string, .required)
            .field("national_registration", .string)
            .field("status", .string, .required)
            .field("recipient_id", .uuid)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "station_id", "resident_id_hash", name: "volunteers_station_resident_id")
            .create()
        try await db.schema("volunteer_teams")
            .id()
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("city_id", .uuid, .required)
            .field("path", .string, .required)
            .field("village_id", .uuid, .required)
            .field("name", .string, .required)
            .field("leader_id", .uuid)
            .field("national_registration", .string)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            // one team per village/community; a second (or two at once) is a 409.
            .unique(on: "station_id", "village_id", name: "volunteer_teams_village")
            .create()
        try await db.schema("volunteer_team_members")
            .id()
            .field("team_id", .uuid, .required, .references("volunteer_teams", "id"))
            .field("volunteer_id", .uuid, .required, .references("volunteers", "id"))
            .field("joined_on", .string, .required)
            .field("left_on", .string)
            .field("created_at", .datetime)
            .create()
        try await db.schema("volunteer_hours")
            .id()
            .field("volunteer_id", .uuid, .required, .references("volunteers", "id"))
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("city_id", .uuid, .required)
            .field("path", .string, .required)
            .field("activity_kind", .string, .required)
            .field("record_id", .uuid)
            .field("activity_name", .string, .required)
            .field("place", .string, .required)
            .field("starts_at", .string, .required)
            .field("ends_at", .string, .required)
            .field("half_hours", .int, .required)
            .field("status", .string, .required)
            .field("confirmed_by", .uuid)
            .field("confirmed_by_name", .string)
            .field("confirmed_at", .datetime)
            .field("version", .int, .required)
            .field("recorded_by", .uuid, .required)
            .field("recorded_by_name", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("volunteer_hour_versions")
            .id()
            .field("hours_id", .uuid, .required, .references("volunteer_hours", "id"))
            .field("version", .int, .required)
            .field("activity_name", .string, .required)
            .field("place", .string, .required)
            .field("starts_at", .string, .required)
            .field("ends_at", .string, .required)
            .field("half_hours", .int, .required)
            .field("status", .string, .required)
            .field("corrected_by", .uuid, .required)
            .field("corrected_by_name", .string, .required)
            .field("reason", .string, .required)
            .field("corrected_at", .datetime, .required)
            .unique(on: "hours_id", "version", name: "volunteer_hour_versions_version")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX volunteers_station ON volunteers (station_id, name)").run()
        try await sql.raw("CREATE INDEX volunteer_team_members_team ON volunteer_team_members (team_id, volunteer_id)").run()
        // The overlap check reads one volunteer's entries around a time.
        try await sql.raw("CREATE INDEX volunteer_hours_volunteer ON volunteer_hours (volunteer_id, starts_at)").run()
        try await sql.raw("CREATE INDEX volunteer_hours_station ON volunteer_hours (station_id, starts_at)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("volunteer_hour_versions").delete()
        try await db.schema("volunteer_hours").delete()
        try await db.schema("volunteer_team_members").delete()
        try await db.schema("volunteer_teams").delete()
        try await db.schema("volunteers").delete()
    }
}
