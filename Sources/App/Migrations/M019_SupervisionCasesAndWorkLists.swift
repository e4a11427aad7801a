import Fluent
import SQLKit

/// Issue 10 §2 and §5:
/// - `supervision_record_cases`: the cases a supervision record (MZ/T 166) discussed, each a case of
///   the record's station, written in the same transaction as the record.
struct M019_SupervisionCasesAndWorkLists: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("supervision_record_cases")
            .field("record_id", .uuid, .required, .references("supervision_records", "id"))
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("station_id", .uuid, .required)
            .field("position", .int, .required)
            .compositeIdentifier(over: "record_id", "case_id")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX supervision_record_cases_case ON supervision_record_cases (case_id)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("supervision_record_cases").delete()
    }
}
