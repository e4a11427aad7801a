import Domain
import Vapor

/// One service in the ledger and its corrections (issue 10 §5): the page and the JSON API.
struct ServiceRecordsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.serviceRecord(.key), use: page)
        routes.post(SiteURL.serviceRecordCorrections(.key), use: correctFromForm)

        routes.get(ApiRoute.serviceRecord(.key), use: apiOne)
        routes.post(ApiRoute.serviceRecordCorrections(.key), use: apiCorrect)
    }

    func apiOne(req: Request) async throws -> ServiceRecordDTO {
        try await ServiceCorrections.dto(try await ServiceCorrections.find(req.parameters.get("id", as: UUID.self), .read, req: req), req: req)
    }

    func apiCorrect(req: Request) async throws -> ServiceRecordDTO {
        let r = try await ServiceCorrections.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        try await ServiceCorrections.correct(r, try req.content.decode(ServiceCorrectionInput.self), req: req)
        return try await ServiceCorrections.dto(try await ServiceCorrections.find(r.id, .read, req: req), req: req)
    }

    func page(req: Request) async throws -> Response {
        let r = try await ServiceCorrections.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return ServiceRecordPage.view(try await ServiceRecordPage.query(r, req: req), caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    func correctFromForm(req: Request) async throws -> Response {
        let r = try await ServiceCorrections.find(req.parameters.get("id", as: UUID.self), .update, req: req)
        let form = try req.content.decode([String: String].self)
        var parse = Validator()
        func int(_ name: String, label: String) -> Int? { parse.integer(form[name], field: name, label: label) }
        let input = ServiceCorrectionInput(version: int("version", label: "版本号"), on: form["on"], minutes: int("minutes", label: "服务时长"),
                                           content: form["content"], field: form["field"], item: form["item"], method: form["method"],
                                           othersCount: int("others_count", label: "其他受益人数"), reason: form["reason"])
        do {
            try parse.check()
            try await ServiceCorrections.correct(r, input, req: req)
            return req.redirect(to: SiteURL.serviceRecord(.value(r.id!)).relativeURL() + "#versions")
        } catch let error as AppError {
            // The record as it stands now (another correction may have come first), the form as it was sent.
            var m = try await ServiceRecordPage.query(try await ServiceCorrections.find(r.id, .read, req: req), req: req)
            let current = m.values["version"]
            m.values = form
            m.values["version"] = current   // a 409 shows the version now in force above the form
            m.errors = Validator(error)
            return ServiceRecordPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }
}
