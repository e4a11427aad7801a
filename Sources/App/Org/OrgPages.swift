import Domain
import Plot
import Vapor

enum OrgIndex {
    static func view(roots: [OrgUnit], caller: Caller, csrf: String) -> HTML {
        Layout.page(title: "组织架构", path: SiteURL.org.relativeURL(), caller: caller, csrf: csrf,
            .h1("组织架构"),
            .if(roots.isEmpty, .p(.class("empty"), .plain("您的账户尚未分配管辖范围。"))),
            .ul(.class("units"), .forEach(roots) { unit in
                .li(.a(.href(SiteURL.orgUnit(.value(unit.id!)).relativeURL()), .plain(unit.name)), .span(.class("tag"), .plain(unit.level.label)))
            }))
    }
}

enum OrgShow {
    struct Model {
        var unit: OrgUnit
        var ancestors: [OrgUnit]
        var children: [OrgQueries.UnitRef]
        /// Station per street id, for listing a district's streets.
        var stations: [UUID: Station]
        var ownStation: Station?
        var quotas: [DemonstrationQuota]
        var canAddChild: Bool
        /// A district's page seen by the city admin: the form for its kind (rule S-2).
        var canSetDistrictKind: Bool = false
        var form: [String: String]
        var errors: Validator
        /// A confirmation after a successful save (`Saved`).
        var notice: String?
    }

    static let districtKindLabel = "城区类型（规则 S-2）"
    static let districtKindOptions: [(value: String, label: String)] = [("", "未设置")] + DistrictKind.allCases.map { ($0.rawValue, $0.label) }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let u = m.unit
        return Layout.page(title: u.name, path: SiteURL.org.relativeURL(), caller: caller, csrf: csrf,
            .nav(.class("crumbs"), .a(.href(SiteURL.org.relativeURL()), .plain("组织架构")),
                 .forEach(m.ancestors) { a in .group(.plain(" / "), .a(.href(SiteURL.orgUnit(.value(a.id!)).relativeURL()), .plain(a.name))) }),
            .h1(.plain(u.name), .span(.class("tag"), .plain(u.level.label))),
            Saved.node(m.notice),
            .dl(.class("facts"),
                .dt("行政区划代码"), .dd(.plain(u.divisionCode ?? "无（功能区或未登记）")),
                .if(u.level == .village, .group(.dt("社工阵地"), .dd(.plain(u.villagePost.label)))),
                .if(u.level == .district, .group(.dt(.plain(districtKindLabel)),
                                                 .dd(.id("district-kind"), .plain(u.districtKind?.label ?? "未设置（规则 S-2 无法检查）")))),
                .unwrap(m.ownStation) { s in .group(.dt("社工站"), .dd(.a(.href(SiteURL.station(.value(s.id!)).relativeURL()), .plain(s.name)))) },
                // A unit's services in the year, for a caller who reads all of them.
                .if(u.level != .village && caller.may(.read, Access.Resource(kind: .service, paths: [u.path], operatorIDs: [])),
                    .group(.dt("服务统计"), .dd(.a(.href(SiteURL.dashboard.relativeURL(["unit": u.id!.uuidString])), .plain("查看本年度服务统计"))))),
                .forEach(m.quotas) { q in .group(.dt("\(q.year)年示范点名额（D-1）"), .dd(.plain("\(q.quota) 个"))) }),
            .if(m.canSetDistrictKind, .form(.method(.post), .action(SiteURL.orgUnitDistrictKind(.value(u.id!)).relativeURL()), .class("inline"),
                FormField.csrf(csrf),
                .h3(.plain(districtKindLabel)),
                FormField.select("district_kind", label: "城区类型", options: districtKindOptions,
                                 selected: m.form["district_kind"] ?? u.districtKind?.rawValue ?? "", error: m.errors.message(for: "district_kind")),
                .button(.type(.submit), .plain("保存")))),
            .unwrap(u.level.childLevel) { childLevel in
                .group(
                    .h2(.plain("下级\(childLevel.label)（\(m.children.count)）")),
                    .if(m.children.isEmpty, .p(.class("empty"), .plain("暂无下级单位。"))),
                    .if(!m.children.isEmpty, .table(.class("list"),
                        .thead(.tr(.th("名称"), .th("代码"), .th(.plain(childLevel == .street ? "社工站" : childLevel == .village ? "社工阵地" : "")))),
                        .tbody(.forEach(m.children) { child in
                            .tr(.td(.a(.href(SiteURL.orgUnit(.value(child.id)).relativeURL()), .plain(child.name))),
                                .td(.plain(child.divisionCode ?? "—")),
                                .td(childLevel == .street
                                    ? (m.stations[child.id].map { .a(.href(SiteURL.station(.value($0.id!)).relativeURL()), .plain($0.name)) } ?? .plain("未建站"))
                                    : .plain(childLevel == .village ? child.villagePost.label : "")))
                        }))),
                    .if(m.canAddChild, .form(.method(.post), .action(SiteURL.orgUnitChildren(.value(u.id!)).relativeURL()), .class("inline"),
                        FormField.csrf(csrf),
                        .h3(.plain("新增下级\(childLevel.label)")),
                        FormField.summary(m.errors.errors),
                        FormField.text("name", label: "名称", value: m.form["name"], error: m.errors.message(for: "name"), required: true),
                        FormField.text("division_code", label: "行政区划代码（可选）", value: m.form["division_code"], error: m.errors.message(for: "division_code")),
                        .if(childLevel == .district, FormField.select("district_kind", label: districtKindLabel, options: districtKindOptions,
                                                                      selected: m.form["district_kind"], error: m.errors.message(for: "district_kind"))),
                        .button(.type(.submit), .plain("新增"))))
                )
            })
    }
}
