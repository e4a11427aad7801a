@testable import App
import Domain
import Fluent
import Testing
import Vapor
import VaporTesting

/// Findings that say what is true: the current year's hours as progress toward the annual
/// requirement (never a pass before it is met), and each city's rules cited from its own documents.
@Suite("Honest findings")
struct HonestFindingsTests {
    @Test func theCurrentYearsHoursAreProgressInThePageTheMatrixAndTheExport() async throws {
        try await withApp { world in
            // setup: the end of June of the demo's year; a worker stationed at 解放路 since 5 January with no hours yet
            let year = Day(Date()).year
            world.app.clock.pin(Day(year: year, month: 6, day: 30)!.start.addingTimeInterval(10 * 3600))
            let created = try await world.api(.POST, "/api/v1/workers", token: try await world.token("operator"), json: [
                "name": "新社工", "gender": "female", "birth_date": "1995-05-05", "education": "bachelor", "major": "social_work",
                "certificate_level": "assistant", "certificate_date": "2022-06-18", "experience_years": 3,
                "station_id": world.id("station:解放路街道").uuidString, "started_on": "\(year)-01-05",
            ])
            #expect(created.status == .created, "\(created.body.string)")
            let lixia = try await world.token("lixia")
            let id = world.id("station:解放路街道")
            // act
            let station = try await world.api(.GET, "/api/v1/stations/\(id)/compliance?year=\(year)", token: lixia)
            // check: T-2 and T-3 are in progress toward the whole year's requirement, saying what is still to do
            let findings = try station.json()["findings"] as? [[String: Any]] ?? []
            let t2 = try #require(findings.first { $0["rule_id"] as? String == "T-2" })
            #expect(t2["state"] as? String == "progress")
            #expect(t2["measured"] as? String == "进行中：新社工 0/24 小时，还差 24 小时，截至 12 月 31 日")
            #expect(findings.first { $0["rule_id"] as? String == "T-3" }?["state"] as? String == "progress")
            // the matrix counts them as in progress, not as passed, and so does the export
            let matrix = try await world.api(.GET, "/api/v1/compliance?year=\(year)&state=progress", token: lixia)
            let rows = try matrix.json()["stations"] as? [[String: Any]] ?? []
            let row = try #require(rows.first { $0["id"] as? String == id.uuidString })
            let supervision = (row["groups"] as? [String: Any])?["supervision"] as? [String: Any]
            #expect(supervision?["progress"] as? Int == 2)
            #expect(supervision?["pass"] as? Int == 2)   // T-1 and T-5, none of the hours rules
            let browser = Browser(world)
            _ = try await browser.login("lixia")
            let csv = try await browser.get("/compliance/export.csv?year=\(year)&state=progress").body.string
            #expect(csv.contains("督导与培训,T-2 督导时长,进行中,进行中：新社工 0/24 小时"))
            let page = try await browser.get("/stations/\(id)/compliance?year=\(year)")
            #expect(page.body.string.contains("进行中：新社工 0/24 小时"))
            // once the year is closed the same hours are a failure
            world.app.clock.pin(Day(year: year + 1, month: 1, day: 10)!.start.addingTimeInterval(10 * 3600))
            let closed = try await world.api(.GET, "/api/v1/stations/\(id)/compliance?year=\(year)", token: try await world.token("lixia"))
            let t2Closed = (try closed.json()["findings"] as? [[String: Any]])?.first { $0["rule_id"] as? String == "T-2" }
            #expect(t2Closed?["state"] as? String == "failure")
        }
    }

    @Test func wuhansPolicyCitesWuhansNotice() async throws {
        try await withApp { world in
            // act
            let policy = try await world.api(.GET, "/api/v1/policy", token: try await world.token("wuhan"))
            // check: every source is Wuhan's notice; rules only Jinan's documents state are gone
            let rules = try policy.json()["rules"] as? [[String: Any]] ?? []
            let documents = Set(rules.flatMap { ($0["sources"] as? [[String: Any]] ?? []).compactMap { $0["document"] as? String } })
            #expect(documents == ["武汉市民政局《关于加快推进全市街道（乡镇）社工站建设的通知》（武民政〔2021〕26号）"])
            #expect(!rules.contains { $0["id"] as? String == "T-5" })
            let browser = Browser(world)
            _ = try await browser.login("wuhan")
            let page = try await browser.get("/policy").body.string
            #expect(!page.contains("济民发") && !page.contains("DB3701"))
            // Jinan's page shows A-5's day-count convention beside its parameters
            let jinan = Browser(world)
            _ = try await jinan.login("admin")
            #expect(try await jinan.get("/policy").body.string.contains("退出之日不计入，自次日起算第 30 个工作日"))
            // a yes/no parameter takes 0 or 1 only
            let flag = try await world.api(.POST, "/api/v1/policy/versions", token: try await world.token("admin"), json: [
                "rule_id": "A-6", "param": "rollToWorkingDay", "value": 2, "effective_from": "2026-01-01"])
            #expect(flag.status == .unprocessableEntity)
            #expect(try flag.problemFields()["value"] == "规则 A-6 工作简报与报告 的参数“逢节假日顺延”只能为 1（是）或 0（否）")
        }
    }
}
