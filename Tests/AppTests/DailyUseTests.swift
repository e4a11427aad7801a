@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import ZIPFoundation

/// Issue 8, section 5: what a daily user runs into — words, home pages, the compliance matrix.
@Suite("Daily use: words, home pages, the compliance matrix")
struct DailyUseTests {
    /// 23 November of the demo's year, 10:00 in China: the A-6 briefing of 5 December is due within 30 days.
    static func pinNovember(_ world: TestWorld) -> Int {
        let year = Day(Date()).year
        world.app.clock.pin(Day(year: year, month: 11, day: 23)!.start.addingTimeInterval(10 * 3600))
        return year
    }

    // MARK: 1. words

    @Test func rulesShowTheirNamesAndParametersTheirChineseLabels() async throws {
        try await withApp { world in
            // setup
            let year = Self.pinNovember(world)
            let admin = Browser(world)
            _ = try await admin.login("admin")
            let worker = Browser(world)
            _ = try await worker.login("worker")
            // act
            let matrix = try await admin.get("/compliance?year=\(year)").body.string
            let station = try await admin.get("/stations/\(world.id("station:解放路街道"))/compliance?year=\(year)").body.string
            let policy = try await admin.get("/policy").body.string
            let home = try await worker.get("/").body.string
            // check: the rule filter, the findings and the deadline board name each rule
            #expect(matrix.contains(#"<option value="P-2">P-2 人均办公面积</option>"#))
            #expect(matrix.contains(#"<option value="T-5">T-5 督导记录</option>"#))
            #expect(station.contains("T-2 督导时长"))
            #expect(station.contains("P-4 标识标牌"))
            #expect(home.contains("A-6 工作简报与报告"))
            // the policy page labels parameters in Chinese with their unit, never by code name
            #expect(policy.contains("社工人均办公面积下限（平方米）：5"))
            #expect(policy.contains("每名社工每年督导时长（小时）：24"))
            #expect(policy.contains("P-2 人均办公面积"))
            for code in ["minOfficeAreaPerWorker", "hoursPerWorker", "trainingHoursPerWorker", "handoverWorkingDays", "monthlyDueDay"] {
                #expect(!policy.contains(">" + code) && !policy.contains(code + " ="), "\(code) shown on the policy page")
            }
            // sources cite the document by its number, not a seed file number
            #expect(station.contains("济民发〔2022〕7号"))
            #expect(!station.contains("000 二(二)"))
        }
    }

    @Test func aPolicyErrorNamesTheParameterInChinese() async throws {
        try await withApp { world in
            // act
            let res = try await world.api(.POST, "/api/v1/policy/versions", token: try await world.token("admin"), json: [
                "rule_id": "P-2", "param": "minOfficeArea", "value": 6, "effective_from": "\(Day(Date()).year + 1)-01-01",
            ])
            // check
            #expect(res.status == .unprocessableEntity)
            let message = try res.problemFields()["param"] ?? ""
            #expect(message.contains("P-2 人均办公面积"))
            #expect(message.contains("社工人均办公面积下限（平方米）"))
            #expect(!message.contains("minOfficeAreaPerWorker"))
        }
    }

    @Test func theAuditTrailReadsInWords() async throws {
        try await withApp { world in
            // setup: a station edited through the API (an update with old and new values), and an account made from the shell
            let admin = try await world.token("admin")
            let id = world.id("station:解放路街道")
            let edit = try await world.api(.PATCH, "/api/v1/stations/\(id)", token: admin, json: ["indoor_sign": true])
            #expect(edit.status == .ok, "\(edit.body.string)")
            var context = CommandContext(console: Terminal(), input: CommandInput(arguments: [
                "shegong", "create", "--username", "cmdadmin", "--name", "命令行管理员", "--role", "city_admin", "--unit", "济南市",
                "--password", TestWorld.password,
            ]))
            context.application = world.app
            try await UserCommand().run(using: &context)
            let browser = Browser(world)
            _ = try await browser.login("admin")
            // act
            let page = try await browser.get("/audit?entity=station").body.string
            let workers = try await browser.get("/audit?entity=social_worker").body.string
            let all = try await browser.get("/audit").body.string
            // check: kind, action, fields and values in Chinese; no table name, JSON or shell line
            #expect(page.contains("<td>社工站"))
            #expect(page.contains("<td>修改</td>"))
            #expect(page.contains("<li>室内标牌：否 → 是</li>"))
            #expect(all.contains("<td>命令行：shegong user create（新建用户）</td>"))
            #expect(all.contains("<li>用户名：cmdadmin</li>"))
            #expect(workers.contains("<td>人员（社工）"))
            #expect(workers.contains("<li>学历："))
            for text in [page, workers, all] {
                for raw in ["<td>station", "<td>social_worker", "<td>user", "indoor_sign", "{&quot;", "[null", "shegong audit verify"] {
                    #expect(!text.contains(raw), "audit page shows \(raw)")
                }
            }
        }
    }

    @Test func auditWordsTranslateFieldsValuesAndPolicyParameters() {
        // act
        let changes = AuditWords.changes(#"{"P-2.minOfficeAreaPerWorker":["5.0","6.0"],"education":["associate","bachelor"],"full_time":[null,"true"]}"#)
        // check
        #expect(changes.map(\.text) == ["P-2 人均办公面积：社工人均办公面积下限（平方米）：5.0 → 6.0", "学历：\(Education.associate.label) → \(Education.bachelor.label)", "专职：是"])
        #expect(AuditWords.entity("supervision_record") == "督导记录")
    }

    // MARK: 2. home pages

    /// A supervision record of 解放路 held today by the demo supervisor with the demo worker, not yet confirmed by either.
    func unconfirmedRecord(_ world: TestWorld, year: Int) async throws -> SupervisionRecord {
        let station = world.id("station:解放路街道")
        let supervisor = try #require(try await Supervisor.query(on: world.app.db).filter(\.$userID == world.id("user:supervisor")).first())
        let worker = try #require(try await SocialWorker.query(on: world.app.db).filter(\.$userID == world.id("user:worker")).first())
        let res = try await world.api(.POST, "/api/v1/supervision-records", token: try await world.token("operator"), json: [
            "station_id": station.uuidString, "supervisor_id": supervisor.id!.uuidString, "held_on": "\(year)-11-20", "hours": 2,
            "form": "individual", "topic": "危机干预个案复盘", "issues": "评估记录不完整", "advice": "补全风险评估", "supervisee_ids": [worker.id!.uuidString],
        ])
        #expect(res.status == .created, "\(res.body.string)")
        return try #require(try await SupervisionRecord.query(on: world.app.db).filter(\.$topic == "危机干预个案复盘").first())
    }

    @Test func theWorkerAndTheSupervisorSeeRecordsAwaitingTheirConfirmation() async throws {
        try await withApp { world in
            // setup
            let year = Self.pinNovember(world)
            _ = try await unconfirmedRecord(world, year: year)
            let station = world.id("station:解放路街道")
            for user in ["worker", "supervisor"] {
                let browser = Browser(world)
                _ = try await browser.login(user)
                // act
                let home = try await browser.get("/").body.string
                // check: the record, linked to the page where it is confirmed (T-5)
                #expect(home.contains("确认督导记录（T-5 督导记录）"), "\(user)")
                #expect(home.contains("危机干预个案复盘"), "\(user)")
                #expect(home.contains("/stations/\(station)/supervision?year=\(year)"), "\(user)")
            }
            // once the worker confirms, it leaves the worker's list
            let worker = Browser(world)
            _ = try await worker.login("worker")
            let record = try #require(try await SupervisionRecord.query(on: world.app.db).filter(\.$topic == "危机干预个案复盘").first())
            _ = try await world.api(.POST, "/api/v1/supervision-records/\(record.id!)/confirm", token: try await world.token("worker"))
            #expect(!(try await worker.get("/").body.string.contains("危机干预个案复盘")))
        }
    }

    @Test func hoursStillShortShowAsProgressForThoseWhoActOnThem() async throws {
        try await withApp { world in
            // setup: a worker stationed at the demonstration station 解放路 since 5 January with no hours yet
            let year = Self.pinNovember(world)
            let created = try await world.api(.POST, "/api/v1/workers", token: try await world.token("operator"), json: [
                "name": "新社工", "gender": "female", "birth_date": "1995-05-05", "education": "bachelor", "major": "social_work",
                "certificate_level": "assistant", "certificate_date": "2022-06-18", "experience_years": 3,
                "station_id": world.id("station:解放路街道").uuidString, "started_on": "\(year)-01-05",
            ])
            #expect(created.status == .created, "\(created.body.string)")
            let station = world.id("station:解放路街道")
            for (user, rules) in [("worker", ["T-2 督导时长", "T-3 培训学时"]), ("supervisor", ["T-2 督导时长"]), ("operator", ["T-2 督导时长", "T-3 培训学时"]),
                                  ("jiefanglu", ["T-2 督导时长", "T-3 培训学时"]), ("lixia", ["T-2 督导时长", "T-3 培训学时"]), ("admin", ["T-2 督导时长", "T-3 培训学时"])] {
                let browser = Browser(world)
                _ = try await browser.login(user)
                // act
                let home = try await browser.get("/").body.string
                // check: progress toward the annual requirement, linked to where records are entered
                for rule in rules { #expect(home.contains("历下区解放路街道社会工作服务站：\(rule)"), "\(user) \(rule)") }
                #expect(home.contains("进行中：新社工 0/24 小时，还差 24 小时"), "\(user)")
                #expect(home.contains("/stations/\(station)/supervision"), "\(user)")
                if user == "supervisor" { #expect(!home.contains("T-3 培训学时"), "a supervisor acts on supervision hours only") }
            }
        }
    }

    @Test func everyOverdueFilingIsListedNotOnlyTheLastThirtyDays() async throws {
        try await withApp { world in
            // setup: nothing filed; the district's annual report of last year (A-7, end of November) is a year overdue
            let year = Self.pinNovember(world)
            for user in ["lixia", "admin"] {
                let browser = Browser(world)
                _ = try await browser.login(user)
                // act
                let home = try await browser.get("/").body.string
                // check: last year's A-7 (due at the end of November, moved off a weekend) is still listed
                let board = try await world.api(.GET, "/api/v1/deadlines", token: try await world.token(user))
                let overdue = try board.json()["overdue"] as? [[String: Any]] ?? []
                let lastYears = try #require(overdue.first { $0["rule_id"] as? String == "A-7" && ($0["due_on"] as? String)?.hasPrefix("\(year - 1)-1") == true })
                #expect(home.contains("逾期未报送：\(lastYears["due_on"] as! String) 向市民政局报送社工站建设运营情况（A-7 年度建设运营报告"), "\(user)")
                #expect(home.contains("已过期未报送"), "\(user)")
                #expect(!home.contains("今天没有待办事项"), "\(user)")
            }
            // the operator's station briefings of months ago are listed too (A-6, due 5 February)
            let op = Browser(world)
            _ = try await op.login("operator")
            #expect(try await op.get("/").body.string.contains("逾期未报送：\(year)-02-05 报送月度工作简报（\(year)年1月）"))
        }
    }

    @Test func aRoleWithNothingDueSeesOnlyACalmLine() async throws {
        try await withApp { world in
            // setup
            _ = Self.pinNovember(world)
            for user in ["evaluator", "platform"] {
                let browser = Browser(world)
                _ = try await browser.login(user)
                // act
                let home = try await browser.get("/")
                // check
                #expect(home.status == .ok)
                let body = home.body.string
                #expect(body.contains("今天没有待办事项"), "\(user)")
                #expect(!body.contains("期限提醒") && !body.contains("社工站（共") && !body.contains("今天要做的事"), "\(user)")
            }
        }
    }

    // MARK: 3. the compliance matrix

    @Test func theMatrixListsTheWorstStationsFirstWithTotals() async throws {
        try await withApp { world in
            // setup
            let year = Self.pinNovember(world)
            let admin = try await world.token("admin")
            // act
            let res = try await world.api(.GET, "/api/v1/compliance?year=\(year)", token: admin)
            // check: ordered by failing rules, most first; ties keep the place order
            let json = try res.json()
            let stations = json["stations"] as? [[String: Any]] ?? []
            let failing = stations.compactMap { $0["failing"] as? Int }
            #expect(failing.count == stations.count && failing.count > 2)
            #expect(failing == failing.sorted(by: >))
            #expect(Set(failing).count > 1, "the demo has stations failing different numbers of rules")
            let totals = json["rule_totals"] as? [[String: Any]] ?? []
            let p4 = try #require(totals.first { $0["rule_id"] as? String == "P-4" })
            #expect(p4["label"] as? String == "P-4 标识标牌")
            #expect(p4["stations"] as? Int == stations.count)
            #expect((p4["passing"] as? Int ?? -1) < stations.count)
            let browser = Browser(world)
            _ = try await browser.login("admin")
            let page = try await browser.get("/compliance?year=\(year)").body.string
            #expect(page.contains("各规则符合情况"))
            #expect(page.contains(#"<span class="group-label">场所</span>"#))
            #expect(page.contains("全部规则均符合"))
        }
    }

    @Test func theExportsHaveOneRowPerStationAndRuleAndTotals() async throws {
        try await withApp { world in
            // setup
            let year = Self.pinNovember(world)
            let browser = Browser(world)
            _ = try await browser.login("lixia")
            // act
            let csv = try await browser.get("/compliance/export.csv?year=\(year)").body.string
            let xlsx = try await browser.get("/compliance/export.xlsx?year=\(year)")
            // check: the header, a rule-level row with state, measured, required and source, and the totals
            let lines = csv.split(separator: "\r\n").map(String.init)
            #expect(lines.first?.hasSuffix("区县,社工站,不符合规则数,规则组,规则,状态,实际,要求,如何整改,依据") == true)
            let p4 = try #require(lines.first { $0.contains("历下区解放路街道社会工作服务站") && $0.contains("P-4 标识标牌") })
            #expect(p4.contains(",不符合,缺少：室内标牌,室外、室内标牌,"))
            #expect(p4.contains("济民发〔2021〕14号"))
            #expect(lines.contains { $0.hasPrefix("合计,3 个站,,场所,P-4 标识标牌,符合 ") })
            #expect(lines.last?.hasPrefix("合计,3 个站,,全部规则,全部规则均符合,符合 ") == true)
            // 3 stations × their rules, plus the totals
            let rules = try PolicyProfile.shipped("jinan").rules.filter { ComplianceEngine.evaluatedRuleIDs.contains($0.id) }.count
            #expect(rules == 17)   // R-1 with the key-population library (issue 9), V-5 and V-6 with service work (issue 10), R-2 and R-3 (issue 11)
            #expect(lines.filter { $0.hasPrefix("历下区,") }.count == 3 * rules)
            let archive = try Archive(data: Data(buffer: xlsx.body), accessMode: .read)
            var sheet = Data()
            _ = try archive.extract(try #require(archive["xl/worksheets/sheet1.xml"])) { sheet.append($0) }
            let xml = String(decoding: sheet, as: UTF8.self)
            #expect(xml.contains("P-4 标识标牌") && xml.contains("全部规则均符合"))
        }
    }

    // MARK: 5. place order

    @Test func theUnitsOfADeadlineFollowThePlaceOrder() async throws {
        try await withApp { world in
            // setup: a 市中区 station whose name sorts before every 历下区 station's
            _ = Self.pinNovember(world)
            let station = try #require(try await Station.find(world.id("station:大观园街道"), on: world.app.db))
            station.name = "一号社工站"
            try await station.save(on: world.app.db)
            // act
            let board = try await world.api(.GET, "/api/v1/deadlines", token: try await world.token("operator"))
            // check: 历下区 (370102) before 市中区 (370103), whatever the names
            let upcoming = try board.json()["upcoming"] as? [[String: Any]] ?? []
            let briefing = try #require(upcoming.first { $0["rule_id"] as? String == "A-6" })
            let names = (briefing["unfiled"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names.count == 6)
            #expect(names.first?.hasPrefix("历下区") == true)
            #expect(names.last == "一号社工站" || names.firstIndex(of: "一号社工站")! >= 3)
        }
    }
}
