import Domain
import Fluent
import SQLKit
import Vapor

struct VolunteerTeamInput: Content {
    var stationId: UUID?
    /// The village or community by name, under the station's street (R-2: one team each).
    var village: String?
    var name: String?
    /// A volunteer of the station.
    var leaderId: UUID?
    /// The team's registration number on the national volunteer service site (R-3).
    var nationalRegistration: String?
}

/// A change to a team: the fields given are set; an empty registration number clears it.
struct VolunteerTeamPatch: Content {
    var name: String?
    var leaderId: UUID?
    var nationalRegistration: String?
}

struct TeamMemberInput: Content {
    var volunteerId: UUID?
    var joinedOn: String?
    var leftOn: String?
}

/// The day a current member left the team.
struct TeamMemberLeave: Content {
    var leftOn: String?
}

struct TeamMemberDTO: Content {
    /// The membership's row (a volunteer who left and joined again has two).
    var id: UUID
    var volunteerId: UUID
    var name: String
    var joinedOn: String
    var leftOn: String?
}

struct VolunteerTeamDTO: Content {
    var id: UUID
    var stationId: UUID
    var villageId: UUID
    var villageName: String
    var name: String
    var leaderId: UUID?
    var leaderName: String?
    var nationalRegistration: String?
    var members: [TeamMemberDTO]
    var createdAt: Date?
    var updatedAt: Date?
}

struct VolunteerTeamList: Content {
    var items: [VolunteerTeamDTO]
}

/// Volunteer teams (志愿服务队): one per village or community of the station's street (R-2), with
/// its leader, members from and until a day, and its national registration number (R-3).
enum VolunteerTeams {
    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> VolunteerTeam {
        let caller = try req.requireCaller()
        guard let id, !Access.readScope(caller.assignments, VolunteerService.kind).isEmpty,
              let team = try await VolunteerTeam.query(on: req.db).filter(\.$id == id).with(\.$station).first() else {
            throw Abort(.notFound, reason: "未找到该志愿服务队，或不在您的管辖范围内")
        }
        try req.authorize(action, VolunteerService.resource(team.station))
        return team
    }

    /// A volunteer of the team's station, or an error beside `field`.
    private static func stationVolunteer(_ id: UUID, station: UUID, field: String, on db: any Database, into v: inout Validator) async throws -> Volunteer? {
        guard let volunteer = try await Volunteer.query(on: db).filter(\.$id == id).filter(\.$station.$id == station).first() else {
            v.add(field, "应为本社工站已登记的志愿者")
            return nil
        }
        return volunteer
    }

    /// Creates the team of a village; a second team of the same village is a 409 (R-2), checked inside
    /// the serialised write and backed by the unique index.
    static func create(_ input: VolunteerTeamInput, req: Request) async throws -> VolunteerTeam {
        let caller = try req.requireCaller()
        let station = try await StationScope.stationForCreate(input.stationId, kind: VolunteerService.kind, label: "建立志愿服务队", req: req)
        var v = Validator()
        let name = v.text(input.name, field: "name", label: "服务队名称", max: TextLimit.name, required: true)
        let registration = v.text(input.nationalRegistration, field: "national_registration", label: "全国志愿服务信息系统队伍注册编号", max: TextLimit.name)
        var villageID: UUID?
        let villageName = (input.village ?? "").trimmingCharacters(in: .whitespaces)
        if villageName.isEmpty {
            v.add("village", "请填写服务队所在村（社区）")
        } else {
            let found = try await StationQueries.village(named: villageName, ofStreet: station.streetID, on: req.db)
            villageID = found.id
            if villageID == nil { v.add("village", "村（社区）“\(villageName)”不在本社工站所在街道下（可选：\(found.choices.joined(separator: "、"))）") }
        }
        if let leader = input.leaderId { _ = try await stationVolunteer(leader, station: station.id!, field: "leader_id", on: req.db, into: &v) }
        try v.check()
        let team = VolunteerTeam()
        team.id = UUID()
        team.$station.id = station.id!
        team.cityID = station.cityID
        team.path = station.path
        team.villageID = villageID!
        team.name = name!
        team.leaderID = input.leaderId
        team.nationalRegistration = registration
        team.createdBy = caller.userID
        try await req.audit.transaction { db, audit in
            if let other = try await VolunteerTeam.query(on: db).filter(\.$station.$id == station.id!).filter(\.$villageID == team.villageID).first() {
                throw AppError.field("village", "\(villageName)已有志愿服务队“\(other.name)”：每个村（社区）一支（\(RuleName.label("R-2"))）", status: .conflict)
            }
            try await team.create(on: db)
            audit.change(entityType: "volunteer_team", entityID: team.id, old: nil, new: team.auditFields)
        }
        return team
    }

    /// Renames the team, names its leader, or records its national registration number once it is
    /// registered (R-3); audited with the values before and after, the row re-read inside the write.
    static func update(_ team: VolunteerTeam, _ patch: VolunteerTeamPatch, req: Request) async throws -> VolunteerTeam {
        try req.authorize(.update, VolunteerService.resource(team.station))
        var v = Validator()
        let name = patch.name == nil ? nil : v.text(patch.name, field: "name", label: "服务队名称", max: TextLimit.name, required: true)
        let registration = v.text(patch.nationalRegistration, field: "national_registration", label: "全国志愿服务信息系统队伍注册编号", max: TextLimit.name)
        if let leader = patch.leaderId { _ = try await stationVolunteer(leader, station: team.$station.id, field: "leader_id", on: req.db, into: &v) }
        if patch.name == nil && patch.leaderId == nil && patch.nationalRegistration == nil { v.add("name", "没有要修改的内容") }
        try v.check()
        return try await req.audit.transaction { db, audit in
            guard let current = try await VolunteerTeam.find(team.id, on: db) else { throw Abort(.notFound, reason: "未找到该志愿服务队") }
            let before = current.auditFields
            if let name { current.name = name }
            if let leader = patch.leaderId { current.leaderID = leader }
            if patch.nationalRegistration != nil { current.nationalRegistration = registration }
            try await current.save(on: db)
            audit.change(entityType: "volunteer_team", entityID: current.id, old: before, new: current.auditFields)
            current.$station.value = team.station
            return current
        }
    }

    /// Adds a member from a day (and optionally until a day). The same volunteer in the team twice at
    /// once is a 409, checked inside the serialised write.
    static func addMember(_ team: VolunteerTeam, _ input: TeamMemberInput, req: Request) async throws {
        try req.authorize(.update, VolunteerService.resource(team.station))
        var v = Validator()
        var volunteer: Volunteer?
        if let id = input.volunteerId {
            volunteer = try await stationVolunteer(id, station: team.$station.id, field: "volunteer_id", on: req.db, into: &v)
        } else {
            v.add("volunteer_id", "请选择志愿者")
        }
        let joined = v.day(input.joinedOn, field: "joined_on", label: "加入日期", notAfter: req.today)
        if (input.joinedOn ?? "").isEmpty { v.add("joined_on", "加入日期不能为空") }
        let left = v.day(input.leftOn, field: "left_on", label: "退出日期")
        if let joined, let left, left < joined { v.add("left_on", "退出日期不能早于加入日期（\(joined)）") }
        try v.check()
        let member = VolunteerTeamMember()
        member.id = UUID()
        member.teamID = team.id!
        member.volunteerID = volunteer!.id!
        member.joinedOn = joined!.description
        member.leftOn = left?.description
        let name = volunteer!.name
        try await req.audit.transaction { db, audit in
            let rows = try await VolunteerTeamMember.query(on: db).filter(\.$teamID == team.id!).filter(\.$volunteerID == member.volunteerID).all()
            if let clash = rows.first(where: { ($0.leftOn ?? "9999-12-31") >= member.joinedOn && $0.joinedOn <= (member.leftOn ?? "9999-12-31") }) {
                throw AppError.field("volunteer_id", "\(name)已是本队队员（\(clash.joinedOn) 起\(clash.leftOn.map { "至 \($0)" } ?? "")），同一时间不能重复加入",
                                     status: .conflict)
            }
            try await member.create(on: db)
            audit.change(entityType: "volunteer_team_member", entityID: member.id, old: nil, new: member.auditFields)
        }
    }

    /// A membership, looked up through its team inside the caller's scope (404 outside it).
    static func findMember(_ id: UUID?, req: Request) async throws -> (VolunteerTeamMember, VolunteerTeam) {
        guard let id, let member = try await VolunteerTeamMember.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该队员记录，或不在您的管辖范围内")
        }
        return (member, try await find(member.teamID, .read, req: req))
    }

    /// Records the day a current member left: not before they joined, not after today. A member who
    /// has a leave date already is a 409, checked on the row re-read inside the serialised write.
    static func leave(_ member: VolunteerTeamMember, of team: VolunteerTeam, _ input: TeamMemberLeave, req: Request) async throws {
        try req.authorize(.update, VolunteerService.resource(team.station))
        var v = Validator()
        let left = v.day(input.leftOn, field: "left_on", label: "退出日期", notAfter: req.today)
        if (input.leftOn ?? "").trimmingCharacters(in: .whitespaces).isEmpty { v.add("left_on", "退出日期不能为空") }
        if let left, let joined = Day(member.joinedOn), left < joined { v.add("left_on", "退出日期不能早于加入日期（\(member.joinedOn)）") }
        try v.check()
        let name = try await Volunteer.find(member.volunteerID, on: req.db)?.name ?? "该队员"
        try await req.audit.transaction { db, audit in
            guard let current = try await VolunteerTeamMember.find(member.id, on: db) else { throw Abort(.notFound, reason: "未找到该队员记录") }
            if let already = current.leftOn {
                throw AppError.field("left_on", "\(name)的退出日期已登记为 \(already)，不能再次登记", status: .conflict)
            }
            let before = current.auditFields
            current.leftOn = left!.description
            try await current.save(on: db)
            audit.change(entityType: "volunteer_team_member", entityID: current.id, old: before, new: current.auditFields)
        }
    }

    static func list(station: UUID?, req: Request) async throws -> [VolunteerTeamDTO] {
        let caller = try req.requireCaller()
        guard let scope = StationScope.condition(Access.readScope(caller.assignments, VolunteerService.kind), on: req.db) else { return [] }
        var sql: SQLQueryString = "SELECT t.id FROM volunteer_teams t JOIN stations s ON s.id = t.station_id WHERE " + scope
        if let station { sql = sql + " AND t.station_id = \(bind: station)" }
        let ids = try await (req.db as! any SQLDatabase).raw(sql).all().map { try $0.decode(column: "id", as: UUID.self) }
        if ids.isEmpty { return [] }
        return try await dtos(try await VolunteerTeam.query(on: req.db).filter(\.$id ~~ ids).all(), on: req.db)
    }

    static func dtos(_ teams: [VolunteerTeam], on db: any Database) async throws -> [VolunteerTeamDTO] {
        if teams.isEmpty { return [] }
        let villages = try await VolunteerService.villageNames(Set(teams.map(\.villageID)), on: db)
        let members = try await VolunteerTeamMember.query(on: db).filter(\.$teamID ~~ teams.map { $0.id! }).sort(\.$joinedOn).all()
        let people = Set(members.map(\.volunteerID) + teams.compactMap(\.leaderID))
        let names = people.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Volunteer.query(on: db).filter(\.$id ~~ Array(people)).all().map { ($0.id!, $0.name) })
        return teams.map { t in
            VolunteerTeamDTO(id: t.id!, stationId: t.$station.id, villageId: t.villageID, villageName: villages[t.villageID] ?? "", name: t.name,
                             leaderId: t.leaderID, leaderName: t.leaderID.flatMap { names[$0] }, nationalRegistration: t.nationalRegistration,
                             members: members.filter { $0.teamID == t.id }.map { TeamMemberDTO(id: $0.id!, volunteerId: $0.volunteerID, name: names[$0.volunteerID] ?? "",
                                                                                                  joinedOn: $0.joinedOn, leftOn: $0.leftOn) },
                             createdAt: t.createdAt, updatedAt: t.updatedAt)
        }.sorted { $0.villageName < $1.villageName }
    }
}
