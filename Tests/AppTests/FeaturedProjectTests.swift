@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 10 §1: Wuhan's featured projects (特色项目, the "N" of "1+4+N", V-3), defined per station and
/// year and tagging its services in place of a catalogue item; and the items a city adds to its
/// service catalogue through its policy versions.
@Suite("Featured projects and catalogue additions")
struct FeaturedProjectTests {
    /// A social worker of a street's station (created here; the demo's Wuhan has no station staff).
    static func worker(_ world: TestWorld, _ username: String, street: UUID, role: Role = .socialWorker) async throws -> String {
        let user = User(username: username, displayName: "\(username) 社工", passwordHash: try world.app.password.hash(TestWorld.password))
        try await user.create(on: world.app.db)
        try await RoleAssignment(userID: user.id!, role: role, unitID: street, operatorID: nil).create(on: world.app.db)
        return try await world.token(username)
    }

    /// A second street of 江岸区 with a station and three communities, beside the demo's 大智街道.
    static func secondJiangan(_ world: TestWorld) async throws -> (street: UUID, station: UUID) {
        let district = try #require(try await OrgUnit.find(world.id("江岸区"), on: world.app.db))
        let street = OrgUnit(name: "二七街道", level: .street, parent: district, divisionCode: nil)
        try await street.create(on: world.app.db)
        try await OrgUnit(name: "二七一社区", level: .village, parent: street, divisionCode: nil).create(on: world.app.db)
        let station = Station(street: street, districtID: district.id!, cityID: world.id("武汉市"))
        station.name = "江岸区二七街道社会工作服务站"
        try await station.create(on: world.app.db)
        return (street.id!, station.id!)
    }

    /// Pins the clock to 15 June of this year, so that the dates of a test stay within one year
    /// whatever day it runs; returns the year.
    static func midYear(_ world: TestWorld) -> Int {
        let year = Day(Date()).year
        world.app.clock.pin(ISO8601DateFormatter().date(from: "\(year)-06-15T12:00:00+08:00")!)
        return year
    }

    static func project(name: String = "银龄守护", field: String = "elderly") -> [String: Any] {
        ["name": name, "field": field, "description": "独居、空巢老人的巡访探视与互助网络"]
    }

    static func visit(_ recipient: UUID, on day: String, featured: UUID? = nil, item: String? = nil) -> [String: Any] {
        var body: [String: Any] = ["recipient_id": recipient.uuidString, "kind": "home", "on": day, "minutes": 40, "content": "入户探视，了解起居情况",
                                   "findings": "独居，行动尚可"]
        if let featured { body["featured_project_id"] = featured.uuidString }
        if let item { body["field"] = "elderly"; body["item"] = item }
        return body
    }

    /// Registers a recipient in the first village of a street (`street` names a demo street, `village` one created here).
    static func register(_ world: TestWorld, token: String, street: String, village: String? = nil, id: String = RecipientTests.elderID) async throws -> UUID {
        var input = try await RecipientTests.input(world, id: id, street: village == nil ? street : "解放路街道")
        if let village { input["village"] = village }
        let res = try await world.api(.POST, "/api/v1/recipients", token: token, json: input)
        #expect(res.status == .created, "\(res.body.string)")
        return UUID(uuidString: try res.json()["id"] as! String)!
    }

    @Test func aWuhanStationDefinesAFeaturedProjectTagsAVisitAndAGroupAndTheDashboardShowsItByName() async throws {
        try await withApp { world in
            // setup
            let year = Self.midYear(world)
            let token = try await Self.worker(world, "dazhi", street: world.id("大智街道"))
            let station = world.id("station:大智街道")
            let recipient = try await Self.register(world, token: token, street: "大智街道")
            // act
            let created = try await world.api(.POST, "/api/v1/stations/\(station)/featured-projects", token: token, json: Self.project())
            let projectID = UUID(uuidString: try created.json()["id"] as? String ?? "")!
            let visit = try await world.api(.POST, "/api/v1/visits", token: token, json: Self.visit(recipient, on: "\(year)-06-10", featured: projectID))
            let group = try await world.api(.POST, "/api/v1/groups", token: token, json: [
                "name": "银龄互助小组", "featured_project_id": projectID.uuidString, "goals": "结识同伴", "target": "独居老人 8 名", "planned_sessions": 4,
                "starts_on": "\(year)-06-12", "member_ids": [recipient.uuidString]])
            let groupID = try group.json()["id"] as? String ?? ""
            let session = try await world.api(.POST, "/api/v1/groups/\(groupID)/sessions", token: token,
                                              json: ["on": "\(year)-06-12", "minutes": 90, "content": "互相认识", "attendee_ids": [recipient.uuidString],
                                                     "others_count": 2])
            let dashboard = try await world.api(.GET, "/api/v1/dashboard?station=\(station)", token: token)
            let city = try await world.api(.GET, "/api/v1/dashboard", token: try await world.token("wuhan"))
            let list = try await world.api(.GET, "/api/v1/stations/\(station)/featured-projects", token: token)
            let services = try await world.api(.GET, "/api/v1/recipients/\(recipient)/services", token: token)
            let browser = Browser(world)
            _ = try await browser.login("dazhi")
            let page = try await browser.get("/dashboard?station=\(station)")
            let tab = try await browser.get("/stations/\(station)/featured-projects")
            // check: the project is the service's entry under its field, no catalogue item besides
            #expect(created.status == .created, "\(created.body.string)")
            #expect(visit.status == .created, "\(visit.body.string)")
            #expect(group.status == .created && session.status == .created, "\(group.body.string) \(session.body.string)")
            let rows = try await ServiceRecord.query(on: world.app.db).filter(\.$station.$id == station).all()
            #expect(rows.count == 2 && rows.allSatisfy { $0.featuredProjectID == projectID && $0.item == nil && $0.field == "elderly" })
            let code = "featured:" + projectID.uuidString.lowercased()
            let byItem = try dashboard.json()["by_item"] as? [[String: Any]] ?? []
            #expect(byItem.contains { $0["code"] as? String == code && $0["label"] as? String == "特色项目：银龄守护" && $0["records"] as? Int == 2 }, "\(byItem)")
            let byField = try dashboard.json()["by_field"] as? [[String: Any]] ?? []
            #expect(byField.contains { $0["code"] as? String == "elderly" && $0["records"] as? Int == 2 })
            let cityItems = try city.json()["by_item"] as? [[String: Any]] ?? []
            #expect(cityItems.contains { $0["label"] as? String == "特色项目：银龄守护（江岸区大智街道社会工作服务站）" })
            let listed = try list.json()["items"] as? [[String: Any]] ?? []
            #expect(listed.count == 1 && listed[0]["records"] as? Int == 2 && listed[0]["people"] as? Int == 1 + 3)
            #expect(try services.jsonArray().contains { $0["featured_project"] as? String == "银龄守护" })
            #expect(page.body.string.contains("特色项目：银龄守护"))
            #expect(tab.status == .ok && tab.body.string.contains("银龄守护") && tab.body.string.contains("featured-form"))
            // and the summary tables still equal a recount of the ledger
            try await DashboardTests.expectTotalsEqualARecount(world)
        }
    }

    @Test func aServiceUnderAProjectIsCorrectedUnderItAndStaysWithinItsDays() async throws {
        try await withApp { world in
            // setup: a visit on 10 June under a project that runs from 1 June
            let year = Self.midYear(world)
            let token = try await Self.worker(world, "dazhi", street: world.id("大智街道"))
            let station = world.id("station:大智街道")
            let recipient = try await Self.register(world, token: token, street: "大智街道")
            let created = try await world.api(.POST, "/api/v1/stations/\(station)/featured-projects", token: token,
                                              json: Self.project().merging(["active_from": "\(year)-06-01"]) { _, b in b })
            let projectID = UUID(uuidString: try created.json()["id"] as? String ?? "")!
            let visit = try await world.api(.POST, "/api/v1/visits", token: token, json: Self.visit(recipient, on: "\(year)-06-10", featured: projectID))
            #expect(visit.status == .created, "\(visit.body.string)")
            let record = try #require(try await ServiceRecord.query(on: world.app.db).filter(\.$station.$id == station).first())
            let path = "/api/v1/services/\(record.id!)/corrections"
            // act
            let withItem = try await world.api(.POST, path, token: token, json: ["version": 1, "item": "el_care", "reason": "补选项目"])
            let tooEarly = try await world.api(.POST, path, token: token, json: ["version": 1, "on": "\(year)-05-20", "reason": "日期记错"])
            let minutes = try await world.api(.POST, path, token: token, json: ["version": 1, "minutes": 60, "reason": "时长记错"])
            // check: the minutes are corrected and the service stays under the project; an item besides, or a day before it ran, is refused
            #expect(withItem.status == .unprocessableEntity)
            #expect(try withItem.problemFields()["item"]?.contains("V-3") == true, "\(withItem.body.string)")
            #expect(tooEarly.status == .unprocessableEntity)
            #expect(try tooEarly.problemFields()["featured_project_id"]?.contains("开展期") == true, "\(tooEarly.body.string)")
            #expect(minutes.status == .ok, "\(minutes.body.string)")
            let now = try #require(try await ServiceRecord.find(record.id, on: world.app.db))
            #expect(now.version == 2 && now.minutes == 60 && now.featuredProjectID == projectID && now.item == nil)
            try await DashboardTests.expectTotalsEqualARecount(world)
        }
    }

    @Test func anotherStationOfTheSameDistrictCannotUseOrSeeTheProject() async throws {
        try await withApp { world in
            // setup
            let year = Self.midYear(world)
            let token = try await Self.worker(world, "dazhi", street: world.id("大智街道"))
            let station = world.id("station:大智街道")
            let created = try await world.api(.POST, "/api/v1/stations/\(station)/featured-projects", token: token,
                                              json: Self.project().merging(["active_from": "\(year)-06-01"]) { _, b in b })
            let projectID = UUID(uuidString: try created.json()["id"] as? String ?? "")!
            let (street, _) = try await Self.secondJiangan(world)
            let neighbour = try await Self.worker(world, "erqi", street: street)
            let theirs = try await Self.register(world, token: neighbour, street: "二七街道", village: "二七一社区", id: RecipientTests.childID)
            let ours = try await Self.register(world, token: token, street: "大智街道")
            // act
            let borrowed = try await world.api(.POST, "/api/v1/visits", token: neighbour, json: Self.visit(theirs, on: "\(year)-06-10", featured: projectID))
            let read = try await world.api(.GET, "/api/v1/featured-projects/\(projectID)", token: neighbour)
            let readList = try await world.api(.GET, "/api/v1/stations/\(station)/featured-projects", token: neighbour)
            let define = try await world.api(.POST, "/api/v1/stations/\(station)/featured-projects", token: neighbour, json: Self.project(name: "别处的项目"))
            let tooEarly = try await world.api(.POST, "/api/v1/visits", token: token, json: Self.visit(ours, on: "\(year)-05-31", featured: projectID))
            let withItem = try await world.api(.POST, "/api/v1/visits", token: token,
                                               json: Self.visit(ours, on: "\(year)-06-10", featured: projectID).merging(["item": "el_care"]) { _, b in b })
            // check: 422 naming the field, 404 for what is out of sight
            #expect(borrowed.status == .unprocessableEntity)
            #expect(try borrowed.problemFields()["featured_project_id"]?.contains("本站") == true, "\(borrowed.body.string)")
            #expect(read.status == .notFound && readList.status == .notFound && define.status == .notFound)
            #expect(tooEarly.status == .unprocessableEntity)
            #expect(try tooEarly.problemFields()["featured_project_id"]?.contains("开展期") == true)
            #expect(withItem.status == .unprocessableEntity)
            #expect(try withItem.problemFields()["item"]?.contains("V-3") == true, "\(withItem.body.string)")
            #expect(try await ServiceRecord.query(on: world.app.db).count() == 0)
        }
    }

    @Test func aJinanStationHasNoFeaturedProjectsUntilTheCityOpensThemByAPolicyVersion() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let station = world.id("station:解放路街道")
            let year = Self.midYear(world)
            // act
            let refused = try await world.api(.POST, "/api/v1/stations/\(station)/featured-projects", token: token, json: Self.project())
            let list = try await world.api(.GET, "/api/v1/stations/\(station)/featured-projects", token: token)
            let opened = try await world.api(.POST, "/api/v1/policy/catalogue", token: try await world.token("admin"), json: [
                "featured_projects": true, "effective_from": "\(year)-01-01", "backdate_reason": "市局通知：本年起各站可设特色项目", "note": "开放特色项目"])
            let again = try await world.api(.POST, "/api/v1/policy/catalogue", token: try await world.token("admin"), json: [
                "featured_projects": true, "effective_from": "\(year)-01-01", "backdate_reason": "重复提交"])
            let closing = try await world.api(.POST, "/api/v1/policy/catalogue", token: try await world.token("admin"), json: [
                "featured_projects": false, "effective_from": "\(year + 1)-01-01"])
            let accepted = try await world.api(.POST, "/api/v1/stations/\(station)/featured-projects", token: token, json: Self.project())
            // check: 422 naming the rule, then allowed
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.problemFields()["year"]?.contains("V-3") == true, "\(refused.body.string)")
            #expect(list.status == .ok)
            #expect(try list.json()["enabled"] as? Bool == false)
            #expect(opened.status == .created, "\(opened.body.string)")
            #expect(again.status == .conflict)
            #expect(closing.status == .unprocessableEntity)
            #expect(try closing.problemFields()["featured_projects"] != nil)
            #expect(accepted.status == .created, "\(accepted.body.string)")
            let audit = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "policy").all()
            #expect(audit.contains { $0.changes.contains("featured_projects") })
        }
    }

    @Test func aNameTakenInTheSameStationAndYearIsAConflictEvenTwoAtOnce() async throws {
        try await withApp { world in
            // setup
            let year = Self.midYear(world)
            let token = try await Self.worker(world, "dazhi", street: world.id("大智街道"))
            let path = "/api/v1/stations/\(world.id("station:大智街道"))/featured-projects"
            // act
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { tasks in
                for _ in 0..<2 { tasks.addTask { try await world.api(.POST, path, token: token, json: Self.project()).status } }
                return try await tasks.reduce(into: []) { $0.append($1) }
            }
            let third = try await world.api(.POST, path, token: token, json: Self.project())
            let nextYear = try await world.api(.POST, path, token: token, json: Self.project().merging(["year": year + 1]) { _, b in b })
            // check
            #expect(statuses.sorted { $0.code < $1.code } == [.created, .conflict])
            #expect(third.status == .conflict)
            #expect(try third.problemFields()["name"]?.contains("银龄守护") == true)
            #expect(nextYear.status == .created)
            #expect(try await FeaturedProject.query(on: world.app.db).count() == 2)
        }
    }

    @Test func readersAreRefusedAndOtherStreetsAndCitiesSeeNothing() async throws {
        try await withApp { world in
            // setup
            let token = try await Self.worker(world, "dazhi", street: world.id("大智街道"))
            let station = world.id("station:大智街道")
            let path = "/api/v1/stations/\(station)/featured-projects"
            let created = try await world.api(.POST, path, token: token, json: Self.project())
            let id = try created.json()["id"] as? String ?? ""
            let street = try await Self.worker(world, "dazhi-street", street: world.id("大智街道"), role: .streetOfficer)
            let other = try await Self.worker(world, "caidian", street: world.id("蔡甸街道"))
            // act and check: the street and the city read and may not define (403); others see nothing (404)
            for reader in [street, try await world.token("wuhan")] {
                #expect(try await world.api(.GET, path, token: reader).status == .ok)
                #expect(try await world.api(.GET, "/api/v1/featured-projects/\(id)", token: reader).status == .ok)
                #expect(try await world.api(.POST, path, token: reader, json: Self.project(name: "另一个")).status == .forbidden)
                #expect(try await world.api(.PATCH, "/api/v1/featured-projects/\(id)", token: reader, json: ["name": "改名"]).status == .forbidden)
            }
            for outsider in [other, try await world.token("outsider"), try await world.token("admin"), try await world.token("worker")] {
                #expect(try await world.api(.GET, path, token: outsider).status == .notFound)
                #expect(try await world.api(.GET, "/api/v1/featured-projects/\(id)", token: outsider).status == .notFound)
                #expect(try await world.api(.PATCH, "/api/v1/featured-projects/\(id)", token: outsider, json: ["name": "改名"]).status == .notFound)
            }
            let renamed = try await world.api(.PATCH, "/api/v1/featured-projects/\(id)", token: token, json: ["name": "银龄守护计划"])
            #expect(renamed.status == .ok)
            #expect(try renamed.json()["name"] as? String == "银龄守护计划")
        }
    }

    @Test func aCitysAddedItemIsAcceptedFromTheYearItIsInForceAndNotBefore() async throws {
        try await withApp { world in
            // setup
            let token = try await Self.worker(world, "dazhi", street: world.id("大智街道"))
            let admin = try await world.token("wuhan")
            let recipient = try await Self.register(world, token: token, street: "大智街道")
            let year = Self.midYear(world)
            let item: [String: Any] = ["code": "el_smart_care", "label": "智慧养老", "field": "elderly"]
            // act
            let added = try await world.api(.POST, "/api/v1/policy/catalogue", token: admin, json: [
                "items": [item], "effective_from": "\(year)-01-01", "backdate_reason": "市局新增服务目录项目", "note": "武汉市智慧养老服务"])
            let lastYear = try await world.api(.POST, "/api/v1/visits", token: token, json: Self.visit(recipient, on: "\(year - 1)-12-20", item: "el_smart_care"))
            let thisYear = try await world.api(.POST, "/api/v1/visits", token: token, json: Self.visit(recipient, on: "\(year)-06-10", item: "el_smart_care"))
            let policy = try await world.api(.GET, "/api/v1/policy?year=\(year)", token: admin)
            let before = try await world.api(.GET, "/api/v1/policy?year=\(year - 1)", token: admin)
            let dashboard = try await world.api(.GET, "/api/v1/dashboard?station=\(world.id("station:大智街道"))", token: token)
            // check
            #expect(added.status == .created, "\(added.body.string)")
            #expect(lastYear.status == .unprocessableEntity)
            #expect(try lastYear.problemFields()["item"]?.contains("el_smart_care") == true, "\(lastYear.body.string)")
            #expect(thisYear.status == .created, "\(thisYear.body.string)")
            let items = try policy.json()["service_items"] as? [[String: Any]] ?? []
            #expect(items.contains { $0["code"] as? String == "el_smart_care" && $0["added_by_city"] as? Bool == true && $0["field"] as? String == "elderly" })
            #expect(!(try before.json()["service_items"] as? [[String: Any]] ?? []).contains { $0["code"] as? String == "el_smart_care" })
            #expect((try dashboard.json()["by_item"] as? [[String: Any]] ?? []).contains { $0["label"] as? String == "智慧养老" && $0["records"] as? Int == 1 })
            let audit = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "policy").all()
            #expect(audit.contains { $0.changes.contains("el_smart_care") })
        }
    }

    @Test func aCityCannotReplaceRenameOrRepeatAnItemNorAddOneBeforeALaterVersion() async throws {
        try await withApp { world in
            // setup
            let year = Self.midYear(world)
            let admin = try await world.token("wuhan")
            func add(_ items: [[String: Any]], from: String = "\(year + 1)-01-01") async throws -> TestingHTTPResponse {
                try await world.api(.POST, "/api/v1/policy/catalogue", token: admin, json: ["items": items, "effective_from": from])
            }
            let smart: [String: Any] = ["code": "el_smart_care", "label": "智慧养老", "field": "elderly"]
            #expect(try await add([smart]).status == .created)
            // act
            let shipped = try await add([["code": "el_care", "label": "关怀探访", "field": "elderly"]])
            let repeated = try await add([smart])
            let renamed = try await add([["code": "el_smart_care", "label": "智能养老", "field": "elderly"]])
            let sameLabel = try await add([["code": "el_care_two", "label": "关怀服务", "field": "elderly"]])
            let badCode = try await add([["code": "智慧", "label": "智慧", "field": "nowhere"]])
            let earlier = try await add([["code": "cw_reading", "label": "阅读陪伴", "field": "child_welfare"]], from: "\(year)-12-31")
            let byWorker = try await world.api(.POST, "/api/v1/policy/catalogue", token: try await Self.worker(world, "dazhi", street: world.id("大智街道")),
                                               json: ["items": [["code": "x_item", "label": "某项", "field": "elderly"]], "effective_from": "\(year + 1)-01-01"])
            // check
            #expect(shipped.status == .unprocessableEntity)
            #expect(try shipped.problemFields()["items[0].code"]?.contains("关怀服务") == true, "\(shipped.body.string)")
            #expect(repeated.status == .conflict)
            #expect(renamed.status == .unprocessableEntity)
            #expect(try renamed.problemFields()["items[0].code"]?.contains("不能改名") == true)
            #expect(sameLabel.status == .unprocessableEntity)
            #expect(try sameLabel.problemFields()["items[0].label"] != nil)
            #expect(badCode.status == .unprocessableEntity)
            #expect(Set(try badCode.problemFields().keys) == ["items[0].code", "items[0].field"])
            #expect(earlier.status == .unprocessableEntity)
            #expect(try earlier.problemFields()["effective_from"] != nil)
            #expect(byWorker.status == .forbidden)
            #expect(try await PolicyVersion.query(on: world.app.db).filter(\.$cityID == world.id("武汉市")).count() == 1)
        }
    }

    @Test func theStationTabAndThePolicyPageWorkWithoutScript() async throws {
        try await withApp { world in
            // setup
            let year = Self.midYear(world)
            _ = try await Self.worker(world, "dazhi", street: world.id("大智街道"))
            let station = world.id("station:大智街道")
            let browser = Browser(world)
            _ = try await browser.login("dazhi")
            let tabURL = "/stations/\(station)/featured-projects"
            _ = try await browser.get(tabURL)
            // act
            let created = try await browser.post(tabURL, form: ["name": "四点半课堂", "field": "child_welfare", "description": "放学后的课业辅导与安全教育"])
            _ = try await browser.get(tabURL)
            let duplicate = try await browser.post(tabURL, form: ["name": "四点半课堂", "field": "child_welfare", "description": "重复"])
            let stationPage = try await browser.get("/stations/\(station)")
            let admin = Browser(world)
            _ = try await admin.login("wuhan")
            _ = try await admin.get("/policy")
            let addItem = try await admin.post("/policy/catalogue", form: ["catalogue_code": "cw_reading", "catalogue_label": "阅读陪伴",
                                                                           "catalogue_field": "child_welfare", "catalogue_effective_from": "\(year + 1)-01-01"])
            let policy = try await admin.get("/policy?year=\(year + 1)")
            let refused = try await admin.post("/policy/catalogue", form: ["catalogue_code": "cw_protection", "catalogue_label": "保护",
                                                                           "catalogue_field": "child_welfare", "catalogue_effective_from": "\(year + 1)-01-01"])
            // check
            #expect(created.status == .seeOther, "\(created.body.string)")
            #expect(duplicate.status == .conflict && duplicate.body.string.contains("本站\(year)年已有名为“四点半课堂”的特色项目"))
            #expect(stationPage.body.string.contains("featured-projects\">特色项目"))
            #expect(addItem.status == .seeOther, "\(addItem.body.string)")
            #expect(policy.body.string.contains("阅读陪伴（本市新增）"))
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("原始服务目录中的“救助保护”"))
        }
    }
}
