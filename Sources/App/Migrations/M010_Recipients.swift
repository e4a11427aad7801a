import Fluent
import SQLKit

/// The key-population library (辖区重点人群信息库, R-1/R-6) and the needs list (V-8), issue 9.
///
/// - `recipients`: one row per person. Resident ID and phone are sealed (AES-GCM) with a keyed hash
///   beside them; the masked form is kept too so that lists never decrypt. The ID hash is unique:
///   a person is registered once in the whole deployment, whatever two officers type at once
///   (a merged-away record gives its hash up). Rows are never deleted: status, transfer and merge
///   are columns and events.
/// - `recipient_categories`: several per person, each with who verified it and when; ended, not deleted.
/// - `recipient_events`: the record's timeline (status changes, transfers, merges, category
///   verifications, consents), with the stations on both sides of a transfer.
/// - `recipient_needs`: the needs list; `station_id` is the station that identified the need.
/// - `recipient_consents`: consent to services or to data sharing, with the scanned form.
///
/// Station and city ids sit on every table so that a province's tables can be partitioned or
/// sharded by city without a rewrite (design: scale).
struct M010_Recipients: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("recipients")
            .id()
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("city_id", .uuid, .required)
            .field("district_id", .uuid, .required)
            .field("path", .string, .required)
            .field("village_id", .uuid, .references("org_units", "id"))
            .field("name", .string, .required)
            .field("resident_id_sealed", .string)
            .field("resident_id_hash", .string)
            .field("resident_id_masked", .string)
            .field("birth_date", .string, .required)
            .field("sex", .string, .required)
            .field("phone_sealed", .string)
            .field("phone_hash", .string)
            .field("phone_masked", .string)
            .field("address", .string, .required)
            .field("follow_up_level", .int)
            .field("status", .string, .required)
            .field("status_on", .string, .required)
            .field("household_id", .uuid)
            .field("household_relation", .string)
            .field("guardian_id", .uuid)
            .field("guardian_name", .string)
            .field("guardian_phone_sealed", .string)
            .field("guardian_phone_masked", .string)
            .field("merged_into_id", .uuid)
            .field("import_id", .uuid)
            .field("created_by", .uuid)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "resident_id_hash", name: "recipients_resident_id_hash")
            .create()
        try await db.schema("recipient_categories")
            .id()
            .field("recipient_id", .uuid, .required, .references("recipients", "id"))
            .field("station_id", .uuid, .required)
            .field("category", .string, .required)
            .field("disability_grade", .int)
            .field("disability_type", .string)
            .field("verified_on", .string, .required)
            .field("verified_by", .uuid)
            .field("verified_by_name", .string, .required)
            .field("ended_on", .string)
            .field("created_at", .datetime)
            .create()
        try await db.schema("recipient_events")
            .id()
            .field("recipient_id", .uuid, .required, .references("recipients", "id"))
            .field("kind", .string, .required)
            .field("happened_on", .string, .required)
            .field("status", .string)
            .field("from_station_id", .uuid)
            .field("to_station_id", .uuid)
            .field("other_recipient_id", .uuid)
            .field("detail", .string, .required)
            .field("reason", .string, .required)
            .field("actor_id", .uuid)
            .field("actor_name", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("recipient_needs")
            .id()
            .field("recipient_id", .uuid, .required, .references("recipients", "id"))
            .field("station_id", .uuid, .required)
            .field("area", .string, .required)
            .field("description", .string, .required)
            .field("urgency", .string, .required)
            .field("identified_on", .string, .required)
            .field("status", .string, .required)
            .field("status_on", .string, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("recipient_consents")
            .id()
            .field("recipient_id", .uuid, .required, .references("recipients", "id"))
            .field("kind", .string, .required)
            .field("given_on", .string, .required)
            .field("attachment_id", .uuid, .references("attachments", "id"))
            .field("recorded_by", .uuid)
            .field("recorded_by_name", .string, .required)
            .field("created_at", .datetime)
            .create()
        let sql = db as! any SQLDatabase
        for statement in [
            // The station's list (status filter, by name), and a city's, district's or street's list in
            // the list's order (name, id): the page walks one of these and stops after a page, even at
            // 500,000 rows in a city (`RecipientQueries.recipientScope`, bench/recipients.sh).
            "CREATE INDEX recipients_station ON recipients (station_id, status, name)",
            "CREATE INDEX recipients_city ON recipients (city_id, name, id)",
            "CREATE INDEX recipients_district ON recipients (district_id, name, id)",
            "CREATE INDEX recipients_path ON recipients (path, name, id)",
            "CREATE INDEX recipients_name ON recipients (name)",
            "CREATE INDEX recipients_household ON recipients (household_id)",
            "CREATE INDEX recipient_categories_recipient ON recipient_categories (recipient_id)",
            // Filter by category, and counts by category per station.
            "CREATE INDEX recipient_categories_category ON recipient_categories (category, recipient_id)",
            "CREATE INDEX recipient_categories_station ON recipient_categories (station_id, category)",
            "CREATE INDEX recipient_events_recipient ON recipient_events (recipient_id, happened_on)",
            "CREATE INDEX recipient_events_stations ON recipient_events (from_station_id)",
            "CREATE INDEX recipient_needs_station ON recipient_needs (station_id, status)",
            "CREATE INDEX recipient_needs_recipient ON recipient_needs (recipient_id)",
            "CREATE INDEX recipient_consents_recipient ON recipient_consents (recipient_id)",
        ] {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
    }

    func revert(on db: any Database) async throws {
        for table in ["recipient_consents", "recipient_needs", "recipient_events", "recipient_categories", "recipients"] {
            try await db.schema(table).delete()
        }
    }
}
