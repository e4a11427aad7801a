import Domain
import Plot
import Vapor

enum OperatorPages {
    struct Model {
        var operators: [OperatorOrg]
        var stationCounts: [UUID: Int]
        /// The caller's cities; a city admin registers operators in the ones it may edit.
        var cities: [OrgUnit]
        var canEdit: (OrgUnit) -> Bool
        var values: [String: String]
        var errors: Validator

        var editableCities: [OrgUnit] { cities.filter(canEdit) }
        func editable(_ op: OperatorOrg) -> Bool { cities.contains { $0.id == op.cityID && canEdit($0) } }
    }

    /// The id of an operator's rename field, where its errors are shown.
    static func renameField(_ op: OperatorOrg) -> String { "rename_\(op.id?.uuidString ?? "")" }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        Layout.page(title: "承接机构", path: SiteURL.operators.relativeURL(), caller: caller, csrf: csrf,
            .h1("承接机构"),
            .p(.class("lead"), .plain("承接社工站运营的社会工作服务机构（规则 \(RuleName.label("H-2"))）。由市民政局登记，社工站从本市已登记的机构中选择。")),
            FormField.summary(m.errors.errors),
            .table(.class("list"),
                .thead(.tr(.th("机构名称"), .th("统一社会信用代码"), .th("承接站点数"), .th("改名"))),
                .tbody(.forEach(m.operators) { op in
                    .tr(.td(.plain(op.name)), .td(.plain(op.creditCode)), .td(.plain(String(m.stationCounts[op.id ?? UUID()] ?? 0))),
                        .td(.if(m.editable(op),
                            .form(.method(.post), .action(op.id.map { SiteURL.operatorOrg(.value($0)).relativeURL() } ?? ""), .class("inline"),
                                  FormField.csrf(csrf),
                                  .input(.type(.text), .id(renameField(op)), .name("name"), .value(HTMLEscape.escape(m.values[renameField(op)] ?? op.name)),
                                         .attribute(named: "aria-label", value: "新名称"), FormField.invalidMark(m.errors.message(for: renameField(op))),
                                         FormField.describedBy(renameField(op), m.errors.message(for: renameField(op)))),
                                  .button(.type(.submit), .plain("保存")),
                                  FormField.errorText(renameField(op), m.errors.message(for: renameField(op)))))))
                })),
            .if(!m.editableCities.isEmpty, .group(
                .h2("登记承接机构"),
                .form(.method(.post), .action(SiteURL.operators.relativeURL()), .class("edit"),
                      FormField.csrf(csrf),
                      .if(m.editableCities.count > 1,
                          FormField.select("city_id", label: "登记所在的市", options: m.editableCities.map { ($0.id?.uuidString ?? "", $0.name) },
                                           selected: m.values["city_id"], error: m.errors.message(for: "city_id"))),
                      FormField.text("name", label: "机构名称", value: m.values["name"], error: m.errors.message(for: "name"), required: true),
                      FormField.text("credit_code", label: "统一社会信用代码", value: m.values["credit_code"],
                                     error: m.errors.message(for: "credit_code"), required: true, hint: "18 位，按 GB 32100 校验"),
                      .button(.type(.submit), .plain("登记"))))))
    }
}
