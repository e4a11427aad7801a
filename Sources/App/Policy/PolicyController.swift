import Domain
import Fluent
import Plot
import Vapor

/// The city's policy profile: rules with sources, and parameter changes as dated versions.
struct PolicyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.policy, use: page)
        routes.post(SiteURL.policy, use: changeFromForm)
        routes.get(ApiRoute.policy, use: apiShow)
        routes.post(ApiRoute.policyVersions, use: apiChange)
        routes.post(SiteURL.policyCatalogue, use: catalogueFromForm)
        routes.post(ApiRoute.policyCatalogue, use: apiCatalogue)
    }

    struct Change: Content {
        var ruleId: String
        var param: String
        var value: Double
        var effectiveFrom: String
        var note: String?
        /// Required when the change takes effect before today (it then rewrites findings already shown).
        var backdateReason: String?
    }

    struct RuleDTO: Content {
        var id: String
        var title: String
        var group: RuleGroup
        var strength: RuleStrength
        var demonstrationOnly: Bool
        var params: [String: Double]
        /// How the rule counts days (A-5, E-4, dated deadlines), beside its parameters.
        var dayCount: String?
        var sources: [PolicyRule.Source]
    }

    struct ItemDTO: Content {
        var code: String
        var label: String
        var field: String?
        /// Added by the city through a policy version, not shipped.
        var addedByCity: Bool
    }

    struct ProfileDTO: Content {
        var city: String
        var profile: String
        var year: Int
        var version: Int?
        var effectiveFrom: String?
        var rules: [RuleDTO]
        /// The service catalogue in force that year (V-1, V-2, V-3), the city's additions included.
        var serviceFields: [ServiceField]
        var serviceItems: [ItemDTO]
        /// Whether stations define featured projects (V-3's "N").
        var featuredProjects: Bool
    }

    /// The caller's city: the first city on the path of any of their unit assignments. The policy
    /// applies throughout the city, so it is described at the caller's own place in it: everyone in
    /// the city reads it, and only a city admin's role may change it.
    func callerCity(_ req: Request) async throws -> (city: OrgUnit, resource: Access.Resource) {
        let caller = try req.requireCaller()
        guard let path = caller.assignments.first?.placePath else { throw Abort(.forbidden, reason: "您的账户没有管辖范围") }
        let city = try await PolicyService.city(of: path, on: req.db)
        let resource = Access.Resource(kind: .policy, paths: [path])
        try req.authorize(.read, resource)
        return (city, resource)
    }

    func apiShow(req: Request) async throws -> ProfileDTO {
        let (city, _) = try await callerCity(req)
        let year = try req.yearQuery()
        let inForce = try await PolicyService.inForce(city: city, year: year, on: req.db)
        let shipped = try PolicyProfile.shipped(inForce.profile.id)
        return ProfileDTO(city: city.name, profile: inForce.profile.id, year: year, version: inForce.version, effectiveFrom: inForce.effectiveFrom,
                          rules: inForce.profile.rules.map { RuleDTO(id: $0.id, title: $0.title, group: $0.group, strength: $0.strength,
                                                                      demonstrationOnly: $0.demonstrationOnly, params: $0.params, dayCount: $0.dayCountNote, sources: $0.sources) },
                          serviceFields: inForce.profile.serviceFields,
                          serviceItems: inForce.profile.serviceItems.map { .init(code: $0.code, label: $0.label, field: $0.field, addedByCity: shipped.serviceItem($0.code) == nil) },
                          featuredProjects: inForce.profile.featuredProjects)
    }

    func apiChange(req: Request) async throws -> Response {
        let (city, resource) = try await callerCity(req)
        let version = try await change(city, resource, try req.content.decode(Change.self), req: req)
        return try await ["version": version.version].encodeResponse(status: .created, for: req)
    }

    /// Records a parameter change as a new version: the parameters in force on its effective date plus this change.
    func change(_ city: OrgUnit, _ resource: Access.Resource, _ c: Change, req: Request) async throws -> PolicyVersion {
        try req.authorize(.update, resource)
        guard let profileID = city.policyProfile else { throw AppError.field("policy_profile", "\(city.name)尚未指定政策配置") }
        let base = try PolicyProfile.shipped(profileID)
        var v = Validator()
        let rule = base.rule(c.ruleId)
        if rule == nil { v.add("rule_id", "规则 \(RuleName.label(c.ruleId)) 不在\(base.name)中") }
        if let rule, !rule.parameterNames.contains(c.param) {
            v.add("param", "规则 \(RuleName.label(rule.id)) 没有参数“\(RuleParameter.label(c.param))”（可设：\(rule.parameterNames.map(RuleParameter.label).joined(separator: "、"))）")
        }
        if PolicyRule.flagParams.contains(c.param) {
            if !(c.value == 0 || c.value == 1) { v.add("value", "规则 \(RuleName.label(c.ruleId)) 的参数“\(RuleParameter.label(c.param))”只能为 1（是）或 0（否）") }
        } else {
            v.number(c.value, field: "value", label: "规则 \(RuleName.label(c.ruleId)) 的参数“\(RuleParameter.label(c.param))”", bounds: PolicyBounds.bounds(for: c.param))
        }
        let note = (c.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = (c.backdateReason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if note.count > 500 { v.add("note", "说明不能超过 500 字") }
        if reason.count > 500 { v.add("backdate_reason", "追溯理由不能超过 500 字") }
        let effective = PolicyVersions.effectiveDate(c.effectiveFrom, reason: reason, today: req.today, into: &v)
        try v.check()
        guard let rule, let effective else { throw AppError.invalid(v.errors) }
        return try await PolicyVersions.record(city: city, profileID: profileID, effective: effective, note: note, reason: reason, req: req) { overrides, _, _ in
            let old = overrides[c.ruleId]?[c.param] ?? rule.params[c.param]
            overrides[c.ruleId, default: [:]][c.param] = c.value
            return ["\(c.ruleId).\(c.param)": [old.map { String($0) }, String(c.value)]]
        }
    }

    func page(req: Request) async throws -> Response {
        try await render(req, errors: Validator(), values: [:])
    }

    func changeFromForm(req: Request) async throws -> Response {
        let (city, resource) = try await callerCity(req)
        let form = try req.content.decode([String: String].self)
        let parts = (form["target"] ?? "").split(separator: "|").map(String.init)
        var errors = Validator()
        let raw = (form["value"] ?? "").trimmingCharacters(in: .whitespaces)
        let value = raw.range(of: #"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"#, options: .regularExpression) == nil ? nil : Double(raw)
        guard parts.count == 2, let value else {
            // Every error of the form at once: the other fields are checked as the change would check them.
            if parts.count != 2 { errors.add("target", "请选择要修改的规则参数") }
            if value == nil { errors.add("value", raw.isEmpty ? "新值不能为空" : "新值应为数字，收到“\(raw.prefix(20))”") }
            _ = errors.day(form["effective_from"], field: "effective_from", label: "生效日期")
            if (form["effective_from"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty { errors.add("effective_from", "生效日期不能为空") }
            _ = errors.text(form["note"], field: "note", label: "说明", max: 500)
            _ = errors.text(form["backdate_reason"], field: "backdate_reason", label: "追溯理由", max: 500)
            return try await render(req, errors: errors, values: form, status: .unprocessableEntity)
        }
        do {
            _ = try await change(city, resource, Change(ruleId: parts[0], param: parts[1], value: value, effectiveFrom: form["effective_from"] ?? "",
                                                        note: form["note"], backdateReason: form["backdate_reason"]), req: req)
            return req.redirect(to: SiteURL.policy.relativeURL([Saved.key: Saved.policy.rawValue]))
        } catch let error as AppError {
            // The form chooses rule and parameter in one field.
            for e in error.fieldErrors { errors.add(["rule_id", "param"].contains(e.field) ? "target" : e.field, e.message) }
            return try await render(req, errors: errors, values: form, status: error.status)
        }
    }

    func render(_ req: Request, errors: Validator, values: [String: String], catalogueErrors: Validator = Validator(), catalogueValues: [String: String] = [:],
                status: HTTPResponseStatus = .ok) async throws -> Response {
        let caller = try req.requireCaller()
        let (city, resource) = try await callerCity(req)
        let year = try req.yearQuery()
        let inForce = try await PolicyService.inForce(city: city, year: year, on: req.db)
        let versions = try await PolicyVersion.query(on: req.db).filter(\.$cityID == city.requireID()).sort(\.$version, .descending).all()
        let canChange = caller.may(.update, resource)
        let shipped = try PolicyProfile.shipped(inForce.profile.id)
        let targets = inForce.profile.rules.flatMap { rule in rule.parameterNames.map { ("\(rule.id)|\($0)", "\(RuleName.label(rule.id))：\(RuleParameter.label($0))（现值 \(PolicyRule.shown(param: $0, rule.params[$0]))）") } }
        return Layout.page(title: "政策配置", path: SiteURL.policy.relativeURL(), caller: caller, csrf: req.csrfToken,
            .h1(.plain("\(city.name)政策配置：\(inForce.profile.name)")),
            Saved.node(status == .ok ? Saved.notice(req) : nil),
            .p(.class("lead"), .plain("\(year) 年适用" + (inForce.version.map { "第 \($0) 版（\(inForce.effectiveFrom ?? "") 起生效）" } ?? "原始配置") + "。规则参数是数据：修改后形成新版本，按生效日期用于各年度的评估。")),
            .form(.class("filters"), .method(.get), .action(SiteURL.policy.relativeURL()),
                  FormField.text("year", label: "查看年度", value: String(year), error: nil, type: .number),
                  .button(.type(.submit), .plain("查看"))),
            .forEach(RuleGroup.allCases) { group in
                let rules = inForce.profile.rules.filter { $0.group == group }
                return .if(!rules.isEmpty, .group(
                    .h2(.plain(group.label)),
                    .table(.class("list rules"),
                        .thead(.tr(.th("编号"), .th("规则"), .th("强度"), .th("参数"), .th("依据"))),
                        .tbody(.forEach(rules) { rule in
                            .tr(.id("rule-\(rule.id)"),
                                .td(.plain(RuleName.label(rule.id))),
                                .td(.plain(rule.title + (rule.demonstrationOnly ? "（仅示范点）" : ""))),
                                .td(.plain(rule.strength.label)),
                                .td(.plain(rule.parameterNames.map { "\(RuleParameter.label($0))：\(PolicyRule.shown(param: $0, rule.params[$0]))" }.joined(separator: "；")),
                                    .unwrap(rule.dayCountNote) { .small(.class("day-count"), .plain("（\($0)）")) }),
                                .td(.plain(rule.citation)))
                        }))))
            },
            .if(canChange, .group(
                .h2("修改参数"),
                FormField.summary(errors.errors),
                .form(.method(.post), .action(SiteURL.policy.relativeURL()), .class("edit"),
                      FormField.csrf(req.csrfToken),
                      FormField.select("target", label: "规则参数", options: targets, selected: values["target"], error: errors.message(for: "target")),
                      FormField.text("value", label: "新值", value: values["value"], error: errors.message(for: "value"), required: true),
                      FormField.text("effective_from", label: "生效日期", value: values["effective_from"] ?? "\(req.today.year + 1)-01-01",
                                     error: errors.message(for: "effective_from"), type: .date, required: true),
                      FormField.text("note", label: "说明（依据的文件等）", value: values["note"], error: errors.message(for: "note")),
                      FormField.text("backdate_reason", label: "追溯理由（生效日期早于今天时必填，仅限本年度）", value: values["backdate_reason"],
                                     error: errors.message(for: "backdate_reason")),
                      .button(.type(.submit), .plain("保存为新版本"))))),
            PolicyCatalogueSection.view(.init(profile: inForce.profile, shipped: shipped, canChange: canChange,
                                              today: req.today, values: catalogueValues, errors: catalogueErrors), csrf: req.csrfToken),
            .h2("版本记录"),
            .if(versions.isEmpty, .p(.class("empty"), .plain("尚未修改，使用原始配置。"))),
            .ul(.forEach(versions) { v in
                .li(.class(v.backdateReason == nil ? "" : "backdated"),
                    .plain("第 \(v.version) 版，\(v.effectiveFrom) 起生效，\(v.createdBy)：\(v.note.isEmpty ? "（无说明）" : v.note)"),
                    .unwrap(v.backdateReason) { .strong(.plain("（追溯生效，理由：\($0)）")) })
            })
        ).response(status: status)
    }
}

/// Sane bounds for each policy parameter, by what it measures: a minimum room area of 10^12 m² or
/// a share of 5 is refused naming the parameter and its range.
enum PolicyBounds {
    static func bounds(for param: String) -> NumberBounds {
        let p = param.lowercased()
        if p == "pointsrounding" { return NumberBounds(range: 0...2, unit: "", wholeNumber: true) }
        if p.hasSuffix("workingdays") { return NumberBounds(range: 1...365, unit: "个工作日", wholeNumber: true) }
        if p == "dueday" || p == "monthlydueday" { return NumberBounds(range: 1...31, unit: "日", wholeNumber: true) }
        if p == "duemonth" { return NumberBounds(range: 1...12, unit: "月", wholeNumber: true) }
        if p.hasSuffix("monthsbeforeyearend") { return NumberBounds(range: 0...12, unit: "个月", wholeNumber: true) }
        if p.contains("area") { return NumberBounds(range: 0...1000, unit: "平方米") }
        if p.contains("hours") { return NumberBounds(range: 0...1000, unit: "小时") }
        if p.contains("years") { return NumberBounds(range: 0...100, unit: "年", wholeNumber: true) }
        if p.hasPrefix("ratio") || ["district", "street", "thirdparty"].contains(p) { return NumberBounds(range: 0...1, unit: "（比例，0–1）") }
        if p.contains("yuan") || p.contains("wage") { return NumberBounds(range: 0...10_000_000, unit: "元") }
        if ["excellent", "good", "pass", "minscore", "target", "total"].contains(p) { return NumberBounds(range: 0...100, unit: "分") }
        // Counts: workers, supervisors, fields, services per year.
        return NumberBounds(range: 0...1000, unit: "", wholeNumber: true)
    }
}
