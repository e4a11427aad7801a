@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 8, section 4: defects found trying the product as a new user would.
@Suite("Correctness: input and messages")
struct CorrectnessTests {
    @Test func nameSearchTreatsPercentAndUnderscoreAsText() async throws {
        try await withApp { world in
            let admin = try await world.token("admin")
            let all = try await world.api(.GET, "/api/v1/stations", token: admin)
            #expect((try all.json()["total"] as? Int ?? 0) > 0)
            for q in ["%25", "_", "%25%25"] {
                let res = try await world.api(.GET, "/api/v1/stations?q=\(q)", token: admin)
                #expect(res.status == .ok)
                #expect(try res.json()["total"] as? Int == 0, "q=\(q)")
            }
            let named = try await world.api(.GET, "/api/v1/stations?q=%E8%A7%A3%E6%94%BE%E8%B7%AF", token: admin)   // 解放路
            #expect(try named.json()["total"] as? Int == 1)
        }
    }

    @Test func theAuditTrailFiltersByEntityID() async throws {
        try await withApp { world in
            let admin = try await world.token("admin")
            let id = world.id("station:解放路街道")
            _ = try await world.api(.PATCH, "/api/v1/stations/\(id)", token: admin, json: ["address": "解放路 1 号"])
            let res = try await world.api(.GET, "/api/v1/audit-events?entity_id=\(id)", token: admin)
            let items = try res.json()["items"] as? [[String: Any]] ?? []
            #expect(!items.isEmpty)
            #expect(items.allSatisfy { $0["entity_id"] as? String == id.uuidString })
        }
    }

    @Test func aStationOutOfScopeIsNamedAsTheStation() async throws {
        try await withApp { world in
            let op = try await world.token("operator")
            let worker = try #require(try await WorkerAssignment.query(on: world.app.db).filter(\.$station.$id == world.id("station:解放路街道")).first())
            let res = try await world.api(.POST, "/api/v1/workers/\(worker.$worker.id)/assignments", token: op,
                                          json: ["station_id": world.id("station:外街道").uuidString, "started_on": "2030-01-01"])
            #expect(res.status == .notFound)
            #expect((try res.json()["detail"] as? String)?.hasPrefix("未找到该社工站") == true)
        }
    }

    @Test func anEmptyNewStationFormCreatesNothingAndSaysWhatIsMissing() async throws {
        try await withApp { world in
            let count = try await Station.query(on: world.app.db).count()
            let browser = Browser(world)
            _ = try await browser.login("lixia")
            let form = try await browser.get("/stations/new")
            #expect(form.body.string.contains(#"<option value>请选择</option>"#), "no street is chosen for the user")
            let res = try await browser.post("/stations/new", form: ["street_id": "", "name": "", "address": "", "opened_on": "", "operator_id": ""])
            #expect(res.status == .unprocessableEntity)
            #expect(res.body.string.contains("必须指定社工站所在的街道/乡镇"))
            #expect(res.body.string.contains("社工站地址不能为空"))
            #expect(try await Station.query(on: world.app.db).count() == count)
        }
    }

    @Test func theStationPageLeadsToEverythingKeptAboutTheStation() async throws {
        try await withApp { world in
            let id = world.id("station:解放路街道")
            let browser = Browser(world)
            _ = try await browser.login("jiefanglu")
            let page = try await browser.get("/stations/\(id)").body.string
            for target in ["compliance", "staff", "supervision", "training"] {
                #expect(page.contains(#"href="/stations/\#(id)/\#(target)""#), "\(target)")
                #expect(try await browser.get("/stations/\(id)/\(target)").status == .ok, "\(target)")
            }
        }
    }

    @Test func aSignedInUsersNotFoundPageKeepsTheMenu() async throws {
        try await withApp { world in
            let browser = Browser(world)
            _ = try await browser.login("jiefanglu")
            let page = try await browser.get("/no-such-page")
            #expect(page.status == .notFound)
            #expect(page.body.string.contains(#"href="/stations""#))
            #expect(page.body.string.contains("返回首页"))
            #expect(!page.body.string.contains("前往登录"))
            // and an anonymous visitor is still offered the login
            #expect(try await Browser(world).get("/no-such-page").body.string.contains("前往登录"))
        }
    }

    @Test func placesAreOrderedByDivisionCodeAndThePickerGroupsByDistrict() async throws {
        try await withApp { world in
            let admin = try await world.token("admin")
            let list = try await world.api(.GET, "/api/v1/stations?per=100", token: admin)
            let districts = (try list.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["district_id"] as? String }
            let codes = try await OrgUnit.query(on: world.app.db).filter(\.$level == .district).all()
            let codeOf = Dictionary(uniqueKeysWithValues: codes.map { ($0.id!.uuidString, $0.divisionCode ?? "~") })
            let order = districts.map { codeOf[$0] ?? "" }
            #expect(!order.isEmpty && order == order.sorted(), "stations follow their districts' division codes")
            let browser = Browser(world)
            _ = try await browser.login("admin")
            let form = try await browser.get("/users/new").body.string
            #expect(form.contains(#"<optgroup label="历下区">"#))
        }
    }

    @Test func theConfirmButtonShowsOnlyToThoseWhoMayConfirm() async throws {
        try await withApp { world in
            let station = world.id("station:解放路街道")
            // a record the demo supervisor has not yet confirmed
            let record = try #require(try await SupervisionRecord.query(on: world.app.db).filter(\.$station.$id == station).first())
            record.supervisorConfirmedAt = nil
            try await record.save(on: world.app.db)
            let path = "/stations/\(station)/supervision?year=\(record.year)"
            for (user, sees) in [("supervisor", true), ("jiefanglu", false), ("lixia", false), ("operator", false)] {
                let browser = Browser(world)
                _ = try await browser.login(user)
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(user)")
                #expect(page.body.string.contains("/supervision/\(record.id!)/confirm") == sees, "\(user)")
            }
        }
    }
}
