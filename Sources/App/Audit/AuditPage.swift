import Domain
import Fluent
import Plot
import Vapor

/// The audit trail page for city admins: who did what to which record, the changed fields in words.
enum AuditPage {
    struct Row {
        let seq: Int
        let time: String
        let actor: String
        let action: String
        let entity: String
        let entityID: String?
        let changes: [AuditWords.Change]
        let clientIP: String
    }

    struct Model {
        let filter: AuditController.Filter
        let rows: [Row]
        let paging: Paging
    }

    static func query(_ req: Request) async throws -> Model {
        let f = try req.query.decode(AuditController.Filter.self)
        let q = try AuditController.query(f, on: req.db)
        let paging = Paging(page: f.page, per: f.per, total: try await q.count(), defaultPer: 50)
        let events = try await q.sort(\.$seq, .descending).range(paging.offset..<(paging.offset + paging.per)).all()
        return Model(filter: f, rows: events.map(row), paging: paging)
    }

    static func row(_ e: AuditEvent) -> Row {
        Row(seq: e.seq, time: AuditWords.time(e.at), actor: e.actorName, action: e.action.label, entity: AuditWords.entity(e.entityType),
            entityID: e.entityID, changes: AuditWords.changes(e.changes), clientIP: e.clientIP == "local" ? "本机" : e.clientIP)
    }

    static func view(_ m: Model, caller: Caller, csrf: String?) -> HTML {
        let f = m.filter
        func link(_ page: Int) -> String {
            var items = ["page=\(page)"]
            for (k, v) in [("actor", f.actor), ("entity", f.entity), ("entity_id", f.entityId), ("from", f.from), ("to", f.to)] {
                if let v, !v.isEmpty { items.append("\(k)=" + (v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
            }
            return SiteURL.audit.relativeURL() + "?" + items.joined(separator: "&")
        }
        return Layout.page(title: "审计日志", path: SiteURL.audit.relativeURL(), caller: caller, csrf: csrf,
            .h1("审计日志"),
            .p(.class("lead"), .plain("所有新建、修改、删除、登录和令牌签发都记录在此。记录只增不改，逐条以哈希相连；服务器管理员可随时校验审计链，查出任何篡改。")),
            .form(.class("filters"), .method(.get), .action(SiteURL.audit.relativeURL()),
                  FormField.text("actor", label: "操作人（用户名）", value: f.actor, error: nil),
                  FormField.select("entity", label: "对象类型", options: [("", "全部")] + AuditWords.entities.map { ($0.type, $0.label) },
                                   selected: f.entity, error: nil),
                  FormField.text("from", label: "起始日期", value: f.from, error: nil, type: .date),
                  FormField.text("to", label: "截止日期", value: f.to, error: nil, type: .date),
                  .button(.type(.submit), .plain("筛选"))),
            .table(.class("list audit"),
                .thead(.tr(.th("序号"), .th("时间"), .th("操作人"), .th("操作"), .th("对象"), .th("变更内容"), .th("IP"))),
                .tbody(.forEach(m.rows) { e in
                    .tr(.td(.class("num"), .plain(String(e.seq))),
                        .td(.plain(e.time)),
                        .td(.plain(e.actor)),
                        .td(.plain(e.action)),
                        .td(.plain(e.entity), .unwrap(e.entityID) { .small(.class("entity-id"), .plain(" 编号 " + String($0.prefix(8)))) }),
                        .td(.if(e.changes.isEmpty, .plain("—")),
                            .if(!e.changes.isEmpty, .ul(.class("changes"), .forEach(e.changes) { .li(.plain($0.text)) }))),
                        .td(.plain(e.clientIP)))
                })),
            m.paging.nav(link: link))
    }
}
