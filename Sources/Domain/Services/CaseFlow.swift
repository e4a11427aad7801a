import Foundation

/// The stages of a case (个案, MZ/T 094): 接案 → 预估 → 计划 → 介入 → 评估 → 结案, with 回访 after
/// the intervention, and reopening of a closed case.
public enum CaseStage: String, Codable, Sendable, CaseIterable {
    case intake, assessment, planning, intervention, evaluation, closed

    public var label: String {
        switch self {
        case .intake: "接案"
        case .assessment: "预估"
        case .planning: "计划"
        case .intervention: "介入"
        case .evaluation: "评估"
        case .closed: "结案"
        }
    }

    public var isOpen: Bool { self != .closed }
}

/// What a worker does to a case. Each step is allowed in some stages only, and may move the case on.
public enum CaseStep: String, Codable, Sendable, CaseIterable {
    case assess, plan, intervene, evaluate, close, followUp = "follow_up", reopen

    public var label: String {
        switch self {
        case .assess: "预估"
        case .plan: "制定服务计划"
        case .intervene: "记录介入"
        case .evaluate: "评估"
        case .close: "结案"
        case .followUp: "回访"
        case .reopen: "重新开案"
        }
    }

    /// The stages the step may be taken in. A re-assessment or a revised plan is taken while the
    /// case is under way; it is a new version, the earlier one stays.
    public var allowedIn: [CaseStage] {
        switch self {
        case .assess: [.intake, .assessment, .planning, .intervention]
        case .plan: [.assessment, .planning, .intervention]
        case .intervene: [.planning, .intervention]
        case .evaluate: [.intervention, .evaluation]
        case .close: [.intake, .assessment, .planning, .intervention, .evaluation]
        case .followUp: [.evaluation, .closed]
        case .reopen: [.closed]
        }
    }
}

/// The case's workflow as a rule: which step is legal when, and where it leads.
public enum CaseFlow {
    public struct Refusal: Error, Equatable, Sendable {
        public let message: String
        public init(message: String) { self.message = message }
    }

    /// The stage after `step`, or why the step is not allowed now.
    /// - Parameters:
    ///   - interventions: the dated interventions recorded so far; an evaluation needs one.
    ///   - closeReason: for `.close`; a reason that speaks of goals needs the evaluation first.
    public static func next(_ stage: CaseStage, _ step: CaseStep, interventions: Int = 0,
                            closeReason: CaseCloseReason? = nil) -> Result<CaseStage, Refusal> {
        guard step.allowedIn.contains(stage) else {
            let stages = step.allowedIn.map { "“\($0.label)”" }.joined(separator: "、")
            return .failure(Refusal(message: "个案当前处于“\(stage.label)”阶段，不能\(step.label)（只能在\(stages)阶段\(step.label)）"))
        }
        switch step {
        case .assess: return .success(stage == .intake ? .assessment : stage)
        case .plan: return .success(stage == .assessment ? .planning : stage)
        case .intervene: return .success(.intervention)
        case .evaluate:
            if interventions == 0 { return .failure(Refusal(message: "尚未记录任何介入服务，不能评估")) }
            return .success(.evaluation)
        case .close:
            if let closeReason, closeReason.needsEvaluation, stage != .evaluation {
                return .failure(Refusal(message: "结案原因“\(closeReason.label)”须先完成评估（个案当前处于“\(stage.label)”阶段）"))
            }
            return .success(.closed)
        case .followUp: return .success(stage)
        case .reopen: return .success(.assessment)
        }
    }
}
