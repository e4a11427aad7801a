import Domain
import Fluent
import Plot
import SQLKit
import Vapor

/// Findings per station, and the matrix of stations × rule groups for districts and the city.
struct ComplianceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("stations", ":id", "compliance", use: stationPage)
        routes.get("compliance", use: matrixPage)
        routes.get("compliance", "export.csv", use: exportCSV)
        routes.get("compliance", "export.xlsx", use: exportXLSX)
        routes.get(ApiRoute.stationCompliance(.key), use: apiStation)
        routes.get(ApiRoute.compliance, use: apiMatrix)
    }

    static let groups: [RuleGroup] = [.premises, .staffing, .supervision]

    struct Filter: Content {
        var district: UUID?
        var rule: String?
        var state: String?
    }

    struct Counts: Content {
        var pass = 0, progress = 0, warning = 0, failure = 0, notApplicable = 0, missingData = 0

        mutating func add(_ state: FindingState) {
            switch state {
            case .pass: pass += 1
            case .progress: progress += 1
            case .warning: warning += 1
            case .failure: failure += 1
            case .notApplicable: notApplicable += 1
            case .missingData: missingData += 1
            }
        }
    }

    struct StationResult: Content {
        var id: UUID
        var name: String
        var district: String
        var groups: [String: Counts]
        var findings: [Finding]?
    }

    struct MatrixDTO: Content {
        var year: Int
        var stations: [StationResult]
        var totals: [String: Counts]
    }

    struct StationDTO: Content {
        var id: UUID
        var name: String
        var year: Int
        var evaluationDay: String
        var findings: [Finding]
    }

    /// One station's findings; the station row the evaluation reads serves for the access check.
    private func stationFindings(_ req: Request) async throws -> (ComplianceQueries.StationRow, Int, [Finding]) {
        let year = try req.yearQuery()
        guard let id = req.parameters.get("id", as: UUID.self),
              let evaluated = try await ComplianceQueries.evaluate(where: "s.deleted_at IS NULL AND s.id = \(bind: id)", year: year, today: req.today,
                                                                   policies: req.application.policies, on: req.db).first else {
            throw Abort(.notFound, reason: "未找到该社工站，或不在您的管辖范围内")
        }
        let s = evaluated.station
        try req.authorize(.read, Access.Resource(kind: .station, paths: [s.path], operatorIDs: Set([s.operatorID?.uuidString].compactMap { $0 })))
        return (s, year, evaluated.findings)
    }

    func apiStation(req: Request) async throws -> StationDTO {
        _ = try req.requireCaller()
        let (summary, year, findings) = try await stationFindings(req)
        return StationDTO(id: summary.id, name: summary.name, year: year,
                          evaluationDay: ComplianceEngine.evaluationDay(year: year, today: req.today).description, findings: findings)
    }

    /// The stations in scope, filtered, with counts per group (and findings when `detail` is asked for).
    func matrix(_ req: Request, detail: Bool) async throws -> MatrixDTO {
        let caller = try req.requireCaller()
        let filter = try req.query.decode(Filter.self)
        let year = try req.yearQuery()
        var state: FindingState?
        if let raw = filter.state, !raw.isEmpty {
            guard let s = FindingState(rawValue: raw) else {
                throw AppError.field("state", "未知的状态“\(raw)”（可选 \(FindingState.allCases.map(\.rawValue).joined(separator: "、"))）", status: .badRequest)
            }
            state = s
        }
        let rule = filter.rule.flatMap { $0.isEmpty ? nil : $0 }
        if let rule, !ComplianceEngine.evaluatedRuleIDs.contains(rule) {
            throw AppError.field("rule", "规则 \(rule) 不在本页评估范围（\(ComplianceEngine.evaluatedRuleIDs.sorted().joined(separator: "、"))）", status: .badRequest)
        }
        guard let condition = StationScope.condition(caller, district: filter.district, on: req.db) else {
            return MatrixDTO(year: year, stations: [], totals: [:])
        }
        var results: [StationResult] = []
        var totals: [String: Counts] = [:]
        for e in try await ComplianceQueries.evaluate(where: condition, year: year, today: req.today, policies: req.application.policies, on: req.db) {
            if rule != nil || state != nil {
                let match = e.findings.contains { (rule == nil || $0.ruleID == rule) && (state == nil || $0.state == state) }
                if !match { continue }
            }
            var groups: [String: Counts] = [:]
            for f in e.findings {
                groups[f.group.rawValue, default: Counts()].add(f.state)
                totals[f.group.rawValue, default: Counts()].add(f.state)
            }
            results.append(StationResult(id: e.station.id, name: e.station.name, district: e.station.districtName, groups: groups, findings: detail ? e.findings : nil))
        }
        return MatrixDTO(year: year, stations: results, totals: totals)
    }

    func apiMatrix(req: Request) async throws -> MatrixDTO {
        try await matrix(req, detail: req.queryValue(Bool.self, "detail") ?? false)
    }

    func spreadsheet(_ m: MatrixDTO) -> Spreadsheet {
        var header: [Spreadsheet.Cell] = [.text("区县"), .text("社工站")]
        for g in Self.groups {
            header += [.text("\(g.label)·不符合"), .text("\(g.label)·警示"), .text("\(g.label)·缺少数据"), .text("\(g.label)·进行中"), .text("\(g.label)·符合")]
        }
        var rows = [header]
        for s in m.stations {
            var row: [Spreadsheet.Cell] = [.text(s.district), .text(s.name)]
            for g in Self.groups {
                let c = s.groups[g.rawValue] ?? Counts()
                row += [.number(Double(c.failure)), .number(Double(c.warning)), .number(Double(c.missingData)), .number(Double(c.progress)), .number(Double(c.pass))]
            }
            rows.append(row)
        }
        return Spreadsheet(sheetName: "\(m.year)年合规情况", rows: rows)
    }

    func exportCSV(req: Request) async throws -> Response {
        let m = try await matrix(req, detail: false)
        return download(spreadsheet(m).csv(), type: "text/csv; charset=utf-8", name: "compliance-\(m.year).csv")
    }

    func exportXLSX(req: Request) async throws -> Response {
        let m = try await matrix(req, detail: false)
        return download(try spreadsheet(m).xlsx(), type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name: "compliance-\(m.year).xlsx")
    }

    private func download(_ data: Data, type: String, name: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    // MARK: pages

    func stationPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        let (summary, year, findings) = try await stationFindings(req)
        let day = ComplianceEngine.evaluationDay(year: year, today: req.today)
        return Layout.page(title: "\(summary.name) 合规检查", path: "/stations", caller: caller, csrf: req.csrfToken,
            .nav(.class("crumbs"), .a(.href("/stations/\(summary.id)"), .plain(summary.name)), .plain(" / 合规检查")),
            .h1(.plain("\(year) 年合规检查")),
            .p(.class("lead"), .plain("按本市政策配置逐条检查，评估日为 \(day)。“缺少数据”不算符合：请补录后再看。"
                + (year == req.today.year ? "本年度尚未结束：学时类规则显示为“进行中”，达到全年要求才算符合。" : ""))),
            .form(.class("filters"), .method(.get), .action("/stations/\(summary.id)/compliance"),
                  FormField.text("year", label: "年度", value: String(year), error: nil, type: .number), .button(.type(.submit), .plain("查看"))),
            .forEach(Self.groups) { group in
                let list = findings.filter { $0.group == group }
                return .if(!list.isEmpty, .section(.class("findings"),
                    .h2(.plain(group.label)),
                    .table(.class("list"),
                        .thead(.tr(.th("规则"), .th("状态"), .th("实际"), .th("要求"), .th("如何整改"), .th("依据"))),
                        .tbody(.forEach(list) { f in
                            .tr(.id("finding-\(f.ruleID)"), .class("state-\(f.state.rawValue)"),
                                .td(.class("rule"), .strong(.plain(f.ruleID)), .small(.plain(f.title))),
                                .td(.span(.class("badge \(f.state.rawValue)"), .plain(f.state.label))),
                                .td(.plain(f.measured)), .td(.plain(f.required)), .td(.plain(f.advice)), .td(.class("source"), .plain(f.source)))
                        }))))
            },
            .p(.a(.href("/stations/\(summary.id)/staff"), .plain("人员、督导与培训 →")), .plain("　"), .a(.href("/stations/\(summary.id)/edit"), .plain("修改场所信息 →"))))
        .response()
    }

    func matrixPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        let filter = try req.query.decode(Filter.self)
        let m = try await matrix(req, detail: false)
        let (districts, _) = try await OrgQueries.districtsAndStreets(caller, district: nil, cache: req.application.filterOptions, on: req.db)
        var query = "year=\(m.year)"
        if let d = filter.district { query += "&district=\(d)" }
        if let r = filter.rule, !r.isEmpty { query += "&rule=\(r)" }
        if let s = filter.state, !s.isEmpty { query += "&state=\(s)" }
        func cell(_ c: Counts?) -> Node<HTML.BodyContext> {
            guard let c else { return .plain("—") }
            return .group(
                .if(c.failure > 0, .span(.class("badge failure"), .plain("不符合 \(c.failure)"))),
                .if(c.warning > 0, .span(.class("badge warning"), .plain("警示 \(c.warning)"))),
                .if(c.missingData > 0, .span(.class("badge missing_data"), .plain("缺数据 \(c.missingData)"))),
                .if(c.progress > 0, .span(.class("badge progress"), .plain("进行中 \(c.progress)"))),
                .span(.class("badge pass"), .plain("符合 \(c.pass)")))
        }
        return Layout.page(title: "合规总览", path: "/compliance", caller: caller, csrf: req.csrfToken,
            .h1(.plain("\(m.year) 年合规总览")),
            .form(.class("filters"), .method(.get), .action("/compliance"),
                  FormField.text("year", label: "年度", value: String(m.year), error: nil, type: .number),
                  FormField.select("district", label: "区县", options: [("", "全部")] + districts.map { ($0.id.uuidString, $0.name) }, selected: filter.district?.uuidString, error: nil),
                  FormField.select("rule", label: "规则", options: [("", "全部")] + ComplianceEngine.evaluatedRuleIDs.sorted().map { ($0, $0) }, selected: filter.rule, error: nil),
                  FormField.select("state", label: "状态", options: [("", "全部")] + FindingState.allCases.map { ($0.rawValue, $0.label) }, selected: filter.state, error: nil),
                  .button(.type(.submit), .plain("筛选"))),
            .p(.a(.href("/compliance/export.csv?\(query)"), .plain("导出 CSV")), .plain("　"), .a(.href("/compliance/export.xlsx?\(query)"), .plain("导出 Excel（.xlsx）"))),
            .table(.class("list matrix"),
                .thead(.tr(.th("区县"), .th("社工站"), .forEach(Self.groups) { .th(.plain($0.label)) })),
                .tbody(
                    .forEach(m.stations) { s in
                        .tr(.td(.plain(s.district)), .td(.a(.href("/stations/\(s.id)/compliance?year=\(m.year)"), .plain(s.name))),
                            .forEach(Self.groups) { g in .td(cell(s.groups[g.rawValue])) })
                    },
                    .tr(.class("total"), .td(.plain("合计")), .td(.plain("\(m.stations.count) 个站")), .forEach(Self.groups) { g in .td(cell(m.totals[g.rawValue])) }))))
        .response()
    }
}
