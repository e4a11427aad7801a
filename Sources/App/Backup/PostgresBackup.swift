import Fluent
import Foundation
import Logging
import SQLKit

/// PostgreSQL backups: `pg_dump --format=custom` (one snapshot, taken while the server writes) and
/// the attachments directory, in one tar file. Attachments are content-addressed and never
/// changed or deleted, so copying them after the dump gives every file the dump refers to.
enum PostgresBackup {
    static let dumpName = "shegong.dump"

    static func backup(url: String, to file: String, dataDirectory: String, logger: Logger) async throws -> Backup.Summary {
        let conn = try Connection(url)
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try run(tool("pg_dump"), ["--format=custom", "--no-owner", "--file=\(work)/\(dumpName)", "--dbname=\(conn.uri)"], env: conn.env)
        var summary = try listing(work + "/" + dumpName, conn: conn)
        summary.attachments = try copyAttachments(from: dataDirectory + "/attachments", to: work + "/attachments")
        try run("/bin/tar", ["-cf", file, "-C", work, dumpName, "attachments"], env: [:])
        return summary
    }

    static func restore(_ file: String, url: String, db: any Database, dataDirectory: String, logger: Logger) async throws -> Backup.Summary {
        let conn = try Connection(url)
        let sql = db as! any SQLDatabase
        let existing = try await sql.raw("SELECT count(*) AS n FROM pg_tables WHERE schemaname = current_schema()").first()?.decode(column: "n", as: Int.self) ?? 0
        guard existing == 0 else {
            throw Backup.Failure("数据库 \(conn.database) 中已有 \(existing) 张表：恢复只写入空数据库，不会覆盖现有数据（请新建一个空数据库）")
        }
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        do { try run("/bin/tar", ["-xf", file, "-C", work], env: [:]) } catch {
            throw Backup.Failure("\(file) 不是 PostgreSQL 备份文件（SQLite 的备份请在不设置 DATABASE_URL 时恢复）")
        }
        guard FileManager.default.fileExists(atPath: work + "/" + dumpName) else { throw Backup.Failure("\(file) 中没有数据库转储 \(dumpName)") }
        try run(tool("pg_restore"), ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--dbname=\(conn.uri)", work + "/" + dumpName], env: conn.env)
        var summary = try listing(work + "/" + dumpName, conn: conn)
        for row in try await sql.raw("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").all() {
            let table = try row.decode(column: "tablename", as: String.self)
            summary.rows += try await sql.raw("SELECT count(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        summary.attachments = try copyAttachments(from: work + "/attachments", to: dataDirectory + "/attachments")
        return summary
    }

    /// The tables in the dump, from its table of contents (rows are counted after a restore).
    private static func listing(_ dump: String, conn: Connection) throws -> Backup.Summary {
        let toc = try run(tool("pg_restore"), ["--list", dump], env: conn.env)
        let tables = toc.split(separator: "\n").filter { $0.contains(" TABLE DATA ") }.count
        return Backup.Summary(tables: tables, rows: 0, attachments: 0)
    }

    private static func copyAttachments(from source: String, to target: String) throws -> Int {
        let fm = FileManager.default
        try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
        var count = 0
        for prefix in (try? fm.contentsOfDirectory(atPath: source)) ?? [] {
            try fm.createDirectory(atPath: target + "/" + prefix, withIntermediateDirectories: true)
            for name in try fm.contentsOfDirectory(atPath: source + "/" + prefix) {
                let destination = target + "/" + prefix + "/" + name
                if !fm.fileExists(atPath: destination) { try fm.copyItem(atPath: source + "/" + prefix + "/" + name, toPath: destination) }
                count += 1
            }
        }
        return count
    }

    private static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "shegong-backup-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// pg_dump and pg_restore from PATH, else the newest under /usr/lib/postgresql (Debian).
    static func tool(_ name: String) throws -> String {
        let fm = FileManager.default
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") where fm.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        let versions = ((try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).compactMap(Int.init).sorted()
        if let v = versions.last, fm.isExecutableFile(atPath: "/usr/lib/postgresql/\(v)/bin/\(name)") { return "/usr/lib/postgresql/\(v)/bin/\(name)" }
        throw Backup.Failure("找不到 \(name)：请安装 PostgreSQL 客户端（Debian：apt-get install postgresql-client）")
    }

    /// Runs a tool and returns its standard output; a non-zero exit is an error carrying its messages.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], env: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(env) { _, new in new }
        // Standard error goes to a file so that neither stream can fill a pipe and stall the tool.
        let errPath = NSTemporaryDirectory() + "shegong-tool-" + UUID().uuidString
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = FileManager.default.contents(atPath: errPath) ?? Data()
        guard process.terminationStatus == 0 else {
            throw Backup.Failure("\((executable as NSString).lastPathComponent) 失败（退出码 \(process.terminationStatus)）：\(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// DATABASE_URL in Vapor's form (`postgres://u:p@h:port/db?tlsmode=disable`) as libpq wants it,
    /// with the password passed in the environment rather than on a command line others can read.
    struct Connection {
        let uri: String
        let env: [String: String]
        let database: String

        init(_ url: String) throws {
            guard let c = URLComponents(string: url), let host = c.host else { throw Backup.Failure("DATABASE_URL 无法解析") }
            database = String(c.path.drop { $0 == "/" })
            let tls = c.queryItems?.first { $0.name == "tlsmode" || $0.name == "sslmode" }?.value ?? "disable"
            let sslmode = ["disable": "disable", "prefer": "prefer", "require": "require"][tls] ?? "prefer"
            let user = c.percentEncodedUser.map { $0 + "@" } ?? ""
            uri = "postgresql://\(user)\(host)\(c.port.map { ":\($0)" } ?? "")/\(database)?sslmode=\(sslmode)"
            env = c.password.map { ["PGPASSWORD": $0] } ?? [:]
        }
    }
}
