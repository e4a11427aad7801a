@testable import App
import Domain
import Fluent
import Testing
import VaporTesting

/// The station page reads everything it shows in one statement (`StationShow.query`): what each
/// account sees on it, and that the parts read as JSON columns say what the tables hold.
@Suite("Station page")
struct StationPageTests {
    @Test func everyAccountSeesWhatItsRoleAllowsAndTheListsMatchTheTables() async throws {
        try await withApp { world in
            // setup: one recipient registered in the first village of 解放路街道, a 低保 and 独居老人
            let station = world.id("station:解放路街道")
            _ = try await RecipientTests.register(world, token: try await world.token("worker"))
            let villages = try await StationQueries.villages(ofStreet: world.id("解放路街道"), on: world.app.db)
            let stationRow = try #require(try await Station.find(station, on: world.app.db))
            let path = try #require(try await OrgUnit.find(stationRow.streetID, on: world.app.db)).path
            let recipients = Access.Resource(kind: .recipient, paths: [path], operatorIDs: Set([stationRow.$operator.id?.uuidString].compactMap { $0 }))

            var withoutRecipients: [String] = []
            for username in ["admin", "lixia", "jiefanglu", "worker", "operator", "supervisor", "evaluator"] {
                // act
                let browser = Browser(world)
                _ = try await browser.login(username)
                let page = try await browser.get("/stations/\(station)")
                let html = page.body.string
                let user = try #require(try await User.query(on: world.app.db).filter(\.$username == username).first())
                let readsRecipients = try await Caller.load(user, on: world.app.db).may(.read, recipients)
                if !readsRecipients { withoutRecipients.append(username) }

                // check: the page opens; the key-population library and the four libraries only for a reader of recipients
                #expect(page.status == .ok, "\(username)")
                #expect(html.contains("id=\"key-population\"") == readsRecipients, "\(username)")
                #expect(html.contains("四个资源库（R-1）") == readsRecipients, "\(username)")
                if readsRecipients {
                    #expect(html.contains("在册 1 人"), "\(username)")
                    #expect(html.contains("<td class=\"num\">1</td>"), "\(username): by category and by village")
                    #expect(html.contains("village=\(villages[0].id.uuidString)"), "\(username): the village links to its recipients")
                }
                // every village of the street, in official order, each linked to its page
                let positions = villages.map { html.range(of: "/org/\($0.id)\">\($0.name)</a>")?.lowerBound }
                #expect(positions.allSatisfy { $0 != nil }, "\(username)")
                #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "\(username)")
            }
            // both sides are seen: a supervisor reads the station but not its recipients (no cases assigned)
            #expect(withoutRecipients == ["supervisor"])
        }
    }

    @Test func aStationOutsideTheCallersPlaceIsNotFound() async throws {
        try await withApp { world in
            // setup: 千佛山街道 is another street of the same district as 解放路街道
            let neighbour = world.id("station:千佛山街道")
            let browser = Browser(world)
            _ = try await browser.login("worker")
            // act
            let page = try await browser.get("/stations/\(neighbour)")
            let unknown = try await browser.get("/stations/\(UUID())")
            // check
            #expect(page.status == .notFound)
            #expect(!page.body.string.contains("千佛山街道社会工作服务站"))
            #expect(unknown.status == .notFound)
        }
    }
}
