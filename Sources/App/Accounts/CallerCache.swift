import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Resolved callers and bearer tokens, kept for a few seconds so that a burst of requests from one
/// user does not reload the same account, assignments and scopes each time. Account changes in
/// this process forget the entry at once; another process sees them within `lifetime`.
final class CallerCache: Sendable {
    static let lifetime: TimeInterval = 10
    private static let fresh = TimeAmount.seconds(Int64(lifetime))

    /// Whether a copy made at `at` may still be used. Caches measure elapsed time on the monotonic
    /// clock, not the application's clock, which tests pin.
    static func isFresh(_ at: NIODeadline) -> Bool { NIODeadline.now() - at < fresh }

    private struct Entry { let caller: Caller?; let at: NIODeadline }
    private struct TokenEntry { let userID: UUID; let expiresAt: Date; let at: NIODeadline }

    private let callers = NIOLockedValueBox<[UUID: Entry]>([:])
    private let tokens = NIOLockedValueBox<[String: TokenEntry]>([:])

    /// The caller for a user id, loading it when absent or stale; nil for an inactive or deleted user.
    func caller(_ userID: UUID, on db: any Database) async throws -> Caller? {
        if let hit = callers.withLockedValue({ $0[userID] }), NIODeadline.now() - hit.at < Self.fresh { return hit.caller }
        var caller: Caller?
        if let user = try await User.find(userID, on: db), user.active {
            caller = try await Caller.load(user, on: db)
        }
        callers.withLockedValue { $0[userID] = Entry(caller: caller, at: .now()) }
        return caller
    }

    /// The user a bearer token belongs to, or nil when unknown, revoked or expired at `now`.
    func user(forTokenHash hash: String, now: Date, on db: any Database) async throws -> UUID? {
        if let hit = tokens.withLockedValue({ $0[hash] }), NIODeadline.now() - hit.at < Self.fresh {
            return hit.expiresAt > now ? hit.userID : nil
        }
        guard let token = try await APIToken.query(on: db).filter(\.$tokenHash == hash).first(), token.expiresAt > now else { return nil }
        tokens.withLockedValue { $0[hash] = TokenEntry(userID: token.$user.id, expiresAt: token.expiresAt, at: .now()) }
        return token.$user.id
    }

    func forget(_ userID: UUID) {
        callers.withLockedValue { _ = $0.removeValue(forKey: userID) }
    }

    /// After tokens were revoked: this process stops accepting them at once.
    func forgetTokens(of userID: UUID) {
        tokens.withLockedValue { $0 = $0.filter { $0.value.userID != userID } }
    }

    func forgetToken(hash: String) {
        tokens.withLockedValue { _ = $0.removeValue(forKey: hash) }
    }
}

extension Application {
    private struct CallerCacheKey: StorageKey { typealias Value = CallerCache }

    /// Set once in `configure`.
    var callers: CallerCache {
        get { storage[CallerCacheKey.self]! }
        set { storage[CallerCacheKey.self] = newValue }
    }
}
