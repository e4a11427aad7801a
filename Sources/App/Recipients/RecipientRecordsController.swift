import Domain
import Fluent
import Vapor

/// Transfer, merge, household, consents and export of recipients (issue 9 §1, §3, §4): the forms of
/// the recipient and list pages, and the same through the API.
struct RecipientRecordsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post(SiteURL.recipientTransfer(.key), use: transferFromForm)
        routes.post(SiteURL.recipientMerge(.key), use: mergeFromForm)
        routes.post(SiteURL.recipientHousehold(.key), use: householdFromForm)
        routes.upload(SiteURL.recipientConsents(.key), use: consentFromForm)
        routes.get(SiteURL.consentForm(.key), use: ConsentForms.serve)
        routes.post(SiteURL.recipientsExport, use: exportFromForm)

        routes.post(ApiRoute.recipientTransfer(.key), use: apiTransfer)
        routes.post(ApiRoute.recipientMerge(.key), use: apiMerge)
        routes.put(ApiRoute.recipientHousehold(.key), use: apiHousehold)
        routes.get(ApiRoute.recipientConsents(.key), use: apiConsents)
        routes.upload(ApiRoute.recipientConsents(.key), use: apiAddConsent)
        routes.get(ApiRoute.consentForm(.key), use: ConsentForms.serve)
        routes.post(ApiRoute.recipientsExport, use: apiExport)
        routes.get(ApiRoute.recipientTransfersOut, use: apiTransfersOut)
    }

    private func id(_ req: Request) -> UUID? { req.parameters.get("id", as: UUID.self) }

    // MARK: API

    /// The answer is what the sending side may know afterwards (name, date, receiving street), not
    /// the record, which now belongs to the receiving station.
    func apiTransfer(req: Request) async throws -> RecipientTransfer.TransferOutDTO {
        let (r, station) = try await RecipientService.find(id(req), .update, req: req)
        let input = try req.content.decode(TransferInput.self)
        let to = try await RecipientTransfer.transfer(r, from: station, input, req: req)
        let street = try await OrgUnit.find(to.streetID, on: req.db)?.name ?? ""
        return .init(recipientName: r.name, on: input.on ?? req.today.description, fromStationName: station.name, toStreetName: street)
    }

    func apiMerge(req: Request) async throws -> RecipientDTO {
        let (r, station) = try await RecipientService.find(id(req), .update, req: req)
        try await RecipientMerge.merge(r, station: station, try req.content.decode(MergeInput.self), req: req)
        return try await RecipientQueries.dto(r.id!, caller: try req.requireCaller(), today: req.today, on: req.db)
    }

    struct HouseholdDTO: Content {
        var headId: UUID?
        var relation: String?
        var members: [RecipientHousehold.Member]
    }

    func apiHousehold(req: Request) async throws -> HouseholdDTO {
        let (r, _) = try await RecipientService.find(id(req), .update, req: req)
        try await RecipientHousehold.set(r, try req.content.decode(HouseholdInput.self), req: req)
        return HouseholdDTO(headId: r.householdID, relation: r.householdRelation?.rawValue, members: try await RecipientHousehold.members(of: r, on: req.db))
    }

    func apiConsents(req: Request) async throws -> [ConsentDTO] {
        let (r, _) = try await RecipientService.find(id(req), .read, req: req)
        return try await RecipientConsents.list(recipient: r.id!, on: req.db)
    }

    func apiAddConsent(req: Request) async throws -> Response {
        let (r, _) = try await RecipientService.find(id(req), .update, req: req)
        let (input, file) = try RecipientConsents.read(req)
        let consent = try await RecipientConsents.add(r, input, file: file, req: req)
        guard let dto = try await RecipientConsents.list(recipient: r.id!, on: req.db).first(where: { $0.id == consent.id }) else {
            throw Abort(.notFound, reason: "未找到该知情同意记录")
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    func apiExport(req: Request) async throws -> Response {
        RecipientExport.response(try await RecipientExport.export(try req.content.decode(ExportInput.self), req: req))
    }

    func apiTransfersOut(req: Request) async throws -> [RecipientTransfer.TransferOutDTO] {
        try await RecipientTransfer.transfersOut(try req.requireCaller(), on: req.db)
    }

    // MARK: pages

    /// The recipient page again with the posted form's values and errors.
    private func rerender(_ req: Request, form: String, values: [String: String], error: AppError) async throws -> Response {
        try await RecipientsController().renderRecipient(req, status: error.status) {
            $0.records.form = form
            $0.records.values = values
            $0.records.errors = Validator(error)
        }
    }

    private func back(_ req: Request, _ id: UUID, _ anchor: String) -> Response {
        req.redirect(to: SiteURL.recipient(.value(id)).relativeURL() + "#" + anchor)
    }

    func transferFromForm(req: Request) async throws -> Response {
        let (r, station) = try await RecipientService.find(id(req), .update, req: req)
        let form = try req.content.decode([String: String].self)
        do {
            let raw = form["station_id"] ?? ""
            let target = UUID(uuidString: raw)
            if !raw.isEmpty && target == nil { throw AppError.field("station_id", "接收社工站无效，请从列表中选择") }
            let to = try await RecipientTransfer.transfer(r, from: station, TransferInput(stationId: target, villageName: form["village_name"],
                                                                                           on: form["on"], reason: form["reason"]), req: req)
            // The record left the sender's scope: back to the list, where the transfer shows as "已转出".
            let caller = try req.requireCaller()
            if caller.may(.read, RecipientService.resource(to)) { return back(req, r.id!, "timeline") }
            return req.redirect(to: SiteURL.recipients.relativeURL() + "#transfers-out")
        } catch let error as AppError {
            return try await rerender(req, form: "transfer", values: form, error: error)
        }
    }

    func mergeFromForm(req: Request) async throws -> Response {
        let (r, station) = try await RecipientService.find(id(req), .update, req: req)
        let form = try req.content.decode([String: String].self)
        do {
            let raw = form["other_id"] ?? ""
            let other = UUID(uuidString: raw)
            if !raw.isEmpty && other == nil { throw AppError.field("other_id", "重复记录无效，请从列表中选择") }
            try await RecipientMerge.merge(r, station: station, MergeInput(otherId: other, reason: form["reason"]), req: req)
            return back(req, r.id!, "timeline")
        } catch let error as AppError {
            return try await rerender(req, form: "merge", values: form, error: error)
        }
    }

    func householdFromForm(req: Request) async throws -> Response {
        let (r, _) = try await RecipientService.find(id(req), .update, req: req)
        let form = try req.content.decode([String: String].self)
        do {
            let raw = form["head_id"] ?? ""
            let head = UUID(uuidString: raw)
            if !raw.isEmpty && head == nil { throw AppError.field("head_id", "户主无效，请从列表中选择") }
            try await RecipientHousehold.set(r, HouseholdInput(headId: head, relation: form["relation"]), req: req)
            return back(req, r.id!, "household")
        } catch let error as AppError {
            return try await rerender(req, form: "household", values: form, error: error)
        }
    }

    func consentFromForm(req: Request) async throws -> Response {
        let (r, _) = try await RecipientService.find(id(req), .update, req: req)
        let form = try req.content.decode(ConsentForm.self)
        let values = ["kind": form.kind ?? "", "given_on": form.given_on ?? ""]
        do {
            _ = try await RecipientConsents.add(r, ConsentInput(kind: form.kind, givenOn: form.given_on), file: form.attachment, req: req)
            return back(req, r.id!, "consents")
        } catch let error as AppError {
            return try await rerender(req, form: "consent", values: values, error: error)
        }
    }

    func exportFromForm(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        func nonEmpty(_ key: String) -> String? { form[key].flatMap { $0.isEmpty ? nil : $0 } }
        var input = ExportInput(format: form["format"], fields: RecipientExport.Column.allCases.filter { form["field_" + $0.rawValue] != nil }.map(\.rawValue),
                                full: form["full"] != nil, reason: form["reason"], q: nonEmpty("q"), category: nonEmpty("category"),
                                status: nonEmpty("status"))
        input.station = nonEmpty("station").flatMap(UUID.init(uuidString:))
        input.village = nonEmpty("village").flatMap(UUID.init(uuidString:))
        input.level = nonEmpty("level").flatMap { Int($0) }
        if input.fields?.isEmpty == true {
            throw AppError.field("fields", "请至少勾选一个导出字段")
        }
        return RecipientExport.response(try await RecipientExport.export(input, req: req))
    }
}
