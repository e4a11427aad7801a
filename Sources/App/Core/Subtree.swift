import SQLKit

/// Prefix match on a materialised path that an index can serve on both engines:
/// SQLite's GLOB is case-sensitive and uses the b-tree index (its LIKE does not);
/// PostgreSQL's LIKE uses the `text_pattern_ops` index created in M001.
enum Subtree {
    static func condition(_ column: String, under prefix: String, on sql: any SQLDatabase) -> SQLQueryString {
        sql.dialect.name == "sqlite" ? "\(unsafeRaw: column) GLOB \(bind: prefix + "*")" : "\(unsafeRaw: column) LIKE \(bind: prefix + "%")"
    }
}
