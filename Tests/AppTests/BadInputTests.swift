@testable import App
import Fluent
import Testing
import Vapor
import VaporTesting

/// Bad input never half-writes: a clear Chinese message per field, the right status, nothing stored.
@Suite("Bad input")
struct BadInputTests {
    @Test func emptyStationNameIsRefusedAndNothingChanges() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("admin")
            let id = world.id("station:解放路街道")
            // act
            let res = try await world.api(.PATCH, "/api/v1/stations/\(id)", token: token, json: ["name": "  ", "address": "不应保存的地址"])
            // check
            #expect(res.status == .unprocessableEntity)
            #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            #expect(try res.problemFields()["name"] == "站点名称不能为空")
            let station = try await Station.find(id, on: world.app.db)!
            #expect(station.address != "不应保存的地址")
        }
    }

    @Test func emptyOrgUnitName() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            let res = try await world.api(.POST, "/api/v1/org-units", token: token, json: ["name": "", "parent_id": world.id("解放路街道").uuidString])
            #expect(res.status == .unprocessableEntity)
            #expect(try res.problemFields()["name"] == "名称不能为空")
        }
    }

    @Test func negativeAreaKeepsEveryRoomAsItWas() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("admin")
            let id = world.id("station:解放路街道")
            let before = try await StationRoom.query(on: world.app.db).filter(\.$station.$id == id).all().map { "\($0.kind.rawValue)=\($0.area)" }.sorted()
            // act: a valid office area beside a negative case-room area
            let res = try await world.api(.PATCH, "/api/v1/stations/\(id)", token: token, json: [
                "rooms": [["kind": "office", "area": 99], ["kind": "case_work", "area": -3]],
            ])
            // check
            #expect(res.status == .unprocessableEntity)
            #expect(try res.problemFields()["area_case_work"]?.contains("个案工作室面积不能小于 1 平方米") == true)
            let after = try await StationRoom.query(on: world.app.db).filter(\.$station.$id == id).all().map { "\($0.kind.rawValue)=\($0.area)" }.sorted()
            #expect(after == before)
        }
    }

    @Test func nonNumericAreaInJSONNamesTheField() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            let res = try await world.api(.PATCH, "/api/v1/stations/\(world.id("station:解放路街道"))", token: token,
                                          raw: #"{"rooms":[{"kind":"office","area":"很大"}]}"#)
            // a well-formed body with a field of the wrong type: 422 naming the field
            #expect(res.status == .unprocessableEntity)
            #expect(try res.problemFields()["rooms[0].area"] == "字段 rooms[0].area 应为数字")
        }
    }

    @Test func nonNumericAreaInTheFormIsShownBesideTheField() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            _ = try await browser.login("admin")
            let id = world.id("station:解放路街道")
            try await browser.get("/stations/\(id)/edit")
            // act
            let res = try await browser.post("/stations/\(id)/edit", form: ["name": "解放路站", "area_case_work": "abc", "area_office": "50"])
            // check: the form comes back with the message and the typed values; nothing saved
            #expect(res.status == .unprocessableEntity)
            #expect(res.body.string.contains("个案工作室面积应为数字，收到“abc”"))
            #expect(res.body.string.contains(#"value="abc""#))
            let station = try await Station.find(id, on: world.app.db)!
            #expect(station.name != "解放路站")
        }
    }

    @Test func invalidCreditCode() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            let res = try await world.api(.POST, "/api/v1/operators", token: token,
                                          json: ["name": "某社工机构", "credit_code": "52370102MJ50000010"])
            #expect(res.status == .unprocessableEntity)
            #expect(try res.problemFields()["credit_code"]?.contains("校验码错误") == true)
        }
    }

    @Test func unknownParent() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            let res = try await world.api(.POST, "/api/v1/org-units", token: token, json: ["name": "某社区", "parent_id": UUID().uuidString])
            #expect(res.status == .unprocessableEntity)
            #expect(try res.problemFields()["parent_id"]?.hasPrefix("上级单位不存在") == true)
        }
    }

    @Test func duplicateUsername() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            let res = try await world.api(.POST, "/api/v1/users", token: token, json: [
                "username": "worker", "display_name": "重名", "password": "password-123",
                "assignments": [["role": "social_worker", "org_unit_id": world.id("解放路街道").uuidString]],
            ])
            #expect(res.status == .conflict)
            #expect(try res.problemFields()["username"] == "用户名“worker”已被使用")
            #expect(try await User.query(on: world.app.db).filter(\.$username == "worker").count() == 1)
        }
    }

    @Test func stationOnAUnitThatIsNotAStreet() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            let res = try await world.api(.POST, "/api/v1/stations", token: token, json: ["street_id": world.id("历下区").uuidString])
            #expect(res.status == .unprocessableEntity)
            #expect(try res.problemFields()["street_id"] == "社工站只能设在街道/乡镇一级，“历下区”是区县")
        }
    }

    @Test func secondStationOnTheSameStreet() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            let count = try await Station.query(on: world.app.db).count()
            let res = try await world.api(.POST, "/api/v1/stations", token: token, json: ["street_id": world.id("解放路街道").uuidString, "address": "解放路 2 号"])
            #expect(res.status == .conflict)
            #expect(try res.problemFields()["street_id"] == "“解放路街道”已有社工站，每个街道/乡镇只设一个")
            #expect(try await Station.query(on: world.app.db).count() == count)
        }
    }

    @Test func malformedJSONBody() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            let res = try await world.api(.POST, "/api/v1/stations", token: token, raw: #"{"street_id": "#)
            #expect(res.status == .badRequest)
            #expect(try res.json()["detail"] as? String == "请求体不是有效的 JSON（或表单）：请检查括号、引号和逗号")
        }
    }

    @Test func unknownRoomKindAndWrongFieldType() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            let id = world.id("station:解放路街道")
            let kind = try await world.api(.PATCH, "/api/v1/stations/\(id)", token: token, json: ["rooms": [["kind": "sauna", "area": 10]]])
            #expect(kind.status == .unprocessableEntity)
            #expect(try kind.problemFields()["rooms[0].kind"]?.hasPrefix("未知的功能室类型“sauna”") == true)
            let type = try await world.api(.PATCH, "/api/v1/stations/\(id)", token: token, raw: #"{"outdoor_sign":"yes"}"#)
            #expect(type.status == .unprocessableEntity)
            #expect(try type.problemFields()["outdoor_sign"] == "字段 outdoor_sign 应为布尔值（true 或 false）")
        }
    }

    @Test func validUpdateIsSavedAndAudited() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("lixia")
            let id = world.id("station:解放路街道")
            // act
            let res = try await world.api(.PATCH, "/api/v1/stations/\(id)", token: token, json: [
                "rooms": [["kind": "office", "area": 42.5], ["kind": "case_work", "area": 18, "shared": false]],
                "equipment": ["desks", "printer"], "operator_id": world.id("operator:1").uuidString, "operator_exit_on": "2025-12-31",
            ])
            // check
            #expect(res.status == .ok, "\(res.body.string)")
            let body = try res.json()
            let rooms = body["rooms"] as! [[String: Any]]
            #expect(rooms.map { $0["kind"] as! String } == ["office", "case_work"])
            #expect((body["operator"] as! [String: Any])["name"] as? String == DemoData.operatorNames[1])
            let events = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "station_room").filter(\.$action == .update).all()
            #expect(events.contains { $0.changes.contains("42.5") && $0.actorName == "lixia" })
        }
    }
}
