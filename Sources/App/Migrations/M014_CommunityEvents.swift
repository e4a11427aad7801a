import Fluent
import SQLKit

/// Community work (社区工作, MZ/T 071; issue 10 §3).
///
/// - `community_events`: an event of a station: title, the village or community where it was held,
///   the five-society partners it brought together, and its ledger row (`service_records` kind
///   `community_event`, method 社区工作: date, minutes, content, participants as 人次, named recipients).
/// - `community_event_photos`: its photos, stored as attachments (content-addressed, type-checked).
struct M014_CommunityEvents: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("community_events")
            .id()
            .field("year", .int, .required)
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("city_id", .uuid, .required)
            .field("district_id", .uuid, .required)
            .field("record_id", .uuid, .required)
            .field("title", .string, .required)
            .field("held_on", .string, .required)
            .field("place_id", .uuid, .required, .references("org_units", "id"))
            .field("partners", .string, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("community_event_photos")
            .field("event_id", .uuid, .required, .references("community_events", "id"))
            .field("attachment_id", .uuid, .required, .references("attachments", "id"))
            .field("position", .int, .required)
            .field("added_by", .uuid, .required)
            .compositeIdentifier(over: "event_id", "attachment_id")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX community_events_station ON community_events (station_id, year, held_on)").run()
        try await sql.raw("CREATE INDEX community_events_place ON community_events (place_id, year)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("community_event_photos").delete()
        try await db.schema("community_events").delete()
    }
}
