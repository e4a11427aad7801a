import Domain
import Fluent
import Plot
import Vapor

/// `/volunteer-hours/new`: the hours form, for a ledger activity (`?kind=&record=`, linked from the
/// community event, group session or visit) or a standalone volunteer activity.
enum VolunteerHoursNewPage {
    struct Model {
        var kind: VolunteerActivityKind = .standalone
        var recordID: UUID?
        /// The activity's name and day, for a ledger activity.
        var activity: (name: String, on: String)?
        var volunteers: [(value: String, label: String)] = []
        var stations: [(value: String, label: String)] = []
        var values: [String: String] = [:]
        var errors = Validator()
    }

    static func query(_ req: Request) async throws -> Model {
        let caller = try req.requireCaller()
        var m = Model()
        var stations: [UUID]
        if let raw = try req.queryValue(String.self, "kind"), !raw.isEmpty {
            guard let kind = VolunteerActivityKind(rawValue: raw) else { throw AppError.field("kind", "活动类型“\(raw)”不存在", status: .badRequest) }
            m.kind = kind
        }
        if m.kind != .standalone {
            guard let record = try req.queryValue(UUID.self, "record"),
                  let found = try await VolunteerHoursService.activity(m.kind, recordID: record, req: req) else {
                throw Abort(.notFound, reason: "未找到该活动，或不在您的管辖范围内")
            }
            try req.authorize(.create, VolunteerService.resource(found.station))
            m.recordID = record
            m.activity = (found.name, found.on)
            stations = [found.station.id]
            m.values["starts_at"] = "\(found.on)T09:00"
            m.values["ends_at"] = "\(found.on)T11:00"
        } else {
            let choices = try await StationScope.stationsForCreate(caller, kind: VolunteerService.kind, on: req.db)
            guard !choices.isEmpty else { throw Abort(.forbidden, reason: "您的角色无权记录志愿服务时长") }
            m.stations = choices.map { ($0.id!.uuidString, $0.name) }
            stations = choices.map { $0.id! }
        }
        m.volunteers = try await Volunteer.query(on: req.db).filter(\.$station.$id ~~ stations).filter(\.$status == .active)
            .sort(\.$name).all().map { ($0.id!.uuidString, $0.name) }
        m.values["volunteer_id"] = try req.queryValue(String.self, "volunteer")
        return m
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let url = SiteURL.volunteerHoursNew.relativeURL(["kind": m.kind.rawValue, "record": m.recordID?.uuidString])
        return Layout.page(title: "记录志愿服务时长", path: url, caller: caller, csrf: csrf,
            .h1("记录志愿服务时长"),
            .p(.class("lead"), .plain((m.activity.map { "\(m.kind.label)：\($0.name)（\($0.on)）。" } ?? "独立开展的志愿服务活动。")
               + "按实际服务时间记录，以 0.5 小时为单位；同一志愿者的服务时间不能重叠。记录后由本站确认，确认后计入。")),
            .p(.a(.href(SiteURL.volunteerHoursImport.relativeURL(["kind": m.kind.rawValue, "record": m.recordID?.uuidString])), .plain("从签到表导入（.xlsx 或 .csv）"))),
            FormField.summary(m.errors.errors),
            .form(.method(.post), .action(url), .class("edit"), .id("hours-form"),
                FormField.csrf(csrf),
                FormField.select("volunteer_id", label: "志愿者", options: [("", "请选择")] + m.volunteers, selected: m.values["volunteer_id"],
                                 error: m.errors.message(for: "volunteer_id")),
                .if(m.kind == .standalone, .group(
                    .if(m.stations.count > 1, FormField.select("station_id", label: "组织活动的社工站", options: m.stations, selected: m.values["station_id"],
                                                               error: m.errors.message(for: "station_id"))),
                    FormField.text("activity_name", label: "活动名称", value: m.values["activity_name"], error: m.errors.message(for: "activity_name"), required: true))),
                FormField.text("place", label: "服务地点", value: m.values["place"], error: m.errors.message(for: "place")),
                FormField.text("starts_at", label: "开始时间", value: m.values["starts_at"], error: m.errors.message(for: "starts_at"), type: .datetimeLocal, required: true),
                FormField.text("ends_at", label: "结束时间", value: m.values["ends_at"], error: m.errors.message(for: "ends_at"), type: .datetimeLocal, required: true),
                .if(m.errors.message(for: "record_id") != nil, .p(.class("error"), .plain(m.errors.message(for: "record_id") ?? ""))),
                .button(.type(.submit), .plain("记录"))))
    }
}

/// `/volunteer-hours/{id}`: one entry with its earlier versions, its confirmation and correction.
enum VolunteerHoursPage {
    struct Model {
        var entry: VolunteerHoursDTO
        var stationName: String
        var canUpdate = false
        var values: [String: String] = [:]
        var errors = Validator()
    }

    static func query(_ h: VolunteerHours, req: Request) async throws -> Model {
        let caller = try req.requireCaller()
        var m = Model(entry: try await VolunteerHoursService.dto(h, req: req), stationName: h.station.name)
        m.canUpdate = caller.may(.update, VolunteerService.resource(h.station))
        m.values = ["version": String(h.version), "starts_at": h.startsAt, "ends_at": h.endsAt, "place": h.place, "activity_name": h.activityName]
        return m
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let h = m.entry
        return Layout.page(title: "服务时长：\(h.volunteerName)", path: SiteURL.volunteerHoursEntry(.value(h.id)).relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain("服务时长：\(h.volunteerName)")),
            .p(.class("lead"), .a(.href(SiteURL.volunteer(.value(h.volunteerId)).relativeURL()), .plain("返回志愿者"))),
            .dl(.class("facts"),
                .dt("活动"), .dd(.plain("\(h.activityKindLabel)：\(h.activityName)")),
                .unwrap(h.recordId) { .group(.dt("服务台账"), .dd(.a(.href(SiteURL.serviceRecord(.value($0)).relativeURL()), .plain("查看活动记录")))) },
                .dt("组织方"), .dd(.plain(m.stationName)),
                .dt("地点"), .dd(.plain(h.place)),
                .dt("时间"), .dd(.plain("\(VolunteerFormat.time(h.startsAt)) 至 \(VolunteerFormat.time(h.endsAt))")),
                .dt("时长"), .dd(.id("entry-hours"), .plain(VolunteerFormat.hours(h.hours))),
                .dt("状态"), .dd(.class("status"), .id("entry-status"), .plain(h.statusLabel + (h.confirmedByName.map { "（\($0)）" } ?? ""))),
                .dt("记录人"), .dd(.plain(h.recordedByName)),
                .dt("版本"), .dd(.plain(h.version == 1 ? "第 1 版（未更正）" : "第 \(h.version) 版（已更正 \(h.version - 1) 次）"))),
            .if(m.canUpdate && h.status == .recorded, .form(.method(.post), .action(SiteURL.volunteerHoursConfirm(.value(h.id)).relativeURL()), .id("confirm-form"),
                FormField.csrf(csrf),
                .button(.type(.submit), .plain("确认服务时长")))),
            .if(!h.versions.isEmpty, .section(.class("card"), .id("versions"),
                .h2("更正记录"),
                .table(.class("list"),
                    .thead(.tr(.th("版本"), .th("开始"), .th("结束"), .th("时长"), .th("更正人"), .th("原因"))),
                    .tbody(.forEach(h.versions) { v in
                        .tr(.td(.plain("第 \(v.version) 版")), .td(.plain(VolunteerFormat.time(v.startsAt))), .td(.plain(VolunteerFormat.time(v.endsAt))),
                            .td(.plain(VolunteerFormat.hours(v.hours))), .td(.plain(v.correctedByName)), .td(.plain(v.reason)))
                    })))),
            .if(m.canUpdate, .section(.class("card"), .id("correct"),
                .h2("更正"),
                .p(.class("hint"), .plain("更正后成为新版本，原版本连同更正人、时间和原因保留。")),
                FormField.summary(m.errors.errors),
                .form(.method(.post), .action(SiteURL.volunteerHoursCorrections(.value(h.id)).relativeURL()), .class("edit"), .id("correction-form"),
                    FormField.csrf(csrf),
                    .input(.type(.hidden), .name("version"), .value(m.values["version"] ?? "")),
                    .if(h.activityKind == .standalone, FormField.text("activity_name", label: "活动名称", value: m.values["activity_name"],
                                                                      error: m.errors.message(for: "activity_name"))),
                    FormField.text("place", label: "服务地点", value: m.values["place"], error: m.errors.message(for: "place")),
                    FormField.text("starts_at", label: "开始时间", value: m.values["starts_at"], error: m.errors.message(for: "starts_at"), type: .datetimeLocal),
                    FormField.text("ends_at", label: "结束时间", value: m.values["ends_at"], error: m.errors.message(for: "ends_at"), type: .datetimeLocal),
                    FormField.text("reason", label: "更正原因", value: m.values["reason"], error: m.errors.message(for: "reason"), required: true),
                    .if(m.errors.message(for: "version") != nil, .p(.class("error"), .plain(m.errors.message(for: "version") ?? ""))),
                    .button(.type(.submit), .plain("保存更正"))))))
    }
}
