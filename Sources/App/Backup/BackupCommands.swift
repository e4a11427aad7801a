import Fluent
import SQLKit
import Vapor

/// `shegong backup FILE`: a consistent copy of the database and the training attachments it refers
/// to, taken while the server keeps serving. SQLite: `VACUUM INTO` (one read transaction, so the
/// copy is one moment of the database under WAL) with the attachments stored in the copy;
/// PostgreSQL: `pg_dump` (custom format, one snapshot) and the attachments, in a tar file.
///
/// Key material is never put into a backup: a backup that carried its key would expose every
/// sealed phone number to whoever holds the file. The data key (the audit chain's key is derived
/// from it) is backed up separately, and `restore` checks that the key in use opens the restored data
/// and verifies the audit chain.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "where to write the backup; must not exist") var file: String
    }

    var help: String { "Back up the database and attachments (without key files) to FILE" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let file = Backup.absolute(signature.file)
        guard !FileManager.default.fileExists(atPath: file) else {
            throw Backup.Failure("备份文件 \(file) 已存在：请换一个文件名，不会覆盖已有备份")
        }
        let summary = if let url = app.settings.databaseURL {
            try await PostgresBackup.backup(url: url, to: file, dataDirectory: app.settings.dataDirectory, logger: app.logger)
        } else {
            try await SQLiteBackup.backup(app.db, to: file, dataDirectory: app.settings.dataDirectory)
        }
        let rows = app.settings.databaseURL == nil ? "\(summary.rows) 行，" : ""
        context.console.print("已备份：\(summary.tables) 张表，\(rows)\(summary.attachments) 个附件 → \(file)")
        context.console.print("注意：备份不含数据密钥（\(app.settings.dataKeyFile ?? "SHEGONG_DATA_KEY 的值")）。请另行妥善保存；"
            + "没有原密钥，恢复后无法读取加密的个人信息，审计链（其密钥由数据密钥派生）也无法校验。")
    }
}

/// `shegong restore FILE`: into an empty data directory (SQLite) or an empty database (PostgreSQL).
/// Afterwards it checks that the key in use opens the sealed fields and that the audit chain verifies.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "a file written by `shegong backup`") var file: String
    }

    var help: String { "Restore a backup into an empty data directory or database" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let file = Backup.absolute(signature.file)
        guard FileManager.default.fileExists(atPath: file) else { throw Backup.Failure("备份文件 \(file) 不存在") }
        let summary = if let url = app.settings.databaseURL {
            try await PostgresBackup.restore(file, url: url, db: app.db, dataDirectory: app.settings.dataDirectory, logger: app.logger)
        } else {
            try await SQLiteBackup.restore(file, dataDirectory: app.settings.dataDirectory)
        }
        context.console.print("已恢复：\(summary.tables) 张表，\(summary.rows) 行，\(summary.attachments) 个附件。")

        switch try await KeyCheck.run(app.settings.dataKey, on: app.db) {
        case .opened(let count):
            context.console.print("密钥核对：当前密钥能解密恢复的加密字段（抽查 \(count) 条）。")
        case .nothingSealed:
            context.console.print("密钥核对：备份中没有加密字段，无从核对；请确认已放回原数据目录的密钥文件。")
        case .wrongKey:
            if app.settings.databaseURL == nil { SQLiteBackup.removeRestored(dataDirectory: app.settings.dataDirectory) }
            throw Backup.Failure("当前密钥无法解密恢复的数据：请把备份时数据目录中的 data.key 复制到 \(app.settings.dataDirectory)（或设置原来的 SHEGONG_DATA_KEY）"
                + (app.settings.databaseURL == nil ? "，再重新运行 restore（本次恢复的数据库已删除）。" : "；数据已恢复，放回原密钥后即可使用。"))
        }
        switch try await AuditChain.verify(on: app.db, key: app.settings.dataKey.auditKey) {
        case .intact(let count):
            context.console.print("审计链完整：共 \(count) 条记录。")
        case .broken(let seq, let reason):
            context.console.error("审计链校验未通过：\(reason)。请确认使用的是备份时的数据密钥（审计链的密钥由它派生）。")
            throw AuditCommand.AuditBroken(seq: seq)
        }
    }
}

enum Backup {
    struct Summary {
        var tables = 0
        var rows = 0
        var attachments = 0
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ message: String) { description = message }
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Where an attachment with this SHA-256 lives under the data directory (see `RecordsService.storeAttachment`).
    static func attachmentPath(_ sha256: String, dataDirectory: String) -> String {
        dataDirectory + "/attachments/" + sha256.prefix(2) + "/" + sha256
    }
}
