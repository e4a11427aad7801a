@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 10 §5, §6: dashboards for a station, a district and a city, read from summary tables that
/// each write keeps in its own transaction — and that always equal a recount of the ledger.
@Suite("Service dashboards")
struct DashboardTests {
    /// A case intervention, a home visit and a group session at 解放路街道; returns the service year.
    static func someServices(_ world: TestWorld, token: String) async throws -> Int {
        let (caseID, recipient) = try await CaseworkTests.openCase(world, token: token)
        _ = try await CaseworkTests.step(world, caseID, "assessments", token: token, CaseworkTests.assessment)
        _ = try await CaseworkTests.step(world, caseID, "plans", token: token, CaseworkTests.plan)
        #expect(try await CaseworkTests.step(world, caseID, "interventions", token: token, CaseworkTests.service(-20)).status == .created)
        #expect(try await world.api(.POST, "/api/v1/visits", token: token, json: VisitsAndCasePagesTests.visit(recipient)).status == .created)
        let other = try await RecipientTests.register(world, token: token, id: GroupWorkTests.thirdID, name: "赵桂兰")
        let group = try await world.api(.POST, "/api/v1/groups", token: token, json: [
            "name": "健康小组", "field": "elderly", "item": "culture_sports_health", "goals": "g", "target": "t", "planned_sessions": 4,
            "starts_on": CaseworkTests.day(-20), "member_ids": [recipient.uuidString, other.uuidString]])
        let groupID = try group.json()["id"] as! String
        let session = try await world.api(.POST, "/api/v1/groups/\(groupID)/sessions", token: token,
                                          json: GroupWorkTests.session(-20, "八段锦", attendees: [recipient, other], others: 3))
        #expect(session.status == .created, "\(session.body.string)")
        return Day(Date()).adding(days: -20).year
    }

    @Test func theStationDistrictAndCityDashboardsCountEveryServiceOnce() async throws {
        try await withApp { world in
            // setup: three services at 解放路 (the visit may fall in another year than the others)
            let token = try await world.token("worker")
            let year = try await Self.someServices(world, token: token)
            let station = world.id("station:解放路街道")
            // act
            let own = try await world.api(.GET, "/api/v1/dashboard?year=\(year)", token: token)
            let district = try await world.api(.GET, "/api/v1/dashboard?unit=\(world.id("历下区"))&year=\(year)", token: try await world.token("lixia"))
            let city = try await world.api(.GET, "/api/v1/dashboard?year=\(year)", token: try await world.token("admin"))
            // check: the worker's own place is the station
            #expect(own.status == .ok, "\(own.body.string)")
            let body = try own.json()
            #expect((body["place"] as! [String: Any])["id"] as? String == station.uuidString)
            let visitYear = Day(Date()).adding(days: -3).year
            let records = visitYear == year ? 3 : 2
            let totals = body["totals"] as! [String: Any]
            #expect(totals["records"] as? Int == records)
            #expect(totals["people"] as? Int == records - 2 + 1 + 5)   // intervention 1, visit 1, session 2 + 3 others
            #expect(totals["recipients"] as? Int == 2)
            let methods = Dictionary(uniqueKeysWithValues: (body["by_method"] as! [[String: Any]]).map { ($0["code"] as! String, $0["records"] as! Int) })
            #expect(methods["group_work"] == 1 && methods["case_work"] == records - 1)
            let month = Int(CaseworkTests.day(-20).dropFirst(5).prefix(2))!
            #expect(((body["by_month"] as! [[String: Any]])[month - 1]["records"] as? Int ?? 0) >= 2)
            #expect(district.status == .ok)
            let places = (try district.json()["by_place"] as! [[String: Any]]).map { ($0["label"] as? String, $0["records"] as? Int) }
            // every station of the district, those with nothing recorded too
            #expect(places.count == 3 && places.filter { $0.1 == records }.count == 1 && places.filter { $0.1 == 0 }.count == 2, "\(places)")
            #expect(try (city.json()["totals"] as! [String: Any])["records"] as? Int == records)
            #expect(try (city.json()["place"] as! [String: Any])["kind"] as? String == "city")
        }
    }

    @Test func aDashboardOutsideTheCallersPlaceIsNotFound() async throws {
        try await withApp { world in
            // setup
            let neighbour = try await RecipientTests.neighbourWorker(world)
            let station = world.id("station:解放路街道")
            let district = world.id("历下区")
            // act and check: another street of the same district sees neither our station nor the district
            #expect(try await world.api(.GET, "/api/v1/dashboard?station=\(station)", token: neighbour).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/dashboard?unit=\(district)", token: neighbour).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/dashboard?unit=\(district)", token: try await world.token("jiefanglu")).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/dashboard?station=\(station)", token: try await world.token("supervisor")).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/dashboard?station=\(world.id("station:外街道"))", token: try await world.token("lixia")).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/dashboard?station=\(station)", token: try await world.token("evaluator")).status == .ok)
            let bad = try await world.api(.GET, "/api/v1/dashboard?station=\(station)&unit=\(district)", token: try await world.token("lixia"))
            #expect(bad.status == .badRequest)
            #expect(try await world.api(.GET, "/api/v1/dashboard?year=1999", token: try await world.token("lixia")).status == .badRequest)
        }
    }

    /// The summary tables (`ServiceTotals`) against the ledger counted afresh: each station's year by
    /// month, field, item, method and kind, and the distinct recipients of each station, district and
    /// city in each year.
    static func expectTotalsEqualARecount(_ world: TestWorld, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let sql = world.app.db as! any SQLDatabase
        func rows(_ query: SQLQueryString, text: [String], numbers: [String]) async throws -> [String] {
            try await sql.raw(query).all().map { row in
                try text.map { try row.decode(column: $0, as: String.self) } + numbers.map { String(try row.decode(column: $0, as: Int.self)) }
            }.map { $0.joined(separator: "|") }.sorted()
        }
        let totals = try await rows("SELECT CAST(station_id AS text) AS station_id, year, dimension, code, records, people, minutes FROM service_totals",
                                    text: ["station_id", "dimension", "code"], numbers: ["year", "records", "people", "minutes"])
        // The recount: every record once under each dimension, counted in SQL of its own (not `ServiceTotals.rebuild`).
        let dimensions = ["month": "substr(served_on, 6, 2)", "field": "field", "item": "CASE WHEN featured_project_id IS NULL THEN COALESCE(item, '') ELSE 'featured:' || LOWER(CAST(featured_project_id AS text)) END", "method": "method", "kind": "kind"]
        var recount: [String] = []
        for (name, expression) in dimensions {
            recount += try await rows("""
                SELECT CAST(station_id AS text) AS station_id, year, '\(unsafeRaw: name)' AS dimension, \(unsafeRaw: expression) AS code,
                       COUNT(*) AS records, SUM(people_count) AS people, SUM(minutes) AS minutes
                FROM service_records GROUP BY station_id, year, \(unsafeRaw: expression)
                """, text: ["station_id", "dimension", "code"], numbers: ["year", "records", "people", "minutes"])
        }
        let counts = try await rows("SELECT CAST(place_id AS text) AS place, year, recipients FROM served_counts", text: ["place"], numbers: ["year", "recipients"])
        var distinct: [String] = []
        for place in ["station_id", "district_id", "city_id"] {
            distinct += try await rows("""
                SELECT CAST(sv.\(unsafeRaw: place) AS text) AS place, sv.year, COUNT(DISTINCT sr.recipient_id) AS recipients
                FROM service_record_recipients sr JOIN service_records sv ON sv.id = sr.record_id AND sv.year = sr.year GROUP BY sv.\(unsafeRaw: place), sv.year
                """, text: ["place"], numbers: ["year", "recipients"])
        }
        // R-2's reach: each record once for each village it was held in or whose residents it served, tallied here in Swift.
        let reached = try await rows("SELECT CAST(village_id AS text) AS village, kind, year, records FROM village_services",
                                     text: ["village", "kind"], numbers: ["year", "records"])
        var villagesOf: [String: Set<String>] = [:], kindOf: [String: String] = [:]
        for row in try await sql.raw("""
            SELECT CAST(sv.id AS text) AS id, sv.year, sv.kind, CAST(r.village_id AS text) AS village FROM service_records sv
            LEFT JOIN service_record_recipients sr ON sr.record_id = sv.id LEFT JOIN recipients r ON r.id = sr.recipient_id
            UNION ALL SELECT CAST(sv.id AS text), sv.year, sv.kind, CAST(e.place_id AS text) FROM community_events e JOIN service_records sv ON sv.id = e.record_id
            """).all() {
            let id = try row.decode(column: "id", as: String.self)
            kindOf[id] = "\(try row.decode(column: "kind", as: String.self))|\(try row.decode(column: "year", as: Int.self))"
            if let village = try row.decode(column: "village", as: String?.self) { villagesOf[id, default: []].insert(village) }
        }
        var tally: [String: Int] = [:]
        for (id, villages) in villagesOf {
            let parts = kindOf[id]!.split(separator: "|")
            for v in villages { tally["\(v)|\(parts[0])|\(parts[1])", default: 0] += 1 }
        }
        #expect(!totals.isEmpty, sourceLocation: sourceLocation)
        #expect(totals == recount.sorted(), sourceLocation: sourceLocation)
        #expect(counts == distinct.sorted(), sourceLocation: sourceLocation)
        #expect(!reached.isEmpty, sourceLocation: sourceLocation)
        #expect(reached == tally.map { "\($0.key)|\($0.value)" }.sorted(), sourceLocation: sourceLocation)
    }

    @Test func theSummaryTablesAlwaysEqualARecountOfTheLedger() async throws {
        try await withApp { world in
            // setup: services of every kind, some sent twice at once (one 409)
            let token = try await world.token("worker")
            _ = try await Self.someServices(world, token: token)
            let (caseID, _) = try await CaseworkTests.openCase(world, token: token, id: RecipientTests.childID, name: "李小花")
            _ = try await CaseworkTests.step(world, caseID, "assessments", token: token, CaseworkTests.assessment)
            _ = try await CaseworkTests.step(world, caseID, "plans", token: token, CaseworkTests.plan)
            _ = try await CaseworkTests.step(world, caseID, "interventions", token: token, CaseworkTests.service(-12, "首次入户"))
            _ = try await withThrowingTaskGroup(of: HTTPStatus.self) { tasks in
                for content in ["入户", "入户", "陪同就医"] {
                    tasks.addTask { try await CaseworkTests.step(world, caseID, "interventions", token: token, CaseworkTests.service(-10, content)).status }
                }
                return try await tasks.reduce(into: []) { $0.append($1) }
            }
            // act and check: recount from the ledger
            try await Self.expectTotalsEqualARecount(world)
            #expect(try await ServiceRecord.query(on: world.app.db).count() == 6)
        }
    }


    @Test func theDashboardPageDrawsItsChartsWithTablesAndExportsAWorkbook() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let year = try await Self.someServices(world, token: token)
            let station = world.id("station:解放路街道")
            let browser = Browser(world)
            _ = try await browser.login("lixia")
            // act
            let page = try await browser.get("/dashboard?station=\(station)&year=\(year)")
            let district = try await browser.get("/dashboard")
            let xlsx = try await browser.get("/dashboard/export.xlsx?station=\(station)&year=\(year)")
            // check: an SVG per chart, the numbers beside it, no script
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.components(separatedBy: "<svg class=\"chart\"").count - 1 == 6)
            #expect(html.contains("<title>\(year)年各月服务记录数</title>"))
            #expect(html.contains("小组工作"))
            #expect(!html.contains("<script"))
            #expect(district.body.string.contains("历下区服务统计"))
            #expect(xlsx.status == .ok)
            let rows = try XLSXReader.rows(Data(buffer: xlsx.body))
            #expect(rows.first?.first?.hasSuffix("解放路街道社会工作服务站服务统计（\(year)年）") == true)
            #expect(rows.contains { $0.first == "服务对象（去重）" && $0.dropFirst().first.flatMap(Double.init) == 2 }, "\(rows.prefix(6))")
        }
    }
}
