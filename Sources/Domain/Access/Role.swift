/// The roles of the design's table. A user holds one or more (role, scope) assignments.
public enum Role: String, Codable, CaseIterable, Sendable {
    /// Runs the deployment: the national working-day calendar, and (onboarding) new cities.
    case platformAdmin = "platform_admin"
    case cityAdmin = "city_admin"
    case districtOfficer = "district_officer"
    case streetOfficer = "street_officer"
    case operatorManager = "operator_manager"
    case socialWorker = "social_worker"
    case supervisor
    case evaluator

    public var label: String {
        switch self {
        case .platformAdmin: "平台管理员"
        case .cityAdmin: "市民政局管理员"
        case .districtOfficer: "区县民政局"
        case .streetOfficer: "街道（乡镇）"
        case .operatorManager: "承接机构负责人"
        case .socialWorker: "驻站社工"
        case .supervisor: "督导"
        case .evaluator: "第三方评估机构"
        }
    }

    /// The org level a unit-scoped assignment of this role is anchored at;
    /// nil for the operator manager, whose scope is an operator organisation.
    public var scopeLevel: OrgLevel? {
        switch self {
        case .cityAdmin: .city
        case .districtOfficer: .district
        case .streetOfficer, .socialWorker: .street
        case .supervisor, .evaluator: nil   // any unit: stations are assigned by their street
        case .operatorManager, .platformAdmin: nil
        }
    }

    public var isOperatorScoped: Bool { self == .operatorManager }
    /// Whose scope is the whole deployment rather than a unit or an operator.
    public var isPlatformScoped: Bool { self == .platformAdmin }
}

/// Where an assignment applies: a subtree of the org tree, or the stations an operator runs.
public enum Scope: Hashable, Codable, Sendable {
    /// The materialised path of an org unit (see `OrgPath`).
    case unit(path: String)
    /// An operator organisation, by id; `cityPath` is the city it is registered in.
    case operatorOrg(id: String, cityPath: String)
    /// The whole deployment (platform administrators).
    case platform
}

public struct Assignment: Hashable, Codable, Sendable {
    public let role: Role
    public let scope: Scope
    public init(role: Role, scope: Scope) {
        self.role = role
        self.scope = scope
    }

    /// Where in the tree the assignment sits: its unit, or the city an operator is registered in.
    public var placePath: String {
        switch scope {
        case .unit(let path): path
        case .operatorOrg(_, let cityPath): cityPath
        case .platform: "/"
        }
    }
}
