import Domain
import Fluent
import Foundation
import SQLKit

/// Five-society linkage (五社联动, R-5): per station and year, the charity resources it received and
/// used, and how many of its community events each partner took part in. The one query the charity
/// library page and the findings read.
enum FiveSocietyLinkage {
    struct Row: Sendable, Equatable {
        var stationID: UUID
        var stationName: String
        /// Resources received in the year.
        var received: Int
        /// Uses recorded in the year, reversed ones and reversing entries left out.
        var uses: Int
        /// Distinct cases, recipients and events served by those uses.
        var served: Int
        var events: Int
        /// Events of the year in which each partner took part.
        var partners: [LinkagePartner: Int]
    }

    /// The stations matching `stations` (a condition on the stations alias `s`, e.g. `StationScope.condition`),
    /// every one of them listed, with zeros where nothing was recorded.
    static func counts(stations: SQLQueryString, year: Int, on db: any Database) async throws -> [Row] {
        let sql = db as! any SQLDatabase
        let partnerColumns = LinkagePartner.allCases.map { p -> String in
            "COALESCE(SUM(CASE WHEN ',' || e.partners || ',' LIKE '%,\(p.rawValue),%' THEN 1 ELSE 0 END), 0) AS p_\(p.rawValue)"
        }.joined(separator: ", ")
        let rows = try await sql.raw("""
            SELECT s.id, s.name,
              (SELECT COUNT(*) FROM charity_resources c WHERE c.station_id = s.id AND c.year = \(bind: year)) AS received,
              (SELECT COUNT(*) FROM charity_resource_uses u WHERE u.station_id = s.id AND u.year = \(bind: year) AND u.reverses_id IS NULL
                 AND NOT EXISTS (SELECT 1 FROM charity_resource_uses x WHERE x.reverses_id = u.id)) AS uses,
              (SELECT COUNT(DISTINCT COALESCE(u.case_id, u.recipient_id, u.event_id)) FROM charity_resource_uses u WHERE u.station_id = s.id
                 AND u.year = \(bind: year) AND u.reverses_id IS NULL AND NOT EXISTS (SELECT 1 FROM charity_resource_uses x WHERE x.reverses_id = u.id)) AS served
            FROM stations s WHERE
            """ + " " + stations + " ORDER BY s.name").all()
        let eventRows = try await sql.raw("""
            SELECT e.station_id, COUNT(*) AS events, \(unsafeRaw: partnerColumns)
            FROM community_events e JOIN stations s ON s.id = e.station_id WHERE e.year = \(bind: year) AND
            """ + " " + stations + " GROUP BY e.station_id").all()
        var events: [UUID: (Int, [LinkagePartner: Int])] = [:]
        for row in eventRows {
            var partners: [LinkagePartner: Int] = [:]
            for p in LinkagePartner.allCases { partners[p] = try row.decode(column: "p_" + p.rawValue, as: Int.self) }
            events[try row.decode(column: "station_id", as: UUID.self)] = (try row.decode(column: "events", as: Int.self), partners)
        }
        return try rows.map { row in
            let id = try row.decode(column: "id", as: UUID.self)
            return Row(stationID: id, stationName: try row.decode(column: "name", as: String.self), received: try row.decode(column: "received", as: Int.self),
                       uses: try row.decode(column: "uses", as: Int.self), served: try row.decode(column: "served", as: Int.self),
                       events: events[id]?.0 ?? 0, partners: events[id]?.1 ?? Dictionary(uniqueKeysWithValues: LinkagePartner.allCases.map { ($0, 0) }))
        }
    }
}
