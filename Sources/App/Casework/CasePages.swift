import Domain
import Plot
import Vapor

/// `/cases`: the cases the caller reads, newest first; a worker's own with `mine=1`.
enum CaseListPage {
    struct Model {
        var filter = CaseQueries.Filter()
        var rows: [CaseSummary] = []
        var paging = Paging(page: 1, per: 20, total: 0)
        var filterError: String?
        var canOpen = false
    }

    static func view(_ m: Model, caller: Caller) -> HTML {
        let stages = [("", "全部"), ("open", "未结案")] + CaseStage.allCases.map { ($0.rawValue, $0.label) }
        return Layout.page(title: "个案", path: SiteURL.cases.relativeURL(), caller: caller,
            .h1("个案"),
            .p(.class("lead"), .plain("个案工作（MZ/T 094）：接案、预估、计划、介入、评估、结案与回访。"),
               .if(m.canOpen, .a(.class("button"), .href(SiteURL.casesNew.relativeURL()), .plain("开案")))),
            .form(.method(.get), .action(SiteURL.cases.relativeURL()), .class("filters"),
                .unwrap(m.filter.station) { .input(.type(.hidden), .name("station"), .value($0.uuidString)) },
                FormField.select("stage", label: "阶段", options: stages, selected: m.filter.stage, error: nil),
                FormField.checkbox("mine", label: "只看我负责的", checked: m.filter.mine == "1", value: "1"),
                .button(.type(.submit), .plain("筛选"))),
            .unwrap(m.filterError) { .p(.class("error"), .plain($0)) },
            .if(m.rows.isEmpty && m.filterError == nil, .p(.class("empty"), .plain("没有符合条件的个案。"))),
            .if(!m.rows.isEmpty, .div(.class("scroll"), .table(.class("list"), .id("cases"),
                .thead(.tr(.th("编号"), .th("服务对象"), .th("社工站"), .th("阶段"), .th("风险"), .th("负责社工"), .th("接案日期"))),
                .tbody(.forEach(m.rows) { c in
                    .tr(.td(.a(.href(SiteURL.serviceCase(.value(c.id)).relativeURL()), .plain(c.number))), .td(.plain(c.recipientNames)),
                        .td(.plain(c.stationName)), .td(.plain(c.stageLabel + (c.closedOn.map { "（\($0)）" } ?? ""))),
                        .td(.plain(c.riskLabel ?? "未预估")), .td(.plain(c.responsibleName)), .td(.plain(c.openedOn)))
                })))),
            m.paging.nav { SiteURL.cases.relativeURL(["station": m.filter.station?.uuidString, "stage": m.filter.stage, "mine": m.filter.mine,
                                                      "page": String($0)]) })
    }
}

/// `/cases/new`: intake (接案).
enum CaseNewPage {
    struct Model {
        var recipientGroups: [(label: String, options: [(value: String, label: String)])] = []
        /// The social workers who may be responsible; "" is the caller when they are one.
        var workers: [(value: String, label: String)] = []
        var profile: PolicyProfile?
        var values: [String: String] = [:]
        var errors = Validator()
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let people = [("", [("", "请选择")])] + m.recipientGroups
        return Layout.page(title: "开案", path: SiteURL.casesNew.relativeURL(), caller: caller, csrf: csrf,
            .h1("开案（接案）"),
            .p(.class("lead"), .plain("服务对象须在本站重点人群信息库中且在册；开案前须取得服务对象或监护人的知情同意。")),
            FormField.summary(m.errors.errors),
            .form(.method(.post), .action(SiteURL.casesNew.relativeURL()), .class("edit"), .id("case-form"),
                FormField.csrf(csrf),
                FormField.groupedSelect("recipient_ids", label: "服务对象", groups: people, selected: m.values["recipient_ids"],
                                        error: m.errors.message(for: "recipient_ids")),
                FormField.groupedSelect("other_recipient_id", label: "同一个案的另一名服务对象（可不选，如同户家属）", groups: people,
                                        selected: m.values["other_recipient_id"], error: nil),
                FormField.select("source", label: "接案来源", options: [("", "请选择")] + CaseSource.allCases.map { ($0.rawValue, $0.label) },
                                 selected: m.values["source"], error: m.errors.message(for: "source")),
                FormField.textarea("problem", label: "求助问题", value: m.values["problem"], error: m.errors.message(for: "problem")),
                ServiceTagFields.fields(prefix: "", profile: m.profile, values: m.values, errors: m.errors),
                FormField.text("consent_on", label: "知情同意日期", value: m.values["consent_on"], error: m.errors.message(for: "consent_on"),
                               type: .date, required: true, hint: "服务对象（或监护人）签署知情同意书的日期"),
                FormField.text("opened_on", label: "接案日期", value: m.values["opened_on"], error: m.errors.message(for: "opened_on"), type: .date),
                FormField.select("responsible_id", label: "负责社工", options: m.workers, selected: m.values["responsible_id"],
                                 error: m.errors.message(for: "responsible_id")),
                .unwrap(m.errors.message(for: "station_id")) { .p(.class("error"), .id("station_id"), .plain($0)) },
                .button(.type(.submit), .plain("开案"))))
    }
}

/// `/cases/{id}`: a case whole, and the form of each step its stage allows.
enum CasePage {
    struct Model {
        var detail: CaseDetail
        var canUpdate = false
        /// Whether the recipients' names link to their pages (a supervisor reads cases, not the library).
        var linksRecipients = false
        var profile: PolicyProfile?
        var needs: [(id: UUID, description: String)] = []
        /// The station's featured projects of this year (V-3), offered on the service forms.
        var featuredProjects: [(value: String, label: String)] = []
        /// Charity resources used for the case (issue 11 §2).
        var charityUsed: [CharityResourceService.Served] = []
        /// The in-force policies of the library the assessment form offers (V-10).
        var policyChoices: [(id: UUID, label: String)] = []
        var today = ""
        var failedStep: CaseStep?
        var values: [String: String] = [:]
        var errors = Validator()
    }

    /// Rows of goals and of the service list on the plan form.
    static let planRows = 5

    /// The form's field names carry the step (`assess_risk_level`): the page holds several forms.
    static func prefix(_ step: CaseStep) -> String { step.rawValue + "_" }

    /// The form field that a service error (named as the API names it) belongs to.
    static func formName(_ step: CaseStep, _ field: String) -> String {
        if let match = field.firstMatch(of: /^goals\[(\d+)\]$/), let i = Int(match.1) { return prefix(step) + "goal_\(i + 1)" }
        if let match = field.firstMatch(of: /^items\[(\d+)\]\.(what|who|due_on)$/), let i = Int(match.1) {
            return prefix(step) + "item_\(match.2 == "due_on" ? "due" : String(match.2))_\(i + 1)"
        }
        if field.hasPrefix("goals[") { return prefix(step) + "goals" }
        return prefix(step) + field
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let d = m.detail
        let url = SiteURL.serviceCase(.value(d.id)).relativeURL()
        return Layout.page(title: "个案 \(d.number)", path: url, caller: caller, csrf: csrf,
            .h1(.plain("个案 \(d.number)")),
            .p(.class("lead"), .id("stage"), .plain("\(d.stationName) · 当前阶段：\(d.stageLabel)" + (d.riskLabel.map { " · \($0)" } ?? ""))),
            .if(!d.crisis.isEmpty, .section(.class("card"), .id("crisis"),
                .h2(.plain("危机干预时限（\(RuleName.label("V-7"))）")),
                .ul(.forEach(d.crisis) { c in
                    .li(.class(c.overdue ? "overdue" : ""), .plain("\(c.dutyLabel)：应于 \(c.due) 前完成，" + (c.done.map { "已于 \($0) 完成" } ?? (c.overdue ? "已逾期" : "尚未完成"))))
                }))),
            .if(d.riskLevel == .crisis && d.crisis.isEmpty,
                .p(.class("notice"), .id("crisis"), .plain("本市尚未在政策配置中设定危机干预的时限（\(RuleName.label("V-7"))：制定计划、事后回访的工作日数），本个案暂不计算到期日。"))),
            .section(.class("card"),
                .h2("接案"),
                .dl(.class("facts"),
                    .dt("服务对象"), .dd(.forEach(Array(d.recipients.enumerated())) { i, r in
                        .group(.if(i > 0, .plain("、")), m.linksRecipients ? .a(.href(SiteURL.recipient(.value(r.id)).relativeURL()), .plain(r.name)) : .plain(r.name))
                    }),
                    .dt("接案来源"), .dd(.plain(d.sourceLabel)),
                    .dt("求助问题"), .dd(.plain(d.problem)),
                    .dt("服务领域"), .dd(.plain(d.fieldLabel + (d.itemLabel.map { "·\($0)" } ?? ""))),
                    .dt("知情同意"), .dd(.plain(d.consentOn)),
                    .dt("接案日期"), .dd(.plain(d.openedOn)),
                    .dt("负责社工"), .dd(.plain(d.responsibleName)),
                    .unwrap(d.closedOn) { on in .group(.dt("结案"), .dd(.plain("\(on)，\(d.closeReasonLabel ?? "")：\(d.outcome ?? "")"))) })),
            .unwrap(d.assessment) { a in
                .section(.class("card"), .id("assessment"),
                    .h2(.plain("预估（第 \(a.version) 版，\(a.assessedOn)，\(a.byName)）")),
                    .dl(.class("facts"), .dt("风险等级"), .dd(.plain(a.riskLabel)), .dt("优势"), .dd(.plain(a.strengths)),
                        .dt("资源"), .dd(.plain(a.resources)), .dt("关联需求"), .dd(.plain(a.needs.isEmpty ? "无" : a.needs.joined(separator: "；"))),
                        .dt("适用政策"), .dd(.id("assessment-policies"), .if(a.policies.isEmpty, .plain("未注明")), PolicyRefs.node(a.policies))))
            },
            .unwrap(d.plan) { p in
                .section(.class("card"), .id("plan"),
                    .h2(.plain("服务计划（第 \(p.version) 版，\(p.plannedOn)，\(p.byName)）")),
                    .h3("服务目标"),
                    .ol(.forEach(p.goals) { g in .li(.plain(g.text + (g.outcomeLabel.map { "（\($0)）" } ?? ""))) }),
                    .h3("服务清单"),
                    .table(.class("list"), .thead(.tr(.th("服务内容"), .th("负责人"), .th("完成期限"))),
                           .tbody(.forEach(p.items) { i in .tr(.td(.plain(i.what)), .td(.plain(i.who)), .td(.plain(i.dueOn))) })))
            },
            .section(.class("card"), .id("services"),
                .h2("介入与回访"),
                .if(d.services.isEmpty, .p(.class("empty"), .plain("尚无服务记录。"))),
                .if(!d.services.isEmpty, .table(.class("list"),
                    .thead(.tr(.th("日期"), .th("类别"), .th("方法"), .th("时长"), .th("内容"), .th("社工"))),
                    .tbody(.forEach(d.services) { s in
                        .tr(.td(.plain(s.on)), .td(.plain(s.kindLabel + (s.featuredProject.map { "（特色项目：\($0)）" } ?? ""))), .td(.plain(s.methodLabel)),
                            .td(.plain("\(s.minutes) 分钟")),
                            .td(.plain(s.content)), .td(.plain(s.workerName)))
                    })))),
            CharityServedSection.node(m.charityUsed),
            .unwrap(d.evaluation) { e in
                .section(.class("card"), .id("evaluation"), .h2(.plain("评估（第 \(e.version) 版，\(e.evaluatedOn)，\(e.byName)）")), .p(.plain(e.summary)))
            },
            .if(!d.supervision.isEmpty, .section(.class("card"), .id("supervision"),
                .h2("督导记录"),
                .table(.class("list"),
                    .thead(.tr(.th("日期"), .th("督导"), .th("形式"), .th("主题"))),
                    .tbody(.forEach(d.supervision) { s in
                        .tr(.td(.a(.href(SiteURL.stationSupervision(.value(s.stationId)).relativeURL(["year": String(s.year)]) + "#record-\(s.recordId)"),
                                   .plain(s.heldOn))),
                            .td(.plain(s.supervisorName)), .td(.plain(s.formLabel)), .td(.plain(s.topic)))
                    })))),
            .if(m.canUpdate, .group(.forEach(d.nextSteps) { step in form(step, m, csrf: csrf) })),
            .section(.class("card"), .id("timeline"),
                .h2("个案时间线"),
                .table(.class("list"),
                    .thead(.tr(.th("日期"), .th("环节"), .th("阶段"), .th("内容"), .th("记录人"))),
                    .tbody(.forEach(d.events.reversed()) { e in
                        .tr(.td(.plain(e.on)), .td(.plain(e.stepLabel)), .td(.plain((e.fromStage.map { "\($0) → " } ?? "") + e.toStage)),
                            .td(.plain(e.detail)), .td(.plain(e.actorName)))
                    }))))
    }

    /// The form of one step; after a refused submission it carries the values and errors.
    static func form(_ step: CaseStep, _ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        let p = prefix(step)
        let mine = m.failedStep == step
        let values = mine ? m.values : [p + "on": m.today, p + "assessed_on": m.today, p + "planned_on": m.today, p + "evaluated_on": m.today]
        let errors = mine ? m.errors : Validator()
        func text(_ name: String, _ label: String, type: HTMLInputType = .text, hint: String? = nil) -> Node<HTML.FormContext> {
            FormField.text(p + name, label: label, value: values[p + name], error: errors.message(for: p + name), type: type, hint: hint)
        }
        func area(_ name: String, _ label: String) -> Node<HTML.FormContext> {
            FormField.textarea(p + name, label: label, value: values[p + name], error: errors.message(for: p + name))
        }
        func select(_ name: String, _ label: String, _ options: [(String, String)]) -> Node<HTML.FormContext> {
            FormField.select(p + name, label: label, options: [("", "请选择")] + options, selected: values[p + name], error: errors.message(for: p + name))
        }
        let fields: Node<HTML.FormContext>
        switch step {
        case .assess:
            fields = .group(text("assessed_on", "预估日期", type: .date), select("risk_level", "风险等级", RiskLevel.allCases.map { ($0.rawValue, $0.label) }),
                            area("strengths", "优势（服务对象及家庭的能力、意愿）"), area("resources", "资源（可链接的正式与非正式资源）"),
                            FormField.checkboxGroup(p + "need_ids", legend: "本个案回应的需求（需求清单）",
                                                    boxes: m.needs.map { (p + "need_" + $0.id.uuidString, $0.description, values[p + "need_" + $0.id.uuidString] != nil) },
                                                    error: errors.message(for: p + "need_ids")),
                            PolicyRefs.boxes(p, choices: m.policyChoices, values: values, error: errors.message(for: p + "policy_ids")))
        case .plan:
            fields = .group(text("planned_on", "计划日期", type: .date),
                            .fieldset(.element(named: "legend", text: "服务目标（至少一个）"), .unwrap(errors.message(for: p + "goals")) { .p(.class("error"), .id(p + "goals"), .plain($0)) },
                                      .forEach(Array(1...planRows)) { i in text("goal_\(i)", "目标 \(i)") }),
                            .fieldset(.element(named: "legend", text: "服务清单（服务内容、负责人、完成期限）"),
                                      .unwrap(errors.message(for: p + "items")) { .p(.class("error"), .id(p + "items"), .plain($0)) },
                                      .forEach(Array(1...planRows)) { i in
                                          .group(text("item_what_\(i)", "第 \(i) 项内容"), text("item_who_\(i)", "负责人"), text("item_due_\(i)", "完成期限", type: .date))
                                      }))
        case .intervene, .followUp:
            fields = .group(text("on", "服务日期", type: .date), text("minutes", "时长（分钟）", type: .number),
                            select("method", "服务方法（默认个案工作）", ServiceMethod.allCases.map { ($0.rawValue, $0.label) }),
                            .if(!m.featuredProjects.isEmpty, FormField.select(p + "featured_project_id", label: "记入特色项目（可不选；选择后按该项目的服务领域统计）",
                                                                              options: [("", "不记入，按个案的服务领域和服务内容")] + m.featuredProjects,
                                                                              selected: values[p + "featured_project_id"], error: errors.message(for: p + "featured_project_id"))),
                            area("content", step == .intervene ? "介入内容" : "回访内容"), text("others_count", "其他受益人数（如家属）", type: .number))
        case .evaluate:
            let goals = m.detail.plan?.goals ?? []
            fields = .group(text("evaluated_on", "评估日期", type: .date),
                            .unwrap(errors.message(for: p + "goals")) { .p(.class("error"), .id(p + "goals"), .plain($0)) },
                            .forEach(goals) { g in select("goal_" + g.id.uuidString, "目标：\(g.text)", GoalOutcome.allCases.map { ($0.rawValue, $0.label) }) },
                            area("summary", "评估总结"))
        case .close:
            fields = .group(text("on", "结案日期", type: .date), select("reason", "结案原因", CaseCloseReason.allCases.map { ($0.rawValue, $0.label) }),
                            area("outcome", "结案小结"))
        case .reopen:
            fields = .group(text("on", "重新开案日期", type: .date), text("reason", "重新开案原因"))
        }
        return .section(.class("card"), .id("step-" + step.rawValue),
            .h2(.plain(step.label)),
            .if(mine, FormField.summary(errors.errors)),
            .unwrap(errors.message(for: p + "stage")) { .p(.class("error"), .id(p + "stage"), .plain($0)) },
            .form(.method(.post), .action(SiteURL.caseStep(.value(m.detail.id), step).relativeURL()), .class("edit"), .id(p + "form"),
                  FormField.csrf(csrf), fields, .button(.type(.submit), .plain(step.label))))
    }
}
