import Domain
import Fluent
import Vapor

/// `shegong user create --username U --name N --role city_admin --unit 370100 [--password P]`:
/// makes the first administrator from the shell. The unit is given by division code or name;
/// `--role platform_admin` (the deployment's administrator: national calendar, onboarding) takes none.
struct UserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create") var action: String
        @Option(name: "username") var username: String?
        @Option(name: "name", help: "display name") var displayName: String?
        @Option(name: "role", help: "role, default city_admin") var role: String?
        @Option(name: "unit", help: "org unit: division code or exact name") var unit: String?
        @Option(name: "password", help: "initial password; prompted when omitted") var password: String?
    }

    var help: String { "Manage user accounts (create)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "create" else { throw Abort(.badRequest, reason: "未知操作：\(signature.action)（可用：create）") }
        let app = context.application
        try await app.autoMigrate()
        guard let username = signature.username, !username.isEmpty else { throw Abort(.badRequest, reason: "缺少 --username") }
        guard let role = Role(rawValue: signature.role ?? Role.cityAdmin.rawValue), !role.isOperatorScoped else {
            throw Abort(.badRequest, reason: "--role 应为按单位管辖的角色之一：\(Role.allCases.filter { !$0.isOperatorScoped }.map(\.rawValue).joined(separator: "、"))")
        }
        var unit: OrgUnit?
        if role.isPlatformScoped {
            if signature.unit != nil { throw Abort(.badRequest, reason: "平台管理员管辖整个平台，不需要 --unit") }
        } else {
            guard let key = signature.unit,
                  let found = try await OrgUnit.query(on: app.db).group(.or, { $0.filter(\.$divisionCode == key).filter(\.$name == key) }).first() else {
                throw Abort(.badRequest, reason: "--unit 未找到；请给出行政区划代码或单位全称（空库请先运行 serve --demo 或导入组织架构）")
            }
            unit = found
        }
        let password = signature.password ?? context.console.ask(ConsoleText(stringLiteral: "密码（至少 \(AccountController.minPasswordLength) 位）："), isSecure: true)
        guard password.count >= AccountController.minPasswordLength else { throw Abort(.badRequest, reason: "密码至少 \(AccountController.minPasswordLength) 位") }
        let user = User(username: username, displayName: signature.displayName ?? username, passwordHash: try app.password.hash(password))
        let audit = AuditLog(db: app.db, lock: app.writeLock, key: app.settings.dataKey.auditKey, actorID: nil, actorName: "命令行：shegong user create（新建用户）", clientIP: "local", clock: app.clock)
        let unitID = unit?.id
        try await audit.transaction { db, recorder in
            if try await User.query(on: db).filter(\.$username == username).first() != nil {
                throw Abort(.conflict, reason: "用户名“\(username)”已被使用")
            }
            try await user.create(on: db)
            recorder.change(entityType: "user", entityID: user.id, old: nil, new: user.auditFields)
            let assignment = RoleAssignment(userID: try user.requireID(), role: role, unitID: unitID, operatorID: nil)
            try await assignment.create(on: db)
            recorder.change(entityType: "role_assignment", entityID: assignment.id, old: nil, new: assignment.auditFields)
        }
        context.console.print("已创建用户 \(username)：\(role.label)（\(unit?.name ?? "全平台")）")
    }
}

/// `shegong audit verify [--anchor SEQ:HASH]`: exits non-zero and names the first bad row when the
/// chain is broken, or when the anchored row is missing or differs. `shegong audit anchor` prints the
/// newest row's `SEQ:HASH` to keep outside the database.
struct AuditCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "verify | anchor") var action: String
        @Option(name: "anchor", help: "SEQ:HASH printed earlier by `audit anchor`") var anchor: String?
    }

    var help: String { "Verify the hash chain of the audit trail, or print its newest anchor" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        switch signature.action {
        case "anchor":
            try await app.autoMigrate()
            context.console.print(try await AuditChain.anchor(on: app.db).description)
        case "verify":
            var anchor: AuditChain.Anchor?
            if let text = signature.anchor {
                guard let parsed = AuditChain.Anchor(text) else {
                    throw Abort(.badRequest, reason: "--anchor 的格式应为 序号:哈希（由 shegong audit anchor 打印，哈希为 64 位十六进制）")
                }
                anchor = parsed
            }
            // An audit trail written before M005 is verified and re-sealed by the migration, which
            // refuses (naming the row) if the old chain is already broken.
            try await app.autoMigrate()
            switch try await AuditChain.verify(on: app.db, key: app.settings.dataKey.auditKey, anchor: anchor) {
            case .intact(let count):
                context.console.print("审计链完整：共 \(count) 条记录" + (anchor.map { "，与锚点第 \($0.seq) 条一致。" } ?? "。"))
            case .broken(let seq, let reason):
                context.console.error("审计链已损坏：\(reason)")
                throw AuditBroken(seq: seq)
            }
        default:
            throw Abort(.badRequest, reason: "未知操作：\(signature.action)（可用：verify、anchor）")
        }
    }

    struct AuditBroken: Error, CustomStringConvertible {
        let seq: Int
        var description: String { "audit chain broken at seq \(seq)" }
    }
}
