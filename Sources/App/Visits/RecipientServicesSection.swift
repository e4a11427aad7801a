import Domain
import Plot
import Vapor

/// The part of a recipient's page that shows what the ledger holds for them (every service, their
/// cases) and the visit form (issue 10 §3, §5: "the recipient timeline now showing every service").
enum RecipientServicesSection {
    struct Line {
        var id: UUID
        var version: Int
        var on: String
        var kindLabel: String
        var methodLabel: String
        var fieldLabel: String
        var minutes: Int
        var workerName: String
        var content: String
        var caseID: UUID?
    }

    struct Model {
        var lines: [Line] = []
        var cases: [(id: UUID, number: String, stage: CaseStage, openedOn: String)] = []
        var canRecordVisit = false
        var canOpenCase = false
        var canReadCases = false
        var profile: PolicyProfile?
        /// The station's featured projects of this year (V-3), offered on the visit form.
        var featuredProjects: [(value: String, label: String)] = []
        var visitValues: [String: String] = [:]
        var visitErrors = Validator()
    }

    static func load(_ r: Recipient, station: Station, caller: Caller, req: Request) async throws -> Model {
        var m = Model()
        let profile = try await CaseService.profile(of: station, year: req.today.year, req: req)
        m.profile = profile
        guard let scope = StationScope.condition(Access.readScope(caller.assignments, .service), on: req.db) else { return m }
        m.lines = try await Ledger.lines(recipient: r.id!, scope: scope, on: req.db).map {
            Line(id: $0.id, version: $0.version, on: $0.servedOn, kindLabel: $0.kind.label, methodLabel: $0.method.label,
                 fieldLabel: (profile.serviceField($0.field)?.label ?? $0.field) + ($0.item.map { "·" + (profile.serviceItem($0)?.label ?? $0) } ?? "")
                     + ($0.featuredProject.map { "·特色项目：" + $0 } ?? ""),
                 minutes: $0.minutes, workerName: $0.workerName, content: $0.content, caseID: $0.caseID)
        }
        if let cases = try await CaseQueries.scope(caller, today: req.today, on: req.db) {
            m.canReadCases = true
            m.cases = try await CaseQueries.cases(of: r.id!, scope: cases, on: req.db)
        }
        let active = r.status == .active && r.mergedIntoID == nil
        m.canRecordVisit = active && caller.may(.create, StationScope.resource(station, .service))
        if m.canRecordVisit { m.featuredProjects = try await FeaturedProjectService.choices(station, year: req.today.year, profile: profile, on: req.db) }
        m.canOpenCase = active && caller.may(.create, CaseService.resource(station))
        return m
    }

    static func view(_ m: Model, recipient id: UUID, csrf: String) -> Node<HTML.BodyContext> {
        .section(.class("card"), .id("services"),
            .h2("服务记录"),
            .if(m.canReadCases, .group(
                .h3("个案"),
                .if(m.cases.isEmpty, .p(.class("empty"), .plain("尚无个案。"))),
                .if(!m.cases.isEmpty, .ul(.forEach(m.cases) { c in
                    .li(.a(.href(SiteURL.serviceCase(.value(c.id)).relativeURL()), .plain("个案 \(c.number)")), .plain("（\(c.stage.label)，\(c.openedOn) 接案）"))
                })),
                .if(m.canOpenCase, .p(.a(.class("button"), .href(SiteURL.casesNew.relativeURL(["recipient": id.uuidString])), .plain("为其开案")))))),
            .if(m.canRecordVisit, .p(.a(.href(SiteURL.referralsNew.relativeURL(["recipient": id.uuidString])), .plain("转介到街道部门、其他机构或社工站")),
                                     .plain(" · "), .a(.href(SiteURL.assistanceNew.relativeURL(["recipient": id.uuidString])), .plain("登记社会救助求助")))),
            .h3("服务台账"),
            .if(m.lines.isEmpty, .p(.class("empty"), .plain("尚无服务记录。"))),
            .if(!m.lines.isEmpty, .div(.class("scroll"), .table(.class("list"), .id("service-lines"),
                .thead(.tr(.th("日期"), .th("服务"), .th("方法"), .th("领域·内容"), .th("时长"), .th("社工"), .th("内容"), .th("记录"))),
                .tbody(.forEach(m.lines) { l in
                    .tr(.td(.plain(l.on)),
                        .td(l.caseID.map { .a(.href(SiteURL.serviceCase(.value($0)).relativeURL()), .plain(l.kindLabel)) } ?? .plain(l.kindLabel)),
                        .td(.plain(l.methodLabel)), .td(.plain(l.fieldLabel)), .td(.plain("\(l.minutes) 分钟")), .td(.plain(l.workerName)), .td(.plain(l.content)),
                        .td(.a(.href(SiteURL.serviceRecord(.value(l.id)).relativeURL()), .plain(l.version > 1 ? "已更正（第 \(l.version) 版）" : "详情"))))
                })))),
            .if(m.canRecordVisit, .group(
                .h3("记录家访或电访"),
                FormField.summary(m.visitErrors.errors),
                .form(.method(.post), .action(SiteURL.recipientVisits(.value(id)).relativeURL()), .class("edit"), .id("visit-form"),
                    FormField.csrf(csrf),
                    FormField.select("visit_kind", label: "走访方式", options: VisitKind.allCases.map { ($0.rawValue, $0.label) },
                                     selected: m.visitValues["visit_kind"], error: m.visitErrors.message(for: "visit_kind")),
                    FormField.text("visit_on", label: "走访日期", value: m.visitValues["visit_on"], error: m.visitErrors.message(for: "visit_on"),
                                   type: .date, required: true),
                    FormField.text("visit_minutes", label: "时长（分钟）", value: m.visitValues["visit_minutes"],
                                   error: m.visitErrors.message(for: "visit_minutes"), type: .number, required: true),
                    ServiceTagFields.fields(prefix: "visit_", profile: m.profile, featured: m.featuredProjects, values: m.visitValues, errors: m.visitErrors),
                    FormField.textarea("visit_content", label: "走访内容", value: m.visitValues["visit_content"], error: m.visitErrors.message(for: "visit_content")),
                    FormField.textarea("visit_findings", label: "发现的情况", value: m.visitValues["visit_findings"], error: m.visitErrors.message(for: "visit_findings")),
                    FormField.checkbox("visit_follow_up", label: "需要跟进", checked: m.visitValues["visit_follow_up"] != nil),
                    .button(.type(.submit), .plain("保存走访记录"))))))
    }
}

/// The field and catalogue item of a service, as a form asks for them (V-1, V-2, V-3): items are
/// grouped under their field; the server checks that they go together. Where the station has
/// featured projects of the year (`featured`), one may be chosen instead of an item.
enum ServiceTagFields {
    static func fields(prefix: String, profile: PolicyProfile?, featured: [(value: String, label: String)] = [], values: [String: String],
                       errors: Validator) -> Node<HTML.FormContext> {
        let fields = profile?.serviceFields ?? []
        let items = profile?.serviceItems ?? []
        let general = items.filter { $0.field == nil }
        var groups: [(label: String, options: [(value: String, label: String)])] = [("", [("", items.isEmpty ? "（本市服务目录未列项目）" : "请选择")])]
        if !general.isEmpty { groups.append(("服务内容（各领域通用）", general.map { ($0.code, $0.label) })) }
        for f in fields {
            let own = items.filter { $0.field == f.code }
            if !own.isEmpty { groups.append((f.label, own.map { ($0.code, $0.label) })) }
        }
        return .group(
            FormField.select(prefix + "field", label: "服务领域", options: [("", "请选择")] + fields.map { ($0.code, $0.label) },
                             selected: values[prefix + "field"], error: errors.message(for: prefix + "field")),
            FormField.groupedSelect(prefix + "item", label: "服务内容（服务目录项目）", groups: groups,
                                    selected: values[prefix + "item"], error: errors.message(for: prefix + "item")),
            .if(!featured.isEmpty, FormField.select(prefix + "featured_project_id", label: "或记入本站特色项目（选择后服务内容留空，服务领域可不选）",
                                                    options: [("", "不记入特色项目")] + featured, selected: values[prefix + "featured_project_id"],
                                                    error: errors.message(for: prefix + "featured_project_id"))))
    }
}
