import Fluent
import SQLKit

/// Group work (小组, MZ/T 095; issue 10 §3).
///
/// - `work_groups`: a station's group in a year: name, field and item (tagged from the profile),
///   goals, target members, planned sessions, phase, responsible worker and, at the end, a summary.
/// - `work_group_members`: its members, recipients of the station's library.
/// - `group_sessions`: each session, numbered within its group; its date, minutes, content and
///   attendance are its ledger row (`service_records` kind `group_session`, attendance in
///   `service_record_recipients`, others in `others_count`).
/// - `group_session_measures`: optional pre/post measures (0–100) per member and session.
struct M012_GroupWork: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("work_groups")
            .id()
            .field("year", .int, .required)
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("city_id", .uuid, .required)
            .field("district_id", .uuid, .required)
            .field("path", .string, .required)
            .field("name", .string, .required)
            .field("field", .string, .required)
            .field("item", .string)
            .field("goals", .string, .required)
            .field("target", .string, .required)
            .field("planned_sessions", .int, .required)
            .field("phase", .string, .required)
            .field("responsible_id", .uuid, .required)
            .field("responsible_name", .string, .required)
            .field("starts_on", .string, .required)
            .field("ended_on", .string)
            .field("summary", .string)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            // Two workers naming the same group at once: one 409, never two groups of one name.
            .unique(on: "station_id", "year", "name", name: "work_groups_station_name")
            .create()
        try await db.schema("work_group_members")
            .field("group_id", .uuid, .required, .references("work_groups", "id"))
            .field("recipient_id", .uuid, .required, .references("recipients", "id"))
            .field("station_id", .uuid, .required)
            .field("joined_on", .string, .required)
            .field("added_by", .uuid, .required)
            .compositeIdentifier(over: "group_id", "recipient_id")
            .create()
        try await db.schema("group_sessions")
            .id()
            .field("year", .int, .required)
            .field("group_id", .uuid, .required, .references("work_groups", "id"))
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("number", .int, .required)
            .field("held_on", .string, .required)
            .field("record_id", .uuid, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime)
            .unique(on: "group_id", "number", name: "group_sessions_number")
            .create()
        try await db.schema("group_session_measures")
            .field("session_id", .uuid, .required, .references("group_sessions", "id"))
            .field("recipient_id", .uuid, .required, .references("recipients", "id"))
            .field("pre", .int)
            .field("post", .int)
            .compositeIdentifier(over: "session_id", "recipient_id")
            .create()
        let sql = db as! any SQLDatabase
        for statement in [
            "CREATE INDEX work_groups_station ON work_groups (station_id, year, phase)",
            "CREATE INDEX work_group_members_recipient ON work_group_members (recipient_id)",
            "CREATE INDEX group_sessions_group ON group_sessions (group_id, held_on)",
            "CREATE INDEX group_sessions_station ON group_sessions (station_id, year, held_on)",
        ] {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
    }

    func revert(on db: any Database) async throws {
        for table in ["group_session_measures", "group_sessions", "work_group_members", "work_groups"] {
            try await db.schema(table).delete()
        }
    }
}
