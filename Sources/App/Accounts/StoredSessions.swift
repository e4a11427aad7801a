import Fluent
import Vapor

/// Sessions stored in the database (they survive a restart), with writes passed through the
/// process's `WriteLock` like every other write.
struct StoredSessions: AsyncSessionDriver {
    let inner: any SessionDriver
    let lock: WriteLock

    func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        try await lock.run { try await inner.createSession(data, for: request).get() }
    }

    func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        try await inner.readSession(sessionID, for: request).get()
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        try await lock.run { try await inner.updateSession(sessionID, to: data, for: request).get() }
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        try await lock.run { try await inner.deleteSession(sessionID, for: request).get() }
    }
}
