@testable import App
import Domain
import Foundation
import Testing
import Vapor
import VaporTesting

/// Findings R-1, R-2 and R-3 of the demonstration station 解放路街道 from its libraries, villages,
/// teams and confirmed hours (issue 11 §3).
struct ResourceFindingsTests {
    static func findings(_ world: TestWorld, year: Int, token: String) async throws -> [String: [String: Any]] {
        let res = try await world.api(.GET, "/api/v1/stations/\(world.id("station:解放路街道"))/compliance?year=\(year)", token: token)
        #expect(res.status == .ok, "\(res.body.string)")
        let rows = try res.json()["findings"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["rule_id"] as! String, $0) })
    }

    @Test func theLibrariesTeamsAndHoursBecomeFindingsOfTheirYear() async throws {
        try await withApp { world in
            // setup: a volunteer, an unregistered team in the street's first village, two confirmed hours
            let worker = try await world.token("worker")
            let admin = try await world.token("admin")
            let villages = try await StationQueries.villages(ofStreet: world.id("解放路街道"), on: world.app.db)
            let volunteer = try await VolunteerTests.register(world, token: worker)
            let team = try await world.api(.POST, "/api/v1/volunteer-teams", token: worker, json: [
                "village": villages[0].name, "name": "\(villages[0].name)志愿服务队", "leader_id": volunteer.uuidString])
            #expect(team.status == .created, "\(team.body.string)")
            let hours = try await world.api(.POST, "/api/v1/volunteer-hours", token: worker, json: VolunteerTests.standalone(volunteer))
            #expect(hours.status == .created, "\(hours.body.string)")
            let hoursID = try hours.json()["id"] as! String
            #expect(try await world.api(.POST, "/api/v1/volunteer-hours/\(hoursID)/confirm", token: worker).status == .ok)
            let year = Day(Date()).adding(days: -3).year
            // act
            let now = try await Self.findings(world, year: year, token: admin)
            let before = try await Self.findings(world, year: year - 1, token: admin)
            // check R-3: the team is named as unregistered, the hours counted
            let r3 = try #require(now["R-3"])
            #expect(r3["state"] as? String == "failure")
            #expect((r3["measured"] as? String)?.contains("未注册：\(villages[0].name)志愿服务队") == true)
            #expect((r3["measured"] as? String)?.contains("已确认志愿服务时长 2 小时") == true)
            // R-2: every village but the first lacks a team; those without a room or point are named
            let r2 = try #require(now["R-2"])
            let bare = villages.dropFirst().filter { $0.villagePost == .none }.map(\.name)
            if !bare.isEmpty {
                #expect(r2["state"] as? String == "failure")
                #expect((r2["measured"] as? String)?.contains("无社工室（点）也无志愿服务队：" + bare.joined(separator: "、")) == true, "\(r2)")
            }
            #expect((r2["measured"] as? String)?.hasPrefix("\(villages.count) 个村（社区）") == true)
            // R-1: this year the demo's policy library (four of the city, one of the station) and the volunteer; last year nothing had been written yet
            let r1 = try #require(now["R-1"])
            #expect((r1["measured"] as? String)?.contains("志愿服务库 1 人") == true, "\(r1)")
            #expect((r1["measured"] as? String)?.contains("政策库 5 条") == true, "\(r1)")
            let r1Before = try #require(before["R-1"])
            #expect(r1Before["state"] as? String == "failure")
            #expect((r1Before["measured"] as? String)?.contains("政策库未建立") == true, "\(r1Before)")
            #expect((r1Before["measured"] as? String)?.contains("志愿服务库未建立") == true, "\(r1Before)")
        }
    }
}
