import Domain
import Fluent
import Plot
import Vapor

/// A city's additions to its service catalogue (issue 10 §1: "a city may add items through the
/// policy versions it already has"): items (code, Chinese label, field) and, where the shipped
/// profile has none, featured projects (V-3's "N"). Each addition is a new policy version with an
/// effective date, audited as a parameter change is; from the year it is in force the items are
/// offered by the forms, accepted by the ledger's check and labelled on the dashboards. Nothing
/// shipped or added before can be replaced, renamed, moved or removed this way.
struct CatalogueChange: Content {
    struct Item: Content {
        var code: String?
        var label: String?
        var field: String?
    }

    var items: [Item]?
    /// true opens featured projects; they cannot be closed again.
    var featuredProjects: Bool?
    var effectiveFrom: String
    var note: String?
    var backdateReason: String?
}

enum PolicyCatalogue {
    static let maxItems = 50

    static func add(_ city: OrgUnit, _ resource: Access.Resource, _ c: CatalogueChange, req: Request) async throws -> PolicyVersion {
        try req.authorize(.update, resource)
        guard let profileID = city.policyProfile else { throw AppError.field("policy_profile", "\(city.name)尚未指定政策配置") }
        let shipped = try PolicyProfile.shipped(profileID)
        var v = Validator()
        func trimmed(_ s: String?) -> String { (s ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let items = (c.items ?? []).map { ServiceItem(code: trimmed($0.code), label: trimmed($0.label), field: $0.field.map { trimmed($0) }) }
        if items.count > maxItems { v.add("items", "一个版本最多新增 \(maxItems) 个服务目录项目") }
        if c.featuredProjects == false {
            v.add("featured_projects", "特色项目开放后不能通过政策版本关闭（已设立的特色项目及其服务记录都在）；不开放时请不要填写此项")
        }
        if items.isEmpty && c.featuredProjects == nil { v.add("items", "请至少新增一个服务目录项目，或开放特色项目") }
        let note = trimmed(c.note), reason = trimmed(c.backdateReason)
        if note.count > 500 { v.add("note", "说明不能超过 500 字") }
        if reason.count > 500 { v.add("backdate_reason", "追溯理由不能超过 500 字") }
        let effective = PolicyVersions.effectiveDate(c.effectiveFrom, reason: reason, today: req.today, into: &v)
        try v.check()
        let opens = c.featuredProjects == true
        let cityID = try city.requireID()
        return try await PolicyVersions.record(city: city, profileID: profileID, effective: effective!, note: note, reason: reason, req: req) { overrides, catalogue, db in
            // The versions already recorded for later dates were built without this addition: an
            // earlier date would offer the items in between and take them away again after.
            if let later = try await PolicyVersion.query(on: db).filter(\.$cityID == cityID).filter(\.$effectiveFrom > effective!.description)
                .sort(\.$effectiveFrom, .descending).first() {
                throw AppError.field("effective_from", "已有第 \(later.version) 版自 \(later.effectiveFrom) 起生效：新增服务目录项目的生效日期不能早于它，否则该版以后各年度不会包含新增的项目")
            }
            let current = shipped.applying(overrides, catalogue: catalogue)
            let refusals = current.refusals(adding: items, shipped: shipped)
            if !refusals.isEmpty {
                throw AppError.invalid(refusals.map { FieldError(field: $0.field, message: $0.message) },
                                       status: refusals.allSatisfy(\.isRepeat) ? .conflict : .unprocessableEntity)
            }
            if items.isEmpty && opens && current.featuredProjects {
                throw AppError.field("featured_projects", "本市服务目录已开放特色项目（\(RuleName.label("V-3"))中的“N”），无需再次开放", status: .conflict)
            }
            catalogue.items += items
            var changes: AuditLog.Changes = [:]
            if !items.isEmpty {
                changes["service_items"] = [nil, items.map { "\($0.code) \($0.label)（\(current.serviceField($0.field ?? "")?.label ?? "")）" }.joined(separator: "、")]
            }
            if opens && !current.featuredProjects {
                catalogue.featuredProjects = true
                changes["featured_projects"] = [nil, "true"]
            }
            return changes
        }
    }
}

extension PolicyController {
    func apiCatalogue(req: Request) async throws -> Response {
        let (city, resource) = try await callerCity(req)
        let version = try await PolicyCatalogue.add(city, resource, try req.content.decode(CatalogueChange.self), req: req)
        return try await ["version": version.version].encodeResponse(status: .created, for: req)
    }

    /// The policy page's "新增服务目录项目" form: one item, or the opening of featured projects, or both.
    func catalogueFromForm(req: Request) async throws -> Response {
        let (city, resource) = try await callerCity(req)
        let form = try req.content.decode([String: String].self)
        func value(_ name: String) -> String { form["catalogue_" + name] ?? "" }
        let typed = !(value("code") + value("label") + value("field")).trimmingCharacters(in: .whitespaces).isEmpty
        let change = CatalogueChange(items: typed ? [.init(code: value("code"), label: value("label"), field: value("field"))] : [],
                                     featuredProjects: form["catalogue_featured"] != nil ? true : nil, effectiveFrom: value("effective_from"),
                                     note: value("note"), backdateReason: value("backdate_reason"))
        do {
            _ = try await PolicyCatalogue.add(city, resource, change, req: req)
            return req.redirect(to: SiteURL.policy.relativeURL([Saved.key: Saved.policy.rawValue]) + "#catalogue")
        } catch let error as AppError {
            var errors = Validator()
            for e in error.fieldErrors {
                let name = e.field.hasPrefix("items[0].") ? String(e.field.dropFirst("items[0].".count))
                    : e.field == "items" ? "code" : e.field == "featured_projects" ? "featured" : e.field
                errors.add("catalogue_" + name, e.message)
            }
            return try await render(req, errors: Validator(), values: [:], catalogueErrors: errors, catalogueValues: form, status: error.status)
        }
    }
}

/// The policy page's part on the service catalogue: each field with its items (those the city
/// added marked as such), whether featured projects are open, and the city admin's form.
enum PolicyCatalogueSection {
    struct Model {
        var profile: PolicyProfile
        var shipped: PolicyProfile
        var canChange: Bool
        var today: Day
        var values: [String: String]
        var errors: Validator
    }

    static func view(_ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        let p = m.profile
        let general = p.serviceItems.filter { $0.field == nil }
        func label(_ item: ServiceItem) -> String { item.label + (m.shipped.serviceItem(item.code) == nil ? "（本市新增）" : "") }
        return .section(.class("card"), .id("catalogue"),
            .h2("服务目录"),
            .p(.plain("服务记录按本目录标注服务领域和服务内容（\(RuleName.label("V-1"))、\(RuleName.label("V-2"))、\(RuleName.label("V-3"))）。")),
            .table(.class("list"), .id("catalogue-items"),
                .thead(.tr(.th("服务领域"), .th("服务内容（项目）"))),
                .tbody(
                    .if(!general.isEmpty, .tr(.td("各领域通用"), .td(.plain(general.map(label).joined(separator: "、"))))),
                    .forEach(p.serviceFields) { f in
                        let own = p.serviceItems.filter { $0.field == f.code }
                        return .tr(.td(.plain(f.label)), .td(.plain(own.isEmpty ? "（未列项目）" : own.map(label).joined(separator: "、"))))
                    })),
            .p(.id("featured-status"), .plain(p.featuredProjects
                ? "特色项目（“1+4+N”中的“N”）：已开放，各社工站按年度设立，服务可记入本站本年度的特色项目；本市政策未规定数量。"
                  + (m.shipped.featuredProjects ? "" : "（本市以政策版本开放）")
                : "特色项目：本市政策文件未规定，未开放。")),
            .if(m.canChange, .group(
                .h3("新增服务目录项目"),
                .p(.class("hint"), .plain("新增形成政策配置的新版本，自生效日期所在年度起用于服务记录。原有项目和已新增的项目不能改名、改变所属领域或删除。")),
                FormField.summary(m.errors.errors),
                .form(.method(.post), .action(SiteURL.policyCatalogue.relativeURL()), .class("edit"), .id("catalogue-form"),
                      FormField.csrf(csrf),
                      FormField.text("catalogue_code", label: "项目代码（小写字母、数字、下划线）", value: m.values["catalogue_code"],
                                     error: m.errors.message(for: "catalogue_code")),
                      FormField.text("catalogue_label", label: "项目名称", value: m.values["catalogue_label"], error: m.errors.message(for: "catalogue_label")),
                      FormField.select("catalogue_field", label: "所属服务领域", options: [("", "请选择")] + p.serviceFields.map { ($0.code, $0.label) },
                                       selected: m.values["catalogue_field"], error: m.errors.message(for: "catalogue_field")),
                      .if(!p.featuredProjects, FormField.checkbox("catalogue_featured", label: "开放特色项目（各社工站按年度设立，服务可记入）",
                                                                  checked: m.values["catalogue_featured"] != nil, invalid: m.errors.message(for: "catalogue_featured"))),
                      FormField.text("catalogue_effective_from", label: "生效日期", value: m.values["catalogue_effective_from"] ?? "\(m.today.year + 1)-01-01",
                                     error: m.errors.message(for: "catalogue_effective_from"), type: .date, required: true),
                      FormField.text("catalogue_note", label: "说明（依据的文件等）", value: m.values["catalogue_note"], error: m.errors.message(for: "catalogue_note")),
                      FormField.text("catalogue_backdate_reason", label: "追溯理由（生效日期早于今天时必填，仅限本年度）", value: m.values["catalogue_backdate_reason"],
                                     error: m.errors.message(for: "catalogue_backdate_reason")),
                      .button(.type(.submit), .plain("保存为新版本"))))))
    }
}
