import Vapor

/// A case opened at intake (接案), from the form or the API.
struct CaseInput: Content {
    var stationId: UUID?
    var recipientIds: [UUID]?
    var source: String?
    var problem: String?
    var consentOn: String?
    var field: String?
    var item: String?
    /// The responsible social worker's user account; the caller when omitted and a social worker.
    var responsibleId: UUID?
    var openedOn: String?
}

/// An assessment (预估): risk, strengths and resources, and which of the recipients' needs the case takes on.
struct AssessmentInput: Content {
    var assessedOn: String?
    var riskLevel: String?
    var strengths: String?
    var resources: String?
    var needIds: [UUID]?
    /// Policies of the city's library that apply (V-10).
    var policyIds: [UUID]?
}

/// A service plan (计划): goals, and the service list (V-8) of what is done, by whom, by when.
struct PlanInput: Content {
    struct Item: Content {
        var what: String?
        var who: String?
        var dueOn: String?
    }

    var plannedOn: String?
    var goals: [String]?
    var items: [Item]?
}

/// A dated service of the case: an intervention (介入) or a follow-up visit (回访).
struct CaseServiceInput: Content {
    var on: String?
    var minutes: Int?
    var content: String?
    /// Defaults to 个案工作.
    var method: String?
    /// Default to the case's field and item.
    var field: String?
    var item: String?
    /// One of the station's featured projects of the service's year, in place of the item (V-3).
    var featuredProjectId: UUID?
    var othersCount: Int?
}

/// An evaluation (评估): each goal of the current plan met, partly met or not.
struct EvaluationInput: Content {
    struct Goal: Content {
        var goalId: UUID?
        var outcome: String?
    }

    var evaluatedOn: String?
    var goals: [Goal]?
    var summary: String?
}

struct CloseInput: Content {
    var on: String?
    var reason: String?
    var outcome: String?
}

struct ReopenInput: Content {
    var on: String?
    var reason: String?
}
