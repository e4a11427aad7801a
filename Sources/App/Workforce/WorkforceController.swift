import Domain
import Fluent
import Vapor

/// Staff, supervisors, supervision and training: the JSON API. Pages are in `StaffPages`.
struct WorkforceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(ApiRoute.stationWorkers(.key), use: apiStationWorkers)
        routes.post(ApiRoute.workers, use: apiCreateWorker)
        routes.get(ApiRoute.worker(.key), use: apiWorker)
        routes.patch(ApiRoute.worker(.key), use: apiUpdateWorker)
        routes.post(ApiRoute.workerAssignments(.key), use: apiAssign)
        routes.post(ApiRoute.workerPhone(.key), use: apiRevealPhone)
        routes.post(ApiRoute.supervisors, use: apiCreateSupervisor)
        routes.get(ApiRoute.stationSupervisionRecords(.key), use: apiSupervision)
        routes.post(ApiRoute.supervisionRecords, use: apiCreateSupervision)
        routes.post(ApiRoute.supervisionRecordConfirm(.key), use: apiConfirm)
        routes.get(ApiRoute.stationTrainingRecords(.key), use: apiTraining)
        routes.upload(ApiRoute.trainingRecords, use: apiCreateTraining)
        routes.get(ApiRoute.trainingEvidence(.key), use: TrainingEvidence.serve)
    }

    static func worker(_ req: Request, _ action: Access.Action) async throws -> SocialWorker {
        guard let id = req.parameters.get("id", as: UUID.self), let w = try await SocialWorker.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该社工，或不在您的管辖范围内")
        }
        try req.authorize(action, try await WorkforceService.resource(w, on: req.db))
        return w
    }


    func apiStationWorkers(req: Request) async throws -> [WorkerDTO] {
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        var out: [WorkerDTO] = []
        for p in try await WorkforceQueries.postings(station: summary.id, on: req.db) where p.posting.endedOn == nil {
            out.append(try await WorkforceQueries.dto(p.worker, key: req.application.settings.dataKey, on: req.db))
        }
        return out
    }

    func apiCreateWorker(req: Request) async throws -> Response {
        _ = try req.requireCaller()
        let worker = try await WorkforceService.create(try req.content.decode(WorkerInput.self), req: req)
        return try await WorkforceQueries.dto(worker, key: req.application.settings.dataKey, on: req.db).encodeResponse(status: .created, for: req)
    }

    func apiWorker(req: Request) async throws -> WorkerDTO {
        try await WorkforceQueries.dto(try await Self.worker(req, .read), key: req.application.settings.dataKey, on: req.db)
    }

    func apiUpdateWorker(req: Request) async throws -> WorkerDTO {
        let w = try await Self.worker(req, .read)
        let updated = try await WorkforceService.update(w, try req.content.decode(WorkerInput.self), req: req)
        return try await WorkforceQueries.dto(updated, key: req.application.settings.dataKey, on: req.db)
    }

    func apiAssign(req: Request) async throws -> Response {
        let w = try await Self.worker(req, .read)
        _ = try await WorkforceService.assign(w, try req.content.decode(AssignmentInput.self), req: req)
        return try await WorkforceQueries.dto(w, key: req.application.settings.dataKey, on: req.db).encodeResponse(status: .created, for: req)
    }

    struct PhoneDTO: Content { var phone: String? }

    func apiRevealPhone(req: Request) async throws -> PhoneDTO {
        PhoneDTO(phone: try await WorkforceService.revealPhone(try await Self.worker(req, .read), req: req))
    }

    /// Creates a supervisor and assigns them to a station.
    /// `prior`: errors found while reading a form, reported with the rest (years not read are not checked again).
    static func createSupervisor(_ input: SupervisorInput, prior: Validator = Validator(), req: Request) async throws -> Supervisor {
        let scope = try await WorkforceService.stationScope(input.stationId, on: req.db)
        try req.authorize(.create, Access.Resource(kind: .staff, paths: [scope.path], operatorIDs: Set([scope.operatorID?.uuidString].compactMap { $0 })))
        var v = prior
        let name = v.text(input.name, field: "name", label: "督导姓名", max: TextLimit.name, required: true) ?? ""
        let pool: SupervisorPool? = WorkforceService.enumValue(input.pool ?? "", SupervisorPool.self, field: "pool", label: "督导来源", into: &v)
        let years = input.experienceYears ?? 0
        if input.experienceYears == nil { if prior.message(for: "experience_years") == nil { v.add("experience_years", "社会工作服务年限不能为空") } }
        else { v.number(years, field: "experience_years", label: "社会工作服务年限", bounds: .experienceYears) }
        let start = v.day(input.startedOn, field: "started_on", label: "开始日期")
        if input.startedOn.isEmpty { v.add("started_on", "开始日期不能为空") }
        var sealed: (String, String)?
        if let phone = input.phone?.trimmingCharacters(in: .whitespaces), !phone.isEmpty {
            if phone.range(of: WorkforceService.phonePattern, options: .regularExpression) == nil { v.add("phone", "手机号码应为 11 位数字，以 1 开头") }
            else { sealed = (try req.application.settings.dataKey.seal(phone), req.application.settings.dataKey.lookupHash(phone)) }
        }
        try v.check()
        let s = Supervisor()
        s.id = UUID()
        s.name = name
        s.pool = pool!
        s.experienceYears = years
        s.phoneSealed = sealed?.0
        s.phoneHash = sealed?.1
        s.cityID = scope.cityID
        let assignment = SupervisorAssignment(person: s.id!, station: input.stationId, startedOn: start!.description, endedOn: nil)
        try await req.audit.transaction { db, audit in
            try await s.create(on: db)
            audit.change(entityType: "supervisor", entityID: s.id, old: nil, new: s.auditFields)
            try await assignment.create(on: db)
            audit.change(entityType: "supervisor_assignment", entityID: assignment.id, old: nil, new: assignment.auditFields)
        }
        return s
    }

    func apiCreateSupervisor(req: Request) async throws -> Response {
        _ = try req.requireCaller()
        let s = try await Self.createSupervisor(try req.content.decode(SupervisorInput.self), req: req)
        return try await ["id": s.id!.uuidString].encodeResponse(status: .created, for: req)
    }

    func apiSupervision(req: Request) async throws -> [SupervisionDTO] {
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        return try await WorkforceQueries.supervision(station: summary.id, year: try req.yearQuery(), on: req.db)
    }

    func apiCreateSupervision(req: Request) async throws -> Response {
        _ = try req.requireCaller()
        let record = try await RecordsService.createSupervision(try req.content.decode(SupervisionInput.self), req: req)
        guard let dto = try await WorkforceQueries.supervision(station: record.$station.id, year: record.year, only: record.id, on: req.db).first else {
            throw Abort(.notFound, reason: "未找到该督导记录")
        }
        return try await dto.encodeResponse(status: .created, for: req)
    }

    func apiConfirm(req: Request) async throws -> HTTPStatus {
        _ = try req.requireCaller()
        guard let id = req.parameters.get("id", as: UUID.self), let record = try await SupervisionRecord.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该督导记录")
        }
        try await RecordsService.confirm(record, req: req)
        return .noContent
    }

    func apiTraining(req: Request) async throws -> [TrainingDTO] {
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        return try await WorkforceQueries.training(station: summary.id, year: try req.yearQuery(), on: req.db)
    }

    /// Multipart form data (the page's form, or an API client sending a file); names as in the JSON body.
    /// Every field is read as text, so that an empty form gets every missing field named, not a decoding error.
    struct TrainingForm: Content {
        var worker_id: String?
        var held_on: String?
        var hours: String?
        var title: String?
        var organiser: String?
        var attachment: File?
    }

    /// JSON without a file, or multipart with an `attachment` (PDF or image, at most 20 MB).
    static func readTraining(_ req: Request) throws -> (TrainingDraft, File?) {
        guard req.headers.contentType?.type == "multipart" else { return (TrainingDraft(try req.content.decode(TrainingInput.self)), nil) }
        let form = try req.content.decode(TrainingForm.self)
        var v = Validator()
        let rawWorker = (form.worker_id ?? "").trimmingCharacters(in: .whitespaces)
        let worker = UUID(uuidString: rawWorker)
        if rawWorker.isEmpty { v.add("worker_id", "请选择参加培训的社工") } else if worker == nil { v.add("worker_id", "社工编号“\(rawWorker.prefix(40))”无效，请从列表中选择") }
        let hours = v.number(form.hours, field: "hours", label: "培训学时", bounds: .sessionHours)
        return (TrainingDraft(workerId: worker, heldOn: form.held_on ?? "", hours: hours, title: form.title, organiser: form.organiser, errors: v), form.attachment)
    }

    func apiCreateTraining(req: Request) async throws -> Response {
        _ = try req.requireCaller()
        let (input, file) = try Self.readTraining(req)
        let record = try await RecordsService.createTraining(input, file: file, req: req)
        return try await ["id": record.id!.uuidString].encodeResponse(status: .created, for: req)
    }
}
