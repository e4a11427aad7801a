import Vapor

/// Each role's start page: what to do today (`HomePage`).
struct HomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
    }

    func home(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        return HomePage.view(try await HomePage.query(req, caller: caller), caller: caller, csrf: req.csrfToken).response()
    }
}
