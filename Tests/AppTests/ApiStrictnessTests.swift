@testable import App
import Fluent
import Testing
import Vapor
import VaporTesting

/// What the OpenAPI document promises about refusals: unknown body fields, invalid query values,
/// unsupported methods and absurd page numbers.
@Suite("API strictness")
struct ApiStrictnessTests {
    @Test func unknownBodyFieldIsRefusedByNameAndNothingChanges() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("admin")
            let id = world.id("station:解放路街道")
            // act: a misspelt field beside a valid one
            let res = try await world.api(.PATCH, "/api/v1/stations/\(id)", token: token,
                                          json: ["address": "不应保存的地址", "adress": "x", "rooms": [["kind": "office", "area": 20, "colour": "red"]]])
            // check
            #expect(res.status == .unprocessableEntity)
            let fields = try res.problemFields()
            #expect(fields["adress"]?.contains("不认识的字段 adress") == true)
            #expect(fields["rooms[0].colour"] != nil)
            #expect(fields["address"] == nil)
            let station = try await Station.find(id, on: world.app.db)!
            #expect(station.address != "不应保存的地址")
        }
    }

    @Test func knownFieldsWithNullAndDictionaryKeysAreAccepted() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            let res = try await world.api(.PATCH, "/api/v1/stations/\(world.id("station:解放路街道"))", token: token,
                                          json: ["name": NSNull(), "village_posts": [String: String](), "outdoor_sign": true])
            #expect(res.status == .ok)
        }
    }

    @Test func invalidQueryValueIsA400NamingTheParameter() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            let station = world.id("station:解放路街道")
            let year = try await world.api(.GET, "/api/v1/stations/\(station)/supervision-records?year=abc", token: token)
            #expect(year.status == .badRequest)
            #expect(try year.problemFields()["year"]?.contains("abc") == true)
            let detail = try await world.api(.GET, "/api/v1/compliance?detail=maybe", token: token)
            #expect(detail.status == .badRequest)
            // an empty value is not "the default" in the API, and a parameter counts once
            let empty = try await world.api(.GET, "/api/v1/compliance?detail=", token: token)
            #expect(empty.status == .badRequest)
            let twice = try await world.api(.GET, "/api/v1/policy?year=2025&year=2026", token: token)
            #expect(twice.status == .badRequest)
            #expect(try twice.problemFields()["year"] == "查询参数 year 只能给出一次")
            let fine = try await world.api(.GET, "/api/v1/policy?year=2025", token: token)
            #expect(fine.status == .ok)
        }
    }

    @Test func unsupportedMethodIs405WithAllow() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            let res = try await world.api(.DELETE, "/api/v1/stations/\(world.id("station:解放路街道"))", token: token)
            #expect(res.status == .methodNotAllowed)
            #expect(res.headers.first(name: .allow) == "GET, PATCH")
            #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            let missing = try await world.api(.DELETE, "/api/v1/no-such-thing", token: token)
            #expect(missing.status == .notFound)
        }
    }

    @Test func aHugePageNumberGivesAnEmptyPageNotACrash() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            let res = try await world.api(.GET, "/api/v1/audit-events?page=\(Int.max)&per=200", token: token)
            #expect(res.status == .ok)
            #expect((try res.json()["items"] as? [Any])?.isEmpty == true)
            let stations = try await world.api(.GET, "/api/v1/stations?page=\(Int.max)", token: token)
            #expect(stations.status == .ok)
        }
    }
}
