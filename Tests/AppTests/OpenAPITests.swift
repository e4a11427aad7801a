@testable import App
import Testing
import Vapor
import VaporTesting

@Suite("OpenAPI")
struct OpenAPITests {
    @Test func documentListsExactlyTheRegisteredAPIRoutes() async throws {
        try await withApp(demo: false) { world in
            // setup: every registered route under /api/v1, as "METHOD /path/{param}"
            let registered = Set(world.app.routes.all.compactMap { route -> String? in
                let path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                return path.hasPrefix("/api/v1/") ? "\(route.method.rawValue) \(path)" : nil
            })
            // act
            let res = try await world.api(.GET, "/api/v1/openapi.json")
            let doc = try res.json()
            // check
            #expect(doc["openapi"] as? String == "3.1.0")
            let paths = doc["paths"] as! [String: [String: Any]]
            let documented = Set(paths.flatMap { path, ops in ops.keys.map { "\($0.uppercased()) \(path)" } })
            #expect(registered == documented, "missing from document: \(registered.subtracting(documented)); not registered: \(documented.subtracting(registered))")
        }
    }
}
