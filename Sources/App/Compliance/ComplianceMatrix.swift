import Domain
import Fluent
import SQLKit
import Vapor

/// The matrix of stations × rule groups for districts and the city: what the API, the exports and
/// the page share. Worst stations first (most failing rules, then place order), with totals per
/// group, and per rule how many stations pass.
enum ComplianceMatrix {
    static let groups: [RuleGroup] = [.premises, .staffing, .supervision, .services, .resources]

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
        /// Rules this station fails (the matrix lists the stations failing most first).
        var failing: Int
        var findings: [Finding]?
    }

    /// How many of the listed stations pass a rule (符合, or 不适用 to them).
    struct RuleTotal: Content {
        var ruleId: String
        var label: String
        var passing: Int
        var stations: Int
    }

    struct MatrixDTO: Content {
        var year: Int
        var stations: [StationResult]
        var totals: [String: Counts]
        var ruleTotals: [RuleTotal]
        /// Stations passing every rule.
        var passingAll: Int
    }

    struct StationDTO: Content {
        var id: UUID
        var name: String
        var year: Int
        var evaluationDay: String
        var findings: [Finding]
    }

    static func passes(_ state: FindingState) -> Bool { state == .pass || state == .notApplicable }

    /// One station's findings; the station row the evaluation reads serves for the access check.
    static func station(_ req: Request) async throws -> (ComplianceQueries.StationRow, Int, [Finding]) {
        let year = try req.yearQuery()
        guard let id = req.parameters.get("id", as: UUID.self),
              let evaluated = try await ComplianceQueries.evaluate(where: "s.deleted_at IS NULL AND s.id = \(bind: id)", oneStation: true, year: year, today: req.today,
                                                                   policies: req.application.policies, on: req.readDB).first else {
            throw Abort(.notFound, reason: "未找到该社工站，或不在您的管辖范围内")
        }
        let s = evaluated.station
        try req.authorize(.read, Access.Resource(kind: .station, paths: [s.path], operatorIDs: Set([s.operatorID?.uuidString].compactMap { $0 })))
        return (s, year, evaluated.findings)
    }

    /// The stations in scope, filtered, with counts per group; findings are always read (the exports
    /// and rule totals need them) and returned when `detail` is asked for.
    static func build(_ req: Request, detail: Bool) async throws -> MatrixDTO {
        let caller = try req.requireCaller()
        let filter = try req.query.decode(Filter.self)
        let year = try req.yearQuery()
        var state: FindingState?
        if let raw = filter.state, !raw.isEmpty {
            guard let s = FindingState(rawValue: raw) else {
                throw AppError.field("state", "未知的状态“\(raw)”（可选 \(FindingState.allCases.map { "\($0.rawValue) \($0.label)" }.joined(separator: "、"))）", status: .badRequest)
            }
            state = s
        }
        let rule = filter.rule.flatMap { $0.isEmpty ? nil : $0 }
        if let rule, !ComplianceEngine.evaluatedRuleIDs.contains(rule) {
            throw AppError.field("rule", "规则 \(rule) 不在本页评估范围（\(ComplianceEngine.evaluatedRuleIDs.sorted().map(RuleName.label).joined(separator: "、"))）", status: .badRequest)
        }
        guard let condition = StationScope.condition(caller, district: filter.district, on: req.db) else {
            return MatrixDTO(year: year, stations: [], totals: [:], ruleTotals: [], passingAll: 0)
        }
        var results: [StationResult] = []
        var totals: [String: Counts] = [:]
        for e in try await ComplianceQueries.evaluate(where: condition, year: year, today: req.today, policies: req.application.policies, on: req.readDB) {
            if rule != nil || state != nil {
                let match = e.findings.contains { (rule == nil || $0.ruleID == rule) && (state == nil || $0.state == state) }
                if !match { continue }
            }
            var groups: [String: Counts] = [:]
            for f in e.findings {
                groups[f.group.rawValue, default: Counts()].add(f.state)
                totals[f.group.rawValue, default: Counts()].add(f.state)
            }
            results.append(StationResult(id: e.station.id, name: e.station.name, district: e.station.districtName, groups: groups,
                                         failing: e.findings.filter { $0.state == .failure }.count, findings: e.findings))
        }
        // Worst first: most failing rules; the sort is stable, so ties keep the place order of the query.
        let ranked = results.enumerated().sorted { ($1.element.failing, $0.offset) < ($0.element.failing, $1.offset) }.map(\.element)
        var ruleTotals: [RuleTotal] = []
        for id in ComplianceEngine.evaluatedRuleIDs.sorted(by: ruleOrder) {
            let states = ranked.compactMap { $0.findings?.first { $0.ruleID == id }?.state }
            if states.isEmpty { continue }
            ruleTotals.append(RuleTotal(ruleId: id, label: RuleName.label(id), passing: states.filter(passes).count, stations: states.count))
        }
        let passingAll = ranked.filter { ($0.findings ?? []).allSatisfy { passes($0.state) } }.count
        return MatrixDTO(year: year, stations: detail ? ranked : ranked.map { var s = $0; s.findings = nil; return s },
                         totals: totals, ruleTotals: ruleTotals, passingAll: passingAll)
    }

    /// P-1 … P-5, S-1 … S-8, T-1 … T-5: by letter as the catalogue lists them, then by number.
    static func ruleOrder(_ a: String, _ b: String) -> Bool {
        let letters = "HPSTVRAEDCF"
        func key(_ id: String) -> (Int, Int) {
            let letter = id.first.flatMap { letters.firstIndex(of: $0) }.map { letters.distance(from: letters.startIndex, to: $0) } ?? 99
            return (letter, Int(id.split(separator: "-").last ?? "") ?? 0)
        }
        return key(a) < key(b)
    }

    /// The export: one row per station × rule with its state, measured and required values and its
    /// source, then a total row per rule (stations passing) and one for every rule.
    static func spreadsheet(_ m: MatrixDTO, filter: Filter) -> Spreadsheet {
        let rule = filter.rule.flatMap { $0.isEmpty ? nil : $0 }
        let state = filter.state.flatMap { $0.isEmpty ? nil : FindingState(rawValue: $0) }
        var rows: [[Spreadsheet.Cell]] = [[.text("区县"), .text("社工站"), .text("不符合规则数"), .text("规则组"), .text("规则"), .text("状态"),
                                           .text("实际"), .text("要求"), .text("如何整改"), .text("依据")]]
        for s in m.stations {
            for f in (s.findings ?? []).sorted(by: { ruleOrder($0.ruleID, $1.ruleID) })
            where (rule == nil || f.ruleID == rule) && (state == nil || f.state == state) {
                rows.append([.text(s.district), .text(s.name), .number(Double(s.failing)), .text(f.group.label), .text(RuleName.label(f.ruleID)),
                             .text(f.state.label), .text(f.measured), .text(f.required), .text(f.advice), .text(f.source)])
            }
        }
        for t in m.ruleTotals where rule == nil || t.ruleId == rule {
            rows.append([.text("合计"), .text("\(t.stations) 个站"), .text(""), .text(RuleGroup(ruleID: t.ruleId)?.label ?? ""), .text(t.label),
                         .text("符合 \(t.passing)/\(t.stations) 站"), .text(""), .text(""), .text(""), .text("")])
        }
        rows.append([.text("合计"), .text("\(m.stations.count) 个站"), .text(""), .text("全部规则"), .text("全部规则均符合"),
                     .text("符合 \(m.passingAll)/\(m.stations.count) 站"), .text(""), .text(""), .text(""), .text("")])
        return Spreadsheet(sheetName: "\(m.year)年合规情况", rows: rows)
    }
}
