@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 10 §2: case work (MZ/T 094) from intake to closure and follow-up, its illegal steps (409),
/// the service ledger it writes (V-1/V-2/V-4 tags from the profile), and who may read and write it.
@Suite("Case work")
struct CaseworkTests {
    /// Opens a case for a newly registered recipient of 解放路街道; returns the case and recipient ids.
    static func openCase(_ world: TestWorld, token: String, id: String = RecipientTests.elderID, name: String = "王秀英") async throws -> (UUID, UUID) {
        let recipient = try await RecipientTests.register(world, token: token, id: id, name: name)
        let res = try await world.api(.POST, "/api/v1/cases", token: token, json: [
            "recipient_ids": [recipient.uuidString], "source": "village_committee", "problem": "独居，近期跌倒后行动不便，无人照料",
            "consent_on": day(-30), "opened_on": day(-30), "field": "elderly", "item": "social_support",
        ])
        #expect(res.status == .created, "\(res.body.string)")
        return (UUID(uuidString: try res.json()["id"] as! String)!, recipient)
    }

    /// A day relative to today, as the API takes it.
    static func day(_ offset: Int) -> String { Day(Date()).adding(days: offset).description }

    static func step(_ world: TestWorld, _ caseID: UUID, _ path: String, token: String, _ json: [String: Any]) async throws -> TestingHTTPResponse {
        try await world.api(.POST, "/api/v1/cases/\(caseID)/\(path)", token: token, json: json)
    }

    static var assessment: [String: Any] { ["assessed_on": day(-28), "risk_level": "high", "strengths": "意识清醒，愿意接受帮助", "resources": "女儿在外地，邻居可照看"] }
    static var plan: [String: Any] { ["planned_on": day(-25), "goals": ["恢复基本自理", "建立邻里照看网络"],
                                      "items": [["what": "链接居家养老上门服务", "who": "陈静", "due_on": day(-10)]]] }
    static func service(_ offset: Int, _ content: String = "上门协助康复训练，链接助餐服务") -> [String: Any] {
        ["on": day(offset), "minutes": 60, "content": content]
    }

    @Test func aCaseGoesFromIntakeToClosureAndFollowUpAndEveryServiceIsInTheLedger() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let (caseID, recipient) = try await Self.openCase(world, token: token)
            // act: every stage in order
            #expect(try await Self.step(world, caseID, "assessments", token: token, Self.assessment).status == .created)
            #expect(try await Self.step(world, caseID, "plans", token: token, Self.plan).status == .created)
            #expect(try await Self.step(world, caseID, "interventions", token: token, Self.service(-20)).status == .created)
            #expect(try await Self.step(world, caseID, "interventions", token: token, Self.service(-15, "陪同复诊")).status == .created)
            let planned = try await world.api(.GET, "/api/v1/cases/\(caseID)", token: token).json()
            let goals = ((planned["plan"] as! [String: Any])["goals"] as! [[String: Any]]).map { $0["id"] as! String }
            let evaluated = try await Self.step(world, caseID, "evaluations", token: token, [
                "evaluated_on": Self.day(-5), "summary": "基本自理，邻里每日探望",
                "goals": [["goal_id": goals[0], "outcome": "met"], ["goal_id": goals[1], "outcome": "partly"]]])
            #expect(evaluated.status == .created, "\(evaluated.body.string)")
            let closed = try await Self.step(world, caseID, "closure", token: token, ["on": Self.day(-4), "reason": "goals_met", "outcome": "目标达成"])
            #expect(closed.status == .ok, "\(closed.body.string)")
            let early = try await Self.step(world, caseID, "follow-ups", token: token, Self.service(-10, "结案前的回访"))
            #expect(try early.problemFields()["on"] == "回访日期不能早于结案日期（\(Self.day(-4))）")
            let followed = try await Self.step(world, caseID, "follow-ups", token: token, Self.service(-1, "电话回访，状况稳定"))
            // check: the case as a reader sees it
            #expect(followed.status == .created, "\(followed.body.string)")
            let body = try followed.json()
            #expect(body["stage"] as? String == "closed")
            #expect((body["number"] as? String) == "\(Day(Date()).adding(days: -30).year)-0001")
            #expect(body["close_reason"] as? String == "goals_met")
            let outcomes = ((body["plan"] as! [String: Any])["goals"] as! [[String: Any]]).map { $0["outcome"] as? String }
            #expect(outcomes == ["met", "partly"])
            #expect((body["events"] as! [Any]).count == 8)   // intake + 7 steps
            #expect((body["next_steps"] as? [String]) == ["follow_up", "reopen"])
            // the ledger: three rows, each tagged from the profile and linked to the recipient
            let rows = try await (world.app.db as! any SQLDatabase).raw("""
                SELECT s.kind, s.field, s.item, s.method, s.minutes, s.people_count, s.year FROM service_records s
                JOIN service_record_recipients r ON r.record_id = s.id WHERE r.recipient_id = \(bind: recipient) ORDER BY s.served_on
                """).all()
            #expect(try rows.map { try $0.decode(column: "kind", as: String.self) } == ["intervention", "intervention", "follow_up"])
            #expect(try rows.allSatisfy { try $0.decode(column: "field", as: String.self) == "elderly" && $0.decode(column: "item", as: String.self) == "social_support"
                && $0.decode(column: "method", as: String.self) == "case_work" && $0.decode(column: "people_count", as: Int.self) == 1 })
            // the recipient's services, as their timeline shows them
            let services = try await world.api(.GET, "/api/v1/recipients/\(recipient)/services", token: token).jsonArray()
            #expect(services.map { $0["kind_label"] as? String } == ["个案回访", "个案介入", "个案介入"])
            #expect(services.first?["field_label"] as? String == "养老服务")
        }
    }

    @Test func anIllegalStepIsA409InChineseAndChangesNothing() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let (caseID, _) = try await Self.openCase(world, token: token)
            // act: an intervention before any plan, an evaluation at intake, a reopening of an open case
            let early = try await Self.step(world, caseID, "interventions", token: token, Self.service(-20))
            let evaluation = try await Self.step(world, caseID, "evaluations", token: token, ["evaluated_on": Self.day(-1), "summary": "x", "goals": []])
            let reopen = try await Self.step(world, caseID, "reopening", token: token, ["on": Self.day(-1), "reason": "x"])
            // a closure that speaks of goals before any evaluation
            _ = try await Self.step(world, caseID, "assessments", token: token, Self.assessment)
            let goalsMet = try await Self.step(world, caseID, "closure", token: token, ["on": Self.day(-1), "reason": "goals_met", "outcome": "x"])
            // check
            #expect(early.status == .conflict)
            #expect(try early.problemFields()["stage"] == "个案当前处于“接案”阶段，不能记录介入（只能在“计划”、“介入”阶段记录介入）")
            #expect(evaluation.status == .conflict)
            #expect(reopen.status == .conflict)
            #expect(goalsMet.status == .conflict)
            #expect(try goalsMet.problemFields()["stage"]?.contains("须先完成评估") == true)
            let ledger = try await (world.app.db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM service_records").first()!.decode(column: "n", as: Int.self)
            #expect(ledger == 0)
            let body = try await world.api(.GET, "/api/v1/cases/\(caseID)", token: token).json()
            #expect(body["stage"] as? String == "assessment")
        }
    }

    @Test func aCaseClosedEarlyIsReopenedAndTheClosureStaysInTheTimeline() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let (caseID, _) = try await Self.openCase(world, token: token)
            #expect(try await Self.step(world, caseID, "closure", token: token, ["on": Self.day(-20), "reason": "lost_contact", "outcome": "三次上门未遇"]).status == .ok)
            // act
            let before = try await Self.step(world, caseID, "reopening", token: token, ["on": Self.day(-21), "reason": "家属来电"])
            let res = try await Self.step(world, caseID, "reopening", token: token, ["on": Self.day(-2), "reason": "家属来电，本人已返家"])
            // check
            #expect(before.status == .unprocessableEntity)
            #expect(try before.problemFields()["on"]?.contains("不能早于结案日期") == true)
            #expect(res.status == .ok)
            let body = try res.json()
            #expect(body["stage"] as? String == "assessment")
            #expect(body["closed_on"] == nil)
            let steps = (body["events"] as! [[String: Any]]).map { $0["step_label"] as? String }
            #expect(steps == ["接案", "结案", "重新开案"])
        }
    }

    @Test func servicesAreTaggedFromTheCityCatalogueWithTheFieldNamedInEachError() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let recipient = try await RecipientTests.register(world, token: token)
            func open(_ extra: [String: Any]) async throws -> TestingHTTPResponse {
                try await world.api(.POST, "/api/v1/cases", token: token, json: [
                    "recipient_ids": [recipient.uuidString], "source": "self", "problem": "求助", "consent_on": Self.day(-1),
                ].merging(extra) { _, new in new })
            }
            // act
            let unknownField = try await open(["field": "party_building"])   // Wuhan's core project, not Jinan's
            let noItem = try await open(["field": "elderly"])
            let wrongItem = try await open(["field": "elderly", "item": "el_care"])   // a Wuhan catalogue item
            let noConsent = try await world.api(.POST, "/api/v1/cases", token: token, json: [
                "recipient_ids": [recipient.uuidString], "source": "self", "problem": "求助", "field": "elderly", "item": "crisis_intervention"])
            // check
            #expect(unknownField.status == .unprocessableEntity)
            #expect(try unknownField.problemFields()["field"]?.hasPrefix("服务领域“party_building”不在本市服务目录中") == true)
            #expect(try noItem.problemFields()["item"] == "请选择服务内容（本市服务目录中“养老服务”下的项目）")
            #expect(try wrongItem.problemFields()["item"]?.hasPrefix("服务内容“el_care”不属于“养老服务”") == true)
            #expect(try noConsent.problemFields()["consent_on"]?.contains("知情同意") == true)
            #expect(try await world.api(.GET, "/api/v1/cases", token: token).json()["total"] as? Int == 0)
        }
    }

    @Test func casesAreReadInScopeAndWrittenOnlyByTheStation() async throws {
        try await withApp { world in
            // setup: a case of 解放路街道; a worker of 千佛山街道 (same district); a supervisor of 历下区 posted nowhere
            let worker = try await world.token("worker")
            let (caseID, _) = try await Self.openCase(world, token: worker)
            let neighbour = try await RecipientTests.neighbourWorker(world)
            let user = User(username: "sup2", displayName: "督导 钱", passwordHash: try world.app.password.hash(TestWorld.password))
            try await user.create(on: world.app.db)
            try await RoleAssignment(userID: user.id!, role: .supervisor, unitID: world.id("历下区"), operatorID: nil).create(on: world.app.db)
            let unposted = try await world.token("sup2")
            let path = "/api/v1/cases/\(caseID)"
            // act / check: readers
            for reader in ["worker", "operator", "jiefanglu", "lixia", "admin", "evaluator", "supervisor"] {
                let res = try await world.api(.GET, path, token: try await world.token(reader))
                #expect(res.status == .ok, "\(reader) reads the case")
            }
            // writers: only the station's worker and its operator; readers get 403
            for reader in ["jiefanglu", "lixia", "admin", "evaluator", "supervisor"] {
                let res = try await Self.step(world, caseID, "assessments", token: try await world.token(reader), Self.assessment)
                #expect(res.status == .forbidden, "\(reader) may not assess")
            }
            // outside: another street of the same district, and a supervisor not posted to the station
            #expect(try await world.api(.GET, path, token: neighbour).status == .notFound)
            #expect(try await Self.step(world, caseID, "assessments", token: neighbour, Self.assessment).status == .notFound)
            #expect(try await world.api(.GET, path, token: unposted).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/cases", token: neighbour).json()["total"] as? Int == 0)
            #expect(try await world.api(.GET, "/api/v1/cases", token: unposted).json()["total"] as? Int == 0)
            #expect(try await world.api(.GET, "/api/v1/cases", token: try await world.token("supervisor")).json()["total"] as? Int == 1)
            // a case for another station's recipient cannot be opened by a worker who does not keep it
            let registered = try await world.api(.POST, "/api/v1/recipients", token: neighbour,
                                                 json: try await RecipientTests.input(world, id: RecipientTests.childID, name: "李小花", street: "千佛山街道"))
            let theirs = UUID(uuidString: try registered.json()["id"] as! String)!
            let res = try await world.api(.POST, "/api/v1/cases", token: worker, json: [
                "recipient_ids": [theirs.uuidString], "source": "self", "problem": "求助", "consent_on": Self.day(-1), "field": "elderly", "item": "social_support"])
            #expect(res.status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/cases", token: worker).json()["total"] as? Int == 1)
            // a reader who may open no case is told so (403), whatever the body
            let street = try await world.api(.POST, "/api/v1/cases", token: try await world.token("jiefanglu"), json: [
                "recipient_ids": [UUID().uuidString], "source": "self", "problem": "求助", "consent_on": Self.day(-1), "field": "elderly"])
            #expect(street.status == .forbidden)
            // the operator assesses (it keeps the station's cases)
            #expect(try await Self.step(world, caseID, "assessments", token: try await world.token("operator"), Self.assessment).status == .created)
        }
    }

    @Test func aSupervisorWhoseRecordWasRemovedNoLongerReadsTheCases() async throws {
        try await withApp { world in
            // setup
            let (caseID, _) = try await Self.openCase(world, token: try await world.token("worker"))
            let supervisor = try await world.token("supervisor")
            #expect(try await world.api(.GET, "/api/v1/cases/\(caseID)", token: supervisor).status == .ok)
            // act: the supervisor's record is removed (soft), the posting left as it was
            try await Supervisor.query(on: world.app.db).filter(\.$userID == world.id("user:supervisor")).delete()
            // check: out of sight, not a server error
            #expect(try await world.api(.GET, "/api/v1/cases/\(caseID)", token: supervisor).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/cases", token: supervisor).json()["total"] as? Int == 0)
            #expect(try await world.api(.GET, "/api/v1/cases/\(caseID)", token: try await world.token("worker")).status == .ok)
        }
    }

    @Test func twoWorkersOpeningCasesAtOnceGetTwoNumbersAndADoubleClickedStepIsA409() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let first = try await RecipientTests.register(world, token: token)
            let second = try await RecipientTests.register(world, token: token, id: RecipientTests.childID, name: "李小花")
            // act: both at once; each task builds its own body
            let responses = try await withThrowingTaskGroup(of: TestingHTTPResponse.self) { group in
                for id in [first, second] {
                    group.addTask {
                        try await world.api(.POST, "/api/v1/cases", token: token, json: [
                            "recipient_ids": [id.uuidString], "source": "self", "problem": "求助", "consent_on": Self.day(-1), "field": "elderly",
                            "item": "social_support"])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let (ra, rb) = (responses[0], responses[1])
            // check
            #expect(ra.status == .created && rb.status == .created)
            let numbers = Set([try ra.json()["number"] as? String, try rb.json()["number"] as? String])
            let year = Day(Date()).adding(days: -1).year
            #expect(numbers == ["\(year)-0001", "\(year)-0002"])
            // the same plan sent twice at once from an assessed case: one moves it on, the other is a 409
            let caseID = UUID(uuidString: try ra.json()["id"] as! String)!
            _ = try await Self.step(world, caseID, "assessments", token: token, Self.assessment.merging(["assessed_on": Self.day(0)]) { _, n in n })
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let plan = Self.plan.merging(["planned_on": Self.day(0), "items": [["what": "上门", "who": "陈静", "due_on": Self.day(5)]]]) { _, n in n }
                        return try await Self.step(world, caseID, "plans", token: token, plan).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }.sorted { $0.code < $1.code }
            // the same plan once more, after the first was saved (a late second click): a 409 too
            let late = try await Self.step(world, caseID, "plans", token: token,
                                           Self.plan.merging(["planned_on": Self.day(0), "items": [["what": "上门", "who": "陈静", "due_on": Self.day(5)]]]) { _, n in n })
            #expect(statuses == [.created, .conflict])
            #expect(late.status == .conflict && late.body.string.contains("相同"))
            let plans = try await CasePlan.query(on: world.app.db).filter(\.$caseID == caseID).count()
            #expect(plans == 1)
            // the same intervention twice at once, with the case already in 介入: one row, one 409
            _ = try await Self.step(world, caseID, "interventions", token: token, Self.service(0, "第一次入户"))
            let twice = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<2 { group.addTask { try await Self.step(world, caseID, "interventions", token: token, Self.service(0, "第二次入户")).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }.sorted { $0.code < $1.code }
            #expect(twice == [.created, .conflict])
            let rows = try await ServiceRecord.query(on: world.app.db).filter(\.$caseID == caseID).filter(\.$content == "第二次入户").count()
            #expect(rows == 1)
        }
    }

    @Test func aServiceInAYearWithoutAPartitionGetsOne() async throws {
        try await withApp { world in
            // setup: a case opened in 2019, before the years the migration partitions
            let token = try await world.token("worker")
            let recipient = try await RecipientTests.register(world, token: token)
            let opened = try await world.api(.POST, "/api/v1/cases", token: token, json: [
                "recipient_ids": [recipient.uuidString], "source": "outreach", "problem": "补录 2019 年个案", "consent_on": "2019-05-06",
                "opened_on": "2019-05-06", "field": "social_assistance", "item": "policy_consultation"])
            let caseID = UUID(uuidString: try opened.json()["id"] as! String)!
            _ = try await Self.step(world, caseID, "assessments", token: token, Self.assessment.merging(["assessed_on": "2019-05-07"]) { _, n in n })
            _ = try await Self.step(world, caseID, "plans", token: token, Self.plan.merging(["planned_on": "2019-05-08", "items": [["what": "协助申请低保", "who": "陈静", "due_on": "2019-06-01"]]]) { _, n in n })
            // act
            let res = try await Self.step(world, caseID, "interventions", token: token, ["on": "2019-05-20", "minutes": 90, "content": "陪同到街道提交低保申请"])
            // check: written, found by year, and on PostgreSQL in its own partition
            #expect(res.status == .created, "\(res.body.string)")
            let sql = world.app.db as! any SQLDatabase
            let n = try await sql.raw("SELECT COUNT(*) AS n FROM service_records WHERE year = 2019").first()!.decode(column: "n", as: Int.self)
            #expect(n == 1)
            if sql.dialect.name == "postgresql" {
                let part = try await sql.raw("SELECT COUNT(*) AS n FROM service_records_y2019").first()!.decode(column: "n", as: Int.self)
                #expect(part == 1)
                let parents = try await sql.raw("""
                    SELECT COUNT(*) AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent WHERE c.relname = 'service_records'
                    """).first()!.decode(column: "n", as: Int.self)
                #expect(parents >= M011_ServiceLedger.firstPartitionedYears.count + 1)
            }
        }
    }
}
