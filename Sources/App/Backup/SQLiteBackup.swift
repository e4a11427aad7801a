import Crypto
import Fluent
import Foundation
import SQLiteNIO
import SQLKit

/// SQLite backups are SQLite files: `VACUUM INTO` writes a compact copy from one read transaction,
/// which under WAL sees one committed moment of the database while the server goes on writing.
/// The attachments the copy refers to are then stored in it, in `shegong_backup_files`, so that the
/// backup is one file; `restore` writes them back under the data directory and drops the table.
enum SQLiteBackup {
    static let filesTable = "shegong_backup_files"
    static let databaseName = "shegong.sqlite"

    static func backup(_ db: any Database, to file: String, dataDirectory: String) async throws -> Backup.Summary {
        let sql = db as! any SQLDatabase
        try await sql.raw("VACUUM INTO \(bind: file)").run()
        let copy = try await SQLiteConnection.open(storage: .file(path: file))
        do {
            var summary = try await count(copy)
            _ = try await copy.query("CREATE TABLE \(filesTable) (sha256 TEXT PRIMARY KEY, content BLOB NOT NULL)")
            let referenced = try await copy.query("SELECT DISTINCT sha256 FROM attachments").compactMap { $0.column("sha256")?.string }
            for sha in referenced {
                let path = Backup.attachmentPath(sha, dataDirectory: dataDirectory)
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw Backup.Failure("附件 \(path) 缺失：数据库引用了它，备份中止（请检查数据目录）")
                }
                _ = try await copy.query("INSERT INTO \(filesTable) (sha256, content) VALUES (?, ?)", [.text(sha), .blob(.init(bytes: data))])
                summary.attachments += 1
            }
            try await copy.close()
            return summary
        } catch {
            try? await copy.close()
            try? FileManager.default.removeItem(atPath: file)
            throw error
        }
    }

    static func restore(_ file: String, dataDirectory: String) async throws -> Backup.Summary {
        let target = dataDirectory + "/" + databaseName
        for suffix in ["", "-wal"] {
            if let size = (try? FileManager.default.attributesOfItem(atPath: target + suffix))?[.size] as? Int, size > 0 {
                throw Backup.Failure("数据目录 \(dataDirectory) 中已有数据库 \(databaseName)：恢复只写入空的数据目录，不会覆盖现有数据")
            }
        }
        guard let head = FileHandle(forReadingAtPath: file)?.readData(ofLength: 16), head == Data("SQLite format 3\0".utf8) else {
            throw Backup.Failure("\(file) 不是 SQLite 备份文件（PostgreSQL 的备份请在设置 DATABASE_URL 后恢复）")
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        // Work on a copy beside the target and rename it into place at the end, so that an
        // interrupted restore leaves no half-restored database under the real name.
        let temporary = target + ".restoring"
        try? FileManager.default.removeItem(atPath: temporary)
        try FileManager.default.copyItem(atPath: file, toPath: temporary)
        let conn = try await SQLiteConnection.open(storage: .file(path: temporary))
        var summary = Backup.Summary()
        do {
            let check = try await conn.query("PRAGMA integrity_check").first?.columns.first?.data.string
            guard check == "ok" else { throw Backup.Failure("备份文件已损坏（integrity_check：\(check ?? "无结果")）") }
            let tables = try await tableNames(conn)
            guard tables.contains("_fluent_migrations") else { throw Backup.Failure("\(file) 不是 Shegong 的备份（没有迁移记录表）") }
            if tables.contains(filesTable) {
                for row in try await conn.query("SELECT sha256, content FROM \(filesTable)") {
                    guard let sha = row.column("sha256")?.string, let blob = row.column("content")?.blob else { continue }
                    let data = Data(buffer: blob)
                    guard SHA256.hash(data: data).hexString == sha else {
                        throw Backup.Failure("备份中的附件 \(sha) 内容与其哈希不符")
                    }
                    let path = Backup.attachmentPath(sha, dataDirectory: dataDirectory)
                    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    if !FileManager.default.fileExists(atPath: path) {
                        guard FileManager.default.createFile(atPath: path, contents: data) else { throw Backup.Failure("无法写入附件 \(path)") }
                    }
                    summary.attachments += 1
                }
                _ = try await conn.query("DROP TABLE \(filesTable)")
                _ = try await conn.query("VACUUM")
            }
            let counted = try await count(conn)
            summary.tables = counted.tables
            summary.rows = counted.rows
            try await conn.close()
        } catch {
            try? await conn.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        try FileManager.default.moveItem(atPath: temporary, toPath: target)
        return summary
    }

    /// After a refused restore (wrong key): the database goes, so that the restore can be run again.
    static func removeRestored(dataDirectory: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dataDirectory + "/" + databaseName + suffix) }
    }

    static func tableNames(_ conn: SQLiteConnection) async throws -> [String] {
        try await conn.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .compactMap { $0.column("name")?.string }
    }

    static func count(_ conn: SQLiteConnection) async throws -> Backup.Summary {
        var summary = Backup.Summary()
        for table in try await tableNames(conn) where table != filesTable {
            summary.tables += 1
            summary.rows += Int(try await conn.query("SELECT count(*) AS n FROM \"\(table)\"").first?.column("n")?.integer ?? 0)
        }
        return summary
    }
}
