import Domain
import Fluent
import Plot
import Vapor

/// The station's people: workers and their postings, supervisors, supervision and training records.
struct StaffPages: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("stations", ":id", "staff", use: staffPage)
        routes.post("stations", ":id", "workers", use: createWorker)
        routes.post("stations", ":id", "supervisors", use: createSupervisor)
        routes.get("workers", ":id", use: workerPage)
        routes.post("workers", ":id", use: updateWorker)
        routes.post("workers", ":id", "phone", use: revealPhone)
        routes.post("workers", ":id", "assign", use: assignWorker)
        routes.get("stations", ":id", "supervision", use: supervisionPage)
        routes.post("stations", ":id", "supervision", use: createSupervision)
        routes.post("supervision", ":id", "confirm", use: confirm)
        routes.get("stations", ":id", "training", use: trainingPage)
        routes.upload("stations", ":id", "training", use: createTraining)
        routes.get("training-records", ":id", "evidence", use: TrainingEvidence.serve)
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
        let caller = try req.requireCaller()
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        let postings = try await WorkforceQueries.postings(station: summary.id, on: req.db)
        let supervisors = try await WorkforceQueries.supervisors(station: summary.id, on: req.db)
        let key = req.application.settings.dataKey
        let canAdd = caller.may(.create, Access.Resource(kind: .staff, paths: [summary.path], operatorIDs: Set([summary.operatorId?.uuidString].compactMap { $0 })))
        return Layout.page(title: "\(summary.name) 人员", path: "/stations", caller: caller, csrf: req.csrfToken,
            .nav(.class("crumbs"), .a(.href("/stations/\(summary.id)"), .plain(summary.name)), .plain(" / 人员")),
            .h1("驻站社工与督导"),
            .p(.a(.href("/stations/\(summary.id)/supervision"), .plain("督导记录")), .plain("　"), .a(.href("/stations/\(summary.id)/training"), .plain("培训记录")),
               .plain("　"), .a(.href("/stations/\(summary.id)/compliance"), .plain("合规检查"))),
            .table(.class("list"), .id("workers"),
                .thead(.tr(.th("姓名"), .th("手机"), .th("学历/专业"), .th("证书"), .th("专职"), .th("驻站时间"))),
                .tbody(.forEach(postings) { p in
                    let w = p.worker
                    let phone = (try? w.phoneSealed.map { WorkforceService.mask(try key.open($0)) }) ?? nil
                    return .tr(.class(p.posting.endedOn == nil ? "" : "past"),
                        .td(.a(.href("/workers/\(w.id!)"), .plain(w.name))),
                        .td(.plain(phone ?? "—")),
                        .td(.plain("\(w.education.label)·\(w.major.label)")),
                        .td(.plain(w.certificateLevel.label + (w.certificateDate.map { "（\($0)）" } ?? ""))),
                        .td(.plain(w.fullTime ? "是" : "否")),
                        .td(.plain("\(p.posting.startedOn) 至 \(p.posting.endedOn ?? "今")")))
                })),
            .h2("督导"),
            .ul(.forEach(supervisors) { s, a in .li(.plain("\(s.name)（\(s.pool.label)，服务经验 \(Format.area(s.experienceYears)) 年），\(a.startedOn) 起")) }),
            .if(canAdd, .group(
                FormField.summary(errors.errors),
                .details(.if(values["form"] == "worker", .attribute(named: "open", value: "open")),
                    .summary(.plain("登记新社工")),
                    .form(.method(.post), .action("/stations/\(summary.id)/workers"), .class("edit"),
                          FormField.csrf(req.csrfToken), Self.workerForm(values["form"] == "worker" ? values : [:],
                                                                         errors: values["form"] == "worker" ? errors : Validator(), withStart: true),
                          .button(.type(.submit), .plain("登记")))),
                .details(.if(values["form"] == "supervisor", .attribute(named: "open", value: "open")),
                    .summary(.plain("登记督导")),
                    Self.supervisorForm(action: "/stations/\(summary.id)/supervisors", csrf: req.csrfToken,
                                        values: values["form"] == "supervisor" ? values : [:],
                                        errors: values["form"] == "supervisor" ? errors : Validator())))))
        .response(status: status)
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
            return req.redirect(to: "/workers/\(w.id!)")
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
            return req.redirect(to: "/stations/\(summary.id)/staff")
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
        let caller = try req.requireCaller()
        let dto = try await WorkforceQueries.dto(w, key: req.application.settings.dataKey, on: req.db)
        let resource = try await WorkforceService.resource(w, on: req.db)
        let canEdit = caller.may(.update, resource)
        let stations = try await StationQueries.list(caller, .init(page: 1, per: 200), on: req.db).rows
        let current: [String: String] = ["name": w.name, "gender": w.gender.rawValue, "birth_date": w.birthDate, "education": w.education.rawValue,
                                         "major": w.major.rawValue, "certificate_level": w.certificateLevel.rawValue, "certificate_number": w.certificateNumber ?? "",
                                         "certificate_date": w.certificateDate ?? "", "experience_years": Format.area(w.experienceYears)]
            .merging(w.fullTime ? ["full_time": "on"] : [:]) { a, _ in a }.merging(w.registeredNational ? ["registered_national": "on"] : [:]) { a, _ in a }
        return Layout.page(title: w.name, path: "/stations", caller: caller, csrf: req.csrfToken,
            .h1(.plain(w.name)),
            .dl(.class("facts"),
                .dt("手机"), .dd(.plain(phone ?? dto.phone ?? "未填写"),
                    .if(canEdit && phone == nil && dto.phone != nil,
                        .form(.method(.post), .action("/workers/\(w.id!)/phone"), .class("inline-button"), FormField.csrf(req.csrfToken),
                              .button(.type(.submit), .plain("查看完整号码（将记录）"))))),
                .dt("驻站记录"), .dd(.ul(.forEach(dto.postings) { p in .li(.a(.href("/stations/\(p.stationId)/staff"), .plain(p.stationName)), .plain("：\(p.startedOn) 至 \(p.endedOn ?? "今")")) }))),
            .if(canEdit, .group(
                .h2("修改信息"),
                FormField.summary(errors.errors),
                .form(.method(.post), .action("/workers/\(w.id!)"), .class("edit"), FormField.csrf(req.csrfToken),
                      Self.workerForm(values ?? current, errors: errors, withStart: false), .button(.type(.submit), .plain("保存"))),
                .h2("调动到其他站点"),
                .form(.method(.post), .action("/workers/\(w.id!)/assign"), .class("edit"), FormField.csrf(req.csrfToken),
                      FormField.select("station_id", label: "新站点", options: [("", "请选择")] + stations.map { ($0.id.uuidString, $0.name) },
                                       selected: assignValues["station_id"], error: errors.message(for: "station_id")),
                      FormField.text("assign_started_on", label: "到岗日期（原站点在前一天结束）", value: assignValues["assign_started_on"],
                                     error: errors.message(for: "assign_started_on"), type: .date),
                      .button(.type(.submit), .plain("调动"))))))
        .response(status: status)
    }

    func updateWorker(req: Request) async throws -> Response {
        let w = try await WorkforceController.worker(req, .read)
        let form = try req.content.decode([String: String].self)
        var errors = Validator()
        let input = Self.workerInput(form, into: &errors)
        do {
            _ = try await WorkforceService.update(w, input, prior: errors, req: req)
            return req.redirect(to: "/workers/\(w.id!)")
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
            return req.redirect(to: "/workers/\(w.id!)")
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
        let caller = try req.requireCaller()
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        let year = try req.yearQuery()
        let records = try await WorkforceQueries.supervision(station: summary.id, year: year, on: req.db)
        let mine = try await WorkforceQueries.awaitingConfirmation(by: caller.userID, station: summary.id, year: year, on: req.db)
        let supervisors = try await WorkforceQueries.supervisors(station: summary.id, on: req.db)
        let workers = try await WorkforceQueries.postings(station: summary.id, on: req.db).filter { $0.posting.endedOn == nil }
        let owners = Set(supervisors.compactMap { $0.0.userID?.uuidString })
        let canAdd = caller.may(.create, RecordsService.stationResourceFromSummary(summary, owners: owners))
        return Layout.page(title: "\(summary.name) 督导记录", path: "/stations", caller: caller, csrf: req.csrfToken,
            .nav(.class("crumbs"), .a(.href("/stations/\(summary.id)"), .plain(summary.name)), .plain(" / 督导记录")),
            .h1(.plain("\(year) 年督导记录（MZ/T 166）")),
            .table(.class("list"),
                .thead(.tr(.th("日期"), .th("时长"), .th("督导"), .th("形式"), .th("被督导社工"), .th("主题/问题/建议"), .th("确认"))),
                .tbody(.forEach(records) { r in
                    .tr(.td(.plain(r.heldOn)), .td(.plain("\(Format.area(r.hours)) 小时")), .td(.plain(r.supervisorName)), .td(.plain(r.form.label)),
                        .td(.plain(r.supervisees.joined(separator: "、"))),
                        .td(.plain("\(r.topic)；\(r.issues)；\(r.advice)")),
                        .td(.plain("督导\(r.supervisorConfirmed ? "已" : "未")确认，社工 \(r.superviseesConfirmed)/\(r.supervisees.count)"),
                            .if(mine.contains(r.id),
                                .form(.method(.post), .action("/supervision/\(r.id)/confirm"), FormField.csrf(req.csrfToken), .button(.type(.submit), .plain("确认"))))))
                })),
            .if(canAdd, .group(
                .h2("新增督导记录"),
                FormField.summary(errors.errors),
                .form(.method(.post), .action("/stations/\(summary.id)/supervision"), .class("edit"), FormField.csrf(req.csrfToken),
                      FormField.select("supervisor_id", label: "督导", options: supervisors.map { ($0.0.id!.uuidString, $0.0.name) }, selected: values["supervisor_id"], error: errors.message(for: "supervisor_id")),
                      FormField.text("held_on", label: "日期", value: values["held_on"], error: errors.message(for: "held_on"), type: .date),
                      FormField.text("hours", label: "督导时长（小时，如 1.5）", value: values["hours"], error: errors.message(for: "hours")),
                      FormField.select("form", label: "形式", options: SupervisionForm.allCases.map { ($0.rawValue, $0.label) }, selected: values["form"], error: errors.message(for: "form")),
                      FormField.checkboxGroup("supervisee_ids", legend: "被督导社工",
                                              boxes: workers.map { p in ("supervisee_\(p.worker.id!)", p.worker.name, values["supervisee_\(p.worker.id!)"] != nil) },
                                              error: errors.message(for: "supervisee_ids")),
                      FormField.text("topic", label: "督导主题", value: values["topic"], error: errors.message(for: "topic")),
                      FormField.textarea("issues", label: "提出的问题", value: values["issues"], error: errors.message(for: "issues")),
                      FormField.textarea("advice", label: "督导建议", value: values["advice"], error: errors.message(for: "advice")),
                      .button(.type(.submit), .plain("保存"))))))
        .response(status: status)
    }

    func createSupervision(req: Request) async throws -> Response {
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        let form = try req.content.decode([String: String].self)
        var errors = Validator()
        let hours = errors.number(form["hours"], field: "hours", label: "督导时长", bounds: .sessionHours)
        let supervisor = form["supervisor_id"].flatMap(UUID.init(uuidString:))
        if supervisor == nil { errors.add("supervisor_id", "请选择督导（先在人员页登记督导）") }
        let supervisees = form.keys.filter { $0.hasPrefix("supervisee_") }.compactMap { UUID(uuidString: String($0.dropFirst("supervisee_".count))) }
        do {
            // Every error at once: what the form could not read is passed along with the rest.
            _ = try await RecordsService.createSupervision(SupervisionInput(stationId: summary.id, supervisorId: supervisor ?? UUID(), heldOn: form["held_on"] ?? "",
                                                                            hours: hours ?? 0, form: form["form"] ?? "", topic: form["topic"], issues: form["issues"],
                                                                            advice: form["advice"], superviseeIds: supervisees),
                                                           supervisorChosen: supervisor != nil, hoursRead: hours != nil, prior: errors, req: req)
            return req.redirect(to: "/stations/\(summary.id)/supervision")
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
        return req.redirect(to: "/stations/\(record.$station.id)/supervision?year=\(record.year)")
    }

    func trainingPage(req: Request) async throws -> Response {
        try await renderTraining(req, errors: Validator(), values: [:])
    }

    private func renderTraining(_ req: Request, errors: Validator, values: [String: String], status: HTTPResponseStatus = .ok) async throws -> Response {
        let caller = try req.requireCaller()
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        let year = try req.yearQuery()
        let records = try await WorkforceQueries.training(station: summary.id, year: year, on: req.db)
        let workers = try await WorkforceQueries.postings(station: summary.id, on: req.db)
        let owners = Set(workers.compactMap { $0.worker.userID?.uuidString })
        let canAdd = caller.may(.create, RecordsService.stationResourceFromSummary(summary, owners: owners))
        return Layout.page(title: "\(summary.name) 培训记录", path: "/stations", caller: caller, csrf: req.csrfToken,
            .nav(.class("crumbs"), .a(.href("/stations/\(summary.id)"), .plain(summary.name)), .plain(" / 培训记录")),
            .h1(.plain("\(year) 年培训记录")),
            .table(.class("list"),
                .thead(.tr(.th("日期"), .th("社工"), .th("学时"), .th("培训"), .th("主办"), .th("佐证"))),
                .tbody(.forEach(records) { r in
                    .tr(.td(.plain(r.heldOn)), .td(.plain(r.workerName)), .td(.plain(Format.area(r.hours))), .td(.plain(r.title)), .td(.plain(r.organiser)),
                        .td(r.attachmentId == nil ? .plain("—") : .group(
                            .a(.href("/training-records/\(r.id)/evidence?inline=1"), .plain("查看")), .plain("　"),
                            .a(.href("/training-records/\(r.id)/evidence"), .plain("下载")))))
                })),
            .if(canAdd, .group(
                .h2("新增培训记录"),
                FormField.summary(errors.errors),
                .form(.method(.post), .action("/stations/\(summary.id)/training"), .enctype(.multipartData), .class("edit"), FormField.csrf(req.csrfToken),
                      FormField.select("worker_id", label: "社工", options: workers.map { ($0.worker.id!.uuidString, $0.worker.name) }, selected: values["worker_id"], error: errors.message(for: "worker_id")),
                      FormField.text("held_on", label: "日期", value: values["held_on"], error: errors.message(for: "held_on"), type: .date),
                      FormField.text("hours", label: "学时（如 2 或 0.5）", value: values["hours"], error: errors.message(for: "hours")),
                      FormField.text("title", label: "培训名称", value: values["title"], error: errors.message(for: "title")),
                      FormField.text("organiser", label: "主办单位", value: values["organiser"], error: errors.message(for: "organiser")),
                      FormField.text("attachment", label: "佐证材料（PDF 文件或 JPEG、PNG 图片，不超过 20 MB）", value: nil, error: errors.message(for: "attachment"), type: .file),
                      .button(.type(.submit), .plain("保存"))))))
        .response(status: status)
    }

    func createTraining(req: Request) async throws -> Response {
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        do {
            let (input, file) = try WorkforceController.readTraining(req)
            let station = try await Station.find(summary.id, on: req.db)
            _ = try await RecordsService.createTraining(input, file: file, station: station, req: req)
            return req.redirect(to: "/stations/\(summary.id)/training")
        } catch let error as AppError {
            // What was typed comes back (a file cannot: the browser does not allow setting it).
            let form = (try? req.content.decode(WorkforceController.TrainingForm.self))
            let values = ["worker_id": form?.worker_id, "held_on": form?.held_on, "hours": form?.hours, "title": form?.title, "organiser": form?.organiser]
                .compactMapValues { $0 }
            return try await renderTraining(req, errors: Validator(error), values: values, status: error.status)
        }
    }
}
