@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 10 §2, V-11: a referral to another station appears in its inbox and is answered there
/// (accepted or declined, then done); one to a department or agency is answered by the sender.
@Suite("Referrals (V-11)")
struct ReferralTests {
    @Test func aReferralToAnotherStationIsAnsweredInItsInbox() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let neighbour = try await RecipientTests.neighbourWorker(world)   // 千佛山街道's worker
            let person = try await RecipientTests.register(world, token: token)
            let target = world.id("station:千佛山街道")
            // act: sent, sent again, the sender trying to answer, the receiver accepting then finishing
            let sent = try await world.api(.POST, "/api/v1/referrals", token: token, json: [
                "recipient_id": person.uuidString, "target": "station", "target_station_id": target.uuidString, "reason": "老人搬到女儿家（千佛山街道）居住，需继续跟进"])
            let again = try await world.api(.POST, "/api/v1/referrals", token: token, json: [
                "recipient_id": person.uuidString, "target": "station", "target_station_id": target.uuidString, "reason": "再次"])
            let id = try sent.json()["id"] as! String
            let inbox = try await world.api(.GET, "/api/v1/referrals?box=in", token: neighbour).json()
            let theirOut = try await world.api(.GET, "/api/v1/referrals?box=out", token: neighbour).json()
            let byOurselves = try await world.api(.POST, "/api/v1/referrals/\(id)/answers", token: token, json: ["status": "accepted"])
            let accepted = try await world.api(.POST, "/api/v1/referrals/\(id)/answers", token: neighbour, json: ["status": "accepted", "note": "已安排社工上门"])
            let declinedLate = try await world.api(.POST, "/api/v1/referrals/\(id)/answers", token: neighbour, json: ["status": "declined", "note": "迟了"])
            let done = try await world.api(.POST, "/api/v1/referrals/\(id)/answers", token: neighbour, json: ["status": "done", "note": "已纳入本站重点人群并建立个案"])
            let seen = try await world.api(.GET, "/api/v1/referrals/\(id)", token: token).json()
            let outsider = try await world.api(.GET, "/api/v1/referrals/\(id)", token: try await world.token("outsider"))
            // check
            #expect(sent.status == .created, "\(sent.body.string)")
            #expect(again.status == .conflict)
            #expect((inbox["items"] as? [[String: Any]])?.map { $0["recipient_name"] as? String } == ["王秀英"])
            #expect((inbox["items"] as? [[String: Any]])?.first?["can_answer"] as? Bool == true)
            #expect(theirOut["total"] as? Int == 0)
            #expect(byOurselves.status == .forbidden)
            #expect(accepted.status == .ok, "\(accepted.body.string)")
            #expect(declinedLate.status == .conflict)
            #expect(try declinedLate.problemFields()["status"] == "转介当前为“已接收”，不能改为“已拒绝”")
            #expect(done.status == .ok)
            #expect(seen["status"] as? String == "done" && seen["outcome"] as? String == "已纳入本站重点人群并建立个案")
            #expect(outsider.status == .notFound)
            // the receiving station reads the referral, not the person's record
            #expect(try await world.api(.GET, "/api/v1/recipients/\(person)", token: neighbour).status == .notFound)
        }
    }

    @Test func aReferralToAnAgencyIsAnsweredByTheSenderWithReasonsForRefusals() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let person = try await RecipientTests.register(world, token: token)
            // act
            let missing = try await world.api(.POST, "/api/v1/referrals", token: token, json: ["recipient_id": person.uuidString, "target": "agency", "reason": ""])
            let sent = try await world.api(.POST, "/api/v1/referrals", token: token, json: [
                "recipient_id": person.uuidString, "target": "agency", "target_name": "历下区精神卫生中心", "reason": "需要专业心理评估"])
            let id = try sent.json()["id"] as! String
            let declined = try await world.api(.POST, "/api/v1/referrals/\(id)/answers", token: token, json: ["status": "declined"])
            let street = try await world.api(.POST, "/api/v1/referrals/\(id)/answers", token: try await world.token("jiefanglu"), json: ["status": "accepted"])
            // check
            #expect(missing.status == .unprocessableEntity)
            #expect(try missing.problemFields()["target_name"] == "接收单位名称不能为空")
            #expect(try missing.problemFields()["reason"] == "转介原因不能为空")
            #expect(declined.status == .unprocessableEntity)
            #expect(try declined.problemFields()["note"] == "说明不能为空")
            #expect(street.status == .forbidden)
        }
    }

    @Test func aWorkerAcceptsAReferralOnTheInboxPage() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            _ = try await RecipientTests.neighbourWorker(world)
            let person = try await RecipientTests.register(world, token: token)
            let sent = try await world.api(.POST, "/api/v1/referrals", token: token, json: [
                "recipient_id": person.uuidString, "target": "station", "target_station_id": world.id("station:千佛山街道").uuidString, "reason": "迁居"])
            let id = UUID(uuidString: try sent.json()["id"] as! String)!
            let p = ReferralListPage.prefix(id)
            let browser = Browser(world)
            _ = try await browser.login("qianfo")
            #expect(try await browser.get("/").body.string.contains("其他社工站转来的转介待接收：1 条"))
            let inbox = try await browser.get("/referrals?box=in")
            #expect(inbox.body.string.contains("王秀英 → ") && inbox.body.string.contains(p + "status"))
            // act: no answer chosen, then accepted
            let refused = try await browser.post("/referrals/\(id)/answers", form: ["box": "in", p + "status": "", p + "on": CaseworkTests.day(0)])
            let accepted = try await browser.post("/referrals/\(id)/answers", form: ["box": "in", p + "status": "accepted", p + "on": CaseworkTests.day(0)])
            // check
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("请选择接收（accepted）、拒绝（declined）或办结（done）"))
            #expect(accepted.status == .seeOther)
            #expect(try await Referral.find(id, on: world.app.db)?.status == .accepted)
        }
    }
}
