import Crypto
import Fluent
import NIOConcurrencyHelpers
import Vapor

/// Resolves the caller of every request: a bearer token for `/api/`, the session cookie for pages.
struct CallerMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.isAPI {
            if let bearer = request.headers.bearerAuthorization {
                let cache = request.application.callers
                guard let userID = try await cache.user(forTokenHash: TokenHash.of(bearer.token), now: request.now, on: request.db),
                      let caller = try await cache.caller(userID, on: request.db) else {
                    throw Abort(.unauthorized, reason: "令牌无效或已过期，请重新获取")
                }
                request.caller = caller
            }
        } else if let raw = request.session.data["uid"], let id = UUID(uuidString: raw) {
            if let caller = try await request.application.callers.caller(id, on: request.db) {
                request.caller = caller
            } else {
                request.session.destroy()
            }
        }
        return try await next.respond(to: request)
    }
}

enum TokenHash {
    static func of(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hexString
    }

    static func newToken() -> String {
        [UInt8].random(count: 32).base64.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "=", with: "")
    }
}

/// Password checks with the lockout rule: 5 failures within 15 minutes lock the account for 15 minutes.
///
/// Each attempt is counted inside the write lock before the password is checked, so parallel guesses
/// each see the ones before them and the sixth is refused however fast they come. Every refusal
/// costs one bcrypt verification and gives the same answer, whether the account is unknown, locked,
/// disabled or the password wrong; the audit trail keeps the real reason.
enum Login {
    static let maxFailures = 5
    static let window: TimeInterval = 15 * 60
    static let lockDuration: TimeInterval = 15 * 60
    static let refusal = "用户名或密码错误，或账户暂不可用（连续失败 \(maxFailures) 次将锁定 \(Int(lockDuration / 60)) 分钟）"

    enum Outcome {
        case success(User)
        case refused
    }

    /// What the counted attempt found before the password is checked.
    private enum Gate: Sendable {
        case closed(reason: String)
        case open(userID: UUID, passwordHash: String)
    }

    static func attempt(username: String, password: String, on req: Request) async throws -> Outcome {
        let name = username.trimmingCharacters(in: .whitespaces)
        let now = req.now
        let gate = try await req.audit.transaction { db, audit -> Gate in
            guard let user = try await User.query(on: db).filter(\.$username == name).first() else {
                audit.record(.loginFailure, entityType: "user", entityID: nil, changes: ["username": [nil, name], "reason": [nil, "unknown"]],
                             actor: nil, actorName: name)
                return .closed(reason: "unknown")
            }
            let closed: String? = if let until = user.lockedUntil, until > now { "locked" } else if !user.active { "inactive" } else { nil }
            if let closed {
                audit.record(.loginFailure, entityType: "user", entityID: user.id?.uuidString, changes: ["reason": [nil, closed]],
                             actor: user.id, actorName: user.username)
                return .closed(reason: closed)
            }
            if let start = user.failureWindowStart, now.timeIntervalSince(start) <= window {
                user.failedLogins += 1
            } else {
                user.failureWindowStart = now
                user.failedLogins = 1
            }
            if user.failedLogins >= maxFailures { user.lockedUntil = now.addingTimeInterval(lockDuration) }
            try await user.save(on: db)
            return .open(userID: try user.requireID(), passwordHash: user.passwordHash)
        }
        switch gate {
        case .closed:
            // The same bcrypt work as a real check, so timing does not tell an unknown name from a known one.
            _ = try await req.password.async.verify(password, created: try await dummyHash(req))
            return .refused
        case .open(let userID, let passwordHash):
            let matches = try await req.password.async.verify(password, created: passwordHash)
            return try await req.audit.transaction { db, audit -> Outcome in
                guard let user = try await User.find(userID, on: db) else { return .refused }
                if matches {
                    user.failedLogins = 0
                    user.failureWindowStart = nil
                    user.lockedUntil = nil
                    try await user.save(on: db)
                    audit.record(.loginSuccess, entityType: "user", entityID: userID.uuidString, changes: [:], actor: userID, actorName: user.username)
                    return .success(user)
                }
                audit.record(.loginFailure, entityType: "user", entityID: userID.uuidString,
                             changes: ["reason": [nil, "password"], "failed_logins": [nil, String(user.failedLogins)]], actor: userID, actorName: user.username)
                return .refused
            }
        }
    }

    /// A bcrypt hash at the deployment's cost, made once per process.
    private static func dummyHash(_ req: Request) async throws -> String {
        if let hash = dummy.withLockedValue({ $0[req.application.settings.bcryptCost] }) { return hash }
        let hash = try await req.password.async.hash([UInt8].random(count: 16).base64)
        dummy.withLockedValue { $0[req.application.settings.bcryptCost] = hash }
        return hash
    }

    private static let dummy = NIOLockedValueBox<[Int: String]>([:])
}

/// Where the login form may send the browser afterwards: a path on this site only.
enum LocalRedirect {
    /// `raw` when it is a same-origin relative URL: one leading `/`, no second `/` or `\` after it
    /// (browsers read `/\evil.example` as `//evil.example`), no backslash, whitespace or control
    /// character anywhere (browsers drop tabs and newlines), and no scheme or host when parsed.
    static func path(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), raw.utf8.count <= 2048 else { return "/" }
        if raw.unicodeScalars.contains(where: { $0 == "\\" || $0.properties.isWhitespace || $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }) {
            return "/"
        }
        if raw.dropFirst().hasPrefix("/") { return "/" }
        guard let parsed = URLComponents(string: raw), parsed.scheme == nil, parsed.host == nil, parsed.path.hasPrefix("/") else { return "/" }
        return raw
    }
}
