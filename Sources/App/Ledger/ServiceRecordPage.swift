import Domain
import Plot
import Vapor

/// `/services/{id}`: one service in the ledger as it stands, who it reached, its earlier versions, and
/// for the station's workers and operator the form that corrects it (issue 10 §5).
enum ServiceRecordPage {
    struct Model {
        var record: ServiceRecordDTO
        var profile: PolicyProfile?
        var canCorrect = false
        var dateCorrectable = false
        var today = ""
        var values: [String: String] = [:]
        var errors = Validator()
        /// The volunteer hours actions for an event, session or visit (issue 11 §1), for those who record at its station.
        var volunteerHours: VolunteerHoursLinks?
    }

    static func query(_ r: ServiceRecord, req: Request) async throws -> Model {
        let caller = try req.requireCaller()
        var m = Model(record: try await ServiceCorrections.dto(r, req: req))
        m.canCorrect = caller.may(.update, StationScope.resource(r.station, .service))
        if m.canCorrect { m.profile = try await CaseService.profile(of: r.station, year: r.year, req: req) }
        m.dateCorrectable = ServiceCorrections.dateCorrectable.contains(r.kind)
        m.today = req.today.description
        if let kind = VolunteerActivityKind.allCases.first(where: { $0.serviceKinds.contains(r.kind) }),
           caller.may(.create, VolunteerService.resource(r.station)) {
            m.volunteerHours = VolunteerHoursLinks(kind: kind, record: r.id!)
        }
        let c = m.record.current
        m.values = ["version": String(c.version), "on": c.on, "minutes": String(c.minutes), "others_count": String(c.othersCount),
                    "content": c.content, "field": c.field, "item": c.item ?? "", "method": c.method.rawValue]
        return m
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let r = m.record, c = r.current
        return Layout.page(title: "服务记录", path: SiteURL.serviceRecord(.value(r.id)).relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain("\(r.kindLabel)：\(c.on)")),
            .unwrap(m.volunteerHours) { $0.node },
            .section(.class("card"), .id("record"),
                .dl(.class("facts"),
                    .dt("社工站"), .dd(.plain(r.stationName)),
                    .dt("服务对象"), .dd(r.recipients.isEmpty ? .plain("（无登记在册的服务对象）") : .group(r.recipients.enumerated().map { i, p in
                        .group(.if(i > 0, .plain("、")), .a(.href(SiteURL.recipient(.value(p.id)).relativeURL()), .plain(p.name)))
                    })),
                    .dt("其他受益人数"), .dd(.plain("\(c.othersCount) 人（服务人次 \(c.peopleCount)）")),
                    .dt("领域·内容"), .dd(.plain(c.fieldLabel + (c.itemLabel.map { "·" + $0 } ?? ""))),
                    .dt("方法"), .dd(.plain(c.methodLabel)),
                    .dt("时长"), .dd(.plain("\(c.minutes) 分钟")),
                    .dt("社工"), .dd(.plain(r.workerName)),
                    .dt("内容"), .dd(.plain(c.content)),
                    .unwrap(r.caseId) { .group(.dt("个案"), .dd(.a(.href(SiteURL.serviceCase(.value($0)).relativeURL()), .plain("查看个案")))) },
                    .dt("版本"), .dd(.class("status"), .plain(c.version == 1 ? "第 1 版（未更正）" : "第 \(c.version) 版（已更正 \(c.version - 1) 次）")))),
            .if(!r.earlier.isEmpty, .section(.class("card"), .id("versions"),
                .h2("更正记录"),
                .p(.class("lead"), .plain("服务记录不删除、不覆盖：每次更正都保留更正前的版本、更正人和原因。")),
                .div(.class("scroll"), .table(.class("list"),
                    .thead(.tr(.th("版本"), .th("日期"), .th("领域·内容"), .th("方法"), .th("时长"), .th("其他受益"), .th("内容"), .th("更正于"), .th("更正人"), .th("原因"))),
                    .tbody(.forEach(r.earlier) { v in
                        .tr(.td(.plain("第 \(v.version) 版")), .td(.plain(v.on)), .td(.plain(v.fieldLabel + (v.itemLabel.map { "·" + $0 } ?? ""))),
                            .td(.plain(v.methodLabel)), .td(.plain("\(v.minutes) 分钟")), .td(.plain("\(v.othersCount) 人")), .td(.plain(v.content)),
                            .td(.plain(v.correctedAt.map { Day($0).description } ?? "")), .td(.plain(v.correctedByName ?? "")), .td(.plain(v.reason ?? "")))
                    }))))),
            .if(m.canCorrect, correctionForm(m, csrf: csrf)))
    }

    static func correctionForm(_ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        .section(.class("card"), .id("correct"),
            .h2("更正"),
            .p(.class("lead"), .plain(m.dateCorrectable
                ? "更正后本记录成为新版本，原版本保留在更正记录中。日期只能在同一年度内更正。"
                : "更正后本记录成为新版本，原版本保留在更正记录中。\(m.record.kindLabel)的日期和方法随其个案、小组或活动，不在此更正。")),
            FormField.summary(m.errors.errors),
            .form(.method(.post), .action(SiteURL.serviceRecordCorrections(.value(m.record.id)).relativeURL()), .class("edit"), .id("correction-form"),
                FormField.csrf(csrf),
                .input(.type(.hidden), .name("version"), .value(m.values["version"] ?? "")),
                .if(m.dateCorrectable, FormField.text("on", label: "服务日期", value: m.values["on"], error: m.errors.message(for: "on"), type: .date, required: true)),
                FormField.text("minutes", label: "时长（分钟）", value: m.values["minutes"], error: m.errors.message(for: "minutes"), type: .number, required: true),
                FormField.text("others_count", label: "其他受益人数", value: m.values["others_count"], error: m.errors.message(for: "others_count"), type: .number),
                ServiceTagFields.fields(prefix: "", profile: m.profile, values: m.values, errors: m.errors),
                .if(m.dateCorrectable, FormField.select("method", label: "服务方法", options: ServiceMethod.allCases.map { ($0.rawValue, $0.label) },
                                                        selected: m.values["method"], error: m.errors.message(for: "method"))),
                FormField.textarea("content", label: "服务经过（文字记录）", value: m.values["content"], error: m.errors.message(for: "content")),
                FormField.text("reason", label: "更正原因（必填，如：时长记错、领域选错）", value: m.values["reason"], error: m.errors.message(for: "reason"), required: true),
                .button(.type(.submit), .plain("保存更正"))))
    }
}
