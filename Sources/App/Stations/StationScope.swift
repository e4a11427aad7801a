import Foundation
import Domain
import Fluent
import SQLKit

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
}
