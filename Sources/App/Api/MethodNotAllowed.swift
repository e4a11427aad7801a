import Vapor

/// An API path that exists with other methods answers 405 with an `Allow` header (RFC 9110)
/// instead of the router's 404, so a client calling `DELETE /api/v1/stations/{id}` learns that the
/// resource is there but cannot be deleted.
struct MethodNotAllowed: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let error as any AbortError where error.status == .notFound && request.route == nil && request.isAPI {
            let allowed = Self.methods(for: request.url.path, in: request.application.routes)
            guard !allowed.isEmpty else { throw error }
            throw Abort(.methodNotAllowed, headers: ["Allow": allowed.joined(separator: ", ")],
                        reason: "\(request.url.path) 不支持 \(request.method.rawValue) 方法（可用：\(allowed.joined(separator: "、"))）")
        }
    }

    /// When a parameter route caught a path that another route spells out (`PUT /calendar/working-days`
    /// reaching `PUT /calendar/{year}`): the 405 that path deserves, else nil.
    static func shadowed(_ request: Request) -> Abort? {
        let parts = request.url.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let exact = request.application.routes.all.filter { exactly($0.path, parts) }
        let allowed = Array(Set(exact.map(\.method.rawValue))).sorted()
        guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { return nil }
        return Abort(.methodNotAllowed, headers: ["Allow": allowed.joined(separator: ", ")],
                     reason: "\(request.url.path) 不支持 \(request.method.rawValue) 方法（可用：\(allowed.joined(separator: "、"))）")
    }

    /// The methods registered for a concrete path, in a stable order.
    static func methods(for path: String, in routes: Routes) -> [String] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        // A path spelled out by a route (`/calendar/working-days`) is that resource, not a value of
        // a parameter route beside it (`/calendar/{year}`).
        let exact = routes.all.filter { exactly($0.path, parts) }
        let methods = (exact.isEmpty ? routes.all.filter { matches($0.path, parts) } : exact).map(\.method.rawValue)
        return Array(Set(methods)).sorted()
    }

    private static func exactly(_ pattern: [PathComponent], _ parts: [String]) -> Bool {
        pattern.count == parts.count && zip(pattern, parts).allSatisfy { if case .constant(let t) = $0 { t == $1 } else { false } }
    }

    private static func matches(_ pattern: [PathComponent], _ parts: [String]) -> Bool {
        for (i, component) in pattern.enumerated() {
            switch component {
            case .catchall: return parts.count > i
            case .anything, .parameter: if i >= parts.count { return false }
            case .constant(let text): if i >= parts.count || parts[i] != text { return false }
            }
        }
        return pattern.count == parts.count
    }
}
