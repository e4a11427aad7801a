@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Facts that rules read are editable by the role that owns them (issue 8 §2): a district's kind
/// (中心城区/新城区, rule S-2) and a station's demonstration status (示范点, the demonstration-only
/// rules such as P-3), both set by the city admin. Before the owner sets the fact the rule reports
/// missing data / not applicable; after, it is evaluated.
@Suite("Rule facts: district kind and demonstration station")
struct RuleFactsTests {
    static func finding(_ res: TestingHTTPResponse, _ rule: String) throws -> [String: Any]? {
        (try res.json()["findings"] as? [[String: Any]])?.first { $0["rule_id"] as? String == rule }
    }

    static func lastAudit(_ world: TestWorld, _ id: UUID) async throws -> AuditEvent? {
        try await AuditEvent.query(on: world.app.db).filter(\.$entityID == id.uuidString).filter(\.$action == .update).sort(\.$seq, .descending).first()
    }

    // MARK: district kind (S-2)

    @Test func ruleS2IsEvaluatedOnceTheCityAdminSetsTheDistrictKind() async throws {
        try await withApp { world in
            // setup: the other city runs the wuhan profile (S-2); its district has no kind yet
            let city = try #require(try await OrgUnit.find(world.id("外市"), on: world.app.db))
            city.policyProfile = "wuhan"
            try await city.save(on: world.app.db)
            world.app.policies.forgetAll()
            let admin = try await world.token("outsider")
            let station = world.id("station:外街道").uuidString
            let district = world.id("外区")
            let year = world.app.clock.today.year
            let before = try await world.api(.GET, "/api/v1/stations/\(station)/compliance?year=\(year)", token: admin)
            #expect(try Self.finding(before, "S-2")?["state"] as? String == "missing_data", "\(before.body.string)")
            // act
            let patched = try await world.api(.PATCH, "/api/v1/org-units/\(district)", token: admin, json: ["district_kind": "central_urban"])
            // check
            #expect(patched.status == .ok, "\(patched.body.string)")
            #expect(try patched.json()["district_kind"] as? String == "central_urban")
            #expect(try #require(try await OrgUnit.find(district, on: world.app.db)).districtKind == .centralUrban)
            let after = try await world.api(.GET, "/api/v1/stations/\(station)/compliance?year=\(year)", token: admin)
            let state = try #require(try Self.finding(after, "S-2")?["state"] as? String)
            #expect(state == "pass" || state == "failure" || state == "warning", "\(after.body.string)")
            #expect((try Self.finding(after, "S-2")?["required"] as? String)?.contains("中心城区") == true)
            let audit = try #require(try await Self.lastAudit(world, district))
            #expect(audit.entityType == "org_unit" && audit.changes.contains("district_kind") && audit.changes.contains("central_urban"))
            let shown = try await world.api(.GET, "/api/v1/org-units/\(district)", token: admin)
            #expect(try shown.json()["district_kind"] as? String == "central_urban")
            // "" clears it: S-2 cannot be checked again
            let cleared = try await world.api(.PATCH, "/api/v1/org-units/\(district)", token: admin, json: ["district_kind": ""])
            #expect(cleared.status == .ok)
            #expect(try cleared.json()["district_kind"] == nil)
            let again = try await world.api(.GET, "/api/v1/stations/\(station)/compliance?year=\(year)", token: admin)
            #expect(try Self.finding(again, "S-2")?["state"] as? String == "missing_data")
        }
    }

    @Test func aNewDistrictTakesItsKindAndOtherLevelsRefuseIt() async throws {
        try await withApp { world in
            // setup
            let admin = try await world.token("admin")
            let jinan = world.id("济南市")
            // act
            let created = try await world.api(.POST, "/api/v1/org-units", token: admin, json: [
                "name": "新区", "parent_id": jinan.uuidString, "division_code": "370199", "district_kind": "new_urban"])
            let street = try await world.api(.POST, "/api/v1/org-units", token: admin, json: [
                "name": "新街道", "parent_id": world.id("历下区").uuidString, "district_kind": "new_urban"])
            // check
            #expect(created.status == .created, "\(created.body.string)")
            #expect(try created.json()["district_kind"] as? String == "new_urban")
            let id = try #require(UUID(uuidString: try created.json()["id"] as? String ?? ""))
            #expect(try #require(try await OrgUnit.find(id, on: world.app.db)).districtKind == .newUrban)
            #expect(street.status == .unprocessableEntity)
            let message = try #require(try street.problemFields()["district_kind"])
            #expect(message.contains("S-2") && message.contains("区县"), "\(message)")
            #expect(try await OrgUnit.query(on: world.app.db).filter(\.$name == "新街道").count() == 0)
        }
    }

    @Test func badDistrictKindsNameTheFieldAndTheRule() async throws {
        try await withApp { world in
            // setup
            let admin = try await world.token("admin")
            let lixia = world.id("历下区")
            // act / check: an unknown value lists the allowed ones in Chinese
            let unknown = try await world.api(.PATCH, "/api/v1/org-units/\(lixia)", token: admin, json: ["district_kind": "suburban"])
            #expect(unknown.status == .unprocessableEntity)
            let message = try #require(try unknown.problemFields()["district_kind"])
            #expect(message.contains("中心城区") && message.contains("新城区") && message.contains("S-2") && message.contains("suburban"), "\(message)")
            // a street, a city or a village has no district kind
            for unit in ["解放路街道", "济南市"] {
                let res = try await world.api(.PATCH, "/api/v1/org-units/\(world.id(unit))", token: admin, json: ["district_kind": "central_urban"])
                #expect(res.status == .unprocessableEntity, "\(unit)")
                #expect(try res.problemFields()["district_kind"]?.contains("S-2") == true, "\(unit): \(res.body.string)")
            }
            // nothing half-written: a valid name with a bad kind changes nothing
            let mixed = try await world.api(.PATCH, "/api/v1/org-units/\(lixia)", token: admin, json: ["name": "改名区", "district_kind": "x"])
            #expect(mixed.status == .unprocessableEntity)
            let stored = try #require(try await OrgUnit.find(lixia, on: world.app.db))
            #expect(stored.name == "历下区" && stored.districtKind == nil)
            let wrongType = try await world.api(.PATCH, "/api/v1/org-units/\(lixia)", token: admin, json: ["district_kind": 1])
            #expect(wrongType.status == .unprocessableEntity)
            #expect(try wrongType.problemFields()["district_kind"] != nil)
        }
    }

    @Test func onlyTheCityAdminSetsTheDistrictKind() async throws {
        try await withApp { world in
            // setup
            let lixia = world.id("历下区")
            // act / check: the district officer of that very district may not
            let officer = try await world.api(.PATCH, "/api/v1/org-units/\(lixia)", token: try await world.token("lixia"), json: ["district_kind": "central_urban"])
            #expect(officer.status == .forbidden)
            #expect(try #require(try await OrgUnit.find(lixia, on: world.app.db)).districtKind == nil)
            // the district page: shown to all who see it, the form only to the city admin
            let district = Browser(world)
            _ = try await district.login("lixia")
            let officerPage = try await district.get("/org/\(lixia)")
            #expect(officerPage.body.string.contains("城区类型（规则 S-2）"))
            #expect(!officerPage.body.string.contains("/org/\(lixia)/district-kind"))
            let refused = try await district.post("/org/\(lixia)/district-kind", form: ["district_kind": "central_urban"])
            #expect(refused.status == .forbidden)
            let city = Browser(world)
            _ = try await city.login("admin")
            let adminPage = try await city.get("/org/\(lixia)")
            #expect(adminPage.body.string.contains("action=\"/org/\(lixia)/district-kind\""))
            let saved = try await city.post("/org/\(lixia)/district-kind", form: ["district_kind": "central_urban"])
            #expect(saved.status == .seeOther, "\(saved.body.string)")
            #expect(try #require(try await OrgUnit.find(lixia, on: world.app.db)).districtKind == .centralUrban)
            let shown = try await district.get("/org/\(lixia)")
            #expect(shown.body.string.contains("中心城区"))
            let bad = try await city.post("/org/\(lixia)/district-kind", form: ["district_kind": "郊区"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("未知的城区类型"))
            #expect(try #require(try await OrgUnit.find(lixia, on: world.app.db)).districtKind == .centralUrban)
        }
    }

    // MARK: demonstration station

    @Test func theDemonstrationRulesApplyOnceTheCityAdminMarksTheStation() async throws {
        try await withApp { world in
            // setup: 千佛山街道's station is not a demonstration station: P-3 (jinan, demonstration only) does not apply
            let admin = try await world.token("admin")
            let station = world.id("station:千佛山街道")
            let year = world.app.clock.today.year
            let before = try await world.api(.GET, "/api/v1/stations/\(station)/compliance?year=\(year)", token: admin)
            #expect(try Self.finding(before, "P-3")?["state"] as? String == "not_applicable", "\(before.body.string)")
            let shownBefore = try await world.api(.GET, "/api/v1/stations/\(station)", token: admin)
            #expect(try shownBefore.json()["is_demonstration"] as? Bool == false)
            // act
            let patched = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: admin, json: ["is_demonstration": true])
            // check
            #expect(patched.status == .ok, "\(patched.body.string)")
            #expect(try patched.json()["is_demonstration"] as? Bool == true)
            #expect(try #require(try await Station.find(station, on: world.app.db)).isDemonstration)
            let after = try await world.api(.GET, "/api/v1/stations/\(station)/compliance?year=\(year)", token: admin)
            let state = try #require(try Self.finding(after, "P-3")?["state"] as? String)
            #expect(state != "not_applicable", "\(after.body.string)")
            let audit = try #require(try await Self.lastAudit(world, station))
            #expect(audit.entityType == "station" && audit.changes.contains("is_demonstration"))
            let page = Browser(world)
            _ = try await page.login("lixia")
            let shown = try await page.get("/stations/\(station)")
            #expect(shown.body.string.contains("id=\"is-demonstration\">是"), "station page shows it")
        }
    }

    @Test func onlyTheCityAdminMarksADemonstrationStation() async throws {
        try await withApp { world in
            // setup
            let station = world.id("station:解放路街道")
            let before = try #require(try await Station.find(station, on: world.app.db)).auditFields
            // act / check: the district officer of the same district, the street officer and the operator may edit the station, not this
            for user in ["lixia", "jiefanglu", "operator"] {
                for value in [false, true] {
                    let res = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: try await world.token(user),
                                                  json: ["is_demonstration": value, "address": "别处 9 号"])
                    #expect(res.status == .forbidden, "\(user) \(value)")
                    #expect(try res.problemFields()["is_demonstration"]?.contains("市民政局") == true, "\(user): \(res.body.string)")
                }
            }
            #expect(try #require(try await Station.find(station, on: world.app.db)).auditFields == before)
            // a district officer creating a station may not mark it either
            let created = try await world.api(.POST, "/api/v1/stations", token: try await world.token("lixia"), json: [
                "street_id": world.id("新建街道").uuidString, "address": "新建路 1 号", "is_demonstration": true])
            #expect(created.status == .forbidden)
            #expect(try await Station.query(on: world.app.db).filter(\.$streetID == world.id("新建街道")).count() == 0)
            let bad = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: try await world.token("admin"), json: ["is_demonstration": "yes"])
            #expect(bad.status == .unprocessableEntity)
            #expect(try bad.problemFields()["is_demonstration"] != nil, "\(bad.body.string)")
            let admin = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: try await world.token("admin"), json: ["is_demonstration": false])
            #expect(admin.status == .ok)
            #expect(try #require(try await Station.find(station, on: world.app.db)).isDemonstration == false)
        }
    }

    @Test func theStationFormShowsTheDemonstrationBoxToTheCityAdminOnly() async throws {
        try await withApp { world in
            // setup
            let station = world.id("station:千佛山街道")
            let district = Browser(world)
            _ = try await district.login("lixia")
            let city = Browser(world)
            _ = try await city.login("admin")
            let form: [String: String] = ["name": "历下区千佛山街道社会工作服务站", "address": "千佛山路 1 号", "operator_id": world.id("operator:0").uuidString]
            // act
            let districtForm = try await district.get("/stations/\(station)/edit")
            let cityForm = try await city.get("/stations/\(station)/edit")
            // check
            #expect(!districtForm.body.string.contains("name=\"is_demonstration\""))
            #expect(cityForm.body.string.contains("name=\"is_demonstration\""))
            let forged = try await district.post("/stations/\(station)/edit", form: form.merging(["is_demonstration": "on"]) { a, _ in a })
            #expect(forged.status == .forbidden)
            #expect(try #require(try await Station.find(station, on: world.app.db)).isDemonstration == false)
            let marked = try await city.post("/stations/\(station)/edit", form: form.merging(["is_demonstration": "on"]) { a, _ in a })
            #expect(marked.status == .seeOther, "\(marked.body.string)")
            #expect(try #require(try await Station.find(station, on: world.app.db)).isDemonstration)
            // the district officer saves the form without the box: the mark stays
            let kept = try await district.post("/stations/\(station)/edit", form: form)
            #expect(kept.status == .seeOther, "\(kept.body.string)")
            #expect(try #require(try await Station.find(station, on: world.app.db)).isDemonstration)
            // the city admin unticks it
            let unmarked = try await city.post("/stations/\(station)/edit", form: form)
            #expect(unmarked.status == .seeOther)
            #expect(try #require(try await Station.find(station, on: world.app.db)).isDemonstration == false)
        }
    }
}
