@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 10 §4: the year's focus service fields (V-5) and, for demonstration stations, the case-work,
/// group-work and community-work cases in each (V-6), on the station's compliance page.
@Suite("Focus fields")
struct FocusFieldsTests {
    static func choose(_ world: TestWorld, _ fields: [String], token: String) async throws -> TestingHTTPResponse {
        try await world.api(.PUT, "/api/v1/stations/\(world.id("station:解放路街道"))/focus-fields", token: token,
                            json: ["year": Day(Date()).year, "fields": fields])
    }

    @Test func aStationChoosesTwoOrThreeFocusFieldsAndEachChangeIsAVersion() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            // act
            let four = try await Self.choose(world, ["elderly", "child_welfare", "social_assistance", "social_affairs"], token: token)
            let unknown = try await Self.choose(world, ["elderly", "dancing"], token: token)
            let two = try await Self.choose(world, ["elderly", "child_welfare"], token: token)
            let same = try await Self.choose(world, ["elderly", "child_welfare"], token: token)
            let changed = try await Self.choose(world, ["elderly", "social_assistance", "child_welfare"], token: token)
            let street = try await Self.choose(world, ["elderly"], token: try await world.token("jiefanglu"))
            let neighbour = try await Self.choose(world, ["elderly"], token: try await RecipientTests.neighbourWorker(world))
            // check
            #expect(four.status == .unprocessableEntity)
            #expect(try four.problemFields()["fields"] == "每年最多选定 3 个重点服务领域（V-5 重点服务领域），选择了 4 个")
            #expect(try unknown.problemFields()["fields"]?.hasPrefix("“dancing”不是本市") == true)
            #expect(try two.status == .ok && two.json()["version"] as? Int == 1)
            #expect(try same.json()["version"] as? Int == 1)
            #expect(try changed.json()["version"] as? Int == 2)
            #expect((try changed.json()["fields"] as? [[String: Any]])?.map { $0["code"] as? String } == ["elderly", "social_assistance", "child_welfare"])
            #expect(street.status == .forbidden)
            #expect(neighbour.status == .notFound)
            #expect(try await FocusChoice.query(on: world.app.db).count() == 2)
        }
    }

    @Test func v6CountsOnlyCasesWithAnInterventionGroupsWithASessionAndEventsOfTheYear() async throws {
        try await withApp { world in
            // setup: in 养老服务, a case with an intervention and one without, a group with a session and
            // one without, and an event; all this year
            let token = try await world.token("worker")
            #expect(try await Self.choose(world, ["elderly", "child_welfare"], token: token).status == .ok)
            let (worked, recipient) = try await CaseworkTests.openCase(world, token: token)
            _ = try await CaseworkTests.step(world, worked, "assessments", token: token, CaseworkTests.assessment.merging(["assessed_on": CaseworkTests.day(0)]) { _, n in n })
            _ = try await CaseworkTests.step(world, worked, "plans", token: token, CaseworkTests.plan.merging(["planned_on": CaseworkTests.day(0),
                                                                                   "items": [["what": "上门", "who": "陈静", "due_on": CaseworkTests.day(10)]]]) { _, n in n })
            #expect(try await CaseworkTests.step(world, worked, "interventions", token: token, CaseworkTests.service(0)).status == .created)
            _ = try await world.api(.POST, "/api/v1/cases", token: token, json: [
                "recipient_ids": [recipient.uuidString], "source": "self", "problem": "另一求助", "consent_on": CaseworkTests.day(0), "field": "elderly",
                "item": "social_support"])
            for (name, session) in [("有活动的小组", true), ("未开展的小组", false)] {
                let g = try await world.api(.POST, "/api/v1/groups", token: token, json: [
                    "name": name, "field": "elderly", "item": "social_support", "goals": "g", "target": "t", "planned_sessions": 2,
                    "starts_on": CaseworkTests.day(0), "member_ids": [recipient.uuidString]]).json()["id"] as! String
                if session {
                    #expect(try await world.api(.POST, "/api/v1/groups/\(g)/sessions", token: token,
                                                json: GroupWorkTests.session(0, "活动", attendees: [recipient])).status == .created)
                }
            }
            var event = try await CommunityWorkTests.event(world)
            event["field"] = "elderly"
            event["item"] = "social_support"
            event["on"] = CaseworkTests.day(0)
            #expect(try await world.api(.POST, "/api/v1/community-events", token: token, json: event).status == .created)
            // act
            let focus = try await world.api(.GET, "/api/v1/stations/\(world.id("station:解放路街道"))/focus-fields", token: try await world.token("lixia")).json()
            let findings = try await world.api(.GET, "/api/v1/stations/\(world.id("station:解放路街道"))/compliance", token: try await world.token("admin"))
                .json()["findings"] as? [[String: Any]] ?? []
            // check
            let elderly = try #require((focus["fields"] as? [[String: Any]])?.first)
            #expect(elderly["case_work"] as? Int == 1 && elderly["group_work"] as? Int == 1 && elderly["community_work"] as? Int == 1)
            let v5 = try #require(findings.first { $0["rule_id"] as? String == "V-5" })
            #expect(v5["state"] as? String == "pass")
            let v6 = try #require(findings.first { $0["rule_id"] as? String == "V-6" })
            #expect(v6["state"] as? String == "progress")
            #expect(v6["measured"] as? String == "养老服务：个案 1/2、小组 1/2、社区工作 1/2；儿童福利：个案 0/2、小组 0/2、社区工作 0/2")
            // on the station's compliance page and in the district's matrix, in the 服务 group
            let browser = Browser(world)
            _ = try await browser.login("lixia")
            let page = try await browser.get("/stations/\(world.id("station:解放路街道"))/compliance").body.string
            #expect(page.contains("V-6 示范点服务案例") && page.contains("养老服务：个案 1/2、小组 1/2、社区工作 1/2"))
            let matrix = try await browser.get("/compliance").body.string
            #expect(matrix.contains(#"<span class="group-label">服务</span>"#))
        }
    }

    @Test func theFocusPageRefusesAFourthFieldBesideTheBoxes() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            _ = try await browser.login("worker")
            let url = "/stations/\(world.id("station:解放路街道"))/focus-fields"
            _ = try await browser.get(url)
            // act
            let refused = try await browser.post(url, form: ["field_elderly": "on", "field_child_welfare": "on", "field_social_assistance": "on",
                                                             "field_social_affairs": "on"])
            let saved = try await browser.post(url, form: ["field_elderly": "on", "field_child_welfare": "on"])
            // check
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("每年最多选定 3 个重点服务领域"))
            #expect(saved.status == .seeOther)
            let page = try await browser.get(url)
            #expect(page.body.string.contains("养老服务") && page.body.string.contains("第 1 版"))
        }
    }
}
