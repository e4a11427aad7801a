import Domain
import Fluent
import SQLKit
import Vapor

/// Scoped station queries shared by the pages and the API.
enum StationQueries {
    struct Filter: Content {
        var district: UUID?
        var street: UUID?
        var q: String?
        var page: Int?
        var per: Int?
    }

    /// A station as lists show it, read in one joined query.
    struct Summary: Sendable {
        let id: UUID
        let name: String
        let streetId: UUID
        let districtId: UUID
        let address: String
        let openedOn: String?
        let outdoorSign: Bool
        let indoorSign: Bool
        let operatorId: UUID?
        let streetName: String
        let districtName: String
        let operatorName: String?
        let operatorCreditCode: String?
        let path: String
        let equipment: [Equipment]
        /// Contract facts (S-6, S-7, S-8), kept by the district or city that buys the service.
        let contractStartedOn: String?
        let annualContractAmount: Double?
        let annualPersonnelBudget: Double?
        /// A demonstration station (示范点): the demonstration-only rules apply; set by the city admin.
        let isDemonstration: Bool

        /// Column by column: the generic row decoder with key conversion costs more than the query.
        init(_ row: any SQLRow) throws {
            id = try row.decode(column: "id", as: UUID.self)
            name = try row.decode(column: "name", as: String.self)
            streetId = try row.decode(column: "street_id", as: UUID.self)
            districtId = try row.decode(column: "district_id", as: UUID.self)
            address = try row.decode(column: "address", as: String.self)
            openedOn = try row.decode(column: "opened_on", as: String?.self)
            outdoorSign = try row.decode(column: "outdoor_sign", as: Bool.self)
            indoorSign = try row.decode(column: "indoor_sign", as: Bool.self)
            operatorId = try row.decode(column: "operator_id", as: UUID?.self)
            streetName = try row.decode(column: "street_name", as: String.self)
            districtName = try row.decode(column: "district_name", as: String.self)
            operatorName = try row.decode(column: "operator_name", as: String?.self)
            operatorCreditCode = try row.decode(column: "operator_credit_code", as: String?.self)
            path = try row.decode(column: "path", as: String.self)
            equipment = try row.decode(column: "equipment", as: String.self).split(separator: ",").compactMap { Equipment(rawValue: String($0)) }
            contractStartedOn = try row.decode(column: "contract_started_on", as: String?.self)
            annualContractAmount = try row.decode(column: "annual_contract_amount", as: Double?.self)
            annualPersonnelBudget = try row.decode(column: "annual_personnel_budget", as: Double?.self)
            isDemonstration = try row.decode(column: "is_demonstration", as: Bool.self)
        }

        var resource: Access.Resource {
            Access.Resource(kind: .station, paths: [path], operatorIDs: Set([operatorId?.uuidString].compactMap { $0 }))
        }
    }

    /// Lists run on every page view of a busy office, so they are one SQL query for the page and
    /// one for the count, without loading models.
    static func list(_ caller: Caller, _ filter: Filter, on db: any Database) async throws -> (rows: [Summary], paging: Paging) {
        guard let scope = StationScope.condition(caller, district: filter.district, on: db) else { return ([], Paging(page: 1, per: filter.per, total: 0)) }
        let sql = db as! any SQLDatabase
        var conditions: [SQLQueryString] = [scope]
        if let street = filter.street { conditions.append("s.street_id = \(bind: street)") }
        if let q = filter.q?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            conditions.append("s.name LIKE \(bind: "%" + escapeLike(q) + "%") ESCAPE '\\'")
        }
        let whereClause = conditions.joined(separator: " AND ")

        // The page and the total in one query; a page past the end has no row to carry the total.
        let requested = Paging(page: filter.page, per: filter.per, total: 0)
        let page: SQLQueryString = " ORDER BY " + PlaceOrder.stations + " LIMIT \(literal: requested.per) OFFSET \(literal: requested.offset)"
        let found = try await sql.raw(summarySelectCounted + " " + whereClause + page).all()
        var total = try found.first?.decode(column: "total", as: Int.self)
        if total == nil {
            total = try await sql.raw("SELECT COUNT(*) AS total FROM stations s WHERE " + whereClause).first()?.decode(column: "total", as: Int.self)
        }
        return (try found.map(Summary.init), Paging(page: filter.page, per: filter.per, total: total ?? 0))
    }

    /// One station's summary, authorised for `action`.
    static func summary(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> Summary {
        try await summary(id, action, with: nil, preparedAs: nil, req: req).summary
    }

    /// The same, with `extra` columns over `s` read in the same statement (the station page reads
    /// everything it shows in one), and the row that has them; on PostgreSQL as `shape`'s prepared statement.
    static func summary(_ id: UUID?, _ action: Access.Action, with extra: SQLQueryString?, preparedAs shape: (any PreparedShape.Type)?,
                        req: Request) async throws -> (summary: Summary, row: any SQLRow) {
        let sql = req.db as! any SQLDatabase
        let columns = extra.map { summaryColumns + ", " + $0 } ?? summaryColumns
        guard let id, let row = try await sql.all("SELECT " + columns + summaryFrom + " s.deleted_at IS NULL AND s.id = \(bind: id)", preparedAs: shape).first else {
            throw Abort(.notFound, reason: "未找到该社工站，或不在您的管辖范围内")
        }
        let summary = try Summary(row)
        try req.authorize(action, summary.resource)
        return (summary, row)
    }

    struct RoomRow: Sendable {
        let kind: RoomKind
        let area: Double
        let shared: Bool
    }

    static func rooms(of stationID: UUID, on db: any Database) async throws -> [RoomKind: RoomRow] {
        let sql = db as! any SQLDatabase
        let rows = try await sql.raw("SELECT kind, area, shared FROM station_rooms WHERE station_id = \(bind: stationID)").all()
        var rooms: [RoomKind: RoomRow] = [:]
        for row in rows {
            let room = RoomRow(kind: try row.decode(column: "kind", as: RoomKind.self), area: try row.decode(column: "area", as: Double.self),
                               shared: try row.decode(column: "shared", as: Bool.self))
            rooms[room.kind] = room
        }
        return rooms
    }

    static let summarySelectCounted: SQLQueryString = "SELECT COUNT(*) OVER () AS total, " + summaryColumns + summaryFrom
    static let summaryColumns: SQLQueryString = """
            s.id, s.name, s.street_id, s.district_id, s.address, s.opened_on, s.outdoor_sign, s.indoor_sign, s.operator_id, s.path, s.equipment,
                   s.contract_started_on, s.annual_contract_amount, s.annual_personnel_budget, s.is_demonstration,
                   st.name AS street_name, d.name AS district_name, o.name AS operator_name, o.credit_code AS operator_credit_code
            """
    static let summaryFrom: SQLQueryString = """

            FROM stations s
            JOIN org_units st ON st.id = s.street_id
            JOIN org_units d ON d.id = s.district_id
            LEFT JOIN operators o ON o.id = s.operator_id
            WHERE
            """

    /// One station, authorised for `action`, with its rooms loaded.
    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> Station {
        guard let id, let station = try await Station.query(on: req.db).filter(\.$id == id).with(\.$rooms).first() else {
            throw Abort(.notFound, reason: "未找到该社工站，或不在您的管辖范围内")
        }
        try req.authorize(action, StationService.resource(station))
        return station
    }

    static func villages(ofStreet streetID: UUID, on db: any Database) async throws -> [OrgQueries.UnitRef] {
        let sql = db as! any SQLDatabase
        return try await sql.raw("""
            SELECT id, name, level, parent_id, path, division_code, village_post, district_kind FROM org_units
            WHERE parent_id = \(bind: streetID) AND deleted_at IS NULL ORDER BY COALESCE(division_code, '~'), name
            """).all().map(OrgQueries.UnitRef.init)
    }

    /// A village or community of a street by its name, and the names to choose from when none has it
    /// (the registration, correction and transfer of recipients name villages as people write them).
    static func village(named name: String, ofStreet streetID: UUID, on db: any Database) async throws -> (id: UUID?, choices: [String]) {
        let villages = try await villages(ofStreet: streetID, on: db)
        return (villages.first { $0.name == name }?.id, villages.map(\.name))
    }

    /// Escapes LIKE wildcards typed into the search box (with `ESCAPE '\'`), so that "%" finds only
    /// names containing "%" instead of every station.
    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}
