import Domain
import Vapor

/// A station's focus service fields (V-5, V-6; issue 10 §4): the page and the JSON API.
struct FocusFieldsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.stationFocusFields(.key), use: page)
        routes.post(SiteURL.stationFocusFields(.key), use: chooseFromForm)
        routes.get(ApiRoute.stationFocusFields(.key), use: api)
        routes.put(ApiRoute.stationFocusFields(.key), use: apiChoose)
    }

    /// The station, read through the caller's scope of the service ledger (404 outside it).
    private func station(_ req: Request) async throws -> Station {
        let s = try await StationQueries.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        try req.authorize(.read, StationScope.resource(s, .service))
        return s
    }

    func api(req: Request) async throws -> FocusFieldsDTO {
        let s = try await station(req)
        return try await FocusFieldsService.current(s, year: try FocusFieldsService.year(try req.queryValue(Int.self, "year"), today: req.today), req: req)
    }

    func apiChoose(req: Request) async throws -> FocusFieldsDTO {
        let s = try await station(req)
        let input = try req.content.decode(FocusFieldsInput.self)
        try await FocusFieldsService.choose(s, input, req: req)
        return try await FocusFieldsService.current(s, year: try FocusFieldsService.year(input.year, today: req.today), req: req)
    }

    func page(req: Request) async throws -> Response {
        try await render(req, year: try FocusFieldsService.year(try req.queryValue(Int.self, "year"), today: req.today)) { _ in }
    }

    private func render(_ req: Request, year: Int, status: HTTPResponseStatus = .ok, transform: (inout FocusFieldsPage.Model) -> Void) async throws -> Response {
        let caller = try req.requireCaller()
        let s = try await station(req)
        let profile = try await CaseService.profile(of: s, year: year, req: req)
        var m = FocusFieldsPage.Model(stationName: s.name, current: try await FocusFieldsService.current(s, year: year, req: req))
        m.choices = profile.serviceFields.map { ($0.code, $0.label) }
        m.canChoose = caller.may(.create, StationScope.resource(s, .service))
        m.isDemonstration = s.isDemonstration
        transform(&m)
        return FocusFieldsPage.view(m, caller: caller, csrf: req.csrfToken).response(status: status)
    }

    func chooseFromForm(req: Request) async throws -> Response {
        let s = try await station(req)
        let year = try FocusFieldsService.year(try req.queryValue(Int.self, "year"), today: req.today)
        let form = try req.content.decode([String: String].self)
        let profile = try await CaseService.profile(of: s, year: year, req: req)
        // In the profile's order, which is the order the boxes are shown in.
        let codes = profile.serviceFields.map(\.code).filter { form["field_" + $0] != nil }
        do {
            try await FocusFieldsService.choose(s, FocusFieldsInput(year: year, fields: codes), req: req)
            return req.redirect(to: SiteURL.stationFocusFields(.value(s.id!)).relativeURL(["year": String(year)]))
        } catch let error as AppError {
            return try await render(req, year: year, status: error.status) {
                $0.ticked = Set(codes)
                $0.error = error.fieldErrors.map(\.message).joined(separator: "；")
            }
        }
    }
}
