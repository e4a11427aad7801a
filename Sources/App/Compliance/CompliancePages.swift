import Domain
import Plot
import Vapor

/// One station's findings for a year, rule by rule, grouped by area.
enum StationCompliancePage {
    struct Model {
        let stationID: UUID
        let stationName: String
        let year: Int
        let evaluationDay: Day
        let currentYear: Bool
        let findings: [Finding]
    }

    static func query(_ req: Request) async throws -> Model {
        let (summary, year, findings) = try await ComplianceMatrix.station(req)
        return Model(stationID: summary.id, stationName: summary.name, year: year,
                     evaluationDay: ComplianceEngine.evaluationDay(year: year, today: req.today), currentYear: year == req.today.year, findings: findings)
    }

    static func view(_ m: Model, caller: Caller, csrf: String?) -> HTML {
        Layout.page(title: "\(m.stationName) 合规检查", path: SiteURL.stations.relativeURL(), caller: caller, csrf: csrf,
            .nav(.class("crumbs"), .a(.href(SiteURL.station(.value(m.stationID)).relativeURL()), .plain(m.stationName)), .plain(" / 合规检查")),
            .h1(.plain("\(m.year) 年合规检查")),
            .p(.class("lead"), .plain("按本市政策配置逐条检查，评估日为 \(m.evaluationDay)。“缺少数据”不算符合：请补录后再看。"
                + (m.currentYear ? "本年度尚未结束：学时类规则显示为“进行中”，达到全年要求才算符合。" : ""))),
            .form(.class("filters"), .method(.get), .action(SiteURL.stationCompliance(.value(m.stationID)).relativeURL()),
                  FormField.text("year", label: "年度", value: String(m.year), error: nil, type: .number), .button(.type(.submit), .plain("查看"))),
            .forEach(ComplianceMatrix.groups) { group in
                let list = m.findings.filter { $0.group == group }
                return .if(!list.isEmpty, .section(.class("findings"),
                    .h2(.plain(group.label)),
                    .table(.class("list"),
                        .thead(.tr(.th("规则"), .th("状态"), .th("实际"), .th("要求"), .th("如何整改"), .th("依据"))),
                        .tbody(.forEach(list) { f in
                            .tr(.id("finding-\(f.ruleID)"), .class("state-\(f.state.rawValue)"),
                                .td(.class("rule"), .strong(.plain(RuleName.label(f.ruleID))), .small(.plain(f.title))),
                                .td(.span(.class("badge \(f.state.rawValue)"), .plain(f.state.label))),
                                .td(.plain(f.measured)), .td(.plain(f.required)), .td(.plain(f.advice)), .td(.class("source"), .plain(f.source)))
                        }))))
            },
            .p(.a(.href(SiteURL.stationStaff(.value(m.stationID)).relativeURL()), .plain("人员、督导与培训 →")), .plain("　"),
               .a(.href(SiteURL.stationEdit(.value(m.stationID)).relativeURL()), .plain("修改场所信息 →"))))
    }
}

/// The matrix of the stations in scope × rule groups, worst stations first, with a total row and
/// per rule how many stations pass; on a phone each station is a card whose cells name their group.
enum ComplianceMatrixPage {
    struct Option {
        let value: String
        let label: String
    }

    struct Model {
        let matrix: ComplianceMatrix.MatrixDTO
        let filter: ComplianceMatrix.Filter
        let districts: [Option]
        let rules: [Option]
        /// The filter as a query string, for the export links.
        let query: String
    }

    static func query(_ req: Request, caller: Caller) async throws -> Model {
        let filter = try req.query.decode(ComplianceMatrix.Filter.self)
        let m = try await ComplianceMatrix.build(req, detail: false)
        let (districts, _) = try await OrgQueries.districtsAndStreets(caller, district: nil, cache: req.application.filterOptions, on: req.db)
        var query = "year=\(m.year)"
        if let d = filter.district { query += "&district=\(d)" }
        if let r = filter.rule, !r.isEmpty { query += "&rule=\(r.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
        if let s = filter.state, !s.isEmpty { query += "&state=\(s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
        return Model(matrix: m, filter: filter, districts: districts.map { Option(value: $0.id.uuidString, label: $0.name) },
                     rules: ComplianceEngine.evaluatedRuleIDs.sorted(by: ComplianceMatrix.ruleOrder).map { Option(value: $0, label: RuleName.label($0)) },
                     query: query)
    }

    static func cell(_ c: ComplianceMatrix.Counts?) -> Node<HTML.BodyContext> {
        guard let c else { return .plain("—") }
        return .group(
            .if(c.failure > 0, .span(.class("badge failure"), .plain("不符合 \(c.failure)"))),
            .if(c.warning > 0, .span(.class("badge warning"), .plain("警示 \(c.warning)"))),
            .if(c.missingData > 0, .span(.class("badge missing_data"), .plain("缺数据 \(c.missingData)"))),
            .if(c.progress > 0, .span(.class("badge progress"), .plain("进行中 \(c.progress)"))),
            .span(.class("badge pass"), .plain("符合 \(c.pass)")))
    }

    static func view(_ model: Model, caller: Caller, csrf: String?) -> HTML {
        let m = model.matrix
        let groups = ComplianceMatrix.groups
        return Layout.page(title: "合规总览", path: SiteURL.compliance.relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain("\(m.year) 年合规总览")),
            .form(.class("filters"), .method(.get), .action(SiteURL.compliance.relativeURL()),
                  FormField.text("year", label: "年度", value: String(m.year), error: nil, type: .number),
                  FormField.select("district", label: "区县", options: [("", "全部")] + model.districts.map { ($0.value, $0.label) },
                                   selected: model.filter.district?.uuidString, error: nil),
                  FormField.select("rule", label: "规则", options: [("", "全部")] + model.rules.map { ($0.value, $0.label) }, selected: model.filter.rule, error: nil),
                  FormField.select("state", label: "状态", options: [("", "全部")] + FindingState.allCases.map { ($0.rawValue, $0.label) },
                                   selected: model.filter.state, error: nil),
                  .button(.type(.submit), .plain("筛选"))),
            .p(.class("lead"), .plain("不符合规则最多的站点排在前面。导出文件逐站逐条列出规则、状态、实际值、要求和依据。")),
            .p(.a(.href(SiteURL.complianceExportCSV.relativeURL() + "?" + model.query), .plain("导出 CSV")), .plain("　"),
               .a(.href(SiteURL.complianceExportXLSX.relativeURL() + "?" + model.query), .plain("导出 Excel（.xlsx）"))),
            .table(.class("list matrix"),
                .thead(.tr(.th("区县"), .th("社工站"), .forEach(groups) { .th(.plain($0.label)) })),
                .tbody(
                    .forEach(m.stations) { s in
                        .tr(.class(s.failing > 0 ? "failing" : ""),
                            .td(.class("district"), .plain(s.district)),
                            .td(.class("station"), .a(.href(SiteURL.stationCompliance(.value(s.id)).relativeURL(["year": String(m.year)])), .plain(s.name))),
                            .forEach(groups) { g in .td(.class("group"), .span(.class("group-label"), .plain(g.label)), cell(s.groups[g.rawValue])) })
                    },
                    .tr(.class("total"), .td(.class("district"), .plain("合计")),
                        .td(.class("station"), .plain("\(m.stations.count) 个站，全部规则均符合 \(m.passingAll) 个")),
                        .forEach(groups) { g in .td(.class("group"), .span(.class("group-label"), .plain(g.label)), cell(m.totals[g.rawValue])) }))),
            .if(!m.ruleTotals.isEmpty, .section(.class("rule-totals"),
                .h2("各规则符合情况"),
                .table(.class("list totals"),
                    .thead(.tr(.th("规则"), .th("符合的站点"))),
                    .tbody(
                        .forEach(m.ruleTotals) { t in
                            .tr(.id("total-\(t.ruleId)"), .td(.plain(t.label)), .td(.plain("\(t.passing)/\(t.stations)")))
                        },
                        .tr(.class("total"), .td(.plain("全部规则均符合")), .td(.plain("\(m.passingAll)/\(m.stations.count)"))))))))
    }
}
