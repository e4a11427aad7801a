@testable import App
import Domain
import Fluent
import Testing
import Vapor
import VaporTesting

/// The working-day calendar in use: "N working days from a date" through the API and the calendar
/// page, and deadlines that fall on a rest day moving to the next working day.
@Suite("Working days")
struct WorkingDayTests {
    @Test func theAPICountsWorkingDaysAndNamesWhatItSkipped() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("lixia")
            // act: 5 working days from Monday 29 September 2025, across the National Day break
            let res = try await world.api(.GET, "/api/v1/calendar/working-days?from=2025-09-29&days=5&start_counts=false", token: token)
            // check
            #expect(res.status == .ok, "\(res.body.string)")
            let body = try res.json()
            #expect(body["due"] as? String == "2025-10-13")
            #expect(body["convention"] as? String == "起算日不计入，自次日起算第 5 个工作日")
            let skipped = body["skipped"] as? [[String: Any]] ?? []
            #expect(skipped.count == 9)
            #expect(skipped.first?["reason"] as? String == "国庆节、中秋节")
            #expect(body["made_up_workdays"] as? [String] == ["2025-10-11"])
            let counted = try await world.api(.GET, "/api/v1/calendar/working-days?from=2025-09-29&days=5&start_counts=true", token: token)
            #expect(try counted.json()["due"] as? String == "2025-10-11")
            // bad input: 400 naming the field; a year the calendar lacks: 422 naming the year; no caller: 401
            let format = try await world.api(.GET, "/api/v1/calendar/working-days?from=2025/09/29&days=5", token: token)
            #expect(format.status == .badRequest)
            #expect(try format.problemFields()["from"] == "起算日期应为 年-月-日 格式，如 2025-03-01")
            let zero = try await world.api(.GET, "/api/v1/calendar/working-days?from=2025-09-29&days=0", token: token)
            #expect(try zero.problemFields()["days"] == "工作日数（days）应为 1–3650 之间的整数，收到“0”")
            let flag = try await world.api(.GET, "/api/v1/calendar/working-days?from=2025-09-29&days=5&start_counts=yes", token: token)
            #expect(try flag.problemFields()["start_counts"]?.contains("true 或 false") == true)
            let later = try await world.api(.GET, "/api/v1/calendar/working-days?from=2099-03-02&days=5", token: token)
            #expect(later.status == .unprocessableEntity)
            #expect(try later.problemFields()["from"]?.contains("2099 年") == true)
            #expect(try await world.api(.GET, "/api/v1/calendar/working-days?from=2025-09-29&days=5").status == .unauthorized)
        }
    }

    @Test func theCalendarPageHasACalculatorAndTheCitysConventions() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            _ = try await browser.login("admin")
            // act
            let page = try await browser.get("/calendar?from=2025-09-29&days=5&start_counts=false")
            // check: the answer, the days skipped, and how Jinan's profile counts A-5 and moves dated deadlines
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("到期日：2025-10-13"))
            #expect(html.contains("2025-10-12（周日）"))
            #expect(html.contains("A-5 ") && html.contains("退出之日不计入，自次日起算第 30 个工作日"))
            #expect(html.contains("到期日逢周末或法定节假日顺延至下一个工作日"))
            let bad = try await browser.get("/calendar?from=2025-02-30&days=5")
            #expect(bad.status == .badRequest)
            #expect(bad.body.string.contains("起算日期“2025-02-30”不存在"))
        }
    }

    @Test func aBriefingDueDuringNationalDayIsDueOnTheNextWorkingDay() async throws {
        try await withApp { world in
            // setup: 20 September 2025; September's briefing is due on 5 October, inside the break (1–8 October)
            world.app.clock.pin(Day("2025-09-20")!.start.addingTimeInterval(10 * 3600))
            let worker = try await world.token("worker")
            // act
            let board = try await world.api(.GET, "/api/v1/deadlines", token: worker)
            // check: due on Thursday 9 October, and the board says why
            let upcoming = try board.json()["upcoming"] as? [[String: Any]] ?? []
            let september = try #require(upcoming.first { ($0["title"] as? String)?.hasSuffix("（2025年9月）") == true })
            #expect(september["due_on"] as? String == "2025-10-09")
            #expect(september["counting"] as? String == "原定 2025-10-05（国庆节、中秋节），顺延至 2025-10-09")
            // filed against the moved date; the named date is the same duty
            let station = world.id("station:解放路街道").uuidString
            let filed = try await world.api(.POST, "/api/v1/deadline-filings", token: worker, json: ["rule_id": "A-6", "due_on": "2025-10-09", "unit_id": station])
            #expect(filed.status == .created, "\(filed.body.string)")
            let again = try await world.api(.POST, "/api/v1/deadline-filings", token: worker, json: ["rule_id": "A-6", "due_on": "2025-10-05", "unit_id": station])
            #expect(again.status == .conflict)
            // the home page shows the move beside the date
            let browser = Browser(world)
            _ = try await browser.login("worker")
            #expect(try await browser.get("/").body.string.contains("原定 2025-10-05（国庆节、中秋节），顺延至 2025-10-09"))
        }
    }
}
