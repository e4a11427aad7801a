@testable import App
import Testing
import Vapor
import VaporTesting

/// Hardening issue, item 4: one middleware puts the security headers on every response.
@Suite("Security headers")
struct SecurityHeadersTests {
    static let policy = "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'"

    func expectHeaders(_ res: TestingHTTPResponse, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(res.headers.first(name: "Content-Security-Policy") == Self.policy, "\(what)", sourceLocation: sourceLocation)
        #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(what)", sourceLocation: sourceLocation)
        #expect(res.headers.first(name: "Referrer-Policy") == "same-origin", "\(what)", sourceLocation: sourceLocation)
    }

    @Test func pagesErrorPagesTheLoginPageAndTheAPICarryThem() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            // act and check
            let login = try await browser.get("/login")
            #expect(login.status == .ok)
            expectHeaders(login, "login page")
            _ = try await browser.login("admin")
            let page = try await browser.get("/stations/\(world.id("station:解放路街道"))")
            #expect(page.status == .ok)
            expectHeaders(page, "station page")
            let missing = try await browser.get("/no-such-page")
            #expect(missing.status == .notFound)
            #expect(missing.body.string.contains("未找到"))
            expectHeaders(missing, "404 page")
            let outside = try await browser.get("/stations/\(world.id("station:外街道"))")
            #expect(outside.status == .notFound)
            expectHeaders(outside, "404 for a station outside the scope")
            let token = try await world.token("admin")
            let api = try await world.api(.GET, "/api/v1/me", token: token)
            #expect(api.status == .ok)
            expectHeaders(api, "API response")
            let problem = try await world.api(.GET, "/api/v1/stations/not-a-station", token: token)
            #expect(problem.status == .notFound || problem.status == .badRequest)
            expectHeaders(problem, "API problem")
        }
    }

    /// The policy allows no inline script or style; a view that brings one back would break in the browser.
    @Test func pagesHaveNoInlineScriptOrStyle() async throws {
        try await withApp { world in
            let browser = Browser(world)
            _ = try await browser.login("admin")
            let station = world.id("station:解放路街道")
            for path in ["/", "/org", "/stations", "/stations/\(station)", "/stations/\(station)/edit", "/stations/\(station)/staff",
                         "/stations/\(station)/supervision", "/stations/\(station)/training", "/stations/\(station)/compliance",
                         "/compliance", "/policy", "/calendar", "/users", "/audit", "/account/password", "/no-such-page"] {
                let html = try await browser.get(path).body.string
                #expect(html.contains("</html>"), "\(path)")
                #expect(html.range(of: #"<script|<style|\sstyle=|\son[a-z]+=|javascript:"#, options: [.regularExpression, .caseInsensitive]) == nil, "\(path)")
            }
        }
    }
}
