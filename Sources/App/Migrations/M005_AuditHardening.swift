import Crypto
import Fluent
import Foundation
import SQLKit

/// Hardening issue, item 1: the audit chain becomes an HMAC with the audit key, and the database
/// itself refuses UPDATE and DELETE on `audit_events`.
///
/// A trail written before this migration is chained with unkeyed SHA-256. It is verified as such
/// first: if it is already broken the upgrade stops and names the row, because re-sealing it would
/// launder the tampering. An intact trail is re-sealed row by row with the HMAC, and an event
/// records that it was (with the old newest hash), so the trail itself says when its hashes changed.
struct M005_AuditHardening: AsyncMigration {
    let auditKey: SymmetricKey

    struct BrokenLegacyChain: Error, CustomStringConvertible {
        let reason: String
        var description: String {
            "升级中止：现有审计链（未加密钥的 SHA-256）校验未通过——\(reason)。已损坏的旧链不会被重新封存；请先查明原因（与备份比对）。"
        }
    }

    func prepare(on db: any Database) async throws {
        try await db.transaction { tx in
            try await reseal(on: tx)
            try await Self.createTriggers(on: tx as! any SQLDatabase)
        }
    }

    /// Drops the triggers only: re-sealed hashes are not turned back into SHA-256.
    func revert(on db: any Database) async throws {
        try await Self.dropTriggers(on: db as! any SQLDatabase)
    }

    private func reseal(on db: any Database) async throws {
        let verdict = try await AuditChain.walk(on: db, hash: AuditChain.legacyHash)
        guard case .intact(let count) = verdict else {
            if case .broken(_, let reason) = verdict { throw BrokenLegacyChain(reason: reason) }
            return
        }
        guard count > 0 else { return }
        var prev = AuditChain.genesis
        var legacyNewest = AuditChain.genesis
        var next = 1
        while next <= count {
            let rows = try await AuditEvent.query(on: db).filter(\.$seq >= next).sort(\.$seq).limit(1000).all()
            if rows.isEmpty { break }
            for row in rows {
                legacyNewest = row.hash
                row.prevHash = prev
                row.hash = AuditChain.hash(of: row, key: auditKey)
                try await row.update(on: db)
                prev = row.hash
                next = row.seq + 1
            }
        }
        let log = AuditLog(db: db, lock: WriteLock(), key: auditKey, actorID: nil, actorName: "系统升级", clientIP: "local")
        let recorder = AuditLog.Recorder(log: log)
        recorder.record(.chainResealed, entityType: "audit_chain", entityID: nil,
                        changes: ["rows": [nil, String(count)], "legacy_sha256_newest": [nil, legacyNewest]])
        try await recorder.flush(on: db)
    }

    static func createTriggers(on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '审计日志只能追加，不能修改或删除（%）', TG_OP;
                END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
                FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
                """).run()
            try await sql.raw("""
                CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
                FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
                """).run()
        } else {
            try await sql.raw("""
                CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
                BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改'); END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
                BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能删除'); END
                """).run()
        }
    }

    static func dropTriggers(on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER audit_events_no_truncate ON audit_events").run()
            try await sql.raw("DROP TRIGGER audit_events_append_only ON audit_events").run()
            try await sql.raw("DROP FUNCTION audit_events_append_only()").run()
        } else {
            try await sql.raw("DROP TRIGGER audit_events_no_update").run()
            try await sql.raw("DROP TRIGGER audit_events_no_delete").run()
        }
    }
}
