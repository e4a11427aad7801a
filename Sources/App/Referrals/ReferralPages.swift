import Domain
import Plot
import Vapor

/// `/referrals?box=out|in`: the referrals the caller's stations sent, or received from other
/// stations, each with the form of its next answer where the caller gives it.
enum ReferralListPage {
    struct Model {
        var filter = ReferralQueries.Filter()
        var rows: [ReferralDTO] = []
        var paging = Paging(page: 1, per: 20, total: 0)
        var today = ""
        /// After a refused answer: which referral, and the errors.
        var failed: UUID?
        var values: [String: String] = [:]
        var errors = Validator()
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let inbox = m.filter.box == "in"
        return Layout.page(title: inbox ? "转入的转介" : "转出的转介", path: SiteURL.referrals.relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain(inbox ? "转入的转介" : "转出的转介")),
            .nav(.class("tabs"), .ul(
                .li(.a(.href(SiteURL.referrals.relativeURL(["box": "out"])), .plain("转出"))),
                .li(.a(.href(SiteURL.referrals.relativeURL(["box": "in"])), .plain("转入（其他社工站转来）"))))),
            .p(.class("lead"), .plain("转介（\(RuleName.label("V-11"))）：转给街道部门、其他机构或其他社工站；转给社工站的由对方在“转入”中接收或拒绝并办结，转给其他单位的由本站记录对方的答复。")),
            .if(m.rows.isEmpty, .p(.class("empty"), .plain("没有转介。"))),
            .forEach(m.rows) { r in
                .section(.class("card"), .id("referral-\(r.id.uuidString)"),
                    .h2(.plain("\(r.recipientName) → \(r.targetName)（\(r.targetLabel)）")),
                    .dl(.class("facts"),
                        .dt("状态"), .dd(.class("status"), .plain(r.statusLabel)),
                        .dt("转出"), .dd(.plain("\(r.sentOn)，\(r.stationName)，\(r.sentByName)")),
                        .dt("原因"), .dd(.plain(r.reason)),
                        .unwrap(r.answeredOn) { on in .group(.dt("答复"), .dd(.plain("\(on)：\(r.answer ?? "")"))) },
                        .unwrap(r.doneOn) { on in .group(.dt("办结"), .dd(.plain("\(on)：\(r.outcome ?? "")"))) }),
                    .if(r.canAnswer, answerForm(r, m, csrf: csrf)))
            },
            m.paging.nav { SiteURL.referrals.relativeURL(["box": inbox ? "in" : "out", "page": String($0)]) })
    }

    /// The answer form's field names carry the referral (`r1a2b3c4d_status`): the page holds one per referral.
    static func prefix(_ id: UUID) -> String { "r" + id.uuidString.prefix(8).lowercased() + "_" }

    static func answerForm(_ r: ReferralDTO, _ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        let p = prefix(r.id)
        let mine = m.failed == r.id
        let errors = mine ? m.errors : Validator()
        let values = mine ? m.values : [p + "on": m.today]
        return .form(.method(.post), .action(SiteURL.referralAnswers(.value(r.id)).relativeURL()), .class("edit"),
            FormField.csrf(csrf),
            .input(.type(.hidden), .name("box"), .value(m.filter.box == "in" ? "in" : "out")),
            .if(mine, FormField.summary(errors.errors)),
            FormField.select(p + "status", label: "答复", options: [("", "请选择")] + r.status.next.map { ($0.rawValue, $0 == .done ? "办结" : $0 == .accepted ? "接收" : "拒绝") },
                             selected: values[p + "status"], error: errors.message(for: p + "status")),
            FormField.text(p + "on", label: "日期", value: values[p + "on"], error: errors.message(for: p + "on"), type: .date),
            FormField.textarea(p + "note", label: "说明（拒绝的原因，或办结的结果）", value: values[p + "note"], error: errors.message(for: p + "note")),
            .button(.type(.submit), .plain("保存答复")))
    }
}

/// `/referrals/new?recipient=…`: a referral of one recipient of the caller's station.
enum ReferralNewPage {
    struct Model {
        var recipientID: UUID
        var recipientName: String
        var stations: [(value: String, label: String)] = []
        var cases: [(value: String, label: String)] = []
        var values: [String: String] = [:]
        var errors = Validator()
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let url = SiteURL.referralsNew.relativeURL(["recipient": m.recipientID.uuidString])
        return Layout.page(title: "转介 \(m.recipientName)", path: SiteURL.referralsNew.relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain("转介：\(m.recipientName)")),
            FormField.summary(m.errors.errors),
            .form(.method(.post), .action(url), .class("edit"), .id("referral-form"),
                FormField.csrf(csrf),
                FormField.select("target", label: "转介去向", options: [("", "请选择")] + ReferralTarget.allCases.map { ($0.rawValue, $0.label) },
                                 selected: m.values["target"], error: m.errors.message(for: "target")),
                FormField.text("target_name", label: "接收单位（街道部门或其他机构的名称）", value: m.values["target_name"], error: m.errors.message(for: "target_name")),
                FormField.select("target_station_id", label: "接收的社工站（转给其他社工站时）", options: [("", "请选择")] + m.stations,
                                 selected: m.values["target_station_id"], error: m.errors.message(for: "target_station_id")),
                .if(!m.cases.isEmpty, FormField.select("case_id", label: "相关个案（可不选）", options: [("", "无")] + m.cases, selected: m.values["case_id"],
                                                       error: m.errors.message(for: "case_id"))),
                FormField.textarea("reason", label: "转介原因", value: m.values["reason"], error: m.errors.message(for: "reason")),
                FormField.text("on", label: "转介日期", value: m.values["on"], error: m.errors.message(for: "on"), type: .date),
                .button(.type(.submit), .plain("转介"))))
    }
}
