import Domain
import Plot
import SQLKit
import Vapor

/// `/volunteer-hours/pending`: the hour entries awaiting confirmation at the stations where the
/// caller confirms (`?record=` for one activity's, e.g. a sign-in sheet just imported), each ticked,
/// confirmed together in one transaction (issue 11 §1, R-3).
enum VolunteerHoursPendingPage {
    static let limit = 500

    struct Row {
        var id: UUID
        var volunteerName: String
        var stationName: String
        var activityName: String
        var startsAt: String
        var endsAt: String
        var hours: Double
        var recordedByName: String
    }

    struct Model {
        var recordID: UUID?
        var rows: [Row] = []
        /// More entries wait than the page lists.
        var more = false
        var confirmed: Int?
        var errors = Validator()
    }

    static func query(_ req: Request) async throws -> Model {
        let caller = try req.requireCaller()
        var m = Model(recordID: try req.queryValue(UUID.self, "record"))
        m.confirmed = try req.queryValue(Int.self, "confirmed")
        guard let scope = StationScope.condition(Access.readScope(caller.assignments, VolunteerService.kind), on: req.db) else { return m }
        var sql: SQLQueryString = """
            SELECT h.id, v.name AS volunteer_name, s.name AS station_name, h.activity_name, h.starts_at, h.ends_at, h.half_hours, h.recorded_by_name,
                   \(StationRef.columns)
            FROM volunteer_hours h JOIN volunteers v ON v.id = h.volunteer_id JOIN stations s ON s.id = h.station_id
            WHERE h.status = 'recorded' AND
            """ + " " + scope
        if let record = m.recordID { sql = sql + " AND h.record_id = \(bind: record)" }
        let rows = try await (req.db as! any SQLDatabase).raw(sql + " ORDER BY h.starts_at, v.name LIMIT \(literal: limit + 1)").all()
        for r in rows where caller.may(.update, VolunteerService.resource(try StationRef(row: r))) {
            m.rows.append(Row(id: try r.decode(column: "id", as: UUID.self), volunteerName: try r.decode(column: "volunteer_name", as: String.self),
                              stationName: try r.decode(column: "station_name", as: String.self),
                              activityName: try r.decode(column: "activity_name", as: String.self), startsAt: try r.decode(column: "starts_at", as: String.self),
                              endsAt: try r.decode(column: "ends_at", as: String.self), hours: Double(try r.decode(column: "half_hours", as: Int.self)) / 2,
                              recordedByName: try r.decode(column: "recorded_by_name", as: String.self)))
        }
        m.more = m.rows.count > limit
        m.rows = Array(m.rows.prefix(limit))
        return m
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let path = SiteURL.volunteerHoursPending.relativeURL(["record": m.recordID?.uuidString])
        return Layout.page(title: "待确认的志愿服务时长", path: path, caller: caller, csrf: csrf,
            .h1("待确认的志愿服务时长"),
            .p(.class("lead"), .plain("谁组织谁记录：活动中记录的服务时长，由组织活动的社工站确认后计入（\(RuleName.label("R-3"))）；这里列出待您确认的条目。"
                                      + (m.rows.isEmpty ? "" : "默认全部勾选，取消勾选不确认的条目；所选条目一并确认，有一条已被他人确认时全部不确认。"))),
            .unwrap(m.confirmed) { .p(.class("notice"), .id("confirmed"), .attribute(named: "role", value: "status"), .plain("已确认 \($0) 条服务时长。")) },
            FormField.summary(m.errors.errors),
            .if(m.rows.isEmpty, .p(.id("none"), .plain("没有待您确认的服务时长。")), else: .form(.method(.post),
                .action(SiteURL.volunteerHoursConfirmations.relativeURL(["record": m.recordID?.uuidString])), .id("confirm-all-form"),
                FormField.csrf(csrf),
                .div(.class("scroll"), .table(.class("list"), .id("pending"),
                    .thead(.tr(.th("确认"), .th("志愿者"), .th("活动"), .th("时间"), .th("时长"), .th("组织方"), .th("记录人"))),
                    .tbody(.forEach(m.rows) { r in
                        .tr(.td(.input(.type(.checkbox), .name("ids[]"), .value(r.id.uuidString), .attribute(named: "checked", value: "checked"),
                                       .attribute(named: "aria-label", value: "确认\(r.volunteerName)的服务时长"))),
                            .td(.a(.href(SiteURL.volunteerHoursEntry(.value(r.id)).relativeURL()), .plain(r.volunteerName))),
                            .td(.plain(r.activityName)), .td(.plain("\(VolunteerFormat.time(r.startsAt)) 至 \(VolunteerFormat.time(r.endsAt))")),
                            .td(.class("num"), .plain(VolunteerFormat.hours(r.hours))), .td(.plain(r.stationName)), .td(.plain(r.recordedByName)))
                    }))),
                .if(m.more, .p(.class("hint"), .plain("只列出最早的 \(limit) 条；确认后其余的会列出。"))),
                .button(.type(.submit), .plain("确认所选服务时长")))))
    }
}
