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
        let board = try await DeadlineService.board(caller, today: req.today, on: req.db)
        return Layout.page(title: "首页", path: "/", caller: caller, csrf: req.csrfToken,
            .h1(.plain("您好，\(caller.displayName)")),
            DeadlinesController.section(board, csrf: req.csrfToken),
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
