import Fluent
import Foundation
import SQLKit

/// Corrections of an entered calendar year as versions: every arrangement a year has had, numbered,
/// with who entered it and why; `calendar_years` keeps the newest, which the working-day arithmetic
/// uses. Nothing is deleted: an earlier version stays readable and can be entered again.
/// Each year already entered becomes its version 1.
struct M007_CalendarVersions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("calendar_year_versions")
            .id()
            .field("year", .int, .required)
            .field("version", .int, .required)
            .field("arrangement", .string, .required)
            .field("reason", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "year", "version")
            .create()
        let sql = db as! any SQLDatabase
        for row in try await sql.raw("SELECT year, arrangement, created_by, created_at FROM calendar_years").all() {
            let version = CalendarYearVersion()
            version.year = try row.decode(column: "year", as: Int.self)
            version.version = 1
            version.arrangement = try row.decode(column: "arrangement", as: String.self)
            version.reason = "首次录入"
            version.createdBy = try row.decode(column: "created_by", as: String.self)
            try await version.create(on: db)
            // The entry's own time, not the migration's.
            if let at = try row.decode(column: "created_at", as: Date?.self) {
                try await sql.update("calendar_year_versions").set("created_at", to: at).where("id", .equal, version.id).run()
            }
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema("calendar_year_versions").delete()
    }
}
