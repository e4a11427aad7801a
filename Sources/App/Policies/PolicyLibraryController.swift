import Domain
import Fluent
import Vapor

/// The policy library (issue 11 §2): pages and the JSON API.
struct PolicyLibraryController: RouteCollection {
    /// An attachment as posted, by the page's form or an API client (multipart, field `file`).
    struct FileForm: Content {
        var file: File?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.policyLibrary, use: listPage)
        routes.get(SiteURL.policyLibraryNew, use: newPage)
        routes.post(SiteURL.policyLibraryNew, use: createFromForm)
        routes.get(SiteURL.libraryPolicy(.key), use: policyPage)
        routes.post(SiteURL.libraryPolicy(.key), use: updateFromForm)
        routes.upload(SiteURL.libraryPolicyAttachments(.key), use: fileFromForm)
        routes.get(SiteURL.libraryPolicyFile(.key), use: PolicyLibrary.serveAttachment)

        routes.get(ApiRoute.libraryPolicies, use: apiList)
        routes.post(ApiRoute.libraryPolicies, use: apiCreate)
        routes.get(ApiRoute.libraryPolicy(.key), use: apiOne)
        routes.patch(ApiRoute.libraryPolicy(.key), use: apiUpdate)
        routes.upload(ApiRoute.libraryPolicyAttachments(.key), use: apiFile)
        routes.get(ApiRoute.libraryPolicyFile(.key), use: PolicyLibrary.serveAttachment)
    }

    // MARK: API

    func apiList(req: Request) async throws -> Page<LibraryPolicyDTO> {
        let (rows, paging) = try await PolicyLibrary.list(try req.requireCaller(), try req.query.decode(PolicyLibrary.Filter.self), today: req.today, on: req.db)
        return Page(items: rows, page: paging.page, per: paging.per, total: paging.total)
    }

    func apiCreate(req: Request) async throws -> Response {
        let p = try await PolicyLibrary.create(try req.content.decode(LibraryPolicyInput.self), req: req)
        return try await dto(p.id!, req).encodeResponse(status: .created, for: req)
    }

    func apiOne(req: Request) async throws -> LibraryPolicyDTO {
        try await dto(try await PolicyLibrary.find(req.parameters.get("id", as: UUID.self), .read, req: req).id!, req)
    }

    func apiUpdate(req: Request) async throws -> LibraryPolicyDTO {
        let p = try await PolicyLibrary.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        try await PolicyLibrary.update(p, try req.content.decode(LibraryPolicyInput.self), req: req)
        return try await dto(p.id!, req)
    }

    func apiFile(req: Request) async throws -> Response {
        let p = try await PolicyLibrary.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        try await PolicyLibrary.addAttachment(p, file: try req.content.decode(FileForm.self).file, req: req)
        return try await dto(p.id!, req).encodeResponse(status: .created, for: req)
    }

    private func dto(_ id: UUID, _ req: Request) async throws -> LibraryPolicyDTO {
        guard let found = try await PolicyLibrary.list(try req.requireCaller(), .init(), ids: [id], today: req.today, on: req.db).rows.first else {
            throw Abort(.notFound, reason: "未找到该政策")
        }
        return found
    }

    // MARK: pages

    /// Where the caller may add a policy: the city's library (the city admin), the stations they keep.
    private func keepers(_ req: Request) async throws -> [(value: String, label: String)] {
        let caller = try req.requireCaller()
        var result: [(value: String, label: String)] = caller.may(.create, PolicyLibrary.cityResource(caller)) ? [("", "本市政策资源库")] : []
        for s in try await StationScope.stationsForCreate(caller, kind: .service, on: req.db) { result.append((s.id!.uuidString, "\(s.name)（本站补充政策）")) }
        return result
    }

    private func cityFields(_ req: Request) async throws -> [ServiceField] {
        guard let city = PolicyLibrary.cityIDs(try req.requireCaller()).first else { return [] }
        return try await PolicyLibrary.fields(city: city, today: req.today, on: req.db)
    }

    func listPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        var m = PolicyLibraryListPage.Model(filter: try req.query.decode(PolicyLibrary.Filter.self))
        (m.rows, m.paging) = try await PolicyLibrary.list(caller, m.filter, today: req.today, on: req.db)
        m.fields = try await cityFields(req)
        m.canCreate = try await !keepers(req).isEmpty
        return PolicyLibraryListPage.view(m, caller: caller).response()
    }

    private func newModel(_ req: Request) async throws -> PolicyLibraryNewPage.Model {
        var m = PolicyLibraryNewPage.Model(keepers: try await keepers(req))
        guard !m.keepers.isEmpty else { throw Abort(.forbidden, reason: "您的角色无权添加政策") }
        m.fields = try await cityFields(req)
        return m
    }

    func newPage(req: Request) async throws -> Response {
        var m = try await newModel(req)
        m.values["effective_on"] = req.today.description
        return PolicyLibraryNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    private static func input(_ form: [String: String], station: Bool) -> LibraryPolicyInput {
        LibraryPolicyInput(stationId: station ? form["station_id"].flatMap(UUID.init(uuidString:)) : nil, title: form["title"] ?? "", issuer: form["issuer"] ?? "",
                           docNumber: form["doc_number"] ?? "", field: form["field"] ?? "", effectiveOn: form["effective_on"] ?? "",
                           expiresOn: form["expires_on"] ?? "", summary: form["summary"] ?? "", eligibility: form["eligibility"] ?? "")
    }

    func createFromForm(req: Request) async throws -> Response {
        var m = try await newModel(req)
        let form = try req.content.decode([String: String].self)
        do {
            let p = try await PolicyLibrary.create(Self.input(form, station: true), req: req)
            return req.redirect(to: SiteURL.libraryPolicy(.value(p.id!)).relativeURL())
        } catch let error as AppError {
            m.values = form
            m.errors = Validator(error)
            return PolicyLibraryNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func policyPage(req: Request) async throws -> Response {
        try await render(req) { _ in }
    }

    private func render(_ req: Request, status: HTTPResponseStatus = .ok, transform: (inout LibraryPolicyPage.Model) -> Void) async throws -> Response {
        let caller = try req.requireCaller()
        let p = try await PolicyLibrary.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        var m = LibraryPolicyPage.Model(policy: try await dto(p.id!, req))
        m.canUpdate = try await PolicyLibrary.mayWrite(p, caller: caller, on: req.db)
        if m.canUpdate {
            m.fields = try await PolicyLibrary.fields(city: p.cityID, today: req.today, on: req.db)
            m.values = LibraryPolicyPage.values(m.policy)
        }
        transform(&m)
        return LibraryPolicyPage.view(m, caller: caller, csrf: req.csrfToken).response(status: status)
    }

    func updateFromForm(req: Request) async throws -> Response {
        let p = try await PolicyLibrary.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        let form = try req.content.decode([String: String].self)
        do {
            try await PolicyLibrary.update(p, Self.input(form, station: false), req: req)
            return req.redirect(to: SiteURL.libraryPolicy(.value(p.id!)).relativeURL())
        } catch let error as AppError {
            return try await render(req, status: error.status) {
                $0.values = form
                $0.errors = Validator(error)
            }
        }
    }

    func fileFromForm(req: Request) async throws -> Response {
        let p = try await PolicyLibrary.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        do {
            try await PolicyLibrary.addAttachment(p, file: try req.content.decode(FileForm.self).file, req: req)
            return req.redirect(to: SiteURL.libraryPolicy(.value(p.id!)).relativeURL() + "#attachments")
        } catch let error as AppError {
            return try await render(req, status: error.status) { $0.fileError = error.fieldErrors.first?.message }
        }
    }
}
