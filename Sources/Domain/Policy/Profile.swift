import Foundation

/// "Must" (应/不低于/不少于) rules fail when broken; "should" (宜) rules warn.
public enum RuleStrength: String, Codable, Sendable {
    case must
    case should

    public var label: String { self == .must ? "应（必须）" : "宜（建议）" }
}

/// The areas of policy-catalogue.md, read from a rule id's letter.
public enum RuleGroup: String, Codable, CaseIterable, Sendable {
    case hierarchy, premises, staffing, supervision, services, resources, archives, evaluation, demonstration, complaints, funding

    public init?(ruleID: String) {
        switch ruleID.prefix(while: { $0 != "-" }) {
        case "H": self = .hierarchy
        case "P": self = .premises
        case "S": self = .staffing
        case "T": self = .supervision
        case "V": self = .services
        case "R": self = .resources
        case "A": self = .archives
        case "E": self = .evaluation
        case "D": self = .demonstration
        case "C": self = .complaints
        case "F": self = .funding
        default: return nil
        }
    }

    public var label: String {
        switch self {
        case .hierarchy: "层级与角色"
        case .premises: "场所"
        case .staffing: "人员"
        case .supervision: "督导与培训"
        case .services: "服务"
        case .resources: "资源与覆盖"
        case .archives: "制度与档案"
        case .evaluation: "评估"
        case .demonstration: "示范点"
        case .complaints: "投诉与共用"
        case .funding: "资金"
        }
    }
}

/// One rule of a profile: its parameters are data, so a city can change them without code.
public struct PolicyRule: Codable, Sendable, Equatable {
    public struct Source: Codable, Sendable, Equatable {
        public var document: String
        public var article: String
    }

    public var id: String
    public var title: String
    public var strength: RuleStrength
    /// Applies to demonstration stations only (示范点).
    public var demonstrationOnly: Bool
    public var params: [String: Double]
    /// Parameters the rule needs but the source leaves to the city (e.g. S-7's yearly average wage).
    public var unsetParams: [String]?
    /// The documents binding the profile's city that state the rule (see `PolicyDocument`), first the main one.
    public var sources: [Source]

    /// Every parameter a city may set for this rule.
    public var parameterNames: [String] { params.keys.sorted() + (unsetParams ?? []).filter { params[$0] == nil } }

    public var group: RuleGroup { RuleGroup(ruleID: id)! }

    public func param(_ name: String) -> Double? { params[name] }

    /// The sources as a reader sees them: "document article；document article".
    public var citation: String { sources.map { "\($0.document) \($0.article)" }.joined(separator: "；") }

    /// Parameters that are yes (1) or no (0) rather than amounts: how a rule counts its days and
    /// whether P-1 requires an archive room.
    public static let flagParams: Set<String> = ["startDayCounts", "rollToWorkingDay", "archiveRoomRequired"]

    /// A yes/no parameter; nil when the rule does not have it.
    public func flag(_ name: String) -> Bool? { params[name].map { $0 != 0 } }

    /// The rule's day-count convention in words, shown next to its parameters and wherever its due
    /// dates are (A-5, E-4 in working days; dated deadlines that may move off a rest day); nil for other rules.
    public var dayCountNote: String? {
        if let counts = flag("startDayCounts"), let n = params.first(where: { $0.key.hasSuffix("WorkingDays") })?.value {
            return DayCount.workingDays(Int(n), startCounts: counts, start: DayCount.start(of: id))
        }
        return flag("rollToWorkingDay").map(DayCount.rolls)
    }

    /// How a parameter's value reads on the policy page (是/否 for yes/no parameters).
    public static func shown(param name: String, _ value: Double?) -> String {
        guard let value else { return "未设置" }
        if flagParams.contains(name) { return value != 0 ? "是" : "否" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// The day-count conventions of a rule, said in words wherever its due date is shown (A-5, E-4,
/// and the dated deadlines that move off a rest day).
public enum DayCount {
    /// "退出之日不计入，自次日起第 30 个工作日" for A-5's 30 working days.
    public static func workingDays(_ n: Int, startCounts: Bool, start: String) -> String {
        startCounts ? "\(start)为工作日的计为第 1 个工作日，共 \(n) 个工作日" : "\(start)不计入，自次日起算第 \(n) 个工作日"
    }

    /// The day a working-day period of a rule is counted from.
    public static func start(of ruleID: String) -> String {
        switch ruleID {
        case "A-5": "退出之日"
        case "E-4": "公示发布之日"
        default: "起算之日"
        }
    }

    public static func rolls(_ rolls: Bool) -> String {
        rolls ? "到期日逢周末或法定节假日顺延至下一个工作日" : "到期日逢周末或法定节假日不顺延"
    }
}

/// A service field of a profile, by code with its Chinese label.
public struct ServiceField: Codable, Sendable, Equatable {
    public var code: String
    public var label: String
    /// false for a direction of service that no resident's need belongs to (Wuhan's core project,
    /// 党建引领社会工作服务, V-3); absent means true.
    public var forNeeds: Bool?
}

/// An item of a profile's service catalogue: one of Jinan's eleven content areas (V-1, usable in any
/// field) or an item of Wuhan's catalogue under one field (V-3). Every service record names one
/// when its profile has any.
public struct ServiceItem: Codable, Sendable, Equatable {
    public var code: String
    public var label: String
    /// The field the item belongs to; nil when it may be used in any field.
    public var field: String?

    public init(code: String, label: String, field: String?) {
        self.code = code
        self.label = label
        self.field = field
    }
}

/// A jurisdiction's rule set (jinan, wuhan, guangzhou), shipped as JSON in Profiles/.
public struct PolicyProfile: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var rules: [PolicyRule]
    /// The service fields of the city (V-2 Jinan, V-3 Wuhan's four basic fields): the areas a need
    /// (V-8) or a service belongs to.
    public var serviceFields: [ServiceField]
    /// The follow-up levels (跟进级别) a recipient may be given: 1 … this number (Guangzhou's
    /// platform uses six). A city sets its own scale in its profile.
    public var followUpLevels: Int
    /// The service catalogue (V-1, V-3); empty where the city's documents list none (Guangzhou's).
    /// A city adds items through its policy versions (`CatalogueAdditions`), never removes or renames one.
    public var serviceItems: [ServiceItem]
    /// Whether a station defines featured projects (特色项目) for a year, which may tag its services
    /// instead of a catalogue item: the "N" of Wuhan's "1+4+N" (V-3, 武民政〔2021〕26号 二(三)). The
    /// notice sets no number, so there is no cap. Jinan's and Guangzhou's documents name no featured
    /// projects: off there until the city opens them by a policy version.
    public var featuredProjects: Bool

    /// The fields a need (V-8) may belong to.
    public var needAreas: [ServiceField] { serviceFields.filter { $0.forNeeds != false } }

    public var followUpRange: ClosedRange<Int> { 1...max(1, followUpLevels) }
    public func serviceField(_ code: String) -> ServiceField? { serviceFields.first { $0.code == code } }

    public func rule(_ id: String) -> PolicyRule? { rules.first { $0.id == id } }

    public static let shippedIDs = ["jinan", "wuhan", "guangzhou"]

    public static func shipped(_ id: String) throws -> PolicyProfile {
        guard let profile = try shippedProfiles.get()[id] else { throw ProfileError.unknownProfile(id) }
        return profile
    }

    /// Read once: every compliance check starts from a shipped profile.
    private static let shippedProfiles = Result<[String: PolicyProfile], any Error> {
        var profiles: [String: PolicyProfile] = [:]
        for id in shippedIDs {
            guard let url = Bundle.module.url(forResource: id, withExtension: "json") else { throw ProfileError.unknownProfile(id) }
            profiles[id] = try JSONDecoder().decode(PolicyProfile.self, from: Data(contentsOf: url))
        }
        return profiles
    }

    /// The profile with a city's parameter changes applied (rule id → parameter → value), and the
    /// items and featured projects its policy versions added to the service catalogue.
    public func applying(_ overrides: [String: [String: Double]], catalogue: CatalogueAdditions = .none) -> PolicyProfile {
        var copy = self
        for i in copy.rules.indices {
            for (name, value) in overrides[copy.rules[i].id] ?? [:] { copy.rules[i].params[name] = value }
        }
        for item in catalogue.items where copy.serviceItem(item.code) == nil { copy.serviceItems.append(item) }
        if catalogue.featuredProjects == true { copy.featuredProjects = true }
        return copy
    }
}

public enum ProfileError: Error, Equatable, CustomStringConvertible {
    case unknownProfile(String)
    public var description: String {
        switch self {
        case .unknownProfile(let id): "未知的政策配置“\(id)”（可选 \(PolicyProfile.shippedIDs.joined(separator: "、"))）"
        }
    }
}
