import Domain
import Fluent
import Plot
import SQLKit
import Vapor

/// The start page says what to do today, per role: supervision records awaiting my confirmation
/// (T-5), hours still short of the annual requirement (T-2, T-3, as progress), every overdue filing
/// and what falls due in the next 30 days; each item links to where it is done. A role with nothing
/// due sees nothing but “今天没有待办事项”.
enum HomePage {
    struct Confirmation {
        let station: String
        let heldOn: String
        let topic: String
        let asSupervisor: Bool
        let href: String
    }

    struct ShortHours {
        let station: String
        /// "T-2 督导时长"
        let rule: String
        let state: FindingState
        let measured: String
        let href: String
    }

    struct Station {
        let id: UUID
        let name: String
    }

    /// A group whose next session is planned for today.
    struct GroupToday {
        let id: UUID
        let name: String
        let stationName: String
        let responsibleName: String
        /// 第 n 节 of the planned number.
        let number: Int
        let plannedSessions: Int
    }

    struct Model {
        let displayName: String
        let roles: [String]
        let confirmations: [Confirmation]
        let hours: [ShortHours]
        /// Stations short of hours beyond those listed, and where to see them all.
        let moreHours: Int
        let board: DeadlineService.Board
        let stations: [Station]
        let stationTotal: Int
        /// A confirmation after a successful filing (`Saved`).
        var notice: String? = nil
        /// The caller's own open cases (a social worker's work list, issue 10 §5).
        var openCases = 0
        /// Crisis cases' duties not yet done in the caller's reach (V-7), the first `crisisShown`.
        var crisis: [CrisisItem] = []
        var moreCrisis = 0
        /// Referrals from other stations waiting for the caller's stations to accept or decline (V-11).
        var referralsWaiting = 0
        /// A social worker's work list (issue 10 §5): follow-ups owed by visits of their stations,
        /// the first `hoursShown`, and the groups of their stations with a session planned for today.
        var followUps: [VisitFollowUps.Due] = []
        var moreFollowUps = 0
        var groupsToday: [GroupToday] = []

        /// Upcoming deadlines not yet filed by every unit.
        var openUpcoming: [DeadlineService.Status] { board.upcoming.filter { !$0.done } }

        var nothingToDo: Bool {
            confirmations.isEmpty && hours.isEmpty && board.overdue.isEmpty && openUpcoming.isEmpty && board.uncounted.isEmpty && openCases == 0 && crisis.isEmpty && referralsWaiting == 0
                && followUps.isEmpty && groupsToday.isEmpty
        }
    }

    /// Roles that act on hours: the worker and supervisor on their own stations, the others on their scope.
    static let hoursRoles: Set<Role> = [.socialWorker, .supervisor, .operatorManager, .streetOfficer, .districtOfficer, .cityAdmin]
    static let hoursShown = 10
    static let crisisRoles: Set<Role> = [.socialWorker, .supervisor, .operatorManager, .streetOfficer, .districtOfficer]

    static func query(_ req: Request, caller: Caller) async throws -> Model {
        let today = req.today
        let confirmations = try await WorkforceQueries.awaitingConfirmation(by: caller.userID, on: req.db).map {
            Confirmation(station: $0.stationName, heldOn: $0.heldOn, topic: $0.topic, asSupervisor: $0.asSupervisor,
                         href: SiteURL.stationSupervision(.value($0.stationID)).relativeURL(["year": String($0.year)]))
        }
        var hours: [ShortHours] = []
        if !caller.roles.isDisjoint(with: hoursRoles), var condition = StationScope.condition(caller, on: req.db) {
            // A worker or supervisor acts on the stations they are posted at; the others on their whole scope.
            let ownOnly = caller.roles.isSubset(of: [.socialWorker, .supervisor])
            if ownOnly { condition = condition + " AND " + ComplianceQueries.postedStations(of: caller.userID) }
            let rules: Set<String> = caller.roles == [.supervisor] ? ["T-2"] : ["T-2", "T-3"]
            hours = try await ComplianceQueries.hoursShort(where: condition, rules: rules, year: today.year, today: today,
                                                           policies: req.application.policies, on: req.db).map { station, f in
                ShortHours(station: station.name, rule: RuleName.label(f.ruleID), state: f.state, measured: f.measured,
                           href: (f.ruleID == "T-2" ? SiteURL.stationSupervision(.value(station.id)) : SiteURL.stationTraining(.value(station.id))).relativeURL())
            }
        }
        let board = try await DeadlineService.board(caller, today: today, on: req.db)
        let (rows, paging) = try await StationQueries.list(caller, .init(page: 1, per: 10), on: req.db)
        let openCases = caller.has(.socialWorker)
            ? try await ServiceCase.query(on: req.db).filter(\.$responsibleID == caller.userID).filter(\.$stage != .closed).count() : 0
        // V-7: the open crisis duties in the caller's reach of cases (a supervisor's: their stations'),
        // for those who act on them: the station, its operator, street and district.
        var crisis: [CrisisItem] = []
        if !caller.roles.isDisjoint(with: crisisRoles), let scope = try await CaseQueries.scope(caller, today: today, on: req.db) {
            crisis = try await CrisisDuties.of(where: scope, today: today, policies: req.application.policies, on: req.db).filter { $0.done == nil }
        }
        var waiting = 0
        if caller.has(.socialWorker) || caller.has(.operatorManager) {
            waiting = try await ReferralQueries.list(caller, .init(box: "in", status: ReferralStatus.sent.rawValue, per: 1), on: req.db).paging.total
        }
        // Issue 10 §5: a social worker's visits to follow up and today's group sessions, at the
        // stations where they write services (their street's), whoever recorded the visit or leads the group.
        var followUps: (first: [VisitFollowUps.Due], total: Int) = ([], 0)
        var groupsToday: [GroupToday] = []
        if caller.has(.socialWorker) {
            let stations = try await StationScope.stationsForCreate(caller, kind: .service, on: req.db).compactMap(\.id)
            followUps = try await VisitFollowUps.due(stations: stations, limit: hoursShown, on: req.db)
            groupsToday = try await groupsPlanned(on: today, stations: stations, db: req.db)
        }
        var m = Model(displayName: caller.displayName, roles: caller.roles.sorted { $0.rawValue < $1.rawValue }.map(\.label),
                     confirmations: confirmations, hours: Array(hours.prefix(hoursShown)), moreHours: max(0, hours.count - hoursShown),
                     board: board, stations: rows.map { Station(id: $0.id, name: $0.name) }, stationTotal: paging.total,
                     notice: Saved.notice(req), openCases: openCases, crisis: Array(crisis.prefix(hoursShown)), moreCrisis: max(0, crisis.count - hoursShown), referralsWaiting: waiting)
        m.followUps = followUps.first
        m.moreFollowUps = followUps.total - followUps.first.count
        m.groupsToday = groupsToday
        return m
    }

    /// The groups of the stations, not ended, whose next session is planned for the day.
    static func groupsPlanned(on day: Day, stations: [UUID], db: any Database) async throws -> [GroupToday] {
        if stations.isEmpty { return [] }
        return try await (db as! any SQLDatabase).raw("""
            SELECT g.id, g.name, s.name AS station_name, g.responsible_name, g.planned_sessions,
                   (SELECT COUNT(*) FROM group_sessions gs WHERE gs.group_id = g.id) AS held
            FROM work_groups g JOIN stations s ON s.id = g.station_id
            WHERE g.station_id IN (\(binds: stations)) AND g.next_session_on = \(bind: day.description) AND g.phase <> \(bind: GroupPhase.ended.rawValue)
            ORDER BY s.name, g.name
            """).all().map { row in
            GroupToday(id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                       stationName: try row.decode(column: "station_name", as: String.self),
                       responsibleName: try row.decode(column: "responsible_name", as: String.self),
                       number: try row.decode(column: "held", as: Int.self) + 1, plannedSessions: try row.decode(column: "planned_sessions", as: Int.self))
        }
    }

    /// Visits marked 需跟进 and not yet followed up, each with its "跟进完成" button.
    static func followUpSection(_ m: Model, csrf: String?) -> Node<HTML.BodyContext> {
        .section(.class("card"), .id("follow-ups"),
            .h2(.plain("待跟进的走访（\(m.followUps.count + m.moreFollowUps) 次）")),
            .table(.class("list"),
                .thead(.tr(.th("走访日期"), .th("方式"), .th("服务对象"), .th("发现的情况"), .th("记录社工"), .th(""))),
                .tbody(.forEach(m.followUps) { f in
                    .tr(.id("follow-up-\(f.visitId)"), .td(.plain(f.visitedOn)), .td(.plain(f.kindLabel)),
                        .td(.a(.href(SiteURL.recipient(.value(f.recipientId)).relativeURL() + "#services"), .plain(f.recipientName)),
                            .small(.plain("（\(f.stationName)）"))),
                        .td(.plain(f.findings)), .td(.plain(f.workerName)),
                        .td(.form(.method(.post), .action(SiteURL.visitFollowUp(.value(f.visitId)).relativeURL()),
                                  .unwrap(csrf) { FormField.csrf($0) }, .button(.type(.submit), .plain("跟进完成")))))
                })),
            .if(m.moreFollowUps > 0, .p(.plain("另有 \(m.moreFollowUps) 次走访待跟进，跟进完成后依次列出。"))))
    }

    static func view(_ m: Model, caller: Caller, csrf: String?) -> HTML {
        let greeting = Node<HTML.BodyContext>.h1(.plain("您好，\(m.displayName)"), .if(!m.roles.isEmpty, .small(.class("roles"), .plain("（\(m.roles.joined(separator: "、"))）"))))
        if m.nothingToDo {
            return Layout.page(title: "首页", path: "/", caller: caller, csrf: csrf,
                greeting,
                Saved.node(m.notice),
                .section(.class("card calm"), .id("todo"), .p(.class("empty"), .plain("今天没有待办事项"))))
        }
        return Layout.page(title: "首页", path: "/", caller: caller, csrf: csrf,
            greeting,
            Saved.node(m.notice),
            .section(.class("card"), .id("todo"),
                .h2("今天要做的事"),
                .ul(.class("todo"),
                    .forEach(m.crisis) { c in
                        .li(.class(c.overdue ? "overdue" : "upcoming"), .a(.href(SiteURL.serviceCase(.value(c.caseId)).relativeURL()),
                            .plain("\(c.overdue ? "已逾期" : "\(c.due) 前")：个案 \(c.number) \(c.dutyLabel)（\(RuleName.label("V-7"))，应于 \(c.due) 前完成；\(c.stationName)，负责社工 \(c.responsibleName)）")))
                    },
                    .if(m.referralsWaiting > 0, .li(.class("upcoming"), .a(.href(SiteURL.referrals.relativeURL(["box": "in", "status": "sent"])),
                        .plain("其他社工站转来的转介待接收：\(m.referralsWaiting) 条（\(RuleName.label("V-11"))）")))),
                    .if(m.moreCrisis > 0, .li(.a(.href(SiteURL.cases.relativeURL(["stage": "open"])), .plain("另有 \(m.moreCrisis) 项危机干预时限 →")))),
                    .if(m.openCases > 0, .li(.class("cases"), .a(.href(SiteURL.cases.relativeURL(["stage": "open", "mine": "1"])),
                                                                 .plain("我负责的未结案个案：\(m.openCases) 件")))),
                    .forEach(m.groupsToday) { g in
                        .li(.class("group-today"), .a(.href(SiteURL.group(.value(g.id)).relativeURL() + "#sessions"),
                            .plain("今天的小组活动：\(g.name) 第 \(g.number) 节（计划 \(g.plannedSessions) 节；\(g.stationName)，负责社工 \(g.responsibleName)）")))
                    },
                    .forEach(m.confirmations) { c in
                        .li(.class("confirm"), .a(.href(c.href), .plain("确认督导记录（T-5 督导记录）：\(c.station) \(c.heldOn)“\(c.topic)”")),
                            .small(.plain(c.asSupervisor ? "　您是督导" : "　您是被督导社工")))
                    },
                    .forEach(m.hours) { h in
                        .li(.class("hours"), .a(.href(h.href), .plain("\(h.station)：\(h.rule)")),
                            .span(.class("badge \(h.state.rawValue)"), .plain(h.state.label)), .plain(" " + h.measured))
                    },
                    .if(m.moreHours > 0, .li(.a(.href(SiteURL.compliance.relativeURL(["rule": "T-2", "state": "progress"])), .plain("另有 \(m.moreHours) 项学时未达标 →")))),
                    .forEach(m.board.overdue) { s in
                        .li(.class("overdue"), .a(.href("#deadlines"), .plain("逾期未报送：\(s.dueOn) \(s.title)（\(RuleName.label(s.ruleId))，已过 \(-s.daysLeft) 天）")))
                    },
                    .forEach(m.openUpcoming) { s in
                        .li(.class("upcoming"), .a(.href("#deadlines"), .plain("\(s.dueOn) 前：\(s.title)（\(RuleName.label(s.ruleId))，还有 \(s.daysLeft) 天）")))
                    })),
            .if(!m.followUps.isEmpty, followUpSection(m, csrf: csrf)),
            .if(!m.board.overdue.isEmpty || !m.board.upcoming.isEmpty || !m.board.uncounted.isEmpty, DeadlineBoardView.section(m.board, csrf: csrf)),
            .if(m.stationTotal > 0, .section(.class("card"),
                .h2(.plain("社工站（共 \(m.stationTotal) 个）")),
                .ul(.forEach(m.stations) { row in .li(.a(.href(SiteURL.station(.value(row.id)).relativeURL()), .plain(row.name))) }),
                .if(m.stationTotal > m.stations.count, .p(.a(.href(SiteURL.stations.relativeURL()), .plain("查看全部社工站 →")))))))
    }
}
