import Domain
import Fluent
import SQLKit
import Vapor

/// The social charity resources library (社会慈善资源库, R-1, R-5; issue 11 §2). Kept by the station's
/// social workers and their operator; read by the street, district and city (and the evaluator);
/// 404 outside the caller's scope. A use names the case, recipient or community event of the station
/// it served; what remains never goes below zero: the check and the write happen inside the write
/// lock (two concurrent uses: one is refused with 409). A use is corrected by a reversing entry.
enum CharityResourceService {
    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> (CharityResource, Station) {
        guard let id, let r = try await CharityResource.query(on: req.db).filter(\.$id == id).with(\.$station).first() else {
            throw Abort(.notFound, reason: "未找到该慈善资源，或不在您的管辖范围内")
        }
        try req.authorize(action, StationScope.resource(r.station, .service))
        return (r, r.station)
    }

    static func record(_ input: CharityResourceInput, req: Request) async throws -> CharityResource {
        let caller = try req.requireCaller()
        let station = try await StationScope.stationForCreate(input.stationId, kind: .service, label: "登记慈善资源", req: req)
        var v = Validator()
        let donor = v.text(input.donorName, field: "donor_name", label: "捐赠方", max: TextLimit.short, required: true)
        let donorKind = WorkforceService.enumValue(input.donorKind, DonorKind.self, field: "donor_kind", label: "捐赠方类别", into: &v)
        if input.donorKind == nil { v.add("donor_kind", "请选择捐赠方类别（" + DonorKind.allCases.map { "\($0.rawValue) \($0.label)" }.joined(separator: "、") + "）") }
        let kind = WorkforceService.enumValue(input.kind, CharityKind.self, field: "kind", label: "资源类别", into: &v)
        if input.kind == nil { v.add("kind", "请选择资源类别（" + CharityKind.allCases.map { "\($0.rawValue) \($0.label)" }.joined(separator: "、") + "）") }
        let description = v.text(input.description, field: "description", label: "资源内容", max: TextLimit.short, required: true)
        var unit = v.text(input.unit, field: "unit", label: "计量单位", max: 10)
        if kind == .money {
            if let u = unit, u != "元" { v.add("unit", "资金以元计，计量单位应为“元”或留空，收到“\(u)”") }
            unit = "元"
        } else if kind != nil && unit == nil {
            v.add("unit", "请填写物资、服务或场地的计量单位（如：箱、件、小时、次）")
        }
        let amount = CharityAmount.parse(input.value, field: "value", label: "数量或金额", into: &v)
        let received = v.day(input.receivedOn, field: "received_on", label: "接收日期", notAfter: req.today)
        if (input.receivedOn ?? "").isEmpty { v.add("received_on", "接收日期不能为空") }
        let expires = v.day(input.expiresOn, field: "expires_on", label: "有效期至")
        if let received, let expires, expires < received { v.add("expires_on", "有效期至（\(expires)）不能早于接收日期（\(received)）") }
        try v.check()
        let r = CharityResource()
        r.id = UUID()
        r.year = received!.year
        r.$station.id = station.id!
        r.cityID = station.cityID
        r.districtID = station.districtID
        r.donorName = donor!
        r.donorKind = donorKind!
        r.kind = kind!
        r.description = description!
        r.unit = unit!
        r.amount = amount!
        r.remaining = amount!
        r.receivedOn = received!.description
        r.expiresOn = expires?.description
        r.createdBy = caller.userID
        r.createdByName = caller.displayName
        try await req.audit.transaction { db, audit in
            // The same gift sent twice (a double click).
            let same = try await CharityResource.query(on: db).filter(\.$station.$id == station.id!).filter(\.$receivedOn == r.receivedOn)
                .filter(\.$donorName == r.donorName).filter(\.$description == r.description).filter(\.$amount == r.amount).count()
            if same > 0 { throw AppError.field("description", "\(r.receivedOn) 已登记过\(r.donorName)的“\(r.description)”，请勿重复提交", status: .conflict) }
            try await r.create(on: db)
            audit.change(entityType: "charity_resource", entityID: r.id, old: nil, new: r.auditFields)
        }
        return r
    }

    /// Records a use. The thing served is looked up among the resource's station's own records
    /// (another station's case, person or event: 422, as one that does not exist).
    static func use(_ r: CharityResource, _ input: CharityUseInput, req: Request) async throws -> CharityResourceUse {
        let caller = try req.requireCaller()
        var v = Validator()
        let amount = CharityAmount.parse(input.amount, field: "amount", label: "使用数量", into: &v)
        let day = v.day(input.on, field: "on", label: "使用日期", notAfter: req.today) ?? ((input.on ?? "").isEmpty ? req.today : nil)
        let purpose = v.text(input.purpose, field: "purpose", label: "用途", max: TextLimit.short, required: true)
        if let day, let received = Day(r.receivedOn), day < received { v.add("on", "使用日期不能早于接收日期（\(r.receivedOn)）") }
        if let day, let expires = r.expiresOn.flatMap(Day.init), day > expires { v.add("on", "该资源已于 \(expires) 过期，不能再使用") }
        let targets = [input.caseId, input.recipientId, input.eventId].compactMap { $0 }
        if targets.count != 1 {
            v.add("served", "请选择这次使用服务的一个对象：个案（case_id）、服务对象（recipient_id）或社区活动（event_id），只选一个")
        }
        let sql = req.db as! any SQLDatabase
        let station = r.$station.id
        if targets.count == 1 {
            if let id = input.caseId {
                let n = try await sql.raw("SELECT COUNT(*) AS n FROM cases WHERE id = \(bind: id) AND station_id = \(bind: station)").first()?.decode(column: "n", as: Int.self) ?? 0
                if n == 0 { v.add("case_id", "未找到该个案，或不是本资源所属社工站的个案") }
            } else if let id = input.recipientId {
                let n = try await sql.raw("SELECT COUNT(*) AS n FROM recipients WHERE id = \(bind: id) AND station_id = \(bind: station) AND merged_into_id IS NULL")
                    .first()?.decode(column: "n", as: Int.self) ?? 0
                if n == 0 { v.add("recipient_id", "未找到该服务对象，或不是本资源所属社工站的服务对象") }
            } else if let id = input.eventId {
                let n = try await sql.raw("SELECT COUNT(*) AS n FROM community_events WHERE id = \(bind: id) AND station_id = \(bind: station)")
                    .first()?.decode(column: "n", as: Int.self) ?? 0
                if n == 0 { v.add("event_id", "未找到该社区活动，或不是本资源所属社工站的活动") }
            }
        }
        try v.check()
        let u = CharityResourceUse()
        u.id = UUID()
        u.resourceID = r.id!
        u.stationID = station
        u.year = day!.year
        u.amount = amount!
        u.usedOn = day!.description
        u.purpose = purpose!
        u.caseID = input.caseId
        u.recipientID = input.recipientId
        u.eventID = input.eventId
        u.createdBy = caller.userID
        u.createdByName = caller.displayName
        try await req.audit.transaction { db, audit in
            // Read inside the write lock: two uses at once cannot both take the last of it.
            guard let current = try await CharityResource.find(r.id, on: db) else { throw Abort(.notFound) }
            if current.remaining < u.amount {
                throw AppError.field("amount", "使用数量 \(CharityAmount.shown(u.amount, kind: current.kind, unit: current.unit)) 超过剩余 "
                                     + "\(CharityAmount.shown(current.remaining, kind: current.kind, unit: current.unit))", status: .conflict)
            }
            let before = current.auditFields
            current.remaining -= u.amount
            try await current.save(on: db)
            try await u.create(on: db)
            audit.change(entityType: "charity_resource_use", entityID: u.id, old: nil, new: u.auditFields)
            audit.change(entityType: "charity_resource", entityID: current.id, old: before, new: current.auditFields)
        }
        return u
    }

    /// The use for an action, looked up inside the caller's scope through its resource.
    static func findUse(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> (CharityResourceUse, CharityResource) {
        guard let id, let u = try await CharityResourceUse.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该使用记录，或不在您的管辖范围内")
        }
        let (r, _) = try await find(u.resourceID, action, req: req)
        return (u, r)
    }

    /// A use corrected: an entry of the opposite amount, once, giving the amount back.
    static func reverse(_ u: CharityResourceUse, _ input: CharityReversalInput, req: Request) async throws -> CharityResourceUse {
        let caller = try req.requireCaller()
        var v = Validator()
        let reason = v.text(input.reason, field: "reason", label: "冲正原因", max: TextLimit.short, required: true)
        if u.reversesID != nil { v.add("reason", "这是一条冲正记录，不能再冲正") }
        try v.check()
        let entry = CharityResourceUse()
        entry.id = UUID()
        entry.resourceID = u.resourceID
        entry.stationID = u.stationID
        entry.year = req.today.year
        entry.amount = -u.amount
        entry.usedOn = req.today.description
        entry.purpose = "冲正：" + reason!
        entry.caseID = u.caseID
        entry.recipientID = u.recipientID
        entry.eventID = u.eventID
        entry.reversesID = u.id
        entry.createdBy = caller.userID
        entry.createdByName = caller.displayName
        try await req.audit.transaction { db, audit in
            if try await CharityResourceUse.query(on: db).filter(\.$reversesID == u.id!).count() > 0 {
                throw AppError.field("reason", "这条使用记录已冲正过", status: .conflict)
            }
            guard let current = try await CharityResource.find(u.resourceID, on: db) else { throw Abort(.notFound) }
            let before = current.auditFields
            current.remaining += u.amount
            try await current.save(on: db)
            try await entry.create(on: db)
            audit.change(entityType: "charity_resource_use", entityID: entry.id, old: nil, new: entry.auditFields)
            audit.change(entityType: "charity_resource", entityID: current.id, old: before, new: current.auditFields)
        }
        return entry
    }

    struct Filter: Content {
        var station: UUID?
        var kind: String?
        /// `available`, `expired` or `used_up`.
        var status: String?
        /// The donor's name or the description.
        var q: String?
        var page: Int?
        var per: Int?
    }

    /// Resources the caller may read, newest first, each with its uses.
    static func list(_ caller: Caller, _ filter: Filter, ids: [UUID]? = nil, today: Day, on db: any Database) async throws
        -> (rows: [CharityResourceDTO], paging: Paging) {
        let requested = Paging(page: filter.page, per: filter.per, total: 0)
        guard let scope = StationScope.condition(Access.readScope(caller.assignments, .service), on: db) else { return ([], requested) }
        var conditions: [SQLQueryString] = [scope]
        if let station = filter.station { conditions.append("c.station_id = \(bind: station)") }
        switch filter.kind {
        case nil, "": break
        case let raw?:
            guard CharityKind(rawValue: raw) != nil else {
                throw AppError.field("kind", "查询参数 kind 应为 " + CharityKind.allCases.map { "\($0.rawValue)（\($0.label)）" }.joined(separator: "、") + "，收到“\(raw)”", status: .badRequest)
            }
            conditions.append("c.kind = \(bind: raw)")
        }
        let day = today.description
        switch filter.status {
        case nil, "": break
        case "available": conditions.append("c.remaining > 0 AND (c.expires_on IS NULL OR c.expires_on >= \(bind: day))")
        case "expired": conditions.append("c.remaining > 0 AND c.expires_on < \(bind: day)")
        case "used_up": conditions.append("c.remaining = 0")
        case let raw?: throw AppError.field("status", "查询参数 status 应为 available（可用）、expired（已过期）或 used_up（已用完），收到“\(raw)”", status: .badRequest)
        }
        if let q = filter.q?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            let like = "%" + q.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            conditions.append("(c.donor_name LIKE \(bind: like) OR c.description LIKE \(bind: like))")
        }
        if let ids { conditions.append(ids.isEmpty ? "1 = 0" : "c.id IN (\(binds: ids))") }
        let sql = db as! any SQLDatabase
        let from: SQLQueryString = "FROM charity_resources c JOIN stations s ON s.id = c.station_id WHERE "
        let whereClause = conditions.joined(separator: " AND ")
        let total = try await sql.raw("SELECT COUNT(*) AS total " + from + whereClause).first()?.decode(column: "total", as: Int.self) ?? 0
        let paging = Paging(page: filter.page, per: filter.per, total: total)
        let rows = try await sql.raw("""
            SELECT c.id, c.station_id, s.name AS station_name, c.donor_name, c.donor_kind, c.kind, c.description, c.unit, c.amount, c.remaining,
                   c.received_on, c.expires_on, c.created_by_name, c.created_at, c.updated_at
            """ + " " + from + whereClause + " ORDER BY c.received_on DESC, c.created_at DESC LIMIT \(bind: paging.per) OFFSET \(bind: paging.offset)").all()
        let resourceIDs = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        var uses: [UUID: [CharityUseDTO]] = [:]
        if !resourceIDs.isEmpty {
            for use in try await usesWhere("u.resource_id IN (\(binds: resourceIDs))", on: sql) { uses[use.resourceId, default: []].append(use) }
        }
        return (try rows.map { row in
            let id = try row.decode(column: "id", as: UUID.self)
            let kind = try row.decode(column: "kind", as: CharityKind.self)
            let donorKind = try row.decode(column: "donor_kind", as: DonorKind.self)
            let unit = try row.decode(column: "unit", as: String.self)
            let amount = try row.decode(column: "amount", as: Int64.self)
            let remaining = try row.decode(column: "remaining", as: Int64.self)
            let expires = try row.decode(column: "expires_on", as: String?.self)
            return CharityResourceDTO(
                id: id, stationId: try row.decode(column: "station_id", as: UUID.self), stationName: try row.decode(column: "station_name", as: String.self),
                donorName: try row.decode(column: "donor_name", as: String.self), donorKind: donorKind, donorKindLabel: donorKind.label,
                kind: kind, kindLabel: kind.label, description: try row.decode(column: "description", as: String.self), unit: unit,
                value: CharityAmount.decimal(amount), remaining: CharityAmount.decimal(remaining),
                valueText: CharityAmount.shown(amount, kind: kind, unit: unit), remainingText: CharityAmount.shown(remaining, kind: kind, unit: unit),
                receivedOn: try row.decode(column: "received_on", as: String.self), expiresOn: expires, expired: expires.map { $0 < day } ?? false,
                recordedByName: try row.decode(column: "created_by_name", as: String.self), uses: uses[id] ?? [],
                createdAt: try row.decode(column: "created_at", as: Date?.self), updatedAt: try row.decode(column: "updated_at", as: Date?.self))
        }, paging)
    }

    /// A resource's uses as they are listed with it (oldest first).
    static func usesWhere(_ condition: SQLQueryString, on sql: any SQLDatabase) async throws -> [CharityUseDTO] {
        let rows = try await sql.raw("""
            SELECT u.id, u.resource_id, u.amount, u.used_on, u.purpose, u.case_id, u.recipient_id, u.event_id, u.reverses_id, u.created_by_name,
                   c.kind, c.unit, k.number AS case_number, r.name AS recipient_name, e.title AS event_title,
                   (SELECT COUNT(*) FROM charity_resource_uses x WHERE x.reverses_id = u.id) AS reversals
            FROM charity_resource_uses u JOIN charity_resources c ON c.id = u.resource_id
            LEFT JOIN cases k ON k.id = u.case_id LEFT JOIN recipients r ON r.id = u.recipient_id LEFT JOIN community_events e ON e.id = u.event_id
            WHERE
            """ + " " + condition + " ORDER BY u.used_on, u.created_at").all()
        return try rows.map { row in
            let kind = try row.decode(column: "kind", as: CharityKind.self)
            let amount = try row.decode(column: "amount", as: Int64.self)
            let served: (String, UUID, String)
            if let id = try row.decode(column: "case_id", as: UUID?.self) {
                served = ("case", id, "个案 " + (try row.decode(column: "case_number", as: String?.self) ?? ""))
            } else if let id = try row.decode(column: "recipient_id", as: UUID?.self) {
                served = ("recipient", id, "服务对象 " + (try row.decode(column: "recipient_name", as: String?.self) ?? ""))
            } else {
                served = ("event", try row.decode(column: "event_id", as: UUID.self), "社区活动 " + (try row.decode(column: "event_title", as: String?.self) ?? ""))
            }
            return CharityUseDTO(id: try row.decode(column: "id", as: UUID.self), resourceId: try row.decode(column: "resource_id", as: UUID.self),
                                 amount: CharityAmount.decimal(amount),
                                 amountText: CharityAmount.shown(amount, kind: kind, unit: try row.decode(column: "unit", as: String.self)),
                                 on: try row.decode(column: "used_on", as: String.self), purpose: try row.decode(column: "purpose", as: String.self),
                                 servedKind: served.0, servedId: served.1, servedLabel: served.2, reversesId: try row.decode(column: "reverses_id", as: UUID?.self),
                                 reversed: try row.decode(column: "reversals", as: Int.self) > 0,
                                 recordedByName: try row.decode(column: "created_by_name", as: String.self))
        }
    }

    /// What a case, a recipient or an event received, for its page: uses of resources the caller reads.
    struct Served: Sendable {
        var resourceID: UUID
        var donor: String
        var description: String
        var use: CharityUseDTO
    }

    static func served(caseID: UUID? = nil, recipientID: UUID? = nil, eventID: UUID? = nil, caller: Caller, on db: any Database) async throws -> [Served] {
        guard let scope = StationScope.condition(Access.readScope(caller.assignments, .service), on: db) else { return [] }
        let target: SQLQueryString
        if let caseID { target = "u.case_id = \(bind: caseID)" } else if let recipientID { target = "u.recipient_id = \(bind: recipientID)" } else {
            target = "u.event_id = \(bind: eventID!)"
        }
        let sql = db as! any SQLDatabase
        let rows = try await sql.raw("SELECT c.id, c.donor_name, c.description FROM charity_resources c JOIN stations s ON s.id = c.station_id WHERE "
                                     + scope + " AND c.id IN (SELECT u.resource_id FROM charity_resource_uses u WHERE " + target + ")").all()
        var resources: [UUID: (String, String)] = [:]
        for row in rows {
            resources[try row.decode(column: "id", as: UUID.self)] = (try row.decode(column: "donor_name", as: String.self),
                                                                       try row.decode(column: "description", as: String.self))
        }
        if resources.isEmpty { return [] }
        let ids = Array(resources.keys)
        return try await usesWhere(target + " AND u.resource_id IN (\(binds: ids))", on: sql).map {
            Served(resourceID: $0.resourceId, donor: resources[$0.resourceId]!.0, description: resources[$0.resourceId]!.1, use: $0)
        }
    }
}
