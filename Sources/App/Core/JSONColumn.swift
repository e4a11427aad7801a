import Foundation
import SQLKit

/// A correlated subquery's rows as one JSON text column, so that a single query brings a station
/// together with its lists (rooms, staff, records). Each separate query costs a hop to SQLite's
/// thread pool, or a network round trip to PostgreSQL: on the station compliance page, five
/// queries cost more than all the SQL they ran.
///
/// Keys are constants written here; values are SQL expressions over the subquery's rows.
/// Booleans should be written as 0/1 (`CASE WHEN … THEN 1 ELSE 0 END`): the engines spell them
/// differently in JSON.
enum JSONColumn {
    /// `(SELECT [ {key: value, …}, … ] FROM …)`, an empty array when there is no row. The order is the
    /// engine's: sort after decoding (an ORDER BY inside the aggregate cost SQLite 15 % of the page).
    static func array(_ fields: KeyValuePairs<String, SQLQueryString>, from source: SQLQueryString, on sql: any SQLDatabase) -> SQLQueryString {
        isSQLite(sql)
            ? "(SELECT json_group_array(" + object(fields, on: sql) + ") FROM " + source + ")"
            : "(SELECT COALESCE(json_agg(" + object(fields, on: sql) + "), '[]')::text FROM " + source + ")"
    }

    /// `(SELECT {key: value, …} FROM …)` for aggregates only, which always yield one row.
    static func aggregates(_ fields: KeyValuePairs<String, SQLQueryString>, from source: SQLQueryString, on sql: any SQLDatabase) -> SQLQueryString {
        "(SELECT " + object(fields, on: sql) + (isSQLite(sql) ? "" : "::text") + " FROM " + source + ")"
    }

    private static func object(_ fields: KeyValuePairs<String, SQLQueryString>, on sql: any SQLDatabase) -> SQLQueryString {
        let pairs = fields.map { key, value -> SQLQueryString in "'\(unsafeRaw: key)', " + value }
        return "\(unsafeRaw: isSQLite(sql) ? "json_object" : "json_build_object")(" + pairs.joined(separator: ", ") + ")"
    }

    private static func isSQLite(_ sql: any SQLDatabase) -> Bool { sql.dialect.name == "sqlite" }

    /// Reads the JSON columns of a query's rows.
    struct Reader {
        private let decoder = JSONDecoder()

        func decode<T: Decodable>(_ type: T.Type, column: String, of row: any SQLRow) throws -> T {
            try decoder.decode(T.self, from: Data(try row.decode(column: column, as: String.self).utf8))
        }
    }
}
