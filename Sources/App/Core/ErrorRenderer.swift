import FluentKit
import Plot
import Vapor

/// The one error middleware: API requests get `application/problem+json`, pages get a Chinese
/// error page. Server errors are logged and shown without internals.
struct ErrorRenderer: AsyncMiddleware {
    struct Problem: Content {
        var type = "about:blank"
        var title: String
        var status: UInt
        var detail: String
        var errors: [FieldError]?
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let (status, title, detail, fields) = describe(error, request)
            if status.code >= 500 {
                request.logger.report(error: error)
            }
            if request.isAPI {
                let problem = Problem(title: title, status: status.code, detail: detail, errors: fields)
                let response = Response(status: status)
                try response.content.encode(problem, as: .json)
                response.headers.contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
                if status == .unauthorized { response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer") }
                if status == .methodNotAllowed, let allow = (error as? any AbortError)?.headers.first(name: .allow) {
                    response.headers.replaceOrAdd(name: .allow, value: allow)
                }
                return response
            }
            if status == .unauthorized {
                return request.redirect(to: SiteURL.login.relativeURL(["next": request.url.path]))
            }
            // A path no route matches never ran the session middleware: find the signed-in user here,
            // so their 404 page keeps the menu instead of offering to log in.
            var caller = request.caller
            if caller == nil { caller = try? await Self.signedInCaller(request) }
            let page = ErrorPage.View(path: request.url.path, model: .init(status: status.code, title: title, detail: detail), caller: caller).render()
            return page.response(status: status)
        }
    }

    private func describe(_ error: any Error, _ request: Request) -> (HTTPResponseStatus, String, String, [FieldError]?) {
        switch error {
        case let error as AppError:
            return (error.status, error.title, error.fieldErrors.map(\.message).joined(separator: "；"), error.fieldErrors)
        case let error as DecodingError:
            let message = Self.decodingMessage(error)
            // A body that is JSON (or a form) but has a field of the wrong type or a missing field is
            // well-formed: 422 naming the field; a body that cannot be read at all, or a query string
            // (the URL is the request itself), is a 400.
            let wellFormed = message.field != "body" && !Self.bodiless.contains(request.method)
            let status: HTTPResponseStatus = wellFormed ? .unprocessableEntity : .badRequest
            return (status, wellFormed ? "输入有误" : "请求格式错误", message.text, [FieldError(field: message.field, message: message.text)])
        case let db as any DatabaseError where db.isConstraintFailure:
            // A unique index caught what a check inside the write lock should have: still a conflict, never a 500.
            return (.conflict, "与已有数据冲突", "与已有记录冲突（可能是重复提交），请刷新页面后查看", nil)
        case let abort as any AbortError:
            let status = abort.status
            // Vapor's and its libraries' own reasons are English sentences: a reader of this product
            // gets the Chinese one for the status instead (our own reasons are always Chinese).
            let reason = Self.isChinese(abort.reason) ? abort.reason : Self.libraryReason(status)
            return (status, Self.title(for: status), reason, nil)
        default:
            return (.internalServerError, "服务器内部错误", "请稍后再试；如果问题持续，请联系管理员。", nil)
        }
    }

    private static let bodiless: [HTTPMethod] = [.GET, .HEAD, .DELETE, .OPTIONS]

    /// Whether a message is ours (written in Chinese) rather than a library's English sentence.
    static func isChinese(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
    }

    /// A Chinese message for a status raised by Vapor itself, saying what to do.
    static func libraryReason(_ status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400: "请求无法解析：请检查请求体的格式（JSON 或表单）和网址中的参数"
        case 404: "未找到该页面或记录：请检查网址中的编号"
        case 405: "该地址不支持此请求方法"
        case 413: "请求内容过大"
        case 415: "不支持的内容类型：请以 application/json 或表单提交"
        case 422: "请求内容不完整或格式不对：请检查必填字段"
        default: title(for: status)
        }
    }

    private static func signedInCaller(_ request: Request) async throws -> Caller? {
        guard let cookie = request.cookies[request.application.sessions.configuration.cookieName],
              let data = try await request.application.sessionStore.readSession(SessionID(string: cookie.string), for: request),
              let id = data["uid"].flatMap(UUID.init(uuidString:)) else { return nil }
        return try await request.application.callers.caller(id, on: request.db)
    }

    static func title(for status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400: "请求格式错误"
        case 401: "请先登录"
        case 403: "无权进行此操作"
        case 404: "未找到"
        case 405: "不支持的请求方法"
        case 409: "与已有数据冲突"
        case 413: "内容过大"
        case 415: "不支持的内容类型"
        case 422: "输入有误"
        case 423: "账户已锁定"
        case 429: "请求过于频繁"
        default: "出错了"
        }
    }

    /// A Chinese message that names the offending field and what was expected; never the library's English.
    static func decodingMessage(_ error: DecodingError) -> (field: String, text: String) {
        func path(_ context: DecodingError.Context, _ extra: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (extra.map { [$0] } ?? [])
            // Keys arrive converted from snake_case; name them as the client wrote them.
            let joined = keys.map { $0.intValue.map { "[\($0)]" } ?? "." + snakeCase($0.stringValue) }.joined()
            return joined.hasPrefix(".") ? String(joined.dropFirst()) : (joined.isEmpty ? "body" : joined)
        }
        switch error {
        case .typeMismatch(let type, let context):
            let field = path(context)
            if field == "body" { return (field, "请求体应为一个 JSON 对象（{…}），不是\(typeName(type) == "对象" ? "其他类型的值" : "单个值或列表")") }
            return (field, "字段 \(field) 应为\(typeName(type))")
        case .valueNotFound(let type, let context):
            let field = path(context)
            return (field, "字段 \(field) 不能为空（null），应为\(typeName(type))")
        case .keyNotFound(let key, let context):
            let field = path(context, key)
            return (field, "缺少必填字段 \(field)")
        case .dataCorrupted(let context):
            let field = path(context)
            if context.codingPath.isEmpty { return ("body", "请求体不是有效的 JSON（或表单）：请检查括号、引号和逗号") }
            // Our own decoders (a date, an enumeration) explain in Chinese; a library's explanation is English.
            let why = isChinese(context.debugDescription) ? "：" + context.debugDescription : ""
            return (field, "字段 \(field) 的值无效\(why)")
        @unknown default:
            return ("body", "请求体无法解析")
        }
    }

    static func snakeCase(_ key: String) -> String {
        key.reduce(into: "") { out, c in
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Float.Type: "数字"
        case is Int.Type, is Int64.Type, is Int32.Type: "整数"
        case is Bool.Type: "布尔值（true 或 false）"
        case is String.Type: "字符串"
        case is UUID.Type: "编号（UUID 字符串）"
        case is [Any].Type: "列表（[…]）"
        case is [String: Any].Type: "对象（{…}）"
        default:
            // The decoder names the container it wanted: an array or a keyed object.
            String(describing: type).hasPrefix("Array") ? "列表（[…]）" : (String(describing: type).hasPrefix("Dictionary") ? "对象（{…}）" : "对象")
        }
    }
}

extension Request {
    var isAPI: Bool { url.path.hasPrefix("/api/") }
}
