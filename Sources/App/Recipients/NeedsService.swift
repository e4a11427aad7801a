import Domain
import Fluent
import SQLKit
import Vapor

struct NeedInput: Content {
    /// A service field code of the city's profile.
    var area: String?
    var description: String?
    var urgency: String?
    var identifiedOn: String?
}

struct NeedStatusInput: Content {
    var status: String?
    var on: String?
}

struct NeedDTO: Content {
    var id: UUID
    var recipientId: UUID
    var recipientName: String
    var villageName: String?
    var area: String
    var areaLabel: String
    var description: String
    var urgency: String
    var urgencyLabel: String
    var identifiedOn: String
    var status: String
    var statusLabel: String
    var statusOn: String
}

/// The needs list (需求清单, V-8): each need of a recipient, and a station's list as their union.
enum NeedsService {
    static func add(_ r: Recipient, station: Station, _ input: NeedInput, req: Request) async throws -> RecipientNeed {
        let caller = try req.requireCaller()
        try req.authorize(.update, RecipientService.resource(station))
        let profile = try await RecipientService.profile(of: station, req: req)
        var v = Validator()
        let area = profile.needAreas.first { $0.code == input.area }
        if area == nil { v.add("area", "服务领域应为本市政策配置中的一项（可选：\(profile.needAreas.map { "\($0.code)（\($0.label)）" }.joined(separator: "、"))）") }
        let description = v.text(input.description, field: "description", label: "需求描述", max: TextLimit.short, required: true) ?? ""
        let urgency: NeedUrgency? = WorkforceService.enumValue(input.urgency ?? "", NeedUrgency.self, field: "urgency", label: "紧急程度", into: &v)
        let day = v.day(input.identifiedOn, field: "identified_on", label: "发现日期", notAfter: req.today)
        if (input.identifiedOn ?? "").isEmpty { v.add("identified_on", "发现日期不能为空") }
        try v.check()
        let need = RecipientNeed()
        need.id = UUID()
        need.$recipient.id = r.id!
        need.stationID = station.id!
        need.area = area!.code
        need.description = description
        need.urgency = urgency!
        need.identifiedOn = day!.description
        need.status = .open
        need.statusOn = day!.description
        need.createdBy = caller.userID
        let event = RecipientEvent(recipient: r.id!, kind: .need, on: day!.description, detail: "\(area!.label)：\(description)（\(urgency!.label)）", actor: caller)
        try await req.audit.transaction { db, audit in
            try await need.create(on: db)
            try await event.create(on: db)
            audit.change(entityType: "recipient_need", entityID: need.id, old: nil, new: need.auditFields)
        }
        return need
    }

    /// A need in the caller's scope (through its recipient's station).
    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> (RecipientNeed, Recipient, Station) {
        guard let id, let need = try await RecipientNeed.query(on: req.db).filter(\.$id == id).with(\.$recipient).first() else {
            throw Abort(.notFound, reason: "未找到该需求，或不在您的管辖范围内")
        }
        let (r, station) = try await RecipientService.find(need.$recipient.id, action, req: req)
        return (need, r, station)
    }

    static func changeStatus(_ need: RecipientNeed, _ r: Recipient, _ input: NeedStatusInput, req: Request) async throws {
        let caller = try req.requireCaller()
        var v = Validator()
        let status: NeedStatus? = WorkforceService.enumValue(input.status ?? "", NeedStatus.self, field: "status", label: "需求状态", into: &v)
        let day = v.day(input.on, field: "on", label: "变更日期", notAfter: req.today) ?? ((input.on ?? "").isEmpty ? req.today : nil)
        if let day, day < Day(need.identifiedOn) ?? day { v.add("on", "变更日期不能早于发现日期（\(need.identifiedOn)）") }
        if let status, status == need.status { v.add("status", "需求状态已是“\(status.label)”") }
        try v.check()
        let old = need.auditFields
        let event = RecipientEvent(recipient: r.id!, kind: .need, on: day!.description,
                                   detail: "需求“\(need.description)”由“\(need.status.label)”改为“\(status!.label)”", actor: caller)
        need.status = status!
        need.statusOn = day!.description
        try await req.audit.transaction { db, audit in
            try await need.update(on: db)
            try await event.create(on: db)
            audit.change(entityType: "recipient_need", entityID: need.id, old: old, new: need.auditFields)
        }
    }

    struct Filter: Content {
        var status: String?
        var area: String?
        var urgency: String?
    }

    /// A station's needs list, or one recipient's needs, newest first.
    static func list(station: UUID? = nil, recipient: UUID? = nil, _ filter: Filter = Filter(), profile: PolicyProfile, on db: any Database) async throws -> [NeedDTO] {
        let sql = db as! any SQLDatabase
        var conditions: [SQLQueryString] = ["r.merged_into_id IS NULL"]
        if let station { conditions.append("n.station_id = \(bind: station)") }
        if let recipient { conditions.append("n.recipient_id = \(bind: recipient)") }
        if let raw = filter.status, !raw.isEmpty {
            guard let status = NeedStatus(rawValue: raw) else { throw AppError.field("status", "未知的需求状态“\(raw)”（可选：\(NeedStatus.allCases.map(\.rawValue).joined(separator: "、"))）", status: .badRequest) }
            conditions.append("n.status = \(bind: status.rawValue)")
        }
        if let raw = filter.urgency, !raw.isEmpty {
            guard let urgency = NeedUrgency(rawValue: raw) else { throw AppError.field("urgency", "未知的紧急程度“\(raw)”（可选：\(NeedUrgency.allCases.map(\.rawValue).joined(separator: "、"))）", status: .badRequest) }
            conditions.append("n.urgency = \(bind: urgency.rawValue)")
        }
        if let area = filter.area, !area.isEmpty {
            guard profile.serviceField(area) != nil else { throw AppError.field("area", "未知的服务领域“\(area)”", status: .badRequest) }
            conditions.append("n.area = \(bind: area)")
        }
        let rows = try await sql.raw("""
            SELECT n.id, n.recipient_id, r.name AS recipient_name, v.name AS village_name, n.area, n.description, n.urgency,
                   n.identified_on, n.status, n.status_on
            FROM recipient_needs n JOIN recipients r ON r.id = n.recipient_id LEFT JOIN org_units v ON v.id = r.village_id
            WHERE
            """ + " " + conditions.joined(separator: " AND ") + " ORDER BY n.identified_on DESC, n.id").all()
        return try rows.map { row in
            let area = try row.decode(column: "area", as: String.self)
            let urgency = try row.decode(column: "urgency", as: NeedUrgency.self)
            let status = try row.decode(column: "status", as: NeedStatus.self)
            return NeedDTO(id: try row.decode(column: "id", as: UUID.self), recipientId: try row.decode(column: "recipient_id", as: UUID.self),
                           recipientName: try row.decode(column: "recipient_name", as: String.self),
                           villageName: try row.decode(column: "village_name", as: String?.self),
                           area: area, areaLabel: profile.serviceField(area)?.label ?? area,
                           description: try row.decode(column: "description", as: String.self),
                           urgency: urgency.rawValue, urgencyLabel: urgency.label,
                           identifiedOn: try row.decode(column: "identified_on", as: String.self),
                           status: status.rawValue, statusLabel: status.label, statusOn: try row.decode(column: "status_on", as: String.self))
        }
    }
}
