import Domain
import Vapor

/// What the API answers, for the OpenAPI document: the success body of each operation (keyed
/// "METHOD path", written `key(method, route)`, so that adding an operation to `OpenAPI.operations` stays one line, plus one here
/// when it returns a body), the schemas of those bodies, and the query parameters' types.
///
/// Response objects list every field the server always sends as required; optional fields are left
/// out of the JSON when empty. They are not closed (`additionalProperties`), so that adding a field
/// to a response does not break a client that validates against an older document.
extension OpenAPI {
    /// An operation's key, "METHOD /api/v1/path/{param}", from its route.
    static func key(_ method: HTTPMethod, _ route: ApiRoute) -> String { "\(method.rawValue) \(route.openAPIPath)" }

    static var responseBodies: [String: String] {
        coreResponseBodies.merging(recipientRecordResponses) { core, _ in core }.merging(caseworkResponses) { core, _ in core }
            .merging(groupResponses) { core, _ in core }.merging(communityResponses) { core, _ in core }
            .merging(focusResponses) { core, _ in core }.merging(referralResponses) { core, _ in core }
            .merging(assistanceResponses) { core, _ in core }.merging(featuredResponses) { core, _ in core }
            .merging(coverageResponses) { core, _ in core }
            .merging(volunteerResponses) { core, _ in core }
            .merging(resourceResponses) { core, _ in core }
    }

    private static let coreResponseBodies: [String: String] = [
        key(.POST, .authToken): "Token",
        key(.GET, .me): "Me",
        key(.GET, .orgUnits): "OrgUnitList",
        key(.POST, .orgUnits): "OrgUnit",
        key(.GET, .orgUnit(.key)): "OrgUnit",
        key(.PATCH, .orgUnit(.key)): "OrgUnit",
        key(.GET, .stations): "StationPage",
        key(.POST, .stations): "Station",
        key(.GET, .station(.key)): "Station",
        key(.PATCH, .station(.key)): "Station",
        key(.GET, .users): "UserList",
        key(.POST, .users): "User",
        key(.GET, .user(.key)): "User",
        key(.PATCH, .user(.key)): "User",
        key(.GET, .auditEvents): "AuditEventPage",
        key(.GET, .openAPI): "Document",
        key(.GET, .policy): "Policy",
        key(.POST, .policyVersions): "PolicyVersion",
        key(.GET, .calendarYear(.key)): "CalendarArrangement",
        key(.GET, .deadlines): "DeadlineBoard",
        key(.POST, .deadlineFilings): "DeadlineFilingRecord",
        key(.GET, .stationWorkers(.key)): "WorkerList",
        key(.POST, .workers): "Worker",
        key(.GET, .worker(.key)): "Worker",
        key(.PATCH, .worker(.key)): "Worker",
        key(.POST, .workerAssignments(.key)): "Worker",
        key(.POST, .workerPhone(.key)): "Phone",
        key(.POST, .supervisors): "Created",
        key(.GET, .stationSupervisionRecords(.key)): "SupervisionRecordList",
        key(.POST, .supervisionRecords): "SupervisionRecord",
        key(.GET, .stationTrainingRecords(.key)): "TrainingRecordList",
        key(.POST, .trainingRecords): "Created",
        key(.GET, .stationCompliance(.key)): "StationCompliance",
        key(.GET, .compliance): "ComplianceMatrix",
        key(.GET, .operators): "OperatorList",
        key(.POST, .operators): "Operator",
        key(.PATCH, .operatorOrg(.key)): "Operator",
        key(.GET, .workingDays): "WorkingDays",
        key(.PUT, .calendarYear(.key)): "CalendarVersion",
        key(.GET, .provinces): "ProvinceList",
        key(.POST, .provinces): "Province",
        key(.GET, .cities): "CityList",
        key(.POST, .cities): "CityCreated",
        key(.GET, .recipients): "RecipientPage",
        key(.POST, .recipients): "Recipient",
        key(.GET, .recipient(.key)): "Recipient",
        key(.POST, .recipientStatus(.key)): "Recipient",
        key(.POST, .recipientReveal(.key)): "Revealed",
        key(.GET, .recipientNeeds(.key)): "NeedList",
        key(.POST, .recipientNeeds(.key)): "Need",
        key(.PATCH, .need(.key)): "Need",
        key(.GET, .stationNeeds(.key)): "NeedList",
        key(.POST, .recipientImports): "RecipientImportCreated",
    ]

    /// A second success an operation can answer, by status (a dry run's 200 beside the import's 201).
    static let additionalSuccess: [String: [Int: String]] = [
        key(.POST, .recipientImports): [200: "RecipientImportPreview"],
        key(.POST, .volunteerHoursImports): [200: "VolunteerHoursImportPreview"],
    ]

    /// Operations whose body is a file itself (not JSON), and the types it may have.
    static let fileBodies: [String: [String]] = [
        key(.POST, .recipientImports): [ImportController.xlsxType, "text/csv"],
        key(.POST, .volunteerHoursImports): [ImportController.xlsxType, "text/csv"],
    ]

    /// Operations that answer with a file, and its possible types.
    static var fileResponses: [String: [String]] {
        coreFileResponses.merging(recipientRecordFiles) { core, _ in core }
            .merging([key(.GET, .communityEventPhoto(.key)): ["application/pdf", "image/jpeg", "image/png"],
                      key(.GET, .libraryPolicyFile(.key)): ["application/pdf", "image/jpeg", "image/png"]]) { core, _ in core }
    }

    private static let coreFileResponses: [String: [String]] = [
        key(.GET, .trainingEvidence(.key)): ["application/pdf", "image/jpeg", "image/png"],
    ]

    /// Operations that also take multipart/form-data, and its schema.
    static var multipartBodies: [String: String] {
        [key(.POST, .trainingRecords): "TrainingForm", key(.POST, .communityEventPhotos(.key)): "PhotoForm",
         key(.POST, .libraryPolicyAttachments(.key)): "FileForm"].merging(recipientRecordMultipart) { core, _ in core }
    }

    /// Error statuses the shape of an operation does not imply (see `errorStatuses`).
    static let extraStatuses: [String: [Int]] = [
        key(.POST, .authToken): [401],   // one answer for a wrong password, an unknown, locked or disabled account
        key(.GET, .workingDays): [422],   // a date in a year the calendar does not have yet
        key(.GET, .dashboard): [404],   // a station or unit outside the caller's scope, or none of their own
        key(.GET, .coverage): [404],   // the same
        key(.GET, .stationRewards(.key)): [422], key(.GET, .volunteerPoints(.key)): [422],   // the city's profile has no R-4 points
        key(.POST, .volunteerHoursConfirm(.key)): [409],   // confirmed already
    ]

    /// Query parameters by name; an empty value counts as not given where the server reads it so.
    static var queryParameters: [String: [String: Any]] { [
        "level": oneOf(OrgLevel.self),
        "parent": uuid, "district": uuid, "street": uuid,
        "q": string, "actor": string, "entity": string, "entity_id": string, "rule": string,
        "page": ["type": "integer", "description": "从 1 开始；小于 1 按 1"],
        "per": ["type": "integer", "description": "每页条数，1–200"],
        "from": dateOrEmpty, "to": dateOrEmpty,
        "year": ["type": "integer", "minimum": Day.validYears.lowerBound, "maximum": Day.validYears.upperBound, "description": "默认今年"],
        "state": ["type": "string", "enum": FindingState.allCases.map(\.rawValue) + [""]],
        "detail": bool,
        "station_id": ["type": "string", "format": "uuid", "description": "导入到哪个社工站；调用者只在一个站点登记时可省略"],
        "dry_run": ["type": "string", "enum": ["true", "false", ""], "description": "true：只预览，不写入；默认 false"],
        "inline": ["type": "string", "enum": ["1", ""], "description": "1：在浏览器中预览而不是下载"],
        "days": ["type": "integer", "minimum": 1, "maximum": WorkingDays.maxDays],
        "start_counts": ["type": "string", "enum": ["true", "false"], "description": "起算日是否计入，默认 false（自次日起算）"],
        "resident_id": ["type": "string", "description": "完整身份证号，精确匹配"],
        "category": ["type": "string", "enum": RecipientCategory.allCases.map(\.rawValue) + [""]],
        // The list's search form sends "" for 全部: no filter.
        "village": ["type": "string", "anyOf": [["format": "uuid"], ["maxLength": 0]], "description": "村（社区）编号；空为全部"],
        "station": uuid, "unit": uuid, "phase": oneOf(GroupPhase.self), "box": ["type": "string", "enum": ["in", "out"]],
        "status": ["type": "string", "enum": Array(Set(RecipientStatus.allCases.map(\.rawValue) + NeedStatus.allCases.map(\.rawValue)
                                                    + ReferralStatus.allCases.map(\.rawValue) + ["closed", "available", "expired", "used_up"])).sorted() + [""]],
        "follow_up_level": ["type": "string", "pattern": "^[0-9]{0,9}$", "description": "跟进级别（本市政策配置的级数内）；空为全部"],
        "area": string,
        "urgency": ["type": "string", "enum": NeedUrgency.allCases.map(\.rawValue) + [""]],
        "stage": ["type": "string", "enum": ["open"] + CaseStage.allCases.map(\.rawValue) + [""], "description": "个案阶段；open 为全部未结案"],
        "mine": ["type": "string", "enum": ["1", "true", ""], "description": "1：只看我负责的个案"],
        "recipient": uuid,
        "kind": ["type": "string", "enum": CharityKind.allCases.map(\.rawValue) + [""]],
        "validity": ["type": "string", "enum": ["in_force", "not_yet", "expired", ""], "description": "现行有效、尚未生效或已失效；空为全部"],
    ] }

    static var responseSchemas: [String: Any] { [
        "Problem": object(["type": string, "title": string, "status": ["type": "integer"], "detail": string,
                           "errors": ["type": "array", "items": object(["field": string, "message": string], required: ["field", "message"], closed: false)]],
                          required: ["type", "title", "status", "detail"], closed: false),
        "CalendarVersion": open(["year": ["type": "integer"], "version": ["type": "integer"]], required: ["year", "version"]),
        "Token": open(["token": string, "token_type": ["type": "string", "enum": ["Bearer"]], "expires_at": dateTime], required: ["token", "token_type", "expires_at"]),
        "Assignment": open(["role": oneOf(Role.self), "role_label": string, "org_unit_id": uuid, "org_unit_name": string, "operator_id": uuid, "operator_name": string],
                           required: ["role", "role_label"]),
        "Me": open(["id": uuid, "username": string, "display_name": string, "assignments": list("Assignment")],
                   required: ["id", "username", "display_name", "assignments"]),
        "OrgUnit": open(["id": uuid, "name": string, "level": oneOf(OrgLevel.self), "level_label": string, "parent_id": uuid, "division_code": string,
                         "village_post": oneOf(VillagePost.self), "district_kind": oneOf(DistrictKind.self)], required: ["id", "name", "level", "level_label"]),
        "OrgUnitList": list("OrgUnit"),
        "Station": open([
            "id": uuid, "name": string, "street_id": uuid, "street_name": string, "district_id": uuid, "district_name": string,
            "address": string, "opened_on": date,
            "operator": open(["id": uuid, "name": string, "credit_code": string], required: ["id", "name", "credit_code"]),
            "rooms": ["type": "array", "items": open(["kind": oneOf(RoomKind.self), "kind_label": string, "area": ["type": "number"], "shared": bool],
                                                     required: ["kind", "kind_label", "area", "shared"])],
            "equipment": ["type": "array", "items": oneOf(Equipment.self)],
            "outdoor_sign": bool, "indoor_sign": bool,
            "villages": ["type": "array", "items": open(["id": uuid, "name": string, "post": oneOf(VillagePost.self), "post_label": string],
                                                        required: ["id", "name", "post", "post_label"])],
            "contract_started_on": date, "annual_contract_amount": ["type": "number"], "annual_personnel_budget": ["type": "number"],
            "is_demonstration": bool,
        ], required: ["id", "name", "street_id", "district_id", "address", "outdoor_sign", "indoor_sign", "is_demonstration"]),
        "Province": open(["id": uuid, "name": string, "division_code": string], required: ["id", "name", "division_code"]),
        "ProvinceList": list("Province"),
        "City": open(["id": uuid, "name": string, "division_code": string, "province_id": uuid, "province_name": string,
                      "profile": string, "profile_name": string, "copied_from": string], required: ["id", "name"]),
        "CityList": list("City"),
        "Recipient": open([
            "id": uuid, "station_id": uuid, "station_name": string, "street_name": string, "village_id": uuid, "village_name": string, "name": string,
            "resident_id": ["type": "string", "description": "脱敏，如 3701**********123X；评估机构不返回"], "has_resident_id": bool,
            "birth_date": date, "age": ["type": "integer"], "sex": string, "phone": ["type": "string", "description": "脱敏；评估机构不返回"],
            "address": string, "follow_up_level": ["type": "integer"], "status": oneOf(RecipientStatus.self), "status_label": string, "status_on": date,
            "categories": ["type": "array", "items": oneOf(RecipientCategory.self)], "category_labels": ["type": "array", "items": string],
            "elderly": ["type": "boolean", "description": "高龄老人：按查询当日年龄（≥ 80）计算，不存储"], "merged_into_id": uuid,
        ], required: ["id", "station_id", "station_name", "street_name", "name", "has_resident_id", "birth_date", "age", "sex", "address", "status",
                      "status_label", "status_on", "categories", "category_labels", "elderly"]),
        "RecipientPage": open(["items": list("Recipient"), "page": ["type": "integer"], "per": ["type": "integer"], "total": ["type": "integer"]],
                              required: ["items", "page", "per", "total"]),
        "Revealed": open(["field": string, "value": string], required: ["field"]),
        "Need": open(["id": uuid, "recipient_id": uuid, "recipient_name": string, "village_name": string, "area": string, "area_label": string,
                      "description": string, "urgency": oneOf(NeedUrgency.self), "urgency_label": string, "identified_on": date,
                      "status": oneOf(NeedStatus.self), "status_label": string, "status_on": date],
                     required: ["id", "recipient_id", "recipient_name", "area", "area_label", "description", "urgency", "urgency_label", "identified_on",
                                "status", "status_label", "status_on"]),
        "NeedList": list("Need"),
        "CityCreated": open(["city": ref("City"),
                             "admin": open(["id": uuid, "username": string, "display_name": string], required: ["id", "username", "display_name"]),
                             "one_time_password": ["type": "string", "description": "未给出初始密码时生成，只出现这一次"],
                             "policy_version": ["type": "integer", "minimum": 1]],
                            required: ["city", "admin"]),
        "StationPage": page("Station"),
        "User": open(["id": uuid, "username": string, "display_name": string, "active": bool, "locked_until": dateTime, "assignments": list("Assignment")],
                     required: ["id", "username", "display_name", "active", "assignments"]),
        "UserList": list("User"),
        "Operator": open(["id": uuid, "name": string, "credit_code": string, "city_id": uuid], required: ["id", "name", "credit_code", "city_id"]),
        "OperatorList": list("Operator"),
        "WorkingDays": open(["from": date, "days": ["type": "integer"], "start_counts": bool, "due": date, "convention": string,
                             "skipped": ["type": "array", "items": open(["date": date, "reason": string], required: ["date", "reason"])],
                             "made_up_workdays": ["type": "array", "items": date]],
                            required: ["from", "days", "start_counts", "due", "convention", "skipped", "made_up_workdays"]),
        "AuditEvent": open(["seq": ["type": "integer", "minimum": 1], "at": dateTime, "actor_id": uuid, "actor_name": string, "action": oneOf(AuditAction.self),
                            "entity_type": string, "entity_id": string, "changes": ["type": "string", "contentMediaType": "application/json"],
                            "client_ip": string, "hash": ["type": "string", "pattern": "^[0-9a-f]{64}$"]],
                           required: ["seq", "at", "actor_name", "action", "entity_type", "changes", "client_ip", "hash"]),
        "AuditEventPage": page("AuditEvent"),
        "Document": ["type": "object", "required": ["openapi", "info", "paths"]],
        "Policy": open(["city": string, "profile": string, "year": ["type": "integer"], "version": ["type": "integer"], "effective_from": date,
                        "rules": ["type": "array", "items": open([
                            "id": string, "title": string, "group": oneOf(RuleGroup.self), "strength": ["type": "string", "enum": ["must", "should"]],
                            "demonstration_only": bool, "params": ["type": "object", "additionalProperties": ["type": "number"]],
                            "sources": ["type": "array", "minItems": 1, "items": open(["document": string, "article": string], required: ["document", "article"])],
                        ], required: ["id", "title", "group", "strength", "demonstration_only", "params", "sources"])],
                        "service_fields": ["type": "array", "items": open(["code": string, "label": string], required: ["code", "label"])],
                        "service_items": ["type": "array", "items": open(["code": string, "label": string, "field": string, "added_by_city": bool],
                                                                        required: ["code", "label", "added_by_city"])],
                        "featured_projects": bool],
                       required: ["city", "profile", "year", "rules", "service_fields", "service_items", "featured_projects"]),
        "PolicyVersion": open(["version": ["type": "integer", "minimum": 1]], required: ["version"]),
        "CalendarArrangement": open(["holidays": ["type": "array", "items": open(["first": date, "last": date, "name": string], required: ["first", "last", "name"])],
                                     "workdays": ["type": "array", "items": date]], required: ["holidays", "workdays"]),
        "DeadlineStatus": open(["rule_id": string, "title": string, "due_on": date, "filer": ["type": "string", "enum": ["city", "district", "station"]],
                                "days_left": ["type": "integer"], "units": ["type": "integer", "minimum": 0], "filed": ["type": "integer", "minimum": 0],
                                "unfiled": ["type": "array", "items": open(["id": uuid, "name": string], required: ["id", "name"])], "may_file": bool],
                               required: ["rule_id", "title", "due_on", "filer", "days_left", "units", "filed", "unfiled", "may_file"]),
        "DeadlineBoard": open(["upcoming": list("DeadlineStatus"), "overdue": list("DeadlineStatus")], required: ["upcoming", "overdue"]),
        "DeadlineFilingRecord": open(["rule_id": string, "due_on": date, "unit_id": uuid, "filed_on": date, "note": string], required: ["rule_id", "due_on", "unit_id"]),
        "Worker": open([
            "id": uuid, "name": string, "gender": oneOf(Gender.self), "birth_date": date,
            "phone": ["type": "string", "description": "脱敏，例如 139****5678"],
            "education": oneOf(Education.self), "major": oneOf(Major.self), "certificate_level": oneOf(CertificateLevel.self),
            "certificate_number": string, "certificate_date": date, "experience_years": ["type": "number"], "full_time": bool, "registered_national": bool,
            "postings": ["type": "array", "items": open(["station_id": uuid, "station_name": string, "started_on": date, "ended_on": date],
                                                        required: ["station_id", "station_name", "started_on"])],
        ], required: ["id", "name", "gender", "birth_date", "education", "major", "certificate_level", "experience_years", "full_time", "registered_national", "postings"]),
        "WorkerList": list("Worker"),
        "Phone": open(["phone": string]),
        "Created": open(["id": uuid], required: ["id"]),
        "RecipientImportRow": open(["line": ["type": "integer", "minimum": 2, "description": "表格中的行号（第 1 行为表头）"],
                                    "name": string, "resident_id": ["type": "string", "description": "脱敏"], "valid": bool,
                                    "problems": ["type": "array", "items": open(["field": oneOf(RecipientDraft.Field.self), "label": string, "message": string],
                                                                                required: ["field", "label", "message"])]],
                                   required: ["line", "name", "resident_id", "valid", "problems"]),
        "RecipientImportPreview": open(["station_id": uuid, "total": count, "invalid": count, "rows": list("RecipientImportRow")],
                                       required: ["station_id", "total", "invalid", "rows"]),
        "RecipientImportCreated": open(["import_id": uuid, "station_id": uuid, "count": count], required: ["import_id", "station_id", "count"]),
        "SupervisionRecord": open([
            "id": uuid, "held_on": date, "hours": ["type": "number"], "supervisor_name": string, "form": oneOf(SupervisionForm.self),
            "topic": string, "issues": string, "advice": string, "supervisor_confirmed": bool,
            "supervisees": ["type": "array", "items": string], "supervisees_confirmed": ["type": "integer", "minimum": 0],
            "cases": ["type": "array", "description": "讨论的个案（本站），按登记顺序", "items": open(["id": uuid, "number": string], required: ["id", "number"])],
        ], required: ["id", "held_on", "hours", "supervisor_name", "form", "topic", "issues", "advice", "supervisor_confirmed", "supervisees",
                      "supervisees_confirmed", "cases"]),
        "SupervisionRecordList": list("SupervisionRecord"),
        "TrainingRecordList": ["type": "array", "items": open([
            "id": uuid, "worker_name": string, "held_on": date, "hours": ["type": "number"], "title": string, "organiser": string, "attachment_id": uuid,
        ], required: ["id", "worker_name", "held_on", "hours", "title", "organiser"])],
        "Finding": open(["rule_id": string, "title": string, "group": oneOf(RuleGroup.self), "state": oneOf(FindingState.self),
                         "measured": string, "required": string, "source": string, "advice": string],
                        required: ["rule_id", "title", "group", "state", "measured", "required", "source", "advice"]),
        "StationCompliance": open(["id": uuid, "name": string, "year": ["type": "integer"], "evaluation_day": date, "findings": list("Finding")],
                                  required: ["id", "name", "year", "evaluation_day", "findings"]),
        "Counts": open(["pass": count, "progress": count, "warning": count, "failure": count, "not_applicable": count, "missing_data": count],
                       required: ["pass", "progress", "warning", "failure", "not_applicable", "missing_data"]),
        "ComplianceMatrix": open([
            "year": ["type": "integer"],
            "stations": ["type": "array", "description": "不符合规则最多的站点在前，其余按区划代码、名称排序",
                         "items": open(["id": uuid, "name": string, "district": string,
                                        "groups": ["type": "object", "additionalProperties": ref("Counts")],
                                        "failing": ["type": "integer", "minimum": 0, "description": "不符合的规则数"], "findings": list("Finding")],
                                       required: ["id", "name", "district", "groups", "failing"])],
            "totals": ["type": "object", "additionalProperties": ref("Counts")],
            "rule_totals": ["type": "array", "description": "每条规则：所列站点中符合（或不适用）的站点数",
                            "items": open(["rule_id": string, "label": ["type": "string", "description": "规则编号和名称，如“S-2 专职社工人数”"],
                                           "passing": count, "stations": count],
                                          required: ["rule_id", "label", "passing", "stations"])],
            "passing_all": ["type": "integer", "minimum": 0, "description": "全部规则均符合的站点数"],
        ], required: ["year", "stations", "totals", "rule_totals", "passing_all"]),
    ] }

    private static var count: [String: Any] { ["type": "integer", "minimum": 0] }
    private static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
    private static func list(_ name: String) -> [String: Any] { ["type": "array", "items": ref(name)] }
    private static func open(_ properties: [String: Any], required: [String] = []) -> [String: Any] { object(properties, required: required, closed: false) }
    private static func page(_ item: String) -> [String: Any] {
        open(["items": list(item), "page": ["type": "integer", "minimum": 1], "per": ["type": "integer", "minimum": 1], "total": count],
             required: ["items", "page", "per", "total"])
    }
}
