import Domain
import Fluent
import Vapor

/// Onboarding a new city (platform administrator): provinces, cities with their profile, and each
/// city's first city admin. The page is `/platform/cities`; the API `/api/v1/provinces` and `/api/v1/cities`.
struct OnboardingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.platformCities, use: page)
        routes.post(SiteURL.platformProvinces, use: addProvinceFromForm)
        routes.post(SiteURL.platformCities, use: addCityFromForm)

        routes.get(ApiRoute.provinces, use: apiProvinces)
        routes.post(ApiRoute.provinces, use: apiAddProvince)
        routes.get(ApiRoute.cities, use: apiCities)
        routes.post(ApiRoute.cities, use: apiAddCity)
    }

    // MARK: API

    func apiProvinces(req: Request) async throws -> [ProvinceDTO] {
        try req.authorize(.read, Access.deployment)
        return try await OnboardingService.provinces(on: req.db).map(ProvinceDTO.init)
    }

    func apiAddProvince(req: Request) async throws -> Response {
        try req.authorize(.create, Access.deployment)
        let province = try await OnboardingService.createProvince(try req.content.decode(ProvinceInput.self), audit: req.audit)
        return try await ProvinceDTO(province).encodeResponse(status: .created, for: req)
    }

    func apiCities(req: Request) async throws -> [CityDTO] {
        try req.authorize(.read, Access.deployment)
        return try await OnboardingService.cities(on: req.db)
    }

    func apiAddCity(req: Request) async throws -> Response {
        try req.authorize(.create, Access.deployment)
        let created = try await createCity(try req.content.decode(CityInput.self), req: req)
        return try await created.encodeResponse(status: .created, for: req)
    }

    private func createCity(_ input: CityInput, req: Request) async throws -> CityCreated {
        let hasher = req.password.async
        let created = try await OnboardingService.createCity(input, today: req.today, actorName: req.caller?.username ?? "", audit: req.audit) {
            try await hasher.hash($0)
        }
        req.application.filterOptions.forgetAll()
        return created
    }

    // MARK: pages

    func page(req: Request) async throws -> Response {
        try await render(req, OnboardingPage.Model(notice: Saved.notice(req)))
    }

    func addProvinceFromForm(req: Request) async throws -> Response {
        try req.authorize(.create, Access.deployment)
        let form = try req.content.decode([String: String].self)
        do {
            _ = try await OnboardingService.createProvince(ProvinceInput(name: form["name"], divisionCode: form["division_code"]), audit: req.audit)
            return req.redirect(to: SiteURL.platformCities.relativeURL([Saved.key: Saved.province.rawValue]))
        } catch let error as AppError {
            return try await render(req, OnboardingPage.Model(provinceValues: form, provinceErrors: Validator(error)), status: error.status)
        }
    }

    func addCityFromForm(req: Request) async throws -> Response {
        try req.authorize(.create, Access.deployment)
        let form = try req.content.decode([String: String].self)
        var input = CityInput(name: form["name"], divisionCode: form["division_code"], adminUsername: form["admin_username"],
                              adminDisplayName: form["admin_display_name"], adminPassword: form["admin_password"])
        var parseErrors = Validator()
        if let raw = form["province_id"], !raw.isEmpty {
            if let id = UUID(uuidString: raw) { input.provinceId = id } else { parseErrors.add("province_id", "所属省级行政区无效，请从列表中选择") }
        }
        let choice = form["profile_choice"] ?? ""
        if choice.hasPrefix(OnboardingPage.copyPrefix) {
            if let id = UUID(uuidString: String(choice.dropFirst(OnboardingPage.copyPrefix.count))) { input.copyOfCityId = id }
            else { parseErrors.add("profile", "要复制的市无效，请从列表中选择") }
        } else {
            input.profile = choice
        }
        do {
            try parseErrors.check()
            let created = try await createCity(input, req: req)
            return try await render(req, OnboardingPage.Model(created: created), status: .created)
        } catch let error as AppError {
            var errors = parseErrors
            for e in error.fieldErrors where !parseErrors.errors.contains(e) { errors.add(e.field, e.message) }
            var values = form
            values["admin_password"] = nil   // never echoed back
            return try await render(req, OnboardingPage.Model(cityValues: values, cityErrors: errors), status: error.status)
        }
    }

    private func render(_ req: Request, _ model: OnboardingPage.Model, status: HTTPResponseStatus = .ok) async throws -> Response {
        let caller = try req.requireCaller()
        try req.authorize(.read, Access.deployment)
        var m = model
        m.provinces = try await OnboardingService.provinces(on: req.db)
        m.cities = try await OnboardingService.cities(on: req.db)
        m.profiles = PolicyProfile.shippedIDs.map { id in (id, (try? PolicyProfile.shipped(id).name) ?? id) }
        return OnboardingPage.view(m, caller: caller, csrf: req.csrfToken).response(status: status)
    }
}
