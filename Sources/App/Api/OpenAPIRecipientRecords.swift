import Domain
import Vapor

/// The OpenAPI part of recipients' transfer, merge, household, consents and export (issue 9 §1, §3,
/// §4), joined into the document by `OpenAPI.operations` and `document()`.
extension OpenAPI {
    static let recipientRecordOperations: [Operation] = [
        .init(method: .POST, route: .recipientTransfer(.key), summary: "把服务对象转移到本市另一社工站（搬家）；未完成的需求随人转移，时间线保留",
              query: [], body: "TransferInput", status: 200),
        .init(method: .GET, route: .recipientTransfersOut, summary: "管辖社工站已转出的服务对象：姓名、日期和接收街道", query: [], body: nil, status: 200),
        .init(method: .POST, route: .recipientMerge(.key), summary: "把同一人的重复记录并入本记录（两条记录都须有修改权限）", query: [], body: "MergeInput", status: 200),
        .init(method: .PUT, route: .recipientHousehold(.key), summary: "关联家庭：户主（本社工站的服务对象）与关系；head_id 为 null 时取消关联",
              query: [], body: "HouseholdInput", status: 200),
        .init(method: .GET, route: .recipientConsents(.key), summary: "服务对象的知情同意记录", query: [], body: nil, status: 200),
        .init(method: .POST, route: .recipientConsents(.key), summary: "登记知情同意（JSON，或 multipart 附签字扫描件 PDF/图片）", query: [], body: "ConsentInput", status: 201),
        .init(method: .GET, route: .consentForm(.key), summary: "下载知情同意书扫描件（仅本站社工和承接机构负责人；记入审计日志）", query: ["inline"], body: nil, status: 200),
        .init(method: .PATCH, route: .recipient(.key), summary: "修改服务对象信息（姓名、电话、住址、村（社区）、跟进级别、监护人）；省略的字段不变，电话为空字符串时清除；身份证号、出生日期和性别不能修改",
              query: [], body: "RecipientDetailsInput", status: 200),
        .init(method: .POST, route: .recipientCategories(.key), summary: "核实（新增或重新核实）或结束一个人群类别，记录日期和核实人；最后一个有效类别不能结束",
              query: [], body: "CategoryInput", status: 200),
        .init(method: .POST, route: .recipientsExport, summary: "导出服务对象名单（csv/xlsx，所选字段，按列表筛选条件；默认脱敏，完整号码须说明原因并记入审计日志）",
              query: [], body: "ExportInput", status: 200),
    ]

    static var recipientRecordSchemas: [String: Any] {
        func open(_ properties: [String: Any], required: [String] = []) -> [String: Any] { object(properties, required: required, closed: false) }
        return [
            "TransferInput": object(["station_id": uuid, "village_name": nullable(text(TextLimit.name)), "on": date, "reason": text(TextLimit.short)],
                                    required: ["station_id", "on", "reason"]),
            "MergeInput": object(["other_id": uuid, "reason": text(TextLimit.short)], required: ["other_id", "reason"]),
            "RecipientDetailsInput": object(["name": text(TextLimit.name), "phone": nullable(string), "address": nullable(string),
                                             "village": nullable(text(TextLimit.name)),
                                             "follow_up_level": nullable(["type": "integer", "description": "本市政策配置的跟进级别；0 为清除"]),
                                             "guardian_name": nullable(string), "guardian_phone": nullable(string)]),
            "CategoryInput": object(["category": string, "action": nullable(["type": "string", "enum": ["verify", "end"], "description": "默认 verify"]),
                                     "on": nullable(date), "disability_grade": nullable(string), "disability_type": nullable(string)],
                                    required: ["category"]),
            "HouseholdInput": object(["head_id": nullable(uuid), "relation": nullable(oneOf(HouseholdRelation.self))]),
            "ConsentInput": object(["kind": oneOf(ConsentKind.self), "given_on": date], required: ["kind", "given_on"]),
            "ConsentForm": ["type": "object", "required": ["kind", "given_on"],
                            "properties": ["kind": oneOf(ConsentKind.self), "given_on": date,
                                           "attachment": ["type": "string", "contentMediaType": "application/octet-stream",
                                                          "description": "签字的知情同意书扫描件：PDF、JPEG 或 PNG，不超过 20 MB"]]],
            "ExportInput": object([
                "format": nullable(["type": "string", "enum": ["csv", "xlsx"], "description": "默认 csv"]),
                "fields": nullable(["type": "array", "items": ["type": "string", "enum": RecipientExport.Column.allCases.map(\.rawValue)],
                                    "description": "导出的列；省略或为空时导出全部可导出的列。评估机构的导出不含身份证号和电话"]),
                "full": nullable(["type": "boolean", "description": "导出完整身份证号和电话（仅本站社工、承接机构负责人；须填写 reason）"]),
                "reason": nullable(text(TextLimit.short)),
                "q": nullable(string), "resident_id": nullable(string), "category": nullable(string), "village": nullable(uuid),
                "status": nullable(string), "level": nullable(["type": "integer"]), "station": nullable(uuid),
            ]),
            "TransferOut": open(["recipient_name": string, "on": date, "from_station_name": string, "to_street_name": string],
                                required: ["recipient_name", "on", "from_station_name", "to_street_name"]),
            "TransferOutList": ["type": "array", "items": ["$ref": "#/components/schemas/TransferOut"]],
            "RecipientRecord": open(["id": uuid, "station_id": uuid, "name": string, "resident_id": string, "has_resident_id": bool,
                                     "birth_date": date, "status": oneOf(RecipientStatus.self), "merged_into_id": uuid],
                                    required: ["id", "station_id", "name", "has_resident_id", "birth_date", "status"]),
            "Household": open(["head_id": uuid, "relation": oneOf(HouseholdRelation.self),
                               "members": ["type": "array", "items": open(["id": uuid, "name": string, "relation_label": string, "is_head": bool],
                                                                          required: ["id", "name", "relation_label", "is_head"])]],
                              required: ["members"]),
            "Consent": open(["id": uuid, "kind": oneOf(ConsentKind.self), "kind_label": string, "given_on": date, "recorded_by_name": string,
                             "has_form": bool, "form_name": string],
                            required: ["id", "kind", "kind_label", "given_on", "recorded_by_name", "has_form"]),
            "ConsentList": ["type": "array", "items": ["$ref": "#/components/schemas/Consent"]],
        ]
    }

    static let recipientRecordResponses: [String: String] = [
        key(.POST, .recipientTransfer(.key)): "TransferOut",
        key(.GET, .recipientTransfersOut): "TransferOutList",
        key(.POST, .recipientMerge(.key)): "RecipientRecord",
        key(.PATCH, .recipient(.key)): "Recipient",
        key(.POST, .recipientCategories(.key)): "Recipient",
        key(.PUT, .recipientHousehold(.key)): "Household",
        key(.GET, .recipientConsents(.key)): "ConsentList",
        key(.POST, .recipientConsents(.key)): "Consent",
    ]

    static let recipientRecordFiles: [String: [String]] = [
        key(.GET, .consentForm(.key)): ["application/pdf", "image/jpeg", "image/png"],
        key(.POST, .recipientsExport): ["text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    ]

    static var recipientRecordMultipart: [String: String] { [key(.POST, .recipientConsents(.key)): "ConsentForm"] }
}
