import Domain
import Fluent
import Plot
import Vapor

/// `/volunteer-teams`: the teams of the caller's stations, the villages still without one (R-2), and the form.
enum VolunteerTeamsPage {
    struct Model {
        var teams: [VolunteerTeamDTO] = []
        /// Per station the caller may keep: the villages without a team (R-2 not met there).
        var uncovered: [(station: String, villages: [String])] = []
        var station: Station?
        var villages: [(value: String, label: String)] = []
        var volunteers: [(value: String, label: String)] = []
        var values: [String: String] = [:]
        var errors = Validator()
    }

    static func query(_ req: Request) async throws -> Model {
        let caller = try req.requireCaller()
        var m = Model()
        m.teams = try await VolunteerTeams.list(station: try req.queryValue(UUID.self, "station"), req: req)
        let stations = try await StationScope.stationsForCreate(caller, kind: VolunteerService.kind, on: req.db)
        for s in stations {
            let villages = try await StationQueries.villages(ofStreet: s.streetID, on: req.db)
            let covered = Set(m.teams.filter { $0.stationId == s.id }.map(\.villageId))
            m.uncovered.append((s.name, villages.filter { !covered.contains($0.id) }.map(\.name)))
        }
        if stations.count == 1 {
            m.station = stations[0]
            m.villages = try await StationQueries.villages(ofStreet: stations[0].streetID, on: req.db).map { ($0.name, $0.name) }
            m.volunteers = try await Volunteer.query(on: req.db).filter(\.$station.$id == stations[0].id!).sort(\.$name).all().map { ($0.id!.uuidString, $0.name) }
        }
        return m
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        Layout.page(title: "志愿服务队", path: SiteURL.volunteerTeams.relativeURL(), caller: caller, csrf: csrf,
            .h1("志愿服务队"),
            .p(.class("lead"), .plain("每个村（社区）建有社工室或一支志愿服务队伍（\(RuleName.label("R-2"))）；队伍在中国志愿服务网注册（\(RuleName.label("R-3"))）。"),
               .a(.href(SiteURL.volunteers.relativeURL()), .plain("志愿者"))),
            .if(m.teams.isEmpty, .p(.class("empty"), .plain("尚无志愿服务队。"))),
            .if(!m.teams.isEmpty, .div(.class("scroll"), .table(.class("list"), .id("teams"),
                .thead(.tr(.th("村（社区）"), .th("服务队"), .th("队长"), .th("注册编号"), .th("队员"))),
                .tbody(.forEach(m.teams) { t in
                    .tr(.td(.plain(t.villageName)), .td(.a(.href(SiteURL.volunteerTeam(.value(t.id)).relativeURL()), .plain(t.name))),
                        .td(.plain(t.leaderName ?? "")), .td(.plain(t.nationalRegistration ?? "未注册")),
                        .td(.class("num"), .plain(String(t.members.filter { $0.leftOn == nil }.count))))
                })))),
            .forEach(m.uncovered.filter { !$0.villages.isEmpty }) { u in
                .p(.class("warning"), .plain("\(u.station)：\(u.villages.joined(separator: "、")) 尚无志愿服务队"))
            },
            .unwrap(m.station) { _ in .group(
                .h2("建立志愿服务队"),
                FormField.summary(m.errors.errors),
                .form(.method(.post), .action(SiteURL.volunteerTeams.relativeURL()), .class("edit"), .id("team-form"),
                    FormField.csrf(csrf),
                    FormField.select("village", label: "村（社区）", options: [("", "请选择")] + m.villages, selected: m.values["village"], error: m.errors.message(for: "village")),
                    FormField.text("name", label: "服务队名称", value: m.values["name"], error: m.errors.message(for: "name"), required: true),
                    FormField.select("leader_id", label: "队长", options: [("", "暂不指定")] + m.volunteers, selected: m.values["leader_id"],
                                     error: m.errors.message(for: "leader_id")),
                    FormField.text("national_registration", label: "中国志愿服务网队伍注册编号", value: m.values["national_registration"],
                                   error: m.errors.message(for: "national_registration")),
                    .button(.type(.submit), .plain("建立"))))
            })
    }
}

/// `/volunteer-teams/{id}`: a team with its members and the form that adds one.
enum VolunteerTeamPage {
    struct Model {
        var team: VolunteerTeamDTO
        var volunteers: [(value: String, label: String)] = []
        var canUpdate = false
        var values: [String: String] = [:]
        var errors = Validator()
        /// A refused leave date: the values and errors under the member's prefix (`leavePrefix`).
        var leaveValues: [String: String] = [:]
        var leaveErrors = Validator()
    }

    /// Each current member's leave form names its field after the membership.
    static func leavePrefix(_ id: UUID) -> String { "m" + id.uuidString.prefix(8).lowercased() + "_" }

    static func leaveForm(_ p: TeamMemberDTO, _ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        let name = leavePrefix(p.id) + "left_on"
        return .form(.method(.post), .action(SiteURL.volunteerTeamMember(.value(p.id)).relativeURL()), .class("inline"),
            FormField.csrf(csrf),
            FormField.text(name, label: "退出日期", value: m.leaveValues[name], error: m.leaveErrors.message(for: name), type: .date, required: true),
            .button(.type(.submit), .plain("登记退出")))
    }

    static func query(_ t: VolunteerTeam, req: Request) async throws -> Model {
        let caller = try req.requireCaller()
        var m = Model(team: try await VolunteerTeams.dtos([t], on: req.db)[0])
        m.canUpdate = caller.may(.update, VolunteerService.resource(t.station))
        if m.canUpdate {
            m.volunteers = try await Volunteer.query(on: req.db).filter(\.$station.$id == t.$station.id).sort(\.$name).all().map { ($0.id!.uuidString, $0.name) }
        }
        return m
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let t = m.team
        return Layout.page(title: "志愿服务队：\(t.name)", path: SiteURL.volunteerTeam(.value(t.id)).relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain("志愿服务队：\(t.name)")),
            .p(.class("lead"), .a(.href(SiteURL.volunteerTeams.relativeURL()), .plain("志愿服务队"))),
            .dl(.class("facts"),
                .dt("村（社区）"), .dd(.plain(t.villageName)),
                .dt("队长"), .dd(.plain(t.leaderName ?? "未指定")),
                .dt("中国志愿服务网注册编号"), .dd(.plain(t.nationalRegistration ?? "未注册"))),
            .h2("队员"),
            .if(t.members.isEmpty, .p(.class("empty"), .plain("尚无队员。"))),
            .if(!t.members.isEmpty, .table(.class("list"), .id("members"),
                .thead(.tr(.th("姓名"), .th("加入"), .th("退出"))),
                .tbody(.forEach(t.members) { p in
                    .tr(.id("member-\(p.id.uuidString)"), .td(.a(.href(SiteURL.volunteer(.value(p.volunteerId)).relativeURL()), .plain(p.name))), .td(.plain(p.joinedOn)),
                        .td(.unwrap(p.leftOn) { .plain($0) }, .if(p.leftOn == nil && m.canUpdate, leaveForm(p, m, csrf: csrf))))
                }))),
            .if(m.canUpdate, .group(
                // One summary for both forms below, above them: each error also stands beside its own field.
                FormField.summary(m.errors.errors),
                .h2("修改服务队信息"),
                .form(.method(.post), .action(SiteURL.volunteerTeam(.value(t.id)).relativeURL()), .class("edit"), .id("team-form"),
                    FormField.csrf(csrf),
                    FormField.text("name", label: "服务队名称", value: m.values["name"] ?? t.name, error: m.errors.message(for: "name"), required: true),
                    FormField.select("leader_id", label: "队长", options: [("", "不变")] + m.volunteers, selected: m.values["leader_id"] ?? t.leaderId?.uuidString,
                                     error: m.errors.message(for: "leader_id")),
                    FormField.text("national_registration", label: "中国志愿服务网注册编号（R-3；未注册留空）",
                                   value: m.values["national_registration"] ?? t.nationalRegistration, error: m.errors.message(for: "national_registration")),
                    .button(.type(.submit), .plain("保存"))),
                .h2("队员加入"),
                .form(.method(.post), .action(SiteURL.volunteerTeamMembers(.value(t.id)).relativeURL()), .class("edit"), .id("member-form"),
                    FormField.csrf(csrf),
                    FormField.select("volunteer_id", label: "志愿者", options: [("", "请选择")] + m.volunteers, selected: m.values["volunteer_id"],
                                     error: m.errors.message(for: "volunteer_id")),
                    FormField.text("joined_on", label: "加入日期", value: m.values["joined_on"], error: m.errors.message(for: "joined_on"), type: .date, required: true),
                    FormField.text("left_on", label: "退出日期（仍在队的留空）", value: m.values["left_on"], error: m.errors.message(for: "left_on"), type: .date),
                    .button(.type(.submit), .plain("加入"))))))
    }
}
