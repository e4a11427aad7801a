import Domain
import Fluent
import Vapor

/// The key-population library: pages and the JSON API (issue 9).
struct RecipientsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.recipients, use: listPage)
        routes.get(SiteURL.recipientsNew, use: newPage)
        routes.post(SiteURL.recipientsNew, use: createFromForm)
        routes.get(SiteURL.recipient(.key), use: recipientPage)
        routes.post(SiteURL.recipientStatus(.key), use: statusFromForm)
        routes.post(SiteURL.recipientReveal(.key), use: revealFromForm)
        routes.post(SiteURL.recipientNeeds(.key), use: needFromForm)
        routes.post(SiteURL.needStatus(.key), use: needStatusFromForm)
        routes.get(SiteURL.stationNeeds(.key), use: stationNeedsPage)

        routes.get(ApiRoute.recipients, use: apiList)
        routes.post(ApiRoute.recipients, use: apiCreate)
        routes.get(ApiRoute.recipient(.key), use: apiRecipient)
        routes.post(ApiRoute.recipientStatus(.key), use: apiStatus)
        routes.post(ApiRoute.recipientReveal(.key), use: apiReveal)
        routes.get(ApiRoute.recipientNeeds(.key), use: apiNeeds)
        routes.post(ApiRoute.recipientNeeds(.key), use: apiAddNeed)
        routes.patch(ApiRoute.need(.key), use: apiNeedStatus)
        routes.get(ApiRoute.stationNeeds(.key), use: apiStationNeeds)
    }

    // MARK: API

    struct ListDTO: Content {
        var items: [RecipientDTO]
        var page: Int
        var per: Int
        var total: Int
    }

    func apiList(req: Request) async throws -> ListDTO {
        let caller = try req.requireCaller()
        let (rows, paging) = try await RecipientQueries.list(caller, try req.query.decode(RecipientQueries.Filter.self),
                                                             key: req.application.settings.dataKey, today: req.today,
                                                             totals: req.application.recipientTotals, on: req.db)
        return ListDTO(items: rows, page: paging.page, per: paging.per, total: paging.total)
    }

    func apiCreate(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        let r = try await RecipientService.create(try req.content.decode(RecipientInput.self), req: req)
        return try await RecipientQueries.dto(r.id!, caller: caller, today: req.today, on: req.db).encodeResponse(status: .created, for: req)
    }

    func apiRecipient(req: Request) async throws -> RecipientDTO {
        let (r, _) = try await RecipientService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return try await RecipientQueries.dto(r.id!, caller: try req.requireCaller(), today: req.today, on: req.db)
    }

    func apiStatus(req: Request) async throws -> RecipientDTO {
        let (r, _) = try await RecipientService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        try await RecipientService.changeStatus(r, try req.content.decode(StatusInput.self), req: req)
        return try await RecipientQueries.dto(r.id!, caller: try req.requireCaller(), today: req.today, on: req.db)
    }

    struct RevealedDTO: Content {
        var field: String
        var value: String?
    }

    func apiReveal(req: Request) async throws -> RevealedDTO {
        let (r, station) = try await RecipientService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let (field, value) = try await RecipientService.reveal(r, station: station, try req.content.decode(RevealInput.self), req: req)
        return RevealedDTO(field: field.rawValue, value: value)
    }

    func apiNeeds(req: Request) async throws -> [NeedDTO] {
        let (r, station) = try await RecipientService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return try await NeedsService.list(recipient: r.id!, profile: try await RecipientService.profile(of: station, req: req), on: req.db)
    }

    func apiAddNeed(req: Request) async throws -> Response {
        let (r, station) = try await RecipientService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        let need = try await NeedsService.add(r, station: station, try req.content.decode(NeedInput.self), req: req)
        let profile = try await RecipientService.profile(of: station, req: req)
        guard let dto = try await NeedsService.list(recipient: r.id!, profile: profile, on: req.db).first(where: { $0.id == need.id }) else {
            throw Abort(.notFound, reason: "未找到该需求")
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    func apiNeedStatus(req: Request) async throws -> NeedDTO {
        let (need, r, station) = try await NeedsService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        try await NeedsService.changeStatus(need, r, try req.content.decode(NeedStatusInput.self), req: req)
        let profile = try await RecipientService.profile(of: station, req: req)
        guard let dto = try await NeedsService.list(recipient: r.id!, profile: profile, on: req.db).first(where: { $0.id == need.id }) else {
            throw Abort(.notFound, reason: "未找到该需求")
        }
        return dto
    }

    func apiStationNeeds(req: Request) async throws -> [NeedDTO] {
        let station = try await StationQueries.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        try req.authorize(.read, RecipientService.resource(station))
        return try await NeedsService.list(station: station.id!, try req.query.decode(NeedsService.Filter.self),
                                           profile: try await RecipientService.profile(of: station, req: req), on: req.db)
    }

    // MARK: pages

    func listPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        var m = RecipientListPage.Model()
        m.filter = try req.query.decode(RecipientQueries.Filter.self)
        m.villages = try await RecipientQueries.villageOptions(caller, station: m.filter.station, on: req.db)
        m.canCreate = try await !RecipientService.stationsForCreate(caller, on: req.db).isEmpty
        do {
            (m.rows, m.paging) = try await RecipientQueries.list(caller, m.filter, key: req.application.settings.dataKey, today: req.today,
                                                                 totals: req.application.recipientTotals, on: req.readDB)
        } catch let error as AppError {
            m.filterError = error.fieldErrors.map(\.message).joined(separator: "；")
            return RecipientListPage.view(m, caller: caller).response(status: error.status)
        }
        if let profile = try await DeadlineService.profile(caller, year: req.today.year, on: req.db) { m.levels = profile.followUpRange }
        m.extras = RecipientListExtras.Model(columns: RecipientExport.columns(for: caller), canExportFull: m.canCreate,
                                             transfersOut: try await RecipientTransfer.transfersOut(caller, on: req.db), csrf: req.csrfToken)
        return RecipientListPage.view(m, caller: caller).response()
    }

    func newPage(req: Request) async throws -> Response {
        var m = try await newModel(req)
        let caller = try req.requireCaller()
        let id = (req.query[String.self, at: "search_resident_id"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        let name = (req.query[String.self, at: "search_name"] ?? "").trimmingCharacters(in: .whitespaces)
        let birth = (req.query[String.self, at: "search_birth_date"] ?? "").trimmingCharacters(in: .whitespaces)
        if !id.isEmpty || !name.isEmpty {
            m.searched = true
            m.values = ["search_name": name, "search_birth_date": birth, "resident_id": id, "name": name, "birth_date": birth]
            let key = req.application.settings.dataKey
            if !id.isEmpty {
                // An ID that cannot be one is said so here, not only when the form is sent.
                do { _ = try ResidentID(id, today: req.today) } catch { m.elsewhere = "身份证号\(error.label)" }
                m.matches = try await RecipientQueries.list(caller, .init(residentId: id), key: key, today: req.today, on: req.db).rows
                if m.matches.isEmpty && m.elsewhere == nil {
                    do { try await RecipientService.refuseDuplicate(hash: key.lookupHash(id), caller: caller, on: req.db) }
                    catch let error as AppError { m.elsewhere = error.fieldErrors.first?.message }
                }
            } else {
                m.matches = try await RecipientQueries.list(caller, .init(q: name, per: 50), key: key, today: req.today, on: req.db).rows
                    .filter { $0.name == name && (birth.isEmpty || $0.birthDate == birth) }
            }
        }
        return RecipientNewPage.view(m, caller: caller, csrf: req.csrfToken).response()
    }

    private func newModel(_ req: Request) async throws -> RecipientNewPage.Model {
        let caller = try req.requireCaller()
        var m = RecipientNewPage.Model()
        m.stations = try await RecipientService.stationsForCreate(caller, on: req.db)
        guard let first = m.stations.first else { throw Abort(.forbidden, reason: "您的角色无权登记服务对象") }
        for s in m.stations { m.villages[s.id!] = try await StationQueries.villages(ofStreet: s.streetID, on: req.db).map(\.name) }
        m.levels = try await RecipientService.profile(of: first, req: req).followUpRange
        return m
    }

    func createFromForm(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        var input = RecipientInput(stationId: form["station_id"].flatMap(UUID.init(uuidString:)), name: form["name"], residentId: form["resident_id"],
                                   birthDate: form["birth_date"], sex: form["sex"], phone: form["phone"], address: form["address"], village: form["village"],
                                   categories: RecipientCategory.allCases.filter { form["category_" + $0.rawValue] != nil }.map(\.rawValue),
                                   disabilityGrade: form["disability_grade"], disabilityType: form["disability_type"],
                                   guardianName: form["guardian_name"], guardianPhone: form["guardian_phone"])
        var parse = Validator()
        if let raw = form["follow_up_level"], !raw.isEmpty {
            if let level = Int(raw) { input.followUpLevel = level } else { parse.add("follow_up_level", "跟进级别应为整数") }
        }
        do {
            try parse.check()
            let r = try await RecipientService.create(input, req: req)
            return req.redirect(to: SiteURL.recipient(.value(r.id!)).relativeURL())
        } catch let error as AppError {
            var m = try await newModel(req)
            m.values = form
            m.categories = Set(input.categories ?? [])
            m.errors = Validator(error)
            return RecipientNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func recipientPage(req: Request) async throws -> Response {
        try await renderRecipient(req, transform: { _ in })
    }

    /// The recipient page, with a form's outcome applied to its model.
    func renderRecipient(_ req: Request, status: HTTPResponseStatus = .ok,
                         transform: (inout RecipientPage.Model) -> Void) async throws -> Response {
        let caller = try req.requireCaller()
        let (r, station) = try await RecipientService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let resource = RecipientService.resource(station)
        let profile = try await RecipientService.profile(of: station, req: req)
        var m = RecipientPage.Model(recipient: try await RecipientQueries.dto(r.id!, caller: caller, today: req.today, on: req.db))
        m.personalData = Access.personalData(caller.assignments, resource) ?? .hidden
        m.canUpdate = caller.may(.update, resource) && r.mergedIntoID == nil
        m.categories = try await RecipientCategoryRow.query(on: req.db).filter(\.$recipient.$id == r.id!).sort(\.$verifiedOn).all()
        m.events = try await RecipientEvent.query(on: req.db).filter(\.$recipient.$id == r.id!)
            .sort(\.$happenedOn, .descending).sort(\.$createdAt, .descending).all()
        m.needs = try await NeedsService.list(recipient: r.id!, profile: profile, on: req.db)
        m.serviceFields = profile.needAreas
        m.guardianName = r.guardianName
        m.guardianPhoneMasked = r.guardianPhoneMasked
        if let guardian = r.guardianID, let g = try await Recipient.find(guardian, on: req.db) { m.guardianName = g.name }
        m.records = try await RecipientRecordsSection.load(r, station: station, caller: caller, req: req)
        m.services = try await RecipientServicesSection.load(r, station: station, caller: caller, req: req)
        m.charityUsed = try await CharityResourceService.served(recipientID: r.id!, caller: caller, on: req.db)
        if m.canUpdate {
            m.edit.details = RecipientEditSection.current(r, villageName: m.recipient.villageName)
            m.edit.villages = try await StationQueries.villages(ofStreet: station.streetID, on: req.db).map(\.name)
            m.edit.levels = profile.followUpRange
            m.edit.phoneMasked = r.phoneMasked
            m.edit.guardianPhoneMasked = r.guardianPhoneMasked
        }
        transform(&m)
        return RecipientPage.view(m, caller: caller, csrf: req.csrfToken).response(status: status)
    }

    func statusFromForm(req: Request) async throws -> Response {
        let (r, _) = try await RecipientService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        let form = try req.content.decode([String: String].self)
        do {
            try await RecipientService.changeStatus(r, StatusInput(status: form["new_status"], on: form["changed_on"], reason: form["status_reason"]), req: req)
            return req.redirect(to: SiteURL.recipient(.value(r.id!)).relativeURL() + "#timeline")
        } catch let error as AppError {
            // The page holds several forms: this one's fields carry their own names (no two inputs share an id).
            let names = ["status": "new_status", "on": "changed_on", "reason": "status_reason"]
            var errors = Validator()
            for e in error.fieldErrors { errors.add(names[e.field] ?? e.field, e.message) }
            return try await renderRecipient(req, status: error.status) { $0.statusValues = form; $0.statusErrors = errors }
        }
    }

    func revealFromForm(req: Request) async throws -> Response {
        let (r, station) = try await RecipientService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let form = try req.content.decode([String: String].self)
        do {
            let revealed = try await RecipientService.reveal(r, station: station, RevealInput(field: form["field"], reason: form["reason"]), req: req)
            return try await renderRecipient(req) { $0.revealed = revealed }
        } catch let error as AppError {
            return try await renderRecipient(req, status: error.status) { $0.revealValues = form; $0.revealErrors = Validator(error) }
        }
    }

    func needFromForm(req: Request) async throws -> Response {
        let (r, station) = try await RecipientService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        let form = try req.content.decode([String: String].self)
        do {
            _ = try await NeedsService.add(r, station: station, NeedInput(area: form["area"], description: form["description"], urgency: form["urgency"],
                                                                          identifiedOn: form["identified_on"]), req: req)
            return req.redirect(to: SiteURL.recipient(.value(r.id!)).relativeURL() + "#needs")
        } catch let error as AppError {
            return try await renderRecipient(req, status: error.status) { $0.needValues = form; $0.needErrors = Validator(error) }
        }
    }

    func needStatusFromForm(req: Request) async throws -> Response {
        let (need, r, _) = try await NeedsService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        let form = try req.content.decode([String: String].self)
        try await NeedsService.changeStatus(need, r, NeedStatusInput(status: form["status"], on: form["on"]), req: req)
        return req.redirect(to: SiteURL.recipient(.value(r.id!)).relativeURL() + "#needs")
    }

    func stationNeedsPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        let station = try await StationQueries.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        try req.authorize(.read, RecipientService.resource(station))
        let profile = try await RecipientService.profile(of: station, req: req)
        var m = StationNeedsPage.Model(stationID: station.id!, stationName: station.name, serviceFields: profile.needAreas)
        m.filter = (try? req.query.decode(NeedsService.Filter.self)) ?? NeedsService.Filter()
        m.needs = try await NeedsService.list(station: station.id!, m.filter, profile: profile, on: req.db)
        return StationNeedsPage.view(m, caller: caller).response()
    }
}
