import Domain
import Fluent
import Foundation
import SQLKit
import Vapor

/// Demo volunteers (issue 11 §1): at 解放路 (a demonstration station) a team in each village but the
/// last — so R-2 fails there — with a year of confirmed hours, some on the demo's community events;
/// at Wuhan's 大智街道 a year of hours that earn points under R-4 (the city's parameters set as a
/// policy version, as its civil-affairs bureau would on the policy page) and one redemption.
enum DemoVolunteers {
    static let names = ["刘建国", "王丽萍", "张海燕", "孙志刚", "周玉兰", "吴晓东", "郑秀梅", "冯志远"]
    static let skills = ["理发、电器维修", "唱歌、广场舞", "医护、测血压", "法律咨询", "手工、编织", "摄影、宣传", "烹饪", "书法、辅导作业"]
    static let activities = ["社区环境清洁", "助老送餐", "文明交通劝导", "反诈宣传", "图书角值守", "垃圾分类督导"]
    /// Wuhan's R-4 parameters in the demo: 10 points an hour, rounded down.
    static let points: [String: Double] = ["pointsPerHour": 10, "pointsRounding": 0]

    static func add(jinan station: Station, wuhan: Station?, recorder: (id: UUID, name: String), wuhanAdmin: UUID?, today: Day, key: DataKey,
                    db: any Database, audit: AuditLog.Recorder) async throws {
        let villages = try await StationQueries.villages(ofStreet: station.streetID, on: db)
        guard villages.count >= 2 else { return }
        let volunteers = try await register(station, villages: villages, count: 6, division: "370102", key: key, by: recorder.id, db: db, audit: audit)
        // R-2: a team in every village but the last.
        for (i, village) in villages.dropLast().enumerated() {
            let members = volunteers.enumerated().filter { $0.offset % (villages.count - 1) == i }.map(\.element)
            let team = VolunteerTeam()
            team.id = UUID()
            team.$station.id = station.id!
            team.cityID = station.cityID
            team.path = station.path
            team.villageID = village.id
            team.name = "\(village.name)志愿服务队"
            team.leaderID = members.first?.id
            team.nationalRegistration = i == 0 ? "T3701022023\(String(format: "%04d", i + 1))" : nil
            team.createdBy = recorder.id
            try await team.create(on: db)
            audit.change(entityType: "volunteer_team", entityID: team.id, old: nil, new: team.auditFields)
            for v in members {
                let m = VolunteerTeamMember()
                m.id = UUID()
                m.teamID = team.id!
                m.volunteerID = v.id!
                m.joinedOn = today.adding(days: -400).description
                try await m.create(on: db)
            }
        }
        try await hours(volunteers, at: station, recorder: recorder, today: today, rule: nil, db: db, audit: audit)
        // Two volunteers helped at each of the station's community events.
        let events = try await CommunityEvent.query(on: db).filter(\.$station.$id == station.id!).all()
        for e in events {
            for v in volunteers.prefix(2) {
                try await write(v, at: station, kind: .communityEvent, record: e.recordID, name: e.title, place: "", day: e.heldOn,
                                from: "14:00", to: "16:30", recorder: recorder, rule: nil, db: db, audit: audit)
            }
        }
        guard let wuhan, let wuhanAdmin else { return }
        let version = PolicyVersion()
        version.cityID = wuhan.cityID
        version.profileID = "wuhan"
        version.version = (try await PolicyVersion.query(on: db).filter(\.$cityID == wuhan.cityID).count()) + 1
        version.effectiveFrom = "\(today.adding(days: -400).year)-01-01"
        version.overrides = String(decoding: try JSONEncoder().encode(["R-4": points]), as: UTF8.self)
        version.note = "演示：市民政局设定志愿服务积分（R-4：每小时 10 分，向下取整）"
        version.createdBy = "wuhan"
        try await version.create(on: db)
        audit.change(entityType: "policy_version", entityID: version.id, old: nil,
                     new: ["city_id": wuhan.cityID.uuidString, "version": String(version.version), "effective_from": version.effectiveFrom, "overrides": version.overrides])
        let wuhanVillages = try await StationQueries.villages(ofStreet: wuhan.streetID, on: db)
        let people = try await register(wuhan, villages: wuhanVillages, count: 4, division: "420102", key: key, by: wuhanAdmin, db: db, audit: audit)
        let rule = PointsRule(perHour: points["pointsPerHour"]!, rounding: Int(points["pointsRounding"]!))
        let demo = (id: wuhanAdmin, name: "演示数据（大智街道社工站）")
        try await hours(people, at: wuhan, recorder: demo, today: today, rule: rule, db: db, audit: audit)
        var rewards: [VolunteerReward] = []
        for (name, cost, stock) in [("爱心米面油", 100, 20), ("理发券", 30, 50), ("社区食堂餐券", 50, 40)] {
            let r = VolunteerReward()
            r.id = UUID()
            r.$station.id = wuhan.id!
            r.name = name
            r.points = cost
            r.stock = stock
            r.createdBy = wuhanAdmin
            try await r.create(on: db)
            rewards.append(r)
        }
        // One redemption: the first volunteer takes 米面油 with their points.
        let redemption = VolunteerRedemption()
        redemption.id = UUID()
        redemption.volunteerID = people[0].id!
        redemption.rewardID = rewards[0].id!
        redemption.stationID = wuhan.id!
        redemption.quantity = 1
        redemption.points = rewards[0].points
        redemption.redeemedOn = today.adding(days: -5).description
        redemption.recordedBy = demo.id
        redemption.recordedByName = demo.name
        try await redemption.create(on: db)
        rewards[0].stock -= 1
        try await rewards[0].save(on: db)
        try await VolunteerPointsEntry(volunteer: people[0].id!, delta: -redemption.points, kind: .redeemed, redemption: redemption.id,
                                       note: "\(rewards[0].name)×1").create(on: db)
    }

    private static func register(_ station: Station, villages: [OrgQueries.UnitRef], count: Int, division: String, key: DataKey, by user: UUID,
                                 db: any Database, audit: AuditLog.Recorder) async throws -> [Volunteer] {
        var result: [Volunteer] = []
        for i in 0..<count {
            // Birth 19yy-0m-1d, sequence 0·i·sex: 17 digits and the GB 11643 check character.
            let id = ResidentID.completing("\(division)19\(70 + i * 3)0\(i % 9 + 1)1\(i)0\(i)\(i % 2 == 0 ? 1 : 2)")!
            let phone = "1390531\(String(format: "%04d", 1000 + i * 37))"
            let v = Volunteer()
            v.id = UUID()
            v.$station.id = station.id!
            v.cityID = station.cityID
            v.districtID = station.districtID
            v.path = station.path
            v.villageID = villages[i % villages.count].id
            v.name = names[(i + (division.hasPrefix("42") ? 4 : 0)) % names.count]
            let sealedID = try SealedValue(id, masked: String(id.prefix(4)) + String(repeating: "*", count: 10) + String(id.suffix(4)), key: key)
            v.residentIDSealed = sealedID.sealed
            v.residentIDHash = sealedID.hash
            v.residentIDMasked = sealedID.masked
            let sealedPhone = try SealedValue(phone, masked: PhoneNumber(phone)!.masked, key: key)
            v.phoneSealed = sealedPhone.sealed
            v.phoneHash = sealedPhone.hash
            v.phoneMasked = sealedPhone.masked
            v.skills = skills[i % skills.count]
            v.availability = i % 2 == 0 ? "周末全天" : "工作日晚上"
            v.nationalRegistration = i % 3 == 2 ? nil : "V\(division)2023\(String(format: "%05d", i + 1))"
            v.status = .active
            v.createdBy = user
            try await v.create(on: db)
            audit.change(entityType: "volunteer", entityID: v.id, old: nil, new: v.auditFields)
            result.append(v)
        }
        return result
    }

    /// A year of monthly activities for each volunteer, confirmed, earning points under `rule` if any.
    private static func hours(_ volunteers: [Volunteer], at station: Station, recorder: (id: UUID, name: String), today: Day, rule: PointsRule?,
                              db: any Database, audit: AuditLog.Recorder) async throws {
        for (i, v) in volunteers.enumerated() {
            for month in 1...12 {
                let day = today.adding(days: -month * 30 + i)
                let from = ["08:30", "09:00", "14:00"][month % 3]
                let to = ["10:30", "11:30", "16:00"][month % 3]
                try await write(v, at: station, kind: .standalone, record: nil, name: activities[(i + month) % activities.count], place: "社区广场",
                                day: day.description, from: from, to: to, recorder: recorder, rule: rule, db: db, audit: audit)
            }
        }
    }

    private static func write(_ v: Volunteer, at station: Station, kind: VolunteerActivityKind, record: UUID?, name: String, place: String, day: String,
                              from: String, to: String, recorder: (id: UUID, name: String), rule: PointsRule?, db: any Database, audit: AuditLog.Recorder) async throws {
        let h = VolunteerHours()
        h.id = UUID()
        h.$volunteer.id = v.id!
        h.$station.id = station.id!
        h.cityID = station.cityID
        h.path = station.path
        h.activityKind = kind
        h.recordID = record
        h.activityName = name
        h.place = place
        h.startsAt = "\(day)T\(from)"
        h.endsAt = "\(day)T\(to)"
        let minutes = { (t: String) in Int(t.prefix(2))! * 60 + Int(t.suffix(2))! }
        h.halfHours = (minutes(to) - minutes(from)) / 30
        h.status = .confirmed
        h.confirmedBy = recorder.id
        h.confirmedByName = recorder.name
        h.version = 1
        h.recordedBy = recorder.id
        h.recordedByName = recorder.name
        try await h.create(on: db)
        try await VolunteerPoints.earn(h, rule: rule, on: db)
        audit.change(entityType: "volunteer_hours", entityID: h.id, old: nil, new: h.auditFields)
    }
}
