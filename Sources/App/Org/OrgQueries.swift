import Domain
import Fluent
import Vapor

/// Access descriptions and scoped queries for org units.
enum OrgQueries {
    /// Operators reach the units of the streets whose station they run, and everything below.
    static func resource(for unit: OrgUnit, on db: any Database) async throws -> Access.Resource {
        var operators: Set<String> = []
        let lineage = unit.lineageIDs
        if unit.level >= .street, lineage.count > 2,
           let station = try await Station.query(on: db).filter(\.$streetID == lineage[2]).first(),
           let op = station.$operator.id {
            operators.insert(op.uuidString)
        }
        return Access.Resource(kind: .orgUnit, paths: [unit.path], operatorIDs: operators)
    }

    /// Path prefixes the caller may read org units under; operator scopes become their stations' streets.
    static func readablePrefixes(_ caller: Caller, on db: any Database) async throws -> [String] {
        let scope = Access.readScope(caller.assignments, .orgUnit)
        var prefixes = scope.pathPrefixes
        let operatorIDs = scope.operatorIDs.compactMap(UUID.init(uuidString:))
        if !operatorIDs.isEmpty {
            prefixes += try await Station.query(on: db).filter(\.$operator.$id ~~ operatorIDs).all().map(\.path)
        }
        return prefixes
    }

    /// The units the caller may read, with optional level and parent filters.
    static func list(_ caller: Caller, level: OrgLevel?, parentID: UUID?, on db: any Database) async throws -> [OrgUnit] {
        let prefixes = try await readablePrefixes(caller, on: db)
        if prefixes.isEmpty { return [] }
        let query = OrgUnit.query(on: db)
        if let level { query.filter(\.$level == level) }
        if let parentID { query.filter(\.$parentID == parentID) }
        query.group(.or) { group in
            for prefix in prefixes { Subtree.filter(group, \.$path, under: prefix, on: db) }
        }
        // Official order: by division code, functional zones (no code) after, then by name.
        return try await query.all().sorted { ($0.divisionCode ?? "~", $0.name) < ($1.divisionCode ?? "~", $1.name) }
    }

    /// The highest units of the caller's scopes: where browsing the tree starts.
    static func roots(_ caller: Caller, on db: any Database) async throws -> [OrgUnit] {
        let prefixes = try await readablePrefixes(caller, on: db)
        let ids = Set(prefixes.compactMap { OrgPath.ids($0).last }.compactMap(UUID.init(uuidString:)))
        let units = try await OrgUnit.query(on: db).filter(\.$id ~~ ids).all()
        // Drop a root that lies inside another root.
        return units.filter { unit in !units.contains { $0.id != unit.id && OrgPath.contains($0.path, unit.path) } }
            .sorted { $0.path < $1.path }
    }

    static func ancestors(of unit: OrgUnit, on db: any Database) async throws -> [OrgUnit] {
        let ids = unit.lineageIDs.dropLast()
        if ids.isEmpty { return [] }
        return try await OrgUnit.query(on: db).filter(\.$id ~~ Array(ids)).all().sorted { $0.level < $1.level }
    }
}
