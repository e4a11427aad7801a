import Domain
import Fluent
import SQLKit
import Vapor

/// What one station's page shows, in one statement: the station, its rooms, villages, operator
/// history and the four resource libraries, the lists as JSON columns of one row. The page is
/// among the most opened; each separate statement is a hop to SQLite's thread pool or a round trip
/// to PostgreSQL, and the eleven it once ran cost it two thirds of its throughput.
extension StationShow {
    /// The page's statement on PostgreSQL (`PreparedStatements`): planned once per connection.
    enum OnePage: PreparedShape {}

    struct Village: Decodable, Sendable {
        let id: UUID
        let name: String
        let code: String?
        let villagePost: VillagePost
    }

    private struct RoomJSON: Decodable { let kind: String; let area: Double; let shared: Int }
    private struct PeriodJSON: Decodable { let operatorName: String; let startedOn, endedOn: String?; let id: UUID }
    private struct CategoryJSON: Decodable { let category: String; let n: Int }
    private struct VillageCountJSON: Decodable { let id: UUID?; let name: String; let n: Int }

    static func query(_ req: Request) async throws -> Model {
        let caller = try req.requireCaller()
        let sql = req.db as! any SQLDatabase
        let rooms = JSONColumn.array(["kind": "r.kind", "area": "r.area", "shared": "CASE WHEN r.shared THEN 1 ELSE 0 END"],
                                     from: "station_rooms r WHERE r.station_id = s.id", on: sql)
        let villages = JSONColumn.array(["id": "v.id", "name": "v.name", "code": "v.division_code", "villagePost": "v.village_post"],
                                        from: "org_units v WHERE v.parent_id = s.street_id AND v.deleted_at IS NULL", on: sql)
        let periods = JSONColumn.array([
            "id": "p.id", "operatorName": "COALESCE(po.name, '（已删除的机构）')", "startedOn": "p.started_on", "endedOn": "p.ended_on",
        ], from: "station_operator_periods p LEFT JOIN operators po ON po.id = p.operator_id WHERE p.station_id = s.id", on: sql)
        // The key-population library: active recipients, by category and by village, and the last
        // day it was written to. Read for every caller (whether one may see it depends on the station's
        // place, known only from this row) and dropped below for one who may not.
        let active: SQLQueryString = "r.station_id = s.id AND r.status = 'active' AND r.merged_into_id IS NULL"
        let byCategory = JSONColumn.array(["category": "x.category", "n": "x.n"], from: """
            (SELECT c.category, COUNT(*) AS n FROM recipient_categories c JOIN recipients r ON r.id = c.recipient_id
             WHERE c.station_id = s.id AND c.ended_on IS NULL AND \(active) GROUP BY c.category) x
            """, on: sql)
        let byVillage = JSONColumn.array(["id": "x.id", "name": "x.name", "n": "x.n"], from: """
            (SELECT v.id, COALESCE(v.name, '未填写') AS name, COUNT(*) AS n FROM recipients r LEFT JOIN org_units v ON v.id = r.village_id
             WHERE \(active) GROUP BY v.id, v.name) x
            """, on: sql)
        let columns: SQLQueryString = rooms + " AS rooms, " + villages + " AS villages, " + periods + " AS periods, " + """
            (SELECT COUNT(*) FROM recipients r WHERE \(active)) AS key_population,
            (SELECT MAX(e.happened_on) FROM recipient_events e JOIN recipients r ON r.id = e.recipient_id WHERE r.station_id = s.id) AS key_population_updated,
            """ + byCategory + " AS by_category, " + byVillage + " AS by_village, " + ResourceFacts.libraryColumns(before: .distantFuture)
        let (summary, row) = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, with: columns, preparedAs: OnePage.self, req: req)
        let recipients = Access.Resource(kind: .recipient, paths: [summary.path], operatorIDs: summary.resource.operatorIDs)
        let readsRecipients = caller.may(.read, recipients)

        let json = JSONColumn.Reader()
        var roomsByKind: [RoomKind: StationQueries.RoomRow] = [:]
        for room in try json.decode([RoomJSON].self, column: "rooms", of: row) {
            if let kind = RoomKind(rawValue: room.kind) { roomsByKind[kind] = .init(kind: kind, area: room.area, shared: room.shared != 0) }
        }
        // Official order: by division code, functional zones (no code) after, then by name.
        let villageList = try json.decode([Village].self, column: "villages", of: row).sorted { ($0.code ?? "~", $0.name) < ($1.code ?? "~", $1.name) }
        // The city's profile gives A-5's period; a city without a profile shows the history without it.
        let cityID = OrgPath.ids(summary.path).first.flatMap(UUID.init(uuidString:))
        let profile = await cityID.asyncMap { try? await req.application.policies.inForce(cityID: $0, year: req.today.year, on: req.db).profile } ?? nil
        let history = try await StationOperatorPeriod.history(
            try json.decode([PeriodJSON].self, column: "periods", of: row).map { .init(id: $0.id, operatorName: $0.operatorName, startedOn: $0.startedOn, endedOn: $0.endedOn) },
            profile: profile, on: req.db)

        var counts: RecipientQueries.StationCounts?
        var libraries: StationFacts.Libraries?
        if readsRecipients {
            var c = RecipientQueries.StationCounts()
            c.active = try row.decode(column: "key_population", as: Int.self)
            c.lastUpdated = try row.decode(column: "key_population_updated", as: String?.self)
            let found = Dictionary(try json.decode([CategoryJSON].self, column: "by_category", of: row).map { ($0.category, $0.n) }, uniquingKeysWith: +)
            c.byCategory = RecipientCategory.allCases.compactMap { category in found[category.rawValue].map { (category, $0) } }
            c.byVillage = try json.decode([VillageCountJSON].self, column: "by_village", of: row).sorted { $0.name < $1.name }.map { ($0.id, $0.name, $0.n) }
            counts = c
            libraries = try ResourceFacts.libraries(row)
        }

        // The crumbs link the district and the street only for a caller who may open their pages (a
        // street's worker reads the street, not the district).
        let ids = OrgPath.ids(summary.path)
        let district = Access.Resource(kind: .orgUnit, paths: [ids.count > 1 ? OrgPath.child(of: OrgPath.root(id: ids[0]), id: ids[1]) : summary.path], operatorIDs: [])
        let street = Access.Resource(kind: .orgUnit, paths: [summary.path], operatorIDs: summary.resource.operatorIDs)
        return Model(summary: summary, rooms: roomsByKind, villages: villageList, operatorHistory: history, canEdit: caller.may(.update, summary.resource),
                     canOpenDistrict: caller.may(.read, district), canOpenStreet: caller.may(.read, street),
                     keyPopulation: counts, libraries: libraries, featuredProjects: profile?.featuredProjects ?? false, notice: Saved.notice(req))
    }
}
