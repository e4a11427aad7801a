import Domain
import Plot
import Vapor

/// `/charity-resources`: the charity resources the caller reads (社会慈善资源库), with filters, and the
/// five-society linkage counts (R-5) of the stations in sight for the year.
enum CharityListPage {
    struct Model {
        var filter = CharityResourceService.Filter()
        var rows: [CharityResourceDTO] = []
        var paging = Paging(page: 1, per: 20, total: 0)
        var canCreate = false
        var year: Int
        var linkage: [FiveSocietyLinkage.Row] = []
    }

    static func view(_ m: Model, caller: Caller) -> HTML {
        Layout.page(title: "社会慈善资源库", path: SiteURL.charityResources.relativeURL(), caller: caller,
            .h1("社会慈善资源库"),
            .p(.class("lead"), .plain("\(RuleName.label("R-1"))、\(RuleName.label("R-5"))：接收的资金、物资、服务和场地，每次使用服务的个案、服务对象或社区活动，以及剩余。"),
               .if(m.canCreate, .a(.class("button"), .href(SiteURL.charityResourcesNew.relativeURL(["station": m.filter.station?.uuidString])), .plain("登记慈善资源")))),
            .form(.method(.get), .action(SiteURL.charityResources.relativeURL()), .class("filters"),
                .unwrap(m.filter.station) { .input(.type(.hidden), .name("station"), .value($0.uuidString)) },
                FormField.text("q", label: "捐赠方或内容", value: m.filter.q, error: nil),
                FormField.select("kind", label: "资源类别", options: [("", "全部")] + CharityKind.allCases.map { ($0.rawValue, $0.label) }, selected: m.filter.kind, error: nil),
                FormField.select("status", label: "状态", options: [("", "全部"), ("available", "可用"), ("expired", "已过期"), ("used_up", "已用完")],
                                 selected: m.filter.status, error: nil),
                .button(.type(.submit), .plain("筛选"))),
            .if(m.rows.isEmpty, .p(.class("empty"), .plain("没有慈善资源记录。"))),
            .if(!m.rows.isEmpty, .div(.class("scroll"), .table(.class("list"), .id("charity-resources"),
                .thead(.tr(.th("接收日期"), .th("捐赠方"), .th("类别"), .th("内容"), .th("数量或金额"), .th("剩余"), .th("有效期至"), .th("社工站"))),
                .tbody(.forEach(m.rows) { r in
                    .tr(.td(.plain(r.receivedOn)), .td(.plain("\(r.donorName)（\(r.donorKindLabel)）")), .td(.plain(r.kindLabel)),
                        .td(.a(.href(SiteURL.charityResource(.value(r.id)).relativeURL()), .plain(r.description))),
                        .td(.class("num"), .plain(r.valueText)), .td(.class("num"), .plain(r.remainingText)),
                        .td(.class(r.expired ? "status expired" : ""), .plain(r.expiresOn.map { r.expired ? "\($0)（已过期）" : $0 } ?? "—")),
                        .td(.plain(r.stationName)))
                })))),
            m.paging.nav { SiteURL.charityResources.relativeURL(["station": m.filter.station?.uuidString, "kind": m.filter.kind, "status": m.filter.status,
                                                                 "q": m.filter.q, "page": String($0)]) },
            .section(.class("card"), .id("linkage"),
                .h2(.plain("五社联动（\(RuleName.label("R-5"))）：\(m.year) 年")),
                .p(.plain("各站本年接收和使用的慈善资源，以及社区活动中各联动主体参与的场次。")),
                .if(m.linkage.isEmpty, .p(.class("empty"), .plain("没有可查看的社工站。"))),
                .if(!m.linkage.isEmpty, .div(.class("scroll"), .table(.class("list"),
                    .thead(.tr(.th("社工站"), .th("接收资源"), .th("使用次数"), .th("服务的个案、对象、活动"), .th("社区活动"),
                               .forEach(LinkagePartner.allCases) { .th(.plain($0.label)) })),
                    .tbody(.forEach(m.linkage) { row in
                        .tr(.td(.plain(row.stationName)), .td(.class("num"), .plain(String(row.received))), .td(.class("num"), .plain(String(row.uses))),
                            .td(.class("num"), .plain(String(row.served))), .td(.class("num"), .plain(String(row.events))),
                            .forEach(LinkagePartner.allCases) { .td(.class("num"), .plain(String(row.partners[$0] ?? 0))) })
                    }))))))
    }
}

/// `/charity-resources/new?station=…`: a resource a station received.
enum CharityNewPage {
    struct Model {
        var station: Station
        var otherStations: [Station] = []
        var values: [String: String] = [:]
        var errors = Validator()
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        Layout.page(title: "登记慈善资源", path: SiteURL.charityResourcesNew.relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain("登记慈善资源：\(m.station.name)")),
            .if(!m.otherStations.isEmpty, .p(.plain("其他站点："), .forEach(m.otherStations) { s in
                .group(.a(.href(SiteURL.charityResourcesNew.relativeURL(["station": s.id!.uuidString])), .plain(s.name)), .plain(" "))
            })),
            FormField.summary(m.errors.errors),
            .form(.method(.post), .action(SiteURL.charityResourcesNew.relativeURL(["station": m.station.id!.uuidString])), .class("edit"), .id("charity-form"),
                FormField.csrf(csrf),
                FormField.text("donor_name", label: "捐赠方", value: m.values["donor_name"], error: m.errors.message(for: "donor_name"), required: true),
                FormField.select("donor_kind", label: "捐赠方类别", options: [("", "请选择")] + DonorKind.allCases.map { ($0.rawValue, $0.label) },
                                 selected: m.values["donor_kind"], error: m.errors.message(for: "donor_kind")),
                FormField.select("kind", label: "资源类别", options: [("", "请选择")] + CharityKind.allCases.map { ($0.rawValue, $0.label) },
                                 selected: m.values["kind"], error: m.errors.message(for: "kind")),
                FormField.text("description", label: "资源内容（如：米面油慰问包、助学金、心理咨询服务）", value: m.values["description"],
                               error: m.errors.message(for: "description"), required: true),
                FormField.text("value", label: "数量或金额（资金以元计，最多两位小数）", value: m.values["value"], error: m.errors.message(for: "value")),
                FormField.text("unit", label: "计量单位（物资、服务、场地填写，如：箱、件、小时；资金留空）", value: m.values["unit"], error: m.errors.message(for: "unit")),
                FormField.text("received_on", label: "接收日期", value: m.values["received_on"], error: m.errors.message(for: "received_on"), type: .date),
                FormField.text("expires_on", label: "有效期至（可不填）", value: m.values["expires_on"], error: m.errors.message(for: "expires_on"), type: .date),
                .button(.type(.submit), .plain("登记"))))
    }
}

/// `/charity-resources/{id}`: a resource, its uses (each reversible once), and the form of a new use.
enum CharityResourcePage {
    struct Model {
        var resource: CharityResourceDTO
        var canUpdate = false
        /// The station's open cases, people and events a use may serve: `case:<id>`, `recipient:<id>`, `event:<id>`.
        var targets: [(value: String, label: String)] = []
        var values: [String: String] = [:]
        var errors = Validator()
        /// The use whose reversal was refused, with its message.
        var failedReversal: UUID?
        var reversalError: String?
        /// The correction form's values when it was refused, and why.
        var correctionValues: [String: String] = [:]
        var correctionErrors = Validator()
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let r = m.resource
        return Layout.page(title: "慈善资源：\(r.description)", path: SiteURL.charityResource(.value(r.id)).relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain("慈善资源：\(r.description)")),
            .dl(.class("facts"),
                .dt("社工站"), .dd(.plain(r.stationName)),
                .dt("捐赠方"), .dd(.plain("\(r.donorName)（\(r.donorKindLabel)）")),
                .dt("类别"), .dd(.plain(r.kindLabel)),
                .dt("数量或金额"), .dd(.plain(r.valueText)),
                .dt("剩余"), .dd(.id("remaining"), .plain(r.remainingText)),
                .dt("接收日期"), .dd(.plain(r.receivedOn)),
                .dt("有效期至"), .dd(.class(r.expired ? "status expired" : ""), .plain(r.expiresOn.map { r.expired ? "\($0)（已过期）" : $0 } ?? "长期")),
                .dt("登记人"), .dd(.plain(r.recordedByName))),
            .if(m.canUpdate, correctionForm(m, csrf: csrf)),
            .section(.class("card"), .id("uses"),
                .h2(.plain("使用记录（\(r.uses.count)）")),
                .p(.plain("使用记录不能修改：登记有误时冲正（记一条相反的记录，数量退回剩余），再重新登记。")),
                .if(r.uses.isEmpty, .p(.class("empty"), .plain("尚未使用。"))),
                .if(!r.uses.isEmpty, .div(.class("scroll"), .table(.class("list"),
                    .thead(.tr(.th("日期"), .th("数量"), .th("用途"), .th("服务于"), .th("登记人"), .th(""))),
                    .tbody(.forEach(r.uses) { u in
                        .tr(.id("use-\(u.id.uuidString)"), .td(.plain(u.on)), .td(.class("num"), .plain(u.amountText)), .td(.plain(u.purpose)),
                            .td(servedLink(u)), .td(.plain(u.recordedByName)),
                            .td(.if(u.reversed, .plain("已冲正")),
                                .if(m.canUpdate && !u.reversed && u.reversesId == nil, reversalForm(u, m, csrf: csrf))))
                    })))),
                .if(m.canUpdate && !r.expired && r.remaining > 0, useForm(m, csrf: csrf)),
                .if(m.canUpdate && r.expired, .p(.class("empty"), .plain("该资源已过期，不能再登记使用。")))))
    }

    /// The resource's record corrected; what was used is not (see `CharityResourceService.correct`).
    static func correctionForm(_ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        let r = m.resource
        let values = m.correctionValues
        let errors = m.correctionErrors
        return .details(.class("card"), .id("correction"), .if(!errors.errors.isEmpty, .attribute(named: "open", value: "open")),
            .summary("更正登记信息"),
            .p(.class("hint"), .plain("数量或金额不能少于已使用的部分，剩余随之调整；接收日期不能晚于、有效期不能早于已有的使用日期。修改记入审计日志。")),
            FormField.summary(errors.errors),
            .form(.method(.post), .action(SiteURL.charityResource(.value(r.id)).relativeURL()), .class("edit"), .id("correction-form"),
                FormField.csrf(csrf),
                FormField.text("donor_name", label: "捐赠方", value: values["donor_name"] ?? r.donorName, error: errors.message(for: "donor_name"), required: true),
                FormField.select("donor_kind", label: "捐赠方类别", options: DonorKind.allCases.map { ($0.rawValue, $0.label) },
                                 selected: values["donor_kind"] ?? r.donorKind.rawValue, error: errors.message(for: "donor_kind")),
                FormField.select("kind", label: "资源类别", options: CharityKind.allCases.map { ($0.rawValue, $0.label) },
                                 selected: values["kind"] ?? r.kind.rawValue, error: errors.message(for: "kind")),
                FormField.text("description", label: "资源内容", value: values["description"] ?? r.description, error: errors.message(for: "description"), required: true),
                FormField.text("value", label: "数量或金额（资金以元计，最多两位小数）", value: values["value"] ?? CharityAmount.text(Int64((r.value * 100).rounded())),
                               error: errors.message(for: "value")),
                FormField.text("unit", label: "计量单位（资金留空）", value: values["unit"] ?? (r.kind == .money ? "" : r.unit), error: errors.message(for: "unit")),
                FormField.text("received_on", label: "接收日期", value: values["received_on"] ?? r.receivedOn, error: errors.message(for: "received_on"), type: .date),
                FormField.text("expires_on", label: "有效期至（长期的留空）", value: values["expires_on"] ?? r.expiresOn, error: errors.message(for: "expires_on"), type: .date),
                .button(.type(.submit), .plain("保存更正"))))
    }

    static func servedLink(_ u: CharityUseDTO) -> Node<HTML.BodyContext> {
        let href: String = switch u.servedKind {
        case "case": SiteURL.serviceCase(.value(u.servedId)).relativeURL()
        case "recipient": SiteURL.recipient(.value(u.servedId)).relativeURL()
        default: SiteURL.event(.value(u.servedId)).relativeURL()
        }
        return .a(.href(href), .plain(u.servedLabel))
    }

    /// The reversal forms' field names carry the use: the page holds one per use.
    static func reasonField(_ id: UUID) -> String { "reason_" + id.uuidString.prefix(8).lowercased() }

    static func reversalForm(_ u: CharityUseDTO, _ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        let failed = m.failedReversal == u.id
        return .form(.method(.post), .action(SiteURL.charityUseReversal(.value(u.id)).relativeURL()), .class("inline"),
            FormField.csrf(csrf),
            FormField.text(reasonField(u.id), label: "冲正原因", value: nil, error: failed ? m.reversalError : nil),
            .button(.type(.submit), .plain("冲正")))
    }

    static func useForm(_ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        .form(.method(.post), .action(SiteURL.charityResourceUses(.value(m.resource.id)).relativeURL()), .class("edit"), .id("use-form"),
            FormField.csrf(csrf),
            .h3("登记使用"),
            FormField.summary(m.errors.errors),
            FormField.text("amount", label: "使用数量（\(m.resource.unit)，不超过剩余 \(m.resource.remainingText)）", value: m.values["amount"],
                           error: m.errors.message(for: "amount")),
            FormField.text("on", label: "使用日期", value: m.values["on"], error: m.errors.message(for: "on"), type: .date),
            FormField.text("purpose", label: "用途", value: m.values["purpose"], error: m.errors.message(for: "purpose")),
            FormField.select("served", label: "服务于（本站的个案、服务对象或社区活动）", options: [("", "请选择")] + m.targets, selected: m.values["served"],
                             error: m.errors.message(for: "served") ?? m.errors.message(for: "case_id") ?? m.errors.message(for: "recipient_id")
                                ?? m.errors.message(for: "event_id")),
            .button(.type(.submit), .plain("登记使用")))
    }
}

/// The resources used for a case, a recipient or an event, on its page.
enum CharityServedSection {
    static func node(_ served: [CharityResourceService.Served]) -> Node<HTML.BodyContext> {
        .section(.class("card"), .id("charity-used"),
            .h2(.plain("使用的慈善资源（\(served.count)）")),
            .if(served.isEmpty, .p(.class("empty"), .plain("没有使用慈善资源。"))),
            .ul(.forEach(served) { s in
                .li(.a(.href(SiteURL.charityResource(.value(s.resourceID)).relativeURL()), .plain("\(s.donor)：\(s.description)")),
                    .plain("，\(s.use.on) \(s.use.amountText)，\(s.use.purpose)"), .if(s.use.reversed, .plain("（已冲正）")))
            }))
    }
}
