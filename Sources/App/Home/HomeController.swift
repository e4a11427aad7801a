import Domain
import Fluent
import Plot
import Vapor

/// Each role's start page: who you are, where you may act, and the way into your stations.
struct HomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
    }

    func home(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        let assignments = try await UsersController.assignmentRows(of: [caller.userID], on: req.db)[caller.userID] ?? []
        let (rows, paging) = try await StationQueries.list(caller, .init(page: 1, per: 10), on: req.db)
        let today = Day(Date())
        var deadlines: (upcoming: [Deadline], recent: [Deadline]) = ([], [])
        if let path = caller.assignments.first?.placePath, let city = try? await PolicyService.city(of: path, on: req.db),
           let inForce = try? await PolicyService.inForce(city: city, year: today.year, on: req.db) {
            deadlines = Deadlines.around(inForce.profile, today: today, roles: caller.roles)
        }
        return Layout.page(title: "首页", path: "/", caller: caller, csrf: req.csrfToken,
            .h1(.plain("您好，\(caller.displayName)")),
            .section(.class("card"), .id("deadlines"),
                .h2("期限提醒"),
                .if(deadlines.upcoming.isEmpty && deadlines.recent.isEmpty, .p(.class("empty"), .plain("30 天内没有到期事项。"))),
                .if(!deadlines.recent.isEmpty, .group(
                    .h3("已过期（30 天内，如已报送请忽略）"),
                    .ul(.forEach(deadlines.recent) { d in .li(.class("overdue"), .plain("\(d.due) \(d.title)（\(d.ruleID)，已过 \(d.due.days(until: today)) 天）")) }))),
                .if(!deadlines.upcoming.isEmpty, .group(
                    .h3("30 天内到期"),
                    .ul(.forEach(deadlines.upcoming) { d in .li(.plain("\(d.due) \(d.title)（\(d.ruleID)，还有 \(today.days(until: d.due)) 天）")) })))),
            .section(.class("card"),
                .h2("我的角色与管辖范围"),
                .ul(.forEach(assignments) { .li(.plain(UserPages.describe($0))) })),
            .section(.class("card"),
                .h2(.plain("社工站（共 \(paging.total) 个）")),
                .ul(.forEach(rows) { row in .li(.a(.href("/stations/\(row.id)"), .plain(row.name))) }),
                .if(paging.total > rows.count, .p(.a(.href("/stations"), .plain("查看全部社工站 →"))))))
        .response()
    }
}
