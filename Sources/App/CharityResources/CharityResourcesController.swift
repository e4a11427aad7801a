import Domain
import Fluent
import SQLKit
import Vapor

/// The social charity resources library (issue 11 §2): pages and the JSON API.
struct CharityResourcesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.charityResources, use: listPage)
        routes.get(SiteURL.charityResourcesNew, use: newPage)
        routes.post(SiteURL.charityResourcesNew, use: recordFromForm)
        routes.get(SiteURL.charityResource(.key), use: resourcePage)
        routes.post(SiteURL.charityResource(.key), use: correctFromForm)
        routes.post(SiteURL.charityResourceUses(.key), use: useFromForm)
        routes.post(SiteURL.charityUseReversal(.key), use: reverseFromForm)

        routes.get(ApiRoute.charityResources, use: apiList)
        routes.post(ApiRoute.charityResources, use: apiRecord)
        routes.get(ApiRoute.charityResource(.key), use: apiOne)
        routes.patch(ApiRoute.charityResource(.key), use: apiCorrect)
        routes.post(ApiRoute.charityResourceUses(.key), use: apiUse)
        routes.post(ApiRoute.charityUseReversal(.key), use: apiReverse)
        routes.get(ApiRoute.fiveSocietyLinkage, use: apiLinkage)
    }

    // MARK: API

    func apiList(req: Request) async throws -> Page<CharityResourceDTO> {
        let (rows, paging) = try await CharityResourceService.list(try req.requireCaller(), try req.query.decode(CharityResourceService.Filter.self),
                                                                   today: req.today, on: req.db)
        return Page(items: rows, page: paging.page, per: paging.per, total: paging.total)
    }

    func apiRecord(req: Request) async throws -> Response {
        let r = try await CharityResourceService.record(try req.content.decode(CharityResourceInput.self), req: req)
        return try await dto(r.id!, req).encodeResponse(status: .created, for: req)
    }

    func apiOne(req: Request) async throws -> CharityResourceDTO {
        let (r, _) = try await CharityResourceService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return try await dto(r.id!, req)
    }

    func apiCorrect(req: Request) async throws -> CharityResourceDTO {
        let (r, _) = try await CharityResourceService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        _ = try await CharityResourceService.correct(r, try req.content.decode(CharityResourcePatch.self), req: req)
        return try await dto(r.id!, req)
    }

    func apiUse(req: Request) async throws -> Response {
        let (r, _) = try await CharityResourceService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        _ = try await CharityResourceService.use(r, try req.content.decode(CharityUseInput.self), req: req)
        return try await dto(r.id!, req).encodeResponse(status: .created, for: req)
    }

    func apiReverse(req: Request) async throws -> Response {
        let (u, r) = try await CharityResourceService.findUse(req.parameters.get("id", as: UUID.self), .update, req: req)
        _ = try await CharityResourceService.reverse(u, try req.content.decode(CharityReversalInput.self), req: req)
        return try await dto(r.id!, req).encodeResponse(status: .created, for: req)
    }

    struct LinkageDTO: Content {
        struct Station: Content {
            var stationId: UUID
            var stationName: String
            var resourcesReceived: Int
            var resourceUses: Int
            var served: Int
            var events: Int
            /// Events of the year with each partner (raw value of `LinkagePartner` → count).
            var partners: [String: Int]
        }

        var year: Int
        var stations: [Station]
    }

    func apiLinkage(req: Request) async throws -> LinkageDTO {
        let year = try req.yearQuery()
        let rows = try await linkage(req, year: year, station: try req.queryValue(UUID.self, "station"))
        return LinkageDTO(year: year, stations: rows.map {
            .init(stationId: $0.stationID, stationName: $0.stationName, resourcesReceived: $0.received, resourceUses: $0.uses, served: $0.served,
                  events: $0.events, partners: Dictionary(uniqueKeysWithValues: $0.partners.map { ($0.key.rawValue, $0.value) }))
        })
    }

    private func linkage(_ req: Request, year: Int, station: UUID?) async throws -> [FiveSocietyLinkage.Row] {
        let caller = try req.requireCaller()
        guard var scope = StationScope.condition(Access.readScope(caller.assignments, .service), on: req.db) else { return [] }
        if let station { scope = scope + " AND s.id = \(bind: station)" }
        return try await FiveSocietyLinkage.counts(stations: scope, year: year, on: req.db)
    }

    private func dto(_ id: UUID, _ req: Request) async throws -> CharityResourceDTO {
        guard let found = try await CharityResourceService.list(try req.requireCaller(), .init(), ids: [id], today: req.today, on: req.db).rows.first else {
            throw Abort(.notFound, reason: "未找到该慈善资源")
        }
        return found
    }

    // MARK: pages

    func listPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        var m = CharityListPage.Model(filter: try req.query.decode(CharityResourceService.Filter.self), year: req.today.year)
        (m.rows, m.paging) = try await CharityResourceService.list(caller, m.filter, today: req.today, on: req.readDB)
        m.canCreate = try await !StationScope.stationsForCreate(caller, kind: .service, on: req.db).isEmpty
        m.linkage = try await linkage(req, year: m.year, station: m.filter.station)
        return CharityListPage.view(m, caller: caller).response()
    }

    private func newModel(_ req: Request) async throws -> CharityNewPage.Model {
        let stations = try await StationScope.stationsForCreate(try req.requireCaller(), kind: .service, on: req.db)
        guard !stations.isEmpty else { throw Abort(.forbidden, reason: "您的角色无权登记慈善资源") }
        let station = try await StationScope.stationForCreate(try req.queryValue(UUID.self, "station") ?? stations[0].id, kind: .service,
                                                              label: "登记慈善资源", req: req)
        var m = CharityNewPage.Model(station: station)
        m.otherStations = stations.filter { $0.id != station.id }
        return m
    }

    func newPage(req: Request) async throws -> Response {
        var m = try await newModel(req)
        m.values["received_on"] = req.today.description
        return CharityNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    func recordFromForm(req: Request) async throws -> Response {
        var m = try await newModel(req)
        let form = try req.content.decode([String: String].self)
        func value(_ name: String) -> String? { form[name].flatMap { $0.isEmpty ? nil : $0 } }
        var parse = Validator()
        let amount = parse.number(form["value"], field: "value", label: "数量或金额", bounds: NumberBounds(range: 0.01...CharityAmount.maxValue, unit: ""))
        let input = CharityResourceInput(stationId: m.station.id, donorName: form["donor_name"], donorKind: value("donor_kind"), kind: value("kind"),
                                         description: form["description"], unit: value("unit"), value: amount, receivedOn: value("received_on"),
                                         expiresOn: value("expires_on"))
        do {
            try parse.check()
            let r = try await CharityResourceService.record(input, req: req)
            return req.redirect(to: SiteURL.charityResource(.value(r.id!)).relativeURL())
        } catch let error as AppError {
            m.values = form
            m.errors = Validator(error)
            return CharityNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func resourcePage(req: Request) async throws -> Response {
        try await render(req) { $0.values["on"] = req.today.description }
    }

    private func render(_ req: Request, status: HTTPResponseStatus = .ok, transform: (inout CharityResourcePage.Model) -> Void) async throws -> Response {
        let caller = try req.requireCaller()
        let (r, station) = try await CharityResourceService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        var m = CharityResourcePage.Model(resource: try await dto(r.id!, req))
        m.canUpdate = caller.may(.update, StationScope.resource(station, .service))
        if m.canUpdate { m.targets = try await targets(station, req) }
        transform(&m)
        return CharityResourcePage.view(m, caller: caller, csrf: req.csrfToken).response(status: status)
    }

    /// What a use may serve: the station's open cases, active recipients and this and last year's events.
    private func targets(_ station: Station, _ req: Request) async throws -> [(value: String, label: String)] {
        let sql = req.db as! any SQLDatabase
        let id = station.id!
        var result: [(value: String, label: String)] = []
        for row in try await sql.raw("SELECT id, number FROM cases WHERE station_id = \(bind: id) AND closed_on IS NULL ORDER BY number").all() {
            result.append(("case:" + (try row.decode(column: "id", as: UUID.self)).uuidString, "个案 " + (try row.decode(column: "number", as: String.self))))
        }
        for row in try await sql.raw("""
            SELECT id, name, birth_date FROM recipients WHERE station_id = \(bind: id) AND status = 'active' AND merged_into_id IS NULL ORDER BY name
            """).all() {
            result.append(("recipient:" + (try row.decode(column: "id", as: UUID.self)).uuidString,
                           "服务对象 \(try row.decode(column: "name", as: String.self))（\(try row.decode(column: "birth_date", as: String.self))）"))
        }
        for row in try await sql.raw("""
            SELECT id, title, held_on FROM community_events WHERE station_id = \(bind: id) AND year >= \(bind: req.today.year - 1) ORDER BY held_on DESC
            """).all() {
            result.append(("event:" + (try row.decode(column: "id", as: UUID.self)).uuidString,
                           "社区活动 \(try row.decode(column: "held_on", as: String.self)) \(try row.decode(column: "title", as: String.self))"))
        }
        return result
    }

    func useFromForm(req: Request) async throws -> Response {
        let (r, _) = try await CharityResourceService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        let form = try req.content.decode([String: String].self)
        var parse = Validator()
        let amount = parse.number(form["amount"], field: "amount", label: "使用数量", bounds: NumberBounds(range: 0.01...CharityAmount.maxValue, unit: ""))
        let served = (form["served"] ?? "").split(separator: ":", maxSplits: 1).map(String.init)
        let target = served.count == 2 ? UUID(uuidString: served[1]) : nil
        let input = CharityUseInput(amount: amount, on: form["on"].flatMap { $0.isEmpty ? nil : $0 }, purpose: form["purpose"],
                                    caseId: served.first == "case" ? target : nil, recipientId: served.first == "recipient" ? target : nil,
                                    eventId: served.first == "event" ? target : nil)
        do {
            try parse.check()
            _ = try await CharityResourceService.use(r, input, req: req)
            return req.redirect(to: SiteURL.charityResource(.value(r.id!)).relativeURL() + "#uses")
        } catch let error as AppError {
            return try await render(req, status: error.status) {
                $0.values = form
                $0.errors = Validator(error)
            }
        }
    }

    /// The correction form on the resource page: every field is sent; an empty expiry clears it.
    func correctFromForm(req: Request) async throws -> Response {
        let (r, _) = try await CharityResourceService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let form = try req.content.decode([String: String].self)
        func value(_ name: String) -> String? { form[name].flatMap { $0.isEmpty ? nil : $0 } }
        var parse = Validator()
        let amount = parse.number(form["value"], field: "value", label: "数量或金额", bounds: NumberBounds(range: 0.01...CharityAmount.maxValue, unit: ""))
        let patch = CharityResourcePatch(donorName: form["donor_name"] ?? "", donorKind: value("donor_kind"), kind: value("kind"), description: form["description"] ?? "",
                                         unit: value("unit"), value: amount, receivedOn: form["received_on"] ?? "", expiresOn: form["expires_on"] ?? "")
        do {
            try parse.check()
            _ = try await CharityResourceService.correct(r, patch, req: req)
            return req.redirect(to: SiteURL.charityResource(.value(r.id!)).relativeURL())
        } catch let error as AppError {
            return try await render(req, status: error.status) {
                $0.values["on"] = req.today.description
                $0.correctionValues = form
                $0.correctionErrors = Validator(error)
            }
        }
    }

    func reverseFromForm(req: Request) async throws -> Response {
        let (u, r) = try await CharityResourceService.findUse(req.parameters.get("id", as: UUID.self), .update, req: req)
        let form = try req.content.decode([String: String].self)
        do {
            _ = try await CharityResourceService.reverse(u, CharityReversalInput(reason: form[CharityResourcePage.reasonField(u.id!)]), req: req)
            return req.redirect(to: SiteURL.charityResource(.value(r.id!)).relativeURL() + "#uses")
        } catch let error as AppError {
            req.parameters.set("id", to: r.id!.uuidString)
            return try await render(req, status: error.status) {
                $0.values["on"] = req.today.description
                $0.failedReversal = u.id
                $0.reversalError = error.fieldErrors.first?.message
            }
        }
    }
}
