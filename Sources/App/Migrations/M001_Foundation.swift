import Fluent
import SQLKit

/// Org tree, stations, accounts and audit (issue 2).
struct M001_Foundation: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("org_units")
            .id()
            .field("name", .string, .required)
            .field("level", .string, .required)
            .field("parent_id", .uuid, .references("org_units", "id"))
            .field("path", .string, .required)
            .field("division_code", .string)
            .field("village_post", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "path")
            .create()
        try await db.schema("demonstration_quotas")
            .id()
            .field("org_unit_id", .uuid, .required, .references("org_units", "id"))
            .field("year", .int, .required)
            .field("quota", .int, .required)
            .unique(on: "org_unit_id", "year")
            .create()
        try await db.schema("operators")
            .id()
            .field("name", .string, .required)
            .field("credit_code", .string, .required)
            .field("city_id", .uuid, .required, .references("org_units", "id"))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "credit_code")
            .create()
        try await db.schema("stations")
            .id()
            .field("name", .string, .required)
            .field("street_id", .uuid, .required, .references("org_units", "id"))
            .field("district_id", .uuid, .required, .references("org_units", "id"))
            .field("city_id", .uuid, .required, .references("org_units", "id"))
            .field("path", .string, .required)
            .field("address", .string, .required)
            .field("opened_on", .string)
            .field("operator_id", .uuid, .references("operators", "id"))
            .field("equipment", .string, .required)
            .field("outdoor_sign", .bool, .required)
            .field("indoor_sign", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("deleted_at", .datetime)
            .unique(on: "street_id")   // one station per street/town
            .create()
        try await db.schema("station_rooms")
            .id()
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("kind", .string, .required)
            .field("area", .double, .required)
            .field("shared", .bool, .required)
            .unique(on: "station_id", "kind")
            .create()
        try await db.schema("users")
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("active", .bool, .required)
            .field("failed_logins", .int, .required)
            .field("failure_window_start", .datetime)
            .field("locked_until", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "username")
            .create()
        try await db.schema("role_assignments")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("role", .string, .required)
            .field("org_unit_id", .uuid, .references("org_units", "id"))
            .field("operator_id", .uuid, .references("operators", "id"))
            .create()
        try await db.schema("api_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("created_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await db.schema("audit_events")
            .id()
            .field("seq", .int64, .required)
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor_name", .string, .required)
            .field("action", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .string)
            .field("changes", .string, .required)
            .field("client_ip", .string, .required)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "seq")
            .create()

        guard let sql = db as? any SQLDatabase else { return }
        for index in [
            "CREATE INDEX org_units_parent ON org_units (parent_id)",
            "CREATE INDEX org_units_level ON org_units (level)",
            "CREATE INDEX stations_district ON stations (district_id)",
            "CREATE INDEX stations_city ON stations (city_id)",
            "CREATE INDEX stations_operator ON stations (operator_id)",
            "CREATE INDEX stations_path ON stations (path)",
            "CREATE INDEX role_assignments_user ON role_assignments (user_id)",
            "CREATE INDEX audit_events_at ON audit_events (at)",
            "CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id)",
        ] {
            try await sql.raw(SQLQueryString(index)).run()
        }
        // Prefix LIKE on a path needs pattern ops under a non-C collation (see `Subtree`);
        // SQLite's GLOB uses the unique index on the column as it is.
        if sql.dialect.name == "postgresql" {
            try await sql.raw("CREATE INDEX org_units_path_prefix ON org_units (path text_pattern_ops)").run()
            try await sql.raw("CREATE INDEX stations_path_prefix ON stations (path text_pattern_ops)").run()
        }
    }

    func revert(on db: any Database) async throws {
        for table in ["audit_events", "api_tokens", "role_assignments", "users", "station_rooms",
                      "stations", "operators", "demonstration_quotas", "org_units"] {
            try await db.schema(table).delete()
        }
    }
}
