import Fluent
import SQLKit

/// Rule R-2 asks, per village of a street, whether it has a volunteer team; the compliance query and
/// the coverage page look teams up by village. The unique index on (station_id, village_id) cannot
/// serve that lookup, so without this one each village scanned every team of the province.
struct M029_VillageTeamIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("CREATE INDEX volunteer_teams_by_village ON volunteer_teams (village_id)").run()
    }

    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("DROP INDEX volunteer_teams_by_village").run()
    }
}
