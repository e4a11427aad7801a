@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 8 §6: a route is written once (`ApiRoute`, `SiteURL`); registration, links and the OpenAPI
/// document's paths derive from it. (That the registered /api/v1 routes and the document's paths are
/// the same set is `OpenAPITests.documentListsExactlyTheRegisteredAPIRoutes`.)
@Suite("Routes written once")
struct RouteTests {
    @Test func oneCaseGivesRegistrationLinkAndDocumentPath() {
        // setup
        let id = UUID()
        // act
        let route = ApiRoute.stationCompliance(.key)
        let link = ApiRoute.stationCompliance(.value(id)).relativeURL(["year": "2025", "district": nil])
        // check
        #expect(route.pathComponents.map(\.description) == ["api", "v1", "stations", ":id", "compliance"])
        #expect(route.openAPIPath == "/api/v1/stations/{id}/compliance")
        #expect(link == "/api/v1/stations/\(id)/compliance?year=2025")
        #expect(ApiRoute.calendarYear(.value(2026)).relativeURL() == "/api/v1/calendar/2026")
        #expect(SiteURL.home.relativeURL() == "/" && SiteURL.home.pathComponents.isEmpty)
        #expect(SiteURL.trainingEvidence(.value(id)).relativeURL(["inline": "1"]) == "/training-records/\(id)/evidence?inline=1")
        #expect(SiteURL.stationStaff(.value(id)).relativeURL(["q": "a&b=c"]) == "/stations/\(id)/staff?q=a%26b%3Dc", "query values are escaped")
    }

    @Test func everyDocumentedOperationIsRegisteredUnderItsRoute() async throws {
        try await withApp(demo: false) { world in
            // setup: the registered routes as "METHOD a/b/:id"
            let registered = Set(world.app.routes.all.map { "\($0.method.rawValue) \($0.path.map(\.description).joined(separator: "/"))" })
            // act + check: each operation's path, turned back into path components, is a registered route
            for op in OpenAPI.operations {
                let components = op.path.split(separator: "/").map { $0.hasPrefix("{") ? ":" + $0.dropFirst().dropLast() : String($0) }
                #expect(registered.contains("\(op.method.rawValue) \(components.joined(separator: "/"))"), "\(op.method.rawValue) \(op.path)")
            }
        }
    }

    @Test func everyLinkOnThePagesRoutedBySiteURLReachesARegisteredRoute() async throws {
        try await withApp { world in
            // setup
            let station = world.id("station:解放路街道")
            let worker = try #require(try await WorkerAssignment.at(station, on: world.app.db).first()).personID
            let routes = world.app.routes.all.map { $0.path }
            func registered(_ path: String) -> Bool {
                let parts = path.split(separator: "?")[0].split(separator: "/").map(String.init)
                return routes.contains { route in
                    route.count == parts.count && zip(route, parts).allSatisfy { component, part in
                        switch component {
                        case .constant(let text): text == part
                        case .parameter: true
                        default: false
                        }
                    }
                }
            }
            var links: Set<String> = []
            // act: the pages whose routes and links come from SiteURL, each as a role that sees its forms
            let pages: [(String, [SiteURL])] = [
                ("operator", [.stationStaff(.value(station)), .stationSupervision(.value(station)), .stationTraining(.value(station)), .worker(.value(worker))]),
                ("admin", [.org, .orgUnit(.value(world.id("历下区"))), .operators, .users, .usersNew, .user(.value(world.id("user:lixia"))), .accountPassword]),
            ]
            for (username, urls) in pages {
                let browser = Browser(world)
                _ = try await browser.login(username)
                for page in urls {
                    let res = try await browser.get(page.relativeURL())
                    #expect(res.status == .ok, "\(page.relativeURL())")
                    let html = res.body.string
                    let regex = try NSRegularExpression(pattern: #"(?:href|action)="(/[^"]*)""#)
                    for match in regex.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
                        links.insert(String(html[Range(match.range(at: 1), in: html)!]).replacingOccurrences(of: "&amp;", with: "&"))
                    }
                }
            }
            // check
            #expect(links.contains(SiteURL.stationTraining(.value(station)).relativeURL()))
            #expect(links.contains(SiteURL.workerAssign(.value(worker)).relativeURL()))
            #expect(links.contains(SiteURL.orgUnitChildren(.value(world.id("历下区"))).relativeURL()))
            #expect(links.contains(SiteURL.userSignOut(.value(world.id("user:lixia"))).relativeURL()))
            for link in links where !link.hasPrefix("/static") {
                #expect(registered(link), "a link to no route: \(link)")
            }
        }
    }
}
