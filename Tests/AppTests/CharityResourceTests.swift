@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 11 §2, R-1 and R-5: the social charity resources library. A resource a station received is
/// used for its cases, recipients and events; what remains never goes below zero, even for two uses
/// at once; a use is corrected by a reversing entry; the street reads, another street sees nothing.
@Suite("Charity resources (R-1, R-5)")
struct CharityResourceTests {
    static func money(_ value: Double = 5000, description: String = "困难家庭助学金") -> [String: Any] {
        ["donor_name": "济南爱心企业联合会", "donor_kind": "company", "kind": "money", "description": description, "value": value,
         "received_on": CaseworkTests.day(-20)]
    }

    static func record(_ world: TestWorld, token: String, _ json: [String: Any]) async throws -> String {
        let res = try await world.api(.POST, "/api/v1/charity-resources", token: token, json: json)
        #expect(res.status == .created, "\(res.body.string)")
        return try res.json()["id"] as! String
    }

    @Test func aResourceIsUsedForACaseAndWhatRemainsNeverGoesBelowZero() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let (caseID, _) = try await CaseworkTests.openCase(world, token: token)
            let id = try await Self.record(world, token: token, Self.money(1000.5))
            // act
            let used = try await world.api(.POST, "/api/v1/charity-resources/\(id)/uses", token: token, json: [
                "amount": 600.25, "purpose": "支付康复器具", "case_id": caseID.uuidString])
            let tooMuch = try await world.api(.POST, "/api/v1/charity-resources/\(id)/uses", token: token, json: [
                "amount": 400.26, "purpose": "再次支付", "case_id": caseID.uuidString])
            let threeDecimals = try await world.api(.POST, "/api/v1/charity-resources/\(id)/uses", token: token, json: [
                "amount": 1.005, "purpose": "零头", "case_id": caseID.uuidString])
            let nothingServed = try await world.api(.POST, "/api/v1/charity-resources/\(id)/uses", token: token, json: ["amount": 1, "purpose": "无对象"])
            let rest = try await world.api(.POST, "/api/v1/charity-resources/\(id)/uses", token: token, json: [
                "amount": 400.25, "purpose": "支付护理费用", "case_id": caseID.uuidString])
            // check
            #expect(used.status == .created, "\(used.body.string)")
            #expect(try used.json()["remaining"] as? Double == 400.25)
            #expect(try used.json()["value"] as? Double == 1000.5)
            #expect(tooMuch.status == .conflict)
            #expect(try tooMuch.problemFields()["amount"] == "使用数量 400.26 元 超过剩余 400.25 元")
            #expect(threeDecimals.status == .unprocessableEntity)
            #expect(try threeDecimals.problemFields()["amount"]?.contains("最多保留两位小数") == true)
            #expect(nothingServed.status == .unprocessableEntity)
            #expect(try nothingServed.problemFields()["served"]?.contains("个案（case_id）、服务对象（recipient_id）或社区活动（event_id）") == true)
            #expect(rest.status == .created)
            let body = try rest.json()
            #expect(body["remaining"] as? Double == 0)
            #expect(body["remaining_text"] as? String == "0.00 元")
            #expect((body["uses"] as? [[String: Any]])?.count == 2)
            #expect(try await world.api(.GET, "/api/v1/charity-resources?status=used_up", token: token).json()["total"] as? Int == 1)
        }
    }

    @Test func twoConcurrentUsesCannotBothTakeTheLastOfIt() async throws {
        try await withApp { world in
            // setup: 10 boxes; two uses of 6 sent at once
            let token = try await world.token("worker")
            let person = try await RecipientTests.register(world, token: token)
            let id = try await Self.record(world, token: token, ["donor_name": "千佛山爱心超市", "donor_kind": "company", "kind": "goods",
                                                                 "description": "米面油慰问包", "unit": "箱", "value": 10, "received_on": CaseworkTests.day(-3)])
            let path = "/api/v1/charity-resources/\(id)/uses"
            let who = person.uuidString
            // act
            async let first = world.api(.POST, path, token: token, json: ["amount": 6, "purpose": "春节慰问", "recipient_id": who])
            async let second = world.api(.POST, path, token: token, json: ["amount": 6, "purpose": "春节慰问", "recipient_id": who])
            let statuses = [try await first.status, try await second.status]
            // check: one taken, one refused with 409; four boxes left, one use recorded
            #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == 1, "\(statuses)")
            let after = try await world.api(.GET, "/api/v1/charity-resources/\(id)", token: token).json()
            #expect(after["remaining"] as? Double == 4)
            #expect(after["remaining_text"] as? String == "4 箱")
            #expect(try await CharityResourceUse.query(on: world.app.db).count() == 1)
        }
    }

    @Test func aUseIsCorrectedByAReversingEntryOnce() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let person = try await RecipientTests.register(world, token: token)
            let id = try await Self.record(world, token: token, Self.money(300))
            let used = try await world.api(.POST, "/api/v1/charity-resources/\(id)/uses", token: token, json: [
                "amount": 300, "purpose": "临时生活补助", "recipient_id": person.uuidString]).json()
            let useID = (used["uses"] as! [[String: Any]])[0]["id"] as! String
            // act
            let noReason = try await world.api(.POST, "/api/v1/charity-resource-uses/\(useID)/reversal", token: token, json: ["reason": ""])
            let reversed = try await world.api(.POST, "/api/v1/charity-resource-uses/\(useID)/reversal", token: token, json: ["reason": "误记，应为他人"])
            let twice = try await world.api(.POST, "/api/v1/charity-resource-uses/\(useID)/reversal", token: token, json: ["reason": "再冲正"])
            let entryID = (try reversed.json()["uses"] as! [[String: Any]]).first { $0["reverses_id"] as? String == useID }?["id"] as? String
            let ofEntry = try await world.api(.POST, "/api/v1/charity-resource-uses/\(entryID ?? useID)/reversal", token: token, json: ["reason": "冲正冲正"])
            // check: the original stays, marked reversed; the amount is back; one reversal only
            #expect(noReason.status == .unprocessableEntity)
            #expect(try noReason.problemFields()["reason"] == "冲正原因不能为空")
            #expect(reversed.status == .created, "\(reversed.body.string)")
            let body = try reversed.json()
            #expect(body["remaining"] as? Double == 300)
            let uses = body["uses"] as! [[String: Any]]
            #expect(uses.count == 2)
            #expect(uses.first { $0["id"] as? String == useID }?["reversed"] as? Bool == true)
            #expect(uses.first { $0["id"] as? String == entryID }?["amount"] as? Double == -300)
            #expect(twice.status == .conflict)
            #expect(ofEntry.status == .unprocessableEntity)
            #expect(try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "charity_resource_use").count() == 2)
        }
    }

    @Test func badInputIsRefusedNamingTheFieldAndExpiredResourcesAreNotUsed() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let person = try await RecipientTests.register(world, token: token)
            // act
            let empty = try await world.api(.POST, "/api/v1/charity-resources", token: token, json: [
                "donor_name": "", "donor_kind": "alien", "kind": "goods", "description": "棉被", "value": 0, "received_on": CaseworkTests.day(-1)])
            let wrongUnit = try await world.api(.POST, "/api/v1/charity-resources", token: token, json: Self.money().merging(["unit": "美元"]) { $1 })
            let expired = try await Self.record(world, token: token, ["donor_name": "王先生", "donor_kind": "person", "kind": "services",
                                                                      "description": "免费理发服务", "unit": "次", "value": 20,
                                                                      "received_on": CaseworkTests.day(-30), "expires_on": CaseworkTests.day(-2)])
            let late = try await world.api(.POST, "/api/v1/charity-resources/\(expired)/uses", token: token, json: [
                "amount": 1, "purpose": "理发", "recipient_id": person.uuidString])
            let twice = try await world.api(.POST, "/api/v1/charity-resources", token: token, json: Self.money())
            let again = try await world.api(.POST, "/api/v1/charity-resources", token: token, json: Self.money())
            // check
            #expect(empty.status == .unprocessableEntity)
            let fields = try empty.problemFields()
            #expect(fields["donor_name"] == "捐赠方不能为空")
            #expect(fields["donor_kind"]?.contains("person") == true)
            #expect(fields["unit"]?.contains("计量单位") == true)
            #expect(fields["value"]?.contains("不能小于 0.01") == true)
            #expect(wrongUnit.status == .unprocessableEntity)
            #expect(try wrongUnit.problemFields()["unit"]?.contains("元") == true)
            #expect(late.status == .unprocessableEntity)
            #expect(try late.problemFields()["on"]?.contains("过期") == true)
            #expect(try await world.api(.GET, "/api/v1/charity-resources/\(expired)", token: token).json()["expired"] as? Bool == true)
            #expect(try await world.api(.GET, "/api/v1/charity-resources?status=expired", token: token).json()["total"] as? Int == 1)
            #expect(twice.status == .created)
            #expect(again.status == .conflict)
        }
    }

    @Test func theStreetReadsAndAnotherStreetOrCitySeesNothing() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let id = try await Self.record(world, token: token, Self.money())
            let neighbour = try await RecipientTests.neighbourWorker(world)
            let theirs = try await world.api(.POST, "/api/v1/recipients", token: neighbour,
                                             json: try await RecipientTests.input(world, id: RecipientTests.childID, name: "李小兰", street: "千佛山街道"))
            let theirPerson = try theirs.json()["id"] as! String
            let street = try await world.token("jiefanglu")
            let district = try await world.token("lixia")
            let outsider = try await world.token("outsider")
            let supervisor = try await world.token("supervisor")
            // act and check: 解放路街道 reads, may not write; 千佛山街道, another city and a supervisor see nothing
            #expect(try await world.api(.GET, "/api/v1/charity-resources/\(id)", token: street).status == .ok)
            #expect(try await world.api(.GET, "/api/v1/charity-resources/\(id)", token: district).status == .ok)
            #expect(try await world.api(.POST, "/api/v1/charity-resources/\(id)/uses", token: street, json: ["amount": 1, "purpose": "x"]).status == .forbidden)
            #expect(try await world.api(.POST, "/api/v1/charity-resources", token: street, json: Self.money()).status == .forbidden)
            for other in [neighbour, outsider, supervisor] {
                #expect(try await world.api(.GET, "/api/v1/charity-resources/\(id)", token: other).status == .notFound)
                #expect(try await world.api(.POST, "/api/v1/charity-resources/\(id)/uses", token: other, json: ["amount": 1, "purpose": "x"]).status == .notFound)
                #expect(try await world.api(.GET, "/api/v1/charity-resources", token: other).json()["total"] as? Int == 0)
            }
            // another station's person is not something this station's resource served
            let foreign = try await world.api(.POST, "/api/v1/charity-resources/\(id)/uses", token: token, json: [
                "amount": 10, "purpose": "慰问", "recipient_id": theirPerson])
            #expect(foreign.status == .unprocessableEntity)
            #expect(try foreign.problemFields()["recipient_id"] == "未找到该服务对象，或不是本资源所属社工站的服务对象")
        }
    }

    @Test func theCaseRecipientAndEventPagesListWhatWasUsedForThemAndLinkageCountsIt() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let (caseID, person) = try await CaseworkTests.openCase(world, token: token)
            let event = try await world.api(.POST, "/api/v1/community-events", token: token, json: try await CommunityWorkTests.event(world)).json()["id"] as! String
            let id = try await Self.record(world, token: token, Self.money(2000, description: "邻里互助基金"))
            for (key, value) in [("case_id", caseID.uuidString), ("recipient_id", person.uuidString), ("event_id", event)] {
                let res = try await world.api(.POST, "/api/v1/charity-resources/\(id)/uses", token: token, json: ["amount": 100, "purpose": "用于" + key, key: value])
                #expect(res.status == .created, "\(res.body.string)")
            }
            let browser = Browser(world)
            _ = try await browser.login("worker")
            // act
            let casePage = try await browser.get("/cases/\(caseID)").body.string
            let personPage = try await browser.get("/recipients/\(person)").body.string
            let eventPage = try await browser.get("/events/\(event)").body.string
            let linkage = try await world.api(.GET, "/api/v1/five-society-linkage?station=\(world.id("station:解放路街道"))", token: token).json()
            let listPage = try await browser.get("/charity-resources").body.string
            // check
            for page in [casePage, personPage, eventPage] {
                #expect(page.contains("使用的慈善资源（1）") && page.contains("邻里互助基金") && page.contains("/charity-resources/\(id)"))
            }
            let row = (linkage["stations"] as! [[String: Any]])[0]
            #expect(row["resources_received"] as? Int == 1)
            #expect(row["resource_uses"] as? Int == 3)
            #expect(row["served"] as? Int == 3)
            #expect(row["events"] as? Int == 1)
            #expect((row["partners"] as? [String: Int])?["charity"] == 1)
            #expect((row["partners"] as? [String: Int])?["social_organisation"] == 0)
            #expect(listPage.contains("五社联动") && listPage.contains("邻里互助基金") && listPage.contains("1700.00 元"))
        }
    }

    @Test func aWorkerRecordsAResourceAndAUseOnTheirForms() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let person = try await RecipientTests.register(world, token: token)
            let browser = Browser(world)
            _ = try await browser.login("worker")
            #expect(try await browser.get("/charity-resources").body.string.contains("/charity-resources/new"))
            #expect(try await browser.get("/charity-resources/new").status == .ok)
            // act
            let refused = try await browser.post("/charity-resources/new", form: ["donor_name": "红十字会", "donor_kind": "foundation", "kind": "goods",
                                                                                  "description": "棉被", "value": "abc", "received_on": CaseworkTests.day(0)])
            let recorded = try await browser.post("/charity-resources/new", form: ["donor_name": "红十字会", "donor_kind": "foundation", "kind": "goods",
                                                                                   "description": "棉被", "unit": "床", "value": "30", "received_on": CaseworkTests.day(0)])
            let location = recorded.headers.first(name: .location) ?? ""
            #expect(try await browser.get(location).body.string.contains("use-form"))
            let overUse = try await browser.post(location + "/uses", form: ["amount": "31", "purpose": "冬季送暖", "served": "recipient:\(person)"])
            let use = try await browser.post(location + "/uses", form: ["amount": "2", "purpose": "冬季送暖", "served": "recipient:\(person)"])
            // check
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("数量或金额应为数字"))
            #expect(recorded.status == .seeOther)
            #expect(overUse.status == .conflict)
            #expect(overUse.body.string.contains("超过剩余 30 床"))
            #expect(use.status == .seeOther)
            let page = try await browser.get(location).body.string
            #expect(page.contains("28 床") && page.contains("冬季送暖") && page.contains("服务对象 王秀英"))
        }
    }

    @Test func theDemoStationUsedItsResourcesForItsCasesPeopleAndEventsAndNamedPolicies() async throws {
        try await withApp(recipients: true) { world in
            // setup
            let token = try await world.token("worker")
            let station = world.id("station:解放路街道")
            // act
            let resources = try await world.api(.GET, "/api/v1/charity-resources?station=\(station)", token: token).json()
            let linkage = try await world.api(.GET, "/api/v1/five-society-linkage?station=\(station)", token: token).json()
            let policies = try await world.api(.GET, "/api/v1/policy-library?q=649", token: token).json()
            // check: five resources, one expired; every use serves something of the station; one use reversed
            let items = resources["items"] as? [[String: Any]] ?? []
            #expect(items.count == 5)
            #expect(items.filter { $0["expired"] as? Bool == true }.count == 1)
            let uses = items.flatMap { $0["uses"] as? [[String: Any]] ?? [] }
            #expect(Set(uses.compactMap { $0["served_kind"] as? String }) == ["case", "recipient", "event"])
            #expect(uses.filter { $0["reversed"] as? Bool == true }.count == 1)
            let row = (linkage["stations"] as? [[String: Any]])?.first
            #expect((row?["resource_uses"] as? Int ?? 0) > 0)
            let policy = (policies["items"] as? [[String: Any]])?.first
            #expect(policy?["title"] as? String == "社会救助暂行办法")
            #expect(policy?["doc_number"] as? String == "国务院令第649号")
            let applied = try await world.api(.GET, "/api/v1/policy-library/\(policy?["id"] as? String ?? "")", token: token).json()["applied"] as? [[String: Any]]
            #expect(Set(applied?.compactMap { $0["kind"] as? String } ?? []) == ["assessment", "assistance"])
        }
    }

    /// What was recorded of a resource is corrected, audited with the old and new values; what was
    /// used is not: the value never goes below it, and the dates never leave a use outside them.
    @Test func aResourceIsCorrectedButNeverBelowOrAroundWhatWasUsed() async throws {
        try await withApp { world in
            // setup: 1000 元 received 20 days ago, 600 used 10 days ago
            let token = try await world.token("worker")
            let (caseID, _) = try await CaseworkTests.openCase(world, token: token)
            let id = try await Self.record(world, token: token, Self.money(1000))
            let used = try await world.api(.POST, "/api/v1/charity-resources/\(id)/uses", token: token, json: [
                "amount": 600, "on": CaseworkTests.day(-10), "purpose": "支付康复器具", "case_id": caseID.uuidString])
            #expect(used.status == .created, "\(used.body.string)")
            let path = "/api/v1/charity-resources/\(id)"
            // act
            let belowUsed = try await world.api(.PATCH, path, token: token, json: ["value": 599.99])
            let receivedAfterUse = try await world.api(.PATCH, path, token: token, json: ["received_on": CaseworkTests.day(-5)])
            let expiresBeforeUse = try await world.api(.PATCH, path, token: token, json: ["expires_on": CaseworkTests.day(-15)])
            let goodsWithoutUnit = try await world.api(.PATCH, path, token: token, json: ["kind": "goods"])
            let nothing = try await world.api(.PATCH, path, token: token, json: [String: Any]())
            let byStreet = try await world.api(.PATCH, path, token: try await world.token("jiefanglu"), json: ["donor_name": "改名"])
            let byNeighbour = try await world.api(.PATCH, path, token: try await RecipientTests.neighbourWorker(world), json: ["donor_name": "改名"])
            let corrected = try await world.api(.PATCH, path, token: token, json: [
                "donor_name": "济南市慈善总会", "donor_kind": "foundation", "value": 800, "expires_on": CaseworkTests.day(30)])
            let cleared = try await world.api(.PATCH, path, token: token, json: ["expires_on": ""])
            // check
            #expect(belowUsed.status == .conflict)
            #expect(try belowUsed.problemFields()["value"]?.contains("不能少于已使用的 600.00 元") == true)
            #expect(receivedAfterUse.status == .conflict)
            #expect(try receivedAfterUse.problemFields()["received_on"]?.contains("不能晚于最早的使用日期（\(CaseworkTests.day(-10))）") == true)
            #expect(expiresBeforeUse.status == .conflict)
            #expect(try expiresBeforeUse.problemFields()["expires_on"]?.contains("不能早于最近一次使用的日期") == true)
            #expect(try goodsWithoutUnit.status == .unprocessableEntity && (goodsWithoutUnit.problemFields()["unit"]) != nil)
            #expect(nothing.status == .unprocessableEntity)
            #expect(byStreet.status == .forbidden)
            #expect(byNeighbour.status == .notFound)
            #expect(corrected.status == .ok, "\(corrected.body.string)")
            let body = try corrected.json()
            #expect(body["value"] as? Double == 800 && body["remaining"] as? Double == 200)
            #expect(body["donor_name"] as? String == "济南市慈善总会" && body["expires_on"] as? String == CaseworkTests.day(30))
            #expect((body["uses"] as? [[String: Any]])?.first?["amount"] as? Double == 600)
            #expect(try cleared.status == .ok && (cleared.json()["expires_on"]) == nil)
            let events = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "charity_resource").filter(\.$action == .update)
                .sort(\.$seq).all()
            let correction = try #require(events.first { $0.changes.contains("济南市慈善总会") })
            #expect(correction.changes.contains("济南爱心企业联合会"), "the old donor is kept beside the new")
            #expect(correction.changes.contains("400") && correction.changes.contains("200"), "remaining before and after")
        }
    }

    /// The resource page has the correction form for the station's workers; a refusal is shown on it.
    @Test func aWorkerCorrectsAResourceOnItsPage() async throws {
        try await withApp { world in
            // setup: 30 床 of quilts, 2 used
            let token = try await world.token("worker")
            let person = try await RecipientTests.register(world, token: token)
            let id = try await Self.record(world, token: token, ["donor_name": "红十字会", "donor_kind": "foundation", "kind": "goods", "description": "棉被",
                                                                 "unit": "床", "value": 30, "received_on": CaseworkTests.day(-3)])
            _ = try await world.api(.POST, "/api/v1/charity-resources/\(id)/uses", token: token, json: ["amount": 2, "purpose": "冬季送暖", "recipient_id": person.uuidString])
            let browser = Browser(world)
            _ = try await browser.login("worker")
            let form = ["donor_name": "济南市红十字会", "donor_kind": "foundation", "kind": "goods", "description": "加厚棉被", "unit": "床",
                        "received_on": CaseworkTests.day(-3), "expires_on": ""]
            // act
            let page = try await browser.get("/charity-resources/\(id)").body.string
            let refused = try await browser.post("/charity-resources/\(id)", form: form.merging(["value": "1"]) { $1 })
            let corrected = try await browser.post("/charity-resources/\(id)", form: form.merging(["value": "25"]) { $1 })
            let after = try await browser.get("/charity-resources/\(id)").body.string
            let reader = Browser(world)
            _ = try await reader.login("jiefanglu")
            let readerPage = try await reader.get("/charity-resources/\(id)").body.string
            // check
            #expect(page.contains("correction-form") && page.contains("value=\"30\""))
            #expect(refused.status == .conflict)
            #expect(refused.body.string.contains("不能少于已使用的 2 床"))
            #expect(corrected.status == .seeOther)
            #expect(after.contains("济南市红十字会") && after.contains("加厚棉被") && after.contains("23 床"))
            #expect(!readerPage.contains("correction-form"))
        }
    }
}
