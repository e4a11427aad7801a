/// Education levels (学历) of a social worker.
public enum Education: String, Codable, CaseIterable, Sendable, Comparable {
    case highSchool = "high_school"
    case associate
    case bachelor
    case master
    case doctorate

    public var label: String {
        switch self {
        case .highSchool: "高中/中专及以下"
        case .associate: "大专"
        case .bachelor: "本科"
        case .master: "硕士研究生"
        case .doctorate: "博士研究生"
        }
    }

    public static func < (a: Education, b: Education) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Field of study: social work, a related major (sociology, psychology, …), or another.
public enum Major: String, Codable, CaseIterable, Sendable {
    case socialWork = "social_work"
    case related
    case other

    public var label: String {
        switch self {
        case .socialWork: "社会工作专业"
        case .related: "相关专业"
        case .other: "其他专业"
        }
    }
}

/// The national social-worker certificate (社会工作者职业资格).
public enum CertificateLevel: String, Codable, CaseIterable, Sendable {
    case none
    case assistant
    case intermediate
    case senior

    public var label: String {
        switch self {
        case .none: "无"
        case .assistant: "助理社会工作师"
        case .intermediate: "社会工作师"
        case .senior: "高级社会工作师"
        }
    }
}

public enum Gender: String, Codable, CaseIterable, Sendable {
    case female
    case male

    public var label: String { self == .female ? "女" : "男" }
}

/// Where a supervisor was hired from (rule T-1).
public enum SupervisorPool: String, Codable, CaseIterable, Sendable {
    case cityExpert = "city_expert"
    case talent
    case other

    public var label: String {
        switch self {
        case .cityExpert: "市社会工作督导专家库"
        case .talent: "市社会工作督导人才库"
        case .other: "其他"
        }
    }
}

/// MZ/T 166 supervision forms.
public enum SupervisionForm: String, Codable, CaseIterable, Sendable {
    case individual
    case group

    public var label: String { self == .individual ? "个别督导" : "团体督导" }
}

/// A district's kind, on which rule S-2 depends.
public enum DistrictKind: String, Codable, CaseIterable, Sendable {
    case centralUrban = "central_urban"
    case newUrban = "new_urban"

    public var label: String { self == .centralUrban ? "中心城区" : "新城区" }
}
