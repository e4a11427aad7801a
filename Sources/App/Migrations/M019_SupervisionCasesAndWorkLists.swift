import Fluent
import SQLKit

/// Issue 10 §2 and §5:
/// - `supervision_record_cases`: the cases a supervision record (MZ/T 166) discussed, each a case of
///   the record's station, written in the same transaction as the record.
/// - `visits.follow_up_done_on/_by/_by_name`: when a visit marked 需跟进 was followed up, and by whom
///   (a social worker's work list).
/// - `work_groups.next_session_on`: the date of a group's next planned session (today's sessions on
///   the worker's home page).
struct M019_SupervisionCasesAndWorkLists: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("supervision_record_cases")
            .field("record_id", .uuid, .required, .references("supervision_records", "id"))
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("station_id", .uuid, .required)
            .field("position", .int, .required)
            .compositeIdentifier(over: "record_id", "case_id")
            .create()
        try await db.schema("visits").field("follow_up_done_on", .string).update()
        try await db.schema("visits").field("follow_up_done_by", .uuid).update()
        try await db.schema("visits").field("follow_up_done_by_name", .string).update()
        try await db.schema("work_groups").field("next_session_on", .string).update()
        let sql = db as! any SQLDatabase
        for statement in [
            "CREATE INDEX supervision_record_cases_case ON supervision_record_cases (case_id)",
            "CREATE INDEX visits_follow_up ON visits (station_id, follow_up_needed, follow_up_done_on)",
            "CREATE INDEX work_groups_next_session ON work_groups (station_id, next_session_on)",
        ] {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema("work_groups").deleteField("next_session_on").update()
        for field: FieldKey in ["follow_up_done_by_name", "follow_up_done_by", "follow_up_done_on"] {
            try await db.schema("visits").deleteField(field).update()
        }
        try await db.schema("supervision_record_cases").delete()
    }
}
