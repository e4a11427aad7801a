@testable import App
import Domain
import Fluent
import Testing
import Vapor
import VaporTesting

/// Defects found by a new user's walk through the demo (every role, desktop and phone): the shipped
/// calendar years, calendar lines checked all at once, the platform administrator kept out of the
/// cities, forms offered only to who may submit them, and a new city's deadline board.
@Suite("Walk-through fixes")
struct WalkthroughTests {
    /// A form's <select name=…> options' values.
    static func options(_ html: String, select name: String) -> [String] {
        guard let start = html.range(of: #"name="\#(name)""#), let end = html.range(of: "</select>", range: start.upperBound..<html.endIndex) else { return [] }
        let body = String(html[start.upperBound..<end.lowerBound])
        return body.components(separatedBy: #"<option value=""#).dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    // MARK: 1. a shipped year is not entered again, it is corrected as version 2

    @Test func aShippedYearIsRefusedAsNewAndCorrectedKeepingTheShippedArrangementAsVersion1() async throws {
        try await withApp { world in
            // setup: 2026 ships in holidays.json with 元旦 on 1–3 January; Friday 2 January is off
            let shipped = try #require(try WorkingCalendar.bundled().years[2026])
            let platform = try await world.token("platform")
            let reader = try await world.token("admin")
            func isWorking(_ day: String) async throws -> Bool {
                let res = try await world.api(.GET, "/api/v1/calendar/working-days?from=\(day)&days=1&start_counts=true", token: reader)
                return try res.json()["due"] as? String == day
            }
            #expect(try await isWorking("2026-01-02") == false)
            let browser = Browser(world)
            _ = try await browser.login("platform")
            // act: the year entered again through the API and the form
            let api = try await world.api(.POST, "/api/v1/calendar", token: platform, json: [
                "year": 2026, "holidays": [["first": "2026-01-01", "last": "2026-01-01", "name": "元旦"]], "workdays": []])
            _ = try await browser.get("/calendar")
            let form = try await browser.post("/calendar", form: ["year": "2026", "holidays": "2026-01-01,2026-01-03,元旦", "workdays": ""])
            // check: 409 pointing to the correction; nothing stored, the shipped year still in use
            #expect(api.status == .conflict, "\(api.body.string)")
            let message = try #require(try api.problemFields()["year"])
            #expect(message.contains("2026 年的安排已存在") && message.contains("更正") && message.contains("PUT /api/v1/calendar/2026"))
            #expect(form.status == .conflict)
            #expect(form.body.string.contains("2026 年的安排已存在"))
            #expect(try await CalendarYear.query(on: world.app.db).count() == 0)
            #expect(try await CalendarYearVersion.query(on: world.app.db).count() == 0)
            #expect(try await isWorking("2026-01-02") == false)
            // the shipped year offers its correction form to the platform administrator, as version 2
            let page = try await browser.get("/calendar").body.string
            #expect(page.contains("更正 2026 年的安排（形成第 2 版，之前各版保留）"))

            // act: the correction — 元旦 on the 1st only
            let corrected = try await world.api(.PUT, "/api/v1/calendar/2026", token: platform, json: [
                "holidays": shipped.holidays.map { h -> [String: String] in
                    h.name == "元旦" ? ["first": "2026-01-01", "last": "2026-01-01", "name": "元旦"]
                        : ["first": h.first.description, "last": h.last.description, "name": h.name]
                },
                "workdays": shipped.workdays.map(\.description), "reason": "测试：国务院办公厅通知更正"])
            // check: version 2 in use, the shipped arrangement kept as version 1
            #expect(corrected.status == .ok, "\(corrected.body.string)")
            #expect(try corrected.json()["version"] as? Int == 2)
            let versions = try await CalendarYearVersion.query(on: world.app.db).filter(\.$year == 2026).sort(\.$version).all()
            #expect(versions.map(\.version) == [1, 2])
            #expect(try versions[0].decoded() == shipped)
            #expect(versions[0].reason == "随系统发布的国务院办公厅安排" && versions[0].createdBy == CalendarController.shippedBy)
            #expect(try await isWorking("2026-01-02") == true)
            let history = try await browser.get("/calendar").body.string
            #expect(history.contains("版本记录（共 2 版，使用第 2 版）") && history.contains("随系统发布的国务院办公厅安排"))
        }
    }

    // MARK: 2. every bad line at once, overlaps refused

    @Test func everyBadCalendarLineIsReportedAtOnceAndOverlapsAreRefused() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            _ = try await browser.login("platform")
            _ = try await browser.get("/calendar")
            let lines = ["2028-02-30,2028-02-30,春节", "2028-05-03,2028-05-01,劳动节", "2029-10-01,2029-10-03,国庆节",
                         "2028-01-01,2028-01-01,元旦", "2028-01-01,2028-01-03,元旦重复", "2028-01-01,2028-01-01,元旦"]
            // act
            let res = try await browser.post("/calendar", form: ["year": "2028", "holidays": lines.joined(separator: "\n"), "workdays": ""])
            // check: 422 with each line's number and reason in one answer; nothing stored
            #expect(res.status == .unprocessableEntity)
            let html = res.body.string
            #expect(html.contains("假期第 1 行的起始日期“2028-02-30”不存在"))
            #expect(html.contains("假期第 2 行：结束日期 2028-05-01 早于起始日期 2028-05-03"))
            #expect(html.contains("假期第 3 行：2029-10-01 至 2029-10-03 不在 2028 年内"))
            #expect(html.contains("假期第 5 行：与“元旦”（2028-01-01 至 2028-01-01）日期重叠，同一天只能属于一个假期（第 4 行）"))
            #expect(html.contains("假期第 6 行：与“元旦”（2028-01-01 至 2028-01-01）日期重叠"))
            #expect(!html.contains("假期第 4 行："))
            #expect(try await CalendarYear.query(on: world.app.db).count() == 0)
            // the API refuses overlaps too, naming both holidays
            let platform = try await world.token("platform")
            let api = try await world.api(.POST, "/api/v1/calendar", token: platform, json: [
                "year": 2028, "holidays": [["first": "2028-01-01", "last": "2028-01-01", "name": "元旦"],
                                           ["first": "2028-01-01", "last": "2028-01-03", "name": "元旦重复"],
                                           ["first": "2028-05-03", "last": "2028-05-01", "name": "劳动节"]], "workdays": []])
            #expect(api.status == .unprocessableEntity)
            let errors = try api.json()["errors"] as? [[String: Any]] ?? []
            let messages = errors.compactMap { $0["message"] as? String }
            #expect(messages.count == 2, "\(messages)")
            #expect(messages.contains("第 2 个假期（元旦重复，2028-01-01 至 2028-01-03）：与“元旦”（2028-01-01 至 2028-01-01）日期重叠，同一天只能属于一个假期（第 1 个假期）"))
            #expect(messages.contains("第 3 个假期（劳动节，2028-05-03 至 2028-05-01）：结束日期 2028-05-01 早于起始日期 2028-05-03"))
            // and so does the correction form (of a shipped year)
            let prefix = CalendarPage.correctionPrefix(2026)
            let fix = try await browser.post("/calendar/2026", form: [prefix + "holidays": "2026-01-01,2026-01-03,元旦\n2026-01-02,2026-01-02,元旦二\n2026-02-30,2026-03-01,春节",
                                                                      prefix + "workdays": "", prefix + "reason": "测试"])
            #expect(fix.status == .unprocessableEntity)
            #expect(fix.body.string.contains("假期第 2 行：与“元旦”（2026-01-01 至 2026-01-03）日期重叠") && fix.body.string.contains("假期第 3 行的起始日期“2026-02-30”不存在"))
            #expect(try await CalendarYearVersion.query(on: world.app.db).count() == 0)
        }
    }

    // MARK: 3. the platform administrator sees nothing inside a city

    @Test func thePlatformAdminCannotReadOrChangeACitysOrgTree() async throws {
        try await withApp { world in
            // setup
            let district = world.id("历下区")
            let browser = Browser(world)
            _ = try await browser.login("platform")
            try await browser.get("/")   // a page with a form: the signed-in session's CSRF token
            let token = try await world.token("platform")
            // act
            let page = try await browser.get("/org/\(district)")
            let kind = try await browser.post("/org/\(district)/district-kind", form: ["district_kind": "central"])
            let child = try await browser.post("/org/\(district)/children", form: ["name": "平台新增街道"])
            let stations = try await browser.get("/stations").body.string
            let org = try await browser.get("/org").body.string
            let units = try await world.api(.GET, "/api/v1/org-units", token: token)
            // check: 404 for the district and both forms; no city's districts in any list or filter
            #expect(page.status == .notFound)
            #expect(kind.status == .notFound, "\(kind.status)")
            #expect(child.status == .notFound, "\(child.status)")
            #expect(try await OrgUnit.query(on: world.app.db).filter(\.$name == "平台新增街道").count() == 0)
            #expect(!stations.contains("历下区") && !stations.contains("天桥区") && !stations.contains("外区"))
            #expect(!org.contains("历下区") && !org.contains("济南市"))
            #expect(units.status == .ok && units.body.string == "[]", "\(units.body.string.prefix(200))")
            // what it keeps: accounts at deployment level (a city's admin), not the city's staff
            let admin = try await world.api(.GET, "/api/v1/users/\(world.id("user:admin"))", token: token)
            let worker = try await world.api(.GET, "/api/v1/users/\(world.id("user:worker"))", token: token)
            #expect(admin.status == .ok)
            #expect(worker.status == .notFound)
            let another = try await world.api(.POST, "/api/v1/users", token: token, json: [
                "username": "platform2", "display_name": "平台管理员二", "password": "password-123", "assignments": [["role": "platform_admin"]]])
            #expect(another.status == .created, "\(another.body.string)")
        }
    }

    // MARK: 4. a record form only for who may submit it

    @Test func aWorkerIsOfferedTheTrainingFormForThemselvesOnly() async throws {
        try await withApp { world in
            // setup: the station has several workers; the worker may record only their own training
            FormErrorTests.pinnedToday(world)
            let station = world.id("station:解放路街道")
            let own = try await FormErrorTests.ownWorker(world)
            let posted = Set(try await WorkforceQueries.postings(station: station, on: world.app.db).map { $0.worker.id! })
            #expect(posted.count > 1)
            let browser = Browser(world)
            _ = try await browser.login("worker")
            // act
            let page = try await browser.get("/stations/\(station)/training").body.string
            // check: only their own name offered, and its valid submit is accepted
            #expect(Self.options(page, select: "worker_id") == [own.id!.uuidString])
            let saved = try await browser.postMultipart("/stations/\(station)/training", fields: [
                "worker_id": own.id!.uuidString, "held_on": "2026-06-01", "hours": "2", "title": "个案管理培训", "organiser": "市民政局"])
            #expect(saved.status == .seeOther, "\(saved.status) \(saved.body.string.prefix(300))")
            // the operator, who may record anyone's, is offered every worker posted there
            let op = Browser(world)
            _ = try await op.login("operator")
            #expect(Set(Self.options(try await op.get("/stations/\(station)/training").body.string, select: "worker_id")) == Set(posted.map(\.uuidString)))
            // the street officer, who may record nobody's, gets no form at all
            let street = Browser(world)
            _ = try await street.login("jiefanglu")
            let streetPage = try await street.get("/stations/\(station)/training").body.string
            #expect(!streetPage.contains("新增培训记录"))
            #expect(!(try await street.get("/stations/\(station)/supervision").body.string).contains("新增督导记录"))
            #expect(!(try await street.get("/stations/\(station)/staff").body.string).contains(#"action="/stations/\#(station)/workers""#))
        }
    }

    // MARK: 5. the operator read-only for who may not change it

    @Test func theStreetOfficerSeesTheOperatorReadOnlyAndSavesTheRest() async throws {
        try await withApp { world in
            // setup
            let id = world.id("station:解放路街道")
            let station = try #require(try await Station.query(on: world.app.db).filter(\.$id == id).with(\.$rooms).first())
            let operatorBefore = station.$operator.id
            #expect(operatorBefore != nil)
            let villages = try await StationQueries.villages(ofStreet: station.streetID, on: world.app.db)
            var form = StationEdit.values(of: station, operatorOrg: nil, villages: villages)
            for key in ["operator_id", "is_demonstration"] + ContractFact.allCases.map(\.rawValue) { form[key] = nil }
            form["address"] = "解放路 99 号（街道更正）"
            for user in ["jiefanglu", "operator"] {
                let browser = Browser(world)
                _ = try await browser.login(user)
                // act
                let page = try await browser.get("/stations/\(id)/edit").body.string
                // check: no operator select or exit date, the operator said read-only
                #expect(!page.contains(#"name="operator_id""#) && !page.contains(#"name="operator_exit_on""#), "\(user)")
                #expect(page.contains(#"id="operator-readonly""#) && page.contains("承接机构："), "\(user)")
            }
            let browser = Browser(world)
            _ = try await browser.login("jiefanglu")
            _ = try await browser.get("/stations/\(id)/edit")
            let saved = try await browser.post("/stations/\(id)/edit", form: form.compactMapValues { $0 })
            #expect(saved.status == .seeOther, "\(saved.status) \(saved.body.string.prefix(300))")
            let after = try #require(try await Station.find(id, on: world.app.db))
            #expect(after.address == "解放路 99 号（街道更正）")
            #expect(after.$operator.id == operatorBefore)
            // the district officer still chooses the operator
            let lixia = Browser(world)
            _ = try await lixia.login("lixia")
            #expect(try await lixia.get("/stations/\(id)/edit").body.string.contains(#"name="operator_id""#))
        }
    }

    // MARK: 6. a city onboarded today owes nothing from before

    @Test func aCityOnboardedTodayHasNoOverdueDeadlinesFromBeforeIt() async throws {
        try await withApp { world in
            // setup: 24 November; 青岛市 onboarded today with a copy of Jinan's profile, no districts yet
            let year = Day(Date()).year
            world.app.clock.pin(Day(year: year, month: 11, day: 24)!.start.addingTimeInterval(10 * 3600))
            let province = try #require(try await Province.query(on: world.app.db).filter(\.$name == "山东省").first())
            let platform = try await world.token("platform")
            let created = try await world.api(.POST, "/api/v1/cities", token: platform, json: OnboardingTests.city(
                province.id!.uuidString, name: "青岛市", code: "370200", admin: "qingdao",
                extra: ["copy_of_city_id": world.id("济南市").uuidString, "admin_password": TestWorld.password]))
            #expect(created.status == .created, "\(created.body.string)")
            #expect(try await OrgUnit.query(on: world.app.db).filter(\.$name == "青岛市").first()?.onboardedOn == "\(year)-11-24")
            let browser = Browser(world)
            _ = try await browser.login("qingdao")
            // act
            let home = try await browser.get("/").body.string
            let board = try await world.api(.GET, "/api/v1/deadlines", token: try await world.token("qingdao"))
            // check: nothing overdue from before the city existed, no filing button for units that do not exist
            #expect(!home.contains("逾期未报送"), "\(home)")
            #expect(!home.contains("已过期未报送"))
            #expect(!home.contains("登记已报送"))
            #expect((try board.json()["overdue"] as? [Any])?.isEmpty == true)
            // Jinan, set up before onboarding, still sees last year's unfiled duties
            let jinan = Browser(world)
            _ = try await jinan.login("admin")
            #expect(try await jinan.get("/").body.string.contains("逾期未报送"))
        }
    }

    // MARK: 8. a short confirmation after each save

    @Test func eachSaveRedirectsToAPageThatSaysWhatWasSaved() async throws {
        try await withApp { world in
            // setup
            FormErrorTests.pinnedToday(world)
            let station = world.id("station:解放路街道")
            let district = world.id("历下区")
            let overdue = try await world.api(.GET, "/api/v1/deadlines", token: try await world.token("admin")).json()["overdue"] as? [[String: Any]] ?? []
            let due = try #require(overdue.first { !(($0["unfiled"] as? [Any]) ?? []).isEmpty })
            let unit = try #require((due["unfiled"] as? [[String: Any]])?.first?["id"] as? String)
            let stationRow = try #require(try await Station.query(on: world.app.db).filter(\.$id == station).with(\.$rooms).first())
            var stationForm = StationEdit.values(of: stationRow, operatorOrg: try await stationRow.$operator.get(on: world.app.db),
                                                 villages: try await StationQueries.villages(ofStreet: stationRow.streetID, on: world.app.db))
            stationForm["address"] = "解放路 100 号"
            stationForm["is_demonstration"] = nil   // the city admin's box, not in the district officer's form
            struct Save { let user: String; let page: String; let post: String; let form: [String: String]; let said: Saved }
            let saves = [
                Save(user: "platform", page: "/platform/cities", post: "/platform/provinces", form: ["name": "江苏省", "division_code": "32"], said: .province),
                Save(user: "admin", page: "/org/\(district)", post: "/org/\(district)/district-kind", form: ["district_kind": DistrictKind.centralUrban.rawValue], said: .districtKind),
                Save(user: "admin", page: "/policy", post: "/policy", form: ["target": "A-6|monthlyDueDay", "value": "6", "effective_from": "2026-07-01", "note": "测试"], said: .policy),
                Save(user: "admin", page: "/", post: "/deadline-filings", form: ["rule_id": due["rule_id"] as! String, "due_on": due["due_on"] as! String, "unit_id": unit], said: .filing),
                Save(user: "lixia", page: "/stations/\(station)/edit", post: "/stations/\(station)/edit", form: stationForm, said: .station),
            ]
            for save in saves {
                let browser = Browser(world)
                _ = try await browser.login(save.user)
                let before = try await browser.get(save.page).body.string
                // act
                let res = try await browser.post(save.post, form: save.form)
                // check: redirected with the flag; the page it leads to says so, once, as a status
                #expect(res.status == .seeOther, "\(save.post): \(res.status) \(res.body.string.prefix(300))")
                let location = try #require(res.headers.first(name: .location), "\(save.post)")
                #expect(location.contains("saved=\(save.said.rawValue)"), "\(location)")
                let shown = try await browser.get(String(location.prefix { $0 != "#" })).body.string
                #expect(shown.contains(#"<p class="notice" id="saved" role="status">\#(save.said.message)</p>"#), "\(save.post)")
                #expect(!before.contains(#"id="saved""#), "\(save.page) before saving")
            }
        }
    }

    // MARK: a station page's crumbs link only the pages the caller may open

    @Test func aStationsCrumbsLinkOnlyTheOrgPagesTheCallerMayOpen() async throws {
        try await withApp { world in
            // setup
            let station = world.id("station:解放路街道")
            let worker = Browser(world)
            _ = try await worker.login("worker")
            let officer = Browser(world)
            _ = try await officer.login("lixia")
            // act
            let workerPage = try await worker.get("/stations/\(station)").body.string
            let officerPage = try await officer.get("/stations/\(station)").body.string
            let district = try await worker.get("/org/\(world.id("历下区"))")
            let street = try await worker.get("/org/\(world.id("解放路街道"))")
            // check: the worker's district is plain text (its page is a 404 for them), the street a link
            #expect(district.status == .notFound && street.status == .ok)
            #expect(!workerPage.contains("href=\"/org/\(world.id("历下区"))\"") && workerPage.contains("<span>历下区</span>"))
            #expect(workerPage.contains("href=\"/org/\(world.id("解放路街道"))\""))
            #expect(officerPage.contains("href=\"/org/\(world.id("历下区"))\""))
        }
    }
}
