@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 8 §4 "Input limits and messages": number bounds, text limits, the calendar editor
/// (empty holiday names, corrections as versions, make-up-day errors on their field), and no
/// library English in any message.
@Suite struct InputLimitTests {
    /// Three or more English words in a row: a library's sentence ("The data couldn't be read").
    static let englishSentence = try! NSRegularExpression(pattern: #"[A-Za-z]{2,}(?:[ ,'’]+[A-Za-z]{2,}){2,}"#)

    static func english(_ text: String) -> String? {
        let range = NSRange(text.startIndex..., in: text)
        return englishSentence.firstMatch(in: text, range: range).flatMap { Range($0.range, in: text).map { String(text[$0]) } }
    }

    /// The text a reader sees on a page: tags, attribute values and the stylesheet link left out.
    static func visibleText(_ html: String) -> String {
        html.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
    }

    static func pinnedToday(_ world: TestWorld) {
        world.app.clock.pin(Day(year: 2026, month: 6, day: 15)!.start.addingTimeInterval(12 * 3600))
    }

    // MARK: numbers

    @Test func everyNumberHasBoundsNamedInChinese() async throws {
        try await withApp { world in
            // setup
            Self.pinnedToday(world)
            let admin = try await world.token("admin")
            let operatorToken = try await world.token("operator")
            let station = world.id("station:解放路街道")
            let worker = try #require(try await WorkerAssignment.query(on: world.app.db).filter(\.$station.$id == station).first()).$worker.id
            let supervisor = try #require(try await SupervisorAssignment.query(on: world.app.db).filter(\.$station.$id == station).first()).$supervisor.id
            let before = (try await TrainingRecord.query(on: world.app.db).count(), try await SupervisionRecord.query(on: world.app.db).count(),
                          try await PolicyVersion.query(on: world.app.db).count())
            let policy: (String, String, Double) -> [String: Any] = { rule, param, value in
                ["rule_id": rule, "param": param, "value": value, "effective_from": "2027-01-01"]
            }
            let training: (Double) -> [String: Any] = { ["worker_id": worker.uuidString, "held_on": "2026-06-01", "hours": $0, "title": "培训"] }
            let supervision: (Double) -> [String: Any] = {
                ["station_id": station.uuidString, "supervisor_id": supervisor.uuidString, "held_on": "2026-06-01", "hours": $0, "form": "individual",
                 "topic": "主题", "supervisee_ids": [worker.uuidString]]
            }
            // (what, method, path, token, body, field, words the message must contain)
            let cases: [(String, HTTPMethod, String, String, [String: Any], String, String)] = [
                ("minimum room area 10^12 m²", .POST, "/api/v1/policy/versions", admin, policy("P-3", "minCaseRoomArea", 1e12), "value", "不能超过 1000 平方米"),
                ("negative hours requirement", .POST, "/api/v1/policy/versions", admin, policy("T-3", "trainingHoursPerWorker", -1), "value", "不能小于 0 小时"),
                ("a due day of 32", .POST, "/api/v1/policy/versions", admin, policy("A-6", "monthlyDueDay", 32), "value", "不能超过 31 日"),
                ("a due day of 4.5", .POST, "/api/v1/policy/versions", admin, policy("A-6", "monthlyDueDay", 4.5), "value", "应为整数"),
                ("a head count of 10^6", .POST, "/api/v1/policy/versions", admin, policy("T-1", "minSupervisors", 1e6), "value", "不能超过 1000"),
                ("training hours 10^-320", .POST, "/api/v1/training-records", operatorToken, training(1e-320), "hours", "培训学时不能小于 0.1 小时"),
                ("training hours 25", .POST, "/api/v1/training-records", operatorToken, training(25), "hours", "培训学时不能超过 24 小时"),
                ("supervision hours 10^-320", .POST, "/api/v1/supervision-records", operatorToken, supervision(1e-320), "hours", "督导时长不能小于 0.1 小时"),
                ("supervision hours 10^9", .POST, "/api/v1/supervision-records", operatorToken, supervision(1e9), "hours", "督导时长不能超过 24 小时"),
                ("room area 10^12 m²", .PATCH, "/api/v1/stations/\(station)", admin, ["rooms": [["kind": "office", "area": 1e12]]], "area_office", "不能超过 100000 平方米"),
                ("room area 10^-320 m²", .PATCH, "/api/v1/stations/\(station)", admin, ["rooms": [["kind": "office", "area": 1e-320]]], "area_office", "不能小于 1 平方米"),
                ("experience 10^-320 years", .PATCH, "/api/v1/workers/\(worker)", admin, ["experience_years": 1e-320], "experience_years", "不能小于 0 年"),
                ("experience 61 years", .PATCH, "/api/v1/workers/\(worker)", admin, ["experience_years": 61], "experience_years", "不能超过 60 年"),
            ]
            for (what, method, path, token, body, field, words) in cases {
                // act
                let res = try await world.api(method, path, token: token, json: body)
                // check
                #expect(res.status == .unprocessableEntity, "\(what): \(res.body.string)")
                #expect(try res.problemFields()[field]?.contains(words) == true, "\(what): \(res.body.string)")
            }
            #expect(try await TrainingRecord.query(on: world.app.db).count() == before.0)
            #expect(try await SupervisionRecord.query(on: world.app.db).count() == before.1)
            #expect(try await PolicyVersion.query(on: world.app.db).count() == before.2)
            // half an hour is a real training; a sane room area and parameter are accepted
            #expect(try await world.api(.POST, "/api/v1/training-records", token: operatorToken, json: training(0.5)).status == .created)
            let sane = try await world.api(.POST, "/api/v1/policy/versions", token: admin, json: policy("P-3", "minCaseRoomArea", 20))
            #expect(sane.status == .created, "\(sane.body.string)")
            #expect(try await world.api(.PATCH, "/api/v1/stations/\(station)", token: admin, json: ["rooms": [["kind": "office", "area": 60.5]]]).status == .ok)
        }
    }

    @Test func aTypedNumberMustBeAPlainDecimal() {
        // setup
        var v = Validator()
        // act
        let values = ["1e3", "inf", "nan", "0x10", "abc", "", "0.5"].map { v.number($0, field: "hours", label: "学时", bounds: .sessionHours) }
        // check: only the plain decimal passes; each refusal names the field
        #expect(values.map { $0 == nil } == [true, true, true, true, true, true, false])
        #expect(v.errors.count == 6 && v.errors.allSatisfy { $0.field == "hours" && $0.message.hasPrefix("学时") })
    }

    // MARK: text

    @Test func recordTextIsLimited() async throws {
        try await withApp { world in
            // setup
            Self.pinnedToday(world)
            let token = try await world.token("operator")
            let station = world.id("station:解放路街道")
            let worker = try #require(try await WorkerAssignment.query(on: world.app.db).filter(\.$station.$id == station).first()).$worker.id
            let supervisor = try #require(try await SupervisorAssignment.query(on: world.app.db).filter(\.$station.$id == station).first()).$supervisor.id
            let before = (try await TrainingRecord.query(on: world.app.db).count(), try await SupervisionRecord.query(on: world.app.db).count())
            // act: a five-million-character title, a long provider, and supervision notes past their limits
            let huge = String(repeating: "培", count: 5_000_000)
            let training = try await world.api(.POST, "/api/v1/training-records", token: token, json: [
                "worker_id": worker.uuidString, "held_on": "2026-06-01", "hours": 2, "title": huge, "organiser": String(repeating: "主", count: 201)])
            let supervision = try await world.api(.POST, "/api/v1/supervision-records", token: token, json: [
                "station_id": station.uuidString, "supervisor_id": supervisor.uuidString, "held_on": "2026-06-01", "hours": 2, "form": "individual",
                "topic": String(repeating: "题", count: 201), "issues": String(repeating: "问", count: 2001), "advice": String(repeating: "议", count: 2001),
                "supervisee_ids": [worker.uuidString]])
            // check: every field named with its limit, nothing stored
            #expect(training.status == .unprocessableEntity)
            let t = try training.problemFields()
            #expect(t["title"] == "培训名称不能超过 200 个字（现为 5000000 个字）")
            #expect(t["organiser"] == "主办单位不能超过 200 个字（现为 201 个字）")
            #expect(supervision.status == .unprocessableEntity)
            let s = try supervision.problemFields()
            #expect(s["topic"] == "督导主题不能超过 200 个字（现为 201 个字）")
            #expect(s["issues"] == "提出的问题不能超过 2000 个字（现为 2001 个字）")
            #expect(s["advice"] == "督导建议不能超过 2000 个字（现为 2001 个字）")
            #expect(try await TrainingRecord.query(on: world.app.db).count() == before.0)
            #expect(try await SupervisionRecord.query(on: world.app.db).count() == before.1)
        }
    }

    // MARK: the calendar editor

    static func nextYear() throws -> Int { try #require(try WorkingCalendar.bundled().years.keys.max()) + 1 }

    /// The first weekday (or weekend day) of January on or after the 4th.
    static func january(_ year: Int, weekend: Bool, after day: Int = 4) -> Day {
        var d = Day(year: year, month: 1, day: day)!
        while d.isWeekend != weekend { d = d.adding(days: 1) }
        return d
    }

    @Test func anEmptyHolidayNameIsRefusedNamingTheField() async throws {
        try await withApp { world in
            // setup
            let year = try Self.nextYear()
            let platform = try await world.token("platform")
            // act
            let api = try await world.api(.POST, "/api/v1/calendar", token: platform, json: [
                "year": year, "holidays": [["first": "\(year)-01-01", "last": "\(year)-01-01", "name": " "]], "workdays": []])
            let browser = Browser(world)
            _ = try await browser.login("platform")
            try await browser.get("/calendar")
            let form = try await browser.post("/calendar", form: ["year": String(year), "holidays": "\(year)-01-01,\(year)-01-01,", "workdays": ""])
            // check
            #expect(api.status == .unprocessableEntity)
            #expect(try api.problemFields()["holidays"] == "第 1 个假期（\(year)-01-01 至 \(year)-01-01）：假期名称不能为空，例如“春节”")
            #expect(form.status == .unprocessableEntity)
            #expect(form.body.string.contains(#"<p class="error" id="holidays-error">假期第 1 行的假期名称不能为空（如“元旦”）</p>"#))
            #expect(try await CalendarYear.query(on: world.app.db).count() == 0)
        }
    }

    @Test func aMakeUpDayErrorNamesTheMakeUpDayField() async throws {
        try await withApp { world in
            // setup
            let year = try Self.nextYear()
            let weekday = Self.january(year, weekend: false)
            let browser = Browser(world)
            _ = try await browser.login("platform")
            try await browser.get("/calendar")
            // act
            let res = try await browser.post("/calendar", form: ["year": String(year), "holidays": "\(year)-01-01,\(year)-01-01,元旦", "workdays": weekday.description])
            // check: the message sits beside the make-up-day field, which gets the focus
            #expect(res.status == .unprocessableEntity)
            let html = res.body.string
            #expect(html.contains(#"<p class="error" id="workdays-error">调休上班日 \#(weekday) 不是周末</p>"#))
            #expect(!html.contains(#"id="holidays-error""#))
            #expect(FormChecks.focused(html) == "workdays")
        }
    }

    @Test func anEnteredYearIsCorrectedAsANewVersionAndTheNewestIsUsed() async throws {
        try await withApp { world in
            // setup: the year entered with 元旦 on the 1st only
            let year = try Self.nextYear()
            let platform = try await world.token("platform")
            let reader = try await world.token("admin")
            let first = try await world.api(.POST, "/api/v1/calendar", token: platform, json: [
                "year": year, "holidays": [["first": "\(year)-01-01", "last": "\(year)-01-01", "name": "元旦"]], "workdays": []])
            #expect(first.status == .created)
            var monday = Day(year: year, month: 1, day: 5)!
            while monday.weekday != 1 { monday = monday.adding(days: 1) }
            let tuesday = monday.adding(days: 1)
            func due() async throws -> String? {
                let res = try await world.api(.GET, "/api/v1/calendar/working-days?from=\(monday)&days=1", token: reader)
                return try res.json()["due"] as? String
            }
            let dueBefore = try await due()
            // act: the State Council's arrangement had a second holiday day on the Tuesday after
            let corrected: [String: Any] = ["holidays": [["first": "\(year)-01-01", "last": "\(year)-01-01", "name": "元旦"],
                                                         ["first": tuesday.description, "last": tuesday.description, "name": "调休假"]],
                                            "workdays": [], "reason": "国务院办公厅通知更正"]
            let unexplained = try await world.api(.PUT, "/api/v1/calendar/\(year)", token: platform, json: corrected.merging(["reason": ""]) { $1 })
            let notPlatform = try await world.api(.PUT, "/api/v1/calendar/\(year)", token: reader, json: corrected)
            let notEntered = try await world.api(.PUT, "/api/v1/calendar/\(year + 1)", token: platform, json: corrected)
            let res = try await world.api(.PUT, "/api/v1/calendar/\(year)", token: platform, json: corrected)
            // check: version 2 in use, version 1 kept, the change audited, the arithmetic moved
            #expect(unexplained.status == .unprocessableEntity)
            #expect(try unexplained.problemFields()["reason"] == "更正原因不能为空")
            #expect(notPlatform.status == .forbidden)
            #expect(notEntered.status == .notFound)
            #expect(res.status == .ok, "\(res.body.string)")
            #expect(try res.json()["version"] as? Int == 2)
            let versions = try await CalendarYearVersion.query(on: world.app.db).filter(\.$year == year).sort(\.$version).all()
            #expect(versions.map(\.version) == [1, 2])
            #expect(try versions[0].decoded().holidays.count == 1 && versions[1].decoded().holidays.count == 2)
            #expect(versions[1].reason == "国务院办公厅通知更正" && versions[1].createdBy == "platform")
            let shown = try await world.api(.GET, "/api/v1/calendar/\(year)", token: reader)
            #expect((try shown.json()["holidays"] as? [[String: Any]])?.count == 2)
            #expect(dueBefore == tuesday.description)
            #expect(try await due() == tuesday.adding(days: 1).description)
            let audit = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "calendar_year").filter(\.$action == .update).all()
            #expect(audit.count == 1 && audit.first?.entityID == String(year))
            // the page shows the history, newest in use, with who and why
            let browser = Browser(world)
            _ = try await browser.login("platform")
            let page = try await browser.get("/calendar").body.string
            #expect(page.contains("版本记录（共 2 版，使用第 2 版）"))
            #expect(page.contains("第 2 版（使用中）") && page.contains("第 1 版") && page.contains("国务院办公厅通知更正") && page.contains("首次录入"))
            // the earlier version can be entered again through the form, as version 3
            let prefix = CalendarPage.correctionPrefix(year)
            let restored = try await browser.post("/calendar/\(year)", form: [prefix + "holidays": "\(year)-01-01,\(year)-01-01,元旦", prefix + "workdays": "",
                                                                          prefix + "reason": "恢复第 1 版"])
            #expect(restored.status == .seeOther)
            #expect(try await CalendarYearVersion.query(on: world.app.db).filter(\.$year == year).count() == 3)
            #expect(try await due() == tuesday.description)
            // a refused correction comes back in its year's form, focused, with what was typed
            let refused = try await browser.post("/calendar/\(year)", form: [prefix + "holidays": "\(year)-01-01,\(year)-01-01,元旦", prefix + "workdays": "x",
                                                                         prefix + "reason": ""])
            #expect(refused.status == .unprocessableEntity)
            #expect(FormChecks.focused(refused.body.string) == prefix + "workdays")
            #expect(refused.body.string.contains(#"id="\#(prefix)reason-error""#))
        }
    }

    // MARK: no library English

    /// Every API operation of the document, with a malformed id, an empty body, malformed JSON and
    /// every field of the wrong type: the status is a client error and no message is English.
    @Test func noAPIMessageIsLibraryEnglish() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("admin")
            let schemas = OpenAPI.schemas
            func wrongTypes(_ schemaName: String) -> [String: Any] {
                let properties = (schemas[schemaName] as? [String: Any])?["properties"] as? [String: Any] ?? [:]
                var body: [String: Any] = [:]
                for (name, schema) in properties {
                    let s = schema as? [String: Any] ?? [:]
                    let type = (s["type"] as? String) ?? ((s["anyOf"] as? [[String: Any]])?.compactMap { $0["type"] as? String }.first(where: { $0 != "null" })) ?? "string"
                    body[name] = switch type {
                    case "string": 12345
                    case "number", "integer": "十二"
                    case "boolean": "yes"
                    case "array": "not a list"
                    default: 7
                    }
                }
                return body
            }
            var checked = 0
            for op in OpenAPI.operations {
                let path = op.path.replacingOccurrences(of: "{id}", with: "not-a-uuid").replacingOccurrences(of: "{year}", with: "abc")
                var attempts: [(String, TestingHTTPResponse)] = []
                if op.path.contains("{") { attempts.append(("malformed id", try await world.api(op.method, path, token: token))) }
                if let body = op.body {
                    let real = op.path.replacingOccurrences(of: "{id}", with: UUID().uuidString).replacingOccurrences(of: "{year}", with: "2026")
                    attempts.append(("empty body", try await world.api(op.method, real, token: token)))
                    attempts.append(("malformed JSON", try await world.api(op.method, real, token: token, raw: #"{"name": "#)))
                    attempts.append(("a list for an object", try await world.api(op.method, real, token: token, raw: "[1, 2]")))
                    attempts.append(("wrong types", try await world.api(op.method, real, token: token, json: wrongTypes(body))))
                }
                for (what, res) in attempts {
                    checked += 1
                    // check
                    #expect((400..<500).contains(Int(res.status.code)), "\(op.method) \(op.path) \(what): \(res.status)")
                    let problem = try res.json()
                    let messages = [problem["title"] as? String ?? "", problem["detail"] as? String ?? ""]
                        + (problem["errors"] as? [[String: Any]] ?? []).map { $0["message"] as? String ?? "" }
                    for message in messages {
                        #expect(Self.english(message) == nil, "\(op.method) \(op.path) \(what): \(message)")
                    }
                    #expect(!(problem["detail"] as? String ?? "").isEmpty, "\(op.method) \(op.path) \(what)")
                }
            }
            #expect(checked > 90)
        }
    }

    @Test func wrongTypesAndEmptyBodiesNameTheFields() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("admin")
            // act
            let empty = try await world.api(.POST, "/api/v1/supervision-records", token: token)
            let emptyObject = try await world.api(.POST, "/api/v1/operators", token: token, raw: "{}")
            let wrong = try await world.api(.POST, "/api/v1/policy/versions", token: token, raw: #"{"rule_id":"P-2","param":"minCaseRoomArea","value":"很大","effective_from":"2027-01-01"}"#)
            let malformed = try await world.api(.POST, "/api/v1/org-units", token: token, raw: #"{"name": "#)
            // check: an empty body names every required field; a wrong type is 422 naming the field and the type
            #expect(empty.status == .unprocessableEntity)
            #expect(try empty.problemFields()["body"] == "请求内容为空：需要 station_id、supervisor_id、held_on、hours、form、supervisee_ids", "\(empty.body.string)")
            #expect(try empty.problemFields()["supervisee_ids"] == "缺少必填字段 supervisee_ids")
            // an empty object where every field is optional: the service names what it needs
            #expect(emptyObject.status == .unprocessableEntity)
            #expect(try Set(emptyObject.problemFields().keys) == ["name", "credit_code"], "\(emptyObject.body.string)")
            #expect(wrong.status == .unprocessableEntity)
            #expect(try wrong.problemFields()["value"] == "字段 value 应为数字")
            #expect(malformed.status == .badRequest)
        }
    }

    /// Pages with a malformed id in the path, and a form whose keys cannot be read: Chinese only.
    @Test func noPageMessageIsLibraryEnglish() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            _ = try await browser.login("admin")
            var paths: [String] = []
            for route in world.app.routes.all where route.method == .GET && !route.path.contains(where: { $0.description.hasPrefix("api") }) {
                let parts = route.path.map { $0.description.hasPrefix(":") ? "xyz" : $0.description }
                if route.path.contains(where: { $0.description.hasPrefix(":") }) { paths.append("/" + parts.joined(separator: "/")) }
            }
            #expect(paths.count >= 8)
            for path in paths + ["/no/such/page", "/stations/new/extra"] {
                // act
                let res = try await browser.get(path)
                // check
                #expect(res.status.code >= 400 && res.status.code < 500, "\(path): \(res.status)")
                let text = Self.visibleText(res.body.string)
                #expect(Self.english(text) == nil, "\(path): \(Self.english(text) ?? "")")
            }
            // a form body that cannot be decoded
            var headers = HTTPHeaders()
            headers.add(name: .cookie, value: browser.cookie ?? "")
            headers.contentType = .urlEncodedForm
            let res = try await world.app.testing().sendRequest(.POST, "/operators", headers: headers,
                                                                body: ByteBuffer(string: "_csrf=\(browser.csrf)&name[=x&credit_code]]=1"))
            #expect(res.status.code >= 400 && res.status.code < 500)
            #expect(Self.english(Self.visibleText(res.body.string)) == nil, "\(Self.visibleText(res.body.string))")
        }
    }
}
