import Crypto
import Fluent
import Vapor

/// Resolves the caller of every request: a bearer token for `/api/`, the session cookie for pages.
struct CallerMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.isAPI {
            if let bearer = request.headers.bearerAuthorization {
                let cache = request.application.callers
                guard let userID = try await cache.user(forTokenHash: TokenHash.of(bearer.token), on: request.db),
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
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func newToken() -> String {
        [UInt8].random(count: 32).base64.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "=", with: "")
    }
}

/// Password checks with the lockout rule: 5 failures within 15 minutes lock the account for 15 minutes.
enum Login {
    static let maxFailures = 5
    static let window: TimeInterval = 15 * 60
    static let lockDuration: TimeInterval = 15 * 60

    enum Outcome {
        case success(User)
        case failure(message: String, status: HTTPResponseStatus)
    }

    static func attempt(username: String, password: String, on req: Request, now: Date = Date()) async throws -> Outcome {
        let name = username.trimmingCharacters(in: .whitespaces)
        guard let user = try await User.query(on: req.db).filter(\.$username == name).first() else {
            try await req.audit.record(.loginFailure, entityType: "user", entityID: nil, changes: ["username": [nil, name]], actor: nil, actorName: name)
            return .failure(message: "用户名或密码错误", status: .unauthorized)
        }
        if let until = user.lockedUntil, until > now {
            try await req.audit.record(.loginFailure, entityType: "user", entityID: user.id?.uuidString, changes: ["reason": [nil, "locked"]], actor: user.id, actorName: user.username)
            let minutes = Int((until.timeIntervalSince(now) / 60).rounded(.up))
            return .failure(message: "连续登录失败次数过多，账户已锁定，请 \(minutes) 分钟后再试", status: HTTPResponseStatus(statusCode: 423))
        }
        let matches = try await req.password.async.verify(password, created: user.passwordHash)
        if matches && user.active {
            user.failedLogins = 0
            user.failureWindowStart = nil
            user.lockedUntil = nil
            try await req.audit.transaction { db, audit in
                try await user.save(on: db)
                audit.record(.loginSuccess, entityType: "user", entityID: user.id?.uuidString, changes: [:], actor: user.id, actorName: user.username)
            }
            return .success(user)
        }
        if let start = user.failureWindowStart, now.timeIntervalSince(start) <= window {
            user.failedLogins += 1
        } else {
            user.failureWindowStart = now
            user.failedLogins = 1
        }
        if user.failedLogins >= maxFailures {
            user.lockedUntil = now.addingTimeInterval(lockDuration)
        }
        try await req.audit.transaction { db, audit in
            try await user.save(on: db)
            audit.record(.loginFailure, entityType: "user", entityID: user.id?.uuidString,
                                   changes: ["failed_logins": [nil, String(user.failedLogins)]], actor: user.id, actorName: user.username)
        }
        return .failure(message: user.active ? "用户名或密码错误" : "该账户已停用", status: .unauthorized)
    }
}
