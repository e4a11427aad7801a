import Domain
import Fluent
import Foundation

final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "active") var active: Bool
    /// Lockout bookkeeping: failures counted from `failureWindowStart`.
    @Field(key: "failed_logins") var failedLogins: Int
    @OptionalField(key: "failure_window_start") var failureWindowStart: Date?
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Children(for: \.$user) var assignments: [RoleAssignment]
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
    init(username: String, displayName: String, passwordHash: String) {
        self.id = UUID()
        self.username = username
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.active = true
        self.failedLogins = 0
    }

    var auditFields: [String: String] {
        ["username": username, "display_name": displayName, "active": String(active)]
    }
}

/// One (role, scope) of a user: an org unit, or an operator organisation for operator managers.
final class RoleAssignment: Model, @unchecked Sendable {
    static let schema = "role_assignments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "role") var role: Role
    @OptionalParent(key: "org_unit_id") var unit: OrgUnit?
    @OptionalParent(key: "operator_id") var operatorOrg: OperatorOrg?

    init() {}
    init(userID: UUID, role: Role, unitID: UUID?, operatorID: UUID?) {
        self.id = UUID()
        self.$user.id = userID
        self.role = role
        self.$unit.id = unitID
        self.$operatorOrg.id = operatorID
    }
}

/// A bearer token for API clients; only its SHA-256 is stored.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
    init(userID: UUID, tokenHash: String, expiresAt: Date) {
        self.$user.id = userID
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }
}
