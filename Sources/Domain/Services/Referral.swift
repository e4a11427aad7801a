import Foundation

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
