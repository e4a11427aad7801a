import Domain
import Fluent
import Plot
import Vapor

/// The station's people: workers and their postings, supervisors, supervision and training records.
struct StaffPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.stationStaff(.key), use: staffPage)
        routes.post(SiteURL.stationWorkers(.key), use: createWorker)
        routes.post(SiteURL.stationSupervisors(.key), use: createSupervisor)
        routes.get(SiteURL.worker(.key), use: workerPage)
        routes.post(SiteURL.worker(.key), use: updateWorker)
        routes.post(SiteURL.workerPhone(.key), use: revealPhone)
        routes.post(SiteURL.workerAssign(.key), use: assignWorker)
        routes.get(SiteURL.stationSupervision(.key), use: supervisionPage)
        routes.post(SiteURL.stationSupervision(.key), use: createSupervision)
        routes.post(SiteURL.supervisionConfirm(.key), use: confirm)
        routes.get(SiteURL.stationTraining(.key), use: trainingPage)
        routes.upload(SiteURL.stationTraining(.key), use: createTraining)
        routes.get(SiteURL.trainingEvidence(.key), use: TrainingEvidence.serve)
    }

    static let workerFields = ["name", "gender", "birth_date", "phone", "education", "major", "certificate_level", "certificate_number",
                               "certificate_date", "experience_years", "full_time", "registered_national", "started_on"]

    static func workerInput(_ form: [String: String], into v: inout Validator) -> WorkerInput {
        var input = WorkerInput()
        input.name = form["name"] ?? ""
        input.gender = form["gender"]
        input.birthDate = form["birth_date"] ?? ""
        input.phone = form["phone"]
        input.education = form["education"]
        input.major = form["major"]
        input.certificateLevel = form["certificate_level"]
        input.certificateNumber = form["certificate_number"]
        input.certificateDate = form["certificate_date"] ?? ""
        // Empty is 0 years; anything else is checked against the bounds (the service checks them again).
        let years = (form["experience_years"] ?? "").trimmingCharacters(in: .whitespaces)
        if years.isEmpty { input.experienceYears = 0 }
        else if let y = v.number(years, field: "experience_years", label: "相关工作年限", bounds: .experienceYears) { input.experienceYears = y }
        input.fullTime = form["full_time"] != nil
        input.registeredNational = form["registered_national"] != nil
        input.startedOn = form["started_on"]
        return input
    }

    static func workerForm(_ values: [String: String], errors: Validator, withStart: Bool) -> Node<HTML.FormContext> {
        .group(
            FormField.text("name", label: "姓名", value: values["name"], error: errors.message(for: "name"), required: true),
            FormField.select("gender", label: "性别", options: Gender.allCases.map { ($0.rawValue, $0.label) }, selected: values["gender"], error: errors.message(for: "gender")),
            FormField.text("birth_date", label: "出生日期", value: values["birth_date"], error: errors.message(for: "birth_date"), type: .date),
            FormField.text("phone", label: "手机号码", value: values["phone"], error: errors.message(for: "phone"), type: .tel, hint: "加密保存，页面上只显示部分号码"),
            FormField.select("education", label: "学历", options: Education.allCases.map { ($0.rawValue, $0.label) }, selected: values["education"] ?? Education.bachelor.rawValue, error: errors.message(for: "education")),
            FormField.select("major", label: "专业", options: Major.allCases.map { ($0.rawValue, $0.label) }, selected: values["major"], error: errors.message(for: "major")),
            FormField.select("certificate_level", label: "社会工作者职业资格", options: CertificateLevel.allCases.map { ($0.rawValue, $0.label) }, selected: values["certificate_level"], error: errors.message(for: "certificate_level")),
            FormField.text("certificate_number", label: "证书编号", value: values["certificate_number"], error: nil),
            FormField.text("certificate_date", label: "取证日期", value: values["certificate_date"], error: errors.message(for: "certificate_date"), type: .date),
            FormField.text("experience_years", label: "相关工作年限（年）", value: values["experience_years"], error: errors.message(for: "experience_years")),
            FormField.checkbox("full_time", label: "专职", checked: values["full_time"] != nil),
            FormField.checkbox("registered_national", label: "已在中国社会工作网注册", checked: values["registered_national"] != nil),
            .if(withStart, FormField.text("started_on", label: "驻站开始日期", value: values["started_on"], error: errors.message(for: "started_on"), type: .date)))
    }

    // MARK: staff

    func staffPage(req: Request) async throws -> Response {
        try await renderStaff(req, errors: Validator(), values: [:])
    }

    private func renderStaff(_ req: Request, errors: Validator, values: [String: String], status: HTTPResponseStatus = .ok) async throws -> Response {
        let model = try await StaffPage.model(req, values: values, errors: errors)
        return StaffPage.view(model, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: status)
    }

    func createWorker(req: Request) async throws -> Response {
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        var form = try req.content.decode([String: String].self)
        form["form"] = "worker"
        var errors = Validator()
        var input = Self.workerInput(form, into: &errors)
        input.stationId = summary.id
        do {
            let w = try await WorkforceService.create(input, prior: errors, req: req)
            return req.redirect(to: SiteURL.worker(.value(w.id!)).relativeURL())
        } catch let error as AppError {
            let all = Validator(error)
            return try await renderStaff(req, errors: all, values: form, status: error.status)
        }
    }

    func createSupervisor(req: Request) async throws -> Response {
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        var form = try req.content.decode([String: String].self)
        form["form"] = "supervisor"
        // The supervisor form's fields carry a prefix (the worker form on the same page has a "name" too).
        func field(_ name: String) -> String? { form[Self.supervisorPrefix + name] }
        var prior = Validator()
        let years = prior.number(field("experience_years"), field: "experience_years", label: "社会工作服务年限", bounds: .experienceYears)
        do {
            _ = try await WorkforceController.createSupervisor(SupervisorInput(name: field("name"), pool: field("pool"), experienceYears: years,
                                                                              phone: field("phone"), stationId: summary.id, startedOn: field("started_on") ?? ""),
                                                               prior: prior, req: req)
            return req.redirect(to: SiteURL.stationStaff(.value(summary.id)).relativeURL())
        } catch let error as AppError {
            var all = Validator()
            for e in error.fieldErrors { all.add(Self.supervisorPrefix + e.field, e.message) }
            return try await renderStaff(req, errors: all, values: form, status: error.status)
        }
    }

    static let supervisorPrefix = "supervisor_"

    static func supervisorForm<Context: HTML.BodyContext>(action: String, csrf: String, values: [String: String], errors: Validator) -> Node<Context> {
        func name(_ field: String) -> String { supervisorPrefix + field }
        return .form(.method(.post), .action(action), .class("edit"),
              FormField.csrf(csrf),
              FormField.text(name("name"), label: "督导姓名", value: values[name("name")], error: errors.message(for: name("name")), required: true),
              FormField.select(name("pool"), label: "来源", options: SupervisorPool.allCases.map { ($0.rawValue, $0.label) }, selected: values[name("pool")],
                               error: errors.message(for: name("pool"))),
              FormField.text(name("experience_years"), label: "社会工作服务经验（年）", value: values[name("experience_years")],
                             error: errors.message(for: name("experience_years"))),
              FormField.text(name("phone"), label: "手机号码", value: values[name("phone")], error: errors.message(for: name("phone")), type: .tel),
              FormField.text(name("started_on"), label: "开始督导本站的日期", value: values[name("started_on")],
                             error: errors.message(for: name("started_on")), type: .date),
              .button(.type(.submit), .plain("登记")))
    }

    // MARK: one worker

    func workerPage(req: Request) async throws -> Response {
        try await renderWorker(req, try await WorkforceController.worker(req, .read), errors: Validator(), values: nil, phone: nil)
    }

    private func renderWorker(_ req: Request, _ w: SocialWorker, errors: Validator, values: [String: String]?, assignValues: [String: String] = [:],
                              phone: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let model = try await WorkerPage.model(req, w, values: values, assignValues: assignValues, errors: errors, phone: phone)
        return WorkerPage.view(model, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: status)
    }

    func updateWorker(req: Request) async throws -> Response {
        let w = try await WorkforceController.worker(req, .read)
        let form = try req.content.decode([String: String].self)
        var errors = Validator()
        let input = Self.workerInput(form, into: &errors)
        do {
            _ = try await WorkforceService.update(w, input, prior: errors, req: req)
            return req.redirect(to: SiteURL.worker(.value(w.id!)).relativeURL())
        } catch let error as AppError {
            let all = Validator(error)
            let fresh = try await SocialWorker.find(w.id, on: req.db)!
            return try await renderWorker(req, fresh, errors: all, values: form, phone: nil, status: error.status)
        }
    }

    func revealPhone(req: Request) async throws -> Response {
        let w = try await WorkforceController.worker(req, .read)
        return try await renderWorker(req, w, errors: Validator(), values: nil, phone: try await WorkforceService.revealPhone(w, req: req))
    }

    func assignWorker(req: Request) async throws -> Response {
        let w = try await WorkforceController.worker(req, .read)
        let form = try req.content.decode([String: String].self)
        do {
            guard let station = form["station_id"].flatMap(UUID.init(uuidString:)) else {
                var v = Validator()
                v.add("station_id", "请选择站点")
                _ = v.day(form["assign_started_on"], field: "started_on", label: "到岗日期")
                if (form["assign_started_on"] ?? "").isEmpty { v.add("started_on", "到岗日期不能为空") }
                throw AppError.invalid(v.errors)
            }
            _ = try await WorkforceService.assign(w, AssignmentInput(stationId: station, startedOn: form["assign_started_on"] ?? "", endedOn: nil), req: req)
            return req.redirect(to: SiteURL.worker(.value(w.id!)).relativeURL())
        } catch let error as AppError {
            // The posting form's date is "assign_started_on" (the edit form above it is the worker's own).
            var all = Validator()
            for e in error.fieldErrors { all.add(e.field == "started_on" ? "assign_started_on" : e.field, e.message) }
            return try await renderWorker(req, w, errors: all, values: nil, assignValues: form, phone: nil, status: error.status)
        }
    }

    // MARK: records

    func supervisionPage(req: Request) async throws -> Response {
        try await renderSupervision(req, errors: Validator(), values: [:])
    }

    private func renderSupervision(_ req: Request, errors: Validator, values: [String: String], status: HTTPResponseStatus = .ok) async throws -> Response {
        let model = try await SupervisionPage.model(req, values: values, errors: errors)
        return SupervisionPage.view(model, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: status)
    }

    func createSupervision(req: Request) async throws -> Response {
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        let form = try req.content.decode([String: String].self)
        var errors = Validator()
        let hours = errors.number(form["hours"], field: "hours", label: "督导时长", bounds: .sessionHours)
        let supervisor = form["supervisor_id"].flatMap(UUID.init(uuidString:))
        if supervisor == nil { errors.add("supervisor_id", "请选择督导（先在人员页登记督导）") }
        let supervisees = form.keys.filter { $0.hasPrefix("supervisee_") }.compactMap { UUID(uuidString: String($0.dropFirst("supervisee_".count))) }
        let cases = form.keys.filter { $0.hasPrefix("case_") }.sorted().compactMap { UUID(uuidString: String($0.dropFirst("case_".count))) }
        do {
            // Every error at once: what the form could not read is passed along with the rest.
            _ = try await RecordsService.createSupervision(SupervisionInput(stationId: summary.id, supervisorId: supervisor ?? UUID(), heldOn: form["held_on"] ?? "",
                                                                            hours: hours ?? 0, form: form["form"] ?? "", topic: form["topic"], issues: form["issues"],
                                                                            advice: form["advice"], superviseeIds: supervisees, caseIds: cases),
                                                           supervisorChosen: supervisor != nil, hoursRead: hours != nil, prior: errors, req: req)
            return req.redirect(to: SiteURL.stationSupervision(.value(summary.id)).relativeURL())
        } catch let error as AppError {
            let all = Validator(error)
            return try await renderSupervision(req, errors: all, values: form, status: error.status)
        }
    }

    func confirm(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let record = try await SupervisionRecord.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该督导记录")
        }
        try await RecordsService.confirm(record, req: req)
        return req.redirect(to: SiteURL.stationSupervision(.value(record.$station.id)).relativeURL(["year": String(record.year)]))
    }

    func trainingPage(req: Request) async throws -> Response {
        try await renderTraining(req, errors: Validator(), values: [:])
    }

    private func renderTraining(_ req: Request, errors: Validator, values: [String: String], status: HTTPResponseStatus = .ok) async throws -> Response {
        let model = try await TrainingPage.model(req, values: values, errors: errors)
        return TrainingPage.view(model, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: status)
    }

    func createTraining(req: Request) async throws -> Response {
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        do {
            let (input, file) = try WorkforceController.readTraining(req)
            let station = try await Station.find(summary.id, on: req.db)
            _ = try await RecordsService.createTraining(input, file: file, station: station, req: req)
            return req.redirect(to: SiteURL.stationTraining(.value(summary.id)).relativeURL())
        } catch let error as AppError {
            // What was typed comes back (a file cannot: the browser does not allow setting it).
            let form = (try? req.content.decode(WorkforceController.TrainingForm.self))
            let values = ["worker_id": form?.worker_id, "held_on": form?.held_on, "hours": form?.hours, "title": form?.title, "organiser": form?.organiser]
                .compactMapValues { $0 }
            return try await renderTraining(req, errors: Validator(error), values: values, status: error.status)
        }
    }
}
