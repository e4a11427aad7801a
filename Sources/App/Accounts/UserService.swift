import Domain
import Fluent
import Vapor

struct UserInput: Content {
    struct AssignmentInput: Content {
        var role: String
        var orgUnitId: UUID?
        var operatorId: UUID?
    }
    var username: String?
    var displayName: String?
    var password: String?
    var active: Bool?
    var assignments: [AssignmentInput]?
}

/// Account management by city admins: every assignment given must lie inside the admin's scope.
enum UserService {
    static let usernamePattern = #"^[A-Za-z0-9_.-]{3,32}$"#

    /// The access description of a user: where its assignments sit.
    static func resource(assignments: [RoleAssignment], units: [UUID: OrgUnit], operators: [UUID: (OperatorOrg, String)]) -> Access.Resource {
        var paths: [String] = []
        var ops: Set<String> = []
        for a in assignments {
            if let id = a.$unit.id, let unit = units[id] { paths.append(unit.path) }
            if let id = a.$operatorOrg.id, let (_, cityPath) = operators[id] { paths.append(cityPath); ops.insert(id.uuidString) }
        }
        return Access.Resource(kind: .user, paths: paths, operatorIDs: ops)
    }

    static func resource(of userID: UUID, on db: any Database) async throws -> Access.Resource {
        let rows = try await RoleAssignment.query(on: db).filter(\.$user.$id == userID).all()
        return try await resource(rows, on: db)
    }

    static func resource(_ rows: [RoleAssignment], on db: any Database) async throws -> Access.Resource {
        let unitIDs = rows.compactMap { $0.$unit.id }
        let units = unitIDs.isEmpty ? [] : try await OrgUnit.query(on: db).filter(\.$id ~~ unitIDs).all()
        let opIDs = rows.compactMap { $0.$operatorOrg.id }
        var operators: [UUID: (OperatorOrg, String)] = [:]
        for op in opIDs.isEmpty ? [] : try await OperatorOrg.query(on: db).filter(\.$id ~~ opIDs).all() {
            operators[op.id!] = (op, try await OrgUnit.find(op.cityID, on: db)?.path ?? "")
        }
        return resource(assignments: rows, units: Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0) }), operators: operators)
    }

    /// Whether the caller may manage (create or remove) this one assignment: it lies inside their scope.
    static func manages(_ row: RoleAssignment, _ caller: Caller, on db: any Database) async throws -> Bool {
        Access.decide(caller.assignments, .create, try await resource([row], on: db), userID: caller.userID.uuidString) == .allowed
    }

    /// Checks assignments: known role, an existing scope of the right kind and level, inside the caller's scope.
    static func checkAssignments(_ inputs: [UserInput.AssignmentInput], req: Request, into v: inout Validator) async throws -> [(Role, UUID?, UUID?)] {
        if inputs.isEmpty { v.add("assignments", "至少分配一个角色及其管辖范围") }
        var result: [(Role, UUID?, UUID?)] = []
        for (i, a) in inputs.enumerated() {
            let field = "assignments[\(i)]"
            guard let role = Role(rawValue: a.role) else {
                v.add("\(field).role", "未知的角色“\(a.role)”（可选 \(Role.allCases.map(\.rawValue).joined(separator: "、"))）")
                continue
            }
            if role.isPlatformScoped {
                // Only a platform administrator makes another (the first comes from `shegong user create`).
                try req.authorize(.create, Access.Resource(kind: .user, paths: ["/"]))
                guard req.caller?.has(.platformAdmin) == true else { throw Abort(.forbidden, reason: "只有平台管理员可以授予平台管理员角色") }
                result.append((role, nil, nil))
            } else if role.isOperatorScoped {
                guard let opID = a.operatorId, let op = try await OperatorOrg.find(opID, on: req.db) else {
                    v.add("\(field).operator_id", "\(role.label)须指定存在的承接机构")
                    continue
                }
                let cityPath = try await OrgUnit.find(op.cityID, on: req.db)?.path ?? ""
                try req.authorize(.create, Access.Resource(kind: .user, paths: [cityPath], operatorIDs: [opID.uuidString]))
                result.append((role, nil, opID))
            } else {
                guard let unitID = a.orgUnitId, let unit = try await OrgUnit.find(unitID, on: req.db) else {
                    v.add("\(field).org_unit_id", "\(role.label)须指定存在的管辖单位")
                    continue
                }
                if let level = role.scopeLevel, unit.level != level {
                    v.add("\(field).org_unit_id", "\(role.label)的管辖单位应为\(level.label)一级，“\(unit.name)”是\(unit.level.label)")
                    continue
                }
                try req.authorize(.create, Access.Resource(kind: .user, paths: [unit.path]))
                result.append((role, unitID, nil))
            }
        }
        return result
    }

    static func create(_ input: UserInput, req: Request) async throws -> User {
        var v = Validator()
        let username = (input.username ?? "").trimmingCharacters(in: .whitespaces)
        if username.range(of: usernamePattern, options: .regularExpression) == nil {
            v.add("username", "用户名须为 3–32 位字母、数字、下划线、点或短横线")
        }
        let displayName = v.text(input.displayName, field: "display_name", label: "姓名", max: TextLimit.name, required: true) ?? ""
        let password = input.password ?? ""
        if password.count < AccountController.minPasswordLength { v.add("password", "初始密码至少 \(AccountController.minPasswordLength) 位") }
        else if password.utf8.count > AccountController.maxPasswordLength { v.add("password", "密码不能超过 \(AccountController.maxPasswordLength) 个字节") }
        let assignments = try await checkAssignments(input.assignments ?? [], req: req, into: &v)
        try v.check()
        let user = User(username: username, displayName: displayName, passwordHash: try await req.password.async.hash(password))
        if let active = input.active { user.active = active }
        return try await req.audit.transaction { db, audit in
            // Inside the write lock: two admins creating the same username at once get one 409.
            if try await User.query(on: db).filter(\.$username == username).first() != nil {
                throw AppError.field("username", "用户名“\(username)”已被使用", status: .conflict)
            }
            try await user.create(on: db)
            audit.change(entityType: "user", entityID: user.id, old: nil, new: user.auditFields)
            try await replaceAssignments(of: user, with: assignments, replacing: [], on: db, audit: audit)
            return user
        }
    }

    /// Changes a user. `assignments` replaces the assignments inside the caller's scope; those outside it
    /// (the same person's role in another city) are kept. Deactivating or resetting the password of a
    /// user with roles outside the caller's scope is refused: that would take over the other roles too.
    static func update(_ user: User, _ input: UserInput, req: Request) async throws -> User {
        let caller = try req.requireCaller()
        let rows = try await RoleAssignment.query(on: req.db).filter(\.$user.$id == user.requireID()).all()
        try req.authorize(.update, try await resource(rows, on: req.db))
        var mine: [RoleAssignment] = [], foreign: [RoleAssignment] = []
        for row in rows { if try await manages(row, caller, on: req.db) { mine.append(row) } else { foreign.append(row) } }
        if !foreign.isEmpty && (input.active == false || !(input.password ?? "").isEmpty) {
            throw Abort(.forbidden, reason: "该用户在您的管辖范围外另有角色，停用或重设密码须由能管理其全部角色的管理员进行")
        }
        var v = Validator()
        if input.username != nil && input.username != user.username { v.add("username", "用户名不能修改") }
        let old = user.auditFields
        if input.displayName != nil, let name = v.text(input.displayName, field: "display_name", label: "姓名", max: TextLimit.name, required: true) {
            user.displayName = name
        }
        if let active = input.active {
            if !active && user.id == req.caller?.userID { v.add("active", "不能停用自己的账户") } else { user.active = active }
        }
        var newHash: String?
        if let password = input.password, !password.isEmpty {
            if password.count < AccountController.minPasswordLength { v.add("password", "新密码至少 \(AccountController.minPasswordLength) 位") }
            else { newHash = try await req.password.async.hash(password) }
        }
        var assignments: [(Role, UUID?, UUID?)]?
        if let inputs = input.assignments {
            if inputs.isEmpty && !foreign.isEmpty {
                // Removing every role the caller manages is allowed when the user keeps others.
                assignments = []
            } else {
                assignments = try await checkAssignments(inputs, req: req, into: &v)
            }
        }
        try v.check()
        let replacement = assignments
        let passwordHash = newHash
        let managed = mine
        let app = req.application
        let saved = try await req.audit.transaction { db, audit in
            if let passwordHash {
                user.passwordHash = passwordHash
                user.lockedUntil = nil
                user.failedLogins = 0
            }
            try await user.save(on: db)
            audit.change(entityType: "user", entityID: user.id, old: old, new: user.auditFields)
            if passwordHash != nil {
                // A reset password means the old one may be known to someone else: end every sign-in.
                try await SignOut.everywhere(try user.requireID(), keep: nil, app: app, on: db)
                audit.record(.passwordChanged, entityType: "user", entityID: user.id?.uuidString, changes: ["by": [nil, req.caller?.username]])
            }
            if let replacement { try await replaceAssignments(of: user, with: replacement, replacing: managed, on: db, audit: audit) }
            return user
        }
        // Deactivation and role changes take effect on the user's next request.
        req.application.callers.forget(try saved.requireID())
        return saved
    }

    /// Makes `replacing` (the assignments the caller manages) equal to `list`; other assignments are untouched.
    private static func replaceAssignments(of user: User, with list: [(Role, UUID?, UUID?)], replacing current: [RoleAssignment],
                                           on db: any Database, audit: AuditLog.Recorder) async throws {
        let key = { (r: Role, u: UUID?, o: UUID?) in "\(r.rawValue)|\(u?.uuidString ?? "")|\(o?.uuidString ?? "")" }
        let wanted = Set(list.map(key))
        let have = Set(current.map { key($0.role, $0.$unit.id, $0.$operatorOrg.id) })
        for row in current where !wanted.contains(key(row.role, row.$unit.id, row.$operatorOrg.id)) {
            try await row.delete(on: db)
            audit.record(.delete, entityType: "role_assignment", entityID: row.id?.uuidString, changes: row.auditFields.mapValues { [$0, nil] })
        }
        var present = have
        // `insert` also drops an assignment listed twice.
        for (role, unit, op) in list where present.insert(key(role, unit, op)).inserted {
            let row = RoleAssignment(userID: try user.requireID(), role: role, unitID: unit, operatorID: op)
            try await row.create(on: db)
            audit.change(entityType: "role_assignment", entityID: row.id, old: nil, new: row.auditFields)
        }
    }
}

extension RoleAssignment {
    var auditFields: [String: String] {
        ["user_id": $user.id.uuidString, "role": role.rawValue, "org_unit_id": $unit.id?.uuidString ?? "", "operator_id": $operatorOrg.id?.uuidString ?? ""]
    }
}
