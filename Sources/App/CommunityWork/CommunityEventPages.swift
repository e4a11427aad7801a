import Domain
import Plot
import Vapor

/// `/events`: the community events the caller reads, newest first.
enum EventListPage {
    struct Model {
        var station: UUID?
        var rows: [CommunityEventDTO] = []
        var paging = Paging(page: 1, per: 20, total: 0)
        var canCreate = false
    }

    static func view(_ m: Model, caller: Caller) -> HTML {
        Layout.page(title: "社区活动", path: SiteURL.events.relativeURL(), caller: caller,
            .h1("社区活动"),
            .p(.class("lead"), .plain("社区工作（MZ/T 071）：活动地点、参与的联动主体（五社联动，R-5）、参加人数和活动照片。"),
               .if(m.canCreate, .a(.class("button"), .href(SiteURL.eventsNew.relativeURL(["station": m.station?.uuidString])), .plain("记录社区活动")))),
            .if(m.rows.isEmpty, .p(.class("empty"), .plain("尚无社区活动记录。"))),
            .if(!m.rows.isEmpty, .div(.class("scroll"), .table(.class("list"), .id("events"),
                .thead(.tr(.th("日期"), .th("活动"), .th("社工站"), .th("地点"), .th("联动主体"), .th("人次"), .th("照片"))),
                .tbody(.forEach(m.rows) { e in
                    .tr(.td(.plain(e.on)), .td(.a(.href(SiteURL.event(.value(e.id)).relativeURL()), .plain(e.title))), .td(.plain(e.stationName)),
                        .td(.plain(e.placeName)), .td(.plain(e.partnerLabels.joined(separator: "、"))), .td(.class("num"), .plain(String(e.peopleCount))),
                        .td(.class("num"), .plain(String(e.photos.count))))
                })))),
            m.paging.nav { SiteURL.events.relativeURL(["station": m.station?.uuidString, "page": String($0)]) })
    }
}

/// `/events/new?station=…`: a community event of one station (its villages and people to choose from).
enum EventNewPage {
    struct Model {
        var station: Station
        /// The caller's other stations, when they record for several (an operator).
        var otherStations: [Station] = []
        var villages: [(value: String, label: String)] = []
        var people: [(id: UUID, label: String)] = []
        var profile: PolicyProfile?
        /// The station's featured projects of this year (V-3).
        var featuredProjects: [(value: String, label: String)] = []
        var values: [String: String] = [:]
        var errors = Validator()
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let url = SiteURL.eventsNew.relativeURL(["station": m.station.id!.uuidString])
        return Layout.page(title: "记录社区活动", path: SiteURL.eventsNew.relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain("记录社区活动：\(m.station.name)")),
            .if(!m.otherStations.isEmpty, .p(.plain("其他站点："), .forEach(m.otherStations) { s in
                .group(.a(.href(SiteURL.eventsNew.relativeURL(["station": s.id!.uuidString])), .plain(s.name)), .plain(" "))
            })),
            .p(.class("lead"), .plain("保存后可在活动页面上传活动照片。")),
            FormField.summary(m.errors.errors),
            .form(.method(.post), .action(url), .class("edit"), .id("event-form"),
                FormField.csrf(csrf),
                FormField.text("title", label: "活动名称", value: m.values["title"], error: m.errors.message(for: "title"), required: true),
                FormField.text("on", label: "活动日期", value: m.values["on"], error: m.errors.message(for: "on"), type: .date),
                FormField.text("minutes", label: "时长（分钟）", value: m.values["minutes"], error: m.errors.message(for: "minutes"), type: .number),
                FormField.select("place_id", label: "活动地点（村/社区）", options: [("", "请选择")] + m.villages, selected: m.values["place_id"],
                                 error: m.errors.message(for: "place_id")),
                ServiceTagFields.fields(prefix: "", profile: m.profile, featured: m.featuredProjects, values: m.values, errors: m.errors),
                FormField.textarea("content", label: "活动内容", value: m.values["content"], error: m.errors.message(for: "content")),
                FormField.checkboxGroup("partners", legend: "参与的联动主体（五社联动）",
                                        boxes: LinkagePartner.allCases.map { ("partner_" + $0.rawValue, $0.label, m.values["partner_" + $0.rawValue] != nil) },
                                        error: m.errors.message(for: "partners")),
                FormField.text("others_count", label: "参加人数（不含下方勾选的服务对象）", value: m.values["others_count"],
                               error: m.errors.message(for: "others_count"), type: .number),
                .if(!m.people.isEmpty, .div(.class("picklist"),
                    FormField.checkboxGroup("recipient_ids", legend: "参加的服务对象（可不选）",
                                            boxes: m.people.map { ("person_" + $0.id.uuidString, $0.label, m.values["person_" + $0.id.uuidString] != nil) },
                                            error: m.errors.message(for: "recipient_ids")))),
                .button(.type(.submit), .plain("保存活动"))))
    }
}

/// `/events/{id}`: an event whole, its photos, and the upload of another.
enum EventPage {
    struct Model {
        var event: CommunityEventDTO
        var canUpdate = false
        var linksRecipients = false
        var photoError: String?
        /// The volunteer hours form for this event, for those who record at its station (issue 11 §1).
        var volunteerHours: VolunteerHoursLinks?
        /// Charity resources used for the event (issue 11 §2, R-5).
        var charityUsed: [CharityResourceService.Served] = []
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let e = m.event
        return Layout.page(title: "社区活动：\(e.title)", path: SiteURL.event(.value(e.id)).relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain("社区活动：\(e.title)")),
            .unwrap(m.volunteerHours) { $0.node },
            .dl(.class("facts"),
                .dt("社工站"), .dd(.plain(e.stationName)),
                .dt("日期与时长"), .dd(.plain("\(e.on)，\(e.minutes) 分钟")),
                .dt("地点"), .dd(.plain(e.placeName)),
                .dt("服务领域"), .dd(.plain(e.fieldLabel + (e.itemLabel.map { "·\($0)" } ?? ""))),
                .dt("联动主体"), .dd(.id("partners"), .plain(e.partnerLabels.joined(separator: "、"))),
                .dt("参加"), .dd(.id("people"), .plain("\(e.peopleCount) 人次（服务对象 \(e.recipients.count) 人，其他 \(e.othersCount) 人）")),
                .dt("参加的服务对象"), .dd(.forEach(Array(e.recipients.enumerated())) { i, r in
                    .group(.if(i > 0, .plain("、")), m.linksRecipients ? .a(.href(SiteURL.recipient(.value(r.id)).relativeURL()), .plain(r.name)) : .plain(r.name))
                }),
                .dt("内容"), .dd(.plain(e.content)),
                .dt("记录人"), .dd(.plain(e.workerName))),
            CharityServedSection.node(m.charityUsed),
            .section(.class("card"), .id("photos"),
                .h2(.plain("活动照片（\(e.photos.count)）")),
                .if(e.photos.isEmpty, .p(.class("empty"), .plain("尚未上传照片。"))),
                .ul(.forEach(e.photos) { p in
                    .li(.a(.href(SiteURL.eventPhoto(.value(p.id)).relativeURL(["inline": "1"])), .plain(p.name)), .plain(" · "),
                        .a(.href(SiteURL.eventPhoto(.value(p.id)).relativeURL()), .plain("下载")))
                }),
                .if(m.canUpdate, .form(.method(.post), .action(SiteURL.eventPhotos(.value(e.id)).relativeURL()), .class("edit"), .id("photo-form"),
                    .enctype(.multipartData),
                    FormField.csrf(csrf),
                    FormField.text("photo", label: "上传照片（JPEG、PNG，或签到表 PDF，不超过 20 MB）", value: nil, error: m.photoError, type: .file),
                    .button(.type(.submit), .plain("上传"))))))
    }
}
