@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 9 §4: a station's list imported from .xlsx or .csv — the template, a preview of every row
/// with its problems, nothing written before the confirmation, then all rows or none, with progress;
/// the same through the API; only for those who may register recipients at the station.
@Suite("Recipient import")
struct RecipientImportTests {
    static let header = RecipientDraft.Field.allCases.map(\.label)
    static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// A made-up ID born on 1 March 1950 with sequence `n` (< 1000) and a valid check character.
    static func id(_ n: Int) -> String { ResidentID.completing("37010219500301" + String(format: "%03d", n))! }

    /// One row in the template's column order.
    static func row(_ name: String, id: String, village: String, categories: String = "低保", birth: String = "", sex: String = "") -> [String] {
        RecipientDraft.Field.allCases.map { f in
            switch f {
            case .name: name
            case .residentID: id
            case .village: village
            case .categories: categories
            case .birthDate: birth
            case .sex: sex
            default: ""
            }
        }
    }

    static func xlsx(_ rows: [[String]]) throws -> [UInt8] {
        Array(try Spreadsheet(sheetName: "名单", rows: ([header] + rows).map { $0.map { .text($0) } }).xlsx())
    }

    static func csv(_ rows: [[String]]) -> String {
        ([header] + rows).map { $0.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func villages(_ world: TestWorld, street: String = "解放路街道") async throws -> [String] {
        try await StationQueries.villages(ofStreet: world.id(street), on: world.app.db).map(\.name)
    }

    static func apiUpload(_ world: TestWorld, token: String, query: String, type: String, bytes: [UInt8]) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        headers.replaceOrAdd(name: .contentType, value: type)
        return try await world.app.testing().sendRequest(.POST, "/api/v1/recipient-imports" + query, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    /// The page's upload form, as the browser posts it (the file under "file").
    static func upload(_ browser: Browser, bytes: [UInt8], name: String = "名单.xlsx", fields: [String: String] = [:]) async throws -> TestingHTTPResponse {
        let boundary = "shegong-import-boundary"
        var body = ByteBuffer()
        for (k, v) in fields.merging(["_csrf": browser.csrf]) { a, _ in a } {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: \(xlsxType)\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        if let cookie = browser.cookie { headers.add(name: .cookie, value: cookie) }
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await browser.world.app.testing().sendRequest(.POST, "/recipients/import", headers: headers, body: body)
    }

    /// The HTML of one preview row (`<tr id="line-N"…</tr>`).
    static func line(_ html: String, _ n: Int) -> String {
        guard let start = html.range(of: "<tr id=\"line-\(n)\"") else { return "" }
        let rest = html[start.lowerBound...]
        return String(rest[..<(rest.range(of: "</tr>")?.lowerBound ?? rest.endIndex)])
    }

    static func hidden(_ html: String, _ name: String) -> String? {
        guard let r = html.range(of: #"name="\#(name)" value="[^"]*""#, options: .regularExpression) else { return nil }
        return String(html[r].dropFirst(#"name="\#(name)" value=""#.count).dropLast())
    }

    /// The operator (who keeps several stations) registers someone at 解放路街道's station.
    static func registerAsOperator(_ world: TestWorld, id: String, name: String) async throws {
        var body = try await RecipientTests.input(world, id: id, name: name)
        body["stationId"] = world.id("station:解放路街道").uuidString
        let res = try await world.api(.POST, "/api/v1/recipients", token: try await world.token("operator"), json: body)
        #expect(res.status == .created, "\(res.body.string)")
    }

    /// Follows the job page until the import has finished or failed.
    static func finished(_ browser: Browser, _ path: String) async throws -> String {
        for _ in 0..<400 {
            let html = try await browser.get(path).body.string
            if !html.contains("http-equiv=\"refresh\"") { return html }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("the import did not finish")
        return ""
    }

    @Test func theTemplateHasTheFieldLabelsAValidExampleAndTheCategories() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            try await browser.login("worker")
            try await browser.get("/recipients/import")
            // act
            let xlsx = try await browser.get("/recipients/import/template.xlsx")
            let csv = try await browser.get("/recipients/import/template.csv")
            // check: the headers read back as the import reads them, the example's ID is valid
            #expect(xlsx.status == .ok && xlsx.headers.contentType?.subType == "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            let rows = try XLSXReader.rows(Data(buffer: xlsx.body))
            #expect(Array(rows[0].prefix(Self.header.count)) == Self.header)
            #expect(rows[1][1] == ImportTemplate.exampleID)
            #expect((try? ResidentID(ImportTemplate.exampleID, today: world.app.clock.today)) != nil)
            #expect(rows[1].last?.contains("事实无人抚养儿童") == true)
            #expect(Array(Data(buffer: csv.body).prefix(3)) == [0xEF, 0xBB, 0xBF])
            #expect(csv.body.string.contains("姓名,身份证号"))
            // the example row left in the file is refused (its village is no village)
            let preview = try await Self.upload(browser, bytes: Array(Data(buffer: xlsx.body)))
            #expect(Self.line(preview.body.string, 2).contains("不是本站所在街道"))
        }
    }

    @Test func thePreviewShowsEachKindOfProblemBesideItsLineAndWritesNothing() async throws {
        try await withApp { world in
            // setup: one ID already registered in another street of the district
            let neighbour = try await RecipientTests.neighbourWorker(world)
            let elsewhere = Self.id(9)
            let registered = try await world.api(.POST, "/api/v1/recipients", token: neighbour,
                                                 json: try await RecipientTests.input(world, id: elsewhere, name: "邻街居民", street: "千佛山街道"))
            #expect(registered.status == .created, "\(registered.body.string)")
            let v = try await Self.villages(world)[0]
            var badCheck = Array(Self.id(2))
            badCheck[17] = badCheck[17] == "1" ? "2" : "1"
            let file = try Self.xlsx([
                Self.row("甲", id: Self.id(1), village: v),                               // 2: fine
                Self.row("乙", id: String(badCheck), village: v),                        // 3: check character
                Self.row("丙", id: Self.id(3), village: v, birth: "1960-01-01"),          // 4: birth date ≠ ID
                Self.row("丁", id: Self.id(4), village: "不存在社区"),                     // 5: unknown village
                Self.row("戊", id: Self.id(5), village: v, categories: "外星人"),          // 6: unknown category
                Self.row("己", id: Self.id(1), village: v),                               // 7: same ID as line 2
                Self.row("庚", id: elsewhere, village: v),                               // 8: registered elsewhere
            ])
            let browser = Browser(world)
            try await browser.login("worker")
            try await browser.get("/recipients/import")
            // act
            let res = try await Self.upload(browser, bytes: file)
            // check
            let html = res.body.string
            #expect(res.status == .unprocessableEntity)
            #expect(Self.line(html, 2).contains("可导入"))
            #expect(Self.line(html, 3).contains("校验码错误"))
            #expect(Self.line(html, 4).contains("与身份证号中的出生日期1950-03-01不一致"))
            #expect(Self.line(html, 5).contains("“不存在社区”不是本站所在街道"))
            #expect(Self.line(html, 6).contains("未知的类别“外星人”"))
            #expect(Self.line(html, 7).contains("与第2行重复"))
            #expect(Self.line(html, 8).contains("已在千佛山街道登记"))
            #expect(!Self.line(html, 8).contains("邻街居民"))
            #expect(html.contains("其中 6 行有问题"))
            #expect(!html.contains("confirm-form"))
            #expect(!html.contains(Self.id(1)), "IDs are masked in the preview")
            #expect(try await Recipient.query(on: world.app.db).count() == 1)
        }
    }

    @Test func confirmingImportsEveryRowWithCategoriesAndTimelineAndOnlyItsOwnerSeesTheJob() async throws {
        try await withApp { world in
            // setup
            let v = try await Self.villages(world)
            let file = try Self.xlsx([
                Self.row("赵一", id: Self.id(11), village: v[0], categories: "低保、独居老人"),
                Self.row("钱二", id: Self.id(12), village: v[1 % v.count], categories: "特困供养"),
                Self.row("孙三", id: "", village: v[0], categories: "其他", birth: "1970-05-06", sex: "女"),
            ])
            let browser = Browser(world)
            try await browser.login("worker")
            try await browser.get("/recipients/import")
            let preview = try await Self.upload(browser, bytes: file)
            #expect(preview.status == .ok, "\(preview.body.string.prefix(3000))")
            #expect(try await Recipient.query(on: world.app.db).count() == 0, "nothing before the confirmation")
            // act
            let confirmed = try await browser.post("/recipients/import/confirm",
                                                   form: ["digest": Self.hidden(preview.body.string, "digest") ?? "",
                                                          "station_id": Self.hidden(preview.body.string, "station_id") ?? ""])
            let job = confirmed.headers.first(name: .location) ?? ""
            let summary = try await Self.finished(browser, job)
            // check
            #expect(confirmed.status == .seeOther)
            #expect(job.hasPrefix("/recipients/import/jobs/"))
            #expect(summary.contains("导入 3 名服务对象"), "\(summary)")
            let all = try await Recipient.query(on: world.app.db).all()
            #expect(Set(all.map(\.name)) == ["赵一", "钱二", "孙三"])
            #expect(Set(all.compactMap(\.importID)).count == 1)
            let categories = try await RecipientCategoryRow.query(on: world.app.db).all().map(\.category)
            #expect(categories.sorted(by: { $0.rawValue < $1.rawValue }) == [.extremePoverty, .livingAlone, .minimumLiving, .other])
            #expect(try await RecipientEvent.query(on: world.app.db).all().map(\.kind) == [.imported, .imported, .imported])
            let audited = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "recipient_import").all()
            #expect(audited.count == 1)
            // the job page is its owner's only: the operator (who may import there too) gets 404
            let other = Browser(world)
            try await other.login("operator")
            #expect(try await other.get(job).status == .notFound)
            // and the same confirmation cannot run twice
            let again = try await browser.post("/recipients/import/confirm", form: ["digest": Self.hidden(preview.body.string, "digest") ?? "",
                                                                                    "station_id": Self.hidden(preview.body.string, "station_id") ?? ""])
            #expect(again.status == .unprocessableEntity)
            #expect(try await Recipient.query(on: world.app.db).count() == 3)
        }
    }

    @Test func theJobPageShowsProgressAndRefreshesItselfWhileRunning() throws {
        // setup
        let job = ImportRegistry.Job(id: UUID(), userID: UUID(), stationID: UUID(), stationName: "解放路街道社会工作服务站", filename: "名单.xlsx",
                                     total: 10_000, startedAt: Date(timeIntervalSince1970: 0), state: .running(written: 1_500))
        let caller = Caller(userID: job.userID, username: "worker", displayName: "社工", assignments: [])
        // act
        let running = ImportJobPage.view(job, caller: caller).render()
        var done = job
        done.state = .finished(importID: UUID(), count: 10_000)
        let finished = ImportJobPage.view(done, caller: caller).render()
        // check: no script, a refresh every second until done
        #expect(running.contains("已导入 1500 / 10000 行"))
        #expect(running.contains(#"<meta http-equiv="refresh" content="1""#))
        #expect(!running.contains("<script"))
        #expect(!finished.contains("refresh"))
        #expect(finished.contains("导入 10000 名服务对象"))
    }

    /// 10,000 rows: the job reports its progress every 500 rows (what the page shows), and the whole
    /// file is written. The time is printed (debug build, in-memory SQLite or the test PostgreSQL).
    @Test func tenThousandRowsAreImportedWithProgressAlongTheWay() async throws {
        try await withApp { world in
            // setup
            let v = try await Self.villages(world)
            var rows: [[String]] = []
            for i in 0..<10_000 {
                let day = Day(year: 1940 + i % 60, month: 1 + i % 12, day: 1 + i % 28)!
                let first17 = "379901" + day.description.replacingOccurrences(of: "-", with: "") + String(format: "%03d", i / 60 % 1000)
                rows.append(Self.row("居民\(i)", id: ResidentID.completing(first17)!, village: v[i % v.count], categories: i % 3 == 0 ? "低保、独居老人" : "其他"))
            }
            let station = try await Station.find(world.id("station:解放路街道"), on: world.app.db)!
            let app = world.app
            let today = app.clock.today
            let profile = try await app.policies.inForce(cityID: station.cityID, year: today.year, on: app.db).profile
            let user = try await User.query(on: app.db).filter(\.$username == "worker").first()!
            let caller = try await Caller.load(user, on: app.db)
            let audit = AuditLog(db: app.db, lock: app.writeLock, key: app.settings.dataKey.auditKey, actorID: caller.userID,
                                 actorName: caller.username, clientIP: "test", clock: app.clock)
            let file = Data(Self.csv(rows).utf8)
            let seen = ProgressLog()
            // act
            let begun = app.clock.now
            let started = ContinuousClock.now
            let table = try RecipientImporter.table(file, filename: "万人.csv")
            let checked = try await RecipientImporter.preview(table, station: station, profile: profile, today: today,
                                                              key: app.settings.dataKey, on: app.db)
            let previewed = ContinuousClock.now
            let outcome = try await RecipientImporter.commit(checked, station: station, caller: caller, key: app.settings.dataKey, today: today,
                                                             audit: audit, fileDigest: "test") { seen.add($0) }
            let written = ContinuousClock.now
            // check
            #expect(checked.allSatisfy { $0.draft != nil }, "\(checked.first { $0.draft == nil }?.problems ?? [])")
            #expect(outcome.count == 10_000)
            #expect(seen.values == Array(stride(from: 500, through: 10_000, by: 500)))
            #expect(try await Recipient.query(on: app.db).count() == 10_000)
            // the rows read back as the models read them (written by `BulkInsert`, not by Fluent): the
            // sealed ID opens, the dates decode, the categories hang on the record
            func imported(_ i: Int) async throws -> Recipient { try await Recipient.query(on: app.db).filter(\.$name == "居民\(i)").first()! }
            let first = try await imported(0)
            #expect(try app.settings.dataKey.open(first.residentIDSealed!) == ResidentID.completing("379901" + "19400101" + "000"))
            #expect((begun.addingTimeInterval(-1)...app.clock.now.addingTimeInterval(1)).contains(first.createdAt!))
            #expect(first.importID == outcome.importID)
            #expect(try await RecipientCategoryRow.query(on: app.db).filter(\.$recipient.$id == first.id!).all().map(\.category) == [.minimumLiving, .livingAlone])
            // keys follow the file's order (`OrderedIDs`, UUID version 7)
            var keys: [String] = []
            for i in [0, 1, 5_000, 9_999] { keys.append(try await imported(i).id!.uuidString) }
            #expect(keys == keys.sorted() && keys.allSatisfy { Array($0)[14] == "7" })
            print("10,000 rows: preview \(previewed - started), write \(written - previewed)")
        }
    }

    @Test func anIDRegisteredBetweenPreviewAndConfirmFailsTheImportWith409AndWritesNothing() async throws {
        try await withApp { world in
            // setup: a sound file previewed
            let v = try await Self.villages(world)[0]
            let file = try Self.xlsx([Self.row("周一", id: Self.id(21), village: v), Self.row("吴二", id: Self.id(22), village: v)])
            let browser = Browser(world)
            try await browser.login("worker")
            try await browser.get("/recipients/import")
            let preview = try await Self.upload(browser, bytes: file)
            #expect(preview.status == .ok)
            // meanwhile the operator registers one of the two
            try await Self.registerAsOperator(world, id: Self.id(22), name: "吴二")
            // act
            let confirmed = try await browser.post("/recipients/import/confirm",
                                                   form: ["digest": Self.hidden(preview.body.string, "digest") ?? "",
                                                          "station_id": Self.hidden(preview.body.string, "station_id") ?? ""])
            let page = try await Self.finished(browser, confirmed.headers.first(name: .location) ?? "")
            // check
            #expect(page.contains("导入未完成") && page.contains("HTTP 409") && page.contains("第3行"), "\(page)")
            #expect(try await Recipient.query(on: world.app.db).count() == 1)
        }
    }

    @Test func anIDRegisteredWhileTheRowsAreWrittenIsAConflictAndNothingIsWritten() async throws {
        try await withApp { world in
            // setup: rows checked, then one of their IDs registered before the write (the check inside the lock)
            let station = try await Station.find(world.id("station:解放路街道"), on: world.app.db)!
            let v = try await Self.villages(world)[0]
            let today = world.app.clock.today
            let profile = try await world.app.policies.inForce(cityID: station.cityID, year: today.year, on: world.app.db).profile
            let table = [Self.header, Self.row("郑一", id: Self.id(31), village: v), Self.row("王二", id: Self.id(32), village: v)]
            let rows = try await RecipientImporter.preview(table, station: station, profile: profile, today: today,
                                                           key: world.app.settings.dataKey, on: world.app.db)
            #expect(rows.allSatisfy { $0.draft != nil })
            try await Self.registerAsOperator(world, id: Self.id(32), name: "王二")
            let user = try await User.query(on: world.app.db).filter(\.$username == "worker").first()!
            let caller = try await Caller.load(user, on: world.app.db)
            let app = world.app
            let audit = AuditLog(db: app.db, lock: app.writeLock, key: app.settings.dataKey.auditKey, actorID: caller.userID,
                                 actorName: caller.username, clientIP: "test", clock: app.clock)
            // act
            var status: HTTPResponseStatus?
            do {
                _ = try await RecipientImporter.commit(rows, station: station, caller: caller, key: app.settings.dataKey, today: today,
                                                       audit: audit, fileDigest: "test")
            } catch let error as AppError {
                status = error.status
            }
            // check
            #expect(status == .conflict)
            #expect(try await Recipient.query(on: world.app.db).count() == 1)
        }
    }

    @Test func theAPIPreviewsOnADryRunAndImportsAllOrNothing() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let v = try await Self.villages(world)[0]
            let bad = try Self.xlsx([Self.row("冯一", id: Self.id(41), village: v), Self.row("陈二", id: "370102195003010", village: v),
                                     Self.row("褚三", id: Self.id(43), village: v)])
            let good = try Self.xlsx([Self.row("冯一", id: Self.id(41), village: v), Self.row("卫四", id: Self.id(44), village: v)])
            // act
            let dry = try await Self.apiUpload(world, token: token, query: "?dry_run=true", type: Self.xlsxType, bytes: bad)
            let refused = try await Self.apiUpload(world, token: token, query: "", type: Self.xlsxType, bytes: bad)
            let countAfterRefusal = try await Recipient.query(on: world.app.db).count()
            let created = try await Self.apiUpload(world, token: token, query: "?dry_run=false", type: Self.xlsxType, bytes: good)
            let wrongType = try await Self.apiUpload(world, token: token, query: "", type: "application/pdf", bytes: good)
            let wrongFlag = try await Self.apiUpload(world, token: token, query: "?dry_run=yes", type: Self.xlsxType, bytes: good)
            // check
            #expect(dry.status == .ok)
            let preview = try dry.json()
            #expect(preview["total"] as? Int == 3 && preview["invalid"] as? Int == 1)
            let rows = preview["rows"] as? [[String: Any]] ?? []
            let problems = rows[1]["problems"] as? [[String: Any]] ?? []
            #expect(rows[1]["line"] as? Int == 3)
            #expect(problems.first?["field"] as? String == "resident_id")
            #expect((problems.first?["message"] as? String)?.contains("应为18位") == true)
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.problemFields()["resident_id"]?.contains("第3行") == true)
            #expect((try refused.json()["rows"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3])
            #expect(countAfterRefusal == 0)
            #expect(created.status == .created, "\(created.body.string)")
            #expect(try created.json()["count"] as? Int == 2)
            #expect(try await Recipient.query(on: world.app.db).count() == 2)
            #expect(wrongType.status == .unsupportedMediaType)
            #expect(wrongFlag.status == .badRequest)
        }
    }

    @Test func aGB18030CSVAsChineseExcelSavesItIsImported() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let v = try await Self.villages(world)[0]
            let text = Self.csv([Self.row("蒋五", id: Self.id(51), village: v, categories: "低保、空巢老人"), Self.row("沈六", id: Self.id(52), village: v)])
            let bytes = try #require(text.data(using: Self.gb18030))
            #expect(bytes != Data(text.utf8), "really GB18030, not UTF-8")
            // act
            let res = try await Self.apiUpload(world, token: token, query: "", type: "text/csv", bytes: Array(bytes))
            // check
            #expect(res.status == .created, "\(res.body.string)")
            #expect(Set(try await Recipient.query(on: world.app.db).all().map(\.name)) == ["蒋五", "沈六"])
            #expect(try await RecipientCategoryRow.query(on: world.app.db).count() == 3)
        }
    }

    @Test func onlyThoseWhoMayRegisterAtTheStationMayImport() async throws {
        try await withApp { world in
            // setup
            let v = try await Self.villages(world)[0]
            let file = try Self.xlsx([Self.row("韩七", id: Self.id(61), village: v)])
            let station = world.id("station:解放路街道").uuidString
            let street = try await world.token("jiefanglu")
            let neighbour = try await RecipientTests.neighbourWorker(world)
            // act
            let officer = try await Self.apiUpload(world, token: street, query: "?station_id=\(station)", type: Self.xlsxType, bytes: file)
            let officerDry = try await Self.apiUpload(world, token: street, query: "?dry_run=true", type: Self.xlsxType, bytes: file)
            let nextDoor = try await Self.apiUpload(world, token: neighbour, query: "?station_id=\(station)&dry_run=true", type: Self.xlsxType, bytes: file)
            let officerPage = Browser(world)
            try await officerPage.login("jiefanglu")
            let page = try await officerPage.get("/recipients/import")
            let neighbourPage = Browser(world)
            try await neighbourPage.login("qianfo")
            try await neighbourPage.get("/recipients/import")
            let neighbourUpload = try await Self.upload(neighbourPage, bytes: file, fields: ["station_id": station])
            // check
            #expect(officer.status == .forbidden)
            #expect(officerDry.status == .forbidden)
            #expect(nextDoor.status == .notFound)
            #expect(page.status == .forbidden)
            #expect(neighbourUpload.status == .notFound)
            #expect(!nextDoor.body.string.contains("韩七"))
            #expect(try await Recipient.query(on: world.app.db).count() == 0)
        }
    }
}

/// The progress reports of an import, in the order they came.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var reported: [Int] = []
    func add(_ n: Int) { lock.lock(); reported.append(n); lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return reported }
}
