import Domain
import Vapor

/// Service dashboards (issue 10 §5): the page, its workbook and the JSON API.
struct DashboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.dashboard, use: page)
        routes.get(SiteURL.dashboardXLSX, use: exportXLSX)
        routes.get(ApiRoute.dashboard, use: api)
    }

    /// The place and year asked for (`station=` or `unit=`, `year=`; the caller's own place and this
    /// year by default) and its numbers.
    private func load(_ req: Request) async throws -> (DashboardDTO, station: UUID?, unit: UUID?) {
        _ = try req.requireCaller()   // a stranger hears 401 before anything about the query
        let station = try req.queryValue(UUID.self, "station")
        let unit = try req.queryValue(UUID.self, "unit")
        let year = try DashboardQueries.year(req)
        let place = try await DashboardQueries.place(station: station, unit: unit, req: req)
        let profile = try await req.application.policies.inForce(cityID: place.cityID, year: year, on: req.db).profile
        return (try await DashboardQueries.dashboard(place, year: year, profile: profile, on: req.readDB), station, unit)
    }

    func api(req: Request) async throws -> DashboardDTO {
        try await load(req).0
    }

    func page(req: Request) async throws -> Response {
        let (d, station, unit) = try await load(req)
        let years = Array((2020...req.today.year).reversed())
        return DashboardPage.view(.init(dashboard: d, station: station?.uuidString, unit: unit?.uuidString, years: years),
                                  caller: try req.requireCaller()).response()
    }

    func exportXLSX(req: Request) async throws -> Response {
        let (d, _, _) = try await load(req)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"dashboard-\(d.year).xlsx\"")
        return Response(status: .ok, headers: headers, body: .init(data: try DashboardPage.spreadsheet(d).xlsx()))
    }
}
