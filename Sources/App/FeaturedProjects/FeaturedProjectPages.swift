import Domain
import Plot
import Vapor

/// `/stations/{id}/featured-projects?year=`: a station's featured projects of a year (V-3's "N")
/// with the services given under each, and the form that defines one.
enum FeaturedProjectsPage {
    struct Model {
        var list: FeaturedProjectList
        var fields: [(value: String, label: String)] = []
        var years: [Int] = []
        var canCreate = false
        var values: [String: String] = [:]
        var errors = Validator()
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let l = m.list
        let url = SiteURL.stationFeaturedProjects(.value(l.stationId)).relativeURL(["year": String(l.year)])
        return Layout.page(title: "\(l.stationName) \(l.year)年特色项目", path: url, caller: caller, csrf: csrf,
            .h1(.plain("\(l.stationName) \(l.year)年特色项目")),
            .p(.class("lead"), .plain(l.enabled
                ? "特色项目是“1+4+N”中的“N”（\(RuleName.label("V-3"))）：根据辖区居民群众需求设立，按年度定义。服务可记入本站本年度的特色项目，代替服务目录中的项目；本市政策未规定特色项目的数量。"
                : "本市\(l.year)年适用的政策配置没有特色项目（\(RuleName.label("V-3"))中的“N”）。市民政局可在政策配置中以新版本开放。"),
               .a(.href(SiteURL.station(.value(l.stationId)).relativeURL()), .plain("返回社工站"))),
            .form(.method(.get), .action(SiteURL.stationFeaturedProjects(.value(l.stationId)).relativeURL()), .class("filters"),
                FormField.select("year", label: "年度", options: m.years.map { (String($0), "\($0)年") }, selected: String(l.year), error: nil),
                .button(.type(.submit), .plain("查看"))),
            .if(l.items.isEmpty, .p(.class("empty"), .plain("本年度尚未设立特色项目。"))),
            .if(!l.items.isEmpty, .div(.class("scroll"), .table(.class("list"), .id("featured-projects"),
                .thead(.tr(.th("项目名称"), .th("服务领域"), .th("开展期"), .th("简介"), .th("服务记录"), .th("服务人次"))),
                .tbody(.forEach(l.items) { p in
                    .tr(.td(.a(.href(SiteURL.featuredProject(.value(p.id)).relativeURL()), .plain(p.name))), .td(.plain(p.fieldLabel)),
                        .td(.plain("\(p.activeFrom) 至 \(p.activeTo)")), .td(.plain(p.description)),
                        .td(.class("num"), .plain(String(p.records))), .td(.class("num"), .plain(String(p.people))))
                })))),
            .if(m.canCreate && l.enabled, .group(
                .h2("设立特色项目"),
                FormField.summary(m.errors.errors),
                .form(.method(.post), .action(url), .class("edit"), .id("featured-form"),
                    FormField.csrf(csrf),
                    FormField.text("name", label: "项目名称（本站本年度内不重复）", value: m.values["name"], error: m.errors.message(for: "name"), required: true),
                    FormField.select("field", label: "所属服务领域", options: [("", "请选择")] + m.fields, selected: m.values["field"],
                                     error: m.errors.message(for: "field")),
                    FormField.textarea("description", label: "项目简介", value: m.values["description"], error: m.errors.message(for: "description")),
                    FormField.text("active_from", label: "开展起始日期（默认 1 月 1 日）", value: m.values["active_from"],
                                   error: m.errors.message(for: "active_from"), type: .date),
                    FormField.text("active_to", label: "开展截止日期（默认 12 月 31 日）", value: m.values["active_to"],
                                   error: m.errors.message(for: "active_to"), type: .date),
                    .button(.type(.submit), .plain("设立"))))))
    }
}

/// `/featured-projects/{id}`: one project and, for the station's workers and operator, its correction.
enum FeaturedProjectPage {
    struct Model {
        var project: FeaturedProjectDTO
        var stationName: String
        var canUpdate = false
        var values: [String: String] = [:]
        var errors = Validator()
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let p = m.project
        let url = SiteURL.featuredProject(.value(p.id)).relativeURL()
        let values = m.values.isEmpty ? ["name": p.name, "description": p.description, "active_from": p.activeFrom, "active_to": p.activeTo] : m.values
        return Layout.page(title: "特色项目：\(p.name)", path: url, caller: caller, csrf: csrf,
            .h1(.plain("特色项目：\(p.name)")),
            .p(.class("lead"), .a(.href(SiteURL.stationFeaturedProjects(.value(p.stationId)).relativeURL(["year": String(p.year)])),
                                   .plain("\(m.stationName) \(p.year)年特色项目"))),
            .dl(.class("facts"),
                .dt("服务领域"), .dd(.plain(p.fieldLabel)),
                .dt("开展期"), .dd(.plain("\(p.activeFrom) 至 \(p.activeTo)")),
                .dt("简介"), .dd(.plain(p.description)),
                .dt("服务记录"), .dd(.id("project-records"), .plain("\(p.records) 条，\(p.people) 人次")),
                .dt("设立人"), .dd(.plain(p.createdByName))),
            .if(m.canUpdate, .group(
                .h2("更正"),
                .p(.class("hint"), .plain("服务领域和年度设立后不能更改（已记入的服务按其统计）；开展期须包含已记入的服务日期。")),
                FormField.summary(m.errors.errors),
                .form(.method(.post), .action(url), .class("edit"), .id("featured-edit"),
                    FormField.csrf(csrf),
                    FormField.text("name", label: "项目名称", value: values["name"], error: m.errors.message(for: "name"), required: true),
                    FormField.textarea("description", label: "项目简介", value: values["description"], error: m.errors.message(for: "description")),
                    FormField.text("active_from", label: "开展起始日期", value: values["active_from"], error: m.errors.message(for: "active_from"), type: .date),
                    FormField.text("active_to", label: "开展截止日期", value: values["active_to"], error: m.errors.message(for: "active_to"), type: .date),
                    .button(.type(.submit), .plain("保存"))))))
    }
}
