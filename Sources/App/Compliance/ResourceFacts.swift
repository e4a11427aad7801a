import Domain
import SQLKit

/// What rules need of a station (issue 11 §3), as columns of the compliance query
/// (`ComplianceQueries.evaluate`, stations alias `s`): its street's villages with their post and the
/// year's reach.
enum ResourceFacts {
    static func columns(year: Int, on sql: any SQLDatabase) -> SQLQueryString {
        let villages = JSONColumn.array([
            "name": "v.name", "post": "v.village_post",
            "reached": "CASE WHEN EXISTS (SELECT 1 FROM village_services vs WHERE vs.village_id = v.id AND vs.year = \(bind: year)) THEN 1 ELSE 0 END",
        ], from: "org_units v WHERE v.parent_id = s.street_id AND v.level = 'village' AND v.deleted_at IS NULL", on: sql)
        return villages + " AS villages, "
    }

    private struct VillageJSON: Decodable { let name, post: String; let reached: Int }

    /// Fills the facts from a row of that query.
    static func read(_ row: any SQLRow, into facts: inout StationFacts, json: JSONColumn.Reader) throws {
        facts.villages = try json.decode([VillageJSON].self, column: "villages", of: row).map {
            StationFacts.Village(name: $0.name, hasPost: (VillagePost(rawValue: $0.post) ?? VillagePost.none) != .none, hasTeam: false, reached: $0.reached != 0)
        }.sorted { $0.name < $1.name }
    }
}
