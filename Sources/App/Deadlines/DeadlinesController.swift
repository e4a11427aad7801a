import Domain
import Plot
import Vapor

/// The deadline board (on each home page and at `/api/v1/deadlines`) and filings (报送登记).
struct DeadlinesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("deadline-filings", use: fileFromForm)
        routes.get(ApiRoute.deadlines, use: apiBoard)
        routes.post(ApiRoute.deadlineFilings, use: apiFile)
    }

    func apiBoard(req: Request) async throws -> DeadlineService.Board {
        try await DeadlineService.board(try req.requireCaller(), today: req.today, on: req.db)
    }

    func apiFile(req: Request) async throws -> Response {
        let filing = try await DeadlineService.file(try req.content.decode(DeadlineService.FilingInput.self), req: req)
        return try await DeadlineService.FilingInput(ruleId: filing.ruleID, dueOn: filing.dueOn, unitId: filing.unitID,
                                                     filedOn: filing.filedOn, note: filing.note).encodeResponse(status: .created, for: req)
    }

    /// The home page's button: a refusal shows as an error page naming the reason.
    func fileFromForm(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        guard let unitID = form["unit_id"].flatMap(UUID.init(uuidString:)) else {
            throw AppError.field("unit_id", "请选择报送单位")
        }
        _ = try await DeadlineService.file(.init(ruleId: form["rule_id"] ?? "", dueOn: form["due_on"] ?? "", unitId: unitID,
                                                 filedOn: form["filed_on"], note: form["note"]), req: req)
        return req.redirect(to: "/#deadlines")
    }

    /// The home page's section: what is overdue and what falls due in the next 30 days, with who has filed.
    static func section(_ board: DeadlineService.Board, csrf: String?) -> Node<HTML.BodyContext> {
        .section(.class("card"), .id("deadlines"),
            .h2("期限提醒"),
            .if(board.upcoming.isEmpty && board.overdue.isEmpty, .p(.class("empty"), .plain("30 天内没有到期事项。"))),
            .if(!board.uncounted.isEmpty, .ul(.class("uncounted"), .forEach(board.uncounted) { .li(.plain($0)) })),
            .if(!board.overdue.isEmpty, .group(
                .h3("已过期未报送（30 天内）"),
                .ul(.forEach(board.overdue) { .li(.class("overdue"), item($0, csrf: csrf)) }))),
            .if(!board.upcoming.isEmpty, .group(
                .h3("30 天内到期"),
                .ul(.forEach(board.upcoming) { .li(.class($0.done ? "filed" : ""), item($0, csrf: csrf)) }))))
    }

    private static func item(_ s: DeadlineService.Status, csrf: String?) -> Node<HTML.BodyContext> {
        let when = s.daysLeft >= 0 ? "还有 \(s.daysLeft) 天" : "已过 \(-s.daysLeft) 天"
        let progress: String
        if s.units == 0 {
            progress = "由\(s.filer.label)报送"
        } else if s.units == 1 {
            progress = s.done ? "已报送" : "未报送"
        } else {
            progress = "已报送 \(s.filed)/\(s.units) 个\(s.filer.label)"
        }
        return .group(
            .plain("\(s.dueOn) \(s.title)（\(s.ruleId)，\(when)）："),
            .span(.class(s.done ? "badge pass" : "badge warning"), .plain(progress)),
            .small(.class("counting"), .plain(s.counting)),
            .if(s.mayFile && !s.done, .form(.class("file"), .method(.post), .action("/deadline-filings"),
                .input(.type(.hidden), .name("_csrf"), .value(HTMLEscape.escape(csrf ?? ""))),
                .input(.type(.hidden), .name("rule_id"), .value(HTMLEscape.escape(s.ruleId))),
                .input(.type(.hidden), .name("due_on"), .value(s.dueOn)),
                s.unfiled.count == 1
                    ? .input(.type(.hidden), .name("unit_id"), .value(s.unfiled[0].id.uuidString))
                    : .select(.attribute(named: "name", value: "unit_id"), .attribute(named: "aria-label", value: "报送单位"),
                              .forEach(s.unfiled) { unit in
                                  .element(named: "option", nodes: [.attribute(named: "value", value: unit.id.uuidString), .plain(unit.name)])
                              }),
                .button(.type(.submit), .plain("登记已报送")))))
    }
}
