import Fluent
import SQLKit

/// Prefix match on a materialised path that an index can serve on both engines:
/// SQLite's GLOB is case-sensitive and uses the b-tree index (its LIKE does not);
/// PostgreSQL's LIKE uses the `text_pattern_ops` index created in M001.
enum Subtree {
    static func filter<M: Model>(_ group: QueryBuilder<M>, _ field: KeyPath<M, FieldProperty<M, String>>, under prefix: String, on db: any Database) {
        if db is any SQLDatabase, (db as! any SQLDatabase).dialect.name == "sqlite" {
            group.filter(field, .custom(SQLRaw("GLOB")), prefix + "*")
        } else {
            group.filter(field, .custom(SQLRaw("LIKE")), prefix + "%")
        }
    }
}
