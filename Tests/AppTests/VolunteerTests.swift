@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 11 §1: the volunteer library — volunteers sealed and scoped as recipients, one team per
/// village (R-2), and hours recorded by the organiser, never overlapping, confirmed and corrected as versions.
@Suite("Volunteers, teams and hours")
struct VolunteerTests {
    static let volunteerID = ResidentID.completing("37010219800512003")!
    static let otherID = ResidentID.completing("37010219920101004")!

    static func input(_ world: TestWorld, id: String = volunteerID, name: String = "李志强", street: String = "解放路街道") async throws -> [String: Any] {
        ["name": name, "resident_id": id, "phone": "13905316789", "village": try await RecipientTests.village(world, street: street),
         "skills": "理发、电器维修", "availability": "周末上午", "national_registration": "37010220240001"]
    }

    static func register(_ world: TestWorld, token: String, id: String = volunteerID, name: String = "李志强") async throws -> UUID {
        let res = try await world.api(.POST, "/api/v1/volunteers", token: token, json: try await input(world, id: id, name: name))
        #expect(res.status == .created, "\(res.body.string)")
        return UUID(uuidString: try res.json()["id"] as? String ?? "")!
    }

    static func standalone(_ volunteer: UUID, day: String = CaseworkTests.day(-3), from: String = "09:00", to: String = "11:00",
                           name: String = "社区环境清洁") -> [String: Any] {
        ["volunteer_id": volunteer.uuidString, "activity_kind": "standalone", "activity_name": name, "place": "解放路社区广场",
         "starts_at": "\(day)T\(from)", "ends_at": "\(day)T\(to)"]
    }

    /// The same person registered at two stations (each keeps its record) still cannot serve at two
    /// activities at once; the other station's activity is not named.
    @Test func onePersonRegisteredAtTwoStationsCannotServeTwiceAtOnce() async throws {
        try await withApp { world in
            // setup: 李志强 at 解放路 and again at 千佛山 (the same district)
            let worker = try await world.token("worker")
            let neighbour = try await RecipientTests.neighbourWorker(world)
            let here = try await Self.register(world, token: worker)
            let there = try await world.api(.POST, "/api/v1/volunteers", token: neighbour, json: try await Self.input(world, street: "千佛山街道"))
            #expect(there.status == .created, "\(there.body.string)")
            let thereID = UUID(uuidString: try there.json()["id"] as! String)!
            #expect(try await world.api(.POST, "/api/v1/volunteer-hours", token: worker, json: Self.standalone(here, name: "解放路敬老")).status == .created)
            // act: 千佛山 records the same morning, then an afternoon
            let overlapping = try await world.api(.POST, "/api/v1/volunteer-hours", token: neighbour, json: Self.standalone(thereID, from: "10:00", to: "12:00"))
            let afternoon = try await world.api(.POST, "/api/v1/volunteer-hours", token: neighbour, json: Self.standalone(thereID, from: "14:00", to: "15:00"))
            // check
            #expect(overlapping.status == .conflict)
            #expect(overlapping.body.string.contains("另一社工站登记的志愿服务") && !overlapping.body.string.contains("解放路敬老"), "\(overlapping.body.string)")
            #expect(afternoon.status == .created)
        }
    }

    /// R-3: a team registered on the national site after it was set up records its number; readers may not.
    @Test func aTeamRecordsItsNationalRegistrationLater() async throws {
        try await withApp { world in
            // setup: a team without a number
            let worker = try await world.token("worker")
            let village = try await RecipientTests.village(world)
            let created = try await world.api(.POST, "/api/v1/volunteer-teams", token: worker, json: ["village": village, "name": "\(village)志愿服务队"])
            let id = try created.json()["id"] as! String
            // act
            let patched = try await world.api(.PATCH, "/api/v1/volunteer-teams/\(id)", token: worker, json: ["national_registration": "T370102202600009"])
            let byStreet = try await world.api(.PATCH, "/api/v1/volunteer-teams/\(id)", token: try await world.token("jiefanglu"), json: ["name": "改名"])
            let byNeighbour = try await world.api(.PATCH, "/api/v1/volunteer-teams/\(id)", token: try await RecipientTests.neighbourWorker(world), json: ["name": "改名"])
            let empty = try await world.api(.PATCH, "/api/v1/volunteer-teams/\(id)", token: worker, json: ["name": ""])
            // check
            #expect(patched.status == .ok)
            #expect(try patched.json()["national_registration"] as? String == "T370102202600009")
            #expect(byStreet.status == .forbidden && byNeighbour.status == .notFound)
            #expect(empty.status == .unprocessableEntity && empty.body.string.contains("服务队名称"))
            let events = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "volunteer_team").count()
            #expect(events == 2)
        }
    }

    /// A volunteer who stops serving is marked so, and then gets no new hours; readers may not change them.
    @Test func aPausedVolunteerGetsNoNewHours() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let id = try await Self.register(world, token: worker)
            // act
            let paused = try await world.api(.PATCH, "/api/v1/volunteers/\(id)", token: worker, json: ["status": "paused", "skills": "理发"])
            let hours = try await world.api(.POST, "/api/v1/volunteer-hours", token: worker, json: Self.standalone(id))
            let byStreet = try await world.api(.PATCH, "/api/v1/volunteers/\(id)", token: try await world.token("jiefanglu"), json: ["status": "active"])
            let byNeighbour = try await world.api(.PATCH, "/api/v1/volunteers/\(id)", token: try await RecipientTests.neighbourWorker(world), json: ["status": "active"])
            let unknown = try await world.api(.PATCH, "/api/v1/volunteers/\(id)", token: worker, json: ["status": "retired"])
            // check
            #expect(paused.status == .ok)
            #expect(try paused.json()["status_label"] as? String == "暂停服务" && (try paused.json()["skills"] as? String) == "理发")
            #expect(hours.status == .unprocessableEntity && hours.body.string.contains("暂停服务"), "\(hours.body.string)")
            #expect(byStreet.status == .forbidden && byNeighbour.status == .notFound)
            #expect(unknown.status == .unprocessableEntity && unknown.body.string.contains("状态"))
        }
    }

    /// A city's volunteers come a page at a time with their total, never cut off silently.
    @Test func theVolunteerListComesInPagesWithItsTotal() async throws {
        try await withApp { world in
            // setup: three volunteers at 解放路
            let worker = try await world.token("worker")
            for (i, body) in ["37010219800512", "37010219850101", "37010219900202"].enumerated() {
                _ = try await Self.register(world, token: worker, id: ResidentID.completing(body + "00\(i + 1)")!, name: "志愿者\(i + 1)")
            }
            // act
            let first = try await world.api(.GET, "/api/v1/volunteers?per=2", token: worker)
            let second = try await world.api(.GET, "/api/v1/volunteers?per=2&page=2", token: worker)
            let browser = Browser(world)
            _ = try await browser.login("worker")
            let page = try await browser.get("/volunteers")
            // check
            #expect(try first.json()["total"] as? Int == 3 && (try first.json()["items"] as? [Any])?.count == 2)
            let names = (try first.json()["items"] as! [[String: Any]] + (try second.json()["items"] as! [[String: Any]])).map { $0["name"] as! String }
            #expect(names == ["志愿者1", "志愿者2", "志愿者3"])
            #expect(page.body.string.contains("志愿者3"))
        }
    }

    @Test func aWorkerRegistersAVolunteerSealedMaskedAndScopedAsRecipients() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let street = try await world.token("jiefanglu")
            let evaluator = try await world.token("evaluator")
            let neighbour = try await RecipientTests.neighbourWorker(world)
            let outsider = try await world.token("outsider")
            // act
            let id = try await Self.register(world, token: worker)
            let again = try await world.api(.POST, "/api/v1/volunteers", token: worker, json: try await Self.input(world, name: "李志强二"))
            let asStreet = try await world.api(.GET, "/api/v1/volunteers/\(id)", token: street)
            let asEvaluator = try await world.api(.GET, "/api/v1/volunteers/\(id)", token: evaluator)
            let asNeighbour = try await world.api(.GET, "/api/v1/volunteers/\(id)", token: neighbour)
            let asOutsider = try await world.api(.GET, "/api/v1/volunteers/\(id)", token: outsider)
            let streetWrites = try await world.api(.POST, "/api/v1/volunteers", token: street,
                                                   json: try await Self.input(world, id: Self.otherID).merging(["station_id": world.id("station:解放路街道").uuidString]) { _, b in b })
            let streetReveals = try await world.api(.POST, "/api/v1/volunteers/\(id)/reveal", token: street, json: ["field": "resident_id", "reason": "核对注册信息"])
            let revealed = try await world.api(.POST, "/api/v1/volunteers/\(id)/reveal", token: worker, json: ["field": "resident_id", "reason": "核对注册信息"])
            let neighbourList = try await world.api(.GET, "/api/v1/volunteers", token: neighbour)
            // check
            #expect(again.status == .conflict)
            #expect(try again.problemFields()["resident_id"]?.contains("李志强") == true)
            #expect(asStreet.status == .ok)
            #expect(try asStreet.json()["resident_id"] as? String == "3701**********" + Self.volunteerID.suffix(4))
            #expect(try asStreet.json()["phone"] as? String == "139****6789")
            #expect(asEvaluator.status == .ok)
            #expect(try asEvaluator.json()["resident_id"] == nil && asEvaluator.json()["phone"] == nil)
            #expect(asNeighbour.status == .notFound)
            #expect(asOutsider.status == .notFound)
            #expect(streetWrites.status == .forbidden)
            #expect(streetReveals.status == .forbidden)
            #expect(try revealed.json()["value"] as? String == Self.volunteerID)
            #expect(try (neighbourList.json()["items"] as? [Any])?.isEmpty == true)
            let stored = try await (world.app.db as! any SQLDatabase).raw("SELECT resident_id_sealed, phone_sealed FROM volunteers").all()
            for row in stored {
                #expect(try row.decode(column: "resident_id_sealed", as: String.self) != Self.volunteerID)
            }
            let reveals = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "volunteer").filter(\.$action == .sensitiveRead).count()
            #expect(reveals == 1)
        }
    }

    @Test func aVillageHasOneTeamR2AndAMemberCannotJoinTwiceAtOnce() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let volunteer = try await Self.register(world, token: worker)
            let village = try await RecipientTests.village(world)
            // act
            let team = try await world.api(.POST, "/api/v1/volunteer-teams", token: worker,
                                           json: ["village": village, "name": "\(village)志愿服务队", "leader_id": volunteer.uuidString, "national_registration": "T3701020001"])
            let second = try await world.api(.POST, "/api/v1/volunteer-teams", token: worker, json: ["village": village, "name": "第二支队伍"])
            let teamID = try team.json()["id"] as? String ?? ""
            let joined = try await world.api(.POST, "/api/v1/volunteer-teams/\(teamID)/members", token: worker,
                                             json: ["volunteer_id": volunteer.uuidString, "joined_on": CaseworkTests.day(-30)])
            let twice = try await world.api(.POST, "/api/v1/volunteer-teams/\(teamID)/members", token: worker,
                                            json: ["volunteer_id": volunteer.uuidString, "joined_on": CaseworkTests.day(-10)])
            let shown = try await world.api(.GET, "/api/v1/volunteer-teams/\(teamID)", token: try await world.token("jiefanglu"))
            // check
            #expect(team.status == .created, "\(team.body.string)")
            #expect(second.status == .conflict)
            #expect(try second.problemFields()["village"]?.contains("R-2") == true || second.problemFields()["village"]?.contains("村居覆盖") == true)
            #expect(joined.status == .created)
            #expect(twice.status == .conflict)
            let members = try shown.json()["members"] as? [[String: Any]] ?? []
            #expect(members.count == 1)
            #expect(try shown.json()["leader_name"] as? String == "李志强")
        }
    }

    @Test func hoursAreInHalfHoursNeverOverlapAndTheOverlapNamesTheOtherActivity() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let volunteer = try await Self.register(world, token: worker)
            // act
            let first = try await world.api(.POST, "/api/v1/volunteer-hours", token: worker, json: Self.standalone(volunteer))
            let odd = try await world.api(.POST, "/api/v1/volunteer-hours", token: worker, json: Self.standalone(volunteer, from: "13:00", to: "14:20"))
            let overlap = try await world.api(.POST, "/api/v1/volunteer-hours", token: worker, json: Self.standalone(volunteer, from: "10:30", to: "12:00", name: "助老送餐"))
            let after = try await world.api(.POST, "/api/v1/volunteer-hours", token: worker, json: Self.standalone(volunteer, from: "11:00", to: "12:30", name: "助老送餐"))
            let reader = try await world.api(.POST, "/api/v1/volunteer-hours", token: try await world.token("jiefanglu"), json: Self.standalone(volunteer, from: "14:00", to: "15:00"))
            // check
            #expect(first.status == .created, "\(first.body.string)")
            #expect(try first.json()["hours"] as? Double == 2)
            #expect(try first.json()["status"] as? String == "recorded")
            #expect(odd.status == .unprocessableEntity)
            #expect(try odd.problemFields()["ends_at"]?.contains("0.5 小时") == true)
            #expect(overlap.status == .conflict)
            #expect(try overlap.problemFields()["starts_at"]?.contains("社区环境清洁") == true)
            #expect(after.status == .created)
            #expect(reader.status == .forbidden)
        }
    }

    @Test func twoOverlappingEntriesSentAtOnceGiveOneEntryAndOneConflict() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let volunteer = try await Self.register(world, token: worker)
            // act
            async let a = world.api(.POST, "/api/v1/volunteer-hours", token: worker, json: Self.standalone(volunteer, from: "09:00", to: "10:00", name: "甲活动"))
            async let b = world.api(.POST, "/api/v1/volunteer-hours", token: worker, json: Self.standalone(volunteer, from: "09:30", to: "10:30", name: "乙活动"))
            let statuses = [try await a.status, try await b.status]
            // check
            #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == 1, "\(statuses)")
            #expect(try await VolunteerHours.query(on: world.app.db).count() == 1)
        }
    }

    /// An hour entry for `volunteer`, checked and ready to write, as `record` hands it to the writer.
    static func pending(_ volunteer: Volunteer, day: String = CaseworkTests.day(-3), from: String, to: String, name: String,
                        actor: User, clientIP: String) -> VolunteerHoursWriter.Pending {
        let h = VolunteerHours()
        h.id = UUID()
        h.$volunteer.id = volunteer.id!
        h.$station.id = volunteer.$station.id
        h.cityID = volunteer.cityID
        h.path = volunteer.path
        h.activityKind = .standalone
        h.activityName = name
        h.place = "解放路社区广场"
        h.startsAt = "\(day)T\(from)"
        h.endsAt = "\(day)T\(to)"
        h.halfHours = 2
        h.status = .recorded
        h.version = 1
        h.recordedBy = actor.id!
        h.recordedByName = actor.displayName
        return VolunteerHoursWriter.Pending(entry: h, volunteer: VolunteerHoursService.Person(volunteer), actorID: actor.id!, actorName: actor.username,
                                            clientIP: clientIP)
    }

    /// Group commit (issue 11 §5): entries sent while another group is written go in one transaction,
    /// each with its own answer and its own requester in the audit trail; when the group's transaction
    /// fails as a whole, each entry is written alone and only the faulty one fails.
    @Test func entriesWrittenAsOneGroupEachGetTheirOwnAnswer() async throws {
        try await withApp { world in
            // setup: 李志强 has 09:00–11:00 recorded; 王 (the other ID) nothing yet
            let worker = try await world.token("worker")
            let li = try #require(try await Volunteer.find(try await Self.register(world, token: worker), on: world.app.db))
            let wang = try #require(try await Volunteer.find(try await Self.register(world, token: worker, id: Self.otherID, name: "王秀兰"), on: world.app.db))
            let recorded = try await world.api(.POST, "/api/v1/volunteer-hours", token: worker, json: Self.standalone(li.id!))
            #expect(recorded.status == .created)
            let userA = try #require(try await User.query(on: world.app.db).filter(\.$username == "worker").first())
            let userB = try #require(try await User.query(on: world.app.db).filter(\.$username == "operator").first())
            let group = [
                Self.pending(li, from: "10:00", to: "12:00", name: "助老送餐", actor: userA, clientIP: "10.0.0.1"),
                Self.pending(wang, from: "09:00", to: "10:00", name: "甲活动", actor: userA, clientIP: "10.0.0.1"),
                Self.pending(wang, from: "09:30", to: "10:30", name: "乙活动", actor: userB, clientIP: "10.0.0.2"),
                Self.pending(li, from: "13:00", to: "14:00", name: "丙活动", actor: userB, clientIP: "10.0.0.2"),
            ]
            var ghost = Self.pending(wang, from: "15:00", to: "16:00", name: "丁活动", actor: userA, clientIP: "10.0.0.1")
            ghost.entry.$volunteer.id = UUID()   // no such volunteer: the group's INSERT fails as a whole
            let retried = [Self.pending(wang, from: "17:00", to: "18:00", name: "戊活动", actor: userA, clientIP: "10.0.0.1"), ghost]
            // act
            let outcomes = await VolunteerHoursWriter.commit(group, app: world.app)
            let afterFailure = await VolunteerHoursWriter.commit(retried, app: world.app)
            // check: the recorded entry and one earlier in the group are refused, each naming its clash
            func conflict(_ outcome: Result<Void, any Error>) -> String? {
                guard case .failure(let error) = outcome else { return nil }
                guard let refusal = error as? AppError, refusal.status == .conflict else { return "\(error)" }
                return refusal.fieldErrors.first?.message
            }
            #expect(conflict(outcomes[0])?.contains("已记录“社区环境清洁”") == true, "\(outcomes)")
            #expect(conflict(outcomes[1]) == nil)
            #expect(conflict(outcomes[2])?.contains("已记录“甲活动”") == true, "\(outcomes)")
            #expect(conflict(outcomes[3]) == nil)
            #expect(conflict(afterFailure[0]) == nil, "\(afterFailure)")
            #expect(conflict(afterFailure[1]) != nil)
            let names = try await VolunteerHours.query(on: world.app.db).all().map(\.activityName).sorted()
            #expect(names == ["丙活动", "戊活动", "甲活动", "社区环境清洁"])
            let events = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "volunteer_hours").all()
            let byEntry = Dictionary(uniqueKeysWithValues: events.map { ($0.entityID ?? "", $0) })
            #expect(events.count == 4)
            #expect(byEntry[group[1].entry.id!.uuidString]?.actorName == "worker" && byEntry[group[1].entry.id!.uuidString]?.clientIP == "10.0.0.1")
            #expect(byEntry[group[3].entry.id!.uuidString]?.actorName == "operator" && byEntry[group[3].entry.id!.uuidString]?.clientIP == "10.0.0.2")
            #expect(try await AuditChain.verify(on: world.app.db, key: world.auditKey) == .intact(count: try await AuditEvent.query(on: world.app.db).count()))
        }
    }

    @Test func hoursOnACommunityEventAreRecordedByItsStationConfirmedOnceAndCorrectedAsVersions() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let volunteer = try await Self.register(world, token: worker)
            let event = try await world.api(.POST, "/api/v1/community-events", token: worker, json: try await CommunityWorkTests.event(world))
            let eventID = UUID(uuidString: try event.json()["id"] as? String ?? "")!
            let record = try #require(try await CommunityEvent.find(eventID, on: world.app.db)).recordID
            let day = CaseworkTests.day(-4)
            let body: [String: Any] = ["volunteer_id": volunteer.uuidString, "activity_kind": "community_event", "record_id": record.uuidString,
                                       "starts_at": "\(day)T14:00", "ends_at": "\(day)T16:30"]
            // act
            let wrongDay = try await world.api(.POST, "/api/v1/volunteer-hours", token: worker,
                                               json: body.merging(["starts_at": "\(CaseworkTests.day(-3))T14:00", "ends_at": "\(CaseworkTests.day(-3))T15:00"]) { _, b in b })
            let neighbour = try await world.api(.POST, "/api/v1/volunteer-hours", token: try await RecipientTests.neighbourWorker(world), json: body)
            let created = try await world.api(.POST, "/api/v1/volunteer-hours", token: worker, json: body)
            let hoursID = try created.json()["id"] as? String ?? ""
            let unconfirmed = try await world.api(.GET, "/api/v1/volunteers/\(volunteer)", token: worker)
            let confirmed = try await world.api(.POST, "/api/v1/volunteer-hours/\(hoursID)/confirm", token: worker)
            let twice = try await world.api(.POST, "/api/v1/volunteer-hours/\(hoursID)/confirm", token: worker)
            let corrected = try await world.api(.POST, "/api/v1/volunteer-hours/\(hoursID)/corrections", token: worker,
                                                json: ["version": 1, "ends_at": "\(day)T16:00", "reason": "签到表核对：16:00 离场"])
            let stale = try await world.api(.POST, "/api/v1/volunteer-hours/\(hoursID)/corrections", token: worker,
                                            json: ["version": 1, "ends_at": "\(day)T15:00", "reason": "再次核对"])
            let shown = try await world.api(.GET, "/api/v1/volunteers/\(volunteer)/hours", token: try await world.token("jiefanglu"))
            // check
            #expect(wrongDay.status == .unprocessableEntity)
            #expect(try wrongDay.problemFields()["starts_at"]?.contains("邻里节") == true)
            #expect(neighbour.status == .notFound)
            #expect(created.status == .created, "\(created.body.string)")
            #expect(try created.json()["activity_name"] as? String == "邻里节·包饺子")
            #expect(try unconfirmed.json()["confirmed_hours"] as? Double == 0)
            #expect(confirmed.status == .ok)
            #expect(twice.status == .conflict)
            #expect(corrected.status == .created, "\(corrected.body.string)")
            #expect(try corrected.json()["version"] as? Int == 2)
            #expect(try corrected.json()["hours"] as? Double == 2)
            #expect(stale.status == .conflict)
            let list = try shown.json()
            #expect(list["confirmed_hours"] as? Double == 2)
            let entry = (list["items"] as? [[String: Any]])?.first
            let versions = entry?["versions"] as? [[String: Any]] ?? []
            #expect(versions.count == 1)
            #expect(versions.first?["hours"] as? Double == 2.5)
            #expect(versions.first?["reason"] as? String == "签到表核对：16:00 离场")
        }
    }

    @Test func theDemoHasTeamsInAllButOneVillageAndWuhanPointsWithARedemption() async throws {
        try await withApp(recipients: true) { world in
            // setup
            let worker = try await world.token("jiefanglu")
            let wuhan = try await world.token("wuhan")
            let station = world.id("station:解放路街道")
            let villages = try await StationQueries.villages(ofStreet: world.id("解放路街道"), on: world.app.db)
            // act
            let teams = try await world.api(.GET, "/api/v1/volunteer-teams?station=\(station)", token: worker)
            let volunteers = try await world.api(.GET, "/api/v1/volunteers?station=\(world.id("station:大智街道"))", token: wuhan)
            let first = ((try volunteers.json()["items"] as? [[String: Any]]) ?? []).first
            let jinanVolunteers = try await world.api(.GET, "/api/v1/volunteers?station=\(station)", token: worker)
            // check: R-2 fails in exactly one village
            let covered = Set(((try teams.json()["items"] as? [[String: Any]]) ?? []).compactMap { $0["village_id"] as? String })
            #expect(covered.count == villages.count - 1)
            let jinanItems = (try jinanVolunteers.json()["items"] as? [[String: Any]]) ?? []
            #expect(!jinanItems.isEmpty && jinanItems.allSatisfy { ($0["confirmed_hours"] as? Double ?? 0) > 20 })
            #expect(first != nil)
            let redeemed = try await VolunteerRedemption.query(on: world.app.db).count()
            #expect(redeemed == 1)
            let balances = try await (world.app.db as! any SQLDatabase).raw("SELECT volunteer_id, CAST(SUM(delta) AS BIGINT) AS n FROM volunteer_points GROUP BY volunteer_id").all()
            #expect(!balances.isEmpty && balances.allSatisfy { (try? $0.decode(column: "n", as: Int.self)) ?? -1 > 0 })
        }
    }

    /// A team of 解放路's first village with 李志强 as a member from 30 days ago; the team and the membership row.
    static func teamWithMember(_ world: TestWorld, token: String) async throws -> (team: String, member: String) {
        let volunteer = try await Self.register(world, token: token)
        let village = try await RecipientTests.village(world)
        let team = try await world.api(.POST, "/api/v1/volunteer-teams", token: token, json: ["village": village, "name": "\(village)志愿服务队"])
        let teamID = try team.json()["id"] as? String ?? ""
        let joined = try await world.api(.POST, "/api/v1/volunteer-teams/\(teamID)/members", token: token,
                                         json: ["volunteer_id": volunteer.uuidString, "joined_on": CaseworkTests.day(-30)])
        #expect(joined.status == .created, "\(joined.body.string)")
        let members = try joined.json()["members"] as? [[String: Any]] ?? []
        return (teamID, members.first?["id"] as? String ?? "")
    }

    /// A member who leaves later has the day recorded on their row: not before they joined, not after
    /// today, once; the street reads but may not, another street of the district does not see it.
    @Test func aMemberWhoLeavesLaterHasTheDayRecordedOnce() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let (team, member) = try await Self.teamWithMember(world, token: worker)
            let path = "/api/v1/volunteer-team-members/\(member)"
            // act
            let beforeJoining = try await world.api(.PATCH, path, token: worker, json: ["left_on": CaseworkTests.day(-31)])
            let tomorrow = try await world.api(.PATCH, path, token: worker, json: ["left_on": CaseworkTests.day(1)])
            let empty = try await world.api(.PATCH, path, token: worker, json: ["left_on": ""])
            let byStreet = try await world.api(.PATCH, path, token: try await world.token("jiefanglu"), json: ["left_on": CaseworkTests.day(-2)])
            let byNeighbour = try await world.api(.PATCH, path, token: try await RecipientTests.neighbourWorker(world), json: ["left_on": CaseworkTests.day(-2)])
            let left = try await world.api(.PATCH, path, token: worker, json: ["left_on": CaseworkTests.day(-2)])
            let again = try await world.api(.PATCH, path, token: worker, json: ["left_on": CaseworkTests.day(-1)])
            let shown = try await world.api(.GET, "/api/v1/volunteer-teams/\(team)", token: worker)
            // check
            #expect(beforeJoining.status == .unprocessableEntity)
            #expect(try beforeJoining.problemFields()["left_on"] == "退出日期不能早于加入日期（\(CaseworkTests.day(-30))）")
            #expect(tomorrow.status == .unprocessableEntity)
            #expect(try tomorrow.problemFields()["left_on"]?.contains("不能晚于今天") == true)
            #expect(try empty.status == .unprocessableEntity && (empty.problemFields()["left_on"]) == "退出日期不能为空")
            #expect(byStreet.status == .forbidden)
            #expect(byNeighbour.status == .notFound)
            #expect(left.status == .ok, "\(left.body.string)")
            #expect(again.status == .conflict)
            #expect(try again.problemFields()["left_on"]?.contains("李志强的退出日期已登记为 \(CaseworkTests.day(-2))") == true)
            let members = try shown.json()["members"] as? [[String: Any]] ?? []
            #expect(members.count == 1 && members.first?["left_on"] as? String == CaseworkTests.day(-2))
            let events = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "volunteer_team_member").filter(\.$action == .update).all()
            #expect(events.count == 1)
            #expect(events.first?.changes.contains(CaseworkTests.day(-2)) == true)
        }
    }

    /// The team page has a leave form beside each current member; a refused date is said beside it.
    @Test func aMemberLeavesOnTheTeamPage() async throws {
        try await withApp { world in
            // setup
            let (team, member) = try await Self.teamWithMember(world, token: try await world.token("worker"))
            let browser = Browser(world)
            _ = try await browser.login("worker")
            let field = VolunteerTeamPage.leavePrefix(UUID(uuidString: member)!) + "left_on"
            // act
            let before = try await browser.get("/volunteer-teams/\(team)").body.string
            let reader = Browser(world)
            _ = try await reader.login("jiefanglu")
            let readerPage = try await reader.get("/volunteer-teams/\(team)").body.string
            let refused = try await browser.post("/volunteer-team-members/\(member)", form: [field: CaseworkTests.day(3)])
            let recorded = try await browser.post("/volunteer-team-members/\(member)", form: [field: CaseworkTests.day(-1)])
            let after = try await browser.get("/volunteer-teams/\(team)").body.string
            // check
            #expect(before.contains("action=\"/volunteer-team-members/\(member)\"") && before.contains("登记退出"))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("退出日期不能晚于今天"))
            #expect(recorded.status == .seeOther)
            #expect(after.contains(CaseworkTests.day(-1)) && !after.contains("登记退出"))
            #expect(!readerPage.contains("登记退出"))
        }
    }
}
