import Vapor

/// Synchroniser-token CSRF protection for every page form: the token lives in the session and
/// must come back as the `_csrf` field of each POST. The JSON API uses bearer tokens, which a
/// browser never sends on its own, so it needs none.
struct CSRFMiddleware: AsyncMiddleware {
    /// Forms carry at most one evidence file of 20 MB (training records) plus their fields.
    static let maxFormBytes = 21 * 1024 * 1024

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .POST && !request.isAPI {
            // Forms are read here, before the route: collect the body first (uploads up to their limit).
            if request.body.data == nil {
                _ = try await request.body.collect(max: Self.maxFormBytes).get()
            }
            let sent = try? request.content.get(String.self, at: "_csrf")
            guard let expected = request.session.data["csrf"], let sent, sent == expected else {
                throw Abort(.forbidden, reason: "表单已过期或来源无效（CSRF 校验失败），请刷新页面后重新提交")
            }
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    /// The session's CSRF token, created on first use.
    var csrfToken: String {
        if let token = session.data["csrf"] { return token }
        let token = [UInt8].random(count: 24).base64
        session.data["csrf"] = token
        return token
    }
}
