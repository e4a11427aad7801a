import Domain
import Plot
import Vapor

/// `/groups`: the groups the caller reads, newest first.
enum GroupListPage {
    struct Model {
        var filter = GroupQueries.Filter()
        var rows: [GroupSummary] = []
        var paging = Paging(page: 1, per: 20, total: 0)
        var filterError: String?
        var canCreate = false
    }

    static func view(_ m: Model, caller: Caller) -> HTML {
        let phases = [("", "全部")] + GroupPhase.allCases.map { ($0.rawValue, $0.label) }
        return Layout.page(title: "小组", path: SiteURL.groups.relativeURL(), caller: caller,
            .h1("小组"),
            .p(.class("lead"), .plain("小组工作（MZ/T 095）：小组目标、组员、每节活动的出席与前后测、小组总结。"),
               .if(m.canCreate, .a(.class("button"), .href(SiteURL.groupsNew.relativeURL()), .plain("新建小组")))),
            .form(.method(.get), .action(SiteURL.groups.relativeURL()), .class("filters"),
                .unwrap(m.filter.station) { .input(.type(.hidden), .name("station"), .value($0.uuidString)) },
                FormField.select("phase", label: "阶段", options: phases, selected: m.filter.phase, error: nil),
                .button(.type(.submit), .plain("筛选"))),
            .unwrap(m.filterError) { .p(.class("error"), .plain($0)) },
            .if(m.rows.isEmpty && m.filterError == nil, .p(.class("empty"), .plain("没有符合条件的小组。"))),
            .if(!m.rows.isEmpty, .div(.class("scroll"), .table(.class("list"), .id("groups"),
                .thead(.tr(.th("小组"), .th("社工站"), .th("服务领域"), .th("阶段"), .th("组员"), .th("已开展 / 计划节数"), .th("负责社工"), .th("开始日期"))),
                .tbody(.forEach(m.rows) { g in
                    .tr(.td(.a(.href(SiteURL.group(.value(g.id)).relativeURL()), .plain(g.name))), .td(.plain(g.stationName)), .td(.plain(g.fieldLabel)),
                        .td(.plain(g.phaseLabel)), .td(.plain("\(g.memberCount) 人")), .td(.plain("\(g.sessionsHeld) / \(g.plannedSessions)")),
                        .td(.plain(g.responsibleName)), .td(.plain(g.startsOn)))
                })))),
            m.paging.nav { SiteURL.groups.relativeURL(["station": m.filter.station?.uuidString, "phase": m.filter.phase, "page": String($0)]) })
    }
}

/// `/groups/new`: a new group; members join on its page.
enum GroupNewPage {
    struct Model {
        var stations: [(value: String, label: String)] = []
        /// The social workers who may be responsible; "" is the caller when they are one.
        var workers: [(value: String, label: String)] = []
        var profile: PolicyProfile?
        /// The featured projects of this year (V-3) of the stations the caller may open a group at.
        var featuredProjects: [(value: String, label: String)] = []
        var values: [String: String] = [:]
        var errors = Validator()
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        Layout.page(title: "新建小组", path: SiteURL.groupsNew.relativeURL(), caller: caller, csrf: csrf,
            .h1("新建小组"),
            .p(.class("lead"), .plain("先写明小组目标和目标组员；建好后在小组页面添加组员、记录每节活动。")),
            FormField.summary(m.errors.errors),
            .form(.method(.post), .action(SiteURL.groupsNew.relativeURL()), .class("edit"), .id("group-form"),
                FormField.csrf(csrf),
                .if(m.stations.count > 1, FormField.select("station_id", label: "社工站", options: [("", "请选择")] + m.stations,
                                                           selected: m.values["station_id"], error: m.errors.message(for: "station_id"))),
                .unwrap(m.stations.count == 1 ? m.stations.first : nil) { .input(.type(.hidden), .name("station_id"), .value($0.value)) },
                FormField.text("name", label: "小组名称", value: m.values["name"], error: m.errors.message(for: "name"), required: true),
                ServiceTagFields.fields(prefix: "", profile: m.profile, featured: m.featuredProjects, values: m.values, errors: m.errors),
                FormField.textarea("goals", label: "小组目标", value: m.values["goals"], error: m.errors.message(for: "goals")),
                FormField.text("target", label: "目标组员", value: m.values["target"], error: m.errors.message(for: "target"),
                               hint: "如：辖区独居老人 8–10 名"),
                FormField.text("planned_sessions", label: "计划节数", value: m.values["planned_sessions"],
                               error: m.errors.message(for: "planned_sessions"), type: .number),
                FormField.text("starts_on", label: "开始日期", value: m.values["starts_on"], error: m.errors.message(for: "starts_on"), type: .date),
                FormField.text("next_session_on", label: "第一次活动日期（可不填）", value: m.values["next_session_on"],
                               error: m.errors.message(for: "next_session_on"), type: .date),
                FormField.select("responsible_id", label: "负责社工", options: m.workers, selected: m.values["responsible_id"],
                                 error: m.errors.message(for: "responsible_id")),
                .button(.type(.submit), .plain("建立小组"))))
    }
}

/// `/groups/{id}`: a group whole, its members and sessions, and the forms to add members, record a
/// session (attendance, pre/post measures) and end it.
enum GroupPage {
    /// The forms on the page; their field names carry the form (`session_on`).
    enum Form: String {
        case members = "member_"
        case session = "session_"
        case ending = "end_"
        case next = "next_"
    }

    struct Model {
        var detail: GroupDetail
        var canUpdate = false
        var linksRecipients = false
        /// The station's registered recipients who are not members yet.
        var candidates: [(id: UUID, label: String)] = []
        var today = ""
        var failed: Form?
        var values: [String: String] = [:]
        var errors = Validator()
    }

    /// The form field an error of the API's input belongs to.
    static func formName(_ form: Form, _ field: String) -> String {
        if let match = field.firstMatch(of: /^measures\[\d+\]\.(pre|post|recipient_id)$/) { return form.rawValue + "measures_" + String(match.1) }
        return form.rawValue + field
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let d = m.detail
        let url = SiteURL.group(.value(d.id)).relativeURL()
        func person(_ id: UUID, _ name: String) -> Node<HTML.BodyContext> {
            m.linksRecipients ? .a(.href(SiteURL.recipient(.value(id)).relativeURL()), .plain(name)) : .plain(name)
        }
        return Layout.page(title: "小组：\(d.name)", path: url, caller: caller, csrf: csrf,
            .h1(.plain("小组：\(d.name)")),
            .p(.class("lead"), .id("phase"), .plain("\(d.stationName) · \(d.phaseLabel) · 已开展 \(d.sessions.count) / \(d.plannedSessions) 节")),
            .section(.class("card"),
                .dl(.class("facts"),
                    .dt("服务领域"), .dd(.plain(d.fieldLabel + (d.itemLabel.map { "·\($0)" } ?? ""))),
                    .dt("小组目标"), .dd(.plain(d.goals)),
                    .dt("目标组员"), .dd(.plain(d.target)),
                    .dt("开始日期"), .dd(.plain(d.startsOn)),
                    .if(d.phase != .ended, .group(.dt("下次活动"), .dd(.id("next-session-on"), .plain(d.nextSessionOn ?? "未安排")))),
                    .dt("负责社工"), .dd(.plain(d.responsibleName)),
                    .unwrap(d.endedOn) { on in .group(.dt("结束"), .dd(.plain("\(on)：\(d.summary ?? "")"))) })),
            .section(.class("card"), .id("members"),
                .h2(.plain("组员（\(d.members.count) 人）")),
                .if(d.members.isEmpty, .p(.class("empty"), .plain("尚无组员。"))),
                .if(!d.members.isEmpty, .ul(.forEach(d.members) { r in .li(person(r.id, r.name), .plain("（\(r.joinedOn) 入组）")) })),
                .if(m.canUpdate && d.phase != .ended, membersForm(m, csrf: csrf))),
            .if(m.canUpdate && d.phase != .ended, nextForm(m, csrf: csrf)),
            .section(.class("card"), .id("sessions"),
                .h2("活动记录"),
                .if(d.sessions.isEmpty, .p(.class("empty"), .plain("尚未开展活动。"))),
                .if(!d.sessions.isEmpty, .div(.class("scroll"), .table(.class("list"),
                    .thead(.tr(.th("节次"), .th("日期"), .th("时长"), .th("内容"), .th("出席组员"), .th("其他参加"), .th("人次"), .th("前后测"), .th("社工"))),
                    .tbody(.forEach(d.sessions.reversed()) { s in
                        .tr(.td(.plain("第 \(s.number) 节")), .td(.plain(s.on)), .td(.plain("\(s.minutes) 分钟")), .td(.plain(s.content)),
                            .td(.plain(s.attendees.map(\.name).joined(separator: "、"))), .td(.plain(String(s.othersCount))),
                            .td(.plain(String(s.peopleCount))),
                            .td(.plain(s.measures.map { "\($0.name) \($0.pre.map(String.init) ?? "—") → \($0.post.map(String.init) ?? "—")" }.joined(separator: "；"))),
                            .td(.plain(s.workerName)))
                    })))),
                .if(m.canUpdate && d.phase != .ended, sessionForm(m, csrf: csrf))),
            .if(m.canUpdate && d.phase != .ended, endForm(m, csrf: csrf)))
    }

    private static func state(_ m: Model, _ form: Form) -> (values: [String: String], errors: Validator) {
        m.failed == form ? (m.values, m.errors) : ([form.rawValue + "on": m.today, form.rawValue + "joined_on": m.today], Validator())
    }

    private static func stageError(_ form: Form, _ errors: Validator) -> Node<HTML.FormContext> {
        .unwrap(errors.message(for: form.rawValue + "phase")) { .p(.class("error"), .id(form.rawValue + "phase"), .plain($0)) }
    }

    static func membersForm(_ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        let p = Form.members.rawValue
        let (values, errors) = state(m, .members)
        return .group(
            .if(m.failed == .members, FormField.summary(errors.errors)),
            .form(.method(.post), .action(SiteURL.groupMembers(.value(m.detail.id)).relativeURL()), .class("edit"), .id(p + "form"),
                FormField.csrf(csrf), stageError(.members, errors),
                .if(m.candidates.isEmpty, .p(.class("empty"), .plain("本站在册的服务对象都已是组员，或尚未登记服务对象。"))),
                .if(!m.candidates.isEmpty, .div(.class("picklist"),
                    FormField.checkboxGroup(p + "recipient_ids", legend: "添加组员（本站在册的服务对象）",
                                            boxes: m.candidates.map { (p + "add_" + $0.id.uuidString, $0.label, values[p + "add_" + $0.id.uuidString] != nil) },
                                            error: errors.message(for: p + "recipient_ids")))),
                FormField.text(p + "joined_on", label: "入组日期", value: values[p + "joined_on"], error: errors.message(for: p + "joined_on"), type: .date),
                .if(!m.candidates.isEmpty, .button(.type(.submit), .plain("添加组员")))))
    }

    static func sessionForm(_ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        let p = Form.session.rawValue
        let (values, errors) = state(m, .session)
        func text(_ name: String, _ label: String, type: HTMLInputType = .text) -> Node<HTML.FormContext> {
            FormField.text(p + name, label: label, value: values[p + name], error: errors.message(for: p + name), type: type)
        }
        let measureError = errors.message(for: p + "measures_pre") ?? errors.message(for: p + "measures_post") ?? errors.message(for: p + "measures_recipient_id")
        return .group(
            .h3(.plain("记录第 \(m.detail.sessions.count + 1) 节活动")),
            .if(m.failed == .session, FormField.summary(errors.errors)),
            .form(.method(.post), .action(SiteURL.groupSessions(.value(m.detail.id)).relativeURL()), .class("edit"), .id(p + "form"),
                FormField.csrf(csrf), stageError(.session, errors),
                text("on", "活动日期", type: .date), text("minutes", "时长（分钟）", type: .number),
                FormField.textarea(p + "content", label: "活动内容", value: values[p + "content"], error: errors.message(for: p + "content")),
                .fieldset(.class(errors.message(for: p + "attendee_ids") == nil ? "" : "invalid"), .id(p + "attendance"),
                    .element(named: "legend", text: "出席与前后测（分数 0–100，可不填）"),
                    .unwrap(errors.message(for: p + "attendee_ids")) { .p(.class("error"), .id(p + "attendee_ids"), .plain($0)) },
                    .unwrap(measureError) { .p(.class("error"), .id(p + "measures"), .plain($0)) },
                    .if(m.detail.members.isEmpty, .p(.class("empty"), .plain("尚无组员：先添加组员，或只填写其他参加人数。"))),
                    .forEach(m.detail.members) { r in
                        let id = r.id.uuidString
                        return .div(.class("attendance"),
                            FormField.checkbox(p + "attend_" + id, label: r.name, checked: values[p + "attend_" + id] != nil),
                            .input(.type(.number), .name(p + "pre_" + id), .value(values[p + "pre_" + id] ?? ""), .attribute(named: "aria-label", value: "\(r.name) 前测"),
                                   .placeholder("前测")),
                            .input(.type(.number), .name(p + "post_" + id), .value(values[p + "post_" + id] ?? ""), .attribute(named: "aria-label", value: "\(r.name) 后测"),
                                   .placeholder("后测")))
                    }),
                text("others_count", "其他参加人数（非组员）", type: .number),
                .button(.type(.submit), .plain("记录活动"))))
    }

    /// The date of the next session: on the social workers' home pages that day.
    static func nextForm(_ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        let p = Form.next.rawValue
        let (values, errors) = m.failed == .next ? (m.values, m.errors) : ([p + "on": m.detail.nextSessionOn ?? ""], Validator())
        return .section(.class("card"), .id("next-session"),
            .h2("安排下次活动"),
            .if(m.failed == .next, FormField.summary(errors.errors)),
            .form(.method(.post), .action(SiteURL.groupNextSession(.value(m.detail.id)).relativeURL()), .class("edit"), .id(p + "form"),
                FormField.csrf(csrf), stageError(.next, errors),
                FormField.text(p + "on", label: "下次活动日期（当天列入本站社工首页；留空为取消安排）", value: values[p + "on"],
                               error: errors.message(for: p + "on") ?? errors.message(for: p + "next_session_on"), type: .date),
                .button(.type(.submit), .plain("保存"))))
    }

    static func endForm(_ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        let p = Form.ending.rawValue
        let (values, errors) = state(m, .ending)
        return .section(.class("card"), .id("ending"),
            .h2("结束小组"),
            .if(m.failed == .ending, FormField.summary(errors.errors)),
            .form(.method(.post), .action(SiteURL.groupEnding(.value(m.detail.id)).relativeURL()), .class("edit"), .id(p + "form"),
                FormField.csrf(csrf), stageError(.ending, errors),
                FormField.text(p + "on", label: "结束日期", value: values[p + "on"], error: errors.message(for: p + "on"), type: .date),
                FormField.textarea(p + "summary", label: "小组总结（目标达成情况、组员变化、后续安排）", value: values[p + "summary"],
                                   error: errors.message(for: p + "summary")),
                .button(.type(.submit), .plain("结束小组"))))
    }
}
