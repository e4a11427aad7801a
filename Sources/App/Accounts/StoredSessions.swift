import Fluent
import NIOConcurrencyHelpers
import Vapor

/// Sessions stored in the database (they survive a restart), with writes passed through the
/// process's `WriteLock` like every other write.
///
/// Vapor saves the session after every request that has one; an unchanged session is not written
/// again, so reading a page stays a read. Sessions read recently are served from memory for
/// `CallerCache.lifetime`; this process's own changes update that copy at once, and a logout in
/// another process of the same deployment takes effect here within that lifetime.
final class StoredSessions: AsyncSessionDriver, Sendable {
    let inner: any SessionDriver
    let lock: WriteLock
    private let recent = NIOLockedValueBox<[String: (data: SessionData?, at: Date)]>([:])
    private static let maxRemembered = 10_000

    init(inner: any SessionDriver, lock: WriteLock) {
        self.inner = inner
        self.lock = lock
    }

    private struct LoadedKey: StorageKey { typealias Value = SessionData }

    private func remember(_ id: SessionID, _ data: SessionData?) {
        let now = Date()
        recent.withLockedValue { entries in
            if entries.count >= Self.maxRemembered {
                entries = entries.filter { now.timeIntervalSince($0.value.at) < CallerCache.lifetime }
            }
            entries[id.string] = (data, now)
        }
    }

    func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        let id = try await lock.run { try await inner.createSession(data, for: request).get() }
        remember(id, data)
        return id
    }

    func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        let data: SessionData?
        if let hit = recent.withLockedValue({ $0[sessionID.string] }), Date().timeIntervalSince(hit.at) < CallerCache.lifetime {
            data = hit.data
        } else {
            data = try await inner.readSession(sessionID, for: request).get()
            remember(sessionID, data)
        }
        request.storage[LoadedKey.self] = data
        return data
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        if request.storage[LoadedKey.self] == data { return sessionID }
        let id = try await lock.run { try await inner.updateSession(sessionID, to: data, for: request).get() }
        remember(id, data)
        return id
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        try await lock.run { try await inner.deleteSession(sessionID, for: request).get() }
        remember(sessionID, nil)
    }
}
