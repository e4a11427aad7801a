@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 10 §2, V-7: a case assessed at the crisis level owes a crisis plan and, after its
/// intervention, a follow-up visit within the city's working-day limits; what is due or overdue shows
/// on the home pages of the workers, the operator and the district, and on the case.
@Suite("Crisis duties (V-7)")
struct CrisisDutiesTests {
    @Test func aCrisisCaseShowsItsOverduePlanThenItsFollowUpOnTheHomePages() async throws {
        try await withApp { world in
            // setup: Monday 15 June 2026; the city sets V-7's limits (3 and 5 working days)
            world.app.clock.pin(Day(year: 2026, month: 6, day: 15)!.start.addingTimeInterval(12 * 3600))
            let admin = try await world.token("admin")
            for (param, value) in [("crisisPlanWorkingDays", 3), ("followUpWorkingDays", 5)] {
                let set = try await world.api(.POST, "/api/v1/policy/versions", token: admin, json: [
                    "rule_id": "V-7", "param": param, "value": value, "effective_from": "2026-06-15", "note": "危机干预时限"])
                #expect(set.status == .created, "\(set.body.string)")
            }
            let token = try await world.token("worker")
            let person = try await RecipientTests.register(world, token: token)
            let opened = try await world.api(.POST, "/api/v1/cases", token: token, json: [
                "recipient_ids": [person.uuidString], "source": "grid_report", "problem": "流露轻生念头", "consent_on": "2026-06-01",
                "opened_on": "2026-06-01", "field": "elderly", "item": "crisis_intervention"])
            let id = try opened.json()["id"] as! String
            _ = try await CaseworkTests.step(world, UUID(uuidString: id)!, "assessments", token: token, [
                "assessed_on": "2026-06-05", "risk_level": "crisis", "strengths": "愿意沟通", "resources": "女儿"])
            // act: the plan overdue (due Wednesday the 10th); then the plan and the intervention on the 12th
            let before = try await Self.todo(world, "lixia")
            let operatorHome = try await Self.todo(world, "operator")
            _ = try await RecipientTests.neighbourWorker(world)   // 千佛山街道's worker, "qianfo"
            let neighbourHome = try await Self.todo(world, "qianfo")
            _ = try await CaseworkTests.step(world, UUID(uuidString: id)!, "plans", token: token, [
                "planned_on": "2026-06-12", "goals": ["确保安全"], "items": [["what": "安全计划", "who": "陈静", "due_on": "2026-06-20"]]])
            _ = try await CaseworkTests.step(world, UUID(uuidString: id)!, "interventions", token: token, ["on": "2026-06-12", "minutes": 90, "content": "危机干预"])
            let after = try await Self.todo(world, "worker")
            let detail = try await world.api(.GET, "/api/v1/cases/\(id)", token: token).json()
            // check
            #expect(before.contains("已逾期：个案 2026-0001 制定危机干预计划（V-7 危机干预，应于 2026-06-10 前完成"), "\(before)")
            #expect(operatorHome.contains("个案 2026-0001 制定危机干预计划"))
            #expect(!neighbourHome.contains("2026-0001"))
            #expect(after.contains("2026-06-22 前：个案 2026-0001 危机干预后回访"), "\(after)")
            #expect(!after.contains("制定危机干预计划"))
            let crisis = try #require(detail["crisis"] as? [[String: Any]])
            #expect(crisis.map { $0["duty"] as? String } == ["plan", "follow_up"])
            #expect(crisis[0]["done"] as? String == "2026-06-12" && crisis[1]["due"] as? String == "2026-06-22")
        }
    }

    /// A user's home page.
    static func todo(_ world: TestWorld, _ user: String) async throws -> String {
        let browser = Browser(world)
        _ = try await browser.login(user)
        return try await browser.get("/").body.string
    }
}
