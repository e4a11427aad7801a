import Crypto
import Fluent
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// One signed-in browser. The cookie carries a random key; only its SHA-256 is stored, so a copy of
/// the database does not hand out live sessions. `user_id` lets a password change end a user's
/// other sessions with one statement.
final class SessionRow: Model, @unchecked Sendable {
    static let schema = "sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "key_hash") var keyHash: String
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "data") var data: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date

    init() {}
}

/// How long a session lives: it ends after `idle` without a request and, however active, `lifetime`
/// after sign-in (`SHEGONG_SESSION_IDLE_MINUTES`, `SHEGONG_SESSION_MAX_HOURS`).
struct SessionPolicy: Sendable {
    var idle: TimeInterval = 30 * 60
    var lifetime: TimeInterval = 12 * 3600
    /// Activity is written back at most this often, so that reading pages stays (almost) read-only.
    var touchInterval: TimeInterval = 60
}

/// Sessions stored in the database (they survive a restart), with writes passed through the
/// process's `WriteLock` like every other write.
///
/// Vapor saves the session after every request that has one; an unchanged session is not written
/// again. Sessions read recently are served from memory for `CallerCache.lifetime`; this process's
/// own changes update that copy at once, and a logout or password change in another process of the
/// same deployment takes effect here within that lifetime.
final class StoredSessions: AsyncSessionDriver, Sendable {
    private struct Entry {
        var data: SessionData
        var createdAt: Date
        var lastSeenAt: Date
        var cachedAt: NIODeadline
    }

    let db: @Sendable () -> any Database
    let lock: WriteLock
    let clock: AppClock
    let policy: SessionPolicy
    private let recent = NIOLockedValueBox<[String: Entry]>([:])
    private static let maxRemembered = 10_000

    init(db: @escaping @Sendable () -> any Database, lock: WriteLock, clock: AppClock, policy: SessionPolicy) {
        self.db = db
        self.lock = lock
        self.clock = clock
        self.policy = policy
    }

    private struct LoadedKey: StorageKey { typealias Value = SessionData }

    static func hash(_ id: SessionID) -> String {
        SHA256.hash(data: Data(id.string.utf8)).hexString
    }

    private static func encode(_ data: SessionData) throws -> String {
        String(decoding: try JSONEncoder().encode(data), as: UTF8.self)
    }

    private static func userID(_ data: SessionData) -> UUID? { data["uid"].flatMap(UUID.init(uuidString:)) }

    private func remember(_ hash: String, _ entry: Entry?) {
        let now = NIODeadline.now()
        let fresh = TimeAmount.seconds(Int64(CallerCache.lifetime))
        recent.withLockedValue { entries in
            if entries.count >= Self.maxRemembered {
                entries = entries.filter { now - $0.value.cachedAt < fresh }
            }
            entries[hash] = entry
        }
    }

    func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        let id = SessionID(string: TokenHash.newToken())
        let now = clock.now
        let row = SessionRow()
        row.keyHash = Self.hash(id)
        row.userID = Self.userID(data)
        row.data = try Self.encode(data)
        row.createdAt = now
        row.lastSeenAt = now
        try await lock.run { try await row.create(on: db()) }
        remember(row.keyHash, Entry(data: data, createdAt: now, lastSeenAt: now, cachedAt: .now()))
        return id
    }

    func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        let hash = Self.hash(sessionID)
        let fresh = TimeAmount.seconds(Int64(CallerCache.lifetime))
        var entry: Entry
        if let hit = recent.withLockedValue({ $0[hash] }), NIODeadline.now() - hit.cachedAt < fresh {
            entry = hit
        } else if let row = try await SessionRow.query(on: db()).filter(\.$keyHash == hash).first() {
            entry = Entry(data: try JSONDecoder().decode(SessionData.self, from: Data(row.data.utf8)),
                          createdAt: row.createdAt, lastSeenAt: row.lastSeenAt, cachedAt: .now())
            remember(hash, entry)
        } else {
            return nil
        }
        let now = clock.now
        if now.timeIntervalSince(entry.lastSeenAt) > policy.idle || now.timeIntervalSince(entry.createdAt) > policy.lifetime {
            try await lock.run { try await SessionRow.query(on: db()).filter(\.$keyHash == hash).delete() }
            remember(hash, nil)
            return nil
        }
        if now.timeIntervalSince(entry.lastSeenAt) > policy.touchInterval {
            try await lock.run {
                try await SessionRow.query(on: db()).filter(\.$keyHash == hash).set(\.$lastSeenAt, to: now).update()
            }
            entry.lastSeenAt = now
            remember(hash, entry)
        }
        request.storage[LoadedKey.self] = entry.data
        return entry.data
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        if request.storage[LoadedKey.self] == data { return sessionID }
        let hash = Self.hash(sessionID)
        let encoded = try Self.encode(data)
        try await lock.run {
            try await SessionRow.query(on: db()).filter(\.$keyHash == hash)
                .set(\.$data, to: encoded).set(\.$userID, to: Self.userID(data)).update()
        }
        if var entry = recent.withLockedValue({ $0[hash] }) {
            entry.data = data
            remember(hash, entry)
        }
        return sessionID
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        let hash = Self.hash(sessionID)
        try await lock.run { try await SessionRow.query(on: db()).filter(\.$keyHash == hash).delete() }
        remember(hash, nil)
    }

    /// Ends every session of a user but `keep` (the caller's own, after changing their own password),
    /// on `db`, which is the transaction of the change that calls for it.
    func endSessions(of userID: UUID, except keep: SessionID?, on db: any Database) async throws {
        let query = SessionRow.query(on: db).filter(\.$userID == userID)
        if let keep { query.filter(\.$keyHash != Self.hash(keep)) }
        try await query.delete()
        let keepHash = keep.map(Self.hash)
        recent.withLockedValue { entries in
            entries = entries.filter { $0.key == keepHash || Self.userID($0.value.data) != userID }
        }
    }

    /// Deletes sessions that have expired, so the table does not grow without bound (run at sign-in).
    func purgeExpired(on db: any Database) async throws {
        let now = clock.now
        try await SessionRow.query(on: db).group(.or) {
            $0.filter(\.$lastSeenAt < now.addingTimeInterval(-policy.idle)).filter(\.$createdAt < now.addingTimeInterval(-policy.lifetime))
        }.delete()
    }
}

extension Application {
    private struct SessionStoreKey: StorageKey { typealias Value = StoredSessions }

    /// Set once in `configure`.
    var sessionStore: StoredSessions {
        get { storage[SessionStoreKey.self]! }
        set { storage[SessionStoreKey.self] = newValue }
    }
}

extension Request {
    /// Signs the browser in with a fresh session id (no session fixation): the pre-login session is
    /// deleted and the response sets a new cookie holding only `uid`.
    func startSession(for userID: UUID) async throws {
        if let old = session.id { try await application.sessionStore.deleteSession(old, for: self) }
        session.id = nil
        session.data = SessionData()
        session.data["uid"] = userID.uuidString
    }
}
