@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 10 §5: a social worker's work list on the home page — visits marked 需跟进 until one of the
/// station's workers marks them done, and the groups whose next session is planned for today.
@Suite("Work list")
struct WorkListTests {
    /// A visit of 解放路 by the demo's worker, with or without a follow-up needed.
    static func visit(_ world: TestWorld, token: String, recipient: UUID, followUp: Bool, findings: String) async throws -> UUID {
        var body = VisitsAndCasePagesTests.visit(recipient)
        body["follow_up_needed"] = followUp
        body["findings"] = findings
        body["content"] = "入户了解近况：\(findings)"
        let res = try await world.api(.POST, "/api/v1/visits", token: token, json: body)
        #expect(res.status == .created, "\(res.body.string)")
        return UUID(uuidString: try res.json()["id"] as! String)!
    }

    @Test func theHomePageListsTheOldestFollowUpsAndCountsTheRest() async throws {
        try await withApp { world in
            // setup: twelve more visits to follow up than the demo has
            let token = try await world.token("worker")
            let recipient = try await RecipientTests.register(world, token: token)
            let owedBefore = try await Visit.query(on: world.app.db).filter(\.$station.$id == world.id("station:解放路街道"))
                .filter(\.$followUpNeeded == true).filter(\.$followUpDoneOn == nil).count()
            for n in 1...12 { _ = try await Self.visit(world, token: token, recipient: recipient, followUp: true, findings: "第 \(n) 处隐患") }
            let browser = Browser(world)
            _ = try await browser.login("worker")
            // act
            let page = try await browser.get("/").body.string
            // check: the first few rows, the whole count in the heading, the rest named below
            let total = owedBefore + 12
            #expect(page.components(separatedBy: #"id="follow-up-"#).count - 1 == HomePage.hoursShown)
            #expect(page.contains("待跟进的走访（\(total) 次）"))
            #expect(page.contains("另有 \(total - HomePage.hoursShown) 次走访待跟进"))
        }
    }

    @Test func aVisitToFollowUpIsOnTheWorkersHomePageUntilMarkedDone() async throws {
        try await withApp { world in
            // setup: two visits of 解放路, one needing a follow-up
            let token = try await world.token("worker")
            let recipient = try await RecipientTests.register(world, token: token)
            let owed = try await Self.visit(world, token: token, recipient: recipient, followUp: true, findings: "冬季取暖设备老旧")
            let fine = try await Self.visit(world, token: token, recipient: recipient, followUp: false, findings: "生活基本正常")
            let browser = Browser(world)
            _ = try await browser.login("worker")
            let before = try await browser.get("/").body.string
            // act
            let done = try await browser.post("/visits/\(owed)/follow-up", form: [:])
            let again = try await world.api(.POST, "/api/v1/visits/\(owed)/follow-up", token: token, json: [:])
            // check: listed with its button before, gone after, the day and the worker recorded once
            #expect(before.contains(#"id="follow-up-\#(owed)""#))
            #expect(before.contains("冬季取暖设备老旧"))
            #expect(before.contains("跟进完成"))
            #expect(!before.contains("follow-up-\(fine)"))
            #expect(done.status == .seeOther)
            #expect(done.headers.first(name: .location) == "/?saved=follow-up#follow-ups")
            let after = try await browser.get("/?saved=follow-up").body.string
            #expect(after.contains("跟进完成已记录"))
            #expect(!after.contains("follow-up-\(owed)"))
            let row = try #require(try await Visit.find(owed, on: world.app.db))
            #expect(row.followUpDoneOn == CaseworkTests.day(0))
            let worker = try #require(try await User.query(on: world.app.db).filter(\.$username == "worker").first())
            #expect(row.followUpDoneByName == worker.displayName)
            #expect(row.followUpDoneBy == worker.id)
            #expect(again.status == .conflict)
            #expect(try again.problemFields()["on"]?.contains("已于 \(CaseworkTests.day(0))") == true)
            let audited = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "visit").filter(\.$entityID == owed.uuidString).all()
            #expect(audited.filter { $0.changes.contains("follow_up_done_on") }.count == 1)
            // the station's list and the API say who followed it up
            let station = world.id("station:解放路街道")
            let list = try await browser.get("/stations/\(station)/visits").body.string
            #expect(list.contains("已跟进（\(CaseworkTests.day(0))，\(row.followUpDoneByName!)）"))
            let items = try await world.api(.GET, "/api/v1/visits?station=\(station)", token: token).json()["items"] as! [[String: Any]]
            #expect(items.first { $0["id"] as? String == owed.uuidString }?["follow_up_done_on"] as? String == CaseworkTests.day(0))
        }
    }

    @Test func onlyTheStationsWorkersSeeAndMarkItsFollowUps() async throws {
        try await withApp { world in
            // setup: a visit of 解放路 needing a follow-up, one not needing any; a worker of 千佛山街道 (same district)
            let token = try await world.token("worker")
            let recipient = try await RecipientTests.register(world, token: token)
            let owed = try await Self.visit(world, token: token, recipient: recipient, followUp: true, findings: "冬季取暖设备老旧")
            let fine = try await Self.visit(world, token: token, recipient: recipient, followUp: false, findings: "生活基本正常")
            let neighbour = try await RecipientTests.neighbourWorker(world)
            let browser = Browser(world)
            _ = try await browser.login("qianfo")
            // act
            let page = try await browser.get("/").body.string
            let outside = try await world.api(.POST, "/api/v1/visits/\(owed)/follow-up", token: neighbour, json: [:])
            let outsideForm = try await browser.post("/visits/\(owed)/follow-up", form: [:])
            let street = try await world.api(.POST, "/api/v1/visits/\(owed)/follow-up", token: try await world.token("jiefanglu"), json: [:])
            let notNeeded = try await world.api(.POST, "/api/v1/visits/\(fine)/follow-up", token: token, json: [:])
            let early = try await world.api(.POST, "/api/v1/visits/\(owed)/follow-up", token: token, json: ["on": CaseworkTests.day(-10)])
            let future = try await world.api(.POST, "/api/v1/visits/\(owed)/follow-up", token: token, json: ["on": CaseworkTests.day(1)])
            let unknown = try await world.api(.POST, "/api/v1/visits/\(UUID())/follow-up", token: token, json: [:])
            // check: 404 for another street, 403 for a reader, 409 for a visit that needs none, 422 naming the day; nothing written
            #expect(!page.contains("follow-up-\(owed)"))
            #expect(!page.contains("冬季取暖设备老旧"))
            #expect(outside.status == .notFound)
            #expect(outsideForm.status == .notFound)
            #expect(street.status == .forbidden)
            #expect(notNeeded.status == .conflict)
            #expect(try notNeeded.problemFields()["follow_up_needed"]?.contains("未标记“需跟进”") == true)
            #expect(early.status == .unprocessableEntity)
            #expect(try early.problemFields()["on"]?.contains("不能早于走访日期") == true)
            #expect(future.status == .unprocessableEntity)
            #expect(try future.problemFields()["on"] != nil)
            #expect(unknown.status == .notFound)
            #expect(try await Visit.find(owed, on: world.app.db)?.followUpDoneOn == nil)
            #expect(try await Visit.find(fine, on: world.app.db)?.followUpDoneOn == nil)
        }
    }

    @Test func aGroupWithASessionPlannedForTodayIsOnTheWorkersHomePageUntilTheSessionIsRecorded() async throws {
        try await withApp { world in
            // setup: a group of 解放路 with a session planned for today
            let token = try await world.token("worker")
            let (group, members) = try await GroupWorkTests.makeGroup(world, token: token)
            let planned = try await world.api(.PUT, "/api/v1/groups/\(group)/next-session", token: token, json: ["on": CaseworkTests.day(0)])
            #expect(planned.status == .ok, "\(planned.body.string)")
            #expect(try planned.json()["next_session_on"] as? String == CaseworkTests.day(0))
            let browser = Browser(world)
            _ = try await browser.login("worker")
            let neighbourBrowser = Browser(world)
            _ = try await RecipientTests.neighbourWorker(world)
            _ = try await neighbourBrowser.login("qianfo")
            // act
            let home = try await browser.get("/").body.string
            let neighbourHome = try await neighbourBrowser.get("/").body.string
            let groupPage = try await browser.get("/groups/\(group)").body.string
            let held = try await world.api(.POST, "/api/v1/groups/\(group)/sessions", token: token,
                                           json: GroupWorkTests.session(0, "相识与破冰", attendees: members))
            let afterHome = try await browser.get("/").body.string
            // check: listed for the station's worker with its number, not for another street's; gone once held
            #expect(home.contains("今天的小组活动：长者互助小组 第 1 节（计划 6 节"))
            #expect(home.contains("/groups/\(group)#sessions"))
            #expect(!neighbourHome.contains("长者互助小组"))
            #expect(groupPage.contains(#"<dd id="next-session-on">\#(CaseworkTests.day(0))</dd>"#))
            #expect(held.status == .created, "\(held.body.string)")
            #expect(try held.json()["next_session_on"] == nil || held.json()["next_session_on"] is NSNull)
            #expect(!afterHome.contains("今天的小组活动"))
        }
    }

    @Test func theNextSessionIsSetOnTheGroupPageOnlyByTheStationAndNotInThePast() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let (group, _) = try await GroupWorkTests.makeGroup(world, token: token)
            let neighbour = try await RecipientTests.neighbourWorker(world)
            let browser = Browser(world)
            _ = try await browser.login("worker")
            _ = try await browser.get("/groups/\(group)")
            // act
            let saved = try await browser.post("/groups/\(group)/next-session", form: ["next_on": CaseworkTests.day(7)])
            let past = try await browser.post("/groups/\(group)/next-session", form: ["next_on": CaseworkTests.day(-1)])
            let outside = try await world.api(.PUT, "/api/v1/groups/\(group)/next-session", token: neighbour, json: ["on": CaseworkTests.day(0)])
            let street = try await world.api(.PUT, "/api/v1/groups/\(group)/next-session", token: try await world.token("jiefanglu"),
                                             json: ["on": CaseworkTests.day(0)])
            let pastAPI = try await world.api(.PUT, "/api/v1/groups/\(group)/next-session", token: token, json: ["on": CaseworkTests.day(-1)])
            // check: saved and shown; a past day is a 422 naming the field, kept on the form; others refused; nothing changed
            #expect(saved.status == .seeOther)
            #expect(past.status == .unprocessableEntity)
            #expect(past.body.string.contains("下次活动日期不能早于今天"))
            #expect(past.body.string.contains(#"value="\#(CaseworkTests.day(-1))""#))
            #expect(outside.status == .notFound)
            #expect(street.status == .forbidden)
            #expect(pastAPI.status == .unprocessableEntity)
            #expect(try pastAPI.problemFields()["next_session_on"]?.contains("不能早于今天") == true)
            #expect(try await WorkGroup.find(group, on: world.app.db)?.nextSessionOn == CaseworkTests.day(7))
            let page = try await browser.get("/groups/\(group)").body.string
            #expect(page.contains(#"<dd id="next-session-on">\#(CaseworkTests.day(7))</dd>"#))
            #expect(!(try await browser.get("/").body.string).contains("今天的小组活动"))
            // cleared with an empty day; an ended group has none
            let cleared = try await world.api(.PUT, "/api/v1/groups/\(group)/next-session", token: token, json: ["on": NSNull()])
            #expect(cleared.status == .ok)
            #expect(try await WorkGroup.find(group, on: world.app.db)?.nextSessionOn == nil)
            #expect(try await world.api(.POST, "/api/v1/groups/\(group)/ending", token: token,
                                        json: ["on": CaseworkTests.day(0), "summary": "目标基本达成"]).status == .ok)
            let ended = try await world.api(.PUT, "/api/v1/groups/\(group)/next-session", token: token, json: ["on": CaseworkTests.day(1)])
            #expect(ended.status == .conflict)
        }
    }

    @Test func theDemoWorkersHomePageHasAGroupSessionTodayAndVisitsToFollowUp() async throws {
        try await withApp(recipients: true) { world in
            // setup: the demo with its recipients, groups and visits
            let browser = Browser(world)
            _ = try await browser.login("worker")
            // act
            let home = try await browser.get("/").body.string
            // check
            #expect(home.contains("今天的小组活动：长者健康互助小组 第 4 节（计划 6 节"))
            #expect(!home.contains("老年人智能手机课堂 第"))
            #expect(home.contains(#"id="follow-ups""#))
            #expect(home.contains("冬季取暖设备老旧，需链接资源更换"))
        }
    }
}
