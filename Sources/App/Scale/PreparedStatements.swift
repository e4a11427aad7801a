import NIOConcurrencyHelpers
import PostgresKit
import PostgresNIO
import SQLKit
import Vapor

/// Statements PostgreSQL plans once per connection (issue 12 §4). A query sent as text is planned
/// afresh every time; the station compliance page's query took about 0.8 ms to plan and 0.4 ms to
/// run. Sent as a named prepared statement (PostgresNIO prepares it on each connection the first time
/// that connection runs it), PostgreSQL plans it for the first executions and then keeps a generic
/// plan when that costs no more.
///
/// A query opts in by naming a `PreparedShape`, one type per query: the type names the statement on
/// the server, and the text is the one the query serialises to. The first text seen for a shape is
/// its statement; a call whose text differs (another condition) is sent as text as before, as is
/// every query on SQLite and every query when prepared statements are turned off.
///
/// Behind pgbouncer in transaction mode before 1.21 (Debian 12 has 1.18) a statement prepared on one
/// server connection is not there on the next: set `SHEGONG_PREPARED_STATEMENTS=off` (README, "Scale
/// out"). pgbouncer 1.21 and later keep them with `max_prepared_statements`.
protocol PreparedShape {}

enum PreparedStatements {
    /// Read once from the environment: it describes the path to the database, the same for the whole process.
    static let enabled = Environment.get("SHEGONG_PREPARED_STATEMENTS") != "off"

    private static let texts = NIOLockedValueBox<[ObjectIdentifier: String]>([:])

    fileprivate static func text<Shape: PreparedShape>(of shape: Shape.Type) -> String {
        texts.withLockedValue { $0[ObjectIdentifier(shape)] } ?? ""
    }

    /// Whether `text` is the shape's statement (the first text seen for it becomes it).
    fileprivate static func claim<Shape: PreparedShape>(_ shape: Shape.Type, text: String) -> Bool {
        texts.withLockedValue { known in
            let key = ObjectIdentifier(shape)
            if known[key] == nil { known[key] = text }
            return known[key] == text
        }
    }

    /// The values a query binds, as PostgreSQL's driver binds them; nil for a kind not handled here
    /// (the query is then sent as text).
    fileprivate static func bindings(_ values: [any Encodable & Sendable]) -> PostgresBindings? {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case let v as UUID: bindings.append(v)
            case let v as String: bindings.append(v)
            case let v as Int: bindings.append(v)
            case let v as Double: bindings.append(v)
            case let v as Bool: bindings.append(v)
            case let v as Date: bindings.append(v)
            default: return nil
            }
        }
        return bindings
    }
}

/// The statement PostgresNIO prepares for a shape.
private struct Prepared<Shape: PreparedShape>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { "shegong." + String(describing: Shape.self) }
    static var sql: String { PreparedStatements.text(of: Shape.self) }
    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

extension SQLDatabase {
    /// `raw(query).all()`, sent on PostgreSQL as the named prepared statement of `shape` (none: as text).
    func all(_ query: SQLQueryString, preparedAs shape: (any PreparedShape.Type)?) async throws -> [any SQLRow] {
        guard let shape, PreparedStatements.enabled, dialect.name == "postgresql" else { return try await raw(query).all() }
        return try await prepared(query, shape)
    }

    private func prepared<Shape: PreparedShape>(_ query: SQLQueryString, _ shape: Shape.Type) async throws -> [any SQLRow] {
        guard let postgres = self as? any PostgresDatabase else { return try await raw(query).all() }
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        guard let bindings = PreparedStatements.bindings(serializer.binds), PreparedStatements.claim(shape, text: serializer.sql) else {
            return try await raw(query).all()
        }
        let logger = self.logger
        return try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                var rows: [any SQLRow] = []
                for try await row in try await connection.execute(Prepared<Shape>(bindings: bindings), logger: logger) { rows.append(row.sql()) }
                return rows
            }
        }.get()
    }
}
