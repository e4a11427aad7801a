import Fluent
import SQLKit

/// Social-assistance requests (社会救助协助, V-10; issue 10 §2): which of the three situations a
/// person's request is in, what the station did, and the outcome when it is closed.
struct M017_AssistanceRequests: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("assistance_requests")
            .id()
            .field("year", .int, .required)
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("city_id", .uuid, .required)
            .field("district_id", .uuid, .required)
            .field("recipient_id", .uuid, .required, .references("recipients", "id"))
            .field("case_id", .uuid, .references("cases", "id"))
            .field("situation", .string, .required)
            .field("requested_on", .string, .required)
            .field("need", .string, .required)
            .field("action", .string, .required)
            .field("closed_on", .string)
            .field("outcome", .string)
            .field("created_by", .uuid, .required)
            .field("created_by_name", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await (db as! any SQLDatabase).raw("CREATE INDEX assistance_requests_station ON assistance_requests (station_id, year, situation)").run()
        try await (db as! any SQLDatabase).raw("CREATE INDEX assistance_requests_recipient ON assistance_requests (recipient_id)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("assistance_requests").delete()
    }
}
