import Domain
import Fluent
import Vapor

/// Case work (issue 10 §2): pages and the JSON API.
struct CasesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.cases, use: listPage)
        routes.get(SiteURL.casesNew, use: newPage)
        routes.post(SiteURL.casesNew, use: openFromForm)
        routes.get(SiteURL.serviceCase(.key), use: casePage)
        for step in CaseStep.allCases {
            routes.post(SiteURL.caseStep(.key, step)) { req in try await self.stepFromForm(req, step) }
        }

        routes.get(ApiRoute.cases, use: apiList)
        routes.post(ApiRoute.cases, use: apiOpen)
        routes.get(ApiRoute.serviceCase(.key), use: apiCase)
        for step in CaseStep.allCases {
            routes.post(ApiRoute.caseStep(.key, step)) { req in try await self.apiStep(req, step) }
        }
    }

    // MARK: API

    func apiList(req: Request) async throws -> Page<CaseSummary> {
        let (rows, paging) = try await CaseQueries.list(try req.requireCaller(), try req.query.decode(CaseQueries.Filter.self), today: req.today, on: req.db)
        return Page(items: rows, page: paging.page, per: paging.per, total: paging.total)
    }

    func apiOpen(req: Request) async throws -> Response {
        let c = try await CaseService.open(try req.content.decode(CaseInput.self), req: req)
        let (found, station) = try await CaseService.find(c.id, .read, req: req)
        return try await detail(found, station, req).encodeResponse(status: .created, for: req)
    }

    func apiCase(req: Request) async throws -> CaseDetail {
        let (c, station) = try await CaseService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return try await detail(c, station, req)
    }

    /// A step through the API; the case as it stands after it. 201 where the step adds a record
    /// (an assessment, plan, service or evaluation), 200 where it only moves the case (closure, reopening).
    func apiStep(_ req: Request, _ step: CaseStep) async throws -> Response {
        let (c, station) = try await CaseService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        switch step {
        case .assess: try await CaseService.assess(c, try req.content.decode(AssessmentInput.self), req: req)
        case .plan: try await CaseService.plan(c, try req.content.decode(PlanInput.self), req: req)
        case .intervene, .followUp: _ = try await CaseService.addService(c, station: station, step: step, try req.content.decode(CaseServiceInput.self), req: req)
        case .evaluate: try await CaseService.evaluate(c, try req.content.decode(EvaluationInput.self), req: req)
        case .close: try await CaseService.close(c, try req.content.decode(CloseInput.self), req: req)
        case .reopen: try await CaseService.reopen(c, try req.content.decode(ReopenInput.self), req: req)
        }
        let status: HTTPResponseStatus = step == .close || step == .reopen ? .ok : .created
        return try await detail(c, station, req).encodeResponse(status: status, for: req)
    }

    private func detail(_ c: ServiceCase, _ station: Station, _ req: Request) async throws -> CaseDetail {
        var d = try await CaseQueries.detail(c, station: station, profile: try await CaseService.profile(of: station, year: c.year, req: req), on: req.db)
        d.crisis = try await CrisisDuties.of(where: "c.id = \(bind: c.id!)", today: req.today, policies: req.application.policies, on: req.db)
        if try req.requireCaller().may(.read, RecordsService.stationResource(station)) {
            d.supervision = try await SupervisionCases.mentioning(case: c.id!, on: req.db)
        }
        return d
    }

    // MARK: pages

    func listPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        var m = CaseListPage.Model()
        m.filter = try req.query.decode(CaseQueries.Filter.self)
        do {
            (m.rows, m.paging) = try await CaseQueries.list(caller, m.filter, today: req.today, on: req.readDB)
        } catch let error as AppError {
            m.filterError = error.fieldErrors.map(\.message).joined(separator: "；")
            return CaseListPage.view(m, caller: caller).response(status: error.status)
        }
        m.canOpen = try await !StationScope.stationsForCreate(caller, kind: .casework, on: req.db).isEmpty
        return CaseListPage.view(m, caller: caller).response()
    }

    func newPage(req: Request) async throws -> Response {
        var m = try await newModel(req)
        if let raw = req.query[String.self, at: "recipient"], let id = UUID(uuidString: raw) { m.values["recipient_ids"] = id.uuidString }
        m.values["opened_on"] = req.today.description
        return CaseNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    private func newModel(_ req: Request) async throws -> CaseNewPage.Model {
        let caller = try req.requireCaller()
        let stations = try await StationScope.stationsForCreate(caller, kind: .casework, on: req.db)
        guard let first = stations.first else { throw Abort(.forbidden, reason: "您的角色无权开案") }
        var m = CaseNewPage.Model()
        m.workers = [("", caller.has(.socialWorker) ? "我本人" : "请选择")] + (try await ServiceParties.workers(of: stations, on: req.db))
        m.profile = try await CaseService.profile(of: first, year: req.today.year, req: req)
        for s in stations {
            let recipients = try await Recipient.query(on: req.db).filter(\.$station.$id == s.id!).filter(\.$status == .active)
                .filter(\.$mergedIntoID == nil).sort(\.$name).all()
            m.recipientGroups.append((s.name, recipients.map { ($0.id!.uuidString, "\($0.name)（\($0.birthDate)）") }))
        }
        return m
    }

    func openFromForm(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let ids = [form["recipient_ids"], form["other_recipient_id"]].compactMap { $0.flatMap(UUID.init(uuidString:)) }
        let input = CaseInput(recipientIds: ids, source: form["source"].flatMap { $0.isEmpty ? nil : $0 }, problem: form["problem"],
                              consentOn: form["consent_on"], field: form["field"], item: form["item"].flatMap { $0.isEmpty ? nil : $0 },
                              responsibleId: form["responsible_id"].flatMap(UUID.init(uuidString:)), openedOn: form["opened_on"])
        do {
            let c = try await CaseService.open(input, req: req)
            return req.redirect(to: SiteURL.serviceCase(.value(c.id!)).relativeURL())
        } catch let error as AppError {
            var m = try await newModel(req)
            m.values = form
            m.errors = Validator(error)
            return CaseNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func casePage(req: Request) async throws -> Response {
        try await renderCase(req) { _ in }
    }

    private func renderCase(_ req: Request, status: HTTPResponseStatus = .ok, transform: (inout CasePage.Model) -> Void) async throws -> Response {
        let caller = try req.requireCaller()
        let (c, station) = try await CaseService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        var m = CasePage.Model(detail: try await detail(c, station, req))
        // A supervisor reads and never writes: who is posted does not change this answer.
        m.canUpdate = caller.may(.update, CaseService.resource(station))
        m.linksRecipients = caller.may(.read, RecipientService.resource(station))
        m.profile = try await CaseService.profile(of: station, year: req.today.year, req: req)
        if m.canUpdate, let profile = m.profile {
            m.featuredProjects = try await FeaturedProjectService.choices(station, year: req.today.year, profile: profile, on: req.db)
        }
        if m.canUpdate && c.stage.isOpen {
            let members = try await CaseService.memberIDs(c, db: req.db)
            m.needs = try await RecipientNeed.query(on: req.db).filter(\.$recipient.$id ~~ members).sort(\.$identifiedOn).all().map { ($0.id!, $0.description) }
        }
        m.charityUsed = try await CharityResourceService.served(caseID: c.id!, caller: caller, on: req.db)
        if m.canUpdate { m.policyChoices = try await PolicyLibrary.choices(for: station, today: req.today, on: req.db) }
        m.today = req.today.description
        transform(&m)
        return CasePage.view(m, caller: caller, csrf: req.csrfToken).response(status: status)
    }

    func stepFromForm(_ req: Request, _ step: CaseStep) async throws -> Response {
        let (c, station) = try await CaseService.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        let form = try req.content.decode([String: String].self)
        let p = CasePage.prefix(step)
        var parse = Validator()
        func int(_ name: String, label: String) -> Int? { parse.integer(form[p + name], field: name, label: label) }
        func value(_ name: String) -> String? { form[p + name].flatMap { $0.isEmpty ? nil : $0 } }
        do {
            switch step {
            case .assess:
                let needs = form.keys.filter { $0.hasPrefix(p + "need_") }.compactMap { UUID(uuidString: String($0.dropFirst((p + "need_").count))) }
                try await CaseService.assess(c, AssessmentInput(assessedOn: value("assessed_on"), riskLevel: value("risk_level"), strengths: value("strengths"),
                                                                resources: value("resources"), needIds: needs, policyIds: PolicyRefs.ticked(p, form)), req: req)
            case .plan:
                let goals = (1...CasePage.planRows).compactMap { value("goal_\($0)") }
                let items = (1...CasePage.planRows).compactMap { i -> PlanInput.Item? in
                    let item = PlanInput.Item(what: value("item_what_\(i)"), who: value("item_who_\(i)"), dueOn: value("item_due_\(i)"))
                    return item.what == nil && item.who == nil && item.dueOn == nil ? nil : item
                }
                try await CaseService.plan(c, PlanInput(plannedOn: value("planned_on"), goals: goals, items: items), req: req)
            case .intervene, .followUp:
                let input = CaseServiceInput(on: value("on"), minutes: int("minutes", label: "服务时长"), content: value("content"), method: value("method"),
                                             featuredProjectId: FeaturedProjectService.formValue(form[p + "featured_project_id"], field: "featured_project_id", into: &parse),
                                             othersCount: int("others_count", label: "其他受益人数"))
                try parse.check()
                _ = try await CaseService.addService(c, station: station, step: step, input, req: req)
            case .evaluate:
                let goals = form.keys.filter { $0.hasPrefix(p + "goal_") }.sorted().map {
                    EvaluationInput.Goal(goalId: UUID(uuidString: String($0.dropFirst((p + "goal_").count))), outcome: form[$0].flatMap { $0.isEmpty ? nil : $0 })
                }
                try await CaseService.evaluate(c, EvaluationInput(evaluatedOn: value("evaluated_on"), goals: goals, summary: value("summary")), req: req)
            case .close:
                try await CaseService.close(c, CloseInput(on: value("on"), reason: value("reason"), outcome: value("outcome")), req: req)
            case .reopen:
                try await CaseService.reopen(c, ReopenInput(on: value("on"), reason: value("reason")), req: req)
            }
            return req.redirect(to: SiteURL.serviceCase(.value(c.id!)).relativeURL() + "#timeline")
        } catch let error as AppError {
            return try await renderCase(req, status: error.status) {
                $0.failedStep = step
                $0.values = form
                var errors = Validator()
                for e in error.fieldErrors { errors.add(CasePage.formName(step, e.field), e.message) }
                $0.errors = errors
            }
        }
    }
}
