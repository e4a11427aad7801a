import Fluent
import SQLKit

/// Referrals (转介, V-11; issue 10 §2): from a station, for one recipient (and a case, where there is
/// one), to a street department, another agency or another station. A referral to a station is
/// answered in that station's inbox; an outside body's answer is recorded by the sending station.
struct M016_Referrals: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("referrals")
            .id()
            .field("year", .int, .required)
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("city_id", .uuid, .required)
            .field("district_id", .uuid, .required)
            .field("recipient_id", .uuid, .required, .references("recipients", "id"))
            .field("case_id", .uuid, .references("cases", "id"))
            .field("target", .string, .required)
            .field("target_station_id", .uuid, .references("stations", "id"))
            .field("target_name", .string, .required)
            .field("reason", .string, .required)
            .field("status", .string, .required)
            .field("sent_on", .string, .required)
            .field("answered_on", .string)
            .field("answer", .string)
            .field("done_on", .string)
            .field("outcome", .string)
            .field("created_by", .uuid, .required)
            .field("created_by_name", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX referrals_station ON referrals (station_id, year, status)").run()
        try await sql.raw("CREATE INDEX referrals_target_station ON referrals (target_station_id, status)").run()
        try await sql.raw("CREATE INDEX referrals_recipient ON referrals (recipient_id)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("referrals").delete()
    }
}
