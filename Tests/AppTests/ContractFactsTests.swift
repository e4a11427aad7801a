@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Contract facts that rules read (S-6 contract start, S-7 personnel budget, S-8 contract amount)
/// are set by the purchaser of the service (district officer or city admin), in the API and the
/// station form; once set, the rule is evaluated instead of reporting missing data.
@Suite("Contract facts")
struct ContractFactsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let rule: String
        let profile: String
        let field: String
        let value: any Sendable
        var testDescription: String { "\(rule) reads \(field)" }
    }

    static let cases: [Case] = [
        Case(rule: "S-6", profile: "guangzhou", field: "contract_started_on", value: "2024-03-01"),
        Case(rule: "S-7", profile: "wuhan", field: "annual_personnel_budget", value: 200_000.0),
        Case(rule: "S-8", profile: "guangzhou", field: "annual_contract_amount", value: 240_000.0),
    ]

    static func finding(_ res: TestingHTTPResponse, _ rule: String) throws -> [String: Any]? {
        (try res.json()["findings"] as? [[String: Any]])?.first { $0["rule_id"] as? String == rule }
    }

    @Test(arguments: cases)
    func theRuleIsEvaluatedOnceThePurchaserSetsTheFact(_ c: Case) async throws {
        try await withApp { world in
            // setup: the other city runs the rule's profile and has a certified worker on duty
            let city = try #require(try await OrgUnit.find(world.id("外市"), on: world.app.db))
            city.policyProfile = c.profile
            try await city.save(on: world.app.db)
            world.app.policies.forgetAll()
            let admin = try await world.token("outsider")
            let station = world.id("station:外街道").uuidString
            let year = world.app.clock.today.year
            let worker = try await world.api(.POST, "/api/v1/workers", token: admin, json: [
                "name": "外社工", "gender": "female", "birth_date": "1992-02-02", "education": "bachelor", "major": "social_work",
                "certificate_level": "assistant", "certificate_date": "2020-06-20", "experience_years": 4, "full_time": true,
                "station_id": station, "started_on": "\(year - 1)-01-05"])
            #expect(worker.status == .created, "\(worker.body.string)")
            if c.rule == "S-7" {
                // Wuhan's notice leaves the average urban wage to the city: set it first.
                let param = try await world.api(.POST, "/api/v1/policy/versions", token: admin, json: [
                    "rule_id": "S-7", "param": "averageUrbanWage", "value": 120_000, "effective_from": world.app.clock.today.description])
                #expect(param.status == .created, "\(param.body.string)")
            }
            let before = try await world.api(.GET, "/api/v1/stations/\(station)/compliance?year=\(year)", token: admin)
            #expect(try Self.finding(before, c.rule)?["state"] as? String == "missing_data")
            #expect((try Self.finding(before, c.rule)?["measured"] as? String)?.contains("未填写") == true)
            // act
            let patched = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: admin, json: [c.field: c.value])
            // check
            #expect(patched.status == .ok, "\(patched.body.string)")
            #expect(try patched.json()[c.field] != nil)
            let after = try await world.api(.GET, "/api/v1/stations/\(station)/compliance?year=\(year)", token: admin)
            let state = try #require(try Self.finding(after, c.rule)?["state"] as? String)
            #expect(state == "pass" || state == "failure" || state == "warning", "\(c.rule): \(after.body.string)")
            #expect((try Self.finding(after, c.rule)?["measured"] as? String)?.contains("未填写") == false)
        }
    }

    @Test(arguments: cases)
    func onlyThePurchaserMaySetIt(_ c: Case) async throws {
        try await withApp { world in
            // setup
            let station = world.id("station:解放路街道")
            let before = try #require(try await Station.find(station, on: world.app.db)).auditFields
            // act / check: the street and the operator may edit the station, but not its contract
            for user in ["jiefanglu", "operator"] {
                let res = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: try await world.token(user), json: [c.field: c.value])
                #expect(res.status == .forbidden, "\(user) \(c.field)")
            }
            #expect(try #require(try await Station.find(station, on: world.app.db)).auditFields == before)
            let district = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: try await world.token("lixia"), json: [c.field: c.value])
            #expect(district.status == .ok, "\(district.body.string)")
            let stored = try #require(try await Station.find(station, on: world.app.db))
            switch c.field {
            case "contract_started_on": #expect(stored.contractStartedOn == c.value as? String)
            case "annual_contract_amount": #expect(stored.annualContractAmount == c.value as? Double)
            default: #expect(stored.annualPersonnelBudget == c.value as? Double)
            }
        }
    }

    @Test func boundsNameTheField() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("lixia")
            let station = world.id("station:解放路街道")
            // act / check
            for (field, value, words) in [("annual_contract_amount", -1.0 as any Sendable, "不小于 0"), ("annual_personnel_budget", 1e12, "1 亿元"),
                                          ("contract_started_on", "2025-02-30", "不存在"), ("contract_started_on", "2098-01-01", "不能晚于"),
                                          ("contract_started_on", "2025/01/01", "年-月-日")] {
                let res = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: token, json: [field: value])
                #expect(res.status == .unprocessableEntity, "\(field) \(value)")
                #expect(try res.problemFields()[field]?.contains(words) == true, "\(field): \(res.body.string)")
            }
            let stored = try #require(try await Station.find(station, on: world.app.db))
            #expect(stored.annualContractAmount == 360_000 && stored.contractStartedOn == "2024-03-01")
        }
    }

    @Test func theStationFormShowsContractFactsToThePurchaserOnly() async throws {
        try await withApp { world in
            // setup
            let station = world.id("station:解放路街道")
            let street = Browser(world)
            _ = try await street.login("jiefanglu")
            let district = Browser(world)
            _ = try await district.login("lixia")
            // act
            let streetForm = try await street.get("/stations/\(station)/edit")
            let districtForm = try await district.get("/stations/\(station)/edit")
            // check
            #expect(!streetForm.body.string.contains("name=\"annual_contract_amount\""))
            #expect(districtForm.body.string.contains("name=\"annual_contract_amount\""))
            #expect(districtForm.body.string.contains("value=\"360000\""))
            let saved = try await district.post("/stations/\(station)/edit", form: [
                "name": "历下区解放路街道社会工作服务站", "address": "解放路 1 号", "opened_on": "2021-03-10", "operator_id": world.id("operator:0").uuidString,
                "contract_started_on": "2025-01-01", "annual_contract_amount": "400000", "annual_personnel_budget": ""])
            #expect(saved.status == .seeOther, "\(saved.body.string)")
            let stored = try #require(try await Station.find(station, on: world.app.db))
            #expect(stored.contractStartedOn == "2025-01-01" && stored.annualContractAmount == 400_000 && stored.annualPersonnelBudget == nil)
            let bad = try await district.post("/stations/\(station)/edit", form: [
                "name": "历下区解放路街道社会工作服务站", "address": "解放路 1 号", "operator_id": world.id("operator:0").uuidString,
                "annual_contract_amount": "四十万"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("年度购买服务金额（元，S-8）应为数字"))
            let show = try await district.get("/stations/\(station)")
            #expect(show.body.string.contains("400000 元"))
        }
    }
}
