@testable import App
import Domain
import Fluent
import Testing
import Vapor
import VaporTesting

@Suite("Demo data and org tree")
struct DemoAndOrgTests {
    @Test func demoCityMatchesThe2022QuotaTable() async throws {
        try await withApp { world in
            let db = world.app.db
            let jinan = try await OrgUnit.query(on: db).filter(\.$name == "济南市").first()!
            #expect(jinan.divisionCode == "370100")
            let districts = try await OrgUnit.query(on: db).filter(\.$parentID == jinan.id!).all()
            #expect(Set(districts.map(\.name)) == ["历下区", "市中区", "槐荫区", "天桥区", "历城区", "长清区", "章丘区", "济阳区", "莱芜区", "钢城区", "平阴县", "商河县", "高新区", "南部山区", "起步区"])
            let quotas = try await DemonstrationQuota.query(on: db).filter(\.$year == 2022).all()
            #expect(quotas.reduce(0) { $0 + $1.quota } == 30)   // rule D-1
            #expect(districts.filter { $0.divisionCode == nil }.map(\.name).sorted() == ["南部山区", "起步区", "高新区"].sorted())
            for district in districts {
                let streets = try await OrgUnit.query(on: db).filter(\.$parentID == district.id!).all()
                #expect(streets.count >= 2, "\(district.name)")
                for street in streets where street.name != "新建街道" {   // added by the test world
                    #expect(try await Station.query(on: db).filter(\.$streetID == street.id!).count() == 1, "\(street.name)")
                    #expect(try await OrgUnit.query(on: db).filter(\.$parentID == street.id!).count() >= 3, "\(street.name)")
                }
            }
            let roles = try await RoleAssignment.query(on: db).all().map(\.role)
            #expect(Set(roles) == Set(Role.allCases))
        }
    }

    @Test func orgUnitListFiltersByLevelAndParentWithinScope() async throws {
        try await withApp { world in
            let admin = try await world.token("admin")
            let streets = try await world.api(.GET, "/api/v1/org-units?level=street&parent=\(world.id("历下区"))", token: admin)
            #expect(streets.status == .ok)
            #expect(Set(try streets.jsonArray().map { $0["name"] as! String }) == ["解放路街道", "千佛山街道", "趵突泉街道", "新建街道"])
            // a street officer lists only its own subtree
            let street = try await world.token("jiefanglu")
            let mine = try await world.api(.GET, "/api/v1/org-units", token: street)
            let names = try mine.jsonArray().map { $0["name"] as! String }
            #expect(names.contains("解放路街道"))
            #expect(!names.contains("千佛山街道"))
            #expect(!names.contains("历下区"))
            let bad = try await world.api(.GET, "/api/v1/org-units?level=province", token: admin)
            #expect(bad.status == .badRequest)
            #expect(try bad.problemFields()["level"]?.contains("未知的层级") == true)
        }
    }

    @Test func divisionCodeMustFollowTheParent() async throws {
        try await withApp { world in
            let admin = try await world.token("admin")
            let wrong = try await world.api(.POST, "/api/v1/org-units", token: admin, json: ["name": "测试街道", "parent_id": world.id("历下区").uuidString, "division_code": "370199001"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(try wrong.problemFields()["division_code"] == "行政区划代码应以上级单位的代码 370102 开头")
            let right = try await world.api(.POST, "/api/v1/org-units", token: admin, json: ["name": "测试街道", "parent_id": world.id("历下区").uuidString, "division_code": "370102099"])
            #expect(right.status == .created)
            #expect(try right.json()["level"] as? String == "street")
        }
    }

    @Test func stationListFiltersAndPages() async throws {
        try await withApp { world in
            let admin = try await world.token("admin")
            let page = try await world.api(.GET, "/api/v1/stations?district=\(world.id("历下区"))&per=2&page=2", token: admin)
            let body = try page.json()
            #expect(body["total"] as? Int == 3)
            #expect((body["items"] as! [[String: Any]]).count == 1)
            let search = try await world.api(.GET, "/api/v1/stations?q=千佛山", token: admin)
            #expect(try (search.json()["items"] as! [[String: Any]]).map { $0["street_name"] as! String } == ["千佛山街道"])
            // the operator sees only the stations it runs (历下区 and 市中区: 6)
            let op = try await world.token("operator")
            #expect(try await world.api(.GET, "/api/v1/stations", token: op).json()["total"] as? Int == 6)
        }
    }

    @Test func newStationTakesTheDefaultNameOfRuleP4() async throws {
        try await withApp { world in
            let token = try await world.token("lixia")
            let res = try await world.api(.POST, "/api/v1/stations", token: token, json: ["street_id": world.id("新建街道").uuidString, "address": "新建街道 1 号"])
            #expect(res.status == .created)
            #expect(try res.json()["name"] as? String == "历下区新建街道社会工作服务站")
        }
    }

    @Test func streetOfficerCannotOpenAnotherStreetsStationPage() async throws {
        try await withApp { world in
            let browser = Browser(world)
            _ = try await browser.login("jiefanglu")
            let other = try await browser.get("/stations/\(world.id("station:千佛山街道"))")
            #expect(other.status == .notFound)
            #expect(!other.body.string.contains("千佛山街道社会工作服务站"))
            let own = try await browser.get("/stations/\(world.id("station:解放路街道"))")
            #expect(own.status == .ok)
            #expect(own.body.string.contains("历下区解放路街道社会工作服务站"))
        }
    }

    @Test func editFormSavesRoomsAndVillagePosts() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            _ = try await browser.login("jiefanglu")
            let id = world.id("station:解放路街道")
            let station = try await Station.find(id, on: world.app.db)!
            let village = try await OrgUnit.query(on: world.app.db).filter(\.$parentID == station.streetID).sort(\.$name).first()!
            try await browser.get("/stations/\(id)/edit")
            // act
            let res = try await browser.post("/stations/\(id)/edit", form: [
                "name": station.name, "address": "解放路12号", "opened_on": "2021-05-01",
                "operator_id": world.id("operator:0").uuidString,
                "area_office": "36", "area_case_work": "23.5", "shared_group_work": "on", "area_group_work": "40",
                "equipment_desks": "on", "outdoor_sign": "on", "post_\(village.id!)": "point",
            ])
            // check
            #expect(res.status == .seeOther, "\(res.body.string.prefix(500))")
            let page = try await browser.get("/stations/\(id)")
            #expect(page.body.string.contains("23.5"))
            let rooms = try await StationRoom.query(on: world.app.db).filter(\.$station.$id == id).all()
            #expect(Set(rooms.map(\.kind)) == [.office, .caseWork, .groupWork])
            #expect(rooms.first { $0.kind == .groupWork }?.shared == true)
            #expect(try await OrgUnit.find(village.id, on: world.app.db)?.villagePost == .point)
        }
    }
}

@Suite("Escaping")
struct EscapingTests {
    @Test func userTextNeverBreaksOutOfTextOrAttributes() async throws {
        try await withApp { world in
            // setup: a hostile station name, saved through the API
            let token = try await world.token("admin")
            let id = world.id("station:解放路街道")
            let hostile = #"站"><script>alert(1)</script>'"#
            #expect(try await world.api(.PATCH, "/api/v1/stations/\(id)", token: token, json: ["name": hostile]).status == .ok)
            let browser = Browser(world)
            _ = try await browser.login("admin")
            // act
            let show = try await browser.get("/stations/\(id)").body.string
            let edit = try await browser.get("/stations/\(id)/edit").body.string
            // check: shown as text in the title, the heading and the form value, never as markup
            for page in [show, edit] {
                #expect(!page.contains("<script>alert(1)</script>"))
                #expect(page.contains("站&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;"))
            }
        }
    }
}
