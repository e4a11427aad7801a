import Domain
import Fluent
import Vapor

struct OrgController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.org, use: indexPage)
        routes.get(SiteURL.orgUnit(.key), use: showPage)
        routes.post(SiteURL.orgUnitChildren(.key), use: addChildFromForm)
        routes.post(SiteURL.orgUnitDistrictKind(.key), use: setDistrictKindFromForm)

        routes.get(ApiRoute.orgUnits, use: apiList)
        routes.post(ApiRoute.orgUnits, use: apiCreate)
        routes.get(ApiRoute.orgUnit(.key), use: apiShow)
        routes.patch(ApiRoute.orgUnit(.key), use: apiUpdate)
    }

    struct OrgUnitDTO: Content {
        var id: UUID
        var name: String
        var level: OrgLevel
        var levelLabel: String
        var parentId: UUID?
        var divisionCode: String?
        var villagePost: VillagePost?
        /// Districts only: central_urban (中心城区) or new_urban (新城区), read by rule S-2; null when not set.
        var districtKind: DistrictKind?

        init(_ u: OrgUnit) {
            self.init(id: u.id!, name: u.name, level: u.level, parentId: u.parentID, divisionCode: u.divisionCode, villagePost: u.villagePost,
                      districtKind: u.districtKind)
        }

        init(_ u: OrgQueries.UnitRef) {
            self.init(id: u.id, name: u.name, level: u.level, parentId: u.parentID, divisionCode: u.divisionCode, villagePost: u.villagePost,
                      districtKind: u.districtKind)
        }

        init(id: UUID, name: String, level: OrgLevel, parentId: UUID?, divisionCode: String?, villagePost: VillagePost, districtKind: DistrictKind?) {
            self.id = id
            self.name = name
            self.level = level
            levelLabel = level.label
            self.parentId = parentId
            self.divisionCode = divisionCode
            self.villagePost = level == .village ? villagePost : nil
            self.districtKind = level == .district ? districtKind : nil
        }
    }

    struct ListQuery: Content {
        var level: String?
        var parent: UUID?
    }

    private func find(_ req: Request, _ action: Access.Action) async throws -> OrgUnit {
        guard let id = req.parameters.get("id", as: UUID.self), let unit = try await OrgUnit.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该组织单位，或不在您的管辖范围内")
        }
        try req.authorize(action, try await OrgQueries.resource(for: unit, on: req.db))
        return unit
    }

    func indexPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        return OrgIndex.view(roots: try await OrgQueries.roots(caller, on: req.db), caller: caller, csrf: req.csrfToken).response()
    }

    func showPage(req: Request) async throws -> Response {
        try await renderShow(req, unit: try await find(req, .read), form: [:], errors: Validator())
    }

    func addChildFromForm(req: Request) async throws -> Response {
        let parent = try await find(req, .read)
        let form = try req.content.decode([String: String].self)
        // The district kind (S-2) is only asked when the new unit is a district.
        let input = OrgUnitInput(name: form["name"] ?? "", parentId: parent.id, divisionCode: form["division_code"],
                                 districtKind: parent.level.childLevel == .district ? form["district_kind"] : nil)
        do {
            let unit = try await OrgService.create(input, req: req)
            return req.redirect(to: SiteURL.orgUnit(.value(unit.id!)).relativeURL())
        } catch let error as AppError {
            let errors = Validator(error)
            return try await renderShow(req, unit: parent, form: form, errors: errors, status: error.status)
        }
    }

    /// The city admin's form on a district's page: its kind, which rule S-2 reads.
    func setDistrictKindFromForm(req: Request) async throws -> Response {
        let unit = try await find(req, .read)
        let form = try req.content.decode([String: String].self)
        do {
            _ = try await OrgService.update(unit, OrgUnitPatch(districtKind: form["district_kind"] ?? ""), req: req)
            return req.redirect(to: SiteURL.orgUnit(.value(unit.id!)).relativeURL([Saved.key: Saved.districtKind.rawValue]))
        } catch let error as AppError {
            let fresh = try await find(req, .read)
            return try await renderShow(req, unit: fresh, form: form, errors: Validator(error), status: error.status)
        }
    }

    private func renderShow(_ req: Request, unit: OrgUnit, form: [String: String], errors: Validator, status: HTTPResponseStatus = .ok) async throws -> Response {
        let caller = try req.requireCaller()
        let children = try await OrgQueries.list(caller, level: nil, parentID: unit.id, on: req.db)
        var stations: [UUID: Station] = [:]
        if unit.level == .district {
            for s in try await Station.query(on: req.db).filter(\.$districtID == unit.id!).all() { stations[s.streetID] = s }
        }
        let lineage = unit.lineageIDs
        let ownStation: Station? = unit.level >= .street && lineage.count > 2
            ? try await Station.query(on: req.db).filter(\.$streetID == lineage[2]).first() : nil
        let visibleStation = ownStation.flatMap { Access.decide(caller.assignments, .read, StationService.resource($0)) == .allowed ? $0 : nil }
        let quotas = try await DemonstrationQuota.query(on: req.db).filter(\.$unit.$id == unit.id!).sort(\.$year).all()
        let unitResource = try await OrgQueries.resource(for: unit, on: req.db)
        let canAdd = unit.level.childLevel != nil && Access.decide(caller.assignments, .create, unitResource) == .allowed
        let canSetKind = unit.level == .district && Access.decide(caller.assignments, .update, unitResource) == .allowed
        let model = OrgShow.Model(unit: unit, ancestors: try await OrgQueries.ancestors(of: unit, on: req.db), children: children,
                                  stations: stations, ownStation: visibleStation, quotas: quotas, canAddChild: canAdd,
                                  canSetDistrictKind: canSetKind, form: form, errors: errors,
                                  notice: status == .ok ? Saved.notice(req) : nil)
        return OrgShow.view(model, caller: caller, csrf: req.csrfToken).response(status: status)
    }

    func apiList(req: Request) async throws -> [OrgUnitDTO] {
        let caller = try req.requireCaller()
        let query = try req.query.decode(ListQuery.self)
        var level: OrgLevel?
        if let raw = query.level {
            guard let parsed = OrgLevel(rawValue: raw) else {
                throw AppError.field("level", "未知的层级“\(raw)”（可选 city、district、street、village）", status: .badRequest)
            }
            level = parsed
        }
        return try await OrgQueries.list(caller, level: level, parentID: query.parent, on: req.db).map { OrgUnitDTO($0) }
    }

    func apiShow(req: Request) async throws -> OrgUnitDTO {
        _ = try req.requireCaller()
        return OrgUnitDTO(try await find(req, .read))
    }

    func apiCreate(req: Request) async throws -> Response {
        _ = try req.requireCaller()
        let unit = try await OrgService.create(try req.content.decode(OrgUnitInput.self), req: req)
        return try await OrgUnitDTO(unit).encodeResponse(status: .created, for: req)
    }

    func apiUpdate(req: Request) async throws -> OrgUnitDTO {
        _ = try req.requireCaller()
        let unit = try await find(req, .read)
        return OrgUnitDTO(try await OrgService.update(unit, try req.content.decode(OrgUnitPatch.self), req: req))
    }
}
