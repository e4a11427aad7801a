import Domain
import Fluent
import Plot
import Vapor

/// Home and phone visits and a recipient's services (issue 10 §3, §5): pages and the JSON API.
struct VisitsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post(SiteURL.recipientVisits(.key), use: visitFromForm)
        routes.get(SiteURL.stationVisits(.key), use: stationVisitsPage)
        routes.post(SiteURL.visitFollowUp(.key), use: followUpFromForm)

        routes.get(ApiRoute.visits, use: apiList)
        routes.post(ApiRoute.visits, use: apiCreate)
        routes.post(ApiRoute.visitFollowUp(.key), use: apiFollowUp)
        routes.get(ApiRoute.recipientServices(.key), use: apiRecipientServices)
    }

    func apiList(req: Request) async throws -> Page<VisitDTO> {
        let caller = try req.requireCaller()
        let profile = try await DeadlineService.profile(caller, year: req.today.year, on: req.db)
        let (rows, paging) = try await VisitService.list(caller, try req.query.decode(VisitService.Filter.self), profile: profile, on: req.db)
        return Page(items: rows, page: paging.page, per: paging.per, total: paging.total)
    }

    func apiCreate(req: Request) async throws -> Response {
        let input = try req.content.decode(VisitInput.self)
        guard input.recipientId != nil else { throw AppError.field("recipient_id", "缺少必填字段 recipient_id（走访的服务对象）") }
        let (r, station) = try await RecipientService.find(input.recipientId, .read, req: req)
        let visit = try await VisitService.record(input, recipient: r, station: station, req: req)
        let caller = try req.requireCaller()
        let profile = try await CaseService.profile(of: station, year: req.today.year, req: req)
        guard let dto = try await VisitService.list(caller, .init(visit: visit.id), profile: profile, on: req.db).rows.first else {
            throw Abort(.notFound, reason: "未找到该走访记录")
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    /// The visit's follow-up marked done; the visit as it stands.
    func apiFollowUp(req: Request) async throws -> VisitDTO {
        let (visit, station) = try await VisitFollowUps.find(req.parameters.get("id", as: UUID.self), req: req)
        let input = req.body.data == nil ? FollowUpDoneInput() : try req.content.decode(FollowUpDoneInput.self)
        _ = try await VisitFollowUps.markDone(visit, input, req: req)
        let profile = try await CaseService.profile(of: station, year: req.today.year, req: req)
        guard let dto = try await VisitService.list(try req.requireCaller(), .init(visit: visit.id), profile: profile, on: req.db).rows.first else {
            throw Abort(.notFound, reason: "未找到该走访记录")
        }
        return dto
    }

    /// "跟进完成" on the worker's home page: done today; back to the home page, which says so.
    func followUpFromForm(req: Request) async throws -> Response {
        let (visit, _) = try await VisitFollowUps.find(req.parameters.get("id", as: UUID.self), req: req)
        _ = try await VisitFollowUps.markDone(visit, FollowUpDoneInput(), req: req)
        return req.redirect(to: SiteURL.home.relativeURL([Saved.key: Saved.followUp.rawValue]) + "#follow-ups")
    }

    struct ServiceLineDTO: Content {
        var id: UUID
        var version: Int
        var on: String
        var kind: ServiceKind
        var kindLabel: String
        var methodLabel: String
        var fieldLabel: String
        var itemLabel: String?
        /// The featured project (V-3) it was given under, in place of an item.
        var featuredProject: String?
        var minutes: Int
        var workerName: String
        var content: String
        var caseId: UUID?
    }

    func apiRecipientServices(req: Request) async throws -> [ServiceLineDTO] {
        let (r, station) = try await RecipientService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let profile = try await CaseService.profile(of: station, year: req.today.year, req: req)
        guard let scope = StationScope.condition(Access.readScope(try req.requireCaller().assignments, .service), on: req.db) else { return [] }
        return try await Ledger.lines(recipient: r.id!, scope: scope, on: req.db).map {
            ServiceLineDTO(id: $0.id, version: $0.version, on: $0.servedOn, kind: $0.kind, kindLabel: $0.kind.label, methodLabel: $0.method.label,
                           fieldLabel: profile.serviceField($0.field)?.label ?? $0.field, itemLabel: $0.item.map { profile.serviceItem($0)?.label ?? $0 },
                           featuredProject: $0.featuredProject, minutes: $0.minutes, workerName: $0.workerName, content: $0.content, caseId: $0.caseID)
        }
    }

    func visitFromForm(req: Request) async throws -> Response {
        let (r, station) = try await RecipientService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let form = try req.content.decode([String: String].self)
        var parse = Validator()
        func int(_ name: String, label: String) -> Int? { parse.integer(form[name], field: name, label: label) }
        let input = VisitInput(recipientId: r.id, kind: form["visit_kind"], on: form["visit_on"], minutes: int("visit_minutes", label: "走访时长"),
                               content: form["visit_content"], findings: form["visit_findings"], followUpNeeded: form["visit_follow_up"] != nil,
                               field: form["visit_field"], item: form["visit_item"].flatMap { $0.isEmpty ? nil : $0 },
                               featuredProjectId: FeaturedProjectService.formValue(form["visit_featured_project_id"], field: "featured_project_id", into: &parse),
                               othersCount: int("visit_others", label: "其他受益人数"))
        do {
            try parse.check()
            _ = try await VisitService.record(input, recipient: r, station: station, req: req)
            return req.redirect(to: SiteURL.recipient(.value(r.id!)).relativeURL() + "#services")
        } catch let error as AppError {
            return try await RecipientsController().renderRecipient(req, status: error.status) {
                $0.services.visitValues = form
                $0.services.visitErrors = Validator(error, prefix: "visit_")
            }
        }
    }

    func stationVisitsPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        let station = try await StationQueries.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        try req.authorize(.read, StationScope.resource(station, .service))
        let filter = VisitService.Filter(station: station.id, page: try req.queryValue(Int.self, "page"))
        let profile = try await CaseService.profile(of: station, year: req.today.year, req: req)
        let (rows, paging) = try await VisitService.list(caller, filter, profile: profile, on: req.db)
        return StationVisitsPage.view(.init(stationID: station.id!, stationName: station.name, visits: rows, paging: paging), caller: caller).response()
    }
}

/// `/stations/{id}/visits`: a station's home and phone visits, newest first.
enum StationVisitsPage {
    struct Model {
        var stationID: UUID
        var stationName: String
        var visits: [VisitDTO]
        var paging: Paging
    }

    static func view(_ m: Model, caller: Caller) -> HTML {
        Layout.page(title: "\(m.stationName)走访记录", path: SiteURL.stationVisits(.value(m.stationID)).relativeURL(), caller: caller,
            .h1(.plain("\(m.stationName)走访记录")),
            .p(.class("lead"), .plain("家访和电访，每次走访同时记入服务台账。"), .a(.href(SiteURL.station(.value(m.stationID)).relativeURL()), .plain("返回社工站"))),
            .if(m.visits.isEmpty, .p(.class("empty"), .plain("尚无走访记录。在服务对象页面可以记录家访或电访。"))),
            .if(!m.visits.isEmpty, .div(.class("scroll"), .table(.class("list"),
                .thead(.tr(.th("日期"), .th("方式"), .th("服务对象"), .th("服务领域"), .th("时长"), .th("内容"), .th("发现的情况"), .th("需跟进"), .th("社工"))),
                .tbody(.forEach(m.visits) { v in
                    .tr(.td(.plain(v.on)), .td(.plain(v.kindLabel)), .td(.a(.href(SiteURL.recipient(.value(v.recipientId)).relativeURL()), .plain(v.recipientName))),
                        .td(.plain(v.fieldLabel)), .td(.plain("\(v.minutes) 分钟")), .td(.plain(v.content)), .td(.plain(v.findings)),
                        .td(.plain(!v.followUpNeeded ? "否" : v.followUpDoneOn.map { "已跟进（\($0)，\(v.followUpDoneByName ?? "")）" } ?? "待跟进")),
                        .td(.plain(v.workerName)))
                })))),
            m.paging.nav { SiteURL.stationVisits(.value(m.stationID)).relativeURL(["page": String($0)]) })
    }
}
