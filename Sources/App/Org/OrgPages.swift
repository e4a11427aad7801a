import Domain
import Plot
import Vapor

enum OrgIndex {
    static func view(roots: [OrgUnit], caller: Caller, csrf: String) -> HTML {
        Layout.page(title: "组织架构", path: "/org", caller: caller, csrf: csrf,
            .h1("组织架构"),
            .if(roots.isEmpty, .p(.class("empty"), .text("您的账户尚未分配管辖范围。"))),
            .ul(.class("units"), .forEach(roots) { unit in
                .li(.a(.href("/org/\(unit.id!)"), .text(unit.name)), .span(.class("tag"), .text(unit.level.label)))
            }))
    }
}

enum OrgShow {
    struct Model {
        var unit: OrgUnit
        var ancestors: [OrgUnit]
        var children: [OrgUnit]
        /// Station per street id, for listing a district's streets.
        var stations: [UUID: Station]
        var ownStation: Station?
        var quotas: [DemonstrationQuota]
        var canAddChild: Bool
        var form: [String: String]
        var errors: Validator
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let u = m.unit
        return Layout.page(title: u.name, path: "/org", caller: caller, csrf: csrf,
            .nav(.class("crumbs"), .a(.href("/org"), .text("组织架构")),
                 .forEach(m.ancestors) { a in .group(.text(" / "), .a(.href("/org/\(a.id!)"), .text(a.name))) }),
            .h1(.text(u.name), .span(.class("tag"), .text(u.level.label))),
            .dl(.class("facts"),
                .dt("行政区划代码"), .dd(.text(u.divisionCode ?? "无（功能区或未登记）")),
                .if(u.level == .village, .group(.dt("社工阵地"), .dd(.text(u.villagePost.label)))),
                .unwrap(m.ownStation) { s in .group(.dt("社工站"), .dd(.a(.href("/stations/\(s.id!)"), .text(s.name)))) },
                .forEach(m.quotas) { q in .group(.dt("\(q.year)年示范点名额（D-1）"), .dd(.text("\(q.quota) 个"))) }),
            .unwrap(u.level.childLevel) { childLevel in
                .group(
                    .h2(.text("下级\(childLevel.label)（\(m.children.count)）")),
                    .if(m.children.isEmpty, .p(.class("empty"), .text("暂无下级单位。"))),
                    .if(!m.children.isEmpty, .table(.class("list"),
                        .thead(.tr(.th("名称"), .th("代码"), .th(.text(childLevel == .street ? "社工站" : childLevel == .village ? "社工阵地" : "")))),
                        .tbody(.forEach(m.children) { child in
                            .tr(.td(.a(.href("/org/\(child.id!)"), .text(child.name))),
                                .td(.text(child.divisionCode ?? "—")),
                                .td(childLevel == .street
                                    ? (m.stations[child.id!].map { .a(.href("/stations/\($0.id!)"), .text($0.name)) } ?? .text("未建站"))
                                    : .text(childLevel == .village ? child.villagePost.label : "")))
                        }))),
                    .if(m.canAddChild, .form(.method(.post), .action("/org/\(u.id!)/children"), .class("inline"),
                        FormField.csrf(csrf),
                        .h3(.text("新增下级\(childLevel.label)")),
                        FormField.summary(m.errors.errors),
                        FormField.text("name", label: "名称", value: m.form["name"], error: m.errors.message(for: "name"), required: true),
                        FormField.text("division_code", label: "行政区划代码（可选）", value: m.form["division_code"], error: m.errors.message(for: "division_code")),
                        .button(.type(.submit), .text("新增"))))
                )
            })
    }
}
