import Domain
import Vapor

/// Village coverage (rule R-2, issue 11 §3): the page and the JSON API. The place is looked up in the
/// caller's scope as the dashboards do (`DashboardQueries.place`): another street's villages are 404.
struct CoverageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.coverage, use: page)
        routes.get(ApiRoute.coverage, use: api)
    }

    private func load(_ req: Request) async throws -> (CoverageDTO, station: UUID?, unit: UUID?) {
        _ = try req.requireCaller()
        let station = try req.queryValue(UUID.self, "station")
        let unit = try req.queryValue(UUID.self, "unit")
        let year = try DashboardQueries.year(req)
        let place = try await DashboardQueries.place(station: station, unit: unit, req: req)
        return (try await CoverageQueries.coverage(place, year: year, on: req.readDB), station, unit)
    }

    func api(req: Request) async throws -> CoverageDTO {
        try await load(req).0
    }

    func page(req: Request) async throws -> Response {
        let (c, station, unit) = try await load(req)
        return CoveragePage.view(.init(coverage: c, station: station?.uuidString, unit: unit?.uuidString,
                                       years: Array((2020...req.today.year).reversed())), caller: try req.requireCaller()).response()
    }
}
