import Vapor

/// Synchroniser-token CSRF protection for every page form: the token lives in the session and
/// must come back as the `_csrf` field of each POST. The JSON API uses bearer tokens, which a
/// browser never sends on its own, so it needs none.
///
/// It also bounds request bodies: a form is read here, before its route, up to `maxFormBytes`; only
/// a route registered with `upload` takes more, and only from a signed-in caller, so an anonymous
/// client cannot make the server buffer 20 MB.
struct CSRFMiddleware: AsyncMiddleware {
    /// Every form and JSON body but an upload (the longest form, a station's, is a few kilobytes).
    static let maxFormBytes = 1024 * 1024

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let upload = request.route?.userInfo[Upload.key] != nil
        if upload && request.caller == nil { throw Abort(.unauthorized, reason: "请先登录") }
        if request.method == .POST && !request.isAPI {
            let limit = upload ? Upload.maxBytes : Self.maxFormBytes
            if let data = request.body.data {
                // A body that arrived whole (small requests, tests) is held to the same limit.
                if data.readableBytes > limit { throw Abort(.payloadTooLarge, reason: "提交的内容过大") }
            } else {
                _ = try await request.body.collect(max: limit).get()
            }
            let sent = try? request.content.get(String.self, at: "_csrf")
            guard let expected = request.session.data["csrf"], let sent, sent == expected else {
                throw Abort(.forbidden, reason: "表单已过期或来源无效（CSRF 校验失败），请刷新页面后重新提交")
            }
        }
        return try await next.respond(to: request)
    }
}

/// Routes that take a file: at most one evidence file of 20 MB (training records) plus the form's fields.
enum Upload {
    static let maxBytes = 21 * 1024 * 1024
    static let key: AnySendableHashable = "shegong.upload"
}

extension RoutesBuilder {
    /// A POST route accepting an upload of up to `Upload.maxBytes`, read only once the caller is known.
    @discardableResult
    func upload<R: AsyncResponseEncodable>(_ path: PathComponent..., use closure: @Sendable @escaping (Request) async throws -> R) -> Route {
        upload(path, use: closure)
    }

    @discardableResult
    func upload<R: AsyncResponseEncodable>(_ route: some Routable, use closure: @Sendable @escaping (Request) async throws -> R) -> Route {
        upload(route.pathComponents, use: closure)
    }

    @discardableResult
    func upload<R: AsyncResponseEncodable>(_ path: [PathComponent], use closure: @Sendable @escaping (Request) async throws -> R) -> Route {
        let route = on(.POST, path, body: .collect(maxSize: ByteCount(value: Upload.maxBytes)), use: closure)
        route.userInfo[Upload.key] = true
        return route
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
