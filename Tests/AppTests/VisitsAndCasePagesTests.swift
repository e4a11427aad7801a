@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 10 §3 and §5: home and phone visits, the recipient page's services, and the case pages'
/// forms with their per-field Chinese errors.
@Suite("Visits and case pages")
struct VisitsAndCasePagesTests {
    static func visit(_ recipient: UUID) -> [String: Any] {
        ["recipient_id": recipient.uuidString, "kind": "home", "on": CaseworkTests.day(-3), "minutes": 45, "content": "入户了解近况，测量血压",
         "findings": "冬季取暖设备老旧", "follow_up_needed": true, "field": "elderly", "item": "social_support"]
    }

    @Test func aWorkerRecordsAHomeVisitThatReachesTheLedgerAndTheStationList() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let recipient = try await RecipientTests.register(world, token: token)
            // act
            let res = try await world.api(.POST, "/api/v1/visits", token: token, json: Self.visit(recipient))
            // check
            #expect(res.status == .created, "\(res.body.string)")
            let body = try res.json()
            #expect(body["kind_label"] as? String == "家访")
            #expect(body["follow_up_needed"] as? Bool == true)
            let services = try await world.api(.GET, "/api/v1/recipients/\(recipient)/services", token: token).jsonArray()
            #expect(services.map { $0["kind"] as? String } == ["home_visit"])
            let station = try await Recipient.find(recipient, on: world.app.db)!.$station.id
            let browser = Browser(world)
            _ = try await browser.login("jiefanglu")   // the street reads the station's visits
            let page = try await browser.get("/stations/\(station)/visits")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("冬季取暖设备老旧"))
            let list = try await world.api(.GET, "/api/v1/visits?station=\(station)", token: try await world.token("lixia")).json()
            #expect(list["total"] as? Int == 1)
        }
    }

    @Test func onlyTheStationRecordsVisitsAndOtherStreetsSeeNone() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let recipient = try await RecipientTests.register(world, token: token)
            let neighbour = try await RecipientTests.neighbourWorker(world)
            // act
            let street = try await world.api(.POST, "/api/v1/visits", token: try await world.token("jiefanglu"), json: Self.visit(recipient))
            let outside = try await world.api(.POST, "/api/v1/visits", token: neighbour, json: Self.visit(recipient))
            let supervisor = try await world.api(.POST, "/api/v1/visits", token: try await world.token("supervisor"), json: Self.visit(recipient))
            var bad = Self.visit(recipient)
            bad["kind"] = "video"
            bad["minutes"] = 0
            bad["findings"] = ""
            let invalid = try await world.api(.POST, "/api/v1/visits", token: token, json: bad)
            _ = try await world.api(.POST, "/api/v1/visits", token: token, json: Self.visit(recipient))
            // check
            #expect(street.status == .forbidden)
            #expect(outside.status == .notFound)
            #expect(supervisor.status == .notFound)
            #expect(invalid.status == .unprocessableEntity)
            let fields = try invalid.problemFields()
            #expect(fields["kind"]?.hasPrefix("走访方式“video”不存在") == true)
            #expect(fields["minutes"] == "走访时长应在 1–1440 分钟之间")
            #expect(fields["findings"] == "发现的情况不能为空")
            #expect(try await world.api(.GET, "/api/v1/visits", token: neighbour).json()["total"] as? Int == 0)
            #expect(try await world.api(.GET, "/api/v1/visits", token: token).json()["total"] as? Int == 1)
            #expect(try await world.api(.GET, "/api/v1/recipients/\(recipient)/services", token: neighbour).status == .notFound)
        }
    }

    @Test func aTransferredPersonsEarlierServicesStayWithTheStationThatGaveThem() async throws {
        try await withApp { world in
            // setup: a visit and a case at 解放路, then the person moves to 千佛山街道 (same district)
            let token = try await world.token("worker")
            let (caseID, recipient) = try await CaseworkTests.openCase(world, token: token)
            #expect(try await world.api(.POST, "/api/v1/visits", token: token, json: Self.visit(recipient)).status == .created)
            let neighbour = try await RecipientTests.neighbourWorker(world)
            let stations = try await Station.query(on: world.app.db).filter(\.$streetID == world.id("千佛山街道")).all()
            let moved = try await world.api(.POST, "/api/v1/recipients/\(recipient)/transfer", token: token,
                                            json: ["station_id": stations[0].id!.uuidString, "on": CaseworkTests.day(0), "reason": "搬家"])
            #expect(moved.status == .ok, "\(moved.body.string)")
            // act
            let theirs = try await world.api(.GET, "/api/v1/recipients/\(recipient)/services", token: neighbour)
            let ours = try await world.api(.GET, "/api/v1/recipients/\(recipient)/services", token: try await world.token("lixia"))
            let page = Browser(world)
            _ = try await page.login("qianfo")
            let person = try await page.get("/recipients/\(recipient)")
            // check: the new station reads the person, not the notes of the old one; the district reads both
            #expect(theirs.status == .ok)
            #expect(try theirs.jsonArray().isEmpty)
            #expect(try ours.jsonArray().count == 1)
            #expect(person.status == .ok)
            #expect(!person.body.string.contains(caseID.uuidString))
            #expect(!person.body.string.contains("入户了解近况"))
        }
    }

    @Test func aCaseIsOpenedAndSteppedThroughItsPageForms() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let recipient = try await RecipientTests.register(world, token: token)
            let browser = Browser(world)
            _ = try await browser.login("worker")
            let person = try await browser.get("/recipients/\(recipient)")
            #expect(person.body.string.contains("/cases/new?recipient=\(recipient)"))
            let form = try await browser.get("/cases/new?recipient=\(recipient)")
            #expect(form.status == .ok)
            // act: a form with the problem and consent left out, then a good one
            let refused = try await browser.post("/cases/new", form: ["recipient_ids": recipient.uuidString, "source": "family", "problem": "",
                                                                      "field": "elderly", "item": "emotional_comfort", "consent_on": "", "opened_on": CaseworkTests.day(0)])
            let opened = try await browser.post("/cases/new", form: ["recipient_ids": recipient.uuidString, "source": "family", "problem": "丧偶后情绪低落",
                                                                     "field": "elderly", "item": "emotional_comfort", "consent_on": CaseworkTests.day(0),
                                                                     "opened_on": CaseworkTests.day(0)])
            // check
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("求助问题不能为空"))
            #expect(refused.body.string.contains("须先取得服务对象（或监护人）的知情同意"))
            #expect(opened.status == .seeOther)
            let url = opened.headers.first(name: .location)!
            // act: an assessment with the risk missing, then a complete one; a plan from the page's rows
            let missing = try await browser.post(url + "/assessments", form: ["assess_assessed_on": CaseworkTests.day(0), "assess_strengths": "有子女支持",
                                                                              "assess_resources": "社区老年协会"])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("请选择风险等级"))
            #expect(missing.body.string.contains(#"id="assess_risk_level""#))
            _ = try await browser.post(url + "/assessments", form: ["assess_assessed_on": CaseworkTests.day(0), "assess_risk_level": "crisis",
                                                                    "assess_strengths": "有子女支持", "assess_resources": "社区老年协会"])
            let badPlan = try await browser.post(url + "/plans", form: ["plan_planned_on": CaseworkTests.day(0), "plan_goal_1": "情绪稳定",
                                                                        "plan_item_what_1": "每周探访", "plan_item_who_1": "陈静"])
            #expect(badPlan.status == .unprocessableEntity)
            #expect(badPlan.body.string.contains("第 1 项完成期限不能为空"))
            _ = try await browser.post(url + "/plans", form: ["plan_planned_on": CaseworkTests.day(0), "plan_goal_1": "情绪稳定",
                                                              "plan_item_what_1": "每周探访", "plan_item_who_1": "陈静", "plan_item_due_1": CaseworkTests.day(30)])
            _ = try await browser.post(url + "/interventions", form: ["intervene_on": CaseworkTests.day(0), "intervene_minutes": "50",
                                                                      "intervene_content": "哀伤辅导"])
            let page = try await browser.get(url)
            // check: the page shows the stage and every record
            #expect(page.body.string.contains("当前阶段：介入"))
            #expect(page.body.string.contains("危机"))
            #expect(page.body.string.contains("每周探访"))
            #expect(page.body.string.contains("哀伤辅导"))
            // the street officer reads the case without the forms
            let street = Browser(world)
            _ = try await street.login("jiefanglu")
            let read = try await street.get(url)
            #expect(read.status == .ok)
            #expect(!read.body.string.contains("intervene_form"))
            #expect(try await street.get("/cases/new").status == .forbidden)
        }
    }
}
