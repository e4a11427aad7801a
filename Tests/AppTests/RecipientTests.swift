@testable import App
import Domain
import Fluent
import Crypto
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 9: the key-population library and the needs list (V-8): registration with the
/// ID checked and sealed, masking and audited reveals, scope, duplicates, status and needs.
@Suite("Recipients")
struct RecipientTests {
    /// Born 1945-03-07 (81 on the test clock's day, so 高龄老人), male (odd 17th digit).
    static let elderID = ResidentID.completing("37010219450307001")!
    /// Born 2015-03-07, female: a minor.
    static let childID = ResidentID.completing("37010220150307002")!

    static func village(_ world: TestWorld, street: String = "解放路街道") async throws -> String {
        try await StationQueries.villages(ofStreet: world.id(street), on: world.app.db)[0].name
    }

    static func input(_ world: TestWorld, id: String = elderID, name: String = "王秀英", street: String = "解放路街道") async throws -> [String: Any] {
        ["name": name, "resident_id": id, "phone": "13805315678", "address": "解放路 12 号", "village": try await village(world, street: street),
         "categories": ["低保", "独居老人"], "follow_up_level": 2]
    }

    /// A social worker of another street of the same district (历下区), for "outside but next door".
    static func neighbourWorker(_ world: TestWorld) async throws -> String {
        let user = User(username: "qianfo", displayName: "千佛山街道 社工", passwordHash: try world.app.password.hash(TestWorld.password))
        try await user.create(on: world.app.db)
        try await RoleAssignment(userID: user.id!, role: .socialWorker, unitID: world.id("千佛山街道"), operatorID: nil).create(on: world.app.db)
        return try await world.token("qianfo")
    }

    @discardableResult
    static func register(_ world: TestWorld, token: String, id: String = elderID, name: String = "王秀英") async throws -> UUID {
        let res = try await world.api(.POST, "/api/v1/recipients", token: token, json: try await input(world, id: id, name: name))
        #expect(res.status == .created, "\(res.body.string)")
        return UUID(uuidString: try res.json()["id"] as! String)!
    }

    @Test func aWorkerRegistersARecipientWhoseIDIsSealedAndMasked() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            // act
            let res = try await world.api(.POST, "/api/v1/recipients", token: token, json: try await Self.input(world))
            // check: birth date and sex come from the ID; the answer is masked; 高龄老人 is derived
            #expect(res.status == .created)
            let body = try res.json()
            #expect(body["resident_id"] as? String == "3701**********" + Self.elderID.suffix(4))
            #expect(body["phone"] as? String == "138****5678")
            #expect(body["birth_date"] as? String == "1945-03-07")
            #expect(body["sex"] as? String == "男")
            #expect((body["category_labels"] as? [String]) == ["低保", "独居老人", "高龄老人"])
            // at rest: neither the ID nor the phone appears in the row
            let row = try await (world.app.db as! any SQLDatabase).raw("SELECT * FROM recipients").first()!
            let stored = try ["resident_id_sealed", "phone_sealed", "resident_id_hash", "phone_hash"].map { try row.decode(column: $0, as: String.self) }.joined()
            #expect(!stored.contains(Self.elderID) && !stored.contains("13805315678"))
            // and the timeline has the registration
            let events = try await RecipientEvent.query(on: world.app.db).all()
            #expect(events.map(\.kind) == [.registered])
        }
    }

    @Test func badInputNamesEveryFieldInChinese() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            var bad = try await Self.input(world)
            bad["resident_id"] = String(Self.elderID.dropLast()) + (Self.elderID.last == "1" ? "2" : "1")
            bad["village"] = "不存在社区"
            bad["categories"] = ["外星人"]
            bad["follow_up_level"] = 9
            // act
            let res = try await world.api(.POST, "/api/v1/recipients", token: token, json: bad)
            // check
            #expect(res.status == .unprocessableEntity)
            let fields = try res.problemFields()
            #expect(fields["resident_id"]?.contains("校验") == true)
            #expect(fields["categories"]?.contains("外星人") == true)
            #expect(fields["follow_up_level"]?.contains("1至3") == true)   // Jinan's scale is 1–3 (profile data)
            #expect(try await Recipient.query(on: world.app.db).count() == 0)
            // an unknown village is refused too (checked once the draft itself is sound)
            var village = try await Self.input(world)
            village["village"] = "不存在社区"
            let refused = try await world.api(.POST, "/api/v1/recipients", token: token, json: village)
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.problemFields()["village"]?.contains("不存在社区") == true)
        }
    }

    @Test func aRegisteredIDIsRefusedNamingTheRecordInScopeAndOnlyTheStreetOutside() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            try await Self.register(world, token: worker)
            let neighbour = try await Self.neighbourWorker(world)
            // act: the same station, then another street of the same district
            let again = try await world.api(.POST, "/api/v1/recipients", token: worker, json: try await Self.input(world, name: "王秀英"))
            let elsewhere = try await world.api(.POST, "/api/v1/recipients", token: neighbour,
                                                json: try await Self.input(world, name: "王秀英", street: "千佛山街道"))
            // check
            #expect(again.status == .conflict)
            #expect(try again.problemFields()["resident_id"]?.contains("王秀英") == true)
            #expect(elsewhere.status == .conflict)
            let message = try elsewhere.problemFields()["resident_id"] ?? ""
            #expect(message.contains("已在解放路街道登记"))
            #expect(!message.contains("王秀英") && !message.contains("服务站"))
            #expect(try await Recipient.query(on: world.app.db).count() == 1)
        }
    }

    @Test func twoWorkersRegisteringOnePersonAtOnceGetOneRecordAndOne409() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let operatorToken = try await world.token("operator")
            // The operator runs several stations, so both name the station.
            var input = try await Self.input(world)
            input["station_id"] = world.id("station:解放路街道").uuidString
            let body = String(decoding: try JSONSerialization.data(withJSONObject: input), as: UTF8.self)
            // act
            async let a = world.api(.POST, "/api/v1/recipients", token: worker, raw: body)
            async let b = world.api(.POST, "/api/v1/recipients", token: operatorToken, raw: body)
            let statuses = [try await a.status, try await b.status].map(\.code).sorted()
            // check
            #expect(statuses == [201, 409])
            #expect(try await Recipient.query(on: world.app.db).count() == 1)
        }
    }

    /// The access table for recipients: each demo role, inside its scope and outside it — another
    /// street of the same district, and another city.
    @Test func whoReadsUpdatesAndRevealsARecipient() async throws {
        try await withApp { world in
            // setup
            let id = try await Self.register(world, token: try await world.token("worker"))
            let path = "/api/v1/recipients/\(id)"
            let reveal: [String: Any] = ["field": "resident_id", "reason": "协助办理低保年审"]
            // (read, status update, reveal) expected per account, in this order: the worker pauses the
            // record first, so the operator asking for the same status again is refused as such (422).
            let expected: [(String, Int, Int, Int)] = [
                ("worker", 200, 200, 200), ("operator", 200, 422, 200),
                ("jiefanglu", 200, 403, 403), ("lixia", 200, 403, 403), ("admin", 200, 403, 403), ("evaluator", 200, 403, 403),
                // a supervisor's district holds the record, but supervisors read recipients only through
                // cases (issue 10): until a case names the recipient it is outside their scope, so 404
                ("supervisor", 404, 404, 404), ("outsider", 404, 404, 404), ("wuhan", 404, 404, 404),
                ("qianfo", 404, 404, 404),   // another street of the same district
            ]
            var tokens: [String: String] = [:]
            tokens["qianfo"] = try await Self.neighbourWorker(world)
            for (user, _, _, _) in expected where user != "qianfo" { tokens[user] = try await world.token(user) }
            // act + check
            for (user, read, update, revealed) in expected {
                let token = tokens[user]!
                let r = try await world.api(.GET, path, token: token)
                #expect(r.status.code == read, "\(user) read")
                // the worker pauses first; the operator then asks for the same status again (422: already so)
                let u = try await world.api(.POST, path + "/status", token: token, json: ["status": "paused", "on": world.app.clock.today.description, "reason": "住院"])
                #expect(u.status.code == update, "\(user) update: \(u.body.string)")
                let v = try await world.api(.POST, path + "/reveal", token: token, json: reveal)
                #expect(v.status.code == revealed, "\(user) reveal")
                if read == 200 {
                    let body = try r.json()
                    if user == "evaluator" {
                        #expect(body["resident_id"] == nil && body["phone"] == nil, "an evaluator never sees ID or phone")
                    } else {
                        #expect((body["resident_id"] as? String)?.contains("**********") == true, "\(user) sees the ID masked")
                    }
                }
                if revealed == 200 { #expect(try v.json()["value"] as? String == Self.elderID) }
                if read != 200 { #expect(!r.body.string.contains("王秀英")) }
            }
        }
    }

    @Test func aRevealNeedsAReasonAndIsAuditedWithIt() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let id = try await Self.register(world, token: worker)
            // act
            let refused = try await world.api(.POST, "/api/v1/recipients/\(id)/reveal", token: worker, json: ["field": "phone", "reason": ""])
            let shown = try await world.api(.POST, "/api/v1/recipients/\(id)/reveal", token: worker, json: ["field": "phone", "reason": "电话回访确认需求"])
            // check
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.problemFields()["reason"]?.contains("查看原因") == true)
            #expect(try shown.json()["value"] as? String == "13805315678")
            let reads = try await AuditEvent.query(on: world.app.db).filter(\.$action == .sensitiveRead).all()
            #expect(reads.count == 1)
            #expect(reads.first?.entityID == id.uuidString)
            #expect(reads.first?.changes.contains("电话回访确认需求") == true)
            #expect(reads.first?.changes.contains("13805315678") == false)
        }
    }

    @Test func theListFiltersByCategoryStatusAndExactIDAndStaysInScope() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            try await Self.register(world, token: worker)
            var child = try await Self.input(world, id: Self.childID, name: "李小雨")
            child["categories"] = ["留守儿童"]
            child["guardian_name"] = "李建国"
            child["guardian_phone"] = "13912345678"
            let created = try await world.api(.POST, "/api/v1/recipients", token: worker, json: child)
            #expect(created.status == .created)
            // act
            func names(_ query: String, _ token: String) async throws -> [String] {
                let res = try await world.api(.GET, "/api/v1/recipients?" + query, token: token)
                #expect(res.status == .ok, "\(res.body.string)")
                return (try res.json()["items"] as? [[String: Any]] ?? []).map { $0["name"] as! String }
            }
            // check
            #expect(try await names("category=left_behind_child", worker) == ["李小雨"])
            #expect(try await names("category=低保", worker) == ["王秀英"])
            #expect(try await names("resident_id=" + Self.childID, worker) == ["李小雨"])
            #expect(try await names("status=paused", worker) == [])
            #expect(try await names("q=秀英", try await world.token("lixia")) == ["王秀英"])
            #expect(try await names("", try await world.token("outsider")) == [])
            #expect(try await names("", try await Self.neighbourWorker(world)) == [])
            let bad = try await world.api(.GET, "/api/v1/recipients?category=nope", token: worker)
            #expect(bad.status == .badRequest)   // a query value, as everywhere in the API
        }
    }

    @Test func statusChangesKeepTheirDateAndReasonInTheTimeline() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let id = try await Self.register(world, token: worker)
            // act
            let noReason = try await world.api(.POST, "/api/v1/recipients/\(id)/status", token: worker, json: ["status": "deceased", "on": world.app.clock.today.description])
            let done = try await world.api(.POST, "/api/v1/recipients/\(id)/status", token: worker,
                                            json: ["status": "deceased", "on": world.app.clock.today.description, "reason": "家属告知"])
            // check
            #expect(noReason.status == .unprocessableEntity)
            #expect(done.status == .ok)
            #expect(try done.json()["status_label"] as? String == "去世")
            let events = try await RecipientEvent.query(on: world.app.db).filter(\.$kind == .status).all()
            #expect(events.map(\.reason) == ["家属告知"])
            #expect(events.first?.happenedOn == world.app.clock.today.description)
            #expect(try await Recipient.query(on: world.app.db).count() == 1)   // never deleted
        }
    }

    @Test func needsUseTheCitysServiceFieldsAndFormTheStationsList() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let id = try await Self.register(world, token: worker)
            // act
            let unknown = try await world.api(.POST, "/api/v1/recipients/\(id)/needs", token: worker,
                                              json: ["area": "space", "description": "x", "urgency": "normal", "identified_on": world.app.clock.today.description])
            let added = try await world.api(.POST, "/api/v1/recipients/\(id)/needs", token: worker,
                                            json: ["area": "elderly", "description": "助餐服务", "urgency": "high", "identified_on": world.app.clock.today.description])
            let needID = try added.json()["id"] as! String
            let served = try await world.api(.PATCH, "/api/v1/needs/\(needID)", token: worker, json: ["status": "being_served", "on": world.app.clock.today.description])
            let station = world.id("station:解放路街道")
            let list = try await world.api(.GET, "/api/v1/stations/\(station)/needs?status=being_served", token: try await world.token("jiefanglu"))
            let hidden = try await world.api(.GET, "/api/v1/stations/\(station)/needs", token: try await Self.neighbourWorker(world))
            // check
            #expect(unknown.status == .unprocessableEntity)
            #expect(try unknown.problemFields()["area"]?.contains("养老服务") == true)
            #expect(added.status == .created)
            #expect(served.status == .ok)
            #expect(try list.jsonArray().map { $0["description"] as? String } == ["助餐服务"])
            #expect(try list.jsonArray().first?["area_label"] as? String == "养老服务")
            #expect(hidden.status == .notFound)
        }
    }

    @Test func thePagesSearchBeforeCreateMaskAndRevealWithAReason() async throws {
        try await withApp { world in
            // setup
            try await Self.register(world, token: try await world.token("worker"))
            let neighbour = Browser(world)
            _ = try await Self.neighbourWorker(world)
            _ = try await neighbour.login("qianfo")
            let browser = Browser(world)
            _ = try await browser.login("worker")
            // act: the neighbour's search before create finds the street only
            let search = try await neighbour.get("/recipients/new?search_resident_id=" + Self.elderID)
            // check
            #expect(search.status == .ok)
            #expect(search.body.string.contains("已在解放路街道登记"))
            #expect(!search.body.string.contains("王秀英"))
            // the worker's list shows the ID masked; the record page reveals it after a reason
            let list = try await browser.get("/recipients")
            #expect(list.body.string.contains("3701**********"))
            #expect(!list.body.string.contains(Self.elderID))
            let id = try await Recipient.query(on: world.app.db).first()!.id!
            let page = try await browser.get("/recipients/\(id)")
            #expect(page.body.string.contains("reveal-form"))
            let noReason = try await browser.post("/recipients/\(id)/reveal", form: ["field": "resident_id", "reason": ""])
            #expect(noReason.status == .unprocessableEntity)
            #expect(!noReason.body.string.contains(Self.elderID))
            let revealed = try await browser.post("/recipients/\(id)/reveal", form: ["field": "resident_id", "reason": "核对低保名单"])
            #expect(revealed.status == .ok)
            #expect(revealed.body.string.contains(Self.elderID))
            // the street officer's page has no reveal form
            let street = Browser(world)
            _ = try await street.login("jiefanglu")
            #expect(!(try await street.get("/recipients/\(id)")).body.string.contains("reveal-form"))
        }
    }

    @Test func theFormReportsEveryProblemAndKeepsWhatWasTyped() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            _ = try await browser.login("worker")
            try await browser.get("/recipients/new")
            // act
            let res = try await browser.post("/recipients/new", form: ["name": "赵大爷", "resident_id": "370102194503070011", "address": "经十路 1 号"])
            // check
            #expect(res.status == .unprocessableEntity)
            let html = res.body.string
            #expect(html.contains("身份证号"))
            #expect(html.contains("人群类别至少填写一类"))
            #expect(html.contains("经十路 1 号"))
            #expect(try await Recipient.query(on: world.app.db).count() == 0)
        }
    }

    @Test func theStationPageCountsTheLibraryAndR1BecomesAFinding() async throws {
        try await withApp { world in
            // setup: 解放路街道 is a demonstration station, so R-1 (demonstration only) applies to it
            let station = world.id("station:解放路街道")
            let admin = try await world.token("admin")
            func r1() async throws -> [String: Any]? {
                let res = try await world.api(.GET, "/api/v1/stations/\(station)/compliance", token: admin)
                let findings = try res.json()["findings"] as? [[String: Any]] ?? []
                return findings.first { $0["rule_id"] as? String == "R-1" }
            }
            let before = try await r1()
            // act
            try await Self.register(world, token: try await world.token("worker"))
            let after = try await r1()
            let browser = Browser(world)
            _ = try await browser.login("jiefanglu")
            let page = try await browser.get("/stations/\(station)")
            // check
            #expect(before?["state"] as? String == "failure")
            #expect((before?["measured"] as? String)?.contains("辖区重点人群库未建立") == true)
            #expect((after?["measured"] as? String)?.contains("辖区重点人群库 1 人") == true)
            #expect(page.body.string.contains("key-population"))
            // the four libraries together, the key-population one with its one person
            #expect(page.body.string.contains("四个资源库（R-1）") && page.body.string.contains("政策资源库") && page.body.string.contains("志愿服务资源库"))
            #expect(page.body.string.contains("辖区重点人群信息库</a></td><td class=\"num\">1 人"))
            #expect(page.body.string.contains("低保"))
        }
    }

    @Test func theLookupHashIsTheHMACInHex() throws {
        // setup
        let key = DataKey(key: SymmetricKey(size: .bits256))
        // act
        let fast = key.lookupHash(Self.elderID)
        // check: the same digits as formatting each byte
        let slow = HMAC<SHA256>.authenticationCode(for: Data(Self.elderID.utf8), using: key.key).map { String(format: "%02x", $0) }.joined()
        #expect(fast == slow)
    }
}
