@testable import App
import Domain
import Foundation
import Testing
import Vapor
import VaporTesting

/// Rule R-2's coverage page and API (issue 11 §3): each village of a place with its social-work post
/// and the year's services that reached it.
struct CoverageTests {
    @Test func aVillageIsReachedByAServiceToAResidentOrAnEventHeldThere() async throws {
        try await withApp { world in
            // setup: a home visit to a resident of the street's first village, an event in its second
            let token = try await world.token("worker")
            let villages = try await StationQueries.villages(ofStreet: world.id("解放路街道"), on: world.app.db)
            let person = try await RecipientTests.register(world, token: token)
            #expect(try await world.api(.POST, "/api/v1/visits", token: token, json: VisitsAndCasePagesTests.visit(person)).status == .created)
            var event = try await CommunityWorkTests.event(world)
            event["place_id"] = villages[1].id.uuidString
            #expect(try await world.api(.POST, "/api/v1/community-events", token: token, json: event).status == .created)
            // and a registered volunteer team in the third village (R-2: a post or a team)
            let team = try await world.api(.POST, "/api/v1/volunteer-teams", token: token, json: [
                "village": villages[2].name, "name": "\(villages[2].name)志愿服务队", "national_registration": "T370102202600001"])
            #expect(team.status == .created, "\(team.body.string)")
            let year = Day(Date()).adding(days: -4).year
            let visitYear = Day(Date()).adding(days: -3).year
            // act
            let own = try await world.api(.GET, "/api/v1/coverage?year=\(year)", token: token)
            // check: the worker's own station's street, every village listed, two reached
            #expect(own.status == .ok, "\(own.body.string)")
            let body = try own.json()
            let rows = body["villages"] as! [[String: Any]]
            #expect(rows.map { $0["name"] as? String } == villages.map(\.name))
            let first = rows.first { $0["id"] as? String == villages[0].id.uuidString }!
            let second = rows.first { $0["id"] as? String == villages[1].id.uuidString }!
            #expect((first["services"] as? [String: Int])?["home_visit"] == (visitYear == year ? 1 : nil))
            #expect((second["services"] as? [String: Int]) == ["community_event": 1])
            #expect(rows.dropFirst(2).allSatisfy { $0["reached"] as? Bool == false })
            let counts = body["counts"] as! [String: Int]
            #expect(counts["villages"] == villages.count && counts["reached"] == (visitYear == year ? 2 : 1))
            #expect(counts["with_post"] == villages.filter { $0.villagePost != .none }.count)
            #expect(counts["covered"] == rows.filter { $0["reached"] as? Bool == true && $0["has_post_or_team"] as? Bool == true }.count)
            let third = rows.first { $0["id"] as? String == villages[2].id.uuidString }!
            #expect(third["team"] as? String == "\(villages[2].name)志愿服务队" && third["team_registered"] as? Bool == true)
            #expect(third["has_post_or_team"] as? Bool == true)
            #expect(counts["with_team"] == 1)
            try await DashboardTests.expectTotalsEqualARecount(world)
        }
    }

    @Test func theDistrictSeesEveryStreetsVillagesAndAnotherStreetIsNotFound() async throws {
        try await withApp { world in
            // setup: a street officer of 千佛山街道 (the same district as 解放路街道)
            let user = User(username: "qianfoshan", displayName: "千佛山街道 周", passwordHash: try world.app.password.hash(TestWorld.password))
            try await user.create(on: world.app.db)
            try await RoleAssignment(userID: user.id!, role: .streetOfficer, unitID: world.id("千佛山街道"), operatorID: nil).create(on: world.app.db)
            var expected = 0
            for street in ["解放路街道", "千佛山街道", "趵突泉街道"] {
                expected += try await StationQueries.villages(ofStreet: world.id(street), on: world.app.db).count
            }
            // act
            let district = try await world.api(.GET, "/api/v1/coverage?unit=\(world.id("历下区"))", token: try await world.token("lixia"))
            let browser = Browser(world)
            _ = try await browser.login("lixia")
            let page = try await browser.get("/coverage?unit=\(world.id("历下区"))")
            // check
            #expect(district.status == .ok)
            #expect((try district.json()["villages"] as! [[String: Any]]).count == expected)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("历下区村居覆盖") && page.body.string.contains("coverage-uncovered"))
            // refusals: another street of the same district, its station, another city; a stranger
            let other = try await world.token("qianfoshan")
            #expect(try await world.api(.GET, "/api/v1/coverage?unit=\(world.id("解放路街道"))", token: other).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/coverage?station=\(world.id("station:解放路街道"))", token: other).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/coverage?unit=\(world.id("千佛山街道"))", token: other).status == .ok)
            #expect(try await world.api(.GET, "/api/v1/coverage?unit=\(world.id("历下区"))", token: try await world.token("outsider")).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/coverage?unit=\(world.id("历下区"))", token: try await world.token("jiefanglu")).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/coverage").status == .unauthorized)
            #expect(try await world.api(.GET, "/api/v1/coverage?year=1999", token: try await world.token("lixia")).status == .badRequest)
        }
    }
}
