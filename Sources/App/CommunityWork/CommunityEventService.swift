import Domain
import Fluent
import SQLKit
import Vapor

/// Community work (社区工作, MZ/T 071; issue 10 §3): events with their place, partners (R-5),
/// participants and photos. Each event is a ledger row (社区活动, 社区工作) and its own row, in one
/// transaction, audited; photos are added afterwards, each upload one transaction.
enum CommunityEventService {
    /// The event for an action, looked up inside the caller's scope: 404 outside it, 403 where the
    /// caller only reads.
    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> (CommunityEvent, Station) {
        guard let id, let e = try await CommunityEvent.query(on: req.db).filter(\.$id == id).with(\.$station).first() else {
            throw Abort(.notFound, reason: "未找到该社区活动，或不在您的管辖范围内")
        }
        try req.authorize(action, StationScope.resource(e.station, .service))
        return (e, e.station)
    }

    static func record(_ input: CommunityEventInput, req: Request) async throws -> CommunityEvent {
        let caller = try req.requireCaller()
        let station = try await StationScope.stationForCreate(input.stationId, kind: .service, label: "记录社区活动", req: req)
        var v = Validator()
        let title = v.text(input.title, field: "title", label: "活动名称", max: TextLimit.short, required: true)
        let day = v.day(input.on, field: "on", label: "活动日期", notAfter: req.today)
        if (input.on ?? "").isEmpty { v.add("on", "活动日期不能为空") }
        let minutes = v.serviceMinutes(input.minutes, label: "活动时长")
        let content = v.text(input.content, field: "content", label: "活动内容", max: TextLimit.long, required: true)
        let others = v.othersCount(input.othersCount)
        let villages = try await StationQueries.villages(ofStreet: station.streetID, on: req.db)
        if let place = input.placeId {
            if !villages.contains(where: { $0.id == place }) { v.add("place_id", "活动地点应为本街道（乡镇）的村或社区") }
        } else {
            v.add("place_id", "请选择活动所在的村（社区）")
        }
        var partners: [LinkagePartner] = []
        for raw in input.partners ?? [] {
            guard let p = LinkagePartner(rawValue: raw) else {
                v.add("partners", "未知的联动主体“\(raw)”（可选：\(LinkagePartner.allCases.map { "\($0.rawValue) \($0.label)" }.joined(separator: "、"))）")
                continue
            }
            if !partners.contains(p) { partners.append(p) }
        }
        if partners.isEmpty { v.add("partners", "请至少选择一个参与的联动主体（五社联动，R-5）") }
        let named = (input.recipientIds ?? []).isEmpty ? [] :
            try await ServiceParties.registered(input.recipientIds!, station: station, doing: "登记参加活动", on: req.db, into: &v)
        if named.isEmpty && others == 0 { v.add("others_count", "请填写参加人数") }
        let profile = try await CaseService.profile(of: station, year: (day ?? req.today).year, req: req)
        let tag = try await FeaturedProjectService.tag(profile, station: station, on: day, field: input.field, item: input.item,
                                                       method: ServiceMethod.communityWork.rawValue, featured: input.featuredProjectId, db: req.db, into: &v)
        try v.check()
        let entry = LedgerEntry(station: station, kind: .communityEvent, tag: tag!, on: day!, minutes: minutes, workerID: caller.userID,
                                workerName: caller.displayName, recipientIDs: named.map { $0.id! }, othersCount: others, content: content!, caseID: nil,
                                village: input.placeId)
        let e = CommunityEvent()
        e.id = UUID()
        e.year = day!.year
        e.$station.id = station.id!
        e.cityID = station.cityID
        e.districtID = station.districtID
        e.title = title!
        e.heldOn = day!.description
        e.placeID = input.placeId!
        e.partnerCodes = partners.map(\.rawValue).joined(separator: ",")
        e.createdBy = caller.userID
        try await req.application.ledgerPartitions.ensure(year: day!.year, on: req.db)
        try await req.audit.transaction { db, audit in
            // The same event sent twice (a double click), named recipients or not.
            let same = try await CommunityEvent.query(on: db).filter(\.$station.$id == station.id!).filter(\.$heldOn == e.heldOn)
                .filter(\.$title == e.title).count()
            if same > 0 { throw AppError.field("title", "\(e.heldOn) 已记录过同名活动“\(e.title)”，请勿重复提交", status: .conflict) }
            let record = try await Ledger.write(entry, createdBy: caller.userID, on: db, audit: audit)
            e.recordID = record.id!
            try await e.create(on: db)
            audit.change(entityType: "community_event", entityID: e.id, old: nil,
                         new: ["record_id": record.id!.uuidString, "title": e.title, "held_on": e.heldOn, "place_id": e.placeID.uuidString,
                               "partners": e.partnerCodes])
        }
        return e
    }

    /// A photo of the event (JPEG or PNG; a PDF such as a sign-in sheet is accepted too), stored as
    /// training evidence is and downloadable again.
    static func addPhoto(_ e: CommunityEvent, file: File?, req: Request) async throws -> Attachment {
        let caller = try req.requireCaller()
        var v = Validator()
        let upload = RecordsService.checkedUpload(file, field: "photo", label: "活动照片", into: &v)
        if upload == nil && v.errors.isEmpty { v.add("photo", "请选择要上传的照片（JPEG 或 PNG，不超过 20 MB）") }
        try v.check()
        let app = req.application
        let stored = try await app.threadPool.runIfActive { try RecordsService.storeAttachment(upload!.data, type: upload!.type, name: upload!.name, app: app) }
        try await req.audit.transaction { db, audit in
            try await stored.create(on: db)
            let position = try await (db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM community_event_photos WHERE event_id = \(bind: e.id!)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            try await (db as! any SQLDatabase).insert(into: "community_event_photos").columns("event_id", "attachment_id", "position", "added_by")
                .values(SQLBind(e.id!), SQLBind(stored.id!), SQLBind(position + 1), SQLBind(caller.userID)).run()
            audit.record(.create, entityType: "attachment", entityID: stored.id?.uuidString,
                         changes: ["community_event_id": [nil, e.id!.uuidString], "sha256": [nil, stored.sha256], "size": [nil, String(stored.size)],
                                   "content_type": [nil, stored.contentType]])
        }
        return stored
    }

    /// A photo served back, to whoever reads the event (404 otherwise), audited.
    static func servePhoto(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        guard let id = req.parameters.get("id", as: UUID.self),
              let row = try await (req.db as! any SQLDatabase).raw("SELECT event_id FROM community_event_photos WHERE attachment_id = \(bind: id)").first() else {
            throw Abort(.notFound, reason: "未找到该照片，或不在您的管辖范围内")
        }
        let (e, _) = try await find(try row.decode(column: "event_id", as: UUID.self), .read, req: req)
        guard let attachment = try await Attachment.find(id, on: req.db) else { throw Abort(.notFound, reason: "未找到该照片") }
        return try await TrainingEvidence.send(attachment, what: "活动照片", changes: ["community_event_id": [nil, e.id!.uuidString]], caller: caller, req: req)
    }

    struct Filter: Content {
        var station: UUID?
        var page: Int?
        var per: Int?
        /// One event (the answer to its creation); not a query parameter of the API.
        var event: UUID? = nil

        enum CodingKeys: String, CodingKey { case station, page, per }
    }

    /// Events the caller may read, newest first.
    static func list(_ caller: Caller, _ filter: Filter, profile: PolicyProfile?, on db: any Database) async throws -> (rows: [CommunityEventDTO], paging: Paging) {
        let requested = Paging(page: filter.page, per: filter.per, total: 0)
        guard let scope = StationScope.condition(Access.readScope(caller.assignments, .service), on: db) else { return ([], requested) }
        var conditions: [SQLQueryString] = [scope]
        if let station = filter.station { conditions.append("e.station_id = \(bind: station)") }
        if let event = filter.event { conditions.append("e.id = \(bind: event)") }
        let sql = db as! any SQLDatabase
        let from: SQLQueryString = """
            FROM community_events e JOIN stations s ON s.id = e.station_id JOIN org_units o ON o.id = e.place_id
            JOIN service_records sr ON sr.id = e.record_id AND sr.year = e.year LEFT JOIN featured_projects fp ON fp.id = sr.featured_project_id WHERE
            """
        let whereClause = " " + conditions.joined(separator: " AND ")
        let total = try await sql.raw("SELECT COUNT(*) AS total " + from + whereClause).first()?.decode(column: "total", as: Int.self) ?? 0
        let paging = Paging(page: filter.page, per: filter.per, total: total)
        let rows = try await sql.raw("""
            SELECT e.id, e.station_id, s.name AS station_name, e.title, e.held_on, e.place_id, o.name AS place_name, e.partners, e.record_id,
                   sr.minutes, sr.content, sr.field, sr.item, fp.name AS featured_name, sr.people_count, sr.others_count, sr.worker_name
            """ + " " + from + whereClause + " ORDER BY e.held_on DESC, e.created_at DESC LIMIT \(bind: paging.per) OFFSET \(bind: paging.offset)").all()
        let records = try rows.map { try $0.decode(column: "record_id", as: UUID.self) }
        let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        var people: [UUID: [CaseDetail.Member]] = [:]
        var photos: [UUID: [CommunityEventDTO.Photo]] = [:]
        if !records.isEmpty {
            for row in try await sql.raw("""
                SELECT sr.record_id, r.id, r.name FROM service_record_recipients sr JOIN recipients r ON r.id = sr.recipient_id
                WHERE sr.record_id IN (\(binds: records)) ORDER BY r.name
                """).all() {
                people[try row.decode(column: "record_id", as: UUID.self), default: []].append(
                    .init(id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self)))
            }
            for row in try await sql.raw("""
                SELECT p.event_id, a.id, a.original_name FROM community_event_photos p JOIN attachments a ON a.id = p.attachment_id
                WHERE p.event_id IN (\(binds: ids)) ORDER BY p.position
                """).all() {
                photos[try row.decode(column: "event_id", as: UUID.self), default: []].append(
                    .init(id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "original_name", as: String.self)))
            }
        }
        return (try rows.map { row in
            let id = try row.decode(column: "id", as: UUID.self)
            let record = try row.decode(column: "record_id", as: UUID.self)
            let field = try row.decode(column: "field", as: String.self)
            let item = try row.decode(column: "item", as: String?.self)
            let partners = try row.decode(column: "partners", as: String.self).split(separator: ",").compactMap { LinkagePartner(rawValue: String($0)) }
            let featured = try row.decode(column: "featured_name", as: String?.self)
            return CommunityEventDTO(
                id: id, stationId: try row.decode(column: "station_id", as: UUID.self), stationName: try row.decode(column: "station_name", as: String.self),
                title: try row.decode(column: "title", as: String.self), on: try row.decode(column: "held_on", as: String.self),
                minutes: try row.decode(column: "minutes", as: Int.self), placeId: try row.decode(column: "place_id", as: UUID.self),
                placeName: try row.decode(column: "place_name", as: String.self), content: try row.decode(column: "content", as: String.self),
                fieldLabel: profile?.serviceField(field)?.label ?? field,
                itemLabel: item.map { profile?.serviceItem($0)?.label ?? $0 } ?? featured.map { "特色项目：" + $0 },
                partners: partners, partnerLabels: partners.map(\.label), peopleCount: try row.decode(column: "people_count", as: Int.self),
                othersCount: try row.decode(column: "others_count", as: Int.self), recipients: people[record] ?? [],
                workerName: try row.decode(column: "worker_name", as: String.self), photos: photos[id] ?? [])
        }, paging)
    }
}
