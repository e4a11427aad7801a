import Vapor

/// Security headers, registered outermost so that error pages and 404s carry them too. Every
/// response gets them; the policy matters for HTML pages (the views have no inline script or style:
/// everything is in /styles.css) and is harmless elsewhere. A response that brings its own policy
/// (an evidence file's sandbox) keeps it.
struct SecurityHeaders: AsyncMiddleware {
    static let pagePolicy = "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        if !response.headers.contains(name: "Content-Security-Policy") {
            response.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.pagePolicy)
        }
        return response
    }
}
