import Fluent
import SQLKit

/// A volunteer registered at two stations of a city is one person: the hours overlap check
/// (`VolunteerHoursService.refuseOverlap`) finds all their records by resident ID hash.
struct M027_VolunteerPerson: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("CREATE INDEX volunteers_person ON volunteers (city_id, resident_id_hash)").run()
    }

    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("DROP INDEX volunteers_person").run()
    }
}
