@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 10 §2: a supervision record (MZ/T 166, rule T-5) names the cases of its station it
/// discussed; the record shows them and each case lists the records that discussed it.
@Suite("Supervision records naming cases")
struct SupervisionCasesTests {
    /// The demo's 解放路 station, the supervisor posted to it (account `supervisor`) and its workers.
    static func parties(_ world: TestWorld) async throws -> (station: UUID, supervisor: UUID, workers: [UUID]) {
        let station = world.id("station:解放路街道")
        let supervisor = try #require(try await Supervisor.query(on: world.app.db).filter(\.$userID == world.id("user:supervisor")).first())
        let workers = try await WorkerAssignment.query(on: world.app.db).filter(\.$station.$id == station).filter(\.$endedOn == nil).all().map { $0.$worker.id }
        return (station, supervisor.id!, workers)
    }

    static func record(_ world: TestWorld, cases: [UUID], heldOn: String = CaseworkTests.day(0), topic: String = "危机个案复盘") async throws -> [String: Any] {
        let (station, supervisor, workers) = try await parties(world)
        return ["station_id": station.uuidString, "supervisor_id": supervisor.uuidString, "held_on": heldOn, "hours": 1.5, "form": "group",
                "topic": topic, "issues": "风险评估记录不完整", "advice": "使用风险评估量表逐项记录", "supervisee_ids": workers.map(\.uuidString),
                "case_ids": cases.map(\.uuidString)]
    }

    /// The `<input …>` tag of a form field, by name.
    static func tag(_ html: String, name: String) -> String? {
        guard let at = html.range(of: #"name="\#(name)""#) else { return nil }
        let start = html[..<at.lowerBound].range(of: "<input", options: .backwards)?.lowerBound ?? at.lowerBound
        let end = html[at.upperBound...].range(of: ">")?.upperBound ?? at.upperBound
        return String(html[start..<end])
    }

    /// A case of 千佛山街道 (the same district as 解放路), opened by a worker posted there.
    static func neighbourCase(_ world: TestWorld) async throws -> UUID {
        let neighbour = try await RecipientTests.neighbourWorker(world)
        let registered = try await world.api(.POST, "/api/v1/recipients", token: neighbour,
                                             json: try await RecipientTests.input(world, id: RecipientTests.childID, name: "李小花", street: "千佛山街道"))
        #expect(registered.status == .created, "\(registered.body.string)")
        let opened = try await world.api(.POST, "/api/v1/cases", token: neighbour, json: [
            "recipient_ids": [try registered.json()["id"] as! String], "source": "self", "problem": "留守儿童，学业困难", "consent_on": CaseworkTests.day(-10),
            "opened_on": CaseworkTests.day(-10), "field": "elderly", "item": "social_support"])
        #expect(opened.status == .created, "\(opened.body.string)")
        return UUID(uuidString: try opened.json()["id"] as! String)!
    }

    @Test func aRecordNamesCasesThatShowOnTheRecordAndOnTheCase() async throws {
        try await withApp { world in
            // setup: a case of 解放路; the supervisor posted there
            let (caseID, _) = try await CaseworkTests.openCase(world, token: try await world.token("worker"))
            let number = try #require(try await ServiceCase.find(caseID, on: world.app.db)).number
            let supervisor = try await world.token("supervisor")
            let station = world.id("station:解放路街道")
            // act
            let res = try await world.api(.POST, "/api/v1/supervision-records", token: supervisor, json: try await Self.record(world, cases: [caseID, caseID]))
            // check: the answer names the case once, by number
            #expect(res.status == .created, "\(res.body.string)")
            let body = try res.json()
            let named = try #require(body["cases"] as? [[String: Any]])
            #expect(named.map { $0["number"] as? String } == [number])
            #expect(named.first?["id"] as? String == caseID.uuidString)
            let recordID = try #require(body["id"] as? String)
            // the station's list of the year
            let year = Day(CaseworkTests.day(0))!.year
            let list = try await world.api(.GET, "/api/v1/stations/\(station)/supervision-records?year=\(year)", token: try await world.token("jiefanglu")).jsonArray()
            let listed = try #require(list.first { $0["id"] as? String == recordID })
            #expect((listed["cases"] as? [[String: Any]])?.map { $0["number"] as? String } == [number])
            // the case, through the API, for the supervisor and the worker
            for user in ["supervisor", "worker"] {
                let detail = try await world.api(.GET, "/api/v1/cases/\(caseID)", token: try await world.token(user)).json()
                let mentions = try #require(detail["supervision"] as? [[String: Any]], "\(user)")
                #expect(mentions.map { $0["topic"] as? String } == ["危机个案复盘"], "\(user)")
                #expect(mentions.first?["supervisor_name"] as? String == "赵敏", "\(user)")
                #expect(mentions.first?["record_id"] as? String == recordID, "\(user)")
            }
            // the pages: the record links to the case, the case lists the record
            let browser = Browser(world)
            _ = try await browser.login("supervisor")
            let records = try await browser.get("/stations/\(station)/supervision?year=\(year)").body.string
            #expect(records.contains(#"<a href="/cases/\#(caseID)">\#(number)</a>"#))
            let casePage = try await browser.get("/cases/\(caseID)").body.string
            #expect(casePage.contains(#"id="supervision""#))
            #expect(casePage.contains("督导记录"))
            #expect(casePage.contains("危机个案复盘"))
            #expect(casePage.contains("/stations/\(station)/supervision?year=\(year)#record-\(recordID)"))
            // one link row, and the audit trail names the case
            let links = try await (world.app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM supervision_record_cases").first()!.decode(column: "n", as: Int.self)
            #expect(links == 1)
            let audited = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "supervision_record_case").all()
            #expect(audited.count == 1)
            #expect(audited.first?.changes.contains(number) == true)
        }
    }

    @Test func aSupervisorNotPostedToTheStationReadsTheNumberWithoutALink() async throws {
        try await withApp { world in
            // setup: a record naming a case; a second supervisor of 历下区 posted nowhere
            let (caseID, _) = try await CaseworkTests.openCase(world, token: try await world.token("worker"))
            let number = try #require(try await ServiceCase.find(caseID, on: world.app.db)).number
            let res = try await world.api(.POST, "/api/v1/supervision-records", token: try await world.token("operator"), json: try await Self.record(world, cases: [caseID]))
            #expect(res.status == .created, "\(res.body.string)")
            let user = User(username: "sup2", displayName: "督导 钱", passwordHash: try world.app.password.hash(TestWorld.password))
            try await user.create(on: world.app.db)
            try await RoleAssignment(userID: user.id!, role: .supervisor, unitID: world.id("历下区"), operatorID: nil).create(on: world.app.db)
            let station = world.id("station:解放路街道")
            let year = Day(CaseworkTests.day(0))!.year
            // act
            let browser = Browser(world)
            _ = try await browser.login("sup2")
            let page = try await browser.get("/stations/\(station)/supervision?year=\(year)")
            // check: the record and its case number, but no link to a case this supervisor cannot open
            #expect(page.status == .ok)
            #expect(page.body.string.contains(number))
            #expect(!page.body.string.contains("/cases/\(caseID)"))
            #expect(try await browser.get("/cases/\(caseID)").status == .notFound)
        }
    }

    @Test func aCaseOfAnotherStationOrOpenedLaterIsRefusedAndNothingIsWritten() async throws {
        try await withApp { world in
            // setup: a case of 千佛山街道 (same district); the operator runs both stations and reads both cases
            let (ours, _) = try await CaseworkTests.openCase(world, token: try await world.token("worker"))
            let theirs = try await Self.neighbourCase(world)
            let operatorToken = try await world.token("operator")
            #expect(try await world.api(.GET, "/api/v1/cases/\(theirs)", token: operatorToken).status == .ok)
            let before = try await SupervisionRecord.query(on: world.app.db).count()
            // act
            let other = try await world.api(.POST, "/api/v1/supervision-records", token: operatorToken, json: try await Self.record(world, cases: [ours, theirs]))
            let unknown = try await world.api(.POST, "/api/v1/supervision-records", token: operatorToken, json: try await Self.record(world, cases: [UUID()]))
            let early = try await world.api(.POST, "/api/v1/supervision-records", token: operatorToken,
                                            json: try await Self.record(world, cases: [ours], heldOn: CaseworkTests.day(-40)))
            let street = try await world.api(.POST, "/api/v1/supervision-records", token: try await world.token("jiefanglu"),
                                             json: try await Self.record(world, cases: [ours]))
            // check: 422 naming case_ids, 403 for the street (a reader), and nothing written
            #expect(other.status == .unprocessableEntity)
            #expect(try other.problemFields()["case_ids"]?.contains("\(theirs) 不是本站的个案") == true)
            #expect(try other.problemFields()["case_ids"]?.contains(ours.uuidString) == false)
            #expect(unknown.status == .unprocessableEntity)
            #expect(try unknown.problemFields()["case_ids"]?.hasPrefix("关联的个案须是本站的个案") == true)
            #expect(early.status == .unprocessableEntity)
            #expect(try early.problemFields()["case_ids"]?.contains("晚于督导日期") == true)
            #expect(street.status == .forbidden)
            #expect(try await SupervisionRecord.query(on: world.app.db).count() == before)
            let links = try await (world.app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM supervision_record_cases").first()!.decode(column: "n", as: Int.self)
            #expect(links == 0)
        }
    }

    @Test func theFormOffersTheStationsOpenCasesAndKeepsTheTicksOnARefusal() async throws {
        try await withApp { world in
            // setup: two open cases of 解放路, one then closed; one case of 千佛山街道
            let worker = try await world.token("worker")
            let (open, _) = try await CaseworkTests.openCase(world, token: worker)
            let (closed, _) = try await CaseworkTests.openCase(world, token: worker, id: ResidentID.completing("37010219480512003")!, name: "张桂兰")
            let done = try #require(try await ServiceCase.find(closed, on: world.app.db))
            done.stage = .closed
            try await done.save(on: world.app.db)
            let theirs = try await Self.neighbourCase(world)
            let number = try #require(try await ServiceCase.find(open, on: world.app.db)).number
            let (station, supervisor, workers) = try await Self.parties(world)
            let browser = Browser(world)
            _ = try await browser.login("operator")
            // act
            let page = try await browser.get("/stations/\(station)/supervision").body.string
            var form = ["supervisor_id": supervisor.uuidString, "held_on": CaseworkTests.day(0), "hours": "2", "form": "group", "topic": "个案研讨",
                        "issues": "目标不够具体", "advice": "按 SMART 原则修订目标", "case_\(open)": "on", "case_\(theirs)": "on"]
            for w in workers { form["supervisee_\(w)"] = "on" }
            let refused = try await browser.post("/stations/\(station)/supervision", form: form)
            form["case_\(theirs)"] = nil
            let saved = try await browser.post("/stations/\(station)/supervision", form: form)
            // check: the open case is offered with its person and risk, not the closed one nor another station's
            #expect(page.contains(#"name="case_\#(open)""#))
            #expect(page.contains("\(number) 王秀英 · 未预估"))
            #expect(!page.contains("case_\(closed)"))
            #expect(!page.contains("case_\(theirs)"))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("不是本站的个案"))
            #expect(Self.tag(refused.body.string, name: "case_\(open)")?.contains("checked") == true)
            #expect(saved.status == .seeOther)
            let record = try #require(try await SupervisionRecord.query(on: world.app.db).filter(\.$topic == "个案研讨").first())
            #expect(try await SupervisionCases.of(records: [record.id!], on: world.app.db)[record.id!]?.map(\.id) == [open])
            // the worker, who reads the station's cases, follows the link from the record
            let workerBrowser = Browser(world)
            _ = try await workerBrowser.login("worker")
            let records = try await workerBrowser.get("/stations/\(station)/supervision?year=\(record.year)").body.string
            #expect(records.contains(#"<a href="/cases/\#(open)">\#(number)</a>"#))
        }
    }
}
