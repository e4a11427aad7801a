import Fluent
import SQLKit

/// Volunteer points (R-4, Wuhan's "以服务换积分""以服务换福利"; issue 11 §1).
///
/// - `volunteer_points`: the points ledger, one row per change — earned when hours are confirmed,
///   adjusted when a confirmed entry is corrected, spent by a redemption. The balance is the sum; it
///   never goes below zero (checked inside the serialised write).
/// - `volunteer_rewards`: a station's reward catalogue with its price in points and its stock.
/// - `volunteer_redemptions`: a reward given to a volunteer for points.
struct M023_VolunteerPoints: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("volunteer_rewards")
            .id()
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("name", .string, .required)
            .field("points", .int, .required)
            .field("stock", .int, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "station_id", "name", name: "volunteer_rewards_name")
            .create()
        try await db.schema("volunteer_redemptions")
            .id()
            .field("volunteer_id", .uuid, .required, .references("volunteers", "id"))
            .field("reward_id", .uuid, .required, .references("volunteer_rewards", "id"))
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("quantity", .int, .required)
            .field("points", .int, .required)
            .field("redeemed_on", .string, .required)
            .field("recorded_by", .uuid, .required)
            .field("recorded_by_name", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("volunteer_points")
            .id()
            .field("volunteer_id", .uuid, .required, .references("volunteers", "id"))
            .field("delta", .int, .required)
            .field("kind", .string, .required)
            .field("hours_id", .uuid)
            .field("redemption_id", .uuid)
            .field("note", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await (db as! any SQLDatabase).raw("CREATE INDEX volunteer_points_volunteer ON volunteer_points (volunteer_id)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("volunteer_points").delete()
        try await db.schema("volunteer_redemptions").delete()
        try await db.schema("volunteer_rewards").delete()
    }
}
