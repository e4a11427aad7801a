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
        /// Every version of each entered year, newest first.
        var versions: [Int: [CalendarYearVersion]]
        var csrf: String = ""
        /// A refused correction, to show again in its year's form.
        var correction: Correction?
    }

    struct Correction {
        var year: Int
        var values: [String: String]
        var errors: Validator
    }

    static func correctionPrefix(_ year: Int) -> String { "fix\(year)_" }

    /// A year's arrangement as the form's lines.
    static func lines(_ y: WorkingCalendar.Year) -> (holidays: String, workdays: String) {
        (y.holidays.map { "\($0.first),\($0.last),\($0.name)" }.joined(separator: "\n"), y.workdays.map(\.description).joined(separator: "\n"))
    }

    static func stamp(_ date: Date?) -> String {
        guard let date else { return "" }
        let f = DateFormatter()
        f.locale = Locale(identifier: "zh_Hans_CN")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }

    /// The history of an entered year (every version kept, the newest in use) and, for the platform
    /// administrator, the form that corrects it as a new version.
    /// A shipped year (holidays.json) not corrected yet has no stored version: its arrangement is
    /// version 1, and its correction form makes version 2.
    static func history<Context: HTML.BodyContext>(_ m: Model, year: Int, csrf: String) -> Node<Context> {
        guard let inUse = m.calendar.years[year] else { return .empty }
        let versions = m.versions[year] ?? []
        guard !versions.isEmpty || m.canAdd else { return .empty }
        let newestNumber = versions.first?.version ?? 1
        let prefix = correctionPrefix(year)
        let refused = m.correction?.year == year ? m.correction : nil
        let current = lines(inUse)
        let values = refused?.values ?? [prefix + "holidays": current.holidays, prefix + "workdays": current.workdays]
        let errors = refused?.errors ?? Validator()
        func describe(_ y: WorkingCalendar.Year) -> String {
            y.holidays.map { "\($0.name) \($0.first)–\($0.last)" }.joined(separator: "；") + "；调休上班：" + (y.workdays.isEmpty ? "无" : y.workdays.map(\.description).joined(separator: "、"))
        }
        return .group(
            .h3(.plain("版本记录（共 \(max(versions.count, 1)) 版，使用第 \(newestNumber) 版）")),
            .table(.class("list"),
                .thead(.tr(.th("版本"), .th("录入人"), .th("时间"), .th("原因"), .th("内容"))),
                .tbody(
                    .if(versions.isEmpty, .tr(.td(.plain("第 1 版（使用中）")), .td(.plain(CalendarController.shippedBy)), .td(.plain("")),
                                              .td(.plain("国务院办公厅公布的安排，随系统发布")), .td(.plain(describe(inUse))))),
                    .forEach(versions) { v in
                        let text = (try? v.decoded()).map(describe) ?? "（无法读取）"
                        return .tr(.td(.plain("第 \(v.version) 版" + (v.version == newestNumber ? "（使用中）" : ""))), .td(.plain(v.createdBy)),
                                   .td(.plain(stamp(v.createdAt))), .td(.plain(v.reason)), .td(.plain(text)))
                    })),
            .if(m.canAdd, .details(.if(refused != nil, .attribute(named: "open", value: "open")),
                .summary(.plain("更正 \(year) 年的安排（形成第 \(newestNumber + 1) 版，之前各版保留）")),
                FormField.summary(errors.errors),
                .form(.method(.post), .action(SiteURL.calendarYear(.value(year)).relativeURL()), .class("edit"),
                      FormField.csrf(csrf),
                      FormField.textarea(prefix + "holidays", label: "假期（每行：起始日期,结束日期,名称）", value: values[prefix + "holidays"],
                                         error: errors.message(for: prefix + "holidays")),
                      FormField.textarea(prefix + "workdays", label: "调休上班日（每行一个日期）", value: values[prefix + "workdays"],
                                         error: errors.message(for: prefix + "workdays")),
                      FormField.text(prefix + "reason", label: "更正原因（如：国务院办公厅通知更正）", value: values[prefix + "reason"],
                                     error: errors.message(for: prefix + "reason"), required: true),
                      .button(.type(.submit), .plain("保存为新版本"))))))
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        var m = m
        m.csrf = csrf
        let years = m.calendar.years.keys.sorted(by: >)
        return Layout.page(title: "工作日历", path: SiteURL.calendar.relativeURL(), caller: caller, csrf: csrf,
            .h1("工作日历"),
            .p(.class("lead"), .plain("按国务院办公厅每年公布的节假日安排计算工作日（含调休上班日），用于 \(RuleName.label("A-5"))、\(RuleName.label("E-4")) 等以工作日计的期限，以及逢节假日顺延的报送期限。")),
            .section(.class("card"), .id("working-days"),
                .h2("工作日计算"),
                FormField.summary(m.queryErrors.errors),
                .form(.class("filters"), .method(.get), .action(SiteURL.calendar.relativeURL()),
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
                let versions = m.versions[year]?.count ?? 0
                return .details(.id("year-\(year)"), .if(m.correction?.year == year, .attribute(named: "open", value: "open")),
                    .summary(.plain("\(year) 年：\(y.holidays.count) 个假期，\(y.workdays.count) 个调休上班日" + (versions > 1 ? "（已更正，第 \(versions) 版）" : ""))),
                    .ul(.forEach(y.holidays) { h in .li(.plain("\(h.name)：\(h.first) 至 \(h.last)")) }),
                    .p(.plain("调休上班：" + (y.workdays.isEmpty ? "无" : y.workdays.map(\.description).joined(separator: "、")))),
                    history(m, year: year, csrf: m.csrf))
            },
            .if(m.canAdd, .group(
                .h2("录入新年度"),
                FormField.summary(m.errors.errors),
                .form(.method(.post), .action(SiteURL.calendar.relativeURL()), .class("edit"),
                      FormField.csrf(csrf),
                      FormField.text("year", label: "年份", value: m.values["year"] ?? String((years.first ?? 2026) + 1), error: m.errors.message(for: "year"), type: .number),
                      FormField.textarea("holidays", label: "假期（每行：起始日期,结束日期,名称）", value: m.values["holidays"], error: m.errors.message(for: "holidays")),
                      FormField.textarea("workdays", label: "调休上班日（每行一个日期）", value: m.values["workdays"], error: m.errors.message(for: "workdays")),
                      .button(.type(.submit), .plain("保存"))))))
    }
}
