import Foundation

/// The service methods (V-4; MZ/T 094 case work, MZ/T 095 group work, MZ/T 071 community work, and
/// administration, supervision and research). National: every service record carries one.
public enum ServiceMethod: String, Codable, Sendable, CaseIterable {
    case caseWork = "case_work"
    case groupWork = "group_work"
    case communityWork = "community_work"
    case administration

    public var label: String {
        switch self {
        case .caseWork: "个案工作"
        case .groupWork: "小组工作"
        case .communityWork: "社区工作"
        case .administration: "行政、督导与研究"
        }
    }
}

/// What act of service one row of the service ledger records (design: the service ledger). The
/// kind's own table holds what only it has: a case's plan, a visit's findings.
public enum ServiceKind: String, Codable, Sendable, CaseIterable {
    /// A dated intervention in a case (个案介入).
    case intervention
    /// A follow-up visit after a case's intervention or closure (回访, V-7).
    case followUp = "follow_up"
    case homeVisit = "home_visit"
    case phoneVisit = "phone_visit"
    /// One session of a group (小组活动, MZ/T 095): its attendance is the row's recipients.
    case groupSession = "group_session"
    /// A community event or project activity (社区活动, MZ/T 071): named recipients where relevant.
    case communityEvent = "community_event"

    public var label: String {
        switch self {
        case .intervention: "个案介入"
        case .followUp: "个案回访"
        case .homeVisit: "家访"
        case .phoneVisit: "电访"
        case .groupSession: "小组活动"
        case .communityEvent: "社区活动"
        }
    }
}

/// The partners of the five-society linkage (五社联动, R-5) a community event brought together.
public enum LinkagePartner: String, Codable, Sendable, CaseIterable {
    case community
    case socialOrganisation = "social_organisation"
    case socialWorker = "social_worker"
    case volunteer
    case charity

    public var label: String {
        switch self {
        case .community: "社区"
        case .socialOrganisation: "社会组织"
        case .socialWorker: "社会工作者"
        case .volunteer: "社区志愿者"
        case .charity: "社会慈善资源"
        }
    }
}

/// Where a group (小组, MZ/T 095) stands: planned until its first session, running, then ended
/// with a summary. An ended group takes no more sessions or members.
public enum GroupPhase: String, Codable, Sendable, CaseIterable {
    case planned
    case running
    case ended

    public var label: String {
        switch self {
        case .planned: "筹备中"
        case .running: "开展中"
        case .ended: "已结束"
        }
    }
}

/// Where a case came from (接案来源, MZ/T 094).
public enum CaseSource: String, Codable, Sendable, CaseIterable {
    case selfReferred = "self"
    case family
    case villageCommittee = "village_committee"
    case gridReport = "grid_report"
    case referral
    case outreach

    public var label: String {
        switch self {
        case .selfReferred: "本人求助"
        case .family: "家属求助"
        case .villageCommittee: "村（居）委会反映"
        case .gridReport: "网格员上报"
        case .referral: "转介"
        case .outreach: "社工主动发现"
        }
    }
}

/// The risk level of a case's assessment (预估). `crisis` starts V-7's crisis plan clock.
public enum RiskLevel: String, Codable, Sendable, CaseIterable {
    case low, medium, high, crisis

    public var label: String {
        switch self {
        case .low: "低风险"
        case .medium: "中风险"
        case .high: "高风险"
        case .crisis: "危机"
        }
    }
}

/// How far a plan's goal was met at the case's evaluation (评估).
public enum GoalOutcome: String, Codable, Sendable, CaseIterable {
    case met
    case partly
    case notMet = "not_met"

    public var label: String {
        switch self {
        case .met: "达成"
        case .partly: "部分达成"
        case .notMet: "未达成"
        }
    }
}

/// Why a case was closed (结案原因, MZ/T 094). Only `goalsMet` and `goalsPartlyMet` follow an
/// evaluation; the others may end a case at any stage (the person moved, refused, died …).
public enum CaseCloseReason: String, Codable, Sendable, CaseIterable {
    case goalsMet = "goals_met"
    case goalsPartlyMet = "goals_partly_met"
    case referred
    case refused
    case lostContact = "lost_contact"
    case movedOut = "moved_out"
    case deceased

    public var label: String {
        switch self {
        case .goalsMet: "服务目标达成"
        case .goalsPartlyMet: "服务目标部分达成，服务对象可自行应对"
        case .referred: "转介其他机构"
        case .refused: "服务对象拒绝继续服务"
        case .lostContact: "失去联系"
        case .movedOut: "服务对象迁出"
        case .deceased: "服务对象去世"
        }
    }

    /// Whether the reason says how the goals went, which only an evaluation can tell.
    public var needsEvaluation: Bool { self == .goalsMet || self == .goalsPartlyMet }
}

/// A home or phone visit (家访/电访).
public enum VisitKind: String, Codable, Sendable, CaseIterable {
    case home
    case phone

    public var label: String { self == .home ? "家访" : "电访" }
    public var serviceKind: ServiceKind { self == .home ? .homeVisit : .phoneVisit }
}
