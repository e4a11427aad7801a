import Crypto
import NIOConcurrencyHelpers
import Fluent
import SQLKit
import Vapor

/// Appends to the hash-chained audit trail. Every audited change runs through `transaction`, so
/// the change and its events commit together or not at all.
struct AuditLog: Sendable {
    /// Old and new value of each changed field; old is nil on create.
    typealias Changes = [String: [String?]]

    let db: any Database
    let lock: WriteLock
    /// `DataKey.auditKey`: seals each event's hash.
    let key: SymmetricKey
    let actorID: UUID?
    let actorName: String
    let clientIP: String
    /// Stamps each event; the application's clock where there is an application.
    var clock = AppClock()
    /// Called after each commit: with standbys, the writer's next pages read the primary until a
    /// standby has replayed the write (`ReadReplicas`).
    var committed: (@Sendable () -> Void)? = nil

    /// Runs `body` in one transaction; events it records are chained and inserted before commit.
    /// Appends are serialised in-process (and across processes on PostgreSQL by an advisory lock)
    /// because each event's hash depends on the one before it.
    func transaction<T: Sendable>(_ body: @Sendable @escaping (any Database, Recorder) async throws -> T) async throws -> T {
        let result = try await lock.run {
            try await db.transaction { tx in
                if let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" {
                    try await sql.raw("SELECT pg_advisory_xact_lock(7310422)").run()
                }
                let recorder = Recorder(log: self)
                let result = try await body(tx, recorder)
                try await recorder.flush(on: tx)
                return result
            }
        }
        committed?()
        return result
    }

    /// Records a single event in its own transaction (logins, token issue).
    func record(_ action: AuditAction, entityType: String, entityID: String?, changes: Changes, actor: UUID?, actorName: String) async throws {
        try await transaction { _, audit in
            audit.record(action, entityType: entityType, entityID: entityID, changes: changes, actor: actor, actorName: actorName)
        }
    }

    final class Recorder: @unchecked Sendable {
        private let log: AuditLog
        private var pending: [(AuditAction, String, String?, Changes, UUID?, String, String)] = []
        private let mutex = NIOLock()

        init(log: AuditLog) { self.log = log }

        /// `actor`, `actorName` and `clientIP` default to the log's; a group commit
        /// (`VolunteerHoursWriter`) names each request's own.
        func record(_ action: AuditAction, entityType: String, entityID: String?, changes: Changes, actor: UUID? = nil, actorName: String? = nil,
                    clientIP: String? = nil) {
            mutex.withLock {
                pending.append((action, entityType, entityID, changes, actor ?? log.actorID, actorName ?? log.actorName, clientIP ?? log.clientIP))
            }
        }

        /// Records a create (all fields new) or update (only the fields that changed).
        func change(entityType: String, entityID: UUID?, old: [String: String]?, new: [String: String], actor: UUID? = nil, actorName: String? = nil,
                    clientIP: String? = nil) {
            var changes: Changes = [:]
            for (key, value) in new where old?[key] != value {
                changes[key] = [old?[key], value]
            }
            if old != nil && changes.isEmpty { return }
            record(old == nil ? .create : .update, entityType: entityType, entityID: entityID?.uuidString, changes: changes, actor: actor,
                   actorName: actorName, clientIP: clientIP)
        }

        /// The events chained after the newest one and written in one INSERT, with plain SQL: every
        /// write of the application passes here inside the serialised section, so its cost is paid by
        /// each writer waiting in line (bench/volunteers.sh).
        func flush(on db: any Database) async throws {
            let events = mutex.withLock { pending }
            guard !events.isEmpty else { return }
            let sql = db as! any SQLDatabase
            let last = try await sql.raw("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").first()
            var seq = try last?.decode(column: "seq", as: Int.self) ?? 0
            var prev = try last?.decode(column: "hash", as: String.self) ?? AuditChain.genesis
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var insert = BulkInsert(into: AuditEvent.schema, columns: ["id", "seq", "at", "actor_id", "actor_name", "action", "entity_type", "entity_id",
                                                                       "changes", "client_ip", "prev_hash", "hash"])
            for (action, type, id, changes, actor, name, clientIP) in events {
                seq += 1
                let event = AuditEvent()
                event.id = UUID()
                event.seq = seq
                event.at = AuditChain.wholeMilliseconds(log.clock.now)
                event.actorID = actor
                event.actorName = name
                event.action = action
                event.entityType = type
                event.entityID = id
                event.changes = String(decoding: try encoder.encode(changes), as: UTF8.self)
                event.clientIP = clientIP
                event.prevHash = prev
                event.hash = AuditChain.hash(of: event, key: log.key)
                insert.append([.uuid(event.id), .int(event.seq), .date(event.at), .uuid(event.actorID), .text(event.actorName), .text(event.action.rawValue),
                               .text(event.entityType), .text(event.entityID), .text(event.changes), .text(event.clientIP), .text(event.prevHash),
                               .text(event.hash)])
                prev = event.hash
            }
            try await insert.run(on: sql)
        }
    }
}

enum AuditChain {
    static let genesis = String(repeating: "0", count: 64)

    static func wholeMilliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    /// The text an event's hash covers: every field and the previous hash.
    private static func message(of e: AuditEvent) -> Data {
        let millis = Int64((e.at.timeIntervalSince1970 * 1000).rounded())
        let fields = [e.prevHash, String(e.seq), String(millis), e.actorID?.uuidString ?? "", e.actorName,
                      e.action.rawValue, e.entityType, e.entityID ?? "", e.changes, e.clientIP]
        // Unit separator between fields so that no two field lists hash the same text.
        return Data(fields.joined(separator: "\u{1F}").utf8)
    }

    /// HMAC-SHA256 with the audit key: without the key nobody can recompute the chain after an edit.
    static func hash(of e: AuditEvent, key: SymmetricKey) -> String {
        HMAC<SHA256>.authenticationCode(for: message(of: e), using: key).hexString
    }

    /// The unkeyed SHA-256 of chains written before M005; M005 verifies an existing chain with it
    /// before re-sealing it with the key.
    static func legacyHash(of e: AuditEvent) -> String {
        SHA256.hash(data: message(of: e)).hexString
    }

    enum Verdict: Equatable {
        case intact(count: Int)
        case broken(seq: Int, reason: String)
    }

    /// A position in the chain kept outside the database (`shegong audit anchor`), written `SEQ:HASH`.
    /// The chain alone cannot tell that its newest rows were removed; an anchor can.
    struct Anchor: Equatable, CustomStringConvertible {
        let seq: Int
        let hash: String

        init(seq: Int, hash: String) {
            self.seq = seq
            self.hash = hash
        }

        init?(_ text: String) {
            let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let seq = Int(parts[0]), seq >= 0,
                  parts[1].count == 64, parts[1].allSatisfy({ $0.isHexDigit }) else { return nil }
            self.init(seq: seq, hash: parts[1].lowercased())
        }

        var description: String { "\(seq):\(hash)" }
    }

    /// The newest row's anchor; `0:000…` for an empty trail.
    static func anchor(on db: any Database) async throws -> Anchor {
        let last = try await AuditEvent.query(on: db).sort(\.$seq, .descending).first()
        return Anchor(seq: last?.seq ?? 0, hash: last?.hash ?? genesis)
    }

    /// Walks the chain in order of `seq`; the first row that does not follow from its predecessor is
    /// named. With an anchor, the row it names must be there with the anchored hash.
    static func verify(on db: any Database, key: SymmetricKey, anchor: Anchor? = nil, batch: Int = 1000) async throws -> Verdict {
        let verdict = try await walk(on: db, batch: batch) { hash(of: $0, key: key) }
        guard let anchor, case .intact(let count) = verdict else { return verdict }
        if anchor.seq > count {
            return .broken(seq: anchor.seq, reason: "锚点所指的第 \(anchor.seq) 条记录缺失（审计链只有 \(count) 条）：最新的记录可能已被删除")
        }
        let anchored = anchor.seq == 0 ? genesis : try await AuditEvent.query(on: db).filter(\.$seq == anchor.seq).first()?.hash
        if anchored != anchor.hash {
            return .broken(seq: anchor.seq, reason: "第 \(anchor.seq) 条记录的哈希与锚点不符")
        }
        return verdict
    }

    static func walk(on db: any Database, batch: Int = 1000, hash: (AuditEvent) -> String) async throws -> Verdict {
        var expectedSeq = 1
        var prev = genesis
        while true {
            let rows = try await AuditEvent.query(on: db)
                .filter(\.$seq >= expectedSeq)
                .sort(\.$seq).limit(batch).all()
            if rows.isEmpty { return .intact(count: expectedSeq - 1) }
            for row in rows {
                if row.seq != expectedSeq {
                    return .broken(seq: expectedSeq, reason: "第 \(expectedSeq) 条记录缺失（下一条为第 \(row.seq) 条）")
                }
                if row.prevHash != prev {
                    return .broken(seq: row.seq, reason: "第 \(row.seq) 条记录的前序哈希与上一条不符")
                }
                if hash(row) != row.hash {
                    return .broken(seq: row.seq, reason: "第 \(row.seq) 条记录的内容已被改动（哈希不符）")
                }
                prev = row.hash
                expectedSeq += 1
            }
        }
    }
}

/// Serialises writes within this process. SQLite allows one writer at a time and answers BUSY
/// at once instead of waiting, and each audit event's hash depends on the one before it, so
/// every write (audited changes and session records) passes through this lock.
actor WriteLock {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        while busy {
            await withCheckedContinuation { waiters.append($0) }
        }
        busy = true
        defer {
            busy = false
            if !waiters.isEmpty { waiters.removeFirst().resume() }
        }
        return try await body()
    }
}

extension Application {
    private struct WriteLockKey: StorageKey { typealias Value = WriteLock }

    /// Set once in `configure`, before the server accepts requests.
    var writeLock: WriteLock {
        get { storage[WriteLockKey.self]! }
        set { storage[WriteLockKey.self] = newValue }
    }
}

extension Request {
    var audit: AuditLog {
        AuditLog(db: db, lock: application.writeLock, key: application.settings.dataKey.auditKey, actorID: caller?.userID,
                 actorName: caller?.username ?? "匿名", clientIP: clientIP, clock: application.clock,
                 committed: application.noteWrites(by: caller?.userID))
    }

    /// The peer address. Behind a reverse proxy, Vapor's `remoteAddress` is the proxy's; forwarding
    /// headers are not trusted because any client can send them.
    var clientIP: String { remoteAddress?.ipAddress ?? "unknown" }
}
