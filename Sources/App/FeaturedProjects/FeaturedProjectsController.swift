import Domain
import Vapor

/// A station's featured projects (V-3's "N"; issue 10 §1): the pages and the JSON API.
struct FeaturedProjectsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.stationFeaturedProjects(.key), use: listPage)
        routes.post(SiteURL.stationFeaturedProjects(.key), use: createFromForm)
        routes.get(SiteURL.featuredProject(.key), use: projectPage)
        routes.post(SiteURL.featuredProject(.key), use: updateFromForm)

        routes.get(ApiRoute.stationFeaturedProjects(.key), use: apiList)
        routes.post(ApiRoute.stationFeaturedProjects(.key), use: apiCreate)
        routes.get(ApiRoute.featuredProject(.key), use: apiShow)
        routes.patch(ApiRoute.featuredProject(.key), use: apiUpdate)
    }

    func apiList(req: Request) async throws -> FeaturedProjectList {
        let s = try await FeaturedProjectService.station(req.parameters.get("id", as: UUID.self), req: req)
        return try await FeaturedProjectService.list(s, year: try FeaturedProjectService.year(try req.queryValue(Int.self, "year"), today: req.today), req: req)
    }

    func apiCreate(req: Request) async throws -> Response {
        let s = try await FeaturedProjectService.station(req.parameters.get("id", as: UUID.self), req: req)
        let p = try await FeaturedProjectService.create(s, try req.content.decode(FeaturedProjectInput.self), req: req)
        return try await dto(p, station: s, req).encodeResponse(status: .created, for: req)
    }

    func apiShow(req: Request) async throws -> FeaturedProjectDTO {
        let (p, s) = try await FeaturedProjectService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return try await dto(p, station: s, req)
    }

    func apiUpdate(req: Request) async throws -> FeaturedProjectDTO {
        let (p, s) = try await FeaturedProjectService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let saved = try await FeaturedProjectService.update(p, station: s, try req.content.decode(FeaturedProjectPatch.self), req: req)
        return try await dto(saved, station: s, req)
    }

    private func dto(_ p: FeaturedProject, station: Station, _ req: Request) async throws -> FeaturedProjectDTO {
        let profile = try await CaseService.profile(of: station, year: p.year, req: req)
        return FeaturedProjectService.dto(p, profile: profile, counts: try await FeaturedProjectService.tallies([p.id!], station: station.id!, year: p.year, on: req.db)[p.id!])
    }

    // MARK: pages

    func listPage(req: Request) async throws -> Response {
        try await renderList(req) { _ in }
    }

    private func renderList(_ req: Request, status: HTTPResponseStatus = .ok, transform: (inout FeaturedProjectsPage.Model) -> Void) async throws -> Response {
        let caller = try req.requireCaller()
        let s = try await FeaturedProjectService.station(req.parameters.get("id", as: UUID.self), req: req)
        let year = try FeaturedProjectService.year(try req.queryValue(Int.self, "year"), today: req.today)
        var m = FeaturedProjectsPage.Model(list: try await FeaturedProjectService.list(s, year: year, req: req))
        m.fields = try await CaseService.profile(of: s, year: year, req: req).serviceFields.map { ($0.code, $0.label) }
        m.years = Array((req.today.year - 1...req.today.year + 1).reversed())
        m.canCreate = caller.may(.create, StationScope.resource(s, .service))
        transform(&m)
        return FeaturedProjectsPage.view(m, caller: caller, csrf: req.csrfToken).response(status: status)
    }

    func createFromForm(req: Request) async throws -> Response {
        let s = try await FeaturedProjectService.station(req.parameters.get("id", as: UUID.self), req: req)
        let form = try req.content.decode([String: String].self)
        func value(_ name: String) -> String? { form[name].flatMap { $0.isEmpty ? nil : $0 } }
        do {
            let year = try FeaturedProjectService.year(try req.queryValue(Int.self, "year"), today: req.today)
            let p = try await FeaturedProjectService.create(s, FeaturedProjectInput(year: year, name: form["name"], field: value("field"), description: form["description"],
                                                                                  activeFrom: value("active_from"), activeTo: value("active_to")), req: req)
            return req.redirect(to: SiteURL.featuredProject(.value(p.id!)).relativeURL())
        } catch let error as AppError {
            return try await renderList(req, status: error.status) {
                $0.values = form
                $0.errors = Validator(error)
            }
        }
    }

    func projectPage(req: Request) async throws -> Response {
        try await renderProject(req) { _ in }
    }

    private func renderProject(_ req: Request, status: HTTPResponseStatus = .ok, transform: (inout FeaturedProjectPage.Model) -> Void) async throws -> Response {
        let caller = try req.requireCaller()
        let (p, s) = try await FeaturedProjectService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        var m = FeaturedProjectPage.Model(project: try await dto(p, station: s, req), stationName: s.name)
        m.canUpdate = caller.may(.update, StationScope.resource(s, .service))
        transform(&m)
        return FeaturedProjectPage.view(m, caller: caller, csrf: req.csrfToken).response(status: status)
    }

    func updateFromForm(req: Request) async throws -> Response {
        let (p, s) = try await FeaturedProjectService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let form = try req.content.decode([String: String].self)
        do {
            try await FeaturedProjectService.update(p, station: s, FeaturedProjectPatch(name: form["name"] ?? "", description: form["description"] ?? "",
                                                                                      activeFrom: form["active_from"] ?? "", activeTo: form["active_to"] ?? ""), req: req)
            return req.redirect(to: SiteURL.featuredProject(.value(p.id!)).relativeURL())
        } catch let error as AppError {
            return try await renderProject(req, status: error.status) {
                $0.values = form
                $0.errors = Validator(error)
            }
        }
    }
}
