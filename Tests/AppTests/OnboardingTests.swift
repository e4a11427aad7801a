@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Onboarding a new city (issue 8 §2): a platform administrator adds a province and a city with its
/// profile (shipped, or a copy of another city's profile in force) and its first city admin.
@Suite("Onboarding a new city")
struct OnboardingTests {
    static func city(_ province: String, name: String, code: String, admin: String, extra: [String: Any] = ["profile": "guangzhou"]) -> [String: Any] {
        ["province_id": province, "name": name, "division_code": code, "admin_username": admin, "admin_display_name": "首位管理员"].merging(extra) { a, _ in a }
    }

    private func together(_ count: Int, _ send: @escaping @Sendable (Int) async throws -> TestingHTTPResponse) async throws -> [UInt] {
        try await withThrowingTaskGroup(of: UInt.self) { group in
            for i in 0..<count { group.addTask { try await send(i).status.code } }
            return try await group.reduce(into: []) { $0.append($1) }.sorted()
        }
    }

    @Test func platformAdminAddsProvinceAndCityWithShippedProfileAndFirstAdmin() async throws {
        try await withApp { world in
            // setup
            let platform = try await world.token("platform")
            // act
            let province = try await world.api(.POST, "/api/v1/provinces", token: platform, json: ["name": "江苏省", "division_code": "32"])
            #expect(province.status == .created, "\(province.body.string)")
            let provinceID = try #require(try province.json()["id"] as? String)
            #expect(try province.json()["division_code"] as? String == "320000")
            let created = try await world.api(.POST, "/api/v1/cities", token: platform, json: Self.city(provinceID, name: "南京市", code: "320100", admin: "nanjing"))
            // check: one answer with the city, its profile and a one-time password for its admin
            #expect(created.status == .created, "\(created.body.string)")
            let body = try created.json()
            let city = try #require(body["city"] as? [String: Any])
            #expect(city["profile"] as? String == "guangzhou")
            #expect(city["province_name"] as? String == "江苏省")
            let password = try #require(body["one_time_password"] as? String)
            #expect(password.count >= AccountController.minPasswordLength)
            let stored = try #require(try await OrgUnit.query(on: world.app.db).filter(\.$name == "南京市").first())
            #expect(stored.level == .city && stored.divisionCode == "320100" && stored.policyProfile == "guangzhou")
            #expect(stored.provinceID?.uuidString == provinceID)
            // the new admin signs in with the one-time password, reads the profile and builds the rest
            let login = try await world.api(.POST, "/api/v1/auth/token", json: ["username": "nanjing", "password": password])
            #expect(login.status == .created)
            let admin = try #require(try login.json()["token"] as? String)
            let policy = try await world.api(.GET, "/api/v1/policy", token: admin)
            #expect(try policy.json()["profile"] as? String == "guangzhou")
            #expect(try policy.json()["city"] as? String == "南京市")
            let district = try await world.api(.POST, "/api/v1/org-units", token: admin, json: ["name": "玄武区", "parent_id": stored.id!.uuidString, "division_code": "320102"])
            #expect(district.status == .created, "\(district.body.string)")
            // audited: the city with its profile and province, its admin and the admin's role
            let events = try await AuditEvent.query(on: world.app.db).filter(\.$actorName == "platform").all()
            #expect(events.contains { $0.entityType == "province" })
            #expect(events.contains { $0.entityType == "org_unit" && $0.changes.contains("guangzhou") && $0.changes.contains("江苏省") })
            #expect(events.contains { $0.entityType == "user" && $0.changes.contains("nanjing") })
            #expect(events.contains { $0.entityType == "role_assignment" && $0.changes.contains("city_admin") })
            let list = try await world.api(.GET, "/api/v1/cities", token: platform)
            #expect(try list.jsonArray().contains { $0["name"] as? String == "南京市" && $0["province_name"] as? String == "江苏省" })
        }
    }

    @Test func aCopiedProfileCarriesTheSourceCitysParametersInForceAsVersionOne() async throws {
        try await withApp { world in
            // setup: Jinan's city admin changes a parameter, in force from today
            let today = world.app.clock.today
            let jinan = try await world.token("admin")
            let change = try await world.api(.POST, "/api/v1/policy/versions", token: jinan, json: [
                "rule_id": "P-2", "param": "minOfficeAreaPerWorker", "value": 7, "effective_from": today.description,
                "note": "开通时复制自省厅建议值"])   // a note that merely reads like a copy: Jinan was not copied
            #expect(change.status == .created, "\(change.body.string)")
            let platform = try await world.token("platform")
            let shandong = try #require(try await Province.query(on: world.app.db).filter(\.$name == "山东省").first())
            // act
            let created = try await world.api(.POST, "/api/v1/cities", token: platform, json: Self.city(shandong.id!.uuidString, name: "青岛市", code: "370200", admin: "qingdao",
                extra: ["copy_of_city_id": world.id("济南市").uuidString, "admin_password": "qingdao-pass-1"]))
            // check: same shipped base, Jinan's change as version 1, with a note naming the source
            #expect(created.status == .created, "\(created.body.string)")
            #expect(try created.json()["policy_version"] as? Int == 1)
            let city = try #require(try await OrgUnit.query(on: world.app.db).filter(\.$name == "青岛市").first())
            #expect(city.policyProfile == "jinan")
            let version = try #require(try await PolicyVersion.query(on: world.app.db).filter(\.$cityID == city.id!).first())
            #expect(version.version == 1)
            #expect(version.overrideValues["P-2"]?["minOfficeAreaPerWorker"] == 7)
            #expect(version.note.contains("济南市"))
            #expect(version.effectiveFrom == "\(today.year)-01-01")
            let admin = try await world.api(.POST, "/api/v1/auth/token", json: ["username": "qingdao", "password": "qingdao-pass-1"])
            let token = try #require(try admin.json()["token"] as? String)
            let policy = try await world.api(.GET, "/api/v1/policy", token: token)
            let rules = try #require(try policy.json()["rules"] as? [[String: Any]])
            #expect((rules.first { $0["id"] as? String == "P-2" }?["params"] as? [String: Any])?["minOfficeAreaPerWorker"] as? Double == 7)
            #expect(try policy.json()["version"] as? Int == 1)
            let audit = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "policy").filter(\.$actorName == "platform").all()
            #expect(audit.contains { $0.changes.contains("copied_from") && $0.changes.contains("济南市") })
            // and Jinan's own profile is untouched
            #expect(try await PolicyVersion.query(on: world.app.db).filter(\.$cityID == world.id("济南市")).count() == 1)
            // the list says which city was copied, from the city's own record rather than a version's note
            let list = try await world.api(.GET, "/api/v1/cities", token: platform).jsonArray()
            #expect((list.first { $0["name"] as? String == "青岛市" }?["copied_from"] as? String)?.contains("济南市") == true)
            #expect(list.first { $0["name"] as? String == "济南市" }?["copied_from"] == nil)
        }
    }

    @Test func onlyThePlatformAdminOnboardsAndItReadsNoCitysRecords() async throws {
        try await withApp { world in
            // setup
            let cityAdmin = try await world.token("admin")
            let platform = try await world.token("platform")
            let hubei = try #require(try await Province.query(on: world.app.db).filter(\.$name == "湖北省").first())
            let citiesBefore = try await OrgUnit.query(on: world.app.db).filter(\.$level == .city).count()
            // act / check: a city admin may neither add a province nor a city, nor copy another city's profile
            #expect(try await world.api(.POST, "/api/v1/provinces", token: cityAdmin, json: ["name": "河南省", "division_code": "410000"]).status == .forbidden)
            #expect(try await world.api(.GET, "/api/v1/cities", token: cityAdmin).status == .forbidden)
            let copy = try await world.api(.POST, "/api/v1/cities", token: cityAdmin, json: Self.city(hubei.id!.uuidString, name: "宜昌市", code: "420500", admin: "yichang",
                extra: ["copy_of_city_id": world.id("武汉市").uuidString]))
            #expect(copy.status == .forbidden)
            let browser = Browser(world)
            _ = try await browser.login("admin")
            #expect(try await browser.get("/platform/cities").status == .forbidden)
            #expect(try await OrgUnit.query(on: world.app.db).filter(\.$level == .city).count() == citiesBefore)
            #expect(try await Province.query(on: world.app.db).count() == DemoData.demoProvinces.count)
            // the platform admin creates a city but reads no city's stations or staff
            let created = try await world.api(.POST, "/api/v1/cities", token: platform, json: Self.city(hubei.id!.uuidString, name: "宜昌市", code: "420500", admin: "yichang"))
            #expect(created.status == .created)
            #expect(try await world.api(.GET, "/api/v1/stations/\(world.id("station:解放路街道"))", token: platform).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/stations/\(world.id("station:解放路街道"))/workers", token: platform).status.code >= 403)
            #expect(try await world.api(.GET, "/api/v1/stations/\(world.id("station:解放路街道"))/compliance", token: platform).status.code >= 403)
            let list = try await world.api(.GET, "/api/v1/stations", token: platform)
            #expect(try list.json()["total"] as? Int == 0)
            let worker = try #require(try await SocialWorker.query(on: world.app.db).first())
            #expect(try await world.api(.GET, "/api/v1/workers/\(worker.id!)", token: platform).status.code >= 403)
        }
    }

    @Test func badInputNamesTheFieldAndNothingIsHalfWritten() async throws {
        try await withApp { world in
            // setup
            let platform = try await world.token("platform")
            let shandong = try #require(try await Province.query(on: world.app.db).filter(\.$name == "山东省").first()).id!.uuidString
            let cities = try await OrgUnit.query(on: world.app.db).filter(\.$level == .city).count()
            let users = try await User.query(on: world.app.db).count()
            // act / check
            let province = try await world.api(.POST, "/api/v1/provinces", token: platform, json: ["name": "", "division_code": "370100"])
            #expect(province.status == .unprocessableEntity)
            #expect(try province.problemFields()["division_code"]?.contains("0000") == true)
            #expect(try province.problemFields()["name"]?.contains("不能为空") == true)
            let noProfile = try await world.api(.POST, "/api/v1/cities", token: platform, json: Self.city(shandong, name: "烟台市", code: "370600", admin: "yantai", extra: [:]))
            #expect(noProfile.status == .unprocessableEntity)
            #expect(try noProfile.problemFields()["profile"] != nil)
            let unknown = try await world.api(.POST, "/api/v1/cities", token: platform, json: Self.city(shandong, name: "烟台市", code: "370600", admin: "yantai", extra: ["profile": "beijing"]))
            #expect(try unknown.problemFields()["profile"]?.contains("beijing") == true)
            let wrongProvince = try await world.api(.POST, "/api/v1/cities", token: platform, json: Self.city(shandong, name: "烟台市", code: "420600", admin: "yantai"))
            #expect(wrongProvince.status == .unprocessableEntity)
            #expect(try wrongProvince.problemFields()["division_code"]?.contains("37") == true)
            let shortCode = try await world.api(.POST, "/api/v1/cities", token: platform, json: Self.city(shandong, name: "烟台市", code: "3706", admin: "yantai"))
            #expect(try shortCode.problemFields()["division_code"]?.contains("6") == true)
            // a taken username: the city is not created either (one transaction)
            let taken = try await world.api(.POST, "/api/v1/cities", token: platform, json: Self.city(shandong, name: "烟台市", code: "370600", admin: "admin"))
            #expect(taken.status == .conflict)
            #expect(try taken.problemFields()["admin_username"] != nil)
            // an existing city's code or name
            let code = try await world.api(.POST, "/api/v1/cities", token: platform, json: Self.city(shandong, name: "烟台市", code: "370100", admin: "yantai"))
            #expect(code.status == .conflict)
            #expect(try code.problemFields()["division_code"]?.contains("济南市") == true)
            let name = try await world.api(.POST, "/api/v1/cities", token: platform, json: Self.city(shandong, name: "济南市", code: "370600", admin: "yantai"))
            #expect(name.status == .conflict)
            #expect(try await OrgUnit.query(on: world.app.db).filter(\.$level == .city).count() == cities)
            #expect(try await User.query(on: world.app.db).count() == users)
            // unknown fields are refused like everywhere in the API
            #expect(try await world.api(.POST, "/api/v1/provinces", token: platform, json: ["name": "河南省", "division_code": "41", "capital": "郑州"]).status == .unprocessableEntity)
        }
    }

    @Test func duplicatesSentTogetherGetOne201AndOne409() async throws {
        try await withApp { world in
            // setup
            let platform = try await world.token("platform")
            let shandong = try #require(try await Province.query(on: world.app.db).filter(\.$name == "山东省").first()).id!.uuidString
            // act
            let provinces = try await together(2) { _ in try await world.api(.POST, "/api/v1/provinces", token: platform, json: ["name": "河南省", "division_code": "410000"]) }
            let byCode = try await together(2) { i in
                try await world.api(.POST, "/api/v1/cities", token: platform, json: Self.city(shandong, name: "淄博市\(i)", code: "370300", admin: "zibo\(i)"))
            }
            let byName = try await together(2) { i in
                try await world.api(.POST, "/api/v1/cities", token: platform, json: Self.city(shandong, name: "枣庄市", code: "37040\(i)", admin: "zaozhuang\(i)"))
            }
            // check
            #expect(provinces == [201, 409])
            #expect(byCode == [201, 409])
            #expect(byName == [201, 409])
            #expect(try await OrgUnit.query(on: world.app.db).filter(\.$divisionCode == "370300").count() == 1)
            #expect(try await Province.query(on: world.app.db).filter(\.$divisionCode == "410000").count() == 1)
        }
    }

    @Test func theOnboardingPageAddsAProvinceAndACityAndShowsTheOneTimePasswordOnce() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            _ = try await browser.login("platform")
            // the platform admin lands on a home page of its own (it has no city, hence no deadlines)
            let home = try await browser.get("/")
            #expect(home.status == .ok, "\(home.body.string)")
            #expect(home.body.string.contains("/platform/cities"))
            let page = try await browser.get("/platform/cities")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("济南市") && page.body.string.contains("山东省"))
            // act
            let bad = try await browser.post("/platform/provinces", form: ["name": "浙江省", "division_code": "330100"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("0000") && bad.body.string.contains("浙江省"))
            let province = try await browser.post("/platform/provinces", form: ["name": "浙江省", "division_code": "330000"])
            #expect(province.status == .seeOther)
            let zhejiang = try #require(try await Province.query(on: world.app.db).filter(\.$name == "浙江省").first())
            let city = try await browser.post("/platform/cities", form: ["province_id": zhejiang.id!.uuidString, "name": "杭州市", "division_code": "330100",
                                                                           "profile_choice": "copy:\(world.id("武汉市"))", "admin_username": "hangzhou",
                                                                           "admin_display_name": "杭州市民政局 管理员", "admin_password": ""])
            // check
            #expect(city.status == .created, "\(city.body.string)")
            #expect(city.body.string.contains("one-time-password"))
            #expect(try await OrgUnit.query(on: world.app.db).filter(\.$name == "杭州市").first()?.policyProfile == "wuhan")
            let again = try await browser.get("/platform/cities")
            #expect(!again.body.string.contains("one-time-password"))
            #expect(again.body.string.contains("杭州市") && again.body.string.contains("复制自武汉市"))
        }
    }

    @Test func theMenuOffersOnboardingToEveryPlatformAdminAndNoOneElse() {
        // setup: a platform admin alone, one who is also a city's admin, and a city admin alone
        func caller(_ assignments: [Assignment]) -> Caller {
            Caller(userID: UUID(), username: "u", displayName: "u", assignments: assignments)
        }
        let platform = Assignment(role: .platformAdmin, scope: .platform)
        let cityAdmin = Assignment(role: .cityAdmin, scope: .unit(path: UUID().uuidString))
        // act
        let hrefs = [[platform], [platform, cityAdmin], [cityAdmin]].map { Layout.links(for: caller($0)).map(\.href) }
        // check
        #expect(hrefs[0].contains("/platform/cities"))
        #expect(hrefs[1].contains("/platform/cities") && hrefs[1].contains("/stations"))
        #expect(!hrefs[2].contains("/platform/cities"))
    }
}
