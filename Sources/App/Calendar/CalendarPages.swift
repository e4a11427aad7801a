import Domain
import Plot
import Vapor

/// `/calendar`: the years' holiday arrangements, the working-day calculator (a plain GET form) with
/// the conventions of the caller's profile, and for the platform administrator the form for a new year.
enum CalendarPage {
    struct Model {
        var calendar: WorkingCalendar
        /// The rules of the caller's city that count in working days or move off rest days, with their convention.
        var conventions: [(rule: PolicyRule, note: String)]
        /// The calculator's fields as typed, its errors and its answer.
        var query: [String: String]
        var queryErrors: Validator
        var result: WorkingDays.Result?
        var canAdd: Bool
        var values: [String: String]
        var errors: Validator
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let years = m.calendar.years.keys.sorted(by: >)
        return Layout.page(title: "工作日历", path: "/calendar", caller: caller, csrf: csrf,
            .h1("工作日历"),
            .p(.class("lead"), .plain("按国务院办公厅每年公布的节假日安排计算工作日（含调休上班日），用于 \(RuleName.label("A-5"))、\(RuleName.label("E-4")) 等以工作日计的期限，以及逢节假日顺延的报送期限。")),
            .section(.class("card"), .id("working-days"),
                .h2("工作日计算"),
                FormField.summary(m.queryErrors.errors),
                .form(.class("filters"), .method(.get), .action("/calendar"),
                      FormField.text("from", label: "起算日期", value: m.query["from"], error: m.queryErrors.message(for: "from"), type: .date),
                      FormField.text("days", label: "工作日数", value: m.query["days"], error: m.queryErrors.message(for: "days"), type: .number),
                      FormField.select("start_counts", label: "起算日", options: [("false", "不计入（自次日起算）"), ("true", "计入（为工作日时算第 1 天）")],
                                       selected: m.query["start_counts"], error: m.queryErrors.message(for: "start_counts")),
                      .button(.type(.submit), .plain("计算"))),
                .unwrap(m.result) { r in
                    .div(.class("result"),
                         .p(.strong(.plain("到期日：\(r.due)")), .plain("（\(r.from) 起，\(r.convention)）")),
                         .p(.plain("跳过的非工作日：" + (r.skipped.isEmpty ? "无" : r.skipped.map { "\($0.date)（\($0.reason)）" }.joined(separator: "、")))),
                         .if(!r.madeUpWorkdays.isEmpty, .p(.plain("计入的调休上班日：" + r.madeUpWorkdays.joined(separator: "、")))))
                },
                .if(!m.conventions.isEmpty, .group(
                    .h3("本市政策配置的计日规则"),
                    .ul(.forEach(m.conventions) { c in .li(.plain("\(c.rule.id) \(c.rule.title)：\(c.note)")) })))),
            .forEach(years) { year in
                let y = m.calendar.years[year]!
                return .details(.summary(.plain("\(year) 年：\(y.holidays.count) 个假期，\(y.workdays.count) 个调休上班日")),
                    .ul(.forEach(y.holidays) { h in .li(.plain("\(h.name)：\(h.first) 至 \(h.last)")) }),
                    .p(.plain("调休上班：" + (y.workdays.isEmpty ? "无" : y.workdays.map(\.description).joined(separator: "、")))))
            },
            .if(m.canAdd, .group(
                .h2("录入新年度"),
                FormField.summary(m.errors.errors),
                .form(.method(.post), .action("/calendar"), .class("edit"),
                      FormField.csrf(csrf),
                      FormField.text("year", label: "年份", value: m.values["year"] ?? String((years.first ?? 2026) + 1), error: m.errors.message(for: "year"), type: .number),
                      FormField.textarea("holidays", label: "假期（每行：起始日期,结束日期,名称）", value: m.values["holidays"], error: m.errors.message(for: "holidays")),
                      FormField.textarea("workdays", label: "调休上班日（每行一个日期）", value: m.values["workdays"], error: m.errors.message(for: "workdays")),
                      .button(.type(.submit), .plain("保存"))))))
    }
}
