import Foundation
import Domain
import Fluent
import SQLKit
import Vapor

/// The one SQL filter for "the stations a caller may see", used by every list that selects stations
/// (station lists, the compliance matrix, deadline units, A-5 handovers). Domain/Access decides the
/// scope (`Access.readScope`); this only turns it into a condition on the stations alias `s`:
/// not deleted, and under one of the scope's paths or run by one of its operators.
enum StationScope {
    /// The stations the caller may read, optionally one district's; nil when the caller may read none.
    static func condition(_ caller: Caller, district: UUID? = nil, on db: any Database) -> SQLQueryString? {
        guard var result = Self.condition(Access.readScope(caller.assignments, .station), on: db) else { return nil }
        if let district { result = result + " AND s.district_id = \(bind: district)" }
        return result
    }

    /// The stations in a read scope. `operatorColumn` names the operator that gives an operator's staff
    /// their view: the station's current operator, or the operator of a period that has ended.
    static func condition(_ scope: Access.ReadScope, operatorColumn: String = "s.operator_id", on db: any Database) -> SQLQueryString? {
        if scope.isEmpty { return nil }
        let sql = db as! any SQLDatabase
        var scopes = scope.pathPrefixes.map { Subtree.condition("s.path", under: $0, on: sql) }
        let operatorIDs = scope.operatorIDs.compactMap(UUID.init(uuidString:))
        if !operatorIDs.isEmpty { scopes.append("\(unsafeRaw: operatorColumn) IN (\(binds: operatorIDs))") }
        if scopes.isEmpty { return nil }
        let condition: SQLQueryString = "s.deleted_at IS NULL AND (" + scopes.joined(separator: " OR ") + ")"
        return condition
    }

    /// A station's records of a kind (recipients, cases, visits): where the station is, kept by its operator.
    static func resource(_ station: Station, _ kind: Access.Kind) -> Access.Resource {
        resource(StationRef(station), kind)
    }

    static func resource(_ station: StationRef, _ kind: Access.Kind) -> Access.Resource {
        Access.Resource(kind: kind, paths: [station.path], operatorIDs: Set([station.operatorID?.uuidString].compactMap { $0 }))
    }

    /// The stations where the caller may create records of a kind (a form's choice).
    static func stationsForCreate(_ caller: Caller, kind: Access.Kind, on db: any Database) async throws -> [Station] {
        // A city's admin would otherwise load every station of the city on each list page, to keep none.
        guard Access.mayAny(caller.assignments, .create, kind), let condition = condition(caller, on: db) else { return [] }
        let ids = try await (db as! any SQLDatabase).raw("SELECT s.id FROM stations s WHERE " + condition + " ORDER BY s.name").all()
            .map { try $0.decode(column: "id", as: UUID.self) }
        if ids.isEmpty { return [] }
        return try await Station.query(on: db).filter(\.$id ~~ ids).sort(\.$name).all().filter { caller.may(.create, resource($0, kind)) }
    }

    /// The station a new record goes to: the one asked for (404 outside the caller's scope, 403 where
    /// the caller only reads), or the caller's only one. `label` is the act (登记, 开案) for the message.
    static func stationForCreate(_ id: UUID?, kind: Access.Kind, label: String, req: Request) async throws -> Station {
        let caller = try req.requireCaller()
        if let id {
            guard let station = try await Station.find(id, on: req.db), station.deletedAt == nil else {
                throw AppError.field("station_id", "社工站不存在，或不在您的管辖范围内", status: .notFound)
            }
            try req.authorize(.create, resource(station, kind))
            return station
        }
        guard Access.mayAny(caller.assignments, .create, kind) else { throw Abort(.forbidden, reason: "您的角色无权\(label)") }
        let choices = try await stationsForCreate(caller, kind: kind, on: req.db)
        guard choices.count == 1 else { throw AppError.field("station_id", "请选择\(label)到哪个社工站") }
        return choices[0]
    }

    /// `stationForCreate` for a write that needs only where the station is and who runs it (a busy
    /// write path: the station read in one SQL query, not as a model).
    static func stationRefForCreate(_ id: UUID?, kind: Access.Kind, label: String, req: Request) async throws -> StationRef {
        guard let id else { return StationRef(try await stationForCreate(nil, kind: kind, label: label, req: req)) }
        guard let station = try await StationRef.find(id, on: req.db) else {
            throw AppError.field("station_id", "社工站不存在，或不在您的管辖范围内", status: .notFound)
        }
        try req.authorize(.create, resource(station, kind))
        return station
    }
}

/// What a write needs of a station: where it is (scope checks, and the city and path its rows are
/// stamped with) and who runs it. Read with plain SQL: on the busiest write, recording volunteer hours
/// (bench/volunteers.sh), loading whole `Station` models through Fluent's reflection was the largest
/// single cost.
struct StationRef: Sendable, Equatable {
    var id: UUID
    var cityID: UUID
    var path: String
    var operatorID: UUID?

    init(id: UUID, cityID: UUID, path: String, operatorID: UUID?) {
        self.id = id
        self.cityID = cityID
        self.path = path
        self.operatorID = operatorID
    }

    init(_ station: Station) {
        self.init(id: station.id!, cityID: station.cityID, path: station.path, operatorID: station.$operator.id)
    }

    /// The columns `init(row:)` reads, of the stations alias `s`.
    static let columns: SQLQueryString = "s.id AS station_id, s.city_id AS station_city_id, s.path AS station_path, s.operator_id AS station_operator_id"

    init(row: any SQLRow) throws {
        self.init(id: try row.decode(column: "station_id", as: UUID.self), cityID: try row.decode(column: "station_city_id", as: UUID.self),
                  path: try row.decode(column: "station_path", as: String.self), operatorID: try row.decode(column: "station_operator_id", as: UUID?.self))
    }

    /// A station that has not been deleted.
    static func find(_ id: UUID, on db: any Database) async throws -> StationRef? {
        try await (db as! any SQLDatabase).raw("SELECT " + columns + " FROM stations s WHERE s.id = \(bind: id) AND s.deleted_at IS NULL")
            .first().map { try StationRef(row: $0) }
    }
}
