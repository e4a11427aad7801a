import Domain
import Fluent
import Vapor

/// Corrections to a recipient (`RecipientEdit`): the recipient page's two forms and the API.
struct RecipientEditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post(SiteURL.recipientDetails(.key), use: detailsFromForm)
        routes.post(SiteURL.recipientCategories(.key), use: categoryFromForm)
        routes.patch(ApiRoute.recipient(.key), use: apiDetails)
        routes.post(ApiRoute.recipientCategories(.key), use: apiCategory)
    }

    private func id(_ req: Request) -> UUID? { req.parameters.get("id", as: UUID.self) }

    func apiDetails(req: Request) async throws -> RecipientDTO {
        let (r, station) = try await RecipientService.find(id(req), .update, req: req)
        try await RecipientEdit.update(r, station: station, try req.content.decode(RecipientDetailsInput.self), req: req)
        return try await RecipientQueries.dto(r.id!, caller: try req.requireCaller(), today: req.today, on: req.db)
    }

    func apiCategory(req: Request) async throws -> RecipientDTO {
        let (r, station) = try await RecipientService.find(id(req), .update, req: req)
        try await RecipientEdit.category(r, station: station, try req.content.decode(CategoryInput.self), req: req)
        return try await RecipientQueries.dto(r.id!, caller: try req.requireCaller(), today: req.today, on: req.db)
    }

    func detailsFromForm(req: Request) async throws -> Response {
        let (r, station) = try await RecipientService.find(id(req), .update, req: req)
        let form = try req.content.decode([String: String].self)
        func typed(_ name: String) -> String? { form[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        let input = RecipientDetailsInput(name: form["edit_name"], phone: typed("edit_phone"), address: form["edit_address"], village: form["edit_village"],
                                          followUpLevel: form["edit_follow_up_level"].flatMap { Int($0) }, guardianName: form["edit_guardian_name"],
                                          guardianPhone: typed("edit_guardian_phone"))
        do {
            try await RecipientEdit.update(r, station: station, input, req: req)
            return req.redirect(to: SiteURL.recipient(.value(r.id!)).relativeURL() + "#timeline")
        } catch let error as AppError {
            return try await RecipientsController().renderRecipient(req, status: error.status) {
                $0.edit.details = form
                $0.edit.detailsErrors = Validator(error, prefix: "edit_")
            }
        }
    }

    func categoryFromForm(req: Request) async throws -> Response {
        let (r, station) = try await RecipientService.find(id(req), .update, req: req)
        let form = try req.content.decode([String: String].self)
        let input = CategoryInput(category: form["cat_category"], action: form["cat_action"], on: form["cat_on"],
                                  disabilityGrade: form["cat_disability_grade"], disabilityType: form["cat_disability_type"])
        do {
            try await RecipientEdit.category(r, station: station, input, req: req)
            return req.redirect(to: SiteURL.recipient(.value(r.id!)).relativeURL() + "#categories")
        } catch let error as AppError {
            return try await RecipientsController().renderRecipient(req, status: error.status) {
                $0.edit.category = form
                $0.edit.categoryErrors = Validator(error, prefix: "cat_")
            }
        }
    }
}
