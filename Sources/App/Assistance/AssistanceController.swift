import Domain
import Fluent
import Vapor

/// Social-assistance requests (V-10; issue 10 §2): pages and the JSON API.
struct AssistanceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.assistance, use: listPage)
        routes.get(SiteURL.assistanceNew, use: newPage)
        routes.post(SiteURL.assistanceNew, use: recordFromForm)
        routes.post(SiteURL.assistanceOutcome(.key), use: closeFromForm)

        routes.get(ApiRoute.assistanceRequests, use: apiList)
        routes.post(ApiRoute.assistanceRequests, use: apiRecord)
        routes.get(ApiRoute.assistanceRequest(.key), use: apiOne)
        routes.post(ApiRoute.assistanceOutcome(.key), use: apiClose)
    }

    func apiList(req: Request) async throws -> Page<AssistanceDTO> {
        let (rows, paging) = try await AssistanceService.list(try req.requireCaller(), try req.query.decode(AssistanceService.Filter.self), on: req.db)
        return Page(items: rows, page: paging.page, per: paging.per, total: paging.total)
    }

    func apiRecord(req: Request) async throws -> Response {
        let a = try await AssistanceService.record(try req.content.decode(AssistanceInput.self), req: req)
        return try await dto(a.id!, req).encodeResponse(status: .created, for: req)
    }

    func apiOne(req: Request) async throws -> AssistanceDTO {
        let (a, _) = try await AssistanceService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return try await dto(a.id!, req)
    }

    func apiClose(req: Request) async throws -> AssistanceDTO {
        let (a, _) = try await AssistanceService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        try await AssistanceService.close(a, try req.content.decode(AssistanceOutcomeInput.self), req: req)
        return try await dto(a.id!, req)
    }

    private func dto(_ id: UUID, _ req: Request) async throws -> AssistanceDTO {
        guard let found = try await AssistanceService.list(try req.requireCaller(), .init(), ids: [id], on: req.db).rows.first else { throw Abort(.notFound) }
        return found
    }

    func listPage(req: Request) async throws -> Response {
        try await renderList(req, filter: try req.query.decode(AssistanceService.Filter.self)) { _ in }
    }

    private func renderList(_ req: Request, filter: AssistanceService.Filter, status: HTTPResponseStatus = .ok,
                            transform: (inout AssistanceListPage.Model) -> Void) async throws -> Response {
        let caller = try req.requireCaller()
        var m = AssistanceListPage.Model(filter: filter)
        (m.rows, m.paging) = try await AssistanceService.list(caller, filter, on: req.db)
        m.keeps = Set(try await StationScope.stationsForCreate(caller, kind: .service, on: req.db).compactMap(\.id))
        m.today = req.today.description
        transform(&m)
        return AssistanceListPage.view(m, caller: caller, csrf: req.csrfToken).response(status: status)
    }

    private func newModel(_ req: Request) async throws -> AssistanceNewPage.Model {
        let (person, station) = try await RecipientService.find(try req.queryValue(UUID.self, "recipient"), .read, req: req)
        try req.authorize(.create, StationScope.resource(station, .service))
        var m = AssistanceNewPage.Model(recipientID: person.id!, recipientName: person.name)
        m.cases = try await CaseQueries.cases(of: person.id!, scope: "s.id = \(bind: station.id!)", on: req.db).map { ($0.id.uuidString, "\($0.number)（\($0.stage.label)）") }
        m.policyChoices = try await PolicyLibrary.choices(for: station, today: req.today, on: req.db)
        return m
    }

    func newPage(req: Request) async throws -> Response {
        var m = try await newModel(req)
        m.values["on"] = req.today.description
        return AssistanceNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    func recordFromForm(req: Request) async throws -> Response {
        var m = try await newModel(req)
        let form = try req.content.decode([String: String].self)
        func value(_ name: String) -> String? { form[name].flatMap { $0.isEmpty ? nil : $0 } }
        let input = AssistanceInput(recipientId: m.recipientID, caseId: value("case_id").flatMap(UUID.init(uuidString:)), situation: value("situation"),
                                    on: value("on"), need: form["need"], action: form["action"], policyIds: PolicyRefs.ticked("", form))
        do {
            let a = try await AssistanceService.record(input, req: req)
            return req.redirect(to: SiteURL.assistance.relativeURL() + "#assistance-" + a.id!.uuidString)
        } catch let error as AppError {
            m.values = form
            m.errors = Validator(error)
            return AssistanceNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func closeFromForm(req: Request) async throws -> Response {
        let (a, _) = try await AssistanceService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        let form = try req.content.decode([String: String].self)
        let p = AssistanceListPage.prefix(a.id!)
        do {
            try await AssistanceService.close(a, AssistanceOutcomeInput(on: form[p + "on"].flatMap { $0.isEmpty ? nil : $0 }, outcome: form[p + "outcome"]), req: req)
            return req.redirect(to: SiteURL.assistance.relativeURL() + "#assistance-" + a.id!.uuidString)
        } catch let error as AppError {
            return try await renderList(req, filter: .init(), status: error.status) {
                $0.failed = a.id
                $0.values = form
                var errors = Validator()
                for e in error.fieldErrors { errors.add(p + e.field, e.message) }
                $0.errors = errors
            }
        }
    }
}
