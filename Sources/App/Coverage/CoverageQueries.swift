import Domain
import Fluent
import SQLKit
import Vapor

/// Rule R-2's coverage (issue 11 §3): every village and community of a station's street, a street, a
/// district or a city, with its social-work room or point (the org unit's `village_post`), its
/// volunteer team (`volunteer_teams`), and the year's services that reached it (`village_services`, M026).
struct CoverageDTO: Content {
    struct Village: Content {
        var id: UUID
        var name: String
        var streetId: UUID
        var streetName: String
        var post: VillagePost
        var postLabel: String
        /// The village's volunteer team, and whether it is registered on the national site.
        var team: String?
        var teamRegistered: Bool
        /// Records that reached the village this year, by kind of service (`ServiceKind` raw values).
        var services: [String: Int]
        var servicesTotal: Int
        /// R-2's two halves: a social-work room or point or a volunteer team, and services that reached it.
        var hasPost: Bool
        var hasPostOrTeam: Bool
        var reached: Bool
        var covered: Bool { hasPostOrTeam && reached }
        var status: CoverageStatus { covered ? .covered : (hasPostOrTeam || reached ? .partial : .uncovered) }
    }

    var place: DashboardDTO.Place
    var year: Int
    var villages: [Village]
    var counts: Counts

    struct Counts: Content {
        var villages: Int
        var withPost: Int
        var withTeam: Int
        var reached: Int
        var covered: Int
    }
}

/// A village's state on the coverage page, with the colour it shows in.
enum CoverageStatus: String, Codable, Sendable {
    case covered, partial, uncovered

    var label: String {
        switch self {
        case .covered: "已覆盖"
        case .partial: "部分覆盖"
        case .uncovered: "未覆盖"
        }
    }
}

enum CoverageQueries {
    /// The villages of the place (a station's street, or under a street, district or city), alias `o`.
    static func villages(of place: DashboardPlace, on sql: any SQLDatabase) -> SQLQueryString {
        switch place {
        case .station(let s): "o.parent_id = \(bind: s.streetID) AND o.level = 'village' AND o.deleted_at IS NULL"
        case .unit(let u): Subtree.condition("o.path", under: u.path, on: sql) + " AND o.level = 'village' AND o.deleted_at IS NULL"
        }
    }

    static func coverage(_ place: DashboardPlace, year: Int, on db: any Database) async throws -> CoverageDTO {
        let sql = db as! any SQLDatabase
        let inPlace = villages(of: place, on: sql)
        var services: [UUID: [String: Int]] = [:]
        for row in try await sql.raw("SELECT vs.village_id, vs.kind, vs.records FROM village_services vs JOIN org_units o ON o.id = vs.village_id WHERE "
                                     + inPlace + " AND vs.year = \(bind: year)").all() {
            services[try row.decode(column: "village_id", as: UUID.self), default: [:]][try row.decode(column: "kind", as: String.self)] =
                try row.decode(column: "records", as: Int.self)
        }
        let villages = try await sql.raw("""
            SELECT o.id, o.name, o.village_post, st.id AS street_id, st.name AS street_name,
                   (SELECT MIN(vt.name) FROM volunteer_teams vt JOIN stations ts ON ts.id = vt.station_id
                    WHERE vt.village_id = o.id AND ts.deleted_at IS NULL) AS team,
                   (SELECT COUNT(*) FROM volunteer_teams vt JOIN stations ts ON ts.id = vt.station_id
                    WHERE vt.village_id = o.id AND ts.deleted_at IS NULL AND vt.national_registration IS NOT NULL AND vt.national_registration <> '') AS registered_teams
            FROM org_units o JOIN org_units st ON st.id = o.parent_id WHERE
            """ + " " + inPlace + " ORDER BY COALESCE(st.division_code, '~'), st.name, COALESCE(o.division_code, '~'), o.name").all().map { row in
            let id = try row.decode(column: "id", as: UUID.self)
            let post = try row.decode(column: "village_post", as: VillagePost.self)
            let reached = services[id] ?? [:]
            let total = reached.values.reduce(0, +)
            let team = try row.decode(column: "team", as: String?.self)
            return CoverageDTO.Village(id: id, name: try row.decode(column: "name", as: String.self),
                                       streetId: try row.decode(column: "street_id", as: UUID.self),
                                       streetName: try row.decode(column: "street_name", as: String.self),
                                       post: post, postLabel: post.label, team: team,
                                       teamRegistered: try row.decode(column: "registered_teams", as: Int.self) > 0,
                                       services: reached, servicesTotal: total, hasPost: post != .none, hasPostOrTeam: post != .none || team != nil,
                                       reached: total > 0)
        }
        let counts = CoverageDTO.Counts(villages: villages.count, withPost: villages.filter(\.hasPost).count, withTeam: villages.filter { $0.team != nil }.count,
                                        reached: villages.filter(\.reached).count, covered: villages.filter(\.covered).count)
        return CoverageDTO(place: place.dto, year: year, villages: villages, counts: counts)
    }
}
