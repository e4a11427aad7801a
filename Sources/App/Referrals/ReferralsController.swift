import Domain
import Fluent
import Vapor

/// Referrals (V-11; issue 10 §2): the boxes, a new referral and answers, as pages and the JSON API.
struct ReferralsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.referrals, use: listPage)
        routes.get(SiteURL.referralsNew, use: newPage)
        routes.post(SiteURL.referralsNew, use: sendFromForm)
        routes.post(SiteURL.referralAnswers(.key), use: answerFromForm)

        routes.get(ApiRoute.referrals, use: apiList)
        routes.post(ApiRoute.referrals, use: apiSend)
        routes.get(ApiRoute.referral(.key), use: apiReferral)
        routes.post(ApiRoute.referralAnswers(.key), use: apiAnswer)
    }

    func apiList(req: Request) async throws -> Page<ReferralDTO> {
        let (rows, paging) = try await ReferralQueries.list(try req.requireCaller(), try req.query.decode(ReferralQueries.Filter.self), on: req.db)
        return Page(items: rows, page: paging.page, per: paging.per, total: paging.total)
    }

    func apiSend(req: Request) async throws -> Response {
        let r = try await ReferralService.send(try req.content.decode(ReferralInput.self), req: req)
        return try await dto(r.id!, req).encodeResponse(status: .created, for: req)
    }

    func apiReferral(req: Request) async throws -> ReferralDTO {
        let (r, _, _) = try await ReferralService.find(req.parameters.get("id", as: UUID.self), req: req)
        return try await dto(r.id!, req)
    }

    func apiAnswer(req: Request) async throws -> ReferralDTO {
        let (r, from, to) = try await ReferralService.find(req.parameters.get("id", as: UUID.self), req: req)
        try await ReferralService.answer(r, from: from, to: to, try req.content.decode(ReferralAnswerInput.self), req: req)
        return try await dto(r.id!, req)
    }

    private func dto(_ id: UUID, _ req: Request) async throws -> ReferralDTO {
        guard let found = try await ReferralQueries.dtos([id], caller: try req.requireCaller(), on: req.db).first else { throw Abort(.notFound) }
        return found
    }

    func listPage(req: Request) async throws -> Response {
        try await renderList(req, filter: try req.query.decode(ReferralQueries.Filter.self)) { _ in }
    }

    private func renderList(_ req: Request, filter: ReferralQueries.Filter, status: HTTPResponseStatus = .ok,
                            transform: (inout ReferralListPage.Model) -> Void) async throws -> Response {
        let caller = try req.requireCaller()
        var m = ReferralListPage.Model(filter: filter)
        (m.rows, m.paging) = try await ReferralQueries.list(caller, filter, on: req.db)
        m.today = req.today.description
        transform(&m)
        return ReferralListPage.view(m, caller: caller, csrf: req.csrfToken).response(status: status)
    }

    private func newModel(_ req: Request) async throws -> ReferralNewPage.Model {
        let (person, station) = try await RecipientService.find(try req.queryValue(UUID.self, "recipient"), .read, req: req)
        try req.authorize(.create, StationScope.resource(station, .service))
        var m = ReferralNewPage.Model(recipientID: person.id!, recipientName: person.name)
        m.stations = try await Station.query(on: req.db).filter(\.$cityID == station.cityID).filter(\.$id != station.id!).sort(\.$name).all()
            .map { ($0.id!.uuidString, $0.name) }
        m.cases = try await CaseQueries.cases(of: person.id!, scope: "s.id = \(bind: station.id!)", on: req.db).map { ($0.id.uuidString, "\($0.number)（\($0.stage.label)）") }
        return m
    }

    func newPage(req: Request) async throws -> Response {
        var m = try await newModel(req)
        m.values["on"] = req.today.description
        return ReferralNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    func sendFromForm(req: Request) async throws -> Response {
        var m = try await newModel(req)
        let form = try req.content.decode([String: String].self)
        func value(_ name: String) -> String? { form[name].flatMap { $0.isEmpty ? nil : $0 } }
        let input = ReferralInput(recipientId: m.recipientID, caseId: value("case_id").flatMap(UUID.init(uuidString:)), target: value("target"),
                                  targetStationId: value("target_station_id").flatMap(UUID.init(uuidString:)), targetName: value("target_name"),
                                  reason: form["reason"], on: value("on"))
        do {
            _ = try await ReferralService.send(input, req: req)
            return req.redirect(to: SiteURL.referrals.relativeURL(["box": "out"]))
        } catch let error as AppError {
            m.values = form
            m.errors = Validator(error)
            return ReferralNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func answerFromForm(req: Request) async throws -> Response {
        let (r, from, to) = try await ReferralService.find(req.parameters.get("id", as: UUID.self), req: req)
        let form = try req.content.decode([String: String].self)
        let p = ReferralListPage.prefix(r.id!)
        func value(_ name: String) -> String? { form[p + name].flatMap { $0.isEmpty ? nil : $0 } }
        let filter = ReferralQueries.Filter(box: form["box"] == "in" ? "in" : "out")
        do {
            try await ReferralService.answer(r, from: from, to: to, ReferralAnswerInput(status: value("status"), on: value("on"), note: value("note")), req: req)
            return req.redirect(to: SiteURL.referrals.relativeURL(["box": filter.box]) + "#referral-" + r.id!.uuidString)
        } catch let error as AppError {
            return try await renderList(req, filter: filter, status: error.status) {
                $0.failed = r.id
                $0.values = form
                var errors = Validator()
                for e in error.fieldErrors { errors.add(p + e.field, e.message) }
                $0.errors = errors
            }
        }
    }
}
