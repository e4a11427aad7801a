import Fluent
import SQLKit

/// Corrections of the service ledger (issue 10 §5: "records are never hard-deleted; corrections are
/// versions"; design: the service ledger).
///
/// - `service_records.version`: 1 when written, one more at each correction. The row always holds the
///   version in force, so every count and list reads it as before.
/// - `service_record_versions`: each superseded version as it was, with who corrected it, when and
///   why. Nothing recorded is lost: the first version of every corrected service is here.
///
/// It carries the station and the year like the ledger, so that it can be partitioned with it.
struct M018_ServiceCorrections: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        // On PostgreSQL the column reaches every yearly partition.
        try await sql.raw("ALTER TABLE service_records ADD COLUMN version integer NOT NULL DEFAULT 1").run()
        try await db.schema("service_record_versions")
            .id()
            .field("record_id", .uuid, .required)
            .field("year", .int, .required)
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("version", .int, .required)
            .field("served_on", .string, .required)
            .field("field", .string, .required)
            .field("item", .string)
            .field("method", .string, .required)
            .field("minutes", .int, .required)
            .field("others_count", .int, .required)
            .field("people_count", .int, .required)
            .field("content", .string, .required)
            .field("corrected_by", .uuid, .required)
            .field("corrected_by_name", .string, .required)
            .field("reason", .string, .required)
            .field("corrected_at", .datetime, .required)
            // Two corrections of the same version cannot both be kept (the second is a 409).
            .unique(on: "record_id", "version", name: "service_record_versions_version")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("service_record_versions").delete()
        try await db.schema("service_records").deleteField("version").update()
    }
}
