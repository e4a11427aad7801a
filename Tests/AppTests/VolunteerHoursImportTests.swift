@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 11 §1: hours from a community event's sign-in sheet — a dry run shows every row, a sheet
/// with any bad row writes nothing (422, each row's problem), a good one writes all rows at once.
@Suite("Volunteer hours from a sign-in sheet")
struct VolunteerHoursImportTests {
    static func upload(_ world: TestWorld, token: String, query: String, csv: String) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        headers.replaceOrAdd(name: .contentType, value: "text/csv")
        return try await world.app.testing().sendRequest(.POST, "/api/v1/volunteer-hour-imports" + query, headers: headers, body: ByteBuffer(string: csv))
    }

    /// The worker's community event four days ago with two registered volunteers, and its sign-in
    /// sheet twice: with a 40-minute row (not a multiple of 0.5 h) on line 3, and corrected.
    static func eventAndSheets(_ world: TestWorld) async throws -> (worker: String, record: UUID, bad: String, good: String) {
        let worker = try await world.token("worker")
        _ = try await VolunteerTests.register(world, token: worker)
        _ = try await VolunteerTests.register(world, token: worker, id: VolunteerTests.otherID, name: "赵敏敏")
        let event = try await world.api(.POST, "/api/v1/community-events", token: worker, json: try await CommunityWorkTests.event(world))
        let record = try #require(try await CommunityEvent.find(UUID(uuidString: try event.json()["id"] as? String ?? ""), on: world.app.db)).recordID
        let day = CaseworkTests.day(-4)
        let bad = "姓名,身份证号,开始时间,结束时间\n李志强,\(VolunteerTests.volunteerID),\(day) 14:00,\(day) 16:00\n赵敏敏,\(VolunteerTests.otherID),\(day) 14:00,\(day) 14:40\n"
        let good = "姓名,身份证号,开始时间,结束时间\n李志强,\(VolunteerTests.volunteerID),\(day) 14:00,\(day) 16:00\n赵敏敏,\(VolunteerTests.otherID),\(day) 14:00,\(day) 15:30\n"
        return (worker, record, bad, good)
    }

    @Test func aSignInSheetIsPreviewedAndWrittenAllOrNothing() async throws {
        try await withApp { world in
            // setup
            let (worker, record, bad, good) = try await Self.eventAndSheets(world)
            let query = "?activity_kind=community_event&record_id=\(record)"
            // act
            let preview = try await Self.upload(world, token: worker, query: query + "&dry_run=true", csv: bad)
            let refused = try await Self.upload(world, token: worker, query: query, csv: bad)
            let nothing = try await VolunteerHours.query(on: world.app.db).count()
            let reader = try await Self.upload(world, token: try await world.token("jiefanglu"), query: query, csv: good)
            let imported = try await Self.upload(world, token: worker, query: query, csv: good)
            let again = try await Self.upload(world, token: worker, query: query, csv: good)
            // check
            #expect(preview.status == .ok)
            let rows = try preview.json()["rows"] as? [[String: Any]] ?? []
            #expect(rows.count == 2 && rows[0]["valid"] as? Bool == true && rows[1]["valid"] as? Bool == false)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("第3行") && refused.body.string.contains("0.5 小时"))
            #expect(nothing == 0)
            #expect(reader.status == .forbidden)
            #expect(imported.status == .created, "\(imported.body.string)")
            #expect(try imported.json()["count"] as? Int == 2)
            #expect(try imported.json()["hours"] as? Double == 3.5)
            #expect(again.status == .unprocessableEntity)
            #expect(again.body.string.contains("不能重叠"))
            #expect(try await VolunteerHours.query(on: world.app.db).filter(\.$recordID == record).count() == 2)
        }
    }

    /// The page's upload form, as the browser posts it (the sheet under "file").
    static func upload(_ browser: Browser, path: String, csv: String, fields: [String: String] = [:]) async throws -> TestingHTTPResponse {
        let boundary = "shegong-hours-boundary"
        var body = ByteBuffer()
        for (k, v) in fields.merging(["_csrf": browser.csrf]) { a, _ in a } {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"签到表.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        if let cookie = browser.cookie { headers.add(name: .cookie, value: cookie) }
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await browser.world.app.testing().sendRequest(.POST, path, headers: headers, body: body)
    }

    /// The page: the worker uploads the event's sheet, sees every row with its problem, uploads the
    /// corrected sheet and confirms it once; nobody else can confirm that upload, and a station of
    /// another street of the district cannot even open the event's import.
    @Test func theSignInSheetPagePreviewsThenWritesOnConfirmation() async throws {
        try await withApp { world in
            // setup
            let (_, record, bad, good) = try await Self.eventAndSheets(world)
            let path = "/volunteer-hours/import?kind=community_event&record=\(record)"
            let confirmPath = "/volunteer-hours/import/confirm?kind=community_event&record=\(record)"
            let browser = Browser(world)
            _ = try await browser.login("worker")
            let form = try await browser.get(path)
            _ = try await RecipientTests.neighbourWorker(world)
            let neighbour = Browser(world)
            _ = try await neighbour.login("qianfo")
            let stranger = Browser(world)
            _ = try await stranger.login("operator")
            // act
            let refused = try await Self.upload(browser, path: path, csv: bad)
            let previewed = try await Self.upload(browser, path: path, csv: good)
            let digest = try #require(RecipientImportTests.hidden(previewed.body.string, "digest"))
            let outside = try await neighbour.get(path)
            _ = try await stranger.get(path)
            let notTheirs = try await stranger.post(confirmPath, form: ["digest": digest, "station_id": "", "activity_name": "", "place": ""])
            let confirmed = try await browser.post(confirmPath, form: ["digest": digest, "station_id": "", "activity_name": "", "place": ""])
            let twice = try await browser.post(confirmPath, form: ["digest": digest, "station_id": "", "activity_name": "", "place": ""])
            // check
            #expect(form.status == .ok && form.body.string.contains("从签到表导入志愿服务时长"))
            #expect(refused.status == .unprocessableEntity)
            #expect(RecipientImportTests.line(refused.body.string, 3).contains("0.5 小时"))
            #expect(!refused.body.string.contains("confirm-form"))
            #expect(previewed.status == .ok && previewed.body.string.contains("全部可以导入"))
            #expect(!previewed.body.string.contains(VolunteerTests.volunteerID), "the preview shows resident IDs masked")
            #expect(outside.status == .notFound)
            #expect(notTheirs.status == .unprocessableEntity && notTheirs.body.string.contains("没有找到待确认的签到表"))
            #expect(confirmed.status == .created, "\(confirmed.body.string)")
            #expect(confirmed.body.string.contains("已导入 2 条服务时长，共 3.5 小时"))
            #expect(twice.status == .unprocessableEntity)
            let entries = try await VolunteerHours.query(on: world.app.db).filter(\.$recordID == record).all()
            #expect(entries.count == 2 && entries.allSatisfy { $0.status == .recorded })
        }
    }

    /// After an import the station confirms the activity's entries together: the list shows them
    /// ticked, a reader may not confirm them, a second confirmation of the same entries is a 409.
    @Test func anActivitysEntriesAreConfirmedTogether() async throws {
        try await withApp { world in
            // setup
            let (worker, record, _, good) = try await Self.eventAndSheets(world)
            let imported = try await Self.upload(world, token: worker, query: "?activity_kind=community_event&record_id=\(record)", csv: good)
            #expect(imported.status == .created)
            let ids = try await VolunteerHours.query(on: world.app.db).filter(\.$recordID == record).all().map { $0.id!.uuidString }
            let browser = Browser(world)
            _ = try await browser.login("worker")
            let reader = Browser(world)
            _ = try await reader.login("jiefanglu")
            let path = "/volunteer-hours/pending?record=\(record)"
            let form = ids.enumerated().reduce(into: [String: String]()) { $0["ids[\($1.offset)]"] = $1.element }
            // act
            let listed = try await browser.get(path)
            let readersList = try await reader.get(path)
            let refused = try await reader.post("/volunteer-hours/confirmations?record=\(record)", form: form)
            let confirmed = try await browser.post("/volunteer-hours/confirmations?record=\(record)", form: form)
            let after = try await browser.get(path)
            let twice = try await browser.post("/volunteer-hours/confirmations?record=\(record)", form: form)
            // check
            #expect(listed.body.string.components(separatedBy: "name=\"ids[]\"").count - 1 == 2)
            #expect(!readersList.body.string.contains("name=\"ids[]\""), "a reader is not offered entries to confirm")
            #expect(refused.status == .forbidden)
            #expect(confirmed.status == .seeOther || confirmed.status == .found)
            #expect(after.body.string.contains("没有待您确认的服务时长"))
            #expect(twice.status == .conflict && twice.body.string.contains("已由"))
            let entries = try await VolunteerHours.query(on: world.app.db).filter(\.$recordID == record).all()
            #expect(entries.count == 2 && entries.allSatisfy { $0.status == .confirmed && $0.confirmedByName != nil })
        }
    }
}
