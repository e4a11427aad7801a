import Foundation

/// The key-population categories of the 辖区重点人群信息库 (rule R-1). A person may be in several.
/// 高龄老人 is not among them: it is derived from the birth date on the day of the query (`elderlyAge`).
public enum RecipientCategory: String, Codable, Sendable, CaseIterable {
    case minimumLiving = "minimum_living"
    case nearMinimumLiving = "near_minimum_living"
    case extremePoverty = "extreme_poverty"
    case orphan
    case unsupportedChild = "unsupported_child"
    case leftBehindChild = "left_behind_child"
    case childInDistress = "child_in_distress"
    case disabled
    case livingAlone = "living_alone"
    case emptyNest = "empty_nest"
    case disabledElder = "disabled_elder"
    case expenditurePoverty = "expenditure_poverty"
    case other

    public var label: String {
        switch self {
        case .minimumLiving: "低保"
        case .nearMinimumLiving: "低保边缘"
        case .extremePoverty: "特困供养"
        case .orphan: "孤儿"
        case .unsupportedChild: "事实无人抚养儿童"
        case .leftBehindChild: "留守儿童"
        case .childInDistress: "困境儿童"
        case .disabled: "残疾人"
        case .livingAlone: "独居老人"
        case .emptyNest: "空巢老人"
        case .disabledElder: "失能/半失能老人"
        case .expenditurePoverty: "支出型困难"
        case .other: "其他"
        }
    }

    /// Categories that only make sense for a minor; a guardian is then expected.
    public var isForMinors: Bool { [.orphan, .unsupportedChild, .leftBehindChild, .childInDistress].contains(self) }

    /// Age from which someone counts as 高龄老人 (derived, never stored).
    public static let elderlyAge = 80
}

/// 残疾等级 (GB/T 26341): 一级 is the most severe.
public enum DisabilityGrade: Int, Codable, Sendable, CaseIterable {
    case one = 1, two, three, four
    public var label: String { ["一级", "二级", "三级", "四级"][rawValue - 1] }
    /// From its label (二级) or number (2), as a form, the API or a spreadsheet gives it.
    public static func parse(_ text: String) -> Self? { allCases.first { $0.label == text || String($0.rawValue) == text } }
}

/// 残疾类别 (GB/T 26341).
public enum DisabilityType: String, Codable, Sendable, CaseIterable {
    case visual, hearing, speech, physical, intellectual, mental, multiple
    /// From its label (肢体残疾) or code (physical).
    public static func parse(_ text: String) -> Self? { allCases.first { $0.label == text || $0.rawValue == text } }
    public var label: String {
        switch self {
        case .visual: "视力残疾"
        case .hearing: "听力残疾"
        case .speech: "言语残疾"
        case .physical: "肢体残疾"
        case .intellectual: "智力残疾"
        case .mental: "精神残疾"
        case .multiple: "多重残疾"
        }
    }
}

/// Where a recipient's record stands. Records are never deleted; each change keeps its date and reason.
public enum RecipientStatus: String, Codable, Sendable, CaseIterable {
    case active, paused
    case movedOut = "moved_out"
    case deceased, closed
    public var label: String {
        switch self {
        case .active: "在册"
        case .paused: "暂停"
        case .movedOut: "迁出"
        case .deceased: "去世"
        case .closed: "结束服务"
        }
    }
}

/// A need on the station's 需求清单 (rule V-8).
public enum NeedStatus: String, Codable, Sendable, CaseIterable {
    case open
    case beingServed = "being_served"
    case met, referred
    case cannotBeMet = "cannot_be_met"
    public var label: String {
        switch self {
        case .open: "待回应"
        case .beingServed: "服务中"
        case .met: "已满足"
        case .referred: "已转介"
        case .cannotBeMet: "无法满足"
        }
    }
}

public enum NeedUrgency: String, Codable, Sendable, CaseIterable {
    case urgent, high, normal, low
    public var label: String {
        switch self {
        case .urgent: "紧急"
        case .high: "较急"
        case .normal: "一般"
        case .low: "不急"
        }
    }
}

/// How two members of one household are related (from the first to the second).
public enum HouseholdRelation: String, Codable, Sendable, CaseIterable {
    case spouse, parent, child, grandparent, grandchild, sibling, other
    public var label: String {
        switch self {
        case .spouse: "配偶"
        case .parent: "父母"
        case .child: "子女"
        case .grandparent: "（外）祖父母"
        case .grandchild: "（外）孙子女"
        case .sibling: "兄弟姐妹"
        case .other: "其他亲属"
        }
    }
}
