import Domain
import Fluent
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
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

    /// An org unit as lists show it, read without loading models.
    struct UnitRef: Sendable {
        let id: UUID
        let name: String
        let level: OrgLevel
        let parentID: UUID?
        let path: String
        let divisionCode: String?
        let villagePost: VillagePost
        /// For districts: central or new urban (rule S-2).
        let districtKind: DistrictKind?

        init(_ row: any SQLRow) throws {
            id = try row.decode(column: "id", as: UUID.self)
            name = try row.decode(column: "name", as: String.self)
            level = try row.decode(column: "level", as: OrgLevel.self)
            parentID = try row.decode(column: "parent_id", as: UUID?.self)
            path = try row.decode(column: "path", as: String.self)
            divisionCode = try row.decode(column: "division_code", as: String?.self)
            villagePost = try row.decode(column: "village_post", as: VillagePost.self)
            districtKind = try row.decode(column: "district_kind", as: String?.self).flatMap(DistrictKind.init(rawValue:))
        }
    }

    /// The units the caller may read, with optional level and parent filters, in official order:
    /// by division code, functional zones (no code) after, then by name.
    static func list(_ caller: Caller, level: OrgLevel?, parentID: UUID?, on db: any Database) async throws -> [UnitRef] {
        var conditions: [SQLQueryString] = []
        if let level { conditions.append("level = \(bind: level.rawValue)") }
        if let parentID { conditions.append("parent_id = \(bind: parentID)") }
        return try await list(caller, conditions, on: db)
    }

    /// The districts in scope and, when one is chosen, its streets: the station list's two
    /// filters, in one query, remembered for a few seconds because every list view needs them.
    static func districtsAndStreets(_ caller: Caller, district: UUID?, cache: FilterOptions, on db: any Database) async throws -> (districts: [UnitRef], streets: [UnitRef]) {
        let key = caller.assignments.map { "\($0)" }.sorted().joined(separator: "|") + "#" + (district?.uuidString ?? "")
        if let hit = cache.get(key) { return hit }
        let condition: SQLQueryString = district.map { "(level = 'district' OR (level = 'street' AND parent_id = \(bind: $0)))" } ?? "level = 'district'"
        let units = try await list(caller, [condition], on: db)
        let result = (units.filter { $0.level == .district }, units.filter { $0.level == .street })
        cache.put(key, result)
        return result
    }

    /// Units change rarely: this process forgets its copy whenever it changes a unit
    /// (`OrgService`), another process's change shows within `CallerCache.lifetime`.
    final class FilterOptions: Sendable {
        typealias Value = (districts: [UnitRef], streets: [UnitRef])
        private let entries = NIOLockedValueBox<[String: (value: Value, at: NIODeadline)]>([:])

        func get(_ key: String) -> Value? {
            guard let hit = entries.withLockedValue({ $0[key] }), CallerCache.isFresh(hit.at) else { return nil }
            return hit.value
        }

        func put(_ key: String, _ value: Value) {
            entries.withLockedValue { entries in
                if entries.count > 10_000 { entries.removeAll() }
                entries[key] = (value, .now())
            }
        }

        func forgetAll() { entries.withLockedValue { $0.removeAll() } }
    }

    private static func list(_ caller: Caller, _ extra: [SQLQueryString], on db: any Database) async throws -> [UnitRef] {
        let prefixes = try await readablePrefixes(caller, on: db)
        if prefixes.isEmpty { return [] }
        let sql = db as! any SQLDatabase
        var conditions: [SQLQueryString] = ["deleted_at IS NULL"] + extra
        let scopes = prefixes.map { Subtree.condition("path", under: $0, on: sql) }
        conditions.append("(" + scopes.joined(separator: " OR ") + ")")
        let query: SQLQueryString = "SELECT id, name, level, parent_id, path, division_code, village_post, district_kind FROM org_units WHERE "
        let units = try await sql.raw(query + conditions.joined(separator: " AND ")).all().map(UnitRef.init)
        return units.sorted { ($0.divisionCode ?? "~", $0.name) < ($1.divisionCode ?? "~", $1.name) }
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

extension Application {
    private struct FilterOptionsKey: StorageKey { typealias Value = OrgQueries.FilterOptions }

    /// Set once in `configure`.
    var filterOptions: OrgQueries.FilterOptions {
        get { storage[FilterOptionsKey.self]! }
        set { storage[FilterOptionsKey.self] = newValue }
    }
}
