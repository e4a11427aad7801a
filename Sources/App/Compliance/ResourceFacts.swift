import Domain
import Fluent
import Foundation
import SQLKit

/// What rules R-1, R-2 and R-3 need of a station (issue 11 §3), as columns over the stations alias `s`:
/// the compliance query (`ComplianceQueries.evaluate`) and the station page's four libraries read the
/// same SQL.
enum ResourceFacts {
    /// R-1's libraries besides the key-population one: how many entries there were before `end`, and
    /// when one was last written before it (a year's finding ignores what was written after the year).
    /// Policies are the city's and the station's own; a use of a charity resource counts as an update;
    /// volunteers are the active ones. A row's last write before `end` is its update when that came
    /// before `end`, else its creation (an update never precedes the creation).
    static func libraryColumns(before end: Date) -> SQLQueryString {
        func lastWrite(_ alias: String) -> SQLQueryString {
            "MAX(CASE WHEN \(unsafeRaw: alias).updated_at < \(bind: end) THEN \(unsafeRaw: alias).updated_at WHEN \(unsafeRaw: alias).created_at < \(bind: end) THEN \(unsafeRaw: alias).created_at END)"
        }
        let policies: SQLQueryString = "library_policies lp WHERE lp.city_id = s.city_id AND (lp.station_id IS NULL OR lp.station_id = s.id)"
        return """
            (SELECT COUNT(*) FROM \(policies) AND lp.created_at < \(bind: end)) AS policies_count,
            (SELECT \(lastWrite("lp")) FROM \(policies)) AS policies_updated,
            (SELECT COUNT(*) FROM charity_resources cr WHERE cr.station_id = s.id AND cr.created_at < \(bind: end)) AS charity_count,
            (SELECT MAX(x.t) FROM (SELECT \(lastWrite("cr")) AS t FROM charity_resources cr WHERE cr.station_id = s.id
                                   UNION ALL SELECT MAX(cu.created_at) FROM charity_resource_uses cu WHERE cu.station_id = s.id AND cu.created_at < \(bind: end)) x)
                AS charity_updated,
            (SELECT COUNT(*) FROM volunteers vo WHERE vo.station_id = s.id AND vo.status = 'active' AND vo.created_at < \(bind: end)) AS volunteers_count,
            (SELECT \(lastWrite("vo")) FROM volunteers vo WHERE vo.station_id = s.id) AS volunteers_updated
            """
    }

    static func libraries(_ row: any SQLRow) throws -> StationFacts.Libraries {
        func library(_ name: String) throws -> StationFacts.Library {
            .init(count: try row.decode(column: name + "_count", as: Int.self), lastUpdated: try row.decode(column: name + "_updated", as: Date?.self).map(Day.init))
        }
        return .init(policies: try library("policies"), charity: try library("charity"), volunteers: try library("volunteers"))
    }

    /// Every column the compliance query needs for R-1 … R-3, each followed by a comma.
    static func columns(year: Int, on sql: any SQLDatabase) -> SQLQueryString {
        let villages = JSONColumn.array([
            "name": "v.name", "post": "v.village_post",
            "team": """
                CASE WHEN EXISTS (SELECT 1 FROM volunteer_teams vt JOIN stations ts ON ts.id = vt.station_id WHERE vt.village_id = v.id AND ts.deleted_at IS NULL)
                THEN 1 ELSE 0 END
                """,
            "reached": "CASE WHEN EXISTS (SELECT 1 FROM village_services vs WHERE vs.village_id = v.id AND vs.year = \(bind: year)) THEN 1 ELSE 0 END",
        ], from: "org_units v WHERE v.parent_id = s.street_id AND v.level = 'village' AND v.deleted_at IS NULL", on: sql)
        let teams = JSONColumn.array([
            "name": "vt.name",
            "registered": "CASE WHEN vt.national_registration IS NOT NULL AND vt.national_registration <> '' THEN 1 ELSE 0 END",
        ], from: "volunteer_teams vt WHERE vt.station_id = s.id", on: sql)
        let hours: SQLQueryString = """
            (SELECT CAST(COALESCE(SUM(vh.half_hours), 0) AS bigint) FROM volunteer_hours vh WHERE vh.station_id = s.id AND vh.status = 'confirmed'
             AND vh.starts_at >= \(bind: "\(year)-01-01") AND vh.starts_at < \(bind: "\(year + 1)-01-01")) AS volunteer_half_hours,
            """
        let yearEnd = Day(year: year, month: 12, day: 31)!.adding(days: 1).start
        return villages + " AS villages, " + teams + " AS teams, " + hours + libraryColumns(before: yearEnd) + ", "
    }

    private struct VillageJSON: Decodable { let name, post: String; let team, reached: Int }
    private struct TeamJSON: Decodable { let name: String; let registered: Int }

    /// Fills the facts from a row of the compliance query.
    static func read(_ row: any SQLRow, into facts: inout StationFacts, json: JSONColumn.Reader) throws {
        facts.villages = try json.decode([VillageJSON].self, column: "villages", of: row).map {
            StationFacts.Village(name: $0.name, hasPost: (VillagePost(rawValue: $0.post) ?? VillagePost.none) != .none, hasTeam: $0.team != 0,
                                 reached: $0.reached != 0)
        }.sorted { $0.name < $1.name }
        facts.volunteering = .init(teams: try json.decode([TeamJSON].self, column: "teams", of: row).map { .init(name: $0.name, registered: $0.registered != 0) }
                                       .sorted { $0.name < $1.name },
                                   confirmedHours: Double(try row.decode(column: "volunteer_half_hours", as: Int.self)) / 2)
        facts.libraries = try libraries(row)
    }
}
