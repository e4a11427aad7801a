import Domain
import Plot
import Vapor

/// `/assistance`: the social-assistance requests (V-10) the caller reads, newest first, each open one
/// with the form of its outcome where the caller keeps it.
enum AssistanceListPage {
    struct Model {
        var filter = AssistanceService.Filter()
        var rows: [AssistanceDTO] = []
        var paging = Paging(page: 1, per: 20, total: 0)
        /// The stations whose requests the caller keeps (may close).
        var keeps: Set<UUID> = []
        var today = ""
        var failed: UUID?
        var values: [String: String] = [:]
        var errors = Validator()
    }

    /// The outcome form's field names carry the request: the page holds one per open request.
    static func prefix(_ id: UUID) -> String { "a" + id.uuidString.prefix(8).lowercased() + "_" }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        Layout.page(title: "社会救助协助", path: SiteURL.assistance.relativeURL(), caller: caller, csrf: csrf,
            .h1("社会救助协助"),
            .p(.class("lead"), .plain("\(RuleName.label("V-10"))：" + AssistanceSituation.allCases.map(\.label).joined(separator: "；") + "。在服务对象页面登记求助。")),
            .form(.method(.get), .action(SiteURL.assistance.relativeURL()), .class("filters"),
                .unwrap(m.filter.station) { .input(.type(.hidden), .name("station"), .value($0.uuidString)) },
                FormField.select("status", label: "状态", options: [("", "全部"), ("open", "办理中"), ("closed", "已办结")], selected: m.filter.status, error: nil),
                .button(.type(.submit), .plain("筛选"))),
            .if(m.rows.isEmpty, .p(.class("empty"), .plain("没有救助协助记录。"))),
            .forEach(m.rows) { a in
                .section(.class("card"), .id("assistance-\(a.id.uuidString)"),
                    .h2(.plain("\(a.recipientName)：\(a.situationLabel)")),
                    .dl(.class("facts"),
                        .dt("求助"), .dd(.plain("\(a.requestedOn)，\(a.need)")),
                        .dt("本站所做"), .dd(.plain(a.action)),
                        .if(!a.policies.isEmpty, .group(.dt("适用政策"), .dd(PolicyRefs.node(a.policies)))),
                        .dt("社工站"), .dd(.plain("\(a.stationName)，\(a.recordedByName)")),
                        .dt("结果"), .dd(.class("status"), .plain(a.closedOn.map { "\($0) 办结：\(a.outcome ?? "")" } ?? "办理中"))),
                    .if(a.closedOn == nil && m.keeps.contains(a.stationId), outcomeForm(a, m, csrf: csrf)))
            },
            m.paging.nav { SiteURL.assistance.relativeURL(["station": m.filter.station?.uuidString, "status": m.filter.status, "page": String($0)]) })
    }

    static func outcomeForm(_ a: AssistanceDTO, _ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        let p = prefix(a.id)
        let mine = m.failed == a.id
        let errors = mine ? m.errors : Validator()
        let values = mine ? m.values : [p + "on": m.today]
        return .form(.method(.post), .action(SiteURL.assistanceOutcome(.value(a.id)).relativeURL()), .class("edit"),
            FormField.csrf(csrf),
            .if(mine, FormField.summary(errors.errors)),
            FormField.text(p + "on", label: "办结日期", value: values[p + "on"], error: errors.message(for: p + "on"), type: .date),
            FormField.textarea(p + "outcome", label: "结果（如：低保已获批、已转残联办理、已链接慈善资金）", value: values[p + "outcome"],
                               error: errors.message(for: p + "outcome")),
            .button(.type(.submit), .plain("办结")))
    }
}

/// `/assistance/new?recipient=…`: a person's request for social assistance.
enum AssistanceNewPage {
    struct Model {
        var recipientID: UUID
        var recipientName: String
        var cases: [(value: String, label: String)] = []
        /// The in-force policies of the library the form offers (V-10).
        var policyChoices: [(id: UUID, label: String)] = []
        var values: [String: String] = [:]
        var errors = Validator()
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        Layout.page(title: "登记救助求助：\(m.recipientName)", path: SiteURL.assistanceNew.relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain("登记救助求助：\(m.recipientName)")),
            FormField.summary(m.errors.errors),
            .form(.method(.post), .action(SiteURL.assistanceNew.relativeURL(["recipient": m.recipientID.uuidString])), .class("edit"), .id("assistance-form"),
                FormField.csrf(csrf),
                FormField.select("situation", label: "属于哪种情形（\(RuleName.label("V-10"))）",
                                 options: [("", "请选择")] + AssistanceSituation.allCases.map { ($0.rawValue, $0.label) },
                                 selected: m.values["situation"], error: m.errors.message(for: "situation")),
                FormField.text("on", label: "求助日期", value: m.values["on"], error: m.errors.message(for: "on"), type: .date),
                FormField.textarea("need", label: "求助事项", value: m.values["need"], error: m.errors.message(for: "need")),
                FormField.textarea("action", label: "本站所做的工作（协助申请、政策解释、链接的资源）", value: m.values["action"], error: m.errors.message(for: "action")),
                .if(!m.cases.isEmpty, FormField.select("case_id", label: "相关个案（可不选）", options: [("", "无")] + m.cases, selected: m.values["case_id"],
                                                       error: m.errors.message(for: "case_id"))),
                PolicyRefs.boxes("", choices: m.policyChoices, values: m.values, error: m.errors.message(for: "policy_ids")),
                .button(.type(.submit), .plain("登记"))))
    }
}
