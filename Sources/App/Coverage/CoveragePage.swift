import Domain
import Plot
import Vapor

/// `/coverage`: rule R-2 for a station's street, a street, a district or a city (issue 11 §3) — each
/// village or community in a coloured row with its social-work room or point and the year's services
/// that reached it. Prints as it shows.
enum CoveragePage {
    struct Model {
        var coverage: CoverageDTO
        /// The query that picks this place (`station=` or `unit=`; neither for the caller's own).
        var station: String?
        var unit: String?
        var years: [Int]
    }

    /// The kinds of service in the order the columns show them.
    static let kinds: [ServiceKind] = [.intervention, .followUp, .homeVisit, .phoneVisit, .groupSession, .communityEvent]

    /// What a village lacks for R-2, in words.
    static func gaps(_ v: CoverageDTO.Village) -> [String] {
        (v.hasPostOrTeam ? [] : ["无社工室、点或志愿服务队"]) + (v.reached ? [] : ["本年度无服务"])
    }

    static func view(_ m: Model, caller: Caller) -> HTML {
        let c = m.coverage
        let title = "\(c.place.name)村居覆盖（\(c.year)年）"
        return Layout.page(title: title, path: SiteURL.coverage.relativeURL(), caller: caller,
            .h1(.plain(title)),
            .form(.method(.get), .action(SiteURL.coverage.relativeURL()), .class("filters"),
                .unwrap(m.station) { .input(.type(.hidden), .name("station"), .value(HTMLEscape.escape($0))) },
                .unwrap(m.unit) { .input(.type(.hidden), .name("unit"), .value(HTMLEscape.escape($0))) },
                FormField.select("year", label: "年度", options: m.years.map { (String($0), "\($0)年") }, selected: String(c.year), error: nil),
                .button(.type(.submit), .plain("查看"))),
            .p(.class("hint"), .plain("规则 R-2：每个村（社区）建有社工室（点）或一支志愿服务队伍，且本年度有服务到达（个案、回访、走访、小组、社区活动，服务对象住在该村或活动在该村举行）。"
                                      + "志愿服务队注册指在中国志愿服务网注册（R-3）。")),
            .dl(.class("facts"), .id("coverage-counts"),
                .dt("村（社区）"), .dd(.plain("\(c.counts.villages) 个")),
                .dt("有社工室（点）"), .dd(.plain("\(c.counts.withPost) 个")),
                .dt("有志愿服务队"), .dd(.plain("\(c.counts.withTeam) 个")),
                .dt("本年度有服务"), .dd(.plain("\(c.counts.reached) 个")),
                .dt("已覆盖"), .dd(.id("covered-count"), .plain("\(c.counts.covered) 个"))),
            .if(c.villages.isEmpty, .p(.class("empty"), .plain("该范围内尚未登记村（社区）。"))),
            .if(!c.villages.isEmpty, .table(.class("list coverage"), .id("coverage"),
                .thead(.tr(.th("街道/乡镇"), .th("村（社区）"), .th("社工阵地"), .th("志愿服务队"),
                           .forEach(kinds) { .th(.class("num"), .plain($0.label)) }, .th(.class("num"), "合计"), .th("覆盖"))),
                .tbody(.forEach(c.villages) { v in
                    .tr(.class("coverage-\(v.status.rawValue)"), .data(named: "village", value: v.id.uuidString),
                        .td(.plain(v.streetName)), .td(.plain(v.name)), .td(.plain(v.postLabel)),
                        .td(.plain(v.team.map { $0 + (v.teamRegistered ? "（已注册）" : "（未注册）") } ?? "无")),
                        .forEach(kinds) { kind in .td(.class("num"), .plain(String(v.services[kind.rawValue] ?? 0))) },
                        .td(.class("num"), .plain(String(v.servicesTotal))),
                        .td(.class("status"), .plain(gaps(v).isEmpty ? v.status.label : v.status.label + "：" + gaps(v).joined(separator: "；"))))
                }))))
    }
}
