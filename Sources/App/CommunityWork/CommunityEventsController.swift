import Domain
import Fluent
import Vapor

/// Community work (issue 10 §3): pages and the JSON API.
struct CommunityEventsController: RouteCollection {
    /// A photo as posted, by the page's form or an API client (multipart, field `photo`).
    struct PhotoForm: Content {
        var photo: File?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.events, use: listPage)
        routes.get(SiteURL.eventsNew, use: newPage)
        routes.post(SiteURL.eventsNew, use: recordFromForm)
        routes.get(SiteURL.event(.key), use: eventPage)
        routes.upload(SiteURL.eventPhotos(.key), use: photoFromForm)
        routes.get(SiteURL.eventPhoto(.key), use: CommunityEventService.servePhoto)

        routes.get(ApiRoute.communityEvents, use: apiList)
        routes.post(ApiRoute.communityEvents, use: apiRecord)
        routes.get(ApiRoute.communityEvent(.key), use: apiEvent)
        routes.upload(ApiRoute.communityEventPhotos(.key), use: apiPhoto)
        routes.get(ApiRoute.communityEventPhoto(.key), use: CommunityEventService.servePhoto)
    }

    // MARK: API

    func apiList(req: Request) async throws -> Page<CommunityEventDTO> {
        let caller = try req.requireCaller()
        let profile = try await DeadlineService.profile(caller, year: req.today.year, on: req.db)
        let (rows, paging) = try await CommunityEventService.list(caller, try req.query.decode(CommunityEventService.Filter.self), profile: profile, on: req.db)
        return Page(items: rows, page: paging.page, per: paging.per, total: paging.total)
    }

    func apiRecord(req: Request) async throws -> Response {
        let e = try await CommunityEventService.record(try req.content.decode(CommunityEventInput.self), req: req)
        return try await dto(e.id!, station: e.$station.id, req).encodeResponse(status: .created, for: req)
    }

    func apiEvent(req: Request) async throws -> CommunityEventDTO {
        let (e, station) = try await CommunityEventService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return try await dto(e.id!, station: station.id!, req)
    }

    func apiPhoto(req: Request) async throws -> Response {
        let (e, station) = try await CommunityEventService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        _ = try await CommunityEventService.addPhoto(e, file: try req.content.decode(PhotoForm.self).photo, req: req)
        return try await dto(e.id!, station: station.id!, req).encodeResponse(status: .created, for: req)
    }

    private func dto(_ id: UUID, station: UUID, _ req: Request) async throws -> CommunityEventDTO {
        let caller = try req.requireCaller()
        guard let s = try await Station.find(station, on: req.db) else { throw Abort(.notFound) }
        let profile = try await CaseService.profile(of: s, year: req.today.year, req: req)
        guard let found = try await CommunityEventService.list(caller, .init(event: id), profile: profile, on: req.db).rows.first else {
            throw Abort(.notFound, reason: "未找到该社区活动")
        }
        return found
    }

    // MARK: pages

    func listPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        var m = EventListPage.Model()
        m.station = try req.queryValue(UUID.self, "station")
        let profile = try await DeadlineService.profile(caller, year: req.today.year, on: req.db)
        (m.rows, m.paging) = try await CommunityEventService.list(caller, .init(station: m.station, page: try req.queryValue(Int.self, "page")),
                                                                  profile: profile, on: req.readDB)
        m.canCreate = try await !StationScope.stationsForCreate(caller, kind: .service, on: req.db).isEmpty
        return EventListPage.view(m, caller: caller).response()
    }

    /// The form's model for the station asked for (`?station=`), or the caller's first.
    private func newModel(_ req: Request) async throws -> EventNewPage.Model {
        let stations = try await StationScope.stationsForCreate(try req.requireCaller(), kind: .service, on: req.db)
        guard !stations.isEmpty else { throw Abort(.forbidden, reason: "您的角色无权记录社区活动") }
        let asked = try req.queryValue(UUID.self, "station")
        let station = try await StationScope.stationForCreate(asked ?? stations[0].id, kind: .service, label: "记录社区活动", req: req)
        var m = EventNewPage.Model(station: station)
        m.otherStations = stations.filter { $0.id != station.id }
        m.villages = try await StationQueries.villages(ofStreet: station.streetID, on: req.db).map { ($0.id.uuidString, $0.name) }
        m.people = try await Recipient.query(on: req.db).filter(\.$station.$id == station.id!).filter(\.$status == .active)
            .filter(\.$mergedIntoID == nil).sort(\.$name).all().map { ($0.id!, "\($0.name)（\($0.birthDate)）") }
        m.profile = try await CaseService.profile(of: station, year: req.today.year, req: req)
        m.featuredProjects = try await FeaturedProjectService.choices(station, year: req.today.year, profile: m.profile!, on: req.db)
        return m
    }

    func newPage(req: Request) async throws -> Response {
        var m = try await newModel(req)
        m.values["on"] = req.today.description
        m.values["partner_social_worker"] = "on"
        return EventNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    func recordFromForm(req: Request) async throws -> Response {
        var m = try await newModel(req)
        let form = try req.content.decode([String: String].self)
        func value(_ name: String) -> String? { form[name].flatMap { $0.isEmpty ? nil : $0 } }
        var parse = Validator()
        let minutes = parse.integer(form["minutes"], field: "minutes", label: "活动时长")
        let others = parse.integer(form["others_count"], field: "others_count", label: "参加人数")
        let people = form.keys.filter { $0.hasPrefix("person_") }.sorted().compactMap { UUID(uuidString: String($0.dropFirst("person_".count))) }
        let input = CommunityEventInput(stationId: m.station.id, title: form["title"], on: value("on"), minutes: minutes,
                                        placeId: value("place_id").flatMap(UUID.init(uuidString:)), content: form["content"], field: form["field"],
                                        item: value("item"),
                                        featuredProjectId: FeaturedProjectService.formValue(form["featured_project_id"], field: "featured_project_id", into: &parse),
                                        othersCount: others, recipientIds: people,
                                        partners: LinkagePartner.allCases.filter { form["partner_" + $0.rawValue] != nil }.map(\.rawValue))
        do {
            try parse.check()
            let e = try await CommunityEventService.record(input, req: req)
            return req.redirect(to: SiteURL.event(.value(e.id!)).relativeURL())
        } catch let error as AppError {
            m.values = form
            m.errors = Validator(error)
            return EventNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func eventPage(req: Request) async throws -> Response {
        try await render(req) { _ in }
    }

    private func render(_ req: Request, status: HTTPResponseStatus = .ok, transform: (inout EventPage.Model) -> Void) async throws -> Response {
        let caller = try req.requireCaller()
        let (e, station) = try await CommunityEventService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        var m = EventPage.Model(event: try await dto(e.id!, station: station.id!, req))
        m.canUpdate = caller.may(.update, StationScope.resource(station, .service))
        m.linksRecipients = caller.may(.read, RecipientService.resource(station))
        if caller.may(.create, VolunteerService.resource(station)) {
            m.volunteerHours = VolunteerHoursLinks(kind: .communityEvent, record: e.recordID)
        }
        m.charityUsed = try await CharityResourceService.served(eventID: e.id!, caller: caller, on: req.db)
        transform(&m)
        return EventPage.view(m, caller: caller, csrf: req.csrfToken).response(status: status)
    }

    func photoFromForm(req: Request) async throws -> Response {
        let (e, _) = try await CommunityEventService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        do {
            _ = try await CommunityEventService.addPhoto(e, file: try req.content.decode(PhotoForm.self).photo, req: req)
            return req.redirect(to: SiteURL.event(.value(e.id!)).relativeURL() + "#photos")
        } catch let error as AppError {
            return try await render(req, status: error.status) { $0.photoError = error.fieldErrors.first?.message }
        }
    }
}
