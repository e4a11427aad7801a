@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Defects a new-user walk-through of the register found (issue 9), each with the behaviour a
/// social worker expects: the list's search form works with its "全部" choices, a merged-away
/// record takes no more changes, the household form shows the household, a supervisor is told
/// nothing about recipients, and a registered record can be corrected (details and categories).
@Suite("Recipient corrections")
struct RecipientCorrectionsTests {
    @Test func theSearchFormFiltersWhenFollowUpLevelAndVillageAreLeftAtAll() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            try await RecipientTests.register(world, token: worker)
            try await RecipientTests.register(world, token: worker, id: RecipientTests.childID, name: "李小红")
            let browser = Browser(world)
            try await browser.login("worker")
            // act: the form as a browser sends it, every select at 全部
            let page = try await browser.get("/recipients?q=%E6%9D%8E%E5%B0%8F%E7%BA%A2&resident_id=&category=&status=&follow_up_level=&village=")
            // check: only the match, and the name stays in the box
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("李小红") && !html.contains("王秀英"))
            #expect(html.contains(#"value="李小红""#))
            // the village select lists the station street's villages, and filtering by one works
            let village = try await StationQueries.villages(ofStreet: world.id("解放路街道"), on: world.app.db)[0]
            #expect(html.contains(#"name="village""#) && html.contains(village.id.uuidString))
            let byVillage = try await browser.get("/recipients?village=\(village.id.uuidString)&follow_up_level=")
            #expect(byVillage.body.string.contains("王秀英") && byVillage.body.string.contains("李小红"))
            // a value that is not a level or a village is refused, naming the field
            let bad = try await world.api(.GET, "/api/v1/recipients?follow_up_level=abc", token: worker)
            #expect(bad.status == .badRequest && bad.body.string.contains("跟进级别"))
            let badPage = try await browser.get("/recipients?village=nowhere")
            #expect(badPage.status == .badRequest && badPage.body.string.contains("村（社区）"))
        }
    }

    @Test func aMergedAwayRecordTakesNoMoreChanges() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let duplicate = try await RecipientTests.register(world, token: worker)
            let kept = try await RecipientRecordsTests.registerWithoutID(world, token: worker)
            let merged = try await world.api(.POST, "/api/v1/recipients/\(kept)/merge", token: worker,
                                             json: ["other_id": duplicate.uuidString, "reason": "同一人重复登记"])
            #expect(merged.status == .ok)
            // act
            let need = try await world.api(.POST, "/api/v1/recipients/\(duplicate)/needs", token: worker,
                                           json: ["area": "elderly", "description": "助餐服务", "urgency": "normal", "identified_on": "2026-03-01"])
            let status = try await world.api(.POST, "/api/v1/recipients/\(duplicate)/status", token: worker,
                                             json: ["status": "deceased", "on": "2026-03-01", "reason": "误操作"])
            let details = try await world.api(.PATCH, "/api/v1/recipients/\(duplicate)", token: worker, json: ["address": "新地址"])
            // check: 409 each, nothing written, and the page offers no form
            for res in [need, status, details] {
                #expect(res.status == .conflict, "\(res.body.string)")
                #expect(res.body.string.contains("已合并"))
            }
            #expect(try await RecipientNeed.query(on: world.app.db).count() == 0)
            #expect(try await Recipient.find(duplicate, on: world.app.db)?.status == .active)
            let browser = Browser(world)
            try await browser.login("worker")
            let page = try await browser.get("/recipients/\(duplicate)").body.string
            for form in ["need-form", "status-form", "details-form", "category-form", "household-form"] { #expect(!page.contains(form)) }
        }
    }

    @Test func theHouseholdFormShowsTheCurrentHouseholdAndAChangeIsOnTheTimeline() async throws {
        try await withApp { world in
            // setup: 李小红 linked to 王秀英 as a grandchild
            let worker = try await world.token("worker")
            let head = try await RecipientTests.register(world, token: worker)
            let child = try await RecipientTests.register(world, token: worker, id: RecipientTests.childID, name: "李小红")
            let linked = try await world.api(.PUT, "/api/v1/recipients/\(child)/household", token: worker,
                                             json: ["head_id": head.uuidString, "relation": "grandchild"])
            #expect(linked.status == .ok, "\(linked.body.string)")
            // act
            let browser = Browser(world)
            try await browser.login("worker")
            let page = try await browser.get("/recipients/\(child)").body.string
            // check: the head and the relation are selected, so saving the form unchanged keeps them
            #expect(page.contains(#"<option value="\#(head.uuidString)" selected="selected">"#))
            #expect(page.contains(#"<option value="grandchild" selected="selected">"#))
            let events = try await RecipientEvent.query(on: world.app.db).filter(\.$recipient.$id == child).filter(\.$kind == .household).all()
            #expect(events.count == 1 && events[0].detail.contains("王秀英"))
        }
    }

    @Test func aSupervisorIsToldNothingAboutRecipients() async throws {
        try await withApp { world in
            // setup: a recipient inside the supervisor's district (历下区)
            let worker = try await world.token("worker")
            let id = try await RecipientTests.register(world, token: worker)
            let supervisor = try await world.token("supervisor")
            // act / check: 404 as for a record outside the district, and no menu entry
            #expect(try await world.api(.GET, "/api/v1/recipients/\(id)", token: supervisor).status == .notFound)
            #expect(try await world.api(.PATCH, "/api/v1/recipients/\(id)", token: supervisor, json: ["address": "x"]).status == .notFound)
            let browser = Browser(world)
            try await browser.login("supervisor")
            #expect(try await browser.get("/recipients/\(id)").status == .notFound)
            #expect(!(try await browser.get("/").body.string.contains(#"href="/recipients""#)))
        }
    }

    @Test func aWorkerCorrectsDetailsAndOthersAreRefused() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let id = try await RecipientTests.register(world, token: worker)
            let villages = try await StationQueries.villages(ofStreet: world.id("解放路街道"), on: world.app.db)
            let other = villages.last!
            // act: every problem at once, nothing written
            let bad = try await world.api(.PATCH, "/api/v1/recipients/\(id)", token: worker,
                                          json: ["name": "", "phone": "12345", "village": "不存在村", "follow_up_level": 9])
            #expect(bad.status == .unprocessableEntity)
            for words in ["姓名", "联系电话", "不存在村", "跟进级别"] { #expect(bad.body.string.contains(words), "\(words)") }
            #expect(try await Recipient.find(id, on: world.app.db)?.address == "解放路 12 号")
            // the right values
            let res = try await world.api(.PATCH, "/api/v1/recipients/\(id)", token: worker,
                                          json: ["phone": "13912345678", "address": "解放路 30 号", "village": other.name, "follow_up_level": 3])
            // check: masked answer, sealed and re-hashed at rest, on the timeline and in the audit
            #expect(res.status == .ok, "\(res.body.string)")
            #expect(try res.json()["phone"] as? String == "139****5678")
            let r = try #require(try await Recipient.find(id, on: world.app.db))
            #expect(r.address == "解放路 30 号" && r.villageID == other.id && r.followUpLevel == 3)
            #expect(r.phoneHash == world.app.settings.dataKey.lookupHash("13912345678"))
            #expect(try world.app.settings.dataKey.open(r.phoneSealed!) == "13912345678")
            let event = try #require(try await RecipientEvent.query(on: world.app.db).filter(\.$recipient.$id == id).filter(\.$kind == .details).first())
            #expect(event.detail.contains("联系电话") && event.detail.contains("住址"))
            #expect(try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "recipient").filter(\.$action == .update).count() == 1)
            // refusals: the street officer and the evaluator read but may not change; next door is 404
            #expect(try await world.api(.PATCH, "/api/v1/recipients/\(id)", token: try await world.token("jiefanglu"), json: ["address": "x"]).status == .forbidden)
            #expect(try await world.api(.PATCH, "/api/v1/recipients/\(id)", token: try await world.token("evaluator"), json: ["address": "x"]).status == .forbidden)
            let neighbour = try await RecipientTests.neighbourWorker(world)
            #expect(try await world.api(.PATCH, "/api/v1/recipients/\(id)", token: neighbour, json: ["address": "x"]).status == .notFound)
            #expect(try await Recipient.find(id, on: world.app.db)?.address == "解放路 30 号")
            // the page's form: a refused post keeps what was typed and names the field
            let browser = Browser(world)
            try await browser.login("worker")
            #expect(try await browser.get("/recipients/\(id)").body.string.contains("details-form"))
            let page = try await browser.post("/recipients/\(id)/details", form: ["edit_name": "王秀英", "edit_phone": "abc", "edit_address": "解放路 31 号",
                                                                                   "edit_village": other.name, "edit_follow_up_level": "3"])
            #expect(page.status == .unprocessableEntity)
            #expect(page.body.string.contains("edit_phone-error") && page.body.string.contains("解放路 31 号"))
        }
    }

    @Test func aCategoryIsVerifiedAgainOrEndedButNeverTheLastOne() async throws {
        try await withApp { world in
            // setup: 低保 and 独居老人
            let worker = try await world.token("worker")
            let id = try await RecipientTests.register(world, token: worker)
            // act / check: 残疾人 needs its grade and type
            let missing = try await world.api(.POST, "/api/v1/recipients/\(id)/categories", token: worker, json: ["category": "残疾人"])
            #expect(missing.status == .unprocessableEntity && missing.body.string.contains("残疾等级") && missing.body.string.contains("残疾类别"))
            let added = try await world.api(.POST, "/api/v1/recipients/\(id)/categories", token: worker,
                                            json: ["category": "disabled", "disability_grade": "二级", "disability_type": "physical", "on": "2026-03-01"])
            #expect(added.status == .ok, "\(added.body.string)")
            #expect((try added.json()["category_labels"] as? [String])?.contains("残疾人") == true)
            // re-verifying 低保 ends the old row and starts a new one with the day and the worker
            let again = try await world.api(.POST, "/api/v1/recipients/\(id)/categories", token: worker, json: ["category": "低保"])
            #expect(again.status == .ok)
            let rows = try await RecipientCategoryRow.query(on: world.app.db).filter(\.$recipient.$id == id).filter(\.$category == .minimumLiving).all()
            #expect(rows.count == 2 && rows.filter { $0.endedOn == nil }.count == 1)
            // ending: two of three go, the last is refused
            for category in ["低保", "独居老人"] {
                let ended = try await world.api(.POST, "/api/v1/recipients/\(id)/categories", token: worker, json: ["category": category, "action": "end"])
                #expect(ended.status == .ok, "\(ended.body.string)")
            }
            let last = try await world.api(.POST, "/api/v1/recipients/\(id)/categories", token: worker, json: ["category": "残疾人", "action": "end"])
            #expect(last.status == .conflict && last.body.string.contains("最后一个有效类别"))
            let active = try await RecipientCategoryRow.query(on: world.app.db).filter(\.$recipient.$id == id).filter(\.$endedOn == nil).all()
            #expect(active.map(\.category) == [.disabled])
            #expect(try await RecipientEvent.query(on: world.app.db).filter(\.$recipient.$id == id).filter(\.$kind == .category).count() == 4)
            // the street officer may not
            let street = try await world.api(.POST, "/api/v1/recipients/\(id)/categories", token: try await world.token("jiefanglu"), json: ["category": "低保"])
            #expect(street.status == .forbidden)
        }
    }

    /// The category filter has two plans (from the category's side when few match, a name-ordered
    /// walk when many do): both give the same page and the same total, and a record that a merge
    /// left with two current rows of one category is listed and counted once.
    @Test func bothPlansOfTheCategoryFilterGiveTheSamePage() async throws {
        try await withApp { world in
            // setup: 低保 on three records, one of them kept by a merge that brought a second 低保 row
            let worker = try await world.token("worker")
            let duplicate = try await RecipientTests.register(world, token: worker)
            let kept = try await RecipientRecordsTests.registerWithoutID(world, token: worker)
            let added = try await world.api(.POST, "/api/v1/recipients/\(kept)/categories", token: worker, json: ["category": "低保"])
            #expect(added.status == .ok)
            let merged = try await world.api(.POST, "/api/v1/recipients/\(kept)/merge", token: worker,
                                             json: ["other_id": duplicate.uuidString, "reason": "同一人重复登记"])
            #expect(merged.status == .ok)
            try await RecipientTests.register(world, token: worker, id: ResidentID.completing("37010219500101003")!, name: "赵大")
            try await RecipientTests.register(world, token: worker, id: ResidentID.completing("37010219500101011")!, name: "钱二")
            let admin = try #require(try await world.app.callers.caller(world.id("user:admin"), on: world.app.db))
            let key = world.app.settings.dataKey, today = world.app.clock.today
            // act
            var filter = RecipientQueries.Filter()
            filter.category = "minimum_living"
            let fromCategory = try await RecipientQueries.list(admin, filter, key: key, today: today, few: 1_000, on: world.app.db)
            let byName = try await RecipientQueries.list(admin, filter, key: key, today: today, few: 0, on: world.app.db)
            // check
            #expect(fromCategory.rows.map(\.name) == ["王秀英", "赵大", "钱二"].sorted())
            #expect(fromCategory.rows.map(\.id) == byName.rows.map(\.id))
            #expect(fromCategory.paging.total == 3 && byName.paging.total == 3)
            // and outside the scope: the neighbour street's worker sees none of them either way
            _ = try await RecipientTests.neighbourWorker(world)
            let qianfo = try #require(try await User.query(on: world.app.db).filter(\.$username == "qianfo").first())
            let neighbour = try #require(try await world.app.callers.caller(qianfo.id!, on: world.app.db))
            #expect(try await RecipientQueries.list(neighbour, filter, key: key, today: today, few: 1_000, on: world.app.db).paging.total == 0)
        }
    }

    @Test func theDuplicateSearchSaysWhenAnIDCannotBeOne() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            try await browser.login("worker")
            let wrongCheck = String(RecipientTests.elderID.prefix(17)) + (RecipientTests.elderID.hasSuffix("1") ? "2" : "1")
            // act / check: neither a short number nor a wrong check character reads as "可以登记"
            for id in ["123", wrongCheck] {
                let page = try await browser.get("/recipients/new?search_resident_id=\(id)").body.string
                #expect(page.contains("身份证号") && !page.contains("可以登记"), "\(id)")
            }
            let fine = try await browser.get("/recipients/new?search_resident_id=\(RecipientTests.elderID)").body.string
            #expect(fine.contains("可以登记"))
        }
    }
}
