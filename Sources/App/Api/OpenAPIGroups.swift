import Domain
import Vapor

/// The OpenAPI part of group work (issue 10 §3), joined into the document beside case work.
extension OpenAPI {
    static var groupOperations: [Operation] {
        [
            .init(method: .GET, route: .groups, summary: "小组列表（管辖范围内）", query: ["station", "phase", "page", "per"], body: nil, status: 200),
            .init(method: .POST, route: .groups, summary: "开设小组：目标、目标组员、计划节数；同站同年名称不可重复（409）", query: [], body: "GroupInput", status: 201),
            .init(method: .GET, route: .group(.key), summary: "小组全貌：组员、每节活动的出席和前后测", query: [], body: nil, status: 200),
            .init(method: .POST, route: .groupMembers(.key), summary: "添加组员（本站在册的服务对象；已是组员 409）", query: [], body: "GroupMembersInput", status: 201),
            .init(method: .POST, route: .groupSessions(.key),
                  summary: "记录一节活动：出席组员和其他参加人数记入服务台账（小组工作）；小组已结束或重复提交 409", query: [], body: "GroupSessionInput", status: 201),
            .init(method: .POST, route: .groupEnding(.key), summary: "结束小组并写小组总结；已结束 409", query: [], body: "GroupEndInput", status: 200),
            .init(method: .PUT, route: .groupNextSession(.key),
                  summary: "安排下次活动日期（当天列入本站社工首页的“今天的小组活动”）；on 为空则取消；不能早于今天或小组开始日期（422）；已结束 409",
                  query: [], body: "GroupNextSessionInput", status: 200),
        ]
    }

    static var groupSchemas: [String: Any] {
        func open(_ properties: [String: Any], required: [String] = []) -> [String: Any] { object(properties, required: required, closed: false) }
        let score: [String: Any] = nullable(["type": "integer", "minimum": 0, "maximum": 100])
        let member = open(["id": uuid, "name": string, "joined_on": date], required: ["id", "name", "joined_on"])
        return [
            "GroupInput": object(["station_id": nullable(uuid), "name": text(TextLimit.short), "field": nullable(string), "item": nullable(string),
                                  "featured_project_id": featuredProject,
                                  "goals": text(TextLimit.long), "target": text(TextLimit.short),
                                  "planned_sessions": ["type": "integer", "minimum": 1, "maximum": 100], "starts_on": date, "next_session_on": nullable(date),
                                  "responsible_id": nullable(uuid), "member_ids": nullable(["type": "array", "items": uuid])],
                                 required: ["name", "goals", "target", "planned_sessions", "starts_on"]),
            "GroupMembersInput": object(["recipient_ids": ["type": "array", "items": uuid, "minItems": 1], "joined_on": nullable(date)],
                                        required: ["recipient_ids"]),
            "GroupSessionInput": object(["on": date, "minutes": ["type": "integer", "minimum": 1, "maximum": 1440], "content": text(TextLimit.long),
                                         "attendee_ids": nullable(["type": "array", "items": uuid]),
                                         "others_count": nullable(["type": "integer", "minimum": 0, "maximum": 10_000]),
                                         "measures": nullable(["type": "array", "items": object(["recipient_id": uuid, "pre": score, "post": score],
                                                                                                  required: ["recipient_id"])])],
                                        required: ["on", "minutes", "content"]),
            "GroupNextSessionInput": object(["on": nullable(date)], required: []),
            "GroupEndInput": object(["on": date, "summary": text(TextLimit.long)], required: ["on", "summary"]),
            "GroupSummary": open(["id": uuid, "name": string, "station_id": uuid, "station_name": string, "phase": oneOf(GroupPhase.self),
                                  "phase_label": string, "field": string, "planned_sessions": ["type": "integer"], "sessions_held": ["type": "integer"],
                                  "member_count": ["type": "integer"], "starts_on": date],
                                 required: ["id", "name", "station_id", "phase", "planned_sessions", "sessions_held", "member_count"]),
            "GroupPage": open(["items": ["type": "array", "items": ["$ref": "#/components/schemas/GroupSummary"]], "page": ["type": "integer"],
                               "per": ["type": "integer"], "total": ["type": "integer"]], required: ["items", "page", "per", "total"]),
            "Group": open(["id": uuid, "name": string, "station_id": uuid, "phase": oneOf(GroupPhase.self), "phase_label": string, "field": string,
                           "goals": string, "target": string, "planned_sessions": ["type": "integer"], "starts_on": date, "ended_on": date,
                           "summary": string, "next_session_on": nullable(date), "members": ["type": "array", "items": member],
                           "sessions": ["type": "array", "items": open(["id": uuid, "number": ["type": "integer"], "on": date, "minutes": ["type": "integer"],
                                                                         "content": string, "attendees": ["type": "array", "items": member],
                                                                         "others_count": ["type": "integer"], "people_count": ["type": "integer"],
                                                                         "measures": ["type": "array", "items": open([:])]],
                                                                        required: ["id", "number", "on", "minutes", "content", "attendees", "people_count"])]],
                          required: ["id", "name", "station_id", "phase", "members", "sessions"]),
        ]
    }

    static var groupResponses: [String: String] {
        [key(.GET, .groups): "GroupPage", key(.POST, .groups): "Group", key(.GET, .group(.key)): "Group",
         key(.POST, .groupMembers(.key)): "Group", key(.POST, .groupSessions(.key)): "Group", key(.POST, .groupEnding(.key)): "Group", key(.PUT, .groupNextSession(.key)): "Group",
         key(.GET, .dashboard): "Dashboard"]
    }
}

/// The OpenAPI part of the service dashboards (issue 10 §5).
extension OpenAPI {
    static var dashboardOperations: [Operation] {
        [.init(method: .GET, route: .dashboard,
               summary: "服务统计：社工站（station）或街道、区县、市（unit）一年的服务记录、服务人次、服务对象（去重），按月、领域、服务内容、方法、类别，未结案个案按风险等级；都不给出时为调用者本人的站点或单位",
               query: ["station", "unit", "year"], body: nil, status: 200)]
    }

    static var dashboardSchemas: [String: Any] {
        let count: [String: Any] = ["type": "integer"]
        let line = object(["code": string, "label": string, "records": count, "people": count], required: ["code", "label", "records", "people"], closed: false)
        let lines: [String: Any] = ["type": "array", "items": line]
        return ["Dashboard": object([
            "place": object(["kind": string, "id": uuid, "name": string], required: ["kind", "id", "name"], closed: false), "year": count,
            "totals": object(["records": count, "people": count, "recipients": count, "minutes": count], required: ["records", "people", "recipients", "minutes"], closed: false),
            "by_month": ["type": "array", "items": object(["month": count, "records": count, "people": count], required: ["month", "records", "people"], closed: false)],
            "by_field": lines, "by_item": lines, "by_method": lines, "by_kind": lines, "by_place": lines,
            "open_cases_by_risk": ["type": "array", "items": object(["risk_level": nullable(oneOf(RiskLevel.self)), "label": string, "count": count],
                                                                     required: ["label", "count"], closed: false)],
        ], required: ["place", "year", "totals", "by_month", "by_field", "by_item", "by_method", "by_kind", "open_cases_by_risk", "by_place"], closed: false)]
    }
}

/// The OpenAPI part of community work (issue 10 §3).
extension OpenAPI {
    static var communityOperations: [Operation] {
        [
            .init(method: .GET, route: .communityEvents, summary: "社区活动（管辖范围内，新的在前）", query: ["station", "page", "per"], body: nil, status: 200),
            .init(method: .POST, route: .communityEvents, summary: "记录社区活动：地点为本街道的村（社区），至少一个联动主体（R-5），记入服务台账（社区工作）；同日同名 409",
                  query: [], body: "CommunityEventInput", status: 201),
            .init(method: .GET, route: .communityEvent(.key), summary: "社区活动全貌，含照片列表", query: [], body: nil, status: 200),
            .init(method: .POST, route: .communityEventPhotos(.key), summary: "上传活动照片（multipart，字段 photo：JPEG、PNG 或 PDF，不超过 20 MB）",
                  query: [], body: nil, status: 201),
            .init(method: .GET, route: .communityEventPhoto(.key), summary: "下载活动照片（inline=1 时在浏览器中显示；记入审计日志）", query: ["inline"], body: nil, status: 200),
        ]
    }

    static var communitySchemas: [String: Any] {
        let event = object(["id": uuid, "station_id": uuid, "title": string, "on": date, "minutes": ["type": "integer"], "place_id": uuid, "place_name": string,
                            "content": string, "partners": ["type": "array", "items": oneOf(LinkagePartner.self)], "people_count": ["type": "integer"],
                            "others_count": ["type": "integer"], "recipients": ["type": "array", "items": object(["id": uuid, "name": string], closed: false)],
                            "photos": ["type": "array", "items": object(["id": uuid, "name": string], closed: false)]],
                           required: ["id", "station_id", "title", "on", "minutes", "place_id", "partners", "people_count", "photos"], closed: false)
        return [
            "CommunityEventInput": object(["station_id": nullable(uuid), "title": text(TextLimit.short), "on": date,
                                           "minutes": ["type": "integer", "minimum": 1, "maximum": 1440], "place_id": uuid, "content": text(TextLimit.long),
                                           "field": nullable(string), "item": nullable(string), "featured_project_id": featuredProject,
                                           "others_count": nullable(["type": "integer", "minimum": 0, "maximum": 10_000]),
                                           "recipient_ids": nullable(["type": "array", "items": uuid]),
                                           "partners": ["type": "array", "items": oneOf(LinkagePartner.self), "minItems": 1]],
                                          required: ["title", "on", "minutes", "place_id", "content", "partners"]),
            "PhotoForm": ["type": "object", "required": ["photo"],
                          "properties": ["photo": ["type": "string", "contentMediaType": "application/octet-stream", "description": "JPEG、PNG 或 PDF，不超过 20 MB"]]],
            "CommunityEvent": event,
            "CommunityEventPage": object(["items": ["type": "array", "items": ["$ref": "#/components/schemas/CommunityEvent"]], "page": ["type": "integer"],
                                          "per": ["type": "integer"], "total": ["type": "integer"]], required: ["items", "page", "per", "total"], closed: false),
        ]
    }

    static var communityResponses: [String: String] {
        [key(.GET, .communityEvents): "CommunityEventPage", key(.POST, .communityEvents): "CommunityEvent", key(.GET, .communityEvent(.key)): "CommunityEvent",
         key(.POST, .communityEventPhotos(.key)): "CommunityEvent"]
    }
}

/// The OpenAPI part of the focus service fields (V-5, V-6; issue 10 §4).
extension OpenAPI {
    static var focusOperations: [Operation] {
        [
            .init(method: .GET, route: .stationFocusFields(.key), summary: "站点某年的重点服务领域（V-5）及各领域本年的个案、小组、社区工作案例数（V-6 口径）",
                  query: ["year"], body: nil, status: 200),
            .init(method: .PUT, route: .stationFocusFields(.key), summary: "选定某年的重点服务领域：超过本市规定的上限为 422；每次变更保存为新版本",
                  query: [], body: "FocusFieldsInput", status: 200),
        ]
    }

    static var focusSchemas: [String: Any] {
        let count: [String: Any] = ["type": "integer"]
        return [
            "FocusFieldsInput": object(["year": nullable(count), "fields": ["type": "array", "items": string, "minItems": 1]], required: ["fields"]),
            "FocusFields": object(["station_id": uuid, "year": count, "version": count, "chosen_by_name": nullable(string),
                                   "fields": ["type": "array", "items": object(["code": string, "label": string, "case_work": count, "group_work": count,
                                                                                "community_work": count], required: ["code", "case_work", "group_work", "community_work"],
                                                                               closed: false)],
                                   "min_fields": nullable(count), "max_fields": nullable(count)],
                                  required: ["station_id", "year", "version", "fields"], closed: false),
        ]
    }

    static var focusResponses: [String: String] {
        [key(.GET, .stationFocusFields(.key)): "FocusFields", key(.PUT, .stationFocusFields(.key)): "FocusFields"]
    }
}

/// The OpenAPI part of referrals (V-11; issue 10 §2).
extension OpenAPI {
    static var referralOperations: [Operation] {
        [
            .init(method: .GET, route: .referrals, summary: "转介：box=out 本站转出（默认），box=in 其他社工站转入本站", query: ["box", "status", "page", "per"], body: nil, status: 200),
            .init(method: .POST, route: .referrals, summary: "转介一名服务对象到街道部门、其他机构或本市其他社工站；同一去向未办结时 409", query: [], body: "ReferralInput", status: 201),
            .init(method: .GET, route: .referral(.key), summary: "一条转介（转出站与接收站均可查看）", query: [], body: nil, status: 200),
            .init(method: .POST, route: .referralAnswers(.key),
                  summary: "答复转介：已转出 → 接收或拒绝，已接收 → 办结；转给社工站的由接收站答复，其他由转出站记录；状态不符 409", query: [], body: "ReferralAnswerInput", status: 200),
        ]
    }

    static var referralSchemas: [String: Any] {
        [
            "ReferralInput": object(["recipient_id": uuid, "case_id": nullable(uuid), "target": oneOf(ReferralTarget.self), "target_station_id": nullable(uuid),
                                     "target_name": nullable(text(TextLimit.short)), "reason": text(TextLimit.long), "on": nullable(date)],
                                    required: ["recipient_id", "target", "reason"]),
            "ReferralAnswerInput": object(["status": ["type": "string", "enum": ["accepted", "declined", "done"]], "on": nullable(date),
                                           "note": nullable(text(TextLimit.long))], required: ["status"]),
            "Referral": object(["id": uuid, "station_id": uuid, "recipient_id": uuid, "recipient_name": string, "target": oneOf(ReferralTarget.self),
                                "target_name": string, "reason": string, "status": oneOf(ReferralStatus.self), "sent_on": date, "can_answer": bool],
                               required: ["id", "station_id", "recipient_id", "target", "target_name", "status", "sent_on", "can_answer"], closed: false),
            "ReferralPage": object(["items": ["type": "array", "items": ["$ref": "#/components/schemas/Referral"]], "page": ["type": "integer"],
                                    "per": ["type": "integer"], "total": ["type": "integer"]], required: ["items", "page", "per", "total"], closed: false),
        ]
    }

    static var referralResponses: [String: String] {
        [key(.GET, .referrals): "ReferralPage", key(.POST, .referrals): "Referral", key(.GET, .referral(.key)): "Referral",
         key(.POST, .referralAnswers(.key)): "Referral"]
    }
}

/// The OpenAPI part of social-assistance requests (V-10; issue 10 §2).
extension OpenAPI {
    static var assistanceOperations: [Operation] {
        [
            .init(method: .GET, route: .assistanceRequests, summary: "社会救助协助记录（管辖范围内；status=open 办理中，closed 已办结）",
                  query: ["station", "status", "page", "per"], body: nil, status: 200),
            .init(method: .POST, route: .assistanceRequests, summary: "登记一名服务对象的救助求助：三种情形之一、求助事项、本站所做的工作", query: [], body: "AssistanceInput", status: 201),
            .init(method: .GET, route: .assistanceRequest(.key), summary: "一条救助协助记录", query: [], body: nil, status: 200),
            .init(method: .POST, route: .assistanceOutcome(.key), summary: "办结并记录结果；已办结 409", query: [], body: "AssistanceOutcomeInput", status: 200),
        ]
    }

    static var assistanceSchemas: [String: Any] {
        [
            "AssistanceInput": object(["recipient_id": uuid, "case_id": nullable(uuid), "situation": oneOf(AssistanceSituation.self), "on": nullable(date),
                                       "need": text(TextLimit.long), "action": text(TextLimit.long),
                                       "policy_ids": nullable(["type": "array", "items": uuid, "description": "适用的政策（本市政策资源库中的，本市的或本站补充的）"])],
                                      required: ["recipient_id", "situation", "need", "action"]),
            "AssistanceOutcomeInput": object(["on": nullable(date), "outcome": text(TextLimit.long)], required: ["outcome"]),
            "Assistance": object(["id": uuid, "station_id": uuid, "recipient_id": uuid, "recipient_name": string, "situation": oneOf(AssistanceSituation.self),
                                  "requested_on": date, "need": string, "action": string, "closed_on": nullable(date), "outcome": nullable(string),
                                  "policies": ["type": "array", "items": object(["id": uuid, "title": string, "doc_number": nullable(string)], closed: false)]],
                                 required: ["id", "station_id", "recipient_id", "situation", "requested_on", "need", "action"], closed: false),
            "AssistancePage": object(["items": ["type": "array", "items": ["$ref": "#/components/schemas/Assistance"]], "page": ["type": "integer"],
                                      "per": ["type": "integer"], "total": ["type": "integer"]], required: ["items", "page", "per", "total"], closed: false),
        ]
    }

    static var assistanceResponses: [String: String] {
        [key(.GET, .assistanceRequests): "AssistancePage", key(.POST, .assistanceRequests): "Assistance", key(.GET, .assistanceRequest(.key)): "Assistance",
         key(.POST, .assistanceOutcome(.key)): "Assistance"]
    }
}
