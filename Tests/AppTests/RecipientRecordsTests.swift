@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 9 §1, §3, §4: transfer of a recipient who moved house, merge of two records of one person,
/// households, consents with the scanned form, and the list's export (masked unless revealed with a
/// reason). Refusals: another street of the same district, another city, the street officer.
@Suite("Recipient records")
struct RecipientRecordsTests {
    static let pdf = Array("%PDF-1.4\n".utf8) + (0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 17) } + Array("\n%%EOF\n".utf8)

    /// A JSON field by its snake_case name (the API's), or the camelCase one.
    static func field(_ body: [String: Any], _ snake: String) -> Any? {
        if let v = body[snake] { return v }
        let parts = snake.split(separator: "_")
        return body[String(parts[0]) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()]
    }

    static func need(_ world: TestWorld, _ id: UUID, token: String, _ description: String, status: String? = nil) async throws {
        let added = try await world.api(.POST, "/api/v1/recipients/\(id)/needs", token: token,
                                        json: ["area": "elderly", "description": description, "urgency": "normal", "identified_on": "2026-03-01"])
        #expect(added.status == .created, "\(added.body.string)")
        if let status {
            let needID = try added.json()["id"] as! String
            let changed = try await world.api(.PATCH, "/api/v1/needs/\(needID)", token: token, json: ["status": status, "on": "2026-03-02"])
            #expect(changed.status == .ok, "\(changed.body.string)")
        }
    }

    /// A record typed without an ID (birth date and sex typed), as imported lists often have.
    static func registerWithoutID(_ world: TestWorld, token: String, name: String = "王秀英") async throws -> UUID {
        var body = try await RecipientTests.input(world, id: "", name: name)
        body["residentId"] = nil
        body["phone"] = nil
        body["birthDate"] = "1945-03-07"
        body["sex"] = "男"
        body["categories"] = ["空巢老人"]
        let res = try await world.api(.POST, "/api/v1/recipients", token: token, json: body)
        #expect(res.status == .created, "\(res.body.string)")
        return UUID(uuidString: try res.json()["id"] as! String)!
    }

    // MARK: transfer

    @Test func aWorkerTransfersARecipientWhoMovedAndBothStationsSeeIt() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let id = try await RecipientTests.register(world, token: worker)
            try await Self.need(world, id, token: worker, "助餐服务")
            try await Self.need(world, id, token: worker, "适老化改造", status: "met")
            let neighbour = try await RecipientTests.neighbourWorker(world)
            let target = world.id("station:千佛山街道")
            let village = try await RecipientTests.village(world, street: "千佛山街道")
            // act
            let res = try await world.api(.POST, "/api/v1/recipients/\(id)/transfer", token: worker,
                                          json: ["station_id": target.uuidString, "village_name": village, "on": "2026-03-10", "reason": "搬至女儿家居住"])
            // check: the record is the receiving station's now, with its street, district and village
            #expect(res.status == .ok, "\(res.body.string)")
            #expect(Self.field(try res.json(), "to_street_name") as? String == "千佛山街道")
            let r = try #require(try await Recipient.find(id, on: world.app.db))
            #expect(r.$station.id == target)
            #expect(r.path == (try await Station.find(target, on: world.app.db))!.path)
            #expect(r.villageID != nil)
            // the sender no longer opens it; the receiver does, and its timeline has the transfer
            #expect(try await world.api(.GET, "/api/v1/recipients/\(id)", token: worker).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/recipients/\(id)", token: neighbour).status == .ok)
            let event = try #require(try await RecipientEvent.query(on: world.app.db).filter(\.$kind == .transfer).first())
            #expect(event.fromStationID == world.id("station:解放路街道") && event.toStationID == target)
            #expect(event.reason == "搬至女儿家居住" && event.happenedOn == "2026-03-10")
            let receiving = Browser(world)
            try await receiving.login("qianfo")
            let page = try await receiving.get("/recipients/\(id)")
            #expect(page.body.string.contains("转移") && page.body.string.contains("搬至女儿家居住"))
            // the sender's "已转出" list: name, date and receiving street only
            let out = try await world.api(.GET, "/api/v1/recipient-transfers", token: worker)
            let rows = try out.jsonArray()
            #expect(rows.count == 1)
            #expect(Self.field(rows[0], "recipient_name") as? String == "王秀英")
            #expect(Self.field(rows[0], "to_street_name") as? String == "千佛山街道")
            #expect(!out.body.string.contains(village) && !out.body.string.contains(id.uuidString))
            // the open need moved along; the met one stays in the sender's needs list
            let needs = try await RecipientNeed.query(on: world.app.db).all()
            #expect(needs.first { $0.description == "助餐服务" }?.stationID == target)
            #expect(needs.first { $0.description == "适老化改造" }?.stationID == world.id("station:解放路街道"))
            // categories count for the receiving station
            #expect(try await RecipientCategoryRow.query(on: world.app.db).all().allSatisfy { $0.stationID == target })
            // audited
            #expect(try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "recipient").filter(\.$entityID == id.uuidString).count() == 2)
        }
    }

    @Test func aTransferIsRefusedOutsideTheCityToTheStreetOfficerAndToTheNeighbour() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let id = try await RecipientTests.register(world, token: worker)
            let path = "/api/v1/recipients/\(id)/transfer"
            let body: [String: Any] = ["station_id": world.id("station:千佛山街道").uuidString, "on": "2026-03-10", "reason": "搬家"]
            var otherCity = body
            otherCity["station_id"] = world.id("station:外街道").uuidString
            var noReason = body
            noReason["reason"] = ""
            var future = body
            future["on"] = "2999-01-01"
            // act
            let elsewhere = try await world.api(.POST, path, token: worker, json: otherCity)
            let missing = try await world.api(.POST, path, token: worker, json: noReason)
            let later = try await world.api(.POST, path, token: worker, json: future)
            let street = try await world.api(.POST, path, token: try await world.token("jiefanglu"), json: body)
            let evaluator = try await world.api(.POST, path, token: try await world.token("evaluator"), json: body)
            let neighbour = try await world.api(.POST, path, token: try await RecipientTests.neighbourWorker(world), json: body)
            let wuhan = try await world.api(.POST, path, token: try await world.token("wuhan"), json: body)
            // check
            #expect(elsewhere.status == .notFound)
            #expect(!elsewhere.body.string.contains("外街道") && !elsewhere.body.string.contains("外区"))
            #expect(missing.status == .unprocessableEntity)
            #expect(try missing.problemFields()["reason"]?.contains("转移原因") == true)
            #expect(later.status == .unprocessableEntity)
            #expect(street.status == .forbidden)
            #expect(evaluator.status == .forbidden)
            #expect(neighbour.status == .notFound)
            #expect(wuhan.status == .notFound)
            #expect(try await Recipient.find(id, on: world.app.db)?.$station.id == world.id("station:解放路街道"))
            #expect(try await RecipientEvent.query(on: world.app.db).filter(\.$kind == .transfer).count() == 0)
        }
    }

    @Test func theTransferFormSendsTheWorkerBackToTheListWhichShowsItAsTransferredOut() async throws {
        try await withApp { world in
            // setup
            let id = try await RecipientTests.register(world, token: try await world.token("worker"))
            let browser = Browser(world)
            try await browser.login("worker")
            let page = try await browser.get("/recipients/\(id)")
            #expect(page.body.string.contains("transfer-form"))
            // act
            let bad = try await browser.post("/recipients/\(id)/transfer", form: ["station_id": "", "on": "2026-03-10", "reason": "搬家"])
            let done = try await browser.post("/recipients/\(id)/transfer",
                                              form: ["station_id": world.id("station:千佛山街道").uuidString, "on": "2026-03-10", "reason": "搬家"])
            // check
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("请选择接收的社工站"))
            #expect(done.status == .seeOther || done.status == .found)
            let list = try await browser.get("/recipients")
            #expect(list.body.string.contains("transfers-out"))
            #expect(list.body.string.contains("王秀英") && list.body.string.contains("千佛山街道"))
        }
    }

    // MARK: merge

    @Test func mergingKeepsEveryLinkedRecordFillsTheIDAndHidesTheDuplicate() async throws {
        try await withApp { world in
            // setup: one record with the ID, one typed without it (the kept one)
            let worker = try await world.token("worker")
            let withID = try await RecipientTests.register(world, token: worker)
            let kept = try await Self.registerWithoutID(world, token: worker)
            try await Self.need(world, withID, token: worker, "助餐服务")
            // act
            let res = try await world.api(.POST, "/api/v1/recipients/\(kept)/merge", token: worker,
                                          json: ["other_id": withID.uuidString, "reason": "同一人重复登记"])
            // check
            #expect(res.status == .ok, "\(res.body.string)")
            #expect((Self.field(try res.json(), "resident_id") as? String)?.hasPrefix("3701**********") == true)
            let k = try #require(try await Recipient.find(kept, on: world.app.db))
            let o = try #require(try await Recipient.find(withID, on: world.app.db))
            #expect(o.mergedIntoID == kept && o.residentIDHash == nil)
            #expect(k.residentIDHash != nil && k.phoneMasked == "138****5678")
            #expect(try await RecipientNeed.query(on: world.app.db).first()?.$recipient.id == kept)
            let categories = try await RecipientCategoryRow.query(on: world.app.db).filter(\.$recipient.$id == kept).all().map(\.category)
            #expect(Set(categories) == [.emptyNest, .minimumLiving, .livingAlone])
            let merges = try await RecipientEvent.query(on: world.app.db).filter(\.$kind == .merge).all()
            #expect(Set(merges.map(\.$recipient.id)) == [kept, withID])
            #expect(try await RecipientEvent.query(on: world.app.db).filter(\.$recipient.$id == kept).filter(\.$kind == .registered).count() == 2)
            #expect(try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "recipient").filter(\.$action == .update).count() == 2)
            // the duplicate is hidden from the list, and its page says where it went
            let list = try await world.api(.GET, "/api/v1/recipients", token: worker)
            #expect((try list.json()["items"] as? [[String: Any]])?.count == 1)
            let browser = Browser(world)
            try await browser.login("worker")
            let page = try await browser.get("/recipients/\(withID)")
            #expect(page.body.string.contains("已合并至"))
            #expect(page.body.string.contains("/recipients/\(kept)"))
            #expect(!page.body.string.contains("merge-form"))
            // the ID now belongs to the kept record: registering it again names that one
            let again = try await world.api(.POST, "/api/v1/recipients", token: worker, json: try await RecipientTests.input(world, name: "王秀英"))
            #expect(again.status == .conflict)
        }
    }

    @Test func twoMergesAtOnceGiveOne409AndMergesOutsideScopeAre404() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let a = try await Self.registerWithoutID(world, token: worker, name: "张三")
            let b = try await Self.registerWithoutID(world, token: worker, name: "张三")
            let c = try await Self.registerWithoutID(world, token: worker, name: "张三")
            let neighbour = try await RecipientTests.neighbourWorker(world)
            var other = try await RecipientTests.input(world, id: RecipientTests.childID, name: "李小雨", street: "千佛山街道")
            other["categories"] = ["留守儿童"]
            let created = try await world.api(.POST, "/api/v1/recipients", token: neighbour, json: other)
            let outside = UUID(uuidString: try created.json()["id"] as! String)!
            let differentID = try await RecipientTests.register(world, token: worker)
            let withOtherID = try await world.api(.POST, "/api/v1/recipients", token: worker,
                                                  json: try await RecipientTests.input(world, id: ResidentID.completing("37010219450307011")!, name: "王秀英"))
            let second = UUID(uuidString: try withOtherID.json()["id"] as! String)!
            // act: a and c both absorb b at once
            async let first = world.api(.POST, "/api/v1/recipients/\(a)/merge", token: worker, json: ["other_id": b.uuidString, "reason": "重复登记"])
            async let racing = world.api(.POST, "/api/v1/recipients/\(c)/merge", token: worker, json: ["other_id": b.uuidString, "reason": "重复登记"])
            let statuses = [try await first.status.code, try await racing.status.code].sorted()
            let intoNeighbour = try await world.api(.POST, "/api/v1/recipients/\(a)/merge", token: worker, json: ["other_id": outside.uuidString, "reason": "重复"])
            let fromNeighbour = try await world.api(.POST, "/api/v1/recipients/\(outside)/merge", token: worker, json: ["other_id": a.uuidString, "reason": "重复"])
            let street = try await world.api(.POST, "/api/v1/recipients/\(a)/merge", token: try await world.token("jiefanglu"),
                                             json: ["other_id": c.uuidString, "reason": "重复"])
            let twoIDs = try await world.api(.POST, "/api/v1/recipients/\(differentID)/merge", token: worker, json: ["other_id": second.uuidString, "reason": "重复"])
            let itself = try await world.api(.POST, "/api/v1/recipients/\(a)/merge", token: worker, json: ["other_id": a.uuidString, "reason": "重复"])
            // check
            #expect(statuses == [200, 409])
            #expect(intoNeighbour.status == .notFound && fromNeighbour.status == .notFound)
            #expect(!intoNeighbour.body.string.contains("李小雨"))
            #expect(street.status == .forbidden)
            #expect(twoIDs.status == .unprocessableEntity)
            #expect(try twoIDs.problemFields()["other_id"]?.contains("身份证号不同") == true)
            #expect(itself.status == .unprocessableEntity)
            #expect(try await Recipient.find(outside, on: world.app.db)?.mergedIntoID == nil)
            #expect(try await RecipientEvent.query(on: world.app.db).filter(\.$kind == .merge).count() == 2)
        }
    }

    // MARK: households

    @Test func aHouseholdLinksMembersOfTheSameStationWithTheirRelation() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let head = try await RecipientTests.register(world, token: worker)
            var child = try await RecipientTests.input(world, id: RecipientTests.childID, name: "王小雨")
            child["categories"] = ["留守儿童"]
            let member = UUID(uuidString: try await world.api(.POST, "/api/v1/recipients", token: worker, json: child).json()["id"] as! String)!
            let neighbour = try await RecipientTests.neighbourWorker(world)
            var far = try await RecipientTests.input(world, id: ResidentID.completing("37010219500101003")!, name: "赵大妈", street: "千佛山街道")
            far["categories"] = ["低保"]
            let other = UUID(uuidString: try await world.api(.POST, "/api/v1/recipients", token: neighbour, json: far).json()["id"] as! String)!
            let path = "/api/v1/recipients/\(member)/household"
            // act
            let noRelation = try await world.api(.PUT, path, token: worker, json: ["head_id": head.uuidString])
            let otherStation = try await world.api(.PUT, path, token: worker, json: ["head_id": other.uuidString, "relation": "grandchild"])
            let street = try await world.api(.PUT, path, token: try await world.token("jiefanglu"), json: ["head_id": head.uuidString, "relation": "grandchild"])
            let linked = try await world.api(.PUT, path, token: worker, json: ["head_id": head.uuidString, "relation": "grandchild"])
            // check
            #expect(noRelation.status == .unprocessableEntity)
            #expect(try noRelation.problemFields()["relation"]?.contains("与户主的关系") == true)
            #expect(otherStation.status == .unprocessableEntity)
            #expect(try otherStation.problemFields()["head_id"]?.contains("本社工站") == true)
            #expect(street.status == .forbidden)
            #expect(linked.status == .ok, "\(linked.body.string)")
            let members = Self.field(try linked.json(), "members") as? [[String: Any]] ?? []
            #expect(members.map { $0["name"] as? String } == ["王秀英", "王小雨"])
            #expect(members.compactMap { Self.field($0, "relation_label") as? String } == ["户主", "（外）孙子女"])
            let browser = Browser(world)
            try await browser.login("worker")
            let page = try await browser.get("/recipients/\(head)")
            #expect(page.body.string.contains("/recipients/\(member)"))
            #expect(page.body.string.contains("（外）孙子女"))
            // a head with members stays head; a member leaves with null
            let headLeaves = try await world.api(.PUT, "/api/v1/recipients/\(head)/household", token: worker, raw: #"{"head_id": null}"#)
            #expect(headLeaves.status == .unprocessableEntity)
            let leaves = try await world.api(.PUT, path, token: worker, raw: #"{"head_id": null}"#)
            #expect(leaves.status == .ok)
            #expect(try await Recipient.find(member, on: world.app.db)?.householdID == nil)
        }
    }

    // MARK: consents

    @Test func aConsentFormIsUploadedFromThePageAndDownloadedAsTheSameBytesByWhoMayReveal() async throws {
        try await withApp { world in
            let dir = NSTemporaryDirectory() + "shegong-consent-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: dir) }
            world.app.settings.dataDirectory = dir
            // setup
            let worker = try await world.token("worker")
            let id = try await RecipientTests.register(world, token: worker)
            let browser = Browser(world)
            try await browser.login("worker")
            try await browser.get("/recipients/\(id)")
            // act: a wrong file first, then the scanned PDF
            let wrong = try await browser.postMultipart("/recipients/\(id)/consents", fields: ["kind": "services", "given_on": "2026-03-01"],
                                                        file: (name: "同意书.docx", type: "application/msword", bytes: Array("PK\u{3}\u{4}".utf8)))
            let posted = try await browser.postMultipart("/recipients/\(id)/consents", fields: ["kind": "data_sharing", "given_on": "2026-03-01"],
                                                         file: (name: "信息共享同意书.pdf", type: "application/pdf", bytes: Self.pdf))
            // check
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("知情同意书扫描件只接受 PDF"))
            #expect(posted.status == .seeOther || posted.status == .found, "\(posted.body.string)")
            let list = try await world.api(.GET, "/api/v1/recipients/\(id)/consents", token: worker)
            let consent = try #require(list.jsonArray().first)
            #expect(Self.field(consent, "kind_label") as? String == "信息共享同意")
            #expect(Self.field(consent, "has_form") as? Bool == true)
            #expect(Self.field(consent, "recorded_by_name") as? String == "驻站社工 陈静")
            let consentID = consent["id"] as! String
            let download = try await world.api(.GET, "/api/v1/consents/\(consentID)/form", token: worker)
            #expect(download.status == .ok)
            #expect(Array(download.body.readableBytesView) == Self.pdf)
            #expect(download.headers.first(name: .contentType) == "application/pdf")
            let page = try await browser.get("/consents/\(consentID)/form")
            #expect(Array(page.body.readableBytesView) == Self.pdf)
            // refusals: the street officer sees the record but not the form; the neighbour nothing
            #expect(try await world.api(.GET, "/api/v1/consents/\(consentID)/form", token: try await world.token("jiefanglu")).status == .forbidden)
            #expect(try await world.api(.GET, "/api/v1/consents/\(consentID)/form", token: try await RecipientTests.neighbourWorker(world)).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/consents/\(consentID)/form", token: try await world.token("outsider")).status == .notFound)
            #expect(try await AuditEvent.query(on: world.app.db).filter(\.$action == .attachmentRead).count() == 2)
            #expect(try await RecipientEvent.query(on: world.app.db).filter(\.$kind == .consent).count() == 1)
            // JSON without a form, and a bad kind
            let plain = try await world.api(.POST, "/api/v1/recipients/\(id)/consents", token: worker, json: ["kind": "services", "given_on": "2026-03-02"])
            #expect(plain.status == .created)
            let bad = try await world.api(.POST, "/api/v1/recipients/\(id)/consents", token: worker, json: ["kind": "x", "given_on": ""])
            #expect(bad.status == .unprocessableEntity)
            #expect(Set(try bad.problemFields().keys) == ["kind", "given_on"])
        }
    }

    // MARK: export

    static func export(_ world: TestWorld, token: String, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        try await world.api(.POST, "/api/v1/recipient-exports", token: token, json: body)
    }

    @Test func theExportIsMaskedAndFullValuesNeedTheRightAndAReasonAndAreAudited() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            try await RecipientTests.register(world, token: worker)
            var formula = try await RecipientTests.input(world, id: RecipientTests.childID, name: "李小雨")
            formula["categories"] = ["留守儿童"]
            formula["address"] = "=HYPERLINK(\"http://x\")"
            #expect(try await world.api(.POST, "/api/v1/recipients", token: worker, json: formula).status == .created)
            let fields = ["name", "resident_id", "phone", "address", "categories"]
            // act
            let masked = try await Self.export(world, token: worker, ["format": "csv", "fields": fields])
            let filtered = try await Self.export(world, token: worker, ["format": "csv", "fields": fields, "category": "低保"])
            let noReason = try await Self.export(world, token: worker, ["format": "csv", "fields": fields, "full": true])
            let full = try await Self.export(world, token: worker, ["format": "csv", "fields": fields, "full": true, "reason": "报送民政局低保复核"])
            let street = try await Self.export(world, token: try await world.token("jiefanglu"), ["format": "csv", "fields": fields, "full": true, "reason": "核对名单"])
            let streetMasked = try await Self.export(world, token: try await world.token("jiefanglu"), ["format": "csv", "fields": fields])
            let evaluator = try await Self.export(world, token: try await world.token("evaluator"), ["format": "csv", "fields": fields])
            let xlsx = try await Self.export(world, token: worker, ["format": "xlsx"])
            let outsider = try await Self.export(world, token: try await world.token("outsider"), ["format": "csv"])
            // check: masked by default, formulas neutralised, filters applied
            #expect(masked.status == .ok)
            let text = masked.body.string
            #expect(text.contains("姓名,身份证号,联系电话,住址,人群类别"))
            #expect(text.contains("3701**********") && text.contains("138****5678"))
            #expect(!text.contains(RecipientTests.elderID) && !text.contains("13805315678"))
            #expect(text.contains("\"'=HYPERLINK"))
            #expect(filtered.body.string.contains("王秀英") && !filtered.body.string.contains("李小雨"))
            #expect(noReason.status == .unprocessableEntity)
            #expect(try noReason.problemFields()["reason"] != nil)
            #expect(full.status == .ok)
            #expect(full.body.string.contains(RecipientTests.elderID) && full.body.string.contains("13805315678"))
            #expect(street.status == .forbidden)
            #expect(streetMasked.status == .ok && streetMasked.body.string.contains("3701**********"))
            #expect(evaluator.status == .ok)
            #expect(!evaluator.body.string.contains("身份证号") && !evaluator.body.string.contains("联系电话") && !evaluator.body.string.contains("3701"))
            #expect(xlsx.headers.first(name: .contentType)?.contains("spreadsheetml") == true)
            #expect(Array(xlsx.body.readableBytesView.prefix(2)) == Array("PK".utf8))
            #expect(outsider.status == .ok && !outsider.body.string.contains("王秀英"))
            // every export audited; the full one with its reason and row count, never the values
            let reads = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "recipient_export").all()
            let fullRead = try #require(reads.first { $0.changes.contains("报送民政局低保复核") })
            #expect(fullRead.action == .sensitiveRead)
            #expect(fullRead.changes.contains("\"2\"") || fullRead.changes.contains("2"))
            #expect(!reads.contains { $0.changes.contains(RecipientTests.elderID) || $0.changes.contains("13805315678") })
            #expect(reads.count == 7)   // the outsider's empty export too
        }
    }

    @Test func theListPageOffersTheExportWithItsFiltersAndTheFormDownloads() async throws {
        try await withApp { world in
            // setup
            try await RecipientTests.register(world, token: try await world.token("worker"))
            let browser = Browser(world)
            try await browser.login("worker")
            // act
            let list = try await browser.get("/recipients?category=minimum_living")
            let csv = try await browser.post("/recipients/export", form: ["format": "csv", "field_name": "on", "field_resident_id": "on", "category": "minimum_living"])
            let evaluator = Browser(world)
            try await evaluator.login("evaluator")
            let evaluatorList = try await evaluator.get("/recipients")
            // check
            #expect(list.body.string.contains("export-form"))
            #expect(list.body.string.contains(#"name="category" value="minimum_living""#))
            #expect(list.body.string.contains("field_resident_id"))
            #expect(csv.status == .ok)
            #expect(csv.body.string.contains("王秀英") && csv.body.string.contains("3701**********"))
            #expect(!evaluatorList.body.string.contains("field_resident_id") && !evaluatorList.body.string.contains("field_phone"))
        }
    }
}
