import Domain
import Vapor

/// The OpenAPI part of the resource libraries (issue 11 §2): charity resources with their uses and
/// the five-society linkage counts.
extension OpenAPI {
    static var resourceOperations: [Operation] {
        [
            .init(method: .GET, route: .charityResources, summary: "社会慈善资源（管辖范围内，新的在前），可按类别、状态（available 可用、expired 已过期、used_up 已用完）和捐赠方筛选",
                  query: ["station", "kind", "status", "q", "page", "per"], body: nil, status: 200),
            .init(method: .POST, route: .charityResources,
                  summary: "登记接收的慈善资源（本站社工、承接机构）：资金以元计（两位小数），物资、服务、场地写明单位；同日同捐赠方同内容同数量 409",
                  query: [], body: "CharityResourceInput", status: 201),
            .init(method: .GET, route: .charityResource(.key), summary: "一项慈善资源及其使用记录和剩余", query: [], body: nil, status: 200),
            .init(method: .PATCH, route: .charityResource(.key),
                  summary: "更正慈善资源的登记信息（本站社工、承接机构；只改提交的字段，有效期至空串清除）：使用记录不在此更正；数量或金额少于已使用的 409，剩余随之调整；"
                      + "接收日期晚于最早使用日期或有效期早于最近使用日期 409",
                  query: [], body: "CharityResourcePatch", status: 200),
            .init(method: .POST, route: .charityResourceUses(.key),
                  summary: "登记一次使用：服务于本站的一个个案、服务对象或社区活动（他站的 422）；超过剩余 409（并发使用时亦然）；过期资源 422",
                  query: [], body: "CharityUseInput", status: 201),
            .init(method: .POST, route: .charityUseReversal(.key),
                  summary: "冲正一条使用记录：记一条相反的记录，数量退回剩余；每条只能冲正一次（409），冲正记录本身不能冲正", query: [], body: "CharityReversalInput", status: 201),
            .init(method: .GET, route: .fiveSocietyLinkage,
                  summary: "五社联动（R-5）：各站某年接收和使用的慈善资源数，社区活动中各联动主体参与的场次", query: ["year", "station"], body: nil, status: 200),
            .init(method: .GET, route: .libraryPolicies,
                  summary: "本市政策资源库（本市维护的和各站补充的），q 在名称、文号、发文机关、主要内容和适用对象中查找（空格分隔的词都要出现）",
                  query: ["q", "field", "validity", "page", "per"], body: nil, status: 200),
            .init(method: .POST, route: .libraryPolicies,
                  summary: "添加政策：不给 station_id 时加入本市政策资源库（市民政局）；给出时为该站补充的本站政策（本站社工、承接机构），全市可见；本市已有同名同文号的 409",
                  query: [], body: "LibraryPolicyInput", status: 201),
            .init(method: .GET, route: .libraryPolicy(.key), summary: "一项政策，含附件和在您管辖范围内的适用记录（个案预估、救助求助）", query: [], body: nil, status: 200),
            .init(method: .PATCH, route: .libraryPolicy(.key), summary: "更正政策（本市政策：市民政局；本站政策：该站社工、承接机构）；所属不能更改",
                  query: [], body: "LibraryPolicyInput", status: 200),
            .init(method: .POST, route: .libraryPolicyAttachments(.key), summary: "上传政策附件（multipart，字段 file：PDF、JPEG 或 PNG，不超过 20 MB）",
                  query: [], body: nil, status: 201),
            .init(method: .GET, route: .libraryPolicyFile(.key), summary: "下载政策附件（inline=1 时在浏览器中显示；记入审计日志）", query: ["inline"], body: nil, status: 200),
        ]
    }

    static var resourceSchemas: [String: Any] {
        let value: [String: Any] = ["type": "number", "minimum": 0.01, "maximum": CharityAmount.maxValue, "multipleOf": 0.01]
        let use = object(["id": uuid, "resource_id": uuid, "amount": ["type": "number"], "amount_text": string, "on": date, "purpose": string,
                          "served_kind": ["type": "string", "enum": ["case", "recipient", "event"]], "served_id": uuid, "served_label": string,
                          "reverses_id": nullable(uuid), "reversed": bool, "recorded_by_name": string],
                         required: ["id", "resource_id", "amount", "on", "purpose", "served_kind", "served_id", "reversed"], closed: false)
        let resource = object(["id": uuid, "station_id": uuid, "station_name": string, "donor_name": string, "donor_kind": oneOf(DonorKind.self),
                               "kind": oneOf(CharityKind.self), "description": string, "unit": string, "value": ["type": "number"],
                               "remaining": ["type": "number", "minimum": 0], "received_on": date, "expires_on": nullable(date), "expired": bool,
                               "uses": ["type": "array", "items": use], "created_at": dateTime, "updated_at": dateTime],
                              required: ["id", "station_id", "donor_name", "donor_kind", "kind", "description", "unit", "value", "remaining", "received_on",
                                         "expired", "uses"], closed: false)
        let policy = object(["id": uuid, "station_id": nullable(uuid), "kept_by": string, "title": string, "issuer": string, "doc_number": nullable(string),
                             "field": nullable(string), "field_label": nullable(string), "effective_on": date, "expires_on": nullable(date), "in_force": bool,
                             "validity": ["type": "string", "enum": ["in_force", "not_yet", "expired"]], "validity_label": string,
                             "summary": string, "eligibility": string,
                             "attachments": ["type": "array", "items": object(["id": uuid, "name": string], closed: false)],
                             "applied": ["type": "array", "items": object(["kind": ["type": "string", "enum": ["assessment", "assistance"]], "on": date,
                                                                           "station_name": string, "case_id": nullable(uuid), "case_number": nullable(string),
                                                                           "assistance_request_id": nullable(uuid), "recipient_name": nullable(string)],
                                                                          required: ["kind", "on", "station_name"], closed: false)],
                             "created_at": dateTime, "updated_at": dateTime],
                            required: ["id", "kept_by", "title", "issuer", "effective_on", "in_force", "validity", "summary", "eligibility", "attachments", "applied"],
                            closed: false)
        return [
            "LibraryPolicyInput": object(["station_id": nullable(uuid), "title": text(TextLimit.short), "issuer": text(TextLimit.short),
                                          "doc_number": nullable(text(TextLimit.name)), "field": nullable(["type": "string", "description": "本市政策配置中的服务领域代码；空为不限"]),
                                          "effective_on": date, "expires_on": nullable(dateOrEmpty), "summary": text(TextLimit.long), "eligibility": text(TextLimit.long)],
                                         required: ["title", "issuer", "effective_on", "summary", "eligibility"]),
            "FileForm": ["type": "object", "required": ["file"],
                         "properties": ["file": ["type": "string", "contentMediaType": "application/octet-stream", "description": "PDF、JPEG 或 PNG，不超过 20 MB"]]],
            "LibraryPolicy": policy,
            "LibraryPolicyPage": object(["items": ["type": "array", "items": ["$ref": "#/components/schemas/LibraryPolicy"]], "page": ["type": "integer"],
                                         "per": ["type": "integer"], "total": ["type": "integer"]], required: ["items", "page", "per", "total"], closed: false),
            "CharityResourceInput": object(["station_id": nullable(uuid), "donor_name": text(TextLimit.short), "donor_kind": oneOf(DonorKind.self),
                                            "kind": oneOf(CharityKind.self), "description": text(TextLimit.short),
                                            "unit": nullable(["type": "string", "maxLength": 10, "description": "资金为“元”或省略；其他必填"]),
                                            "value": value, "received_on": date, "expires_on": nullable(dateOrEmpty)],
                                           required: ["donor_name", "donor_kind", "kind", "description", "value", "received_on"]),
            "CharityResourcePatch": object(["donor_name": nullable(text(TextLimit.short)), "donor_kind": nullable(oneOf(DonorKind.self)),
                                            "kind": nullable(oneOf(CharityKind.self)), "description": nullable(text(TextLimit.short)),
                                            "unit": nullable(["type": "string", "maxLength": 10, "description": "资金为“元”或省略；资金改为其他类别时必填"]),
                                            "value": nullable(value), "received_on": nullable(date), "expires_on": nullable(dateOrEmpty)]),
            "CharityUseInput": object(["amount": value, "on": nullable(date), "purpose": text(TextLimit.short),
                                       "case_id": nullable(uuid), "recipient_id": nullable(uuid), "event_id": nullable(uuid)],
                                      required: ["amount", "purpose"]),
            "CharityReversalInput": object(["reason": text(TextLimit.short)], required: ["reason"]),
            "CharityResource": resource,
            "CharityResourcePage": object(["items": ["type": "array", "items": ["$ref": "#/components/schemas/CharityResource"]], "page": ["type": "integer"],
                                           "per": ["type": "integer"], "total": ["type": "integer"]], required: ["items", "page", "per", "total"], closed: false),
            "FiveSocietyLinkage": object(["year": ["type": "integer"], "stations": ["type": "array", "items": object([
                "station_id": uuid, "station_name": string, "resources_received": ["type": "integer"], "resource_uses": ["type": "integer"],
                "served": ["type": "integer"], "events": ["type": "integer"],
                "partners": ["type": "object", "additionalProperties": ["type": "integer"], "description": "联动主体（community、social_organisation、social_worker、volunteer、charity）参与的活动场次"]],
                required: ["station_id", "resources_received", "resource_uses", "events", "partners"], closed: false)]],
                required: ["year", "stations"], closed: false),
        ]
    }

    static var resourceResponses: [String: String] {
        [key(.GET, .charityResources): "CharityResourcePage", key(.POST, .charityResources): "CharityResource",
         key(.GET, .charityResource(.key)): "CharityResource", key(.PATCH, .charityResource(.key)): "CharityResource",
         key(.POST, .charityResourceUses(.key)): "CharityResource",
         key(.POST, .charityUseReversal(.key)): "CharityResource", key(.GET, .fiveSocietyLinkage): "FiveSocietyLinkage",
         key(.GET, .libraryPolicies): "LibraryPolicyPage", key(.POST, .libraryPolicies): "LibraryPolicy", key(.GET, .libraryPolicy(.key)): "LibraryPolicy",
         key(.PATCH, .libraryPolicy(.key)): "LibraryPolicy", key(.POST, .libraryPolicyAttachments(.key)): "LibraryPolicy"]
    }
}
