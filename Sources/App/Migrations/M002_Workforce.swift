import Fluent
import FluentSQL
import SQLKit

/// Policy profiles and versions, the working-day calendar, workforce, supervision and training (issue 3).
struct M002_Workforce: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("org_units").field("policy_profile", .string).update()   // cities: jinan, wuhan, guangzhou
        try await db.schema("org_units").field("district_kind", .string).update()    // districts (rule S-2)
        // SQLite adds one column per statement.
        try await db.schema("stations").field("is_demonstration", .bool, .required, .sql(.default(false))).update()
        try await db.schema("stations").field("contract_started_on", .string).update()
        try await db.schema("stations").field("annual_contract_amount", .double).update()
        try await db.schema("stations").field("annual_personnel_budget", .double).update()
        try await db.schema("policy_versions")
            .id()
            .field("city_id", .uuid, .required, .references("org_units", "id"))
            .field("profile_id", .string, .required)
            .field("version", .int, .required)
            .field("effective_from", .string, .required)
            .field("overrides", .string, .required)
            .field("note", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "city_id", "version")
            .create()
        try await db.schema("calendar_years")
            .id()
            .field("year", .int, .required)
            .field("arrangement", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "year")
            .create()
        try await db.schema("attachments")
            .id()
            .field("sha256", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("original_name", .string, .required)
            .field("retention_class", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("social_workers")
            .id()
            .field("name", .string, .required)
            .field("gender", .string, .required)
            .field("birth_date", .string, .required)
            .field("phone_sealed", .string)
            .field("phone_hash", .string)
            .field("education", .string, .required)
            .field("major", .string, .required)
            .field("certificate_level", .string, .required)
            .field("certificate_number", .string)
            .field("certificate_date", .string)
            .field("experience_years", .double, .required)
            .field("full_time", .bool, .required)
            .field("registered_national", .bool, .required)
            .field("user_id", .uuid, .references("users", "id"))
            .field("city_id", .uuid, .required, .references("org_units", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await db.schema("worker_assignments")
            .id()
            .field("worker_id", .uuid, .required, .references("social_workers", "id"))
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("started_on", .string, .required)
            .field("ended_on", .string)
            .field("created_at", .datetime)
            .create()
        try await db.schema("supervisors")
            .id()
            .field("name", .string, .required)
            .field("pool", .string, .required)
            .field("experience_years", .double, .required)
            .field("phone_sealed", .string)
            .field("phone_hash", .string)
            .field("user_id", .uuid, .references("users", "id"))
            .field("city_id", .uuid, .required, .references("org_units", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await db.schema("supervisor_assignments")
            .id()
            .field("supervisor_id", .uuid, .required, .references("supervisors", "id"))
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("started_on", .string, .required)
            .field("ended_on", .string)
            .create()
        try await db.schema("supervision_records")
            .id()
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("year", .int, .required)
            .field("held_on", .string, .required)
            .field("hours", .double, .required)
            .field("supervisor_id", .uuid, .required, .references("supervisors", "id"))
            .field("form", .string, .required)
            .field("topic", .string, .required)
            .field("issues", .string, .required)
            .field("advice", .string, .required)
            .field("supervisor_confirmed_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        try await db.schema("supervision_attendees")
            .id()
            .field("record_id", .uuid, .required, .references("supervision_records", "id"))
            .field("worker_id", .uuid, .required, .references("social_workers", "id"))
            .field("confirmed_at", .datetime)
            .unique(on: "record_id", "worker_id")
            .create()
        try await db.schema("training_records")
            .id()
            .field("worker_id", .uuid, .required, .references("social_workers", "id"))
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("year", .int, .required)
            .field("held_on", .string, .required)
            .field("hours", .double, .required)
            .field("title", .string, .required)
            .field("organiser", .string, .required)
            .field("attachment_id", .uuid, .references("attachments", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .create()
        let sql = db as! any SQLDatabase
        for index in [
            "CREATE INDEX worker_assignments_station ON worker_assignments (station_id, started_on)",
            "CREATE INDEX worker_assignments_worker ON worker_assignments (worker_id)",
            "CREATE INDEX supervisor_assignments_station ON supervisor_assignments (station_id)",
            "CREATE INDEX supervision_records_station_year ON supervision_records (station_id, year)",
            "CREATE INDEX supervision_attendees_record ON supervision_attendees (record_id)",
            "CREATE INDEX supervision_attendees_worker ON supervision_attendees (worker_id)",
            "CREATE INDEX training_records_station_year ON training_records (station_id, year)",
            "CREATE INDEX training_records_worker ON training_records (worker_id, year)",
            "CREATE INDEX social_workers_phone ON social_workers (phone_hash)",
            "CREATE INDEX policy_versions_city ON policy_versions (city_id, effective_from)",
        ] {
            try await sql.raw(SQLQueryString(index)).run()
        }
    }

    func revert(on db: any Database) async throws {
        for table in ["training_records", "supervision_attendees", "supervision_records", "supervisor_assignments", "supervisors",
                      "worker_assignments", "social_workers", "attachments", "calendar_years", "policy_versions"] {
            try await db.schema(table).delete()
        }
        for column in ["is_demonstration", "contract_started_on", "annual_contract_amount", "annual_personnel_budget"] {
            try await db.schema("stations").deleteField(FieldKey(stringLiteral: column)).update()
        }
        try await db.schema("org_units").deleteField("policy_profile").update()
        try await db.schema("org_units").deleteField("district_kind").update()
    }
}
