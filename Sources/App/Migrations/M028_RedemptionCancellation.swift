import Fluent
import SQLKit

/// A redemption is cancelled by a reversing entry of the points ledger (`kind` = `cancelled`, the same
/// `redemption_id`), never by deleting it. One entry of each kind per redemption: a second
/// cancellation is refused inside the serialised write (409), and this index backs that.
struct M028_RedemptionCancellation: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("CREATE UNIQUE INDEX volunteer_points_redemption ON volunteer_points (redemption_id, kind)").run()
    }

    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("DROP INDEX volunteer_points_redemption").run()
    }
}
