@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 10 §5: "records are never hard-deleted; corrections are versions". A correction makes the
/// ledger row a new version, keeps the one it replaces with who, when and why, moves the dashboards'
/// summary rows in the same transaction, and is refused when someone else corrected first.
@Suite("Service corrections")
struct ServiceCorrectionTests {
    /// A home visit at 解放路 three days ago (45 minutes, 养老服务·社会支持); its ledger row's id.
    static func visit(_ world: TestWorld, token: String) async throws -> (record: UUID, recipient: UUID) {
        let recipient = try await RecipientTests.register(world, token: token)
        let res = try await world.api(.POST, "/api/v1/visits", token: token, json: VisitsAndCasePagesTests.visit(recipient))
        #expect(res.status == .created, "\(res.body.string)")
        let lines = try await world.api(.GET, "/api/v1/recipients/\(recipient)/services", token: token)
        let line = try #require(try lines.jsonArray().first)
        return (UUID(uuidString: line["id"] as! String)!, recipient)
    }

    @Test func aWorkerCorrectsAVisitAndTheVersionItReplacesIsKept() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let (record, _) = try await Self.visit(world, token: token)
            let visited = Day(CaseworkTests.day(-3))!
            let corrected = Day(year: visited.year, month: 1, day: visited.month == 1 && visited.dayOfMonth == 1 ? 2 : 1)!
            // act: the minutes, the field and item, and the date (a visit's own)
            let res = try await world.api(.POST, "/api/v1/services/\(record)/corrections", token: token, json: [
                "version": 1, "minutes": 60, "field": "social_assistance", "item": "emotional_comfort", "on": corrected.description,
                "reason": "时长和日期记错"])
            // check: version 2 in force, version 1 kept with who and why
            #expect(res.status == .ok, "\(res.body.string)")
            let body = try res.json()
            let current = body["current"] as! [String: Any]
            #expect(current["version"] as? Int == 2 && current["minutes"] as? Int == 60 && current["on"] as? String == corrected.description)
            #expect(current["field"] as? String == "social_assistance" && current["item"] as? String == "emotional_comfort")
            let earlier = try #require((body["earlier"] as? [[String: Any]])?.first)
            #expect(earlier["version"] as? Int == 1 && earlier["minutes"] as? Int == 45 && earlier["on"] as? String == visited.description)
            #expect(earlier["field"] as? String == "elderly" && earlier["reason"] as? String == "时长和日期记错")
            #expect(earlier["corrected_by_name"] as? String != nil)
            // the visit's list and the recipient's services read the version in force
            let visits = try await world.api(.GET, "/api/v1/visits", token: token)
            let row = try #require((try visits.json()["items"] as? [[String: Any]])?.first)
            #expect(row["minutes"] as? Int == 60 && row["on"] as? String == corrected.description)
            // the dashboards moved with it, in the same transaction
            try await DashboardTests.expectTotalsEqualARecount(world)
            let dashboard = try await world.api(.GET, "/api/v1/dashboard?year=\(visited.year)", token: token).json()
            #expect((dashboard["totals"] as! [String: Any])["minutes"] as? Int == 60)
            let audit = try await AuditEvent.query(on: world.app.db).filter(\.$entityID == record.uuidString).filter(\.$action == .update).first()
            #expect(audit != nil)
        }
    }

    @Test func aCorrectionOfAnOlderVersionOrOfNothingIsRefused() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let (record, _) = try await Self.visit(world, token: token)
            let path = "/api/v1/services/\(record)/corrections"
            // act: two workers correct version 1 at once
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { tasks in
                for minutes in [50, 55] {
                    tasks.addTask { try await world.api(.POST, path, token: token, json: ["version": 1, "minutes": minutes, "reason": "时长记错"]).status }
                }
                return try await tasks.reduce(into: []) { $0.append($1) }
            }
            // check: one is kept, the other hears 409; never both, never a 500
            #expect(statuses.sorted { $0.code < $1.code } == [.ok, .conflict], "\(statuses)")
            #expect(try await ServiceRecordVersion.query(on: world.app.db).count() == 1)
            let stale = try await world.api(.POST, path, token: token, json: ["version": 1, "minutes": 70, "reason": "再改"])
            #expect(stale.status == .conflict && stale.body.string.contains("第 2 版"), "\(stale.body.string)")
            let same = try await world.api(.GET, "/api/v1/services/\(record)", token: token).json()["current"] as! [String: Any]
            let nothing = try await world.api(.POST, path, token: token, json: ["version": 2, "minutes": same["minutes"] as! Int, "reason": "无"])
            #expect(nothing.status == .unprocessableEntity && nothing.body.string.contains("没有要更正的内容"))
            let noReason = try await world.api(.POST, path, token: token, json: ["version": 2, "minutes": 80])
            #expect(noReason.status == .unprocessableEntity && noReason.body.string.contains("reason"))
            let otherYear = try await world.api(.POST, path, token: token, json: ["version": 2, "on": "2019-06-01", "reason": "日期记错"])
            #expect(otherYear.status == .unprocessableEntity && otherYear.body.string.contains("年内"))
            let future = try await world.api(.POST, path, token: token, json: ["version": 2, "on": CaseworkTests.day(1), "reason": "日期记错"])
            #expect(future.status == .unprocessableEntity)
            try await DashboardTests.expectTotalsEqualARecount(world)
        }
    }

    @Test func anInterventionKeepsTheDateAndMethodOfItsCase() async throws {
        try await withApp { world in
            // setup: an intervention in a case
            let token = try await world.token("worker")
            let (caseID, recipient) = try await CaseworkTests.openCase(world, token: token)
            _ = try await CaseworkTests.step(world, caseID, "assessments", token: token, CaseworkTests.assessment)
            _ = try await CaseworkTests.step(world, caseID, "plans", token: token, CaseworkTests.plan)
            #expect(try await CaseworkTests.step(world, caseID, "interventions", token: token, CaseworkTests.service(-5)).status == .created)
            let line = try #require(try await world.api(.GET, "/api/v1/recipients/\(recipient)/services", token: token).jsonArray().first)
            let path = "/api/v1/services/\(line["id"] as! String)/corrections"
            // act
            let date = try await world.api(.POST, path, token: token, json: ["version": 1, "on": CaseworkTests.day(-6), "reason": "日期记错"])
            let method = try await world.api(.POST, path, token: token, json: ["version": 1, "method": "group_work", "reason": "方法记错"])
            let content = try await world.api(.POST, path, token: token, json: ["version": 1, "content": "上门协助康复训练", "reason": "内容补充"])
            // check
            #expect(date.status == .unprocessableEntity && date.body.string.contains("\"on\""), "\(date.body.string)")
            #expect(method.status == .unprocessableEntity && method.body.string.contains("method"))
            #expect(content.status == .ok, "\(content.body.string)")
            let services = try await world.api(.GET, "/api/v1/cases/\(caseID)", token: token).json()["services"] as! [[String: Any]]
            #expect(services.count == 1)
        }
    }

    @Test func readersSeeTheRecordAndOthersDoNot() async throws {
        try await withApp { world in
            // setup
            let (record, _) = try await Self.visit(world, token: try await world.token("worker"))
            let one = "/api/v1/services/\(record)"
            let correction: [String: Any] = ["version": 1, "minutes": 50, "reason": "时长记错"]
            // act and check: the street, district and evaluator read, and may not correct
            for reader in ["jiefanglu", "lixia", "evaluator", "admin"] {
                let token = try await world.token(reader)
                #expect(try await world.api(.GET, one, token: token).status == .ok, "\(reader)")
                #expect(try await world.api(.POST, one + "/corrections", token: token, json: correction).status == .forbidden, "\(reader)")
            }
            // another street of the same district, and a supervisor (services are not theirs to read): not found
            let neighbour = try await RecipientTests.neighbourWorker(world)
            #expect(try await world.api(.GET, one, token: neighbour).status == .notFound)
            #expect(try await world.api(.POST, one + "/corrections", token: neighbour, json: correction).status == .notFound)
            #expect(try await world.api(.GET, one, token: try await world.token("supervisor")).status == .notFound)
            // another city
            #expect(try await world.api(.GET, one, token: try await world.token("wuhan")).status == .notFound)
            // the operator manager of the station corrects
            #expect(try await world.api(.POST, one + "/corrections", token: try await world.token("operator"), json: correction).status == .ok)
            #expect(try await ServiceRecordVersion.query(on: world.app.db).count() == 1)
        }
    }

    @Test func theRecordPageShowsTheVersionsAndCorrectsThroughItsForm() async throws {
        try await withApp { world in
            // setup
            let (record, recipient) = try await Self.visit(world, token: try await world.token("worker"))
            let browser = Browser(world)
            _ = try await browser.login("worker")
            let page = try await browser.get("/services/\(record)")
            #expect(page.status == .ok && page.body.string.contains("correction-form"))
            var form = ["version": "1", "on": CaseworkTests.day(-3), "minutes": "45", "others_count": "0", "field": "elderly", "item": "social_support",
                        "method": "case_work", "content": "入户了解近况，测量血压", "reason": ""]
            // act: no reason, then with one
            let refused = try await browser.post("/services/\(record)/corrections", form: form)
            form["minutes"] = "40"
            form["reason"] = "时长记错"
            let saved = try await browser.post("/services/\(record)/corrections", form: form)
            let after = try await browser.get("/services/\(record)")
            let timeline = try await browser.get("/recipients/\(recipient)")
            // check
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("更正原因"))
            #expect(saved.status == .seeOther)
            #expect(after.body.string.contains("更正记录") && after.body.string.contains("第 1 版") && after.body.string.contains("时长记错"))
            #expect(timeline.body.string.contains("已更正（第 2 版）"))
            // a reader sees the record and no form
            let reader = Browser(world)
            _ = try await reader.login("lixia")
            let read = try await reader.get("/services/\(record)")
            #expect(read.status == .ok && !read.body.string.contains("correction-form") && read.body.string.contains("更正记录"))
        }
    }
}
