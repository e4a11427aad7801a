import Domain
import Plot
import Vapor

/// `/dashboard`: a place's services in a year (issue 10 §5) — by month, field, content area or item,
/// method and kind; distinct recipients and 服务人次; open cases by risk — each chart drawn as SVG with
/// its numbers in a table beside it. Prints as it shows.
enum DashboardPage {
    struct Model {
        var dashboard: DashboardDTO
        /// The query that picks this place (`station=` or `unit=`; neither for the caller's own),
        /// kept by the year choice and the export link.
        var station: String?
        var unit: String?
        var years: [Int]
    }

    static func view(_ m: Model, caller: Caller) -> HTML {
        let d = m.dashboard
        let title = "\(d.place.name)服务统计（\(d.year)年）"
        let hours = Double(d.totals.minutes) / 60
        return Layout.page(title: title, path: SiteURL.dashboard.relativeURL(), caller: caller,
            .h1(.plain(title)),
            .form(.method(.get), .action(SiteURL.dashboard.relativeURL()), .class("filters"),
                .unwrap(m.station) { .input(.type(.hidden), .name("station"), .value(HTMLEscape.escape($0))) },
                .unwrap(m.unit) { .input(.type(.hidden), .name("unit"), .value(HTMLEscape.escape($0))) },
                FormField.select("year", label: "年度", options: m.years.map { (String($0), "\($0)年") }, selected: String(d.year), error: nil),
                .button(.type(.submit), .plain("查看")),
                .a(.class("button"), .href(SiteURL.dashboardXLSX.relativeURL(["station": m.station, "unit": m.unit, "year": String(d.year)])), .plain("导出 Excel")),
                .a(.class("button"), .href(SiteURL.coverage.relativeURL(["station": m.station, "unit": m.unit, "year": String(d.year)])), .plain("村居覆盖"))),
            .dl(.class("facts"), .id("totals"),
                .dt("服务记录"), .dd(.id("total-records"), .plain("\(d.totals.records) 条")),
                .dt("服务人次"), .dd(.id("total-people"), .plain("\(d.totals.people) 人次")),
                .dt("服务对象（去重）"), .dd(.id("total-recipients"), .plain("\(d.totals.recipients) 人")),
                .dt("服务时长"), .dd(.plain(String(format: "%.1f 小时", hours)))),
            chart("by-month", "按月服务记录", svg: SVGChart.columns(d.byMonth.map { ("\($0.month)月", $0.records) }, title: "\(d.year)年各月服务记录数"),
                  header: ["月份", "服务记录", "服务人次"], rows: d.byMonth.map { ["\($0.month)月", String($0.records), String($0.people)] }),
            lines("by-field", "按服务领域", d.byField),
            lines("by-item", "按服务内容（服务目录项目）", d.byItem),
            lines("by-method", "按服务方法", d.byMethod),
            lines("by-kind", "按服务类别", d.byKind),
            chart("open-cases", "未结案个案（按风险等级）", svg: SVGChart.bars(d.openCasesByRisk.map { ($0.label, $0.count) }, title: "未结案个案按风险等级"),
                  header: ["风险等级", "个案数"], rows: d.openCasesByRisk.map { [$0.label, String($0.count)] }),
            .if(!d.byPlace.isEmpty, lines("by-place", d.place.kind == "city" ? "按区县" : "按社工站", d.byPlace)))
    }

    private static func lines(_ id: String, _ heading: String, _ lines: [DashboardDTO.Line]) -> Node<HTML.BodyContext> {
        chart(id, heading, svg: SVGChart.bars(lines.map { ($0.label, $0.records) }, title: heading + "的服务记录数"),
              header: ["", "服务记录", "服务人次"], rows: lines.map { [$0.label, String($0.records), String($0.people)] })
    }

    private static func chart(_ id: String, _ heading: String, svg: String, header: [String], rows: [[String]]) -> Node<HTML.BodyContext> {
        .section(.class("card chart-pair"), .id(id),
            .h2(.plain(heading)),
            .if(rows.isEmpty, .p(.class("empty"), .plain("本年度尚无记录。"))),
            .if(!rows.isEmpty, .div(.class("chart-pair-body"),
                .div(.class("chart-figure"), .raw(svg)),
                .table(.class("list"),
                    .thead(.tr(.forEach(header) { .th(.plain($0)) })),
                    .tbody(.forEach(rows) { row in .tr(.forEach(Array(row.enumerated())) { i, cell in i == 0 ? .td(.plain(cell)) : .td(.class("num"), .plain(cell)) }) })))))
    }

    /// The same numbers as a workbook: one sheet, a block per table.
    static func spreadsheet(_ d: DashboardDTO) -> Spreadsheet {
        var rows: [[Spreadsheet.Cell]] = [[.text("\(d.place.name)服务统计（\(d.year)年）")],
                                          [.text("服务记录"), .number(Double(d.totals.records))], [.text("服务人次"), .number(Double(d.totals.people))],
                                          [.text("服务对象（去重）"), .number(Double(d.totals.recipients))],
                                          [.text("服务时长（分钟）"), .number(Double(d.totals.minutes))]]
        func block(_ title: String, _ lines: [(String, Int, Int?)]) {
            rows.append([])
            rows.append([.text(title), .text(lines.first?.2 == nil ? "个案数" : "服务记录"), .text(lines.first?.2 == nil ? "" : "服务人次")])
            for (label, a, b) in lines { rows.append([.text(label), .number(Double(a))] + (b.map { [.number(Double($0))] } ?? [])) }
        }
        block("月份", d.byMonth.map { ("\($0.month)月", $0.records, $0.people) })
        for (title, lines) in [("服务领域", d.byField), ("服务内容", d.byItem), ("服务方法", d.byMethod), ("服务类别", d.byKind), ("下级", d.byPlace)] where !lines.isEmpty {
            block(title, lines.map { ($0.label, $0.records, $0.people) })
        }
        block("未结案个案风险等级", d.openCasesByRisk.map { ($0.label, $0.count, nil) })
        return Spreadsheet(sheetName: "服务统计", rows: rows)
    }
}
