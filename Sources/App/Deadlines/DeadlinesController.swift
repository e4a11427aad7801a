import Domain
import Plot
import Vapor

/// The deadline board (on each home page and at `/api/v1/deadlines`) and filings (报送登记).
struct DeadlinesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post(SiteURL.deadlineFilings, use: fileFromForm)
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
        return req.redirect(to: SiteURL.home.relativeURL([Saved.key: Saved.filing.rawValue]) + "#deadlines")
    }
}
