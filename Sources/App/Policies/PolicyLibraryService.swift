import Domain
import Fluent
import SQLKit
import Vapor

/// The policy library (政策资源库, R-1; issue 11 §2). A city's library: every account of the city
/// reads all of it (accounts of another city: 404). The city admin adds and corrects the city's own
/// policies; a station's social workers and operator add and correct local policies of their station
/// (本站补充), which the whole city reads too. Case assessments and assistance requests name the
/// policies that apply (V-10); a policy's page lists where it was applied, in the reader's scope.
enum PolicyLibrary {
    /// The cities the caller belongs to (an account has its roles in one city; the platform administrator in none).
    static func cityIDs(_ caller: Caller) -> [UUID] {
        Array(Set(caller.assignments.compactMap { a -> UUID? in
            if case .platform = a.scope { return nil }
            return OrgPath.ids(a.placePath).first.flatMap(UUID.init(uuidString:))
        }))
    }

    /// The city-wide library as a resource, at the caller's own place in the city (as the policy profile is):
    /// everyone in the city sees it, only the city admin's role writes it.
    static func cityResource(_ caller: Caller) -> Access.Resource {
        Access.Resource(kind: .policy, paths: [caller.assignments.first { if case .platform = $0.scope { false } else { true } }?.placePath ?? "/"])
    }

    /// A policy for an action: 404 outside the caller's city; 403 where the caller does not keep it.
    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> LibraryPolicy {
        let caller = try req.requireCaller()
        guard let id, let p = try await LibraryPolicy.find(id, on: req.db), cityIDs(caller).contains(p.cityID) else {
            throw Abort(.notFound, reason: "未找到该政策，或不在您所在城市的政策资源库中")
        }
        if action != .read, try await !mayWrite(p, caller: caller, on: req.db) {
            throw Abort(.forbidden, reason: p.stationID == nil ? "本市政策资源库的政策由市民政局维护；社工站可以补充本站政策"
                                                               : "这是社工站补充的本站政策，只有该站的社工和承接机构可以修改")
        }
        return p
    }

    static func mayWrite(_ p: LibraryPolicy, caller: Caller, on db: any Database) async throws -> Bool {
        if let stationID = p.stationID {
            guard let station = try await Station.find(stationID, on: db) else { return false }
            return caller.may(.update, StationScope.resource(station, .service))
        }
        return caller.may(.update, cityResource(caller))
    }

    /// The service fields a policy may be filed under: the city's profile's, this year.
    static func fields(city: UUID, today: Day, on db: any Database) async throws -> [ServiceField] {
        guard let unit = try await OrgUnit.find(city, on: db) else { return [] }
        return try await DeadlineService.profile(of: unit, year: today.year, on: db)?.serviceFields ?? []
    }

    static func create(_ input: LibraryPolicyInput, req: Request) async throws -> LibraryPolicy {
        let caller = try req.requireCaller()
        let p = LibraryPolicy()
        p.id = UUID()
        if let stationID = input.stationId {
            let station = try await StationScope.stationForCreate(stationID, kind: .service, label: "补充本站政策", req: req)
            p.stationID = station.id
            p.cityID = station.cityID
        } else {
            guard let city = try await DeadlineService.city(of: caller, on: req.db) else { throw Abort(.notFound, reason: "您的账户不属于任何城市") }
            guard caller.may(.create, cityResource(caller)) else {
                throw AppError.field("station_id", "本市政策资源库的政策由市民政局维护；补充本站政策请选择社工站（station_id）", status: .forbidden)
            }
            p.cityID = city.id!
        }
        p.createdBy = caller.userID
        p.createdByName = caller.displayName
        try await apply(input, to: p, isCreate: true, req: req)
        try await req.audit.transaction { db, audit in
            try await refuseDuplicate(p, on: db)
            try await p.create(on: db)
            audit.change(entityType: "library_policy", entityID: p.id, old: nil, new: p.auditFields)
        }
        return p
    }

    static func update(_ p: LibraryPolicy, _ input: LibraryPolicyInput, req: Request) async throws {
        if input.stationId != nil { throw AppError.field("station_id", "政策所属（本市或本站）不能更改") }
        let before = p.auditFields
        try await apply(input, to: p, isCreate: false, req: req)
        try await req.audit.transaction { db, audit in
            try await refuseDuplicate(p, on: db)
            try await p.save(on: db)
            audit.change(entityType: "library_policy", entityID: p.id, old: before, new: p.auditFields)
        }
    }

    /// The same document entered twice (a double click, the city and a station both, or a correction
    /// that makes one policy another's twin): 409, checked inside the write lock.
    private static func refuseDuplicate(_ p: LibraryPolicy, on db: any Database) async throws {
        var same = LibraryPolicy.query(on: db).filter(\.$cityID == p.cityID).filter(\.$title == p.title).filter(\.$id != p.id!)
        // A title without a number is the same document as that title with one, either way round.
        if let number = p.docNumber { same = same.group(.or) { $0.filter(\.$docNumber == number).filter(\.$docNumber == nil) } }
        if try await same.count() > 0 {
            throw AppError.field("title", "本市政策资源库已有《\(p.title)》" + (p.docNumber.map { "（\($0)）" } ?? ""), status: .conflict)
        }
    }

    /// Validates the fields given (all the required ones on creation) and sets them.
    private static func apply(_ input: LibraryPolicyInput, to p: LibraryPolicy, isCreate: Bool, req: Request) async throws {
        var v = Validator()
        if isCreate || input.title != nil, let t = v.text(input.title, field: "title", label: "政策名称", max: TextLimit.short, required: true) {
            p.title = t.trimmingCharacters(in: CharacterSet(charactersIn: "《》"))
        }
        if isCreate || input.issuer != nil, let i = v.text(input.issuer, field: "issuer", label: "发文机关", max: TextLimit.short, required: true) { p.issuer = i }
        if isCreate || input.docNumber != nil { p.docNumber = v.text(input.docNumber, field: "doc_number", label: "文号", max: TextLimit.name) }
        if isCreate || input.field != nil {
            let raw = (input.field ?? "").trimmingCharacters(in: .whitespaces)
            if raw.isEmpty {
                p.field = nil
            } else {
                let fields = try await fields(city: p.cityID, today: req.today, on: req.db)
                if fields.contains(where: { $0.code == raw }) { p.field = raw } else {
                    v.add("field", "服务领域“\(raw)”不在本市政策配置中（可选：\(fields.map { "\($0.code) \($0.label)" }.joined(separator: "、"))）")
                }
            }
        }
        if isCreate || input.effectiveOn != nil {
            if let d = v.day(input.effectiveOn, field: "effective_on", label: "生效日期") { p.effectiveOn = d.description } else if (input.effectiveOn ?? "").isEmpty {
                v.add("effective_on", "生效日期不能为空")
            }
        }
        if isCreate || input.expiresOn != nil {
            p.expiresOn = v.day(input.expiresOn, field: "expires_on", label: "失效日期")?.description
        }
        if isCreate || input.summary != nil, let s = v.text(input.summary, field: "summary", label: "主要内容", max: TextLimit.long, required: true) { p.summary = s }
        if isCreate || input.eligibility != nil,
           let e = v.text(input.eligibility, field: "eligibility", label: "适用对象", max: TextLimit.long, required: true) { p.eligibility = e }
        if v.errors.isEmpty, let expires = p.expiresOn, expires < p.effectiveOn {
            v.add("expires_on", "失效日期（\(expires)）不能早于生效日期（\(p.effectiveOn)）")
        }
        try v.check()
    }

    /// An attachment of the policy (the document itself, a PDF; or an image), stored as training evidence is.
    static func addAttachment(_ p: LibraryPolicy, file: File?, req: Request) async throws {
        let caller = try req.requireCaller()
        var v = Validator()
        let upload = RecordsService.checkedUpload(file, field: "file", label: "政策附件", into: &v)
        if upload == nil && v.errors.isEmpty { v.add("file", "请选择要上传的附件（PDF、JPEG 或 PNG，不超过 20 MB）") }
        try v.check()
        let app = req.application
        let stored = try await app.threadPool.runIfActive { try RecordsService.storeAttachment(upload!.data, type: upload!.type, name: upload!.name, app: app) }
        try await req.audit.transaction { db, audit in
            try await stored.create(on: db)
            let sql = db as! any SQLDatabase
            let position = try await sql.raw("SELECT COUNT(*) AS n FROM library_policy_attachments WHERE policy_id = \(bind: p.id!)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            try await sql.insert(into: "library_policy_attachments").columns("policy_id", "attachment_id", "position", "added_by")
                .values(SQLBind(p.id!), SQLBind(stored.id!), SQLBind(position + 1), SQLBind(caller.userID)).run()
            // The library's "last update" moves with its attachments too.
            try await sql.raw("UPDATE library_policies SET updated_at = \(bind: req.now) WHERE id = \(bind: p.id!)").run()
            audit.record(.create, entityType: "attachment", entityID: stored.id?.uuidString,
                         changes: ["library_policy_id": [nil, p.id!.uuidString], "sha256": [nil, stored.sha256], "size": [nil, String(stored.size)],
                                   "content_type": [nil, stored.contentType]])
        }
    }

    /// An attachment served back to whoever reads the policy (404 otherwise), audited.
    static func serveAttachment(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        guard let id = req.parameters.get("id", as: UUID.self),
              let row = try await (req.db as! any SQLDatabase).raw("SELECT policy_id FROM library_policy_attachments WHERE attachment_id = \(bind: id)").first() else {
            throw Abort(.notFound, reason: "未找到该附件，或不在您的管辖范围内")
        }
        let p = try await find(try row.decode(column: "policy_id", as: UUID.self), .read, req: req)
        guard let attachment = try await Attachment.find(id, on: req.db) else { throw Abort(.notFound, reason: "未找到该附件") }
        return try await TrainingEvidence.send(attachment, what: "政策附件", changes: ["library_policy_id": [nil, p.id!.uuidString]], caller: caller, req: req)
    }

    struct Filter: Content {
        /// Words of the title, document number, issuing body, summary or eligibility.
        var q: String?
        var field: String?
        /// `in_force`, `not_yet` or `expired`.
        var validity: String?
        var page: Int?
        var per: Int?
    }

    /// The policies of the caller's city library, newest in force first.
    static func list(_ caller: Caller, _ filter: Filter, ids: [UUID]? = nil, today: Day, on db: any Database) async throws
        -> (rows: [LibraryPolicyDTO], paging: Paging) {
        let requested = Paging(page: filter.page, per: filter.per, total: 0)
        let cities = cityIDs(caller)
        if cities.isEmpty { return ([], requested) }
        var conditions: [SQLQueryString] = ["p.city_id IN (\(binds: cities))"]
        let day = today.description
        switch filter.validity {
        case nil, "": break
        case "in_force": conditions.append("p.effective_on <= \(bind: day) AND (p.expires_on IS NULL OR p.expires_on >= \(bind: day))")
        case "not_yet": conditions.append("p.effective_on > \(bind: day)")
        case "expired": conditions.append("p.expires_on < \(bind: day)")
        case let raw?: throw AppError.field("validity", "查询参数 validity 应为 in_force（现行有效）、not_yet（尚未生效）或 expired（已失效），收到“\(raw)”", status: .badRequest)
        }
        if let field = filter.field, !field.isEmpty { conditions.append("p.field = \(bind: field)") }
        if let q = filter.q?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            for word in q.split(whereSeparator: { $0 == " " || $0 == "　" }).prefix(5) {
                let like = "%" + word.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
                conditions.append("""
                    (p.title LIKE \(bind: like) OR p.doc_number LIKE \(bind: like) OR p.issuer LIKE \(bind: like) OR p.eligibility LIKE \(bind: like)
                     OR p.summary LIKE \(bind: like))
                    """)
            }
        }
        if let ids { conditions.append(ids.isEmpty ? "1 = 0" : "p.id IN (\(binds: ids))") }
        let sql = db as! any SQLDatabase
        let from: SQLQueryString = "FROM library_policies p LEFT JOIN stations s ON s.id = p.station_id WHERE "
        let whereClause = conditions.joined(separator: " AND ")
        let total = try await sql.raw("SELECT COUNT(*) AS total " + from + whereClause).first()?.decode(column: "total", as: Int.self) ?? 0
        let paging = Paging(page: filter.page, per: filter.per, total: total)
        let rows = try await sql.raw("""
            SELECT p.id, p.city_id, p.station_id, s.name AS station_name, p.title, p.issuer, p.doc_number, p.field, p.effective_on, p.expires_on,
                   p.summary, p.eligibility, p.created_at, p.updated_at
            """ + " " + from + whereClause + " ORDER BY p.effective_on DESC, p.title LIMIT \(bind: paging.per) OFFSET \(bind: paging.offset)").all()
        let policyIDs = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        var files: [UUID: [LibraryPolicyDTO.File]] = [:]
        var applied: [UUID: [LibraryPolicyDTO.Applied]] = [:]
        var labels: [UUID: [String: String]] = [:]
        if !policyIDs.isEmpty {
            for row in try await sql.raw("""
                SELECT x.policy_id, a.id, a.original_name FROM library_policy_attachments x JOIN attachments a ON a.id = x.attachment_id
                WHERE x.policy_id IN (\(binds: policyIDs)) ORDER BY x.position
                """).all() {
                files[try row.decode(column: "policy_id", as: UUID.self), default: []].append(
                    .init(id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "original_name", as: String.self)))
            }
            if ids != nil, let scope = StationScope.condition(Access.readScope(caller.assignments, .service), on: db) {
                for row in try await sql.raw("""
                    SELECT x.policy_id, x.applied_on, x.case_id, k.number, x.assistance_request_id, r.name AS recipient_name, s.name AS station_name
                    FROM policy_applications x JOIN stations s ON s.id = x.station_id LEFT JOIN cases k ON k.id = x.case_id
                    LEFT JOIN assistance_requests q ON q.id = x.assistance_request_id LEFT JOIN recipients r ON r.id = q.recipient_id
                    WHERE x.policy_id IN (\(binds: policyIDs)) AND
                    """ + " " + scope + " ORDER BY x.applied_on DESC").all() {
                    let assistance = try row.decode(column: "assistance_request_id", as: UUID?.self)
                    applied[try row.decode(column: "policy_id", as: UUID.self), default: []].append(.init(
                        kind: assistance == nil ? "assessment" : "assistance", on: try row.decode(column: "applied_on", as: String.self),
                        stationName: try row.decode(column: "station_name", as: String.self), caseId: try row.decode(column: "case_id", as: UUID?.self),
                        caseNumber: try row.decode(column: "number", as: String?.self), assistanceRequestId: assistance,
                        recipientName: try row.decode(column: "recipient_name", as: String?.self)))
                }
            }
            for city in Set(try rows.map { try $0.decode(column: "city_id", as: UUID.self) }) {
                labels[city] = Dictionary(uniqueKeysWithValues: try await fields(city: city, today: today, on: db).map { ($0.code, $0.label) })
            }
        }
        return (try rows.map { row in
            let id = try row.decode(column: "id", as: UUID.self)
            let effective = try row.decode(column: "effective_on", as: String.self)
            let expires = try row.decode(column: "expires_on", as: String?.self)
            let field = try row.decode(column: "field", as: String?.self)
            let city = try row.decode(column: "city_id", as: UUID.self)
            let validity = effective > day ? "not_yet" : (expires.map { $0 < day } ?? false) ? "expired" : "in_force"
            return LibraryPolicyDTO(
                id: id, stationId: try row.decode(column: "station_id", as: UUID?.self),
                keptBy: try row.decode(column: "station_name", as: String?.self).map { "\($0)（本站补充）" } ?? "本市",
                title: try row.decode(column: "title", as: String.self), issuer: try row.decode(column: "issuer", as: String.self),
                docNumber: try row.decode(column: "doc_number", as: String?.self), field: field, fieldLabel: field.map { labels[city]?[$0] ?? $0 },
                effectiveOn: effective, expiresOn: expires, inForce: validity == "in_force",
                validity: validity, validityLabel: ["in_force": "现行有效", "not_yet": "尚未生效", "expired": "已失效"][validity]!,
                summary: try row.decode(column: "summary", as: String.self), eligibility: try row.decode(column: "eligibility", as: String.self),
                attachments: files[id] ?? [], applied: applied[id] ?? [],
                createdAt: try row.decode(column: "created_at", as: Date?.self), updatedAt: try row.decode(column: "updated_at", as: Date?.self))
        }, paging)
    }

    // MARK: links from assessments and assistance requests (V-10)

    /// The policies a case assessment or assistance request of `station` may name: its city's own and
    /// the station's local ones. Unknown, another city's or another station's: 422 on `field`.
    static func checked(_ ids: [UUID]?, station: Station, field: String = "policy_ids", on db: any Database, into v: inout Validator) async throws -> [UUID] {
        let wanted = Array(Set(ids ?? []))
        if wanted.isEmpty { return [] }
        let found = try await LibraryPolicy.query(on: db).filter(\.$id ~~ wanted).filter(\.$cityID == station.cityID).all()
            .filter { $0.stationID == nil || $0.stationID == station.id }
        if found.count != wanted.count { v.add(field, "所选政策应为本市政策资源库中的政策（本市的或本站补充的）") }
        return found.compactMap(\.id)
    }

    /// Records that the policies applied, inside the caller's transaction.
    static func link(_ policies: [UUID], station: UUID, caseID: UUID? = nil, assessmentID: UUID? = nil, assistanceID: UUID? = nil,
                     on day: Day, db: any Database) async throws {
        for policy in policies {
            let a = PolicyApplication()
            a.policyID = policy
            a.stationID = station
            a.caseID = caseID
            a.assessmentID = assessmentID
            a.assistanceRequestID = assistanceID
            a.appliedOn = day.description
            try await a.create(on: db)
        }
    }

    /// The policies named by assessments or assistance requests, by their id.
    static func named(assessments: [UUID] = [], assistance: [UUID] = [], on db: any Database) async throws -> [UUID: [PolicyRef]] {
        if assessments.isEmpty && assistance.isEmpty { return [:] }
        let sql = db as! any SQLDatabase
        let condition: SQLQueryString = assessments.isEmpty ? "x.assistance_request_id IN (\(binds: assistance))" : "x.assessment_id IN (\(binds: assessments))"
        var result: [UUID: [PolicyRef]] = [:]
        for row in try await sql.raw("""
            SELECT x.assessment_id, x.assistance_request_id, p.id, p.title, p.doc_number FROM policy_applications x JOIN library_policies p ON p.id = x.policy_id
            WHERE
            """ + " " + condition + " ORDER BY p.title").all() {
            let key = try row.decode(column: assessments.isEmpty ? "assistance_request_id" : "assessment_id", as: UUID.self)
            result[key, default: []].append(PolicyRef(id: try row.decode(column: "id", as: UUID.self), title: try row.decode(column: "title", as: String.self),
                                                      docNumber: try row.decode(column: "doc_number", as: String?.self)))
        }
        return result
    }

    /// The in-force policies a station's forms offer: the city's and the station's own.
    static func choices(for station: Station, today: Day, on db: any Database) async throws -> [(id: UUID, label: String)] {
        let day = today.description
        return try await LibraryPolicy.query(on: db).filter(\.$cityID == station.cityID).filter(\.$effectiveOn <= day)
            .group(.or) { $0.filter(\.$stationID == nil).filter(\.$stationID == station.id) }
            .group(.or) { $0.filter(\.$expiresOn == nil).filter(\.$expiresOn >= day) }
            .sort(\.$title).all()
            .map { ($0.id!, "《\($0.title)》" + ($0.docNumber.map { "（\($0)）" } ?? "")) }
    }
}
