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

    /// A station with the names a list or page shows beside it.
    struct Row: Sendable {
        let station: Station
        let district: OrgUnit?
        let street: OrgUnit?
        let operatorOrg: OperatorOrg?
    }

    static func list(_ caller: Caller, _ filter: Filter, on db: any Database) async throws -> (rows: [Row], paging: Paging) {
        let scope = Access.readScope(caller.assignments, .station)
        if scope.isEmpty { return ([], Paging(page: 1, per: filter.per, total: 0)) }
        let query = Station.query(on: db)
        if let district = filter.district { query.filter(\.$districtID == district) }
        if let street = filter.street { query.filter(\.$streetID == street) }
        if let q = filter.q?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            query.filter(\.$name, .custom(SQLRaw("LIKE")), "%" + escapeLike(q) + "%")
        }
        let operatorIDs = scope.operatorIDs.compactMap(UUID.init(uuidString:))
        query.group(.or) { group in
            for prefix in scope.pathPrefixes { Subtree.filter(group, \.$path, under: prefix, on: db) }
            if !operatorIDs.isEmpty { group.filter(\.$operator.$id ~~ operatorIDs) }
        }
        let total = try await query.count()
        let paging = Paging(page: filter.page, per: filter.per, total: total)
        let stations = try await query.sort(\.$name).range(paging.offset..<(paging.offset + paging.per)).all()
        return (try await rows(stations, on: db), paging)
    }

    static func rows(_ stations: [Station], on db: any Database) async throws -> [Row] {
        let unitIDs = Set(stations.flatMap { [$0.districtID, $0.streetID] })
        let units = unitIDs.isEmpty ? [] : try await OrgUnit.query(on: db).filter(\.$id ~~ unitIDs).all()
        let byID = Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0) })
        let opIDs = Set(stations.compactMap { $0.$operator.id })
        let ops = opIDs.isEmpty ? [] : try await OperatorOrg.query(on: db).filter(\.$id ~~ opIDs).all()
        let opByID = Dictionary(uniqueKeysWithValues: ops.map { ($0.id!, $0) })
        return stations.map { Row(station: $0, district: byID[$0.districtID], street: byID[$0.streetID], operatorOrg: $0.$operator.id.flatMap { opByID[$0] }) }
    }

    /// One station, authorised for `action`, with its rooms loaded.
    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> Station {
        guard let id, let station = try await Station.query(on: req.db).filter(\.$id == id).with(\.$rooms).first() else {
            throw Abort(.notFound, reason: "未找到该社工站，或不在您的管辖范围内")
        }
        try req.authorize(action, StationService.resource(station))
        return station
    }

    static func villages(of station: Station, on db: any Database) async throws -> [OrgUnit] {
        try await OrgUnit.query(on: db).filter(\.$parentID == station.streetID).sort(\.$name).all()
    }

    /// Drops LIKE wildcards typed into the search box, so that "%" does not match every station.
    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
    }
}
