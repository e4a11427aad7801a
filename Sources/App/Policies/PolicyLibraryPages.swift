import Domain
import Plot
import Vapor

/// `/policy-library`: the city's policy library (政策资源库), searchable by title, document number,
/// issuing body and eligibility.
enum PolicyLibraryListPage {
    struct Model {
        var filter = PolicyLibrary.Filter()
        var rows: [LibraryPolicyDTO] = []
        var paging = Paging(page: 1, per: 20, total: 0)
        var fields: [ServiceField] = []
        var canCreate = false
    }

    static func view(_ m: Model, caller: Caller) -> HTML {
        Layout.page(title: "政策资源库", path: SiteURL.policyLibrary.relativeURL(), caller: caller,
            .h1("政策资源库"),
            .p(.class("lead"), .plain("\(RuleName.label("R-1"))、\(RuleName.label("V-10"))：本市的社会救助、养老、儿童福利等政策，以及各站补充的本站政策。"
                                      + "个案预估和救助求助可以注明适用的政策。"),
               .if(m.canCreate, .a(.class("button"), .href(SiteURL.policyLibraryNew.relativeURL()), .plain("添加政策")))),
            .form(.method(.get), .action(SiteURL.policyLibrary.relativeURL()), .class("filters"),
                FormField.text("q", label: "名称、文号、发文机关或适用对象", value: m.filter.q, error: nil),
                FormField.select("field", label: "服务领域", options: [("", "全部")] + m.fields.map { ($0.code, $0.label) }, selected: m.filter.field, error: nil),
                FormField.select("validity", label: "效力", options: [("", "全部"), ("in_force", "现行有效"), ("not_yet", "尚未生效"), ("expired", "已失效")],
                                 selected: m.filter.validity, error: nil),
                .button(.type(.submit), .plain("查找"))),
            .if(m.rows.isEmpty, .p(.class("empty"), .plain("没有找到政策。"))),
            .if(!m.rows.isEmpty, .div(.class("scroll"), .table(.class("list"), .id("policies"),
                .thead(.tr(.th("政策名称"), .th("文号"), .th("发文机关"), .th("服务领域"), .th("生效日期"), .th("效力"), .th("维护"))),
                .tbody(.forEach(m.rows) { p in
                    .tr(.td(.a(.href(SiteURL.libraryPolicy(.value(p.id)).relativeURL()), .plain("《\(p.title)》"))), .td(.plain(p.docNumber ?? "—")),
                        .td(.plain(p.issuer)), .td(.plain(p.fieldLabel ?? "—")), .td(.plain(p.effectiveOn)),
                        .td(.plain(p.validityLabel)), .td(.plain(p.keptBy)))
                })))),
            m.paging.nav { SiteURL.policyLibrary.relativeURL(["q": m.filter.q, "field": m.filter.field, "validity": m.filter.validity, "page": String($0)]) })
    }
}

/// The fields of a policy, for the new form and the correction form on the policy's page.
enum PolicyFormFields {
    static func fields(_ values: [String: String], errors: Validator, fields: [ServiceField]) -> Node<HTML.FormContext> {
        .group(
            FormField.text("title", label: "政策名称（不含书名号）", value: values["title"], error: errors.message(for: "title"), required: true),
            FormField.text("issuer", label: "发文机关", value: values["issuer"], error: errors.message(for: "issuer"), required: true),
            FormField.text("doc_number", label: "文号（没有或查不到的留空）", value: values["doc_number"], error: errors.message(for: "doc_number")),
            FormField.select("field", label: "服务领域", options: [("", "不限")] + fields.map { ($0.code, $0.label) }, selected: values["field"],
                             error: errors.message(for: "field")),
            FormField.text("effective_on", label: "生效日期", value: values["effective_on"], error: errors.message(for: "effective_on"), type: .date),
            FormField.text("expires_on", label: "失效日期（长期有效的留空）", value: values["expires_on"], error: errors.message(for: "expires_on"), type: .date),
            FormField.textarea("summary", label: "主要内容", value: values["summary"], error: errors.message(for: "summary")),
            FormField.textarea("eligibility", label: "适用对象（谁符合条件）", value: values["eligibility"], error: errors.message(for: "eligibility")))
    }
}

/// `/policy-library/new`: a policy of the city (the city admin) or a station's local one.
enum PolicyLibraryNewPage {
    struct Model {
        /// "" for the city's library; a station id for its local policy.
        var keepers: [(value: String, label: String)] = []
        var fields: [ServiceField] = []
        var values: [String: String] = [:]
        var errors = Validator()
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        Layout.page(title: "添加政策", path: SiteURL.policyLibraryNew.relativeURL(), caller: caller, csrf: csrf,
            .h1("添加政策"),
            FormField.summary(m.errors.errors),
            .form(.method(.post), .action(SiteURL.policyLibraryNew.relativeURL()), .class("edit"), .id("policy-form"),
                FormField.csrf(csrf),
                FormField.select("station_id", label: "添加到", options: m.keepers, selected: m.values["station_id"], error: m.errors.message(for: "station_id")),
                PolicyFormFields.fields(m.values, errors: m.errors, fields: m.fields),
                .button(.type(.submit), .plain("保存"))))
    }
}

/// `/policy-library/{id}`: a policy, its attachments, where it was applied, and (for its keeper) the
/// correction and upload forms.
enum LibraryPolicyPage {
    struct Model {
        var policy: LibraryPolicyDTO
        var canUpdate = false
        var fields: [ServiceField] = []
        var values: [String: String] = [:]
        var errors = Validator()
        var fileError: String?
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let p = m.policy
        let url = SiteURL.libraryPolicy(.value(p.id)).relativeURL()
        return Layout.page(title: "《\(p.title)》", path: url, caller: caller, csrf: csrf,
            .h1(.plain("《\(p.title)》")),
            .dl(.class("facts"),
                .dt("发文机关"), .dd(.plain(p.issuer)),
                .dt("文号"), .dd(.id("doc-number"), .plain(p.docNumber ?? "—")),
                .dt("服务领域"), .dd(.plain(p.fieldLabel ?? "不限")),
                .dt("生效日期"), .dd(.plain(p.effectiveOn)),
                .dt("失效日期"), .dd(.plain(p.expiresOn ?? "长期有效")),
                .dt("效力"), .dd(.id("validity"), .plain(p.validityLabel)),
                .dt("维护"), .dd(.plain(p.keptBy)),
                .dt("主要内容"), .dd(.plain(p.summary)),
                .dt("适用对象"), .dd(.id("eligibility"), .plain(p.eligibility))),
            .section(.class("card"), .id("attachments"),
                .h2(.plain("附件（\(p.attachments.count)）")),
                .if(p.attachments.isEmpty, .p(.class("empty"), .plain("尚未上传附件。"))),
                .ul(.forEach(p.attachments) { f in
                    .li(.a(.href(SiteURL.libraryPolicyFile(.value(f.id)).relativeURL(["inline": "1"])), .plain(f.name)), .plain(" · "),
                        .a(.href(SiteURL.libraryPolicyFile(.value(f.id)).relativeURL()), .plain("下载")))
                }),
                .if(m.canUpdate, .form(.method(.post), .action(SiteURL.libraryPolicyAttachments(.value(p.id)).relativeURL()), .class("edit"), .id("file-form"),
                    .enctype(.multipartData),
                    FormField.csrf(csrf),
                    FormField.text("file", label: "上传附件（政策原文 PDF，或 JPEG、PNG，不超过 20 MB）", value: nil, error: m.fileError, type: .file),
                    .button(.type(.submit), .plain("上传"))))),
            .section(.class("card"), .id("applied"),
                .h2(.plain("适用记录（\(p.applied.count)）")),
                .p(.plain("在个案预估和社会救助协助中注明适用本政策的记录（您管辖范围内的）。")),
                .if(p.applied.isEmpty, .p(.class("empty"), .plain("尚无适用记录。"))),
                .ul(.forEach(p.applied) { a in
                    .li(.plain("\(a.on) \(a.stationName)："),
                        a.kind == "assessment"
                            ? .a(.href(SiteURL.serviceCase(.value(a.caseId!)).relativeURL() + "#assessment"), .plain("个案 \(a.caseNumber ?? "") 的预估"))
                            : .a(.href(SiteURL.assistance.relativeURL() + "#assistance-" + a.assistanceRequestId!.uuidString),
                                 .plain("\(a.recipientName ?? "") 的救助求助")))
                })),
            .if(m.canUpdate, .section(.class("card"), .id("correct"),
                .h2("更正"),
                FormField.summary(m.errors.errors),
                .form(.method(.post), .action(url), .class("edit"), .id("policy-edit"),
                    FormField.csrf(csrf),
                    PolicyFormFields.fields(m.values, errors: m.errors, fields: m.fields),
                    .button(.type(.submit), .plain("保存更正"))))))
    }

    /// The form's values for a policy as it stands.
    static func values(_ p: LibraryPolicyDTO) -> [String: String] {
        ["title": p.title, "issuer": p.issuer, "doc_number": p.docNumber ?? "", "field": p.field ?? "", "effective_on": p.effectiveOn,
         "expires_on": p.expiresOn ?? "", "summary": p.summary, "eligibility": p.eligibility]
    }
}

/// The policies an assessment or assistance request names, each linking to its page (V-10).
enum PolicyRefs {
    static func node(_ refs: [PolicyRef]) -> Node<HTML.BodyContext> {
        .if(!refs.isEmpty, .ul(.class("policies"), .forEach(refs) { r in
            .li(.a(.href(SiteURL.libraryPolicy(.value(r.id)).relativeURL()), .plain("《\(r.title)》" + (r.docNumber.map { "（\($0)）" } ?? ""))))
        }))
    }

    /// The checkboxes of a form that names policies: `policy_<id>` per policy.
    static func boxes(_ prefix: String, choices: [(id: UUID, label: String)], values: [String: String], error: String?) -> Node<HTML.FormContext> {
        .if(!choices.isEmpty, .div(.class("picklist"),
            FormField.checkboxGroup(prefix + "policy_ids", legend: "适用的政策（政策资源库，可不选）",
                                    boxes: choices.map { (prefix + "policy_" + $0.id.uuidString, $0.label, values[prefix + "policy_" + $0.id.uuidString] != nil) },
                                    error: error)))
    }

    /// The policies ticked on a form.
    static func ticked(_ prefix: String, _ form: [String: String]) -> [UUID] {
        form.keys.filter { $0.hasPrefix(prefix + "policy_") }.sorted().compactMap { UUID(uuidString: String($0.dropFirst((prefix + "policy_").count))) }
    }
}
