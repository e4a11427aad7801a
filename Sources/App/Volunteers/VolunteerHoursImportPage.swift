import Domain
import Plot
import Vapor

/// `/volunteer-hours/import`: hours from an activity's sign-in sheet (签到表, issue 11 §1), for a
/// ledger activity (`?kind=&record=`, as the hours form) or a standalone one. The upload shows every
/// row with its problems beside it; nothing is written until the user confirms, and then every row
/// is written or none (`VolunteerHoursImport`).
enum VolunteerHoursImportPage {
    struct Model {
        var kind: VolunteerActivityKind = .standalone
        var recordID: UUID?
        /// The activity's name and day, for a ledger activity.
        var activity: (name: String, on: String)?
        var stations: [(value: String, label: String)] = []
        /// The standalone activity's fields as typed (station, name, place).
        var values: [String: String] = [:]
        var errors = Validator()
        /// After an upload: the file, its rows, and what confirming it needs.
        var filename: String?
        var digest: String?
        var rows: [VolunteerHoursImport.RowDTO] = []
        /// After the confirmation: entries written and their hours.
        var imported: (count: Int, hours: Double)?

        var bad: Int { rows.filter { !$0.valid }.count }
    }

    static func query(_ req: Request) async throws -> Model {
        let caller = try req.requireCaller()
        var m = Model()
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
        } else {
            let choices = try await StationScope.stationsForCreate(caller, kind: VolunteerService.kind, on: req.db)
            guard !choices.isEmpty else { throw Abort(.forbidden, reason: "您的角色无权记录志愿服务时长") }
            m.stations = choices.map { ($0.id!.uuidString, $0.name) }
        }
        return m
    }

    static func url(_ m: Model, _ route: SiteURL) -> String {
        route.relativeURL(["kind": m.kind.rawValue, "record": m.recordID?.uuidString])
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let e = m.errors
        return Layout.page(title: "从签到表导入志愿服务时长", path: url(m, .volunteerHoursImport), caller: caller, csrf: csrf,
            .h1("从签到表导入志愿服务时长"),
            .p(.class("lead"), .plain((m.activity.map { "\(m.kind.label)：\($0.name)（\($0.on)）。" } ?? "独立开展的志愿服务活动。")
               + "签到表（.xlsx 或 .csv）第一行为表头：\(VolunteerHoursImport.columns.joined(separator: "、"))；时间写作 2025-03-01 09:30。"
               + "志愿者须已在本站登记（按身份证号查找，姓名须一致）。上传后逐行预览，确认之前不写入任何数据，确认后全部导入或全部不导入；导入的时长由本站确认后计入。")),
            .p(.a(.href(SiteURL.volunteerHoursNew.relativeURL(["kind": m.kind.rawValue, "record": m.recordID?.uuidString])), .plain("逐条记录"))),
            .if(m.imported != nil, imported(m)),
            .section(.class("card"), .id("upload"),
                .h2(m.rows.isEmpty ? "上传签到表" : "重新上传"),
                FormField.summary(e.errors),
                .form(.method(.post), .action(url(m, .volunteerHoursImport)), .enctype(.multipartData), .class("edit"), .id("upload-form"),
                    FormField.csrf(csrf),
                    .if(m.kind == .standalone, .group(
                        .if(m.stations.count > 1, FormField.select("station_id", label: "组织活动的社工站", options: [("", "请选择")] + m.stations,
                                                                   selected: m.values["station_id"], error: e.message(for: "station_id"))),
                        FormField.text("activity_name", label: "活动名称", value: m.values["activity_name"], error: e.message(for: "activity_name"), required: true))),
                    FormField.text("place", label: "服务地点", value: m.values["place"], error: e.message(for: "place")),
                    FormField.text("file", label: "签到表（.xlsx 或 .csv）", value: nil, error: e.message(for: "file"), type: .file, required: true),
                    .if(e.message(for: "record_id") != nil, .p(.class("error"), .plain(e.message(for: "record_id") ?? ""))),
                    .button(.type(.submit), .plain("上传并预览")))),
            .if(!m.rows.isEmpty, preview(m, csrf: csrf)))
    }

    private static func imported(_ m: Model) -> Node<HTML.BodyContext> {
        .div(.class("notice"), .id("imported"), .attribute(named: "role", value: "status"),
            .p(.plain("已导入 \(m.imported?.count ?? 0) 条服务时长，共 \(VolunteerFormat.hours(m.imported?.hours ?? 0))，待本站确认后计入。")),
            .unwrap(m.recordID) { .p(.a(.href(SiteURL.serviceRecord(.value($0)).relativeURL()), .plain("查看活动记录"))) })
    }

    private static func preview(_ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        .section(.class("card"), .id("preview"),
            .h2("预览：\(m.filename ?? "")"),
            .p(.id("preview-summary"), .plain("共 \(m.rows.count) 行，\(m.bad == 0 ? "全部可以导入。" : "其中 \(m.bad) 行有问题，请在表格中修改后重新上传；有问题时不会导入任何一行。")")),
            .if(m.bad == 0, .form(.method(.post), .action(url(m, .volunteerHoursImportConfirm)), .id("confirm-form"),
                FormField.csrf(csrf),
                .input(.type(.hidden), .name("digest"), .value(m.digest ?? "")),
                .forEach(["station_id", "activity_name", "place"]) { name in .input(.type(.hidden), .name(name), .value(m.values[name] ?? "")) },
                .button(.type(.submit), .plain("确认导入 \(m.rows.count) 条")))),
            .div(.class("scroll"), .table(.class("list"), .id("preview-rows"),
                .thead(.tr(.th("行号"), .th("姓名"), .th("身份证号"), .th("开始"), .th("结束"), .th("时长"), .th("问题"))),
                .tbody(.forEach(m.rows) { r in
                    .tr(.id("line-\(r.line)"), .class(r.valid ? "ok" : "bad"),
                        .td(.plain(String(r.line))), .td(.plain(r.name)), .td(.class("masked"), .plain(r.residentId)),
                        .td(.plain(VolunteerFormat.time(r.startsAt))), .td(.plain(VolunteerFormat.time(r.endsAt))),
                        .td(.plain(r.hours.map(VolunteerFormat.hours) ?? "")),
                        .td(.if(r.valid, .span(.class("badge pass"), .plain("可导入")), else:
                                .ul(.class("problems"), .forEach(r.problems) { p in
                                    .li(.class("error"), .attribute(named: "data-field", value: p.field), .plain(p.message))
                                }))))
                }))))
    }
}
