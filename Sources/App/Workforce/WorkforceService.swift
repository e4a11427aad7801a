import Domain
import Fluent
import SQLKit
import Vapor

/// Input for a social worker, from the API (JSON) or the form.
struct WorkerInput: Content {
    var name: String?
    var gender: String?
    var birthDate: String?
    var phone: String?
    var education: String?
    var major: String?
    var certificateLevel: String?
    var certificateNumber: String?
    var certificateDate: String?
    var experienceYears: Double?
    var fullTime: Bool?
    var registeredNational: Bool?
    /// On create: the station and first day of the posting.
    var stationId: UUID?
    var startedOn: String?
}

struct AssignmentInput: Content {
    var stationId: UUID
    var startedOn: String
    var endedOn: String?
}

extension SocialWorker {
    /// A new record with every required field set, so validation can read any of them.
    static func blank(cityID: UUID) -> SocialWorker {
        let w = SocialWorker()
        w.id = UUID()
        w.cityID = cityID
        w.name = ""
        w.gender = .female
        w.birthDate = ""
        w.education = .bachelor
        w.major = .other
        w.certificateLevel = .none
        w.experienceYears = 0
        w.fullTime = true
        w.registeredNational = false
        return w
    }
}

enum WorkforceService {
    static let phonePattern = #"^1[3-9][0-9]{9}$"#

    /// "139****5678": the middle digits hidden.
    static func mask(_ phone: String) -> String {
        guard phone.count == 11 else { return String(repeating: "*", count: phone.count) }
        return String(phone.prefix(3)) + "****" + String(phone.suffix(4))
    }

    static func enumValue<E: RawRepresentable & CaseIterable>(_ raw: String?, _ type: E.Type, field: String, label: String,
                                                               into v: inout Validator) -> E? where E.RawValue == String {
        guard let raw else { return nil }
        guard let value = E(rawValue: raw) else {
            v.add(field, "\(label)“\(raw)”不存在（可选：\(E.allCases.map(\.rawValue).joined(separator: "、"))）")
            return nil
        }
        return value
    }

    /// Validates and applies worker fields. `isCreate` requires the mandatory ones.
    static func apply(_ input: WorkerInput, to w: SocialWorker, isCreate: Bool, key: DataKey, today: Day, into v: inout Validator) throws {
        if input.name != nil || isCreate, let name = v.text(input.name, field: "name", label: "姓名", max: TextLimit.name, required: true) { w.name = name }
        if let g: Gender = enumValue(input.gender, Gender.self, field: "gender", label: "性别", into: &v) { w.gender = g }
        else if isCreate && input.gender == nil { v.add("gender", "请选择性别") }
        if let b = v.day(input.birthDate, field: "birth_date", label: "出生日期", notAfter: today) { w.birthDate = b.description }
        else if isCreate && (input.birthDate ?? "").isEmpty { v.add("birth_date", "出生日期不能为空") }
        if let phone = input.phone?.trimmingCharacters(in: .whitespaces) {
            if phone.isEmpty { w.phoneSealed = nil; w.phoneHash = nil }
            else if phone.range(of: phonePattern, options: .regularExpression) == nil { v.add("phone", "手机号码应为 11 位数字，以 1 开头") }
            else { w.phoneSealed = try key.seal(phone); w.phoneHash = key.lookupHash(phone) }
        }
        if let e: Education = enumValue(input.education, Education.self, field: "education", label: "学历", into: &v) { w.education = e }
        else if isCreate && input.education == nil { v.add("education", "请选择学历") }
        if let m: Major = enumValue(input.major, Major.self, field: "major", label: "专业类别", into: &v) { w.major = m }
        else if isCreate && input.major == nil { v.add("major", "请选择专业类别") }
        if let c: CertificateLevel = enumValue(input.certificateLevel, CertificateLevel.self, field: "certificate_level", label: "证书等级", into: &v) {
            w.certificateLevel = c
        } else if isCreate && input.certificateLevel == nil { w.certificateLevel = CertificateLevel.none }
        if input.certificateNumber != nil { w.certificateNumber = v.text(input.certificateNumber, field: "certificate_number", label: "证书编号", max: TextLimit.name) }
        if input.certificateDate != nil {
            w.certificateDate = v.day(input.certificateDate, field: "certificate_date", label: "取证日期", notAfter: today)?.description
        }
        if isCreate || input.certificateLevel != nil, (w.certificateLevel != CertificateLevel.none) && w.certificateDate == nil {
            v.add("certificate_date", "持证社工须填写取证日期")
        }
        if let years = input.experienceYears {
            if let years = v.number(years, field: "experience_years", label: "相关工作年限", bounds: .experienceYears) { w.experienceYears = years }
        } else if isCreate { w.experienceYears = 0 }
        if let f = input.fullTime { w.fullTime = f } else if isCreate { w.fullTime = true }
        if let r = input.registeredNational { w.registeredNational = r } else if isCreate { w.registeredNational = false }
    }

    /// Station path and operator for access decisions.
    static func stationScope(_ stationID: UUID, on db: any Database) async throws -> (path: String, operatorID: UUID?, cityID: UUID) {
        guard let s = try await Station.find(stationID, on: db) else { throw AppError.field("station_id", "社工站不存在（\(stationID)）") }
        return (s.path, s.$operator.id, s.cityID)
    }

    /// The station a worker is to be posted to, which the caller must be able to see: a station
    /// outside their scope is "not found" as a station, not as the worker.
    static func visibleStation(_ stationID: UUID, req: Request) async throws -> (path: String, operatorID: UUID?, cityID: UUID) {
        let scope = try await stationScope(stationID, on: req.db)
        let operators = Set([scope.operatorID?.uuidString].compactMap { $0 })
        try req.authorize(.read, Access.Resource(kind: .station, paths: [scope.path], operatorIDs: operators))
        return scope
    }

    /// Where a worker sits for access: the stations of their postings (the city when none).
    static func resource(_ w: SocialWorker, on db: any Database) async throws -> Access.Resource {
        let postings = try await WorkerAssignment.of(try w.requireID(), on: db).with(\.$station).all()
        var paths = postings.map(\.station.path)
        if paths.isEmpty, let city = try await OrgUnit.find(w.cityID, on: db) { paths = [city.path] }
        return Access.Resource(kind: .staff, paths: paths, operatorIDs: Set(postings.compactMap { $0.station.$operator.id?.uuidString }),
                               ownerUserIDs: Set([w.userID?.uuidString].compactMap { $0 }))
    }

    /// `prior`: errors found while reading a form, reported together with the rest.
    static func create(_ input: WorkerInput, prior: Validator = Validator(), req: Request) async throws -> SocialWorker {
        var v = prior
        guard let stationID = input.stationId else { v.add("station_id", "请指定驻站的社工站"); throw AppError.invalid(v.errors) }
        let scope = try await visibleStation(stationID, req: req)
        try req.authorize(.create, Access.Resource(kind: .staff, paths: [scope.path], operatorIDs: Set([scope.operatorID?.uuidString].compactMap { $0 })))
        let worker = SocialWorker.blank(cityID: scope.cityID)
        try apply(input, to: worker, isCreate: true, key: req.application.settings.dataKey, today: req.today, into: &v)
        let start = v.day(input.startedOn, field: "started_on", label: "驻站开始日期")
        if (input.startedOn ?? "").isEmpty { v.add("started_on", "驻站开始日期不能为空") }
        try v.check()
        guard let start, let workerID = worker.id else { throw AppError.invalid(v.errors) }
        let posting = WorkerAssignment(person: workerID, station: stationID, startedOn: start.description, endedOn: nil)
        try await req.audit.transaction { db, audit in
            // Checked inside the write lock (and backed by a unique index): a double click registers one worker.
            if let hash = worker.phoneHash, try await SocialWorker.query(on: db).filter(\.$phoneHash == hash).first() != nil {
                throw AppError.field("phone", "该手机号码已登记给另一名社工（同一人请使用“调动”而不是重新登记）", status: .conflict)
            }
            try await worker.create(on: db)
            audit.change(entityType: "social_worker", entityID: worker.id, old: nil, new: worker.auditFields)
            try await posting.create(on: db)
            audit.change(entityType: "worker_assignment", entityID: posting.id, old: nil, new: posting.auditFields)
        }
        return worker
    }

    static func update(_ worker: SocialWorker, _ input: WorkerInput, prior: Validator = Validator(), req: Request) async throws -> SocialWorker {
        try req.authorize(.update, try await resource(worker, on: req.db))
        let old = worker.auditFields
        var v = prior
        // A posting changes through `assign` (which ends the previous one), never by editing the
        // worker: these fields were once silently ignored here.
        if input.stationId != nil { v.add("station_id", "驻站站点不能在修改社工信息时更改：请使用调动（POST \(ApiRoute.workerAssignments(.key).openAPIPath)）") }
        if input.startedOn != nil { v.add("started_on", "驻站开始日期不能在修改社工信息时更改：请使用调动（POST \(ApiRoute.workerAssignments(.key).openAPIPath)）") }
        try apply(input, to: worker, isCreate: false, key: req.application.settings.dataKey, today: req.today, into: &v)
        try v.check()
        let workerID = try worker.requireID()
        try await req.audit.transaction { db, audit in
            if let hash = worker.phoneHash,
               try await SocialWorker.query(on: db).filter(\.$phoneHash == hash).filter(\.$id != workerID).first() != nil {
                throw AppError.field("phone", "该手机号码已登记给另一名社工", status: .conflict)
            }
            try await worker.save(on: db)
            audit.change(entityType: "social_worker", entityID: worker.id, old: old, new: worker.auditFields)
        }
        return worker
    }

    /// Posts a worker to a station. An open posting elsewhere ends the day before; overlapping
    /// dated postings are refused, since a worker cannot be stationed at two stations at once.
    static func assign(_ worker: SocialWorker, _ input: AssignmentInput, req: Request) async throws -> WorkerAssignment {
        try req.authorize(.update, try await resource(worker, on: req.db))
        let scope = try await visibleStation(input.stationId, req: req)
        try req.authorize(.create, Access.Resource(kind: .staff, paths: [scope.path], operatorIDs: Set([scope.operatorID?.uuidString].compactMap { $0 })))
        var v = Validator()
        let start = v.day(input.startedOn, field: "started_on", label: "开始日期")
        if input.startedOn.isEmpty { v.add("started_on", "开始日期不能为空") }
        let end = v.day(input.endedOn, field: "ended_on", label: "结束日期")
        if let start, let end, end < start { v.add("ended_on", "结束日期不能早于开始日期") }
        try v.check()
        guard let start else { throw AppError.invalid(v.errors) }
        let workerID = try worker.requireID()
        let posting = WorkerAssignment(person: workerID, station: input.stationId, startedOn: start.description, endedOn: end?.description)
        try await req.audit.transaction { db, audit in
            // Read and checked inside the write lock, so two postings entered at once cannot both pass.
            let postings = try await WorkerAssignment.of(workerID, on: db).all()
            var closing: WorkerAssignment?
            for p in postings {
                let (pStart, pEnd) = try p.period()
                if pEnd == nil && pStart < start && p.stationID != input.stationId { closing = p; continue }
                if try p.overlaps(start, end) {
                    throw AppError.field("started_on", "该社工在 \(p.startedOn) 至 \(p.endedOn ?? "今") 已驻另一站点（或本站），同一时间不能驻两个站点", status: .conflict)
                }
            }
            if let closing {
                let old = closing.auditFields
                closing.endedOn = start.adding(days: -1).description
                try await closing.save(on: db)
                audit.change(entityType: "worker_assignment", entityID: closing.id, old: old, new: closing.auditFields)
            }
            try await posting.create(on: db)
            audit.change(entityType: "worker_assignment", entityID: posting.id, old: nil, new: posting.auditFields)
        }
        return posting
    }

    /// The full phone number, for roles that need it; every such read is audited (PIPL).
    static func revealPhone(_ worker: SocialWorker, req: Request) async throws -> String? {
        let caller = try req.requireCaller()
        let resource = try await resource(worker, on: req.db)
        guard caller.may(.update, resource) else { throw Abort(.forbidden, reason: "您的角色无权查看完整手机号码") }
        guard let sealed = worker.phoneSealed else { return nil }
        let phone = try req.application.settings.dataKey.open(sealed)
        try await req.audit.record(.sensitiveRead, entityType: "social_worker", entityID: worker.id?.uuidString, changes: ["field": [nil, "phone"]],
                                   actor: caller.userID, actorName: caller.username)
        return phone
    }
}
