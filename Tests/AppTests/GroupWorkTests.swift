@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 10 §3: group work (MZ/T 095). A group's sessions are ledger rows (method 小组工作, V-4) whose
/// recipients are the members who came; the group moves 筹备中 → 开展中 → 已结束.
@Suite("Group work")
struct GroupWorkTests {
    static let thirdID = ResidentID.completing("37010219500101003")!

    static func day(_ offset: Int) -> String { CaseworkTests.day(offset) }

    /// A group of 解放路街道 with two members; returns the group and the members' ids.
    static func makeGroup(_ world: TestWorld, token: String, name: String = "长者互助小组") async throws -> (UUID, [UUID]) {
        let a = try await RecipientTests.register(world, token: token)
        let b = try await RecipientTests.register(world, token: token, id: thirdID, name: "赵桂兰")
        let res = try await world.api(.POST, "/api/v1/groups", token: token, json: [
            "name": name, "field": "elderly", "item": "social_support", "goals": "减少孤独感，建立互助关系", "target": "辖区独居老人 8–10 名",
            "planned_sessions": 6, "starts_on": day(-20), "member_ids": [a.uuidString, b.uuidString]])
        #expect(res.status == .created, "\(res.body.string)")
        return (UUID(uuidString: try res.json()["id"] as! String)!, [a, b])
    }

    static func session(_ offset: Int, _ content: String, attendees: [UUID], others: Int = 0, measures: [[String: Any]] = []) -> [String: Any] {
        ["on": day(offset), "minutes": 90, "content": content, "attendee_ids": attendees.map(\.uuidString), "others_count": others, "measures": measures]
    }

    @Test func aGroupRecordsSessionsWithAttendanceInTheLedgerAndEndsWithASummary() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let (group, members) = try await Self.makeGroup(world, token: token)
            let late = try await RecipientTests.register(world, token: token, id: RecipientTests.childID, name: "李小花")
            // act: two sessions, a late member, then the end
            let first = try await world.api(.POST, "/api/v1/groups/\(group)/sessions", token: token, json: Self.session(-14, "相识破冰", attendees: members, others: 1,
                measures: [["recipient_id": members[0].uuidString, "pre": 40, "post": 55]]))
            #expect(first.status == .created, "\(first.body.string)")
            #expect(try first.json()["phase"] as? String == "running")
            let joined = try await world.api(.POST, "/api/v1/groups/\(group)/members", token: token, json: ["recipient_ids": [late.uuidString], "joined_on": Self.day(-10)])
            #expect(joined.status == .created, "\(joined.body.string)")
            let second = try await world.api(.POST, "/api/v1/groups/\(group)/sessions", token: token, json: Self.session(-7, "分享生活经验", attendees: [members[1], late]))
            #expect(second.status == .created, "\(second.body.string)")
            let ended = try await world.api(.POST, "/api/v1/groups/\(group)/ending", token: token, json: ["on": Self.day(-1), "summary": "组员互留电话，约定每周聚会"])
            // check: the group as a reader sees it
            #expect(ended.status == .ok, "\(ended.body.string)")
            let body = try ended.json()
            #expect(body["phase"] as? String == "ended")
            #expect((body["members"] as! [Any]).count == 3)
            let sessions = body["sessions"] as! [[String: Any]]
            #expect(sessions.map { $0["number"] as? Int } == [1, 2])
            #expect(sessions.map { $0["people_count"] as? Int } == [3, 2])
            #expect(((sessions[0]["measures"] as! [[String: Any]]).first?["post"] as? Int) == 55)
            // the ledger: one row per session, tagged 小组工作, with the attendees as its recipients
            let rows = try await (world.app.db as! any SQLDatabase).raw("""
                SELECT s.id, s.kind, s.method, s.field, s.people_count, s.others_count FROM service_records s WHERE s.kind = 'group_session' ORDER BY s.served_on
                """).all()
            #expect(rows.count == 2)
            #expect(try rows.allSatisfy { try $0.decode(column: "method", as: String.self) == "group_work" && $0.decode(column: "field", as: String.self) == "elderly" })
            let attended = try await (world.app.db as! any SQLDatabase).raw("""
                SELECT COUNT(*) AS n FROM service_record_recipients WHERE recipient_id = \(bind: late)
                """).first()!.decode(column: "n", as: Int.self)
            #expect(attended == 1)
            let timeline = try await world.api(.GET, "/api/v1/recipients/\(late)/services", token: token).jsonArray()
            #expect(timeline.map { $0["kind_label"] as? String } == ["小组活动"])
            // an ended group takes nothing more
            let after = try await world.api(.POST, "/api/v1/groups/\(group)/sessions", token: token, json: Self.session(0, "加开一节", attendees: [late]))
            #expect(after.status == .conflict)
            #expect(try after.problemFields()["phase"] == "小组已于\(Self.day(-1))结束，不能再记录活动")
        }
    }

    @Test func aSessionIsRefusedWithReasonsNamingEachField() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let (group, members) = try await Self.makeGroup(world, token: token)
            let outsider = try await RecipientTests.register(world, token: token, id: RecipientTests.childID, name: "李小花")
            // act
            let empty = try await world.api(.POST, "/api/v1/groups/\(group)/sessions", token: token, json: Self.session(-1, "", attendees: []))
            let stranger = try await world.api(.POST, "/api/v1/groups/\(group)/sessions", token: token,
                                               json: Self.session(-1, "手工活动", attendees: [outsider], measures: [["recipient_id": members[0].uuidString, "pre": 120]]))
            let early = try await world.api(.POST, "/api/v1/groups/\(group)/sessions", token: token, json: Self.session(-30, "筹备会", attendees: members))
            let name = try await world.api(.POST, "/api/v1/groups", token: token, json: [
                "name": "长者互助小组", "field": "elderly", "item": "emotional_comfort", "goals": "同名", "target": "老人", "planned_sessions": 4, "starts_on": Self.day(-2)])
            // check
            #expect(empty.status == .unprocessableEntity)
            #expect(try empty.problemFields()["content"] == "活动内容不能为空")
            #expect(try empty.problemFields()["attendee_ids"] == "请至少登记一名出席的组员，或填写其他参加人数")
            #expect(stranger.status == .unprocessableEntity)
            #expect(try stranger.problemFields()["attendee_ids"] == "出席者须为本小组组员；其他参加者请计入“其他参加人数”")
            #expect(try stranger.problemFields()["measures[0].recipient_id"] == "前后测只能为出席本次活动的组员填写")
            #expect(try early.problemFields()["on"] == "活动日期不能早于小组开始日期（\(Self.day(-20))）")
            #expect(name.status == .conflict)
            #expect(try name.problemFields()["name"] == "本站\(Day(Date()).adding(days: -2).year)年已有名为“长者互助小组”的小组")
            let rows = try await ServiceRecord.query(on: world.app.db).filter(\.$kind == .groupSession).count()
            #expect(rows == 0)
        }
    }

    @Test func attendanceIsRefusedForAMemberNoLongerInRegisterAndForAMeasureGivenTwice() async throws {
        try await withApp { world in
            // setup: one member moves out
            let token = try await world.token("worker")
            let (group, members) = try await Self.makeGroup(world, token: token)
            let moved = try await world.api(.POST, "/api/v1/recipients/\(members[1])/status", token: token,
                                            json: ["status": "moved_out", "on": world.app.clock.today.description, "reason": "随子女迁居外地"])
            #expect(moved.status == .ok, "\(moved.body.string)")
            // act
            let gone = try await world.api(.POST, "/api/v1/groups/\(group)/sessions", token: token, json: Self.session(0, "手工", attendees: members))
            let twice = try await world.api(.POST, "/api/v1/groups/\(group)/sessions", token: token, json: Self.session(0, "手工", attendees: [members[0]],
                measures: [["recipient_id": members[0].uuidString, "pre": 10], ["recipient_id": members[0].uuidString, "post": 20]]))
            // check
            #expect(gone.status == .unprocessableEntity)
            #expect(try gone.problemFields()["attendee_ids"] == "赵桂兰已不在册（迁出、去世或已合并），不能登记出席")
            #expect(twice.status == .unprocessableEntity)
            #expect(try twice.problemFields()["measures"] == "同一组员的前后测填写了两次")
            #expect(try await GroupSession.query(on: world.app.db).count() == 0)
        }
    }

    @Test func anOperatorSetsUpAGroupNamingItsResponsibleWorker() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            _ = try await browser.login("operator")
            let form = try await browser.get("/groups/new")
            let worker = world.id("user:worker")
            #expect(form.body.string.contains(#"value="\#(worker.uuidString)""#))
            // act
            let created = try await browser.post("/groups/new", form: [
                "station_id": world.id("station:解放路街道").uuidString, "name": "承接机构开的小组", "field": "elderly", "item": "social_support",
                "goals": "g", "target": "t", "planned_sessions": "3", "starts_on": CaseworkTests.day(0), "responsible_id": worker.uuidString])
            // check
            #expect(created.status == .seeOther, "\(created.body.string.prefix(300))")
            let group = try #require(try await WorkGroup.query(on: world.app.db).first())
            #expect(group.responsibleID == worker)
        }
    }

    @Test func theSameSessionSentTwiceAtOnceIsOneRowAndA409() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let (group, members) = try await Self.makeGroup(world, token: token)
            // act: a double click; and two officers ending the group at once
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { tasks in
                for _ in 0..<2 {
                    tasks.addTask { try await world.api(.POST, "/api/v1/groups/\(group)/sessions", token: token, json: Self.session(-3, "园艺活动", attendees: members)).status }
                }
                return try await tasks.reduce(into: []) { $0.append($1) }
            }.sorted { $0.code < $1.code }
            let ends = try await withThrowingTaskGroup(of: HTTPStatus.self) { tasks in
                for _ in 0..<2 {
                    tasks.addTask { try await world.api(.POST, "/api/v1/groups/\(group)/ending", token: token, json: ["on": Self.day(0), "summary": "结束"]).status }
                }
                return try await tasks.reduce(into: []) { $0.append($1) }
            }.sorted { $0.code < $1.code }
            // check
            #expect(statuses == [.created, .conflict])
            #expect(ends == [.ok, .conflict])
            #expect(try await GroupSession.query(on: world.app.db).filter(\.$groupID == group).count() == 1)
            #expect(try await ServiceRecord.query(on: world.app.db).filter(\.$kind == .groupSession).count() == 1)
        }
    }

    @Test func onlyTheStationRecordsGroupsAndAnotherStreetSeesNone() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let (group, members) = try await Self.makeGroup(world, token: token)
            let neighbour = try await RecipientTests.neighbourWorker(world)
            let street = try await world.token("jiefanglu")
            let district = try await world.token("lixia")
            let supervisor = try await world.token("supervisor")
            let session = Self.session(-2, "手工活动", attendees: members)
            // act and check: the station's operator writes; the street and district read only
            #expect(try await world.api(.POST, "/api/v1/groups/\(group)/sessions", token: try await world.token("operator"), json: session).status == .created)
            #expect(try await world.api(.GET, "/api/v1/groups/\(group)", token: street).status == .ok)
            #expect(try await world.api(.GET, "/api/v1/groups/\(group)", token: district).status == .ok)
            #expect(try await world.api(.POST, "/api/v1/groups/\(group)/sessions", token: street, json: Self.session(-1, "街道代记", attendees: members)).status == .forbidden)
            #expect(try await world.api(.POST, "/api/v1/groups", token: district, json: ["name": "区里的小组", "field": "elderly", "item": "social_support", "goals": "g", "target": "t",
                                                                                       "planned_sessions": 1, "starts_on": Self.day(0),
                                                                                       "station_id": world.id("station:解放路街道").uuidString]).status == .forbidden)
            // outside: another street of the same district, and a supervisor (who reads cases only)
            for outsider in [neighbour, supervisor] {
                #expect(try await world.api(.GET, "/api/v1/groups/\(group)", token: outsider).status == .notFound)
                #expect(try await world.api(.POST, "/api/v1/groups/\(group)/members", token: outsider, json: ["recipient_ids": [members[0].uuidString]]).status == .notFound)
                #expect(try await world.api(.GET, "/api/v1/groups", token: outsider).json()["total"] as? Int == 0)
            }
            // the neighbour cannot enrol their own person in our group either way, nor ours in theirs
            let theirs = try await world.api(.POST, "/api/v1/groups", token: neighbour, json: [
                "name": "千佛山小组", "field": "elderly", "item": "social_support", "goals": "g", "target": "t", "planned_sessions": 2, "starts_on": Self.day(-1),
                "member_ids": [members[0].uuidString]])
            #expect(theirs.status == .unprocessableEntity)
            #expect(try theirs.problemFields()["member_ids"]?.hasPrefix("服务对象不在本社工站的重点人群信息库中") == true)
        }
    }

    @Test func aWorkerRecordsAttendanceOnTheGroupPage() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let (group, members) = try await Self.makeGroup(world, token: token)
            let browser = Browser(world)
            _ = try await browser.login("worker")
            let page = try await browser.get("/groups/\(group)")
            #expect(page.body.string.contains("记录第 1 节活动"))
            // act: nobody ticked, then two ticked with a pre-test
            let refused = try await browser.post("/groups/\(group)/sessions", form: ["session_on": Self.day(0), "session_minutes": "60",
                                                                                      "session_content": "健康讲座", "session_others_count": ""])
            let recorded = try await browser.post("/groups/\(group)/sessions", form: [
                "session_on": Self.day(0), "session_minutes": "60", "session_content": "健康讲座", "session_others_count": "2",
                "session_attend_\(members[0])": "on", "session_attend_\(members[1])": "on", "session_pre_\(members[0])": "35", "session_post_\(members[0])": ""])
            // check
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("请至少登记一名出席的组员，或填写其他参加人数"))
            #expect(refused.body.string.contains("健康讲座"))   // what was typed stays
            #expect(recorded.status == .seeOther)
            let shown = try await browser.get("/groups/\(group)")
            #expect(shown.body.string.contains("第 1 节"))
            #expect(shown.body.string.contains("王秀英 35 → —"))
            let list = try await browser.get("/groups?station=\(world.id("station:解放路街道"))")
            #expect(list.body.string.contains("1 / 6"))
        }
    }
}
