import Domain
import Vapor

/// The OpenAPI part of case work, visits and a recipient's services (issue 10 §2, §3, §5), joined into
/// the document by `OpenAPI.operations`, `schemas` and `responseBodies`.
extension OpenAPI {
    static var caseworkOperations: [Operation] {
        [
            .init(method: .GET, route: .cases, summary: "个案列表（管辖范围内；督导为其派驻站点的个案）", query: ["station", "stage", "mine", "page", "per"], body: nil, status: 200),
            .init(method: .POST, route: .cases, summary: "开案（接案）：服务对象须为本站在册人员，须有知情同意日期", query: [], body: "CaseInput", status: 201),
            .init(method: .GET, route: .serviceCase(.key), summary: "个案全貌：现行预估、计划、评估，全部服务记录和时间线", query: [], body: nil, status: 200),
            .init(method: .GET, route: .visits, summary: "家访、电访记录（管辖范围内）", query: ["station", "recipient", "page", "per"], body: nil, status: 200),
            .init(method: .POST, route: .visits, summary: "记录一次家访或电访（同时记入服务台账）", query: [], body: "VisitInput", status: 201),
            .init(method: .POST, route: .visitFollowUp(.key),
                  summary: "记录标记“需跟进”的走访已跟进完成（本站社工；记录日期和记录人）：未标记需跟进或已记录 409；其他街道的走访 404",
                  query: [], body: "FollowUpDoneInput", status: 200),
            .init(method: .GET, route: .recipientServices(.key), summary: "服务对象接受的全部服务（服务台账，新的在前）", query: [], body: nil, status: 200),
            .init(method: .GET, route: .serviceRecord(.key), summary: "一条服务记录：现行版本、服务对象和更正前的各版本", query: [], body: nil, status: 200),
            .init(method: .POST, route: .serviceRecordCorrections(.key),
                  summary: "更正一条服务记录：成为新版本，原版本连同更正人和原因保留；version 须为现行版本，否则 409；未给出的字段不变；日期和方法只有家访、电访可改",
                  query: [], body: "ServiceCorrectionInput", status: 200),
        ] + CaseStep.allCases.map { step in
            .init(method: .POST, route: .caseStep(.key, step), summary: "个案\(step.label)：只能在" + step.allowedIn.map(\.label).joined(separator: "、")
                  + "阶段进行，否则 409；返回个案全貌", query: [], body: stepBody(step), status: step == .close || step == .reopen ? 200 : 201)
        }
    }

    private static func stepBody(_ step: CaseStep) -> String {
        switch step {
        case .assess: "AssessmentInput"
        case .plan: "PlanInput"
        case .intervene, .followUp: "CaseServiceInput"
        case .evaluate: "EvaluationInput"
        case .close: "CloseInput"
        case .reopen: "ReopenInput"
        }
    }

    static var caseworkSchemas: [String: Any] {
        func open(_ properties: [String: Any], required: [String] = []) -> [String: Any] { object(properties, required: required, closed: false) }
        let minutes: [String: Any] = ["type": "integer", "minimum": 1, "maximum": 1440]
        let others: [String: Any] = ["type": "integer", "minimum": 0, "maximum": 10_000]
        let tag: [String: Any] = ["field": nullable(string), "item": nullable(string), "method": nullable(oneOf(ServiceMethod.self)),
                                  "featured_project_id": featuredProject]
        return [
            "CaseInput": object(["station_id": nullable(uuid), "recipient_ids": ["type": "array", "items": uuid, "minItems": 1],
                                 "source": oneOf(CaseSource.self), "problem": text(TextLimit.long), "consent_on": date,
                                 "field": string, "item": nullable(string), "responsible_id": nullable(uuid), "opened_on": nullable(date)],
                                required: ["recipient_ids", "source", "problem", "consent_on", "field"]),
            "AssessmentInput": object(["assessed_on": date, "risk_level": oneOf(RiskLevel.self), "strengths": text(TextLimit.long),
                                       "resources": text(TextLimit.long), "need_ids": nullable(["type": "array", "items": uuid]),
                                       "policy_ids": nullable(["type": "array", "items": uuid, "description": "适用的政策（本市政策资源库中的，本市的或本站补充的；V-10）"])],
                                      required: ["assessed_on", "risk_level", "strengths", "resources"]),
            "PlanInput": object(["planned_on": date, "goals": ["type": "array", "items": text(TextLimit.short), "minItems": 1],
                                 "items": ["type": "array", "minItems": 1, "items": object(["what": text(TextLimit.short), "who": text(TextLimit.name), "due_on": date],
                                                                                           required: ["what", "who", "due_on"])]],
                                required: ["planned_on", "goals", "items"]),
            "CaseServiceInput": object(["on": date, "minutes": minutes, "content": text(TextLimit.long), "others_count": nullable(others)]
                                        .merging(tag) { a, _ in a }, required: ["on", "minutes", "content"]),
            "EvaluationInput": object(["evaluated_on": date, "summary": text(TextLimit.long),
                                       "goals": ["type": "array", "items": object(["goal_id": uuid, "outcome": oneOf(GoalOutcome.self)], required: ["goal_id", "outcome"])]],
                                      required: ["evaluated_on", "summary", "goals"]),
            "CloseInput": object(["on": date, "reason": oneOf(CaseCloseReason.self), "outcome": text(TextLimit.long)], required: ["on", "reason", "outcome"]),
            "ReopenInput": object(["on": date, "reason": text(TextLimit.short)], required: ["on", "reason"]),
            "VisitInput": object(["recipient_id": uuid, "kind": oneOf(VisitKind.self), "on": date, "minutes": minutes, "content": text(TextLimit.long),
                                  "findings": text(TextLimit.long), "follow_up_needed": nullable(bool), "others_count": nullable(others)].merging(tag) { a, _ in a },
                                 required: ["recipient_id", "kind", "on", "minutes", "content", "findings"]),
            "CaseSummary": open(["id": uuid, "number": string, "station_id": uuid, "station_name": string, "recipient_names": string,
                                 "stage": oneOf(CaseStage.self), "stage_label": string, "risk_level": oneOf(RiskLevel.self), "field": string,
                                 "responsible_name": string, "opened_on": date, "closed_on": date],
                                required: ["id", "number", "station_id", "stage", "stage_label", "opened_on"]),
            "CasePage": open(["items": ["type": "array", "items": ["$ref": "#/components/schemas/CaseSummary"]], "page": ["type": "integer"],
                              "per": ["type": "integer"], "total": ["type": "integer"]], required: ["items", "page", "per", "total"]),
            "Case": open(["id": uuid, "number": string, "station_id": uuid, "stage": oneOf(CaseStage.self), "stage_label": string,
                          "source": oneOf(CaseSource.self), "problem": string, "consent_on": date, "field": string, "field_label": string,
                          "risk_level": oneOf(RiskLevel.self), "responsible_name": string, "opened_on": date, "closed_on": date,
                          "close_reason": oneOf(CaseCloseReason.self), "recipients": ["type": "array", "items": open(["id": uuid, "name": string])],
                          "assessment": open([:]), "plan": open([:]), "evaluation": open([:]),
                          "services": ["type": "array", "items": open(["id": uuid, "kind": oneOf(ServiceKind.self), "on": date, "minutes": ["type": "integer"]])],
                          "events": ["type": "array", "items": open([:])],
                          "next_steps": ["type": "array", "items": oneOf(CaseStep.self)],
                          "supervision": ["type": "array", "description": "讨论过本个案的督导记录（新的在前；调用者可查看本站督导记录时列出）",
                                          "items": open(["record_id": uuid, "station_id": uuid, "year": ["type": "integer"], "held_on": date,
                                                         "supervisor_name": string, "form": oneOf(SupervisionForm.self), "form_label": string, "topic": string],
                                                        required: ["record_id", "station_id", "year", "held_on", "supervisor_name", "form", "form_label", "topic"])]],
                         required: ["id", "number", "station_id", "stage", "recipients", "services", "events", "next_steps", "supervision"]),
            "Visit": open(["id": uuid, "recipient_id": uuid, "recipient_name": string, "kind": oneOf(VisitKind.self), "on": date,
                           "minutes": ["type": "integer"], "content": string, "findings": string, "follow_up_needed": bool,
                           "follow_up_done_on": nullable(date), "follow_up_done_by_name": nullable(string)],
                          required: ["id", "recipient_id", "kind", "on", "minutes", "content", "findings", "follow_up_needed"]),
            "FollowUpDoneInput": object(["on": nullable(["type": "string", "format": "date", "description": "跟进日期：不早于走访日期、不晚于今天；省略为今天"])]),
            "VisitPage": open(["items": ["type": "array", "items": ["$ref": "#/components/schemas/Visit"]], "page": ["type": "integer"],
                               "per": ["type": "integer"], "total": ["type": "integer"]], required: ["items", "page", "per", "total"]),
            "ServiceCorrectionInput": object(["version": ["type": "integer", "minimum": 1], "on": nullable(date), "minutes": nullable(minutes),
                                              "content": nullable(text(TextLimit.long)), "others_count": nullable(others), "reason": text(TextLimit.short)]
                                              .merging(tag) { a, _ in a }, required: ["version", "reason"]),
            "ServiceRecord": open(["id": uuid, "station_id": uuid, "station_name": string, "kind": oneOf(ServiceKind.self), "kind_label": string,
                                   "worker_name": string, "case_id": uuid, "recipients": ["type": "array", "items": open(["id": uuid, "name": string])],
                                   "current": open(["version": ["type": "integer"], "on": date, "minutes": ["type": "integer"], "content": string]),
                                   "earlier": ["type": "array", "items": open(["version": ["type": "integer"], "on": date, "reason": string])]],
                                  required: ["id", "station_id", "kind", "recipients", "current", "earlier"]),
            "ServiceLineList": ["type": "array", "items": open(["id": uuid, "version": ["type": "integer"], "on": date, "kind": oneOf(ServiceKind.self), "kind_label": string, "method_label": string,
                                                                 "field_label": string, "minutes": ["type": "integer"], "worker_name": string,
                                                                 "content": string, "case_id": uuid],
                                                                required: ["id", "version", "on", "kind", "minutes", "content"])],
        ]
    }

    static var caseworkResponses: [String: String] {
        var bodies = [key(.GET, .cases): "CasePage", key(.POST, .cases): "Case", key(.GET, .serviceCase(.key)): "Case",
                      key(.GET, .visits): "VisitPage", key(.POST, .visits): "Visit", key(.POST, .visitFollowUp(.key)): "Visit", key(.GET, .recipientServices(.key)): "ServiceLineList",
                      key(.GET, .serviceRecord(.key)): "ServiceRecord", key(.POST, .serviceRecordCorrections(.key)): "ServiceRecord"]
        for step in CaseStep.allCases { bodies[key(.POST, .caseStep(.key, step))] = "Case" }
        return bodies
    }
}
