import Fluent
import Foundation

/// What an audit event records.
enum AuditAction: String, Codable, CaseIterable, Sendable {
    case create
    case update
    case delete
    case loginSuccess = "login_success"
    case loginFailure = "login_failure"
    case tokenIssued = "token_issued"
    case tokenRevoked = "token_revoked"
    /// Every session and token of a user ended by an administrator.
    case signedOut = "signed_out"
    case passwordChanged = "password_changed"
    /// A sensitive field (phone, ID number) shown in full.
    case sensitiveRead = "sensitive_read"
    /// An uploaded evidence file downloaded or previewed.
    case attachmentRead = "attachment_read"
    /// The chain re-sealed with the audit key on upgrade (M005), after the old chain verified.
    case chainResealed = "chain_resealed"

    var label: String {
        switch self {
        case .create: "新建"
        case .update: "修改"
        case .delete: "删除"
        case .loginSuccess: "登录成功"
        case .loginFailure: "登录失败"
        case .tokenIssued: "签发令牌"
        case .tokenRevoked: "注销令牌"
        case .signedOut: "强制下线"
        case .passwordChanged: "修改密码"
        case .sensitiveRead: "查看敏感信息"
        case .attachmentRead: "查看佐证材料"
        case .chainResealed: "审计链重新封存"
        }
    }
}

/// One row of the append-only, hash-chained audit trail.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    /// Position in the chain, 1-based, without gaps.
    @Field(key: "seq") var seq: Int
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "action") var action: AuditAction
    @Field(key: "entity_type") var entityType: String
    @OptionalField(key: "entity_id") var entityID: String?
    /// JSON object: field → [old, new] (old is null on create).
    @Field(key: "changes") var changes: String
    @Field(key: "client_ip") var clientIP: String
    @Field(key: "prev_hash") var prevHash: String
    @Field(key: "hash") var hash: String

    init() {}
}
