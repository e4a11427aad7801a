@testable import App
import Domain
import Fluent
import Testing
import Vapor
import VaporTesting

/// Rule A-5: an operator that leaves a station hands over its service archives within 30 working
/// days of its exit (济民发〔2021〕14号 第十条). Recording the exit creates the duty on the outgoing
/// operator's, the district's and the city's boards, and it is filed like the other deadlines.
@Suite("Operator handover (A-5)")
struct HandoverTests {
    static let exit = "2026-09-30"
    /// 1–7 October 2026 off, Saturday 10 October worked: the 30th working day after 30 September.
    static let due = "2026-11-17"

    func handover(_ world: TestWorld, _ token: String) async throws -> [String: Any]? {
        let board = try await world.api(.GET, "/api/v1/deadlines", token: token)
        #expect(board.status == .ok)
        return (try board.json()["upcoming"] as? [[String: Any]] ?? []).first { $0["rule_id"] as? String == "A-5" }
    }

    func periods(_ world: TestWorld, _ station: UUID) async throws -> [StationOperatorPeriod] {
        try await StationOperatorPeriod.query(on: world.app.db).filter(\.$stationID == station).sort(\.$createdAt).all()
    }

    @Test func replacingTheOperatorWithAnExitDateCreatesTheHandoverDuty() async throws {
        try await withApp { world in
            // setup: 2 November 2026; 解放路's station is run by the demo operator (泉心), which has one open period
            world.app.clock.pin(Day("2026-11-02")!.start.addingTimeInterval(10 * 3600))
            let station = world.id("station:解放路街道")
            let lixia = try await world.token("lixia")
            #expect(try await periods(world, station).map(\.endedOn) == [nil])
            // a replacement without the exit date is refused, and nothing changes
            let missing = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: lixia, json: ["operator_id": world.id("operator:1").uuidString])
            #expect(missing.status == .unprocessableEntity)
            #expect(try missing.problemFields()["operator_exit_on"]?.contains("规则 A-5") == true)
            #expect(try await Station.find(station, on: world.app.db)?.$operator.id == world.id("operator:0"))
            // an exit date in the future, or an exit without a change, is refused
            let future = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: lixia,
                                             json: ["operator_id": world.id("operator:1").uuidString, "operator_exit_on": "2026-11-03"])
            #expect(try future.problemFields()["operator_exit_on"]?.hasPrefix("原承接机构退出日期不能晚于今天") == true)
            let noChange = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: lixia, json: ["operator_exit_on": Self.exit])
            #expect(noChange.status == .unprocessableEntity)
            #expect(try await periods(world, station).map(\.endedOn) == [nil])
            // act: 众和 takes over after 泉心's exit on 30 September
            let replaced = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: lixia,
                                               json: ["operator_id": world.id("operator:1").uuidString, "operator_exit_on": Self.exit])
            // check: the outgoing period closes on the exit day, the next opens the day after
            #expect(replaced.status == .ok, "\(replaced.body.string)")
            let history = try await periods(world, station)
            #expect(history.map(\.operatorID) == [world.id("operator:0"), world.id("operator:1")])
            #expect(history.map(\.endedOn) == [Self.exit, nil])
            #expect(history.last?.startedOn == "2026-10-01")
            #expect(try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "station_operator_period").count() == 2)
            // the outgoing operator, the district and the city see the handover, due on the 30th working day, with the convention
            for account in ["operator", "lixia", "admin"] {
                let duty = try #require(try await handover(world, try await world.token(account)), "\(account) sees A-5")
                #expect(duty["due_on"] as? String == Self.due)
                #expect(duty["counting"] as? String == "\(Self.exit) 退出；退出之日不计入，自次日起算第 30 个工作日")
                #expect((duty["title"] as? String)?.contains(DemoData.operatorNames[0]) == true)
            }
            // the street and the worker do not act on it
            #expect(try await handover(world, try await world.token("jiefanglu")) == nil)
            #expect(try await handover(world, try await world.token("worker")) == nil)
            // the station page lists the history with the handover due date
            let browser = Browser(world)
            _ = try await browser.login("lixia")
            let page = try await browser.get("/stations/\(station)")
            #expect(page.body.string.contains("\(Self.exit) 退出"))
            #expect(page.body.string.contains("档案移交期限 \(Self.due)"))
        }
    }

    @Test func removingTheOperatorNamesAHandoverTheCalendarCannotCountYet() async throws {
        try await withApp { world in
            // setup: 20 December of the calendar's last year; 30 working days after the 18th run into a year not yet entered
            let last = try #require(try WorkingCalendar.bundled().years.keys.max())
            world.app.clock.pin(Day(year: last, month: 12, day: 20)!.start.addingTimeInterval(10 * 3600))
            let station = world.id("station:解放路街道")
            let lixia = try await world.token("lixia")
            // act: the operator leaves and no one takes over yet
            let removed = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: lixia,
                                              json: ["operator_id": "", "operator_exit_on": "\(last)-12-18"])
            // check: no current operator, the period closed, and the board names the handover instead of guessing its date
            #expect(removed.status == .ok, "\(removed.body.string)")
            #expect(try await Station.find(station, on: world.app.db)?.$operator.id == nil)
            #expect(try await periods(world, station).map(\.endedOn) == ["\(last)-12-18"])
            let board = try await world.api(.GET, "/api/v1/deadlines", token: lixia)
            let uncounted = try board.json()["uncounted"] as? [String] ?? []
            #expect(uncounted.count == 1)
            #expect(uncounted.first?.contains("档案移交期限（A-5）暂无法计算：工作日历中没有 \(last + 1) 年的节假日安排") == true)
            #expect(try await handover(world, lixia) == nil)
        }
    }

    @Test func theOutgoingOperatorFilesTheHandover() async throws {
        try await withApp { world in
            // setup: the exit recorded through the edit form (the district officer's browser)
            world.app.clock.pin(Day("2026-11-02")!.start.addingTimeInterval(10 * 3600))
            let station = world.id("station:解放路街道")
            let browser = Browser(world)
            _ = try await browser.login("lixia")
            let form = try await browser.get("/stations/\(station)/edit")
            #expect(form.body.string.contains("原承接机构退出日期"))
            let saved = try await browser.post("/stations/\(station)/edit", form: [
                "name": "历下区解放路街道社会工作服务站", "operator_id": world.id("operator:1").uuidString, "operator_exit_on": Self.exit,
            ])
            #expect(saved.status == .seeOther, "\(saved.body.string.prefix(400))")
            let body: [String: Any] = ["rule_id": "A-5", "due_on": Self.due, "unit_id": station.uuidString, "note": "移交清单及协议已签"]
            // refusals: a worker's role does not file it, a wrong date names the right one, another city has no A-5
            #expect(try await world.api(.POST, "/api/v1/deadline-filings", token: try await world.token("worker"), json: body).status == .forbidden)
            let operatorToken = try await world.token("operator")
            let wrong = try await world.api(.POST, "/api/v1/deadline-filings", token: operatorToken, json: body.merging(["due_on": "2026-11-16"]) { _, new in new })
            #expect(wrong.status == .unprocessableEntity)
            #expect(try wrong.problemFields()["due_on"]?.contains(Self.due) == true)
            let elsewhere = try await world.api(.POST, "/api/v1/deadline-filings", token: operatorToken,
                                                json: body.merging(["unit_id": world.id("station:千佛山街道").uuidString]) { _, new in new })
            #expect(elsewhere.status == .forbidden)
            #expect(try await DeadlineFiling.query(on: world.app.db).count() == 0)
            // act: 泉心 no longer runs the station, and still files its handover
            let filed = try await world.api(.POST, "/api/v1/deadline-filings", token: operatorToken, json: body)
            // check
            #expect(filed.status == .created, "\(filed.body.string)")
            let district = try #require(try await handover(world, try await world.token("lixia")))
            #expect(district["filed"] as? Int == 1)
            #expect(try await world.api(.POST, "/api/v1/deadline-filings", token: operatorToken, json: body).status == .conflict)
            #expect(try await DeadlineFiling.query(on: world.app.db).count() == 1)
        }
    }
}
