import Domain
import Fluent
import Vapor

/// Group work (issue 10 §3): pages and the JSON API.
struct GroupsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.groups, use: listPage)
        routes.get(SiteURL.groupsNew, use: newPage)
        routes.post(SiteURL.groupsNew, use: createFromForm)
        routes.get(SiteURL.group(.key), use: groupPage)
        routes.post(SiteURL.groupMembers(.key)) { req in try await self.fromForm(req, .members) }
        routes.post(SiteURL.groupSessions(.key)) { req in try await self.fromForm(req, .session) }
        routes.post(SiteURL.groupEnding(.key)) { req in try await self.fromForm(req, .ending) }
        routes.post(SiteURL.groupNextSession(.key)) { req in try await self.fromForm(req, .next) }

        routes.get(ApiRoute.groups, use: apiList)
        routes.post(ApiRoute.groups, use: apiCreate)
        routes.get(ApiRoute.group(.key), use: apiGroup)
        routes.post(ApiRoute.groupMembers(.key), use: apiMembers)
        routes.post(ApiRoute.groupSessions(.key), use: apiSession)
        routes.post(ApiRoute.groupEnding(.key), use: apiEnd)
        routes.put(ApiRoute.groupNextSession(.key), use: apiNextSession)
    }

    // MARK: API

    func apiList(req: Request) async throws -> Page<GroupSummary> {
        let caller = try req.requireCaller()
        let profile = try await DeadlineService.profile(caller, year: req.today.year, on: req.db)
        let (rows, paging) = try await GroupQueries.list(caller, try req.query.decode(GroupQueries.Filter.self), profile: profile, on: req.db)
        return Page(items: rows, page: paging.page, per: paging.per, total: paging.total)
    }

    func apiCreate(req: Request) async throws -> Response {
        let g = try await GroupService.create(try req.content.decode(GroupInput.self), req: req)
        let (found, station) = try await GroupService.find(g.id, .read, req: req)
        return try await detail(found, station, req).encodeResponse(status: .created, for: req)
    }

    func apiGroup(req: Request) async throws -> GroupDetail {
        let (g, station) = try await GroupService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return try await detail(g, station, req)
    }

    func apiMembers(req: Request) async throws -> Response {
        let (g, station) = try await GroupService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        try await GroupService.addMembers(g, station: station, try req.content.decode(GroupMembersInput.self), req: req)
        return try await detail(g, station, req).encodeResponse(status: .created, for: req)
    }

    func apiSession(req: Request) async throws -> Response {
        let (g, station) = try await GroupService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        _ = try await GroupService.recordSession(g, station: station, try req.content.decode(GroupSessionInput.self), req: req)
        return try await detail(g, station, req).encodeResponse(status: .created, for: req)
    }

    func apiEnd(req: Request) async throws -> GroupDetail {
        let (g, station) = try await GroupService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        try await GroupService.end(g, try req.content.decode(GroupEndInput.self), req: req)
        return try await detail(g, station, req)
    }

    func apiNextSession(req: Request) async throws -> GroupDetail {
        let (g, station) = try await GroupService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        try await GroupService.planNext(g, try req.content.decode(GroupNextSessionInput.self), req: req)
        return try await detail(g, station, req)
    }

    /// The group as it stands now (re-read: a step has just changed it).
    private func detail(_ g: WorkGroup, _ station: Station, _ req: Request) async throws -> GroupDetail {
        let current = try await WorkGroup.find(g.id, on: req.db) ?? g
        return try await GroupQueries.detail(current, station: station, profile: try await CaseService.profile(of: station, year: current.year, req: req), on: req.db)
    }

    // MARK: pages

    func listPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        var m = GroupListPage.Model()
        m.filter = try req.query.decode(GroupQueries.Filter.self)
        let profile = try await DeadlineService.profile(caller, year: req.today.year, on: req.db)
        do {
            (m.rows, m.paging) = try await GroupQueries.list(caller, m.filter, profile: profile, on: req.readDB)
        } catch let error as AppError {
            m.filterError = error.fieldErrors.map(\.message).joined(separator: "；")
            return GroupListPage.view(m, caller: caller).response(status: error.status)
        }
        m.canCreate = try await !StationScope.stationsForCreate(caller, kind: .service, on: req.db).isEmpty
        return GroupListPage.view(m, caller: caller).response()
    }

    private func newModel(_ req: Request) async throws -> GroupNewPage.Model {
        let stations = try await StationScope.stationsForCreate(try req.requireCaller(), kind: .service, on: req.db)
        guard let first = stations.first else { throw Abort(.forbidden, reason: "您的角色无权开设小组") }
        var m = GroupNewPage.Model()
        m.stations = stations.map { ($0.id!.uuidString, $0.name) }
        let caller = try req.requireCaller()
        m.workers = [("", caller.has(.socialWorker) ? "我本人" : "请选择")] + (try await ServiceParties.workers(of: stations, on: req.db))
        m.profile = try await CaseService.profile(of: first, year: req.today.year, req: req)
        for s in stations {
            let profile = try await CaseService.profile(of: s, year: req.today.year, req: req)
            m.featuredProjects += try await FeaturedProjectService.choices(s, year: req.today.year, profile: profile, on: req.db)
                .map { ($0.value, stations.count > 1 ? "\(s.name)：\($0.label)" : $0.label) }
        }
        return m
    }

    func newPage(req: Request) async throws -> Response {
        var m = try await newModel(req)
        m.values["starts_on"] = req.today.description
        return GroupNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    func createFromForm(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        var parse = Validator()
        let planned = parse.integer(form["planned_sessions"], field: "planned_sessions", label: "计划节数")
        func value(_ name: String) -> String? { form[name].flatMap { $0.isEmpty ? nil : $0 } }
        do {
            let input = GroupInput(stationId: value("station_id").flatMap(UUID.init(uuidString:)), name: form["name"], field: form["field"],
                                   item: value("item"),
                                   featuredProjectId: FeaturedProjectService.formValue(form["featured_project_id"], field: "featured_project_id", into: &parse),
                                   goals: form["goals"], target: form["target"], plannedSessions: planned, startsOn: form["starts_on"],
                                   responsibleId: value("responsible_id").flatMap(UUID.init(uuidString:)), nextSessionOn: value("next_session_on"))
            try parse.check()
            let g = try await GroupService.create(input, req: req)
            return req.redirect(to: SiteURL.group(.value(g.id!)).relativeURL())
        } catch let error as AppError {
            var m = try await newModel(req)
            m.values = form
            m.errors = Validator(error)
            return GroupNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func groupPage(req: Request) async throws -> Response {
        try await render(req) { _ in }
    }

    private func render(_ req: Request, status: HTTPResponseStatus = .ok, transform: (inout GroupPage.Model) -> Void) async throws -> Response {
        let caller = try req.requireCaller()
        let (g, station) = try await GroupService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        var m = GroupPage.Model(detail: try await detail(g, station, req))
        m.canUpdate = caller.may(.update, StationScope.resource(station, .service))
        m.linksRecipients = caller.may(.read, RecipientService.resource(station))
        if m.canUpdate && g.phase != .ended {
            let members = Set(m.detail.members.map(\.id))
            m.candidates = try await Recipient.query(on: req.db).filter(\.$station.$id == station.id!).filter(\.$status == .active)
                .filter(\.$mergedIntoID == nil).sort(\.$name).all().filter { !members.contains($0.id!) }.map { ($0.id!, "\($0.name)（\($0.birthDate)）") }
        }
        m.today = req.today.description
        transform(&m)
        return GroupPage.view(m, caller: caller, csrf: req.csrfToken).response(status: status)
    }

    func fromForm(_ req: Request, _ which: GroupPage.Form) async throws -> Response {
        let (g, station) = try await GroupService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        let form = try req.content.decode([String: String].self)
        let p = which.rawValue
        var parse = Validator()
        func value(_ name: String) -> String? { form[p + name].flatMap { $0.isEmpty ? nil : $0 } }
        /// The ids of the boxes ticked whose names start with `p + name`.
        func ticked(_ name: String) -> [UUID] {
            form.keys.filter { $0.hasPrefix(p + name) }.sorted().compactMap { UUID(uuidString: String($0.dropFirst((p + name).count))) }
        }
        do {
            switch which {
            case .members:
                try await GroupService.addMembers(g, station: station, GroupMembersInput(recipientIds: ticked("add_"), joinedOn: value("joined_on")), req: req)
            case .session:
                let attendees = ticked("attend_")
                let measures = attendees.compactMap { id -> GroupSessionInput.Measure? in
                    let pre = parse.integer(form[p + "pre_" + id.uuidString], field: "measures_pre", label: "前测")
                    let post = parse.integer(form[p + "post_" + id.uuidString], field: "measures_post", label: "后测")
                    return pre == nil && post == nil ? nil : .init(recipientId: id, pre: pre, post: post)
                }
                let input = GroupSessionInput(on: value("on"), minutes: parse.integer(form[p + "minutes"], field: "minutes", label: "活动时长"),
                                              content: value("content"), attendeeIds: attendees,
                                              othersCount: parse.integer(form[p + "others_count"], field: "others_count", label: "其他参加人数"),
                                              measures: measures)
                try parse.check()
                _ = try await GroupService.recordSession(g, station: station, input, req: req)
            case .ending:
                try await GroupService.end(g, GroupEndInput(on: value("on"), summary: value("summary")), req: req)
            case .next:
                try await GroupService.planNext(g, GroupNextSessionInput(on: value("on")), req: req)
            }
            let anchor = switch which { case .ending: ""; case .members: "#members"; case .session: "#sessions"; case .next: "#next-session" }
            return req.redirect(to: SiteURL.group(.value(g.id!)).relativeURL() + anchor)
        } catch let error as AppError {
            return try await render(req, status: error.status) {
                $0.failed = which
                $0.values = form
                var errors = Validator()
                for e in error.fieldErrors { errors.add(GroupPage.formName(which, e.field), e.message) }
                $0.errors = errors
            }
        }
    }
}
