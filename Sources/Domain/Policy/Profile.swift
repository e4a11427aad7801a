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
    public var source: Source

    /// Every parameter a city may set for this rule.
    public var parameterNames: [String] { params.keys.sorted() + (unsetParams ?? []).filter { params[$0] == nil } }

    public var group: RuleGroup { RuleGroup(ruleID: id)! }

    public func param(_ name: String) -> Double? { params[name] }
}

/// A jurisdiction's rule set (jinan, wuhan, guangzhou), shipped as JSON in Profiles/.
public struct PolicyProfile: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var rules: [PolicyRule]

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

    /// The profile with a city's parameter changes applied (rule id → parameter → value).
    public func applying(_ overrides: [String: [String: Double]]) -> PolicyProfile {
        var copy = self
        for i in copy.rules.indices {
            for (name, value) in overrides[copy.rules[i].id] ?? [:] { copy.rules[i].params[name] = value }
        }
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
