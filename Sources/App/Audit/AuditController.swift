import Domain
import Fluent
import Plot
import Vapor

/// The audit trail for city admins: filter by actor, entity and time range.
struct AuditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.audit, use: page)
        routes.get(ApiRoute.auditEvents, use: api)
    }

    struct Filter: Content {
        var actor: String?
        var entity: String?
        var entityId: String?
        /// Calendar dates "yyyy-MM-dd", inclusive.
        var from: String?
        var to: String?
        var page: Int?
        var per: Int?

        // Query strings are not converted from snake_case: name the field as the client writes it.
        enum CodingKeys: String, CodingKey {
            case actor, entity, from, to, page, per
            case entityId = "entity_id"
        }
    }

    struct EventDTO: Content {
        var seq: Int
        var at: Date
        var actorId: UUID?
        var actorName: String
        var action: AuditAction
        var entityType: String
        var entityId: String?
        var changes: String
        var clientIp: String
        var hash: String
    }

    /// Audit events carry no org path, so only a city admin sees them; with several cities on one
    /// server each admin sees every city's events (noted as a limit in the README).
    private func requireAdmin(_ req: Request) throws {
        guard try req.requireCaller().has(.cityAdmin) else { throw Abort(.forbidden, reason: "只有市民政局管理员可以查看审计日志") }
    }

    static func query(_ f: Filter, on db: any Database) throws -> QueryBuilder<AuditEvent> {
        let q = AuditEvent.query(on: db)
        if let actor = f.actor?.trimmingCharacters(in: .whitespaces), !actor.isEmpty { q.filter(\.$actorName == actor) }
        if let entity = f.entity, !entity.isEmpty { q.filter(\.$entityType == entity) }
        if let id = f.entityId, !id.isEmpty { q.filter(\.$entityID == id) }
        var v = Validator()
        let from = v.day(f.from, field: "from", label: "起始日期")
        let to = v.day(f.to, field: "to", label: "截止日期")
        if !v.errors.isEmpty { throw AppError.invalid(v.errors, status: .badRequest) }
        if let from { q.filter(\.$at >= from.start) }
        if let to { q.filter(\.$at < to.adding(days: 1).start) }
        return q
    }

    func api(req: Request) async throws -> Page<EventDTO> {
        try requireAdmin(req)
        let f = try req.query.decode(Filter.self)
        let q = try Self.query(f, on: req.db)
        let paging = Paging(page: f.page, per: f.per, total: try await q.count(), defaultPer: 50)
        let events = try await q.sort(\.$seq, .descending).range(paging.offset..<(paging.offset + paging.per)).all()
        return Page(items: events.map(Self.dto), page: paging.page, per: paging.per, total: paging.total)
    }

    static func dto(_ e: AuditEvent) -> EventDTO {
        EventDTO(seq: e.seq, at: e.at, actorId: e.actorID, actorName: e.actorName, action: e.action, entityType: e.entityType,
                 entityId: e.entityID, changes: e.changes, clientIp: e.clientIP, hash: e.hash)
    }

    func page(req: Request) async throws -> Response {
        try requireAdmin(req)
        let caller = try req.requireCaller()
        return AuditPage.view(try await AuditPage.query(req), caller: caller, csrf: req.csrfToken).response()
    }
}
