import Domain
import Fluent
import Vapor

/// The signed-in user of a request, with the scopes of their role assignments resolved.
struct Caller: Sendable {
    let userID: UUID
    let username: String
    let displayName: String
    let assignments: [Assignment]

    var roles: Set<Role> { Set(assignments.map(\.role)) }
    func has(_ role: Role) -> Bool { roles.contains(role) }

    /// The decision for this caller, for showing or hiding an action on a page.
    func may(_ action: Access.Action, _ resource: Access.Resource) -> Bool {
        Access.decide(assignments, action, resource, userID: userID.uuidString) == .allowed
    }

    /// Loads the user's assignments and turns each into a Domain `Assignment` with its scope path.
    static func load(_ user: User, on db: any Database) async throws -> Caller {
        let rows = try await RoleAssignment.query(on: db)
            .filter(\.$user.$id == user.requireID())
            .with(\.$unit).with(\.$operatorOrg)
            .all()
        var cityPaths: [UUID: String] = [:]
        var assignments: [Assignment] = []
        for row in rows {
            if row.role.isPlatformScoped {
                assignments.append(Assignment(role: row.role, scope: .platform))
            } else if let unit = row.unit {
                assignments.append(Assignment(role: row.role, scope: .unit(path: unit.path)))
            } else if let op = row.operatorOrg {
                if cityPaths[op.cityID] == nil {
                    cityPaths[op.cityID] = try await OrgUnit.find(op.cityID, on: db)?.path ?? ""
                }
                assignments.append(Assignment(role: row.role, scope: .operatorOrg(id: try op.requireID().uuidString, cityPath: cityPaths[op.cityID] ?? "")))
            }
        }
        return Caller(userID: try user.requireID(), username: user.username, displayName: user.displayName, assignments: assignments)
    }
}

extension Request {
    private struct CallerKey: StorageKey { typealias Value = Caller }

    var caller: Caller? {
        get { storage[CallerKey.self] }
        set { storage[CallerKey.self] = newValue }
    }

    func requireCaller() throws -> Caller {
        guard let caller else { throw Abort(.unauthorized, reason: "请先登录") }
        return caller
    }

    /// Applies the Domain access decision: 404 outside the caller's scope, 403 for a visible
    /// resource whose action the caller's roles do not allow.
    func authorize(_ action: Access.Action, _ resource: Access.Resource) throws {
        let caller = try requireCaller()
        switch Access.decide(caller.assignments, action, resource, userID: caller.userID.uuidString) {
        case .allowed: return
        case .forbidden: throw Abort(.forbidden, reason: "您的角色无权\(action.label)此\(resource.kind.label)")
        case .notFound: throw Abort(.notFound, reason: "未找到该\(resource.kind.label)，或不在您的管辖范围内")
        }
    }
}

extension Access.Action {
    var label: String {
        switch self {
        case .read: "查看"
        case .create: "新建"
        case .update: "修改"
        case .reveal: "查看完整证件号码和电话"
        }
    }
}

extension Access.Kind {
    var label: String {
        switch self {
        case .orgUnit: "组织单位"
        case .station: "社工站"
        case .user: "用户"
        case .staff: "人员"
        case .record: "记录"
        case .policy: "政策配置"
        case .calendar: "工作日历"
        case .operatorOrg: "承接机构"
        case .deployment: "省和城市"
        case .demonstration: "示范点认定"
        case .recipient: "服务对象"
        case .casework: "个案"
        case .service: "服务记录"
        }
    }
}
