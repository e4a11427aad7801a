import Domain
import Plot
import Vapor

/// The recipient page's correction forms (`RecipientEdit`): details, and category verification.
/// Their inputs carry a prefix (`edit_`, `cat_`) because the page holds several forms and no two
/// inputs may share an id.
enum RecipientEditSection {
    struct Model {
        /// The form's values: the record's current ones until a post comes back refused.
        var details: [String: String] = [:]
        var detailsErrors = Validator()
        var category: [String: String] = [:]
        var categoryErrors = Validator()
        var villages: [String] = []
        var levels: ClosedRange<Int> = 1...3
        var phoneMasked: String?
        var guardianPhoneMasked: String?
    }

    static let detailsFields = ["name", "phone", "address", "village", "follow_up_level", "guardian_name", "guardian_phone"]
    static let categoryFields = ["category", "action", "on", "disability_grade", "disability_type"]

    static func current(_ r: Recipient, villageName: String?) -> [String: String] {
        ["edit_name": r.name, "edit_address": r.address, "edit_village": villageName ?? "",
         "edit_follow_up_level": r.followUpLevel.map(String.init) ?? "", "edit_guardian_name": r.guardianName ?? ""]
    }

    static func details(_ m: Model, id: UUID, csrf: String) -> Node<HTML.BodyContext> {
        let v = m.details, e = m.detailsErrors
        return .section(.class("card"), .id("details"),
            .h2("修改信息"),
            .p(.class("hint"), .plain("身份证号、出生日期和性别不能修改：登记错了的，请登记正确的记录后合并，或变更状态。")),
            FormField.summary(e.errors),
            .form(.method(.post), .action(SiteURL.recipientDetails(.value(id)).relativeURL()), .class("edit"), .id("details-form"),
                FormField.csrf(csrf),
                FormField.text("edit_name", label: "姓名", value: v["edit_name"], error: e.message(for: "edit_name"), required: true),
                FormField.text("edit_phone", label: "联系电话", value: v["edit_phone"], error: e.message(for: "edit_phone"),
                               hint: "留空则不修改" + (m.phoneMasked.map { "（当前 \($0)）" } ?? "（当前未登记）")),
                FormField.text("edit_address", label: "住址", value: v["edit_address"], error: e.message(for: "edit_address")),
                FormField.select("edit_village", label: "所在村（社区）", options: m.villages.map { ($0, $0) }, selected: v["edit_village"],
                                 error: e.message(for: "edit_village")),
                FormField.select("edit_follow_up_level", label: "跟进级别", options: [("0", "未定")] + Array(m.levels).map { (String($0), "\($0) 级") },
                                 selected: v["edit_follow_up_level"].flatMap { $0.isEmpty ? "0" : $0 }, error: e.message(for: "edit_follow_up_level")),
                FormField.text("edit_guardian_name", label: "监护人姓名", value: v["edit_guardian_name"], error: e.message(for: "edit_guardian_name")),
                FormField.text("edit_guardian_phone", label: "监护人电话", value: v["edit_guardian_phone"], error: e.message(for: "edit_guardian_phone"),
                               hint: "留空则不修改" + (m.guardianPhoneMasked.map { "（当前 \($0)）" } ?? "")),
                .button(.type(.submit), .plain("保存修改"))))
    }

    static func category(_ m: Model, id: UUID, csrf: String) -> Node<HTML.BodyContext> {
        let v = m.category, e = m.categoryErrors
        return .group(
            FormField.summary(e.errors),
            .form(.method(.post), .action(SiteURL.recipientCategories(.value(id)).relativeURL()), .class("edit"), .id("category-form"),
                FormField.csrf(csrf),
                FormField.select("cat_action", label: "操作", options: [("verify", "核实（新增或重新核实）"), ("end", "结束（不再属于该类别）")],
                                 selected: v["cat_action"], error: e.message(for: "cat_action")),
                FormField.select("cat_category", label: "人群类别", options: [("", "请选择")] + RecipientCategory.allCases.map { ($0.rawValue, $0.label) },
                                 selected: v["cat_category"], error: e.message(for: "cat_category")),
                FormField.select("cat_disability_grade", label: "残疾等级（残疾人）", options: [("", "—")] + DisabilityGrade.allCases.map { (String($0.rawValue), $0.label) },
                                 selected: v["cat_disability_grade"], error: e.message(for: "cat_disability_grade")),
                FormField.select("cat_disability_type", label: "残疾类别（残疾人）", options: [("", "—")] + DisabilityType.allCases.map { ($0.rawValue, $0.label) },
                                 selected: v["cat_disability_type"], error: e.message(for: "cat_disability_type")),
                FormField.text("cat_on", label: "日期", value: v["cat_on"], error: e.message(for: "cat_on"), type: .date, hint: "留空为今天"),
                .button(.type(.submit), .plain("保存"))))
    }
}
