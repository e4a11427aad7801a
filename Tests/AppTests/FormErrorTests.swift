@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Reading a refused form as a browser would.
enum FormChecks {
    /// The id of the one element with `autofocus`; nil when there is none, "several" when more.
    static func focused(_ html: String) -> String? {
        let tags = html.components(separatedBy: "autofocus")
        guard tags.count == 2 else { return tags.count > 2 ? "several" : nil }
        guard let open = tags[0].range(of: "<", options: .backwards) else { return nil }
        let tag = String(tags[0][open.lowerBound...])
        guard let id = tag.range(of: #"id="[^"]*""#, options: .regularExpression) else { return nil }
        return String(tag[id].dropFirst(4).dropLast())
    }

    /// The opening tag of the element with this id.
    static func tag(_ html: String, id: String) -> String? {
        guard let at = html.range(of: #"id="\#(id)""#) else { return nil }
        guard let open = html[..<at.lowerBound].range(of: "<", options: .backwards),
              let close = html[at.upperBound...].range(of: ">") else { return nil }
        return String(html[open.lowerBound..<close.upperBound])
    }

    /// Every field is marked invalid, has its message beside it and a link in the summary at the top.
    static func expectErrors(_ html: String, _ fields: [String], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for field in fields {
            let tag = tag(html, id: field)
            #expect(tag?.contains(#"aria-invalid="true""#) == true, "\(what): \(field) not marked invalid (\(tag ?? "no element"))", sourceLocation: sourceLocation)
            #expect(html.contains(#"<p class="error" id="\#(field)-error">"#), "\(what): no message beside \(field)", sourceLocation: sourceLocation)
            #expect(html.contains(##"<a href="#\##(field)">"##), "\(what): no summary link to \(field)", sourceLocation: sourceLocation)
        }
        #expect(focused(html) == fields.first, "\(what): focus on \(focused(html) ?? "nothing"), expected \(fields.first ?? "")", sourceLocation: sourceLocation)
    }
}

extension Browser {
    /// A multipart form as the browser sends it for a form with a file field.
    func postMultipart(_ path: String, fields: [String: String], file: (name: String, type: String, bytes: [UInt8])? = nil) async throws -> TestingHTTPResponse {
        let boundary = "shegong-form-boundary"
        var body = ByteBuffer()
        for (k, v) in fields.merging(["_csrf": csrf]) { a, _ in a } {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n")
        }
        let f = file ?? (name: "", type: "application/octet-stream", bytes: [])
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"\(f.name)\"\r\nContent-Type: \(f.type)\r\n\r\n")
        body.writeBytes(f.bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        if let cookie { headers.add(name: .cookie, value: cookie) }
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await world.app.testing().sendRequest(.POST, path, headers: headers, body: body)
    }
}

/// Issue 8 §5: every form comes back with all its errors beside their fields, what was typed, and the
/// focus on the first error (no script: `autofocus` and a summary of links at the top).
@Suite struct FormErrorTests {
    static func pinnedToday(_ world: TestWorld) {
        world.app.clock.pin(Day(year: 2026, month: 6, day: 15)!.start.addingTimeInterval(12 * 3600))
    }

    static func ownWorker(_ world: TestWorld) async throws -> SocialWorker {
        try #require(try await SocialWorker.query(on: world.app.db).filter(\.$userID == world.id("user:worker")).first())
    }

    @Test func theTrainingFormWithNoDateKeepsWhatWasTypedAndIsNotForbidden() async throws {
        try await withApp { world in
            // setup: the worker records their own training
            Self.pinnedToday(world)
            let station = world.id("station:解放路街道")
            let worker = try await Self.ownWorker(world)
            let browser = Browser(world)
            _ = try await browser.login("worker")
            try await browser.get("/stations/\(station)/training")
            let before = try await TrainingRecord.query(on: world.app.db).count()
            // act: the date left empty
            let res = try await browser.postMultipart("/stations/\(station)/training", fields: [
                "worker_id": worker.id!.uuidString, "held_on": "", "hours": "3", "title": "危机干预培训", "organiser": "市民政局"])
            // check: a form error, not "您的角色无权新建此人员"; what was typed is still there
            #expect(res.status == .unprocessableEntity, "\(res.status)")
            let html = res.body.string
            #expect(!html.contains("无权"))
            #expect(html.contains("培训日期不能为空"))
            #expect(html.contains(#"value="危机干预培训""#) && html.contains(#"value="市民政局""#) && html.contains(#"value="3""#))
            FormChecks.expectErrors(html, ["held_on"], "training")
            #expect(try await TrainingRecord.query(on: world.app.db).count() == before)
        }
    }

    @Test func anEmptyTrainingFormReportsEveryError() async throws {
        try await withApp { world in
            // setup
            Self.pinnedToday(world)
            let station = world.id("station:解放路街道")
            let browser = Browser(world)
            _ = try await browser.login("operator")
            try await browser.get("/stations/\(station)/training")
            // act
            let res = try await browser.postMultipart("/stations/\(station)/training", fields: ["worker_id": "", "held_on": "", "hours": "", "title": "", "organiser": ""])
            // check: all four, in the form's order, the first focused; 学时 is called 学时
            #expect(res.status == .unprocessableEntity)
            let html = res.body.string
            FormChecks.expectErrors(html, ["worker_id", "held_on", "hours", "title"], "empty training form")
            #expect(html.contains("请选择参加培训的社工") && html.contains("培训日期不能为空") && html.contains("培训学时不能为空") && html.contains("培训名称不能为空"))
            #expect(!html.contains("时长"))
            #expect(html.contains("请更正以下 4 处问题后再提交"))
        }
    }

    @Test func aRefusedUploadSaysInWordsWhatIsAcceptedAndWhatWasSent() async throws {
        try await withApp { world in
            // setup
            Self.pinnedToday(world)
            let station = world.id("station:解放路街道")
            let worker = try await Self.ownWorker(world)
            let browser = Browser(world)
            _ = try await browser.login("operator")
            try await browser.get("/stations/\(station)/training")
            // act: a Word document
            let res = try await browser.postMultipart("/stations/\(station)/training", fields: [
                "worker_id": worker.id!.uuidString, "held_on": "2026-06-01", "hours": "2", "title": "督导培训"],
                file: ("结业证书.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Array("PK\u{3}\u{4}".utf8)))
            // check
            #expect(res.status == .unprocessableEntity)
            let html = res.body.string
            #expect(html.contains("佐证材料只接受 PDF 文件或 JPEG、PNG 图片；收到的“结业证书.docx”是Word 文档"))
            #expect(!html.contains("application/vnd"))
            FormChecks.expectErrors(html, ["attachment"], "upload")
        }
    }

    /// Each form: an empty or invalid submit is 422 with every error beside its field, the typed
    /// values kept (never a password), and exactly one `autofocus`, on the first invalid field.
    @Test func everyFormComesBackWithAllItsErrorsAndTheFocusOnTheFirst() async throws {
        try await withApp { world in
            // setup
            Self.pinnedToday(world)
            let station = world.id("station:解放路街道")
            let worker = try await Self.ownWorker(world)
            let operatorID = world.id("operator:0")
            let runner = try await Station.find(station, on: world.app.db)?.$operator.id?.uuidString ?? ""
            let year = try #require(try WorkingCalendar.bundled().years.keys.max()) + 1
            struct Case {
                var what: String
                var user: String?
                var page: String
                var post: String
                var form: [String: String]
                var fields: [String]
                var kept: [String] = []
                var secret: String? = nil
            }
            let s = StaffPages.supervisorPrefix
            let cases: [Case] = [
                Case(what: "login", user: nil, page: "/login", post: "/login", form: ["username": "", "password": ""], fields: ["username", "password"]),
                Case(what: "new station", user: "admin", page: "/stations/new", post: "/stations/new",
                     form: ["street_id": "", "name": "暂定站名", "address": "", "opened_on": "2026-02-30"],
                     fields: ["street_id", "address", "opened_on"], kept: ["暂定站名"]),
                Case(what: "station edit", user: "admin", page: "/stations/\(station)/edit", post: "/stations/\(station)/edit",
                     form: ["name": "", "address": "保留的地址", "operator_id": runner, "area_office": "很大", "area_case_work": "1000000000000"],
                     fields: ["name", "area_office", "area_case_work"], kept: ["保留的地址", "很大"]),
                Case(what: "org child", user: "admin", page: "/org/\(world.id("历下区"))", post: "/org/\(world.id("历下区"))/children",
                     form: ["name": "", "division_code": "12"], fields: ["name", "division_code"], kept: [#"value="12""#]),
                Case(what: "user", user: "admin", page: "/users/new", post: "/users/new",
                     form: ["username": "a", "display_name": "", "password": "Zq9", "role": "social_worker", "scope": ""],
                     fields: ["username", "display_name", "password", "scope"], kept: [#"value="a""#], secret: #"value="Zq9""#),
                Case(what: "operator", user: "admin", page: "/operators", post: "/operators", form: ["name": "", "credit_code": "12345"],
                     fields: ["name", "credit_code"], kept: [#"value="12345""#]),
                Case(what: "operator rename", user: "admin", page: "/operators", post: "/operators/\(operatorID)", form: ["name": ""],
                     fields: ["rename_\(operatorID)"]),
                Case(what: "calendar", user: "platform", page: "/calendar", post: "/calendar", form: ["year": "二〇二七", "holidays": "", "workdays": "明天"],
                     fields: ["year", "holidays", "workdays"], kept: ["明天"]),
                Case(what: "policy", user: "admin", page: "/policy", post: "/policy",
                     form: ["target": "", "value": "很多", "effective_from": "2026-02-30", "note": "保留的说明"],
                     fields: ["target", "value", "effective_from"], kept: ["保留的说明"]),
                Case(what: "supervision", user: "operator", page: "/stations/\(station)/supervision", post: "/stations/\(station)/supervision",
                     form: ["held_on": "", "hours": "", "form": "group", "topic": "", "issues": "保留的问题"],
                     fields: ["supervisor_id", "held_on", "hours", "supervisee_ids", "topic"], kept: ["保留的问题"]),
                Case(what: "new worker", user: "operator", page: "/stations/\(station)/staff", post: "/stations/\(station)/workers",
                     form: ["name": "", "birth_date": "", "experience_years": "很久", "education": "bachelor", "major": "social_work", "certificate_number": "保留的证书号"],
                     fields: ["name", "gender", "birth_date", "experience_years", "started_on"], kept: ["保留的证书号"]),
                Case(what: "new supervisor", user: "operator", page: "/stations/\(station)/staff", post: "/stations/\(station)/supervisors",
                     form: [s + "name": "", s + "experience_years": "很久", s + "started_on": "", s + "phone": "123"],
                     fields: [s + "name", s + "pool", s + "experience_years", s + "phone", s + "started_on"], kept: [#"value="123""#]),
                Case(what: "worker edit", user: "operator", page: "/workers/\(worker.id!)", post: "/workers/\(worker.id!)",
                     form: ["name": "", "experience_years": "-1", "major": "social_work", "certificate_number": "保留的证书号"],
                     fields: ["name", "experience_years"], kept: ["保留的证书号"]),
                Case(what: "posting", user: "operator", page: "/workers/\(worker.id!)", post: "/workers/\(worker.id!)/assign",
                     form: ["station_id": "", "assign_started_on": ""], fields: ["station_id", "assign_started_on"]),
                Case(what: "password", user: "worker", page: "/account/password", post: "/account/password",
                     form: ["current": "wrong-password", "new": "1", "repeat": "2"], fields: ["current", "new", "repeat"], secret: #"value="wrong-password""#),
            ]
            for c in cases {
                let browser = Browser(world)
                if let user = c.user { _ = try await browser.login(user) }
                try await browser.get(c.page)
                // act
                let res = try await browser.post(c.post, form: c.form)
                // check
                #expect(res.status == .unprocessableEntity, "\(c.what): \(res.status)")
                let html = res.body.string
                FormChecks.expectErrors(html, c.fields, c.what)
                for value in c.kept { #expect(html.contains(value), "\(c.what): lost \(value)") }
                if let secret = c.secret { #expect(!html.contains(secret), "\(c.what): the password came back") }
            }
            _ = year
        }
    }
}
