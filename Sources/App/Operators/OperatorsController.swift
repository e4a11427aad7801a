import Domain
import Fluent
import Vapor

/// Operator organisations (承接机构): a city admin registers and renames them; everyone else in the
/// city chooses from the list (station form, user form).
struct OperatorsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.operators, use: listPage)
        routes.post(SiteURL.operators, use: createFromForm)
        routes.post(SiteURL.operatorOrg(.key), use: renameFromForm)

        routes.get(ApiRoute.operators, use: apiList)
        routes.post(ApiRoute.operators, use: apiCreate)
        routes.patch(ApiRoute.operatorOrg(.key), use: apiUpdate)
    }

    struct OperatorDTO: Content {
        var id: UUID
        var name: String
        var creditCode: String
        var cityId: UUID

        init(_ op: OperatorOrg) throws {
            id = try op.requireID()
            name = op.name
            creditCode = op.creditCode
            cityId = op.cityID
        }
    }

    /// Looked up by id and then authorised: outside the caller's scope it is "not found".
    private func find(_ req: Request, _ action: Access.Action) async throws -> OperatorOrg {
        guard let id = req.parameters.get("id", as: UUID.self), let op = try await OperatorOrg.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该承接机构，或不在您的管辖范围内")
        }
        try req.authorize(action, try await OperatorService.resource(op, on: req.db))
        return op
    }

    func apiList(req: Request) async throws -> [OperatorDTO] {
        try await OperatorService.visible(to: try req.requireCaller(), on: req.db).map(OperatorDTO.init)
    }

    func apiCreate(req: Request) async throws -> Response {
        _ = try req.requireCaller()
        let op = try await OperatorService.create(try req.content.decode(OperatorInput.self), req: req)
        return try await OperatorDTO(op).encodeResponse(status: .created, for: req)
    }

    func apiUpdate(req: Request) async throws -> OperatorDTO {
        _ = try req.requireCaller()
        let op = try await find(req, .read)
        return try OperatorDTO(try await OperatorService.update(op, try req.content.decode(OperatorInput.self), req: req))
    }

    func listPage(req: Request) async throws -> Response {
        try await render(req, values: [:], errors: Validator())
    }

    func createFromForm(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        do {
            _ = try await OperatorService.create(OperatorInput(name: form["name"], creditCode: form["credit_code"],
                                                               cityId: form["city_id"].flatMap(UUID.init(uuidString:))), req: req)
            return req.redirect(to: SiteURL.operators.relativeURL())
        } catch let error as AppError {
            return try await render(req, values: form, errors: Validator(error), status: error.status)
        }
    }

    func renameFromForm(req: Request) async throws -> Response {
        let op = try await find(req, .read)
        let form = try req.content.decode([String: String].self)
        do {
            _ = try await OperatorService.update(op, OperatorInput(name: form["name"]), req: req)
            return req.redirect(to: SiteURL.operators.relativeURL())
        } catch let error as AppError {
            // Shown beside this operator's own name field, not in the registration form below.
            let field = OperatorPages.renameField(op)
            var errors = Validator()
            for e in error.fieldErrors { errors.add(e.field == "name" ? field : e.field, e.message) }
            return try await render(req, values: [field: form["name"] ?? ""], errors: errors, status: error.status)
        }
    }

    private func render(_ req: Request, values: [String: String], errors: Validator, status: HTTPResponseStatus = .ok) async throws -> Response {
        let caller = try req.requireCaller()
        let operators = try await OperatorService.visible(to: caller, on: req.db)
        var stations: [UUID: Int] = [:]
        for station in try await Station.query(on: req.db).filter(\.$operator.$id ~~ operators.compactMap(\.id)).all() {
            if let id = station.$operator.id { stations[id, default: 0] += 1 }
        }
        let cities = try await OrgUnit.query(on: req.db).filter(\.$level == .city)
            .filter(\.$id ~~ (OperatorService.cityIDs(of: caller) ?? [])).sort(\.$name).all()
        let model = OperatorPages.Model(operators: operators, stationCounts: stations, cities: cities,
                                        canEdit: { caller.may(.update, Access.Resource(kind: .operatorOrg, paths: [$0.path])) },
                                        values: values, errors: errors)
        return OperatorPages.view(model, caller: caller, csrf: req.csrfToken).response(status: status)
    }
}
