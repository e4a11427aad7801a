import Domain
import Fluent
import SQLKit
import Vapor

/// A volunteer as typed into the form or sent to the API.
struct VolunteerInput: Content {
    var stationId: UUID?
    var name: String?
    var residentId: String?
    var phone: String?
    /// The village or community by name, under the station's street.
    var village: String?
    var skills: String?
    var availability: String?
    /// The registration number on the national volunteer service site (R-3), when registered.
    var nationalRegistration: String?
    /// The same person in the station's key-population library.
    var recipientId: UUID?
}

/// A change to a volunteer: the fields given are set; an empty registration number clears it.
struct VolunteerPatch: Content {
    /// `VolunteerStatus` raw value.
    var status: String?
    var skills: String?
    var availability: String?
    var nationalRegistration: String?
}

struct VolunteerRevealInput: Content {
    /// `resident_id` or `phone`.
    var field: String?
    var reason: String?
}

struct VolunteerDTO: Content {
    var id: UUID
    var stationId: UUID
    var stationName: String
    var villageId: UUID
    var villageName: String
    var name: String
    /// Masked; nil for a caller who may not see it at all (an evaluator).
    var residentId: String?
    var phone: String?
    var skills: String
    var availability: String
    var nationalRegistration: String?
    var status: VolunteerStatus
    var statusLabel: String
    var recipientId: UUID?
    /// Confirmed hours only (谁组织谁记录: the organiser's station confirms).
    var confirmedHours: Double
    var createdAt: Date?
    var updatedAt: Date?
}

struct VolunteerList: Content {
    var items: [VolunteerDTO]
    var page: Int
    var per: Int
    var total: Int
}

/// The volunteer library (志愿服务资源库, R-1; issue 11 §1). Volunteers' personal data follows the
/// recipients' rules (`Access.Kind.recipient`): the station's workers and its operator keep the library
/// and may reveal an ID or phone after a reason; the street, district and city read them masked; an
/// evaluator never sees ID or phone; a supervisor and another street see nothing (404).
enum VolunteerService {
    static let kind = Access.Kind.recipient

    static func resource(_ station: Station) -> Access.Resource { StationScope.resource(station, kind) }
    static func resource(_ station: StationRef) -> Access.Resource { StationScope.resource(station, kind) }

    /// A volunteer for an action, looked up inside the caller's scope: 404 outside it, 403 where the caller only reads.
    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> Volunteer {
        let caller = try req.requireCaller()
        guard let id, !Access.readScope(caller.assignments, kind).isEmpty,
              let v = try await Volunteer.query(on: req.db).filter(\.$id == id).with(\.$station).first() else {
            throw Abort(.notFound, reason: "未找到该志愿者，或不在您的管辖范围内")
        }
        try req.authorize(action, resource(v.station))
        return v
    }

    /// Registers a volunteer. The duplicate check and the insert happen inside the serialised write,
    /// and the unique index on (station, ID hash) stands behind it: two at once give one record and one 409.
    /// Changes a volunteer's status (a paused or departed volunteer gets no new hours or rewards),
    /// skills, availability or national registration number (R-3); audited with the values before and
    /// after, the row re-read inside the write.
    static func update(_ volunteer: Volunteer, _ patch: VolunteerPatch, req: Request) async throws -> Volunteer {
        try req.authorize(.update, resource(volunteer.station))
        var v = Validator()
        let status = WorkforceService.enumValue(patch.status, VolunteerStatus.self, field: "status", label: "状态", into: &v)
        let skills = v.text(patch.skills, field: "skills", label: "技能特长", max: TextLimit.short)
        let availability = v.text(patch.availability, field: "availability", label: "可服务时间", max: TextLimit.short)
        let registration = v.text(patch.nationalRegistration, field: "national_registration", label: "全国志愿服务信息系统注册编号", max: TextLimit.name)
        if patch.status == nil && patch.skills == nil && patch.availability == nil && patch.nationalRegistration == nil {
            v.add("status", "没有要修改的内容")
        }
        try v.check()
        return try await req.audit.transaction { db, audit in
            guard let current = try await Volunteer.find(volunteer.id, on: db) else { throw Abort(.notFound, reason: "未找到该志愿者") }
            let before = current.auditFields
            if let status { current.status = status }
            if patch.skills != nil { current.skills = skills ?? "" }
            if patch.availability != nil { current.availability = availability ?? "" }
            if patch.nationalRegistration != nil { current.nationalRegistration = registration }
            try await current.save(on: db)
            audit.change(entityType: "volunteer", entityID: current.id, old: before, new: current.auditFields)
            current.$station.value = volunteer.station
            return current
        }
    }

    static func create(_ input: VolunteerInput, req: Request) async throws -> Volunteer {
        let caller = try req.requireCaller()
        let station = try await StationScope.stationForCreate(input.stationId, kind: kind, label: "登记志愿者", req: req)
        let key = req.application.settings.dataKey
        var v = Validator()
        let name = v.text(input.name, field: "name", label: "姓名", max: TextLimit.name, required: true)
        var residentID: ResidentID?
        let rawID = (input.residentId ?? "").trimmingCharacters(in: .whitespaces)
        if rawID.isEmpty {
            v.add("resident_id", "身份证号不能为空（志愿者在全国志愿服务信息系统注册须实名）")
        } else {
            do { residentID = try ResidentID(rawID, today: req.today) } catch { v.add("resident_id", "身份证号\(error.label)") }
        }
        var phone: PhoneNumber?
        if let raw = input.phone?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            phone = PhoneNumber(raw)
            if phone == nil { v.add("phone", "联系电话\(PhoneNumber.rule)") }
        }
        var villageID: UUID?
        let villageName = (input.village ?? "").trimmingCharacters(in: .whitespaces)
        if villageName.isEmpty {
            v.add("village", "请填写所在村（社区）")
        } else {
            let found = try await StationQueries.village(named: villageName, ofStreet: station.streetID, on: req.db)
            villageID = found.id
            if villageID == nil { v.add("village", "所在村（社区）“\(villageName)”不在本社工站所在街道下（可选：\(found.choices.joined(separator: "、"))）") }
        }
        let skills = v.text(input.skills, field: "skills", label: "技能特长", max: TextLimit.short) ?? ""
        let availability = v.text(input.availability, field: "availability", label: "可服务时间", max: TextLimit.short) ?? ""
        let registration = v.text(input.nationalRegistration, field: "national_registration", label: "全国志愿服务信息系统注册编号", max: TextLimit.name)
        if let recipient = input.recipientId {
            if try await Recipient.query(on: req.db).filter(\.$id == recipient).filter(\.$station.$id == station.id!).first() == nil {
                v.add("recipient_id", "关联的服务对象应为本社工站已登记的服务对象")
            }
        }
        try v.check()
        let volunteer = Volunteer()
        volunteer.id = UUID()
        volunteer.$station.id = station.id!
        volunteer.cityID = station.cityID
        volunteer.districtID = station.districtID
        volunteer.path = station.path
        volunteer.villageID = villageID!
        volunteer.name = name!
        let sealedID = try SealedValue(residentID!.value, masked: residentID!.masked, key: key)
        volunteer.residentIDSealed = sealedID.sealed
        volunteer.residentIDHash = sealedID.hash
        volunteer.residentIDMasked = sealedID.masked
        if let phone {
            let sealed = try SealedValue(phone.value, masked: phone.masked, key: key)
            volunteer.phoneSealed = sealed.sealed
            volunteer.phoneHash = sealed.hash
            volunteer.phoneMasked = sealed.masked
        }
        volunteer.skills = skills
        volunteer.availability = availability
        volunteer.nationalRegistration = registration
        volunteer.status = .active
        volunteer.recipientID = input.recipientId
        volunteer.createdBy = caller.userID
        try await req.audit.transaction { db, audit in
            if let other = try await Volunteer.query(on: db).filter(\.$station.$id == station.id!).filter(\.$residentIDHash == volunteer.residentIDHash).first() {
                throw AppError.field("resident_id", "该身份证号已登记为本站志愿者：\(other.name)，请打开已有记录", status: .conflict)
            }
            try await volunteer.create(on: db)
            audit.change(entityType: "volunteer", entityID: volunteer.id, old: nil, new: volunteer.auditFields)
        }
        return volunteer
    }

    /// The full ID or phone after a reason (the station's workers and operator); audited.
    static func reveal(_ volunteer: Volunteer, _ input: VolunteerRevealInput, req: Request) async throws -> (field: String, value: String?) {
        try req.authorize(.reveal, resource(volunteer.station))
        var v = Validator()
        let field = input.field ?? ""
        if !["resident_id", "phone"].contains(field) { v.add("field", "要查看的字段应为 resident_id（身份证号）或 phone（联系电话）") }
        let reason = SealedPersonalData.reason(input.reason, into: &v)
        try v.check()
        let sealed = field == "resident_id" ? volunteer.residentIDSealed : volunteer.phoneSealed
        return (field, try await SealedPersonalData.reveal(sealed, field: field, entityType: "volunteer", entityID: volunteer.id, reason: reason, req: req))
    }

    /// Volunteers in the caller's scope (optionally one station's, or a name's), with their confirmed hours.
    /// One page of the volunteers in the caller's scope (a city has tens of thousands), by name.
    static func list(station: UUID?, query: String?, page: Int?, per: Int?, req: Request) async throws -> (items: [VolunteerDTO], paging: Paging) {
        let caller = try req.requireCaller()
        guard let scope = StationScope.condition(Access.readScope(caller.assignments, kind), on: req.db) else {
            return ([], Paging(page: page, per: per, total: 0))
        }
        var condition: SQLQueryString = "FROM volunteers v JOIN stations s ON s.id = v.station_id WHERE " + scope
        if let station { condition = condition + " AND v.station_id = \(bind: station)" }
        if let q = query?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            condition = condition + " AND v.name LIKE \(bind: "%" + StationQueries.escapeLike(q) + "%") ESCAPE '\\'"
        }
        let sql = req.db as! any SQLDatabase
        let total = try await sql.raw("SELECT COUNT(*) AS n " + condition).first()?.decode(column: "n", as: Int.self) ?? 0
        let paging = Paging(page: page, per: per, total: total)
        let ids = try await sql.raw("SELECT v.id " + condition + " ORDER BY v.name, v.id LIMIT \(bind: paging.per) OFFSET \(bind: paging.offset)").all()
            .map { try $0.decode(column: "id", as: UUID.self) }
        if ids.isEmpty { return ([], paging) }
        let volunteers = try await Volunteer.query(on: req.db).filter(\.$id ~~ ids).with(\.$station).sort(\.$name).sort(\.$id).all()
        let shown = Access.personalDataInLists(caller.assignments)
        return (try await dtos(volunteers, personalData: shown, on: req.db), paging)
    }

    /// Volunteers as the API and pages show them; `personalData` decides masked or nothing.
    static func dtos(_ volunteers: [Volunteer], personalData: Access.PersonalData, on db: any Database) async throws -> [VolunteerDTO] {
        if volunteers.isEmpty { return [] }
        let villages = try await villageNames(Set(volunteers.map(\.villageID)), on: db)
        let hours = try await confirmedHalfHours(volunteers.map { $0.id! }, on: db)
        return volunteers.map { v in
            VolunteerDTO(id: v.id!, stationId: v.$station.id, stationName: v.station.name, villageId: v.villageID, villageName: villages[v.villageID] ?? "",
                         name: v.name, residentId: personalData == .hidden ? nil : v.residentIDMasked,
                         phone: personalData == .hidden ? nil : v.phoneMasked, skills: v.skills, availability: v.availability,
                         nationalRegistration: v.nationalRegistration, status: v.status, statusLabel: v.status.label, recipientId: v.recipientID,
                         confirmedHours: Double(hours[v.id!] ?? 0) / 2, createdAt: v.createdAt, updatedAt: v.updatedAt)
        }
    }

    static func dto(_ v: Volunteer, req: Request) async throws -> VolunteerDTO {
        let caller = try req.requireCaller()
        let shown = Access.personalData(caller.assignments, resource(v.station)) ?? .hidden
        return try await dtos([v], personalData: shown, on: req.db)[0]
    }

    static func villageNames(_ ids: Set<UUID>, on db: any Database) async throws -> [UUID: String] {
        if ids.isEmpty { return [:] }
        return Dictionary(uniqueKeysWithValues: try await OrgUnit.query(on: db).filter(\.$id ~~ Array(ids)).all().map { ($0.id!, $0.name) })
    }

    /// Confirmed half hours per volunteer: only confirmed hours count (issue 11 §1).
    static func confirmedHalfHours(_ ids: [UUID], on db: any Database) async throws -> [UUID: Int] {
        if ids.isEmpty { return [:] }
        var result: [UUID: Int] = [:]
        for row in try await (db as! any SQLDatabase).raw("""
            SELECT volunteer_id, CAST(SUM(half_hours) AS BIGINT) AS n FROM volunteer_hours WHERE status = 'confirmed' AND volunteer_id IN (\(binds: ids)) GROUP BY volunteer_id
            """).all() {
            result[try row.decode(column: "volunteer_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
        }
        return result
    }
}
