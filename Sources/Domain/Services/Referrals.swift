import Foundation

// Referrals (V-11) and social-assistance requests (V-10): how a station connects a person to help
// that other bodies give.

/// Where a referral (转介, V-11) goes.
public enum ReferralTarget: String, Codable, Sendable, CaseIterable {
    /// A department of the street office (街道民政办、残联、司法所 …).
    case streetDepartment = "street_department"
    /// Another agency: a hospital, a school, a social organisation …
    case agency
    /// Another social work station: it answers in its own inbox.
    case station

    public var label: String {
        switch self {
        case .streetDepartment: "街道部门"
        case .agency: "其他机构"
        case .station: "其他社工站"
        }
    }
}

/// A referral's status: sent → accepted or declined; accepted → done.
public enum ReferralStatus: String, Codable, Sendable, CaseIterable {
    case sent, accepted, declined, done

    public var label: String {
        switch self {
        case .sent: "已转出，待接收"
        case .accepted: "已接收"
        case .declined: "已拒绝"
        case .done: "已办结"
        }
    }

    /// The statuses a referral may move to from this one.
    public var next: [ReferralStatus] {
        switch self {
        case .sent: [.accepted, .declined]
        case .accepted: [.done]
        case .declined, .done: []
        }
    }
}

/// Which of V-10's three situations an assistance request (社会救助协助) is in.
public enum AssistanceSituation: String, Codable, Sendable, CaseIterable {
    /// Eligible under civil-affairs policy: the station helps the person apply.
    case civilAffairs = "civil_affairs"
    /// Eligible under another department's policy: the station explains it and helps them reach it.
    case otherDepartment = "other_department"
    /// Not eligible under any policy but in real hardship: the station links charity and other resources.
    case notEligible = "not_eligible"

    public var label: String {
        switch self {
        case .civilAffairs: "符合民政政策，协助申请"
        case .otherDepartment: "符合其他部门政策，解释并协助办理"
        case .notEligible: "不符合政策条件但确有困难，链接资源帮扶"
        }
    }
}
