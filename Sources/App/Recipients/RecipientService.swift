import Domain
import Fluent
import SQLKit
import Vapor

/// A recipient as typed into the form or sent to the API. The same field names as the import
/// template's (`RecipientDraft.Field`), so one check serves the three.
struct RecipientInput: Content {
    var stationId: UUID?
    var name: String?
    var residentId: String?
    var birthDate: String?
    var sex: String?
    var phone: String?
    var address: String?
    /// The village or community by name, under the station's street.
    var village: String?
    /// Category codes or Chinese labels.
    var categories: [String]?
    var disabilityGrade: String?
    var disabilityType: String?
    var followUpLevel: Int?
    /// A minor's guardian: another recipient of the same station, or a name and phone.
    var guardianId: UUID?
    var guardianName: String?
    var guardianPhone: String?

    var draftValues: [RecipientDraft.Field: String] {
        [.name: name ?? "", .residentID: residentId ?? "", .birthDate: birthDate ?? "", .sex: sex ?? "", .phone: phone ?? "",
         .address: address ?? "", .village: village ?? "", .categories: (categories ?? []).joined(separator: "、"),
         .disabilityGrade: disabilityGrade ?? "", .disabilityType: disabilityType ?? "",
         .followUpLevel: followUpLevel.map(String.init) ?? ""]
    }
}

struct StatusInput: Content {
    var status: String?
    var on: String?
    var reason: String?
}

struct RevealInput: Content {
    /// `resident_id`, `phone` or `guardian_phone`.
    var field: String?
    var reason: String?
}

/// Registering recipients, changing their status and revealing their personal data (issue 9).
enum RecipientService {
    /// The fields a reveal may show, with their labels.
    enum SealedField: String, CaseIterable {
        case residentID = "resident_id"
        case phone
        case guardianPhone = "guardian_phone"
        var label: String {
            switch self {
            case .residentID: "身份证号"
            case .phone: "联系电话"
            case .guardianPhone: "监护人电话"
            }
        }
    }

    /// The recipient for an action, looked up inside the caller's scope: 404 outside it.
    ///
    /// A role that reads no recipients at all (a supervisor, until cases name the recipients they
    /// supervise) is outside every recipient's scope, so it gets 404 as outside the street does,
    /// never a 403 that would tell it the record exists. A merged-away record is kept for the trail
    /// only: it takes no more changes (409), they belong on the record it went into.
    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> (recipient: Recipient, station: Station) {
        let caller = try req.requireCaller()
        guard let id, !Access.readScope(caller.assignments, .recipient).isEmpty,
              let recipient = try await Recipient.query(on: req.db).filter(\.$id == id).with(\.$station).first() else {
            throw Abort(.notFound, reason: "未找到该服务对象，或不在您的管辖范围内")
        }
        try req.authorize(action, resource(recipient.station))
        if action != .read, recipient.mergedIntoID != nil {
            throw AppError.field("id", "该记录已合并到另一条记录，不能再修改；请在保留的记录上操作", status: .conflict)
        }
        return (recipient, recipient.station)
    }

    /// A recipient sits where their station is, and is kept by the station's operator.
    static func resource(_ station: Station) -> Access.Resource { StationScope.resource(station, .recipient) }

    /// The station a new recipient is registered at: the one asked for, or the caller's only one.
    static func station(for id: UUID?, req: Request) async throws -> Station {
        try await StationScope.stationForCreate(id, kind: .recipient, label: "登记", req: req)
    }

    /// The stations where the caller may register recipients (the form's choice).
    static func stationsForCreate(_ caller: Caller, on db: any Database) async throws -> [Station] {
        try await StationScope.stationsForCreate(caller, kind: .recipient, on: db)
    }

    /// The city's follow-up scale and service fields (profile data).
    static func profile(of station: Station, req: Request) async throws -> PolicyProfile {
        try await req.application.policies.inForce(cityID: station.cityID, year: req.today.year, on: req.db).profile
    }

    /// Validates a new recipient against the profile and the station's villages; every problem at once.
    static func draft(_ input: RecipientInput, station: Station, req: Request) async throws -> (RecipientDraft, villageID: UUID) {
        let profile = try await profile(of: station, req: req)
        var v = Validator()
        var draft: RecipientDraft?
        switch RecipientDraft.check(input.draftValues, today: req.today, followUpLevels: profile.followUpRange) {
        case .success(let d): draft = d
        case .failure(let problems): for p in problems.all { v.add(p.field.rawValue, "\(p.field.label)\(p.message)") }
        }
        var villageID: UUID?
        if let name = input.village?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            let found = try await StationQueries.village(named: name, ofStreet: station.streetID, on: req.db)
            villageID = found.id
            if villageID == nil { v.add("village", "所在村（社区）“\(name)”不在本社工站所在街道下（可选：\(found.choices.joined(separator: "、"))）") }
        }
        try v.check()
        return (draft!, villageID!)
    }

    /// Registers one recipient. The ID's duplicate check and the insert happen inside the write
    /// lock, and the unique index on the ID hash stands behind it: two workers registering one
    /// person at once get one record and one 409.
    static func create(_ input: RecipientInput, req: Request) async throws -> Recipient {
        let caller = try req.requireCaller()
        let station = try await station(for: input.stationId, req: req)
        let (draft, villageID) = try await draft(input, station: station, req: req)
        let key = req.application.settings.dataKey
        let r = try build(draft, villageID: villageID, station: station, key: key, today: req.today, by: caller.userID)
        if let name = input.guardianName?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            r.guardianName = String(name.prefix(RecipientDraft.nameLimit))
        }
        if let phone = input.guardianPhone?.trimmingCharacters(in: .whitespaces), !phone.isEmpty {
            guard let p = PhoneNumber(phone) else { throw AppError.field("guardian_phone", "监护人电话\(PhoneNumber.rule)") }
            r.guardianPhoneSealed = try key.seal(p.value)
            r.guardianPhoneMasked = p.masked
        }
        if let guardian = input.guardianId {
            guard try await Recipient.query(on: req.db).filter(\.$id == guardian).filter(\.$station.$id == station.id!).first() != nil else {
                throw AppError.field("guardian_id", "监护人应为本社工站已登记的服务对象", status: .unprocessableEntity)
            }
            r.guardianID = guardian
        }
        let categories = categoryRows(draft, recipient: r.id!, station: station.id!, today: req.today, caller: caller)
        let event = RecipientEvent(recipient: r.id!, kind: .registered, on: req.today.description, detail: "登记于\(station.name)", actor: caller)
        try await req.audit.transaction { db, audit in
            try await refuseDuplicate(hash: r.residentIDHash, caller: caller, on: db)
            try await r.create(on: db)
            for c in categories { try await c.create(on: db) }
            try await event.create(on: db)
            audit.change(entityType: "recipient", entityID: r.id, old: nil, new: r.auditFields)
        }
        return r
    }

    /// A new record from a checked draft (shared by the form, the API and the import).
    static func build(_ draft: RecipientDraft, id: UUID = UUID(), villageID: UUID, station: Station, key: DataKey, today: Day, by user: UUID?) throws -> Recipient {
        let r = Recipient()
        r.id = id
        r.$station.id = station.id!
        r.cityID = station.cityID
        r.districtID = station.districtID
        r.path = station.path
        r.villageID = villageID
        r.name = draft.name
        if let id = draft.residentID {
            r.residentIDSealed = try key.seal(id.value)
            r.residentIDHash = key.lookupHash(id.value)
            r.residentIDMasked = id.masked
        }
        r.birthDate = draft.birthDate.description
        r.sex = draft.sex
        if let phone = draft.phone {
            r.phoneSealed = try key.seal(phone.value)
            r.phoneHash = key.lookupHash(phone.value)
            r.phoneMasked = phone.masked
        }
        r.address = draft.address
        r.followUpLevel = draft.followUpLevel
        r.status = .active
        r.statusOn = today.description
        r.createdBy = user
        return r
    }

    static func categoryRows(_ draft: RecipientDraft, recipient: UUID, station: UUID, today: Day, caller: Caller) -> [RecipientCategoryRow] {
        draft.categories.map { category in
            categoryRow(category, grade: draft.disabilityGrade, type: draft.disabilityType, recipient: recipient, station: station, verifiedOn: today, caller: caller)
        }
    }

    /// One category as verified on a day by the caller (disability grade and type only for 残疾人).
    static func categoryRow(_ category: RecipientCategory, grade: DisabilityGrade?, type: DisabilityType?, recipient: UUID, station: UUID,
                            verifiedOn day: Day, caller: Caller) -> RecipientCategoryRow {
        let row = RecipientCategoryRow()
        row.id = UUID()
        row.$recipient.id = recipient
        row.stationID = station
        row.category = category
        if category == .disabled {
            row.disabilityGrade = grade
            row.disabilityType = type
        }
        row.verifiedOn = day.description
        row.verifiedBy = caller.userID
        row.verifiedByName = caller.displayName
        return row
    }

    /// Issue 9 §3: an ID registered anywhere is refused. Inside the caller's scope the message names
    /// the record; outside it, only the street, so a resident who moved is transferred, not duplicated.
    static func refuseDuplicate(hash: String?, caller: Caller, except: UUID? = nil, on db: any Database) async throws {
        guard let hash else { return }
        guard let row = try await (db as! any SQLDatabase).raw("""
            SELECT r.id, r.name, s.name AS station_name, s.path, s.operator_id, st.name AS street_name
            FROM recipients r JOIN stations s ON s.id = r.station_id JOIN org_units st ON st.id = s.street_id
            WHERE r.resident_id_hash = \(bind: hash)
            """).first() else { return }
        let id = try row.decode(column: "id", as: UUID.self)
        if id == except { return }
        let resource = Access.Resource(kind: .recipient, paths: [try row.decode(column: "path", as: String.self)],
                                       operatorIDs: Set([try row.decode(column: "operator_id", as: UUID?.self)?.uuidString].compactMap { $0 }))
        if caller.may(.read, resource) {
            throw AppError.field("resident_id", "该身份证号已登记：\(try row.decode(column: "name", as: String.self))（\(try row.decode(column: "station_name", as: String.self))），请打开已有记录",
                                 status: .conflict)
        }
        throw AppError.field("resident_id", "该身份证号已在\(try row.decode(column: "street_name", as: String.self))登记；居民迁入本街道的，请联系原社工站办理转移",
                             status: .conflict)
    }

    /// Status with the date and reason of the change (never a deletion).
    static func changeStatus(_ r: Recipient, _ input: StatusInput, req: Request) async throws {
        let caller = try req.requireCaller()
        var v = Validator()
        let status: RecipientStatus? = WorkforceService.enumValue(input.status ?? "", RecipientStatus.self, field: "status", label: "状态", into: &v)
        let day = v.day(input.on, field: "on", label: "变更日期", notAfter: req.today)
        if (input.on ?? "").isEmpty { v.add("on", "变更日期不能为空") }
        let reason = v.text(input.reason, field: "reason", label: "变更原因", max: TextLimit.short, required: true) ?? ""
        if let status, status == r.status { v.add("status", "状态已是“\(status.label)”") }
        if let day, day < Day(r.statusOn) ?? day { v.add("on", "变更日期不能早于登记或上次状态变更的日期（\(r.statusOn)）") }
        try v.check()
        let old = r.auditFields
        let event = RecipientEvent(recipient: r.id!, kind: .status, on: day!.description,
                                   detail: "由“\(r.status.label)”改为“\(status!.label)”", reason: reason, actor: caller)
        event.status = status
        r.status = status!
        r.statusOn = day!.description
        try await req.audit.transaction { db, audit in
            try await r.update(on: db)
            try await event.create(on: db)
            audit.change(entityType: "recipient", entityID: r.id, old: old, new: r.auditFields)
        }
    }

    /// The full value of a sealed field, after a reason; the reveal and its reason are audited.
    static func reveal(_ r: Recipient, station: Station, _ input: RevealInput, req: Request) async throws -> (SealedField, String?) {
        try req.authorize(.reveal, resource(station))
        var v = Validator()
        let field = SealedField(rawValue: input.field ?? "")
        if field == nil { v.add("field", "要查看的字段应为 resident_id（身份证号）、phone（联系电话）或 guardian_phone（监护人电话）") }
        let reason = SealedPersonalData.reason(input.reason, into: &v)
        try v.check()
        let sealed: String? = switch field! {
        case .residentID: r.residentIDSealed
        case .phone: r.phoneSealed
        case .guardianPhone: r.guardianPhoneSealed
        }
        return (field!, try await SealedPersonalData.reveal(sealed, field: field!.rawValue, entityType: "recipient", entityID: r.id, reason: reason, req: req))
    }
}
