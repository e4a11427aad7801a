@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 10 §2, V-10: a social-assistance request records which of the three situations applies,
/// what the station did, and the outcome; kept by the station, read by street and district.
@Suite("Social-assistance requests (V-10)")
struct AssistanceTests {
    @Test func aRequestIsRecordedInItsSituationAndClosedWithItsOutcomeOnce() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let person = try await RecipientTests.register(world, token: token)
            // act
            let missing = try await world.api(.POST, "/api/v1/assistance-requests", token: token, json: ["recipient_id": person.uuidString, "need": "", "action": ""])
            let recorded = try await world.api(.POST, "/api/v1/assistance-requests", token: token, json: [
                "recipient_id": person.uuidString, "situation": "civil_affairs", "need": "老伴住院，医疗费用负担重", "action": "协助准备材料，申请临时救助"])
            let id = try recorded.json()["id"] as! String
            let twice = try await world.api(.POST, "/api/v1/assistance-requests", token: token, json: [
                "recipient_id": person.uuidString, "situation": "civil_affairs", "need": "老伴住院，医疗费用负担重", "action": "再次"])
            let closed = try await world.api(.POST, "/api/v1/assistance-requests/\(id)/outcome", token: token, json: ["outcome": "临时救助 3000 元已发放"])
            let closedAgain = try await world.api(.POST, "/api/v1/assistance-requests/\(id)/outcome", token: token, json: ["outcome": "又一次"])
            // check
            #expect(missing.status == .unprocessableEntity)
            #expect(try missing.problemFields()["situation"]?.hasPrefix("请选择属于哪种情形（civil_affairs 符合民政政策，协助申请") == true)
            #expect(try missing.problemFields()["action"] == "本站所做的工作不能为空")
            #expect(recorded.status == .created, "\(recorded.body.string)")
            #expect(try recorded.json()["situation_label"] as? String == "符合民政政策，协助申请")
            #expect(twice.status == .conflict)
            #expect(closed.status == .ok)
            #expect(try closed.json()["outcome"] as? String == "临时救助 3000 元已发放")
            #expect(closedAgain.status == .conflict)
            #expect(try await world.api(.GET, "/api/v1/assistance-requests?status=open", token: token).json()["total"] as? Int == 0)
        }
    }

    @Test func theStreetReadsAndAnotherStreetSeesNothing() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let person = try await RecipientTests.register(world, token: token)
            let id = try await world.api(.POST, "/api/v1/assistance-requests", token: token, json: [
                "recipient_id": person.uuidString, "situation": "not_eligible", "need": "支出型困难", "action": "链接慈善基金"]).json()["id"] as! String
            let neighbour = try await RecipientTests.neighbourWorker(world)
            let street = try await world.token("jiefanglu")
            // act and check
            #expect(try await world.api(.GET, "/api/v1/assistance-requests/\(id)", token: street).status == .ok)
            #expect(try await world.api(.POST, "/api/v1/assistance-requests/\(id)/outcome", token: street, json: ["outcome": "街道代办"]).status == .forbidden)
            #expect(try await world.api(.GET, "/api/v1/assistance-requests/\(id)", token: neighbour).status == .notFound)
            #expect(try await world.api(.POST, "/api/v1/assistance-requests/\(id)/outcome", token: neighbour, json: ["outcome": "x"]).status == .notFound)
            #expect(try await world.api(.POST, "/api/v1/assistance-requests", token: neighbour, json: [
                "recipient_id": person.uuidString, "situation": "civil_affairs", "need": "n", "action": "a"]).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/assistance-requests", token: neighbour).json()["total"] as? Int == 0)
        }
    }

    @Test func aWorkerRecordsARequestOnItsForm() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let person = try await RecipientTests.register(world, token: token)
            let browser = Browser(world)
            _ = try await browser.login("worker")
            #expect(try await browser.get("/recipients/\(person)").body.string.contains("/assistance/new?recipient=\(person)"))
            // act
            let refused = try await browser.post("/assistance/new?recipient=\(person)", form: ["situation": "", "need": "申请低保", "action": ""])
            let recorded = try await browser.post("/assistance/new?recipient=\(person)", form: ["situation": "other_department", "need": "残疾证办理",
                                                                                               "action": "解释残联政策，陪同到残联窗口"])
            // check
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("本站所做的工作不能为空") && refused.body.string.contains("申请低保"))
            #expect(recorded.status == .seeOther)
            #expect(try await browser.get("/assistance").body.string.contains("符合其他部门政策，解释并协助办理"))
        }
    }
}
