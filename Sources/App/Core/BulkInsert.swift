import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// A multi-row INSERT whose values are bound in each engine's own form (`SQLiteData`,
/// `PostgresBindings`) instead of through `Encodable`. SQLKit's generic binding looks every value's
/// conformances up at run time; in a 100,000-row import that cost more than SQLite's own work
/// (bench/recipients.sh, issue 9 §6). Values are stored as the Fluent drivers store them, so the
/// models read these rows back unchanged: on SQLite a UUID is its upper-case text and a date the
/// seconds since 1970 as a real; on PostgreSQL both are bound in binary.
struct BulkInsert {
    enum Value {
        case text(String)
        case int(Int)
        case uuid(UUID)
        case date(Date)
        case null

        static func text(_ value: String?) -> Value { value.map(Value.text) ?? .null }
        static func int(_ value: Int?) -> Value { value.map(Value.int) ?? .null }
        static func uuid(_ value: UUID?) -> Value { value.map(Value.uuid) ?? .null }
    }

    let table: String
    let columns: [String]
    private(set) var values: [Value] = []

    init(into table: String, columns: [String]) {
        self.table = table
        self.columns = columns
    }

    var isEmpty: Bool { values.isEmpty }

    mutating func append(_ row: [Value]) {
        precondition(row.count == columns.count, "\(table): \(row.count) values for \(columns.count) columns")
        values.append(contentsOf: row)
    }

    /// The statement as one engine takes it. A caller writing many batches makes the next one's
    /// while the database runs this one (`RecipientImporter.write`).
    enum Statement: Sendable {
        case sqlite(String, [SQLiteData])
        case postgres(PostgresQuery)
    }

    func statement(sqlite: Bool) throws -> Statement {
        let rows = values.count / columns.count
        let head = "INSERT INTO \"\(table)\" (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES "
        if sqlite {
            let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            return .sqlite(head + Array(repeating: row, count: rows).joined(separator: ", "), values.map(\.sqlite))
        }
        var text = head
        var binds = PostgresBindings(capacity: values.count)
        for r in 0..<rows {
            text += r == 0 ? "(" : ", ("
            for c in 0..<columns.count {
                let n = r * columns.count + c
                text += c == 0 ? "$\(n + 1)" : ", $\(n + 1)"
                try values[n].bind(into: &binds)
            }
            text += ")"
        }
        return .postgres(PostgresQuery(unsafeSQL: text, binds: binds))
    }

    /// Every row appended, in as few statements as the engines' bind limits allow (SQLite takes
    /// 32,766 values per statement, PostgreSQL 65,535).
    func run(on sql: any SQLDatabase) async throws {
        let rowsPerStatement = max(1, 30_000 / columns.count)
        let sqlite = sql.dialect.name == "sqlite"
        for start in stride(from: 0, to: values.count, by: rowsPerStatement * columns.count) {
            var part = BulkInsert(into: table, columns: columns)
            part.values = Array(values[start..<min(values.count, start + rowsPerStatement * columns.count)])
            try await Self.run(try part.statement(sqlite: sqlite), on: sql)
        }
    }

    static func run(_ statement: Statement, on sql: any SQLDatabase) async throws {
        switch statement {
        case .sqlite(let text, let binds):
            guard let sqlite = sql as? any SQLiteDatabase else { throw Abort(.internalServerError, reason: "数据库不是 SQLite") }
            _ = try await sqlite.query(text, binds)
        case .postgres(let query):
            guard let postgres = sql as? any PostgresDatabase else { throw Abort(.internalServerError, reason: "数据库不是 PostgreSQL") }
            _ = try await postgres.withConnection { connection in
                connection.eventLoop.makeFutureWithTask { _ = try await connection.query(query, logger: sql.logger) }
            }.get()
        }
    }
}

extension BulkInsert.Value {
    var sqlite: SQLiteData {
        switch self {
        case .text(let s): .text(s)
        case .int(let i): .integer(i)
        case .uuid(let u): .text(u.uuidString)
        case .date(let d): .float(d.timeIntervalSince1970)
        case .null: .null
        }
    }

    func bind(into binds: inout PostgresBindings) throws {
        switch self {
        case .text(let s): binds.append(s)
        case .int(let i): binds.append(i)
        case .uuid(let u): binds.append(u)
        case .date(let d): binds.append(d)
        case .null: binds.appendNull()
        }
    }
}
