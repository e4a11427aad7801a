import Fluent
import SQLKit

/// Sessions of our own (hashed keys, user, idle and absolute expiry) in place of Fluent's, and a
/// unique keyed-hash index on social workers' phones (issue 7).
struct M004_Hardening: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("sessions")
            .id()
            .field("key_hash", .string, .required)
            .field("user_id", .uuid, .references("users", "id"))
            .field("data", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .unique(on: "key_hash")
            .create()
        try await db.schema("policy_versions").field("backdate_reason", .string).update()
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX sessions_user ON sessions (user_id)").run()
        try await sql.raw("CREATE INDEX sessions_last_seen ON sessions (last_seen_at)").run()
        // Fluent's session table of earlier versions: its sessions end with this upgrade (users sign in again).
        try await sql.raw("DROP TABLE IF EXISTS _fluent_sessions").run()
        // One phone number, one social worker: the check before insert runs in the write lock, and this
        // index makes a second row impossible even for a writer that skipped it.
        try await sql.raw("DROP INDEX social_workers_phone").run()
        try await sql.raw("CREATE UNIQUE INDEX social_workers_phone ON social_workers (phone_hash) WHERE phone_hash IS NOT NULL").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("sessions").delete()
        try await db.schema("policy_versions").deleteField("backdate_reason").update()
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("DROP INDEX social_workers_phone").run()
        try await sql.raw("CREATE INDEX social_workers_phone ON social_workers (phone_hash)").run()
    }
}
