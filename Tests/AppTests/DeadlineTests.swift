@testable import App
import Domain
import Fluent
import Testing
import Vapor
import VaporTesting

/// Filings (报送登记) against the profile's deadlines: A-6's monthly briefing falls due on the 5th,
/// so one is always within the next 30 days, whatever day the tests run.
@Suite("Deadlines and filings")
struct DeadlineTests {
    /// The A-6 briefing due next, as the caller's board shows it.
    func nextBriefing(_ world: TestWorld, _ token: String) async throws -> [String: Any] {
        let board = try await world.api(.GET, "/api/v1/deadlines", token: token)
        #expect(board.status == .ok)
        let upcoming = try board.json()["upcoming"] as? [[String: Any]] ?? []
        return try #require(upcoming.first { $0["rule_id"] as? String == "A-6" })
    }

    func filings(_ world: TestWorld) async throws -> Int { try await DeadlineFiling.query(on: world.app.db).count() }

    @Test func aWorkerFilesTheMonthlyBriefingOnce() async throws {
        try await withApp { world in
            // setup: the worker's station has not filed the next briefing
            let token = try await world.token("worker")
            let before = try await nextBriefing(world, token)
            #expect(before["units"] as? Int == 1)
            #expect(before["filed"] as? Int == 0)
            let station = world.id("station:解放路街道").uuidString
            #expect((before["unfiled"] as? [[String: Any]])?.first?["id"] as? String == station)
            let body: [String: Any] = ["rule_id": "A-6", "due_on": before["due_on"]!, "unit_id": station, "note": "已发区民政局邮箱"]
            // act
            let filed = try await world.api(.POST, "/api/v1/deadline-filings", token: token, json: body)
            // check: filed today, shown as done, audited; the district sees one of its stations filed
            #expect(filed.status == .created, "\(filed.body.string)")
            #expect(try filed.json()["filed_on"] as? String == Day(Date()).description)
            let after = try await nextBriefing(world, token)
            #expect(after["filed"] as? Int == 1)
            #expect((after["unfiled"] as? [Any])?.isEmpty == true)
            #expect(try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "deadline_filing").count() == 1)
            let district = try await nextBriefing(world, try await world.token("lixia"))
            #expect(district["filed"] as? Int == 1)
            #expect((district["units"] as? Int ?? 0) > 1)
            // a second filing for the same unit and deadline is a conflict, and nothing more is stored
            let again = try await world.api(.POST, "/api/v1/deadline-filings", token: token, json: body)
            #expect(again.status == .conflict)
            #expect(try again.problemFields()["unit_id"]?.contains("已于") == true)
            #expect(try await filings(world) == 1)
        }
    }

    @Test func refusalsStoreNothing() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let due = try await nextBriefing(world, worker)["due_on"] as! String
            let own = world.id("station:解放路街道").uuidString
            func file(_ token: String, _ fields: [String: Any]) async throws -> TestingHTTPResponse {
                try await world.api(.POST, "/api/v1/deadline-filings", token: token,
                                    json: ["rule_id": "A-6", "due_on": due, "unit_id": own].merging(fields) { _, new in new })
            }
            // another street's station is outside a worker's scope
            let other = try await file(worker, ["unit_id": world.id("station:千佛山街道").uuidString])
            #expect(other.status == .forbidden)
            // an evaluator's role does not file briefings
            #expect(try await file(try await world.token("evaluator"), [:]).status == .forbidden)
            // another city's admin: their city has no profile, so there is no such deadline
            #expect(try await file(try await world.token("outsider"), [:]).status == .unprocessableEntity)
            // bad dates and a day that is not A-6's due date
            let malformed = try await file(worker, ["due_on": "2026-13-05"])
            #expect(malformed.status == .unprocessableEntity)
            #expect(try malformed.problemFields()["due_on"] == "到期日“2026-13-05”不存在，请检查月份和日期")
            let badFormat = try await file(worker, ["due_on": "2026/12/05"])
            #expect(try badFormat.problemFields()["due_on"] == "到期日应为 年-月-日 格式，如 2025-03-01")
            let future = try await file(worker, ["filed_on": Day(Date()).adding(days: 3).description])
            #expect(try future.problemFields()["filed_on"]?.hasPrefix("报送日期不能晚于今天") == true)
            let notDue = try await file(worker, ["due_on": "\(Day(Date()).year)-01-20"])
            #expect(notDue.status == .unprocessableEntity)
            #expect(try notDue.problemFields()["rule_id"]?.contains("没有规则 A-6") == true)
            #expect(try await filings(world) == 0)
            #expect(try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "deadline_filing").count() == 0)
        }
    }

    @Test func theHomePageListsAndFilesABriefing() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            _ = try await browser.login("worker")
            let home = try await browser.get("/")
            #expect(home.body.string.contains("报送月度工作简报"))
            #expect(home.body.string.contains("登记已报送"))
            let due = try await nextBriefing(world, try await world.token("worker"))["due_on"] as! String
            // act
            let res = try await browser.post("/deadline-filings", form: ["rule_id": "A-6", "due_on": due,
                                                                         "unit_id": world.id("station:解放路街道").uuidString])
            // check
            #expect(res.status == .seeOther)
            let after = try await browser.get("/")
            #expect(after.body.string.contains("已报送"))
            #expect(try await filings(world) == 1)
        }
    }
}
