import Domain
import Fluent
import Foundation

/// A case (个案, MZ/T 094) of one station, for one or more recipients, with a responsible worker.
/// See `M011_ServiceLedger`; the stage moves only through `CaseFlow`.
final class ServiceCase: Model, @unchecked Sendable {
    static let schema = "cases"

    @ID(key: .id) var id: UUID?
    /// The year the case was opened (its number's year).
    @Field(key: "year") var year: Int
    @Parent(key: "station_id") var station: Station
    @Field(key: "city_id") var cityID: UUID
    @Field(key: "district_id") var districtID: UUID
    @Field(key: "path") var path: String
    /// The station's own number, `2026-0001`.
    @Field(key: "number") var number: String
    @Field(key: "source") var source: CaseSource
    /// The presenting problem (求助问题), as told at intake.
    @Field(key: "problem") var problem: String
    /// The day the recipient (or guardian) consented to the service (知情同意).
    @Field(key: "consent_on") var consentOn: String
    @Field(key: "field") var field: String
    @OptionalField(key: "item") var item: String?
    @Field(key: "stage") var stage: CaseStage
    /// From the latest assessment; nil before the first.
    @OptionalField(key: "risk_level") var riskLevel: RiskLevel?
    @Field(key: "responsible_id") var responsibleID: UUID
    @Field(key: "responsible_name") var responsibleName: String
    @Field(key: "opened_on") var openedOn: String
    @OptionalField(key: "closed_on") var closedOn: String?
    @OptionalField(key: "close_reason") var closeReason: CaseCloseReason?
    @OptionalField(key: "outcome") var outcome: String?
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["station_id": $station.id.uuidString, "number": number, "source": source.rawValue, "problem": problem, "consent_on": consentOn,
         "field": field, "item": item ?? "", "stage": stage.rawValue, "risk_level": riskLevel?.rawValue ?? "",
         "responsible_id": responsibleID.uuidString, "opened_on": openedOn, "closed_on": closedOn ?? "",
         "close_reason": closeReason?.rawValue ?? "", "outcome": outcome ?? ""]
    }
}

/// An assessment (预估) of a case: a version; the latest is the current one.
final class CaseAssessment: Model, @unchecked Sendable {
    static let schema = "case_assessments"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "assessed_on") var assessedOn: String
    @Field(key: "risk_level") var riskLevel: RiskLevel
    @Field(key: "strengths") var strengths: String
    @Field(key: "resources") var resources: String
    /// The recipients' needs (V-8 needs list) the case takes on, as a JSON array of ids.
    @Field(key: "need_ids") var needIDs: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_by_name") var createdByName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var needs: [UUID] { (try? JSONDecoder().decode([UUID].self, from: Data(needIDs.utf8))) ?? [] }
}

/// A service plan (计划): goals and the service list (V-8: item, who, by when). A version.
final class CasePlan: Model, @unchecked Sendable {
    static let schema = "case_plans"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "planned_on") var plannedOn: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_by_name") var createdByName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

final class CaseGoal: Model, @unchecked Sendable {
    static let schema = "case_goals"

    @ID(key: .id) var id: UUID?
    @Field(key: "plan_id") var planID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "text") var text: String

    init() {}
}

/// One line of a plan's service list (服务清单, V-8).
final class CasePlanItem: Model, @unchecked Sendable {
    static let schema = "case_plan_items"

    @ID(key: .id) var id: UUID?
    @Field(key: "plan_id") var planID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "what") var what: String
    @Field(key: "who") var who: String
    @Field(key: "due_on") var dueOn: String

    init() {}
}

/// An evaluation (评估) of a case against its plan's goals. A version.
final class CaseEvaluation: Model, @unchecked Sendable {
    static let schema = "case_evaluations"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "plan_id") var planID: UUID
    @Field(key: "evaluated_on") var evaluatedOn: String
    @Field(key: "summary") var summary: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_by_name") var createdByName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// An entry of a case's timeline: every step taken, with the stage before and after.
final class CaseEvent: Model, @unchecked Sendable {
    static let schema = "case_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "step") var step: String
    @Field(key: "happened_on") var happenedOn: String
    @OptionalField(key: "from_stage") var fromStage: CaseStage?
    @Field(key: "to_stage") var toStage: CaseStage
    @Field(key: "detail") var detail: String
    @Field(key: "actor_id") var actorID: UUID
    @Field(key: "actor_name") var actorName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    /// The step's label, or 接案 for the case's opening.
    var stepLabel: String { CaseStep(rawValue: step)?.label ?? "接案" }
}

/// A home or phone visit (家访/电访): what only a visit has, beside its ledger row.
final class Visit: Model, @unchecked Sendable {
    static let schema = "visits"

    @ID(key: .id) var id: UUID?
    @Field(key: "year") var year: Int
    @Parent(key: "station_id") var station: Station
    @Parent(key: "recipient_id") var recipient: Recipient
    @Field(key: "record_id") var recordID: UUID
    @Field(key: "kind") var kind: VisitKind
    @Field(key: "visited_on") var visitedOn: String
    @Field(key: "findings") var findings: String
    @Field(key: "follow_up_needed") var followUpNeeded: Bool
    /// When the follow-up it needed was done, and by whom (issue 10 §5, M019).
    @OptionalField(key: "follow_up_done_on") var followUpDoneOn: String?
    @OptionalField(key: "follow_up_done_by") var followUpDoneBy: UUID?
    @OptionalField(key: "follow_up_done_by_name") var followUpDoneByName: String?
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}
