import Domain
import Fluent
import Vapor

struct StationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let pages = routes.grouped("stations")
        pages.get(use: listPage)
        pages.get("new", use: newPage)
        pages.post("new", use: createFromForm)
        pages.get(":id", use: showPage)
        pages.get(":id", "edit", use: editPage)
        pages.post(":id", "edit", use: updateFromForm)

        routes.get(ApiRoute.stations, use: apiList)
        routes.post(ApiRoute.stations, use: apiCreate)
        routes.get(ApiRoute.station(.key), use: apiShow)
        routes.patch(ApiRoute.station(.key), use: apiUpdate)
    }

    // MARK: pages

    func listPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        let filter = try req.query.decode(StationQueries.Filter.self)
        // Two independent reads, run side by side (the list from a standby when there is one).
        let readDB = req.readDB
        async let stations = StationQueries.list(caller, filter, on: readDB)
        async let units = OrgQueries.districtsAndStreets(caller, district: filter.district, cache: req.application.filterOptions, on: req.db)
        let (rows, paging) = try await stations
        let (districts, streets) = try await units
        let canCreate = caller.has(.cityAdmin) || caller.has(.districtOfficer)
        let model = StationList.Model(rows: rows, paging: paging, filter: filter, districts: districts, streets: streets, canCreate: canCreate)
        return StationList.view(model, caller: caller, csrf: req.csrfToken).response()
    }

    func showPage(req: Request) async throws -> Response {
        StationShow.view(try await StationShow.query(req), caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    func editPage(req: Request) async throws -> Response {
        let station = try await StationQueries.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        let villages = try await StationQueries.villages(ofStreet: station.streetID, on: req.db)
        let op = try await station.$operator.get(on: req.db)
        let values = StationEdit.values(of: station, operatorOrg: op, villages: villages)
        return try await renderEdit(req, station: station, villages: villages, values: values, errors: Validator())
    }

    func updateFromForm(req: Request) async throws -> Response {
        let station = try await StationQueries.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        let villages = try await StationQueries.villages(ofStreet: station.streetID, on: req.db)
        let form = try req.content.decode([String: String].self)
        var (input, parseErrors) = StationEdit.input(from: form, villages: villages, isCreate: false)
        let clearing = StationEdit.contract(from: form, into: &input, errors: &parseErrors)
        // The checkbox is only in the city admin's form, where an unchecked box sends nothing; anyone
        // else who sends it is refused (403) by the service.
        if StationService.mayDesignateDemonstration(try req.requireCaller(), of: station) {
            input.isDemonstration = form["is_demonstration"] != nil
        } else if form["is_demonstration"] != nil {
            input.isDemonstration = true
        }
        do {
            _ = try await StationService.update(station, input, prior: parseErrors, clearing: clearing, req: req)
            return req.redirect(to: SiteURL.station(.value(station.id!)).relativeURL([Saved.key: Saved.station.rawValue]))
        } catch let error as AppError {
            let errors = Validator(error)
            let fresh = try await StationQueries.find(station.id, .update, req: req)
            return try await renderEdit(req, station: fresh, villages: villages, values: form, errors: errors, status: error.status)
        }
    }

    func newPage(req: Request) async throws -> Response {
        try await renderEdit(req, station: nil, villages: [], values: [:], errors: Validator(), streets: try await freeStreets(req))
    }

    func createFromForm(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        var (input, parseErrors) = StationEdit.input(from: form, villages: [], isCreate: true)
        _ = StationEdit.contract(from: form, into: &input, errors: &parseErrors)
        do {
            try parseErrors.check()
            let station = try await StationService.create(input, req: req)
            return req.redirect(to: SiteURL.station(.value(station.id!)).relativeURL())
        } catch let error as AppError {
            var errors = parseErrors
            for e in error.fieldErrors where !parseErrors.errors.contains(e) { errors.add(e.field, e.message) }
            return try await renderEdit(req, station: nil, villages: [], values: form, errors: errors, status: error.status, streets: try await freeStreets(req))
        }
    }

    private func renderEdit(_ req: Request, station: Station?, villages: [OrgQueries.UnitRef], values: [String: String], errors: Validator,
                            status: HTTPResponseStatus = .ok, streets: [OrgQueries.UnitRef] = []) async throws -> Response {
        let caller = try req.requireCaller()
        let operators = if let station { try await OperatorService.inCity(station.cityID, on: req.db) }
                        else { try await OperatorService.visible(to: caller, on: req.db) }
        // Contract facts are the purchaser's: shown in the form to a district officer or city admin only.
        let canEditContract = station.map { StationService.isPurchaser(caller, of: $0) } ?? (caller.has(.cityAdmin) || caller.has(.districtOfficer))
        let model = StationEdit.Model(station: station, streets: streets, villages: villages, operators: operators, values: values, errors: errors,
                                      canEditContract: canEditContract,
                                      canDesignateDemonstration: station.map { StationService.mayDesignateDemonstration(caller, of: $0) } ?? false,
                                      // Who may hand a station to another operator is who buys its service.
                                      canChangeOperator: canEditContract)
        return StationEdit.view(model, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: status)
    }

    /// Streets in the caller's scope that have no station yet.
    private func freeStreets(_ req: Request) async throws -> [OrgQueries.UnitRef] {
        let caller = try req.requireCaller()
        guard caller.has(.cityAdmin) || caller.has(.districtOfficer) else {
            throw Abort(.forbidden, reason: "您的角色无权新建社工站")
        }
        let streets = try await OrgQueries.list(caller, level: .street, parentID: nil, on: req.db)
        let taken = Set(try await Station.query(on: req.db).filter(\.$streetID ~~ streets.map(\.id)).all().map(\.streetID))
        return streets.filter { !taken.contains($0.id) }
    }

    // MARK: API

    func apiList(req: Request) async throws -> Page<StationDTO> {
        let caller = try req.requireCaller()
        let filter = try req.query.decode(StationQueries.Filter.self)
        let (rows, paging) = try await StationQueries.list(caller, filter, on: req.db)
        return Page(items: rows.map { StationDTO($0) }, page: paging.page, per: paging.per, total: paging.total)
    }

    func apiShow(req: Request) async throws -> StationDTO {
        _ = try req.requireCaller()
        let station = try await StationQueries.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return try await detail(station, req)
    }

    func apiCreate(req: Request) async throws -> Response {
        _ = try req.requireCaller()
        let input = try req.content.decode(StationInput.self)
        let created = try await StationService.create(input, req: req)
        let station = try await StationQueries.find(created.id, .read, req: req)
        return try await detail(station, req).encodeResponse(status: .created, for: req)
    }

    func apiUpdate(req: Request) async throws -> StationDTO {
        _ = try req.requireCaller()
        let station = try await StationQueries.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let input = try req.content.decode(StationInput.self)
        if input.streetId != nil && input.streetId != station.streetID {
            throw AppError.field("street_id", "社工站所在的街道/乡镇不能修改")
        }
        _ = try await StationService.update(station, input, req: req)
        return try await detail(try await StationQueries.find(station.id, .read, req: req), req)
    }

    private func detail(_ station: Station, _ req: Request) async throws -> StationDTO {
        let summary = try await StationQueries.summary(station.id, .read, req: req)
        let rooms = try await StationQueries.rooms(of: summary.id, on: req.db)
        return StationDTO(summary, rooms: rooms, villages: try await StationQueries.villages(ofStreet: summary.streetId, on: req.db))
    }
}
