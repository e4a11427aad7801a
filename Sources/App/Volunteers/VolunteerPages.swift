import Domain
import Fluent
import Plot
import Vapor

/// `/volunteers`: the volunteer library of the caller's stations, and the registration form.
enum VolunteerListPage {
    struct Model {
        var items: [VolunteerDTO] = []
        var paging = Paging(page: 1, per: 50, total: 0)
        var station: UUID?
        var personalData: Access.PersonalData = .masked
        var q = ""
        /// Where the caller may register volunteers; the villages when there is only one station.
        var stations: [(value: String, label: String)] = []
        var villages: [(value: String, label: String)] = []
        var values: [String: String] = [:]
        var errors = Validator()
    }

    static func query(_ req: Request) async throws -> Model {
        let caller = try req.requireCaller()
        var m = Model()
        m.q = try req.queryValue(String.self, "q") ?? ""
        m.station = try req.queryValue(UUID.self, "station")
        (m.items, m.paging) = try await VolunteerService.list(station: m.station, query: m.q, page: try req.queryValue(Int.self, "page"), per: 50, req: req)
        m.personalData = Access.personalDataInLists(caller.assignments)
        let stations = try await StationScope.stationsForCreate(caller, kind: VolunteerService.kind, on: req.db)
        m.stations = stations.map { ($0.id!.uuidString, $0.name) }
        if stations.count == 1 {
            m.villages = try await StationQueries.villages(ofStreet: stations[0].streetID, on: req.db).map { ($0.name, $0.name) }
        }
        return m
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        Layout.page(title: "志愿者", path: SiteURL.volunteers.relativeURL(), caller: caller, csrf: csrf,
            .h1("志愿服务资源库"),
            .p(.class("lead"), .plain("社工站的志愿者（\(RuleName.label("R-1"))）：身份证号和电话加密保存" + (m.personalData == .hidden ? "，您的角色不查看。" : "、列表中脱敏显示。")),
               .a(.href(SiteURL.volunteerTeams.relativeURL()), .plain("志愿服务队（每个村（社区）一支）"))),
            .form(.method(.get), .action(SiteURL.volunteers.relativeURL()), .class("filters"),
                .unwrap(m.station) { .input(.type(.hidden), .name("station"), .value($0.uuidString)) },
                FormField.text("q", label: "姓名", value: m.q, error: nil),
                .button(.type(.submit), .plain("查找"))),
            .if(m.items.isEmpty, .p(.class("empty"), .plain("尚无志愿者。"))),
            .if(!m.items.isEmpty, .div(.class("scroll"), .table(.class("list"), .id("volunteers"),
                .thead(.tr(.th("姓名"), .th("社工站"), .th("村（社区）"), .if(m.personalData != .hidden, .group(.th("身份证号"), .th("电话"))),
                           .th("技能特长"), .th("全国志愿服务信息系统注册"), .th("状态"), .th("已确认时长"))),
                .tbody(.forEach(m.items) { v in
                    .tr(.td(.a(.href(SiteURL.volunteer(.value(v.id)).relativeURL()), .plain(v.name))), .td(.plain(v.stationName)), .td(.plain(v.villageName)),
                        .if(m.personalData != .hidden, .group(.td(.class("masked"), .plain(v.residentId ?? "")), .td(.class("masked"), .plain(v.phone ?? "")))),
                        .td(.plain(v.skills)), .td(.plain(v.nationalRegistration ?? "未注册")), .td(.plain(v.statusLabel)),
                        .td(.class("num"), .plain(VolunteerFormat.hours(v.confirmedHours))))
                })))),
            m.paging.nav { SiteURL.volunteers.relativeURL(["station": m.station?.uuidString, "q": m.q.isEmpty ? nil : m.q, "page": String($0)]) },
            .if(!m.stations.isEmpty, .group(
                .h2("登记志愿者"),
                FormField.summary(m.errors.errors),
                .form(.method(.post), .action(SiteURL.volunteers.relativeURL()), .class("edit"), .id("volunteer-form"),
                    FormField.csrf(csrf),
                    .if(m.stations.count > 1, FormField.select("station_id", label: "社工站", options: m.stations, selected: m.values["station_id"],
                                                               error: m.errors.message(for: "station_id"))),
                    FormField.text("name", label: "姓名", value: m.values["name"], error: m.errors.message(for: "name"), required: true),
                    FormField.text("resident_id", label: "身份证号", value: m.values["resident_id"], error: m.errors.message(for: "resident_id"), required: true),
                    FormField.text("phone", label: "联系电话", value: m.values["phone"], error: m.errors.message(for: "phone"), type: .tel),
                    m.villages.isEmpty
                        ? FormField.text("village", label: "所在村（社区）", value: m.values["village"], error: m.errors.message(for: "village"), required: true)
                        : FormField.select("village", label: "所在村（社区）", options: [("", "请选择")] + m.villages, selected: m.values["village"],
                                           error: m.errors.message(for: "village")),
                    FormField.text("skills", label: "技能特长", value: m.values["skills"], error: m.errors.message(for: "skills")),
                    FormField.text("availability", label: "可服务时间", value: m.values["availability"], error: m.errors.message(for: "availability")),
                    FormField.text("national_registration", label: "全国志愿服务信息系统注册编号（未注册的留空）", value: m.values["national_registration"],
                                   error: m.errors.message(for: "national_registration")),
                    .button(.type(.submit), .plain("登记"))))))
    }
}

enum VolunteerFormat {
    /// 2.5 小时
    static func hours(_ h: Double) -> String {
        (h == h.rounded() ? String(Int(h)) : String(h)) + " 小时"
    }

    static func points(_ p: Double) -> String { p == p.rounded() ? String(Int(p)) : String(p) }

    /// `2025-03-01T09:30` as `2025-03-01 09:30`.
    static func time(_ t: String) -> String { t.replacingOccurrences(of: "T", with: " ") }
}

/// `/volunteers/{id}`: one volunteer with their hours and, for the station's workers, the reveal form.
enum VolunteerPage {
    struct Model {
        var volunteer: VolunteerDTO
        var hours: VolunteerHoursList
        var personalData: Access.PersonalData
        var canRecord = false
        /// The station's workers and operator change status, skills, availability and registration.
        var canUpdate = false
        var editValues: [String: String] = [:]
        var editErrors = Validator()
        var revealed: (field: String, value: String?)?
        var revealValues: [String: String] = [:]
        var revealErrors = Validator()
        /// R-4: the points account, or why there is none (the city's profile has no points).
        var points: PointsAccount?
        var pointsNote: String?
        var rewards: [RewardDTO] = []
        var redeemValues: [String: String] = [:]
        var redeemErrors = Validator()
        /// A refused cancellation: the values and errors under the redemption's prefix (`cancelPrefix`).
        var cancelValues: [String: String] = [:]
        var cancelErrors = Validator()
    }

    /// The cancellation forms' field names carry the redemption: the page holds one per redemption.
    static func cancelPrefix(_ id: UUID) -> String { "x" + id.uuidString.prefix(8).lowercased() + "_" }

    static func query(_ v: Volunteer, req: Request) async throws -> Model {
        let caller = try req.requireCaller()
        let resource = VolunteerService.resource(v.station)
        var m = Model(volunteer: try await VolunteerService.dto(v, req: req), hours: try await VolunteerHoursService.list(volunteer: v, req: req),
                      personalData: Access.personalData(caller.assignments, resource) ?? .hidden)
        m.canRecord = caller.may(.create, resource)
        m.canUpdate = caller.may(.update, resource)
        do {
            m.points = try await VolunteerPoints.account(v, req: req)
            if caller.may(.update, resource) { m.rewards = try await VolunteerPoints.rewards(v.station, req: req).items.filter { $0.stock > 0 } }
        } catch let error as AppError {
            m.pointsNote = error.fieldErrors.first?.message
        }
        return m
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let v = m.volunteer
        return Layout.page(title: "志愿者：\(v.name)", path: SiteURL.volunteer(.value(v.id)).relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain("志愿者：\(v.name)")),
            .p(.class("lead"), .a(.href(SiteURL.volunteers.relativeURL()), .plain("志愿服务资源库")),
               .a(.href(SiteURL.volunteerRecord(.value(v.id)).relativeURL()), .plain("志愿服务记录（可打印、下载 PDF）")),
               .if(m.canRecord, .a(.class("button"), .href(SiteURL.volunteerHoursNew.relativeURL(["volunteer": v.id.uuidString])), .plain("记录服务时长")))),
            .dl(.class("facts"),
                .dt("社工站"), .dd(.plain(v.stationName)),
                .dt("村（社区）"), .dd(.plain(v.villageName)),
                .if(m.personalData != .hidden, .group(.dt("身份证号"), .dd(.class("masked"), .id("resident-id"), .plain(v.residentId ?? "")),
                                                    .dt("联系电话"), .dd(.class("masked"), .plain(v.phone ?? "未登记")))),
                .dt("技能特长"), .dd(.plain(v.skills)),
                .dt("可服务时间"), .dd(.plain(v.availability)),
                .dt("全国志愿服务信息系统注册编号"), .dd(.plain(v.nationalRegistration ?? "未注册")),
                .dt("状态"), .dd(.plain(v.statusLabel)),
                .dt("已确认服务时长"), .dd(.id("confirmed-hours"), .plain(VolunteerFormat.hours(v.confirmedHours))),
                .unwrap(v.recipientId) { .group(.dt("服务对象"), .dd(.a(.href(SiteURL.recipient(.value($0)).relativeURL()), .plain("同一人在服务对象库中的记录")))) }),
            .unwrap(m.revealed) { r in .p(.class("notice"), .id("revealed"), .plain("完整\(r.field == "phone" ? "电话" : "身份证号")：\(r.value ?? "未登记")（已记入审计日志）")) },
            .if(m.canUpdate, .section(.class("card"),
                .h2("修改志愿者信息"),
                FormField.summary(m.editErrors.errors),
                .form(.method(.post), .action(SiteURL.volunteer(.value(v.id)).relativeURL()), .class("edit"), .id("volunteer-form"),
                    FormField.csrf(csrf),
                    FormField.select("status", label: "状态", options: VolunteerStatus.allCases.map { ($0.rawValue, $0.label) },
                                     selected: m.editValues["status"] ?? v.status.rawValue, error: m.editErrors.message(for: "status")),
                    FormField.text("skills", label: "技能特长", value: m.editValues["skills"] ?? v.skills, error: m.editErrors.message(for: "skills")),
                    FormField.text("availability", label: "可服务时间", value: m.editValues["availability"] ?? v.availability,
                                   error: m.editErrors.message(for: "availability")),
                    FormField.text("national_registration", label: "全国志愿服务信息系统注册编号（R-3；未注册留空）",
                                   value: m.editValues["national_registration"] ?? v.nationalRegistration, error: m.editErrors.message(for: "national_registration")),
                    .button(.type(.submit), .plain("保存"))))),
            .if(m.personalData == .revealable, .section(.class("card"),
                .h2("查看完整号码"),
                FormField.summary(m.revealErrors.errors),
                .form(.method(.post), .action(SiteURL.volunteerReveal(.value(v.id)).relativeURL()), .class("edit"), .id("reveal-form"),
                    FormField.csrf(csrf),
                    FormField.select("field", label: "字段", options: [("resident_id", "身份证号"), ("phone", "联系电话")], selected: m.revealValues["field"],
                                     error: m.revealErrors.message(for: "field")),
                    FormField.text("reason", label: "查看原因（记入审计日志）", value: m.revealValues["reason"], error: m.revealErrors.message(for: "reason"), required: true),
                    .button(.type(.submit), .plain("查看"))))),
            .section(.class("card"), .id("hours"),
                .h2("服务时长"),
                .p(.class("hint"), .plain("谁组织谁记录：由活动所属社工站记录并确认；只有已确认的时长计入。")),
                .if(m.hours.items.isEmpty, .p(.class("empty"), .plain("尚无服务时长记录。"))),
                .if(!m.hours.items.isEmpty, .div(.class("scroll"), .table(.class("list"), .id("hours-list"),
                    .thead(.tr(.th("活动"), .th("类型"), .th("开始"), .th("结束"), .th("时长"), .th("状态"), .th("版本"))),
                    .tbody(.forEach(m.hours.items) { h in
                        .tr(.td(.a(.href(SiteURL.volunteerHoursEntry(.value(h.id)).relativeURL()), .plain(h.activityName))), .td(.plain(h.activityKindLabel)),
                            .td(.plain(VolunteerFormat.time(h.startsAt))), .td(.plain(VolunteerFormat.time(h.endsAt))),
                            .td(.class("num"), .plain(VolunteerFormat.hours(h.hours))), .td(.class("status"), .plain(h.statusLabel)),
                            .td(.plain("第 \(h.version) 版")))
                    }))))),
            pointsSection(m, csrf: csrf))
    }

    static func pointsSection(_ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        .section(.class("card"), .id("points"),
            .h2("积分（\(RuleName.label("R-4"))）"),
            .unwrap(m.pointsNote) { .p(.class("hint"), .plain($0)) },
            .unwrap(m.points) { account in .group(
                .p(.plain("积分余额："), .strong(.id("points-balance"), .plain("\(account.balance) 分")),
                   .a(.href(SiteURL.stationRewards(.value(m.volunteer.stationId)).relativeURL()), .plain("奖励目录"))),
                .if(!account.entries.isEmpty, .table(.class("list"), .id("points-entries"),
                    .thead(.tr(.th("时间"), .th("类型"), .th("说明"), .th("积分"))),
                    .tbody(.forEach(account.entries) { e in
                        .tr(.td(.plain(e.createdAt.map { Day($0).description } ?? "")), .td(.plain(e.kindLabel)), .td(.plain(e.note)),
                            .td(.class("num"), .plain(e.delta > 0 ? "+\(e.delta)" : String(e.delta))))
                    }))),
                .if(!account.redemptions.isEmpty, .group(
                    .h3("兑换记录"),
                    .table(.class("list"), .id("redemptions"),
                        .thead(.tr(.th("日期"), .th("奖励"), .th("数量"), .th("积分"), .th("登记人"), .th(""))),
                        .tbody(.forEach(account.redemptions) { r in
                            .tr(.id("redemption-\(r.id.uuidString)"), .td(.plain(r.redeemedOn)), .td(.plain(r.rewardName)), .td(.class("num"), .plain(String(r.quantity))),
                                .td(.class("num"), .plain(String(r.points))), .td(.plain(r.recordedByName)),
                                .td(.if(r.cancelled, .plain("已撤销")), .if(m.canUpdate && !r.cancelled, cancelForm(r, m, csrf: csrf))))
                        })))),
                .if(!m.rewards.isEmpty, .group(
                    FormField.summary(m.redeemErrors.errors),
                    .form(.method(.post), .action(SiteURL.volunteerRedemptions(.value(m.volunteer.id)).relativeURL()), .class("edit"), .id("redeem-form"),
                        FormField.csrf(csrf),
                        FormField.select("reward_id", label: "兑换奖励", options: [("", "请选择")] + m.rewards.map { ($0.id.uuidString, "\($0.name)（\($0.points) 分，库存 \($0.stock)）") },
                                         selected: m.redeemValues["reward_id"], error: m.redeemErrors.message(for: "reward_id")),
                        FormField.text("quantity", label: "数量", value: m.redeemValues["quantity"] ?? "1", error: m.redeemErrors.message(for: "quantity"), type: .number),
                        .button(.type(.submit), .plain("兑换"))))))
            })
    }
}

extension VolunteerPage {
    /// A mistaken redemption reversed: the points back to the balance, the items back to the stock.
    static func cancelForm(_ r: RedemptionDTO, _ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        let name = cancelPrefix(r.id) + "reason"
        return .form(.method(.post), .action(SiteURL.volunteerRedemptionCancellation(.value(r.id)).relativeURL()), .class("inline"),
            FormField.csrf(csrf),
            FormField.text(name, label: "撤销原因", value: m.cancelValues[name], error: m.cancelErrors.message(for: name)),
            .button(.type(.submit), .plain("撤销兑换")))
    }
}

/// `/stations/{id}/rewards`: a station's reward catalogue (以服务换福利, R-4) and the form that adds one.
/// A city whose profile has no R-4 points gets a 422 naming the rule.
enum RewardsPage {
    struct Model {
        var list: RewardList
        var canCreate = false
        /// The station's workers restock a reward and change its price from now on.
        var canUpdate = false
        var values: [String: String] = [:]
        var errors = Validator()
        /// A refused restock: the values and errors under the reward's prefix (`prefix`).
        var changeValues: [String: String] = [:]
        var changeErrors = Validator()
    }

    /// Each reward's form names its fields after the reward: the page holds one per reward.
    static func prefix(_ id: UUID) -> String { "r" + id.uuidString.prefix(8).lowercased() + "_" }

    static func query(_ station: Station, req: Request) async throws -> Model {
        let caller = try req.requireCaller()
        var m = Model(list: try await VolunteerPoints.rewards(station, req: req))
        m.canCreate = caller.may(.create, VolunteerService.resource(station))
        m.canUpdate = caller.may(.update, VolunteerService.resource(station))
        return m
    }

    /// Adds stock (the stock shown is sent along: a second click is refused) or sets the price from now on.
    static func changeForm(_ r: RewardDTO, _ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        let p = prefix(r.id)
        return .form(.method(.post), .action(SiteURL.volunteerReward(.value(r.id)).relativeURL()), .class("inline"),
            FormField.csrf(csrf),
            .input(.type(.hidden), .name(p + "stock_was"), .value(String(r.stock))),
            FormField.text(p + "add_stock", label: "补充库存", value: m.changeValues[p + "add_stock"], error: m.changeErrors.message(for: p + "add_stock"), type: .number),
            FormField.text(p + "points", label: "所需积分（此后兑换）", value: m.changeValues[p + "points"] ?? String(r.points),
                           error: m.changeErrors.message(for: p + "points"), type: .number),
            .button(.type(.submit), .plain("保存")))
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let l = m.list
        let url = SiteURL.stationRewards(.value(l.stationId)).relativeURL()
        return Layout.page(title: "\(l.stationName) 积分兑换奖励", path: url, caller: caller, csrf: csrf,
            .h1(.plain("\(l.stationName) 积分兑换奖励")),
            .p(.class("lead"), .plain("以服务换积分、以服务换福利（\(RuleName.label("R-4"))）：已确认的服务时长每小时 \(VolunteerFormat.points(l.pointsPerHour)) 分。")),
            .if(l.items.isEmpty, .p(.class("empty"), .plain("尚无奖励。"))),
            .if(!l.items.isEmpty, .table(.class("list"), .id("rewards"),
                .thead(.tr(.th("奖励"), .th("所需积分"), .th("库存"), .if(m.canUpdate, .th("补充库存、调整积分")))),
                .tbody(.forEach(l.items) { r in
                    .tr(.id("reward-\(r.id.uuidString)"), .td(.plain(r.name)), .td(.class("num"), .plain(String(r.points))), .td(.class("num"), .plain(String(r.stock))),
                        .if(m.canUpdate, .td(changeForm(r, m, csrf: csrf))))
                }))),
            .if(m.canCreate, .group(
                .h2("新增奖励"),
                FormField.summary(m.errors.errors),
                .form(.method(.post), .action(url), .class("edit"), .id("reward-form"),
                    FormField.csrf(csrf),
                    FormField.text("name", label: "奖励名称", value: m.values["name"], error: m.errors.message(for: "name"), required: true),
                    FormField.text("points", label: "所需积分", value: m.values["points"], error: m.errors.message(for: "points"), type: .number, required: true),
                    FormField.text("stock", label: "库存数量", value: m.values["stock"], error: m.errors.message(for: "stock"), type: .number, required: true),
                    .button(.type(.submit), .plain("新增"))))))
    }
}
