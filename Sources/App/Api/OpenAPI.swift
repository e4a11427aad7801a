import Domain
import Vapor

/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`.
/// A test checks that it lists exactly the registered API routes.
enum OpenAPI {
    struct Operation {
        let method: HTTPMethod
        /// Derived from the route, never typed: `/api/v1/stations/{id}`.
        let path: String
        let summary: String
        let query: [String]
        let body: String?
        let status: Int

        init(method: HTTPMethod, route: ApiRoute, summary: String, query: [String], body: String?, status: Int) {
            self.method = method
            self.path = route.openAPIPath
            self.summary = summary
            self.query = query
            self.body = body
            self.status = status
        }
    }

    static let operations: [Operation] = [
        .init(method: .POST, route: .authToken, summary: "用用户名和密码换取访问令牌", query: [], body: "TokenRequest", status: 201),
        .init(method: .DELETE, route: .authToken, summary: "注销本次请求所用的访问令牌", query: [], body: nil, status: 204),
        .init(method: .GET, route: .me, summary: "当前用户及其角色", query: [], body: nil, status: 200),
        .init(method: .GET, route: .orgUnits, summary: "组织单位列表（管辖范围内）", query: ["level", "parent"], body: nil, status: 200),
        .init(method: .POST, route: .orgUnits, summary: "新建下级组织单位（市民政局）", query: [], body: "OrgUnitInput", status: 201),
        .init(method: .GET, route: .orgUnit(.key), summary: "组织单位详情", query: [], body: nil, status: 200),
        .init(method: .PATCH, route: .orgUnit(.key), summary: "修改组织单位", query: [], body: "OrgUnitPatch", status: 200),
        .init(method: .GET, route: .stations, summary: "社工站列表", query: ["district", "street", "q", "page", "per"], body: nil, status: 200),
        .init(method: .POST, route: .stations, summary: "新建社工站（每个街道/乡镇一个）", query: [], body: "StationInput", status: 201),
        .init(method: .GET, route: .station(.key), summary: "社工站详情：功能室、设备、标牌、村居阵地", query: [], body: nil, status: 200),
        .init(method: .PATCH, route: .station(.key), summary: "修改社工站", query: [], body: "StationInput", status: 200),
        .init(method: .GET, route: .users, summary: "用户列表（市民政局）", query: [], body: nil, status: 200),
        .init(method: .POST, route: .users, summary: "新建用户（市民政局）", query: [], body: "UserInput", status: 201),
        .init(method: .GET, route: .user(.key), summary: "用户详情", query: [], body: nil, status: 200),
        .init(method: .PATCH, route: .user(.key), summary: "修改用户、重设密码、调整角色（重设密码即结束其全部登录）", query: [], body: "UserInput", status: 200),
        .init(method: .POST, route: .userSignOut(.key), summary: "强制下线：结束该用户全部会话并作废其令牌", query: [], body: nil, status: 204),
        .init(method: .GET, route: .operators, summary: "本市已登记的承接机构", query: [], body: nil, status: 200),
        .init(method: .POST, route: .operators, summary: "登记承接机构（市民政局）", query: [], body: "OperatorInput", status: 201),
        .init(method: .PATCH, route: .operatorOrg(.key), summary: "修改承接机构名称（市民政局）", query: [], body: "OperatorInput", status: 200),
        .init(method: .GET, route: .auditEvents, summary: "审计日志（市民政局）", query: ["actor", "entity", "entity_id", "from", "to", "page", "per"], body: nil, status: 200),
        .init(method: .GET, route: .openAPI, summary: "本文档", query: [], body: nil, status: 200),
        .init(method: .GET, route: .policy, summary: "本市政策配置及某年度适用的参数", query: ["year"], body: nil, status: 200),
        .init(method: .POST, route: .policyVersions, summary: "修改规则参数，形成带生效日期的新版本（市民政局）", query: [], body: "PolicyChange", status: 201),
        .init(method: .GET, route: .calendarYear(.key), summary: "某年度的节假日与调休安排", query: [], body: nil, status: 200),
        .init(method: .GET, route: .workingDays, summary: "从某日起 N 个工作日的到期日及跳过的非工作日（A-5、E-4 等）", query: ["from", "days", "start_counts"], body: nil, status: 200),
        .init(method: .POST, route: .calendar, summary: "录入新年度的节假日安排（市民政局）", query: [], body: "CalendarYear", status: 201),
        .init(method: .PUT, route: .calendarYear(.key), summary: "更正已录入年度的安排：形成新版本，之前各版保留（平台管理员）", query: [], body: "CalendarCorrection", status: 200),
        .init(method: .GET, route: .deadlines, summary: "30 天内到期和已过期未报送的事项，及管辖范围内各单位的报送情况", query: [], body: nil, status: 200),
        .init(method: .POST, route: .deadlineFilings, summary: "登记某单位已报送某到期事项（报送登记）", query: [], body: "DeadlineFiling", status: 201),
        .init(method: .GET, route: .stationWorkers(.key), summary: "站点在岗社工", query: [], body: nil, status: 200),
        .init(method: .POST, route: .workers, summary: "登记社工并安排驻站", query: [], body: "WorkerInput", status: 201),
        .init(method: .GET, route: .worker(.key), summary: "社工信息（手机号码脱敏）", query: [], body: nil, status: 200),
        .init(method: .PATCH, route: .worker(.key), summary: "修改社工信息", query: [], body: "WorkerInput", status: 200),
        .init(method: .POST, route: .workerAssignments(.key), summary: "调动或安排驻站（同一时间只能驻一个站点）", query: [], body: "AssignmentInput", status: 201),
        .init(method: .POST, route: .workerPhone(.key), summary: "查看完整手机号码（记入审计日志）", query: [], body: nil, status: 200),
        .init(method: .POST, route: .supervisors, summary: "登记督导并指派到站点", query: [], body: "SupervisorInput", status: 201),
        .init(method: .GET, route: .stationSupervisionRecords(.key), summary: "站点某年度的督导记录", query: ["year"], body: nil, status: 200),
        .init(method: .POST, route: .supervisionRecords, summary: "新增督导记录（MZ/T 166）", query: [], body: "SupervisionInput", status: 201),
        .init(method: .POST, route: .supervisionRecordConfirm(.key), summary: "督导或被督导社工确认记录", query: [], body: nil, status: 204),
        .init(method: .GET, route: .stationTrainingRecords(.key), summary: "站点某年度的培训记录", query: ["year"], body: nil, status: 200),
        .init(method: .POST, route: .trainingRecords, summary: "新增培训记录（JSON，或 multipart 附 PDF/图片佐证）", query: [], body: "TrainingInput", status: 201),
        .init(method: .GET, route: .trainingEvidence(.key), summary: "下载培训记录的佐证材料（inline=1 在浏览器中预览；记入审计日志）", query: ["inline"], body: nil, status: 200),
        .init(method: .GET, route: .stationCompliance(.key), summary: "站点某年度逐条合规检查", query: ["year"], body: nil, status: 200),
        .init(method: .GET, route: .provinces, summary: "省级行政区列表（平台管理员）", query: [], body: nil, status: 200),
        .init(method: .POST, route: .provinces, summary: "登记省级行政区（平台管理员）", query: [], body: "ProvinceInput", status: 201),
        .init(method: .GET, route: .cities, summary: "各市及其所属省份和政策配置（平台管理员）", query: [], body: nil, status: 200),
        .init(method: .POST, route: .cities, summary: "开通新的市：政策配置（出厂配置或复制某市现行配置）与首位市民政局管理员，一次完成（平台管理员）",
              query: [], body: "CityInput", status: 201),
        .init(method: .GET, route: .compliance, summary: "管辖范围内各站点合规矩阵", query: ["year", "district", "rule", "state", "detail"], body: nil, status: 200),
        // The key-population library and the needs list (V-8), issue 9.
        .init(method: .GET, route: .recipients, summary: "服务对象列表（管辖范围内；身份证号、电话脱敏，评估机构不显示）",
              query: ["q", "resident_id", "category", "village", "status", "follow_up_level", "station", "page", "per"], body: nil, status: 200),
        .init(method: .POST, route: .recipients, summary: "登记服务对象（身份证号全市唯一：已登记的返回 409，辖区外只说明所在街道）", query: [], body: "RecipientInput", status: 201),
        .init(method: .GET, route: .recipient(.key), summary: "服务对象详情（脱敏）", query: [], body: nil, status: 200),
        .init(method: .POST, route: .recipientStatus(.key), summary: "变更服务对象状态（日期和原因必填，记录不删除）", query: [], body: "RecipientStatusInput", status: 200),
        .init(method: .POST, route: .recipientReveal(.key), summary: "说明原因后查看完整身份证号或电话（本站社工、承接机构负责人；记入审计日志）", query: [], body: "RevealInput", status: 200),
        .init(method: .GET, route: .recipientNeeds(.key), summary: "服务对象的需求（V-8）", query: [], body: nil, status: 200),
        .init(method: .POST, route: .recipientNeeds(.key), summary: "登记需求（服务领域取自本市政策配置）", query: [], body: "NeedInput", status: 201),
        .init(method: .PATCH, route: .need(.key), summary: "更新需求状态", query: [], body: "NeedStatusInput", status: 200),
        .init(method: .GET, route: .stationNeeds(.key), summary: "站点需求清单（V-8）", query: ["status", "area", "urgency"], body: nil, status: 200),
        .init(method: .POST, route: .recipientImports,
              summary: "从 .xlsx 或 .csv（UTF-8 或 GB18030）批量导入服务对象，文件即请求体；dry_run=true 只逐行预览（200），否则全部导入（201）或一行也不导入（422 列出各行问题）",
              query: ["station_id", "dry_run"], body: "file", status: 201),
    ] + recipientRecordOperations + caseworkOperations + groupOperations + dashboardOperations + communityOperations + focusOperations + referralOperations + assistanceOperations
        + featuredOperations + coverageOperations + volunteerOperations + resourceOperations

    /// Request bodies. Every object refuses unknown fields (`StrictJSONDecoder`); a field the server
    /// reads as Swift optional is nullable and not required, since null means "not given".
    static var schemas: [String: Any] { coreSchemas.merging(recipientRecordSchemas) { core, _ in core }.merging(caseworkSchemas) { core, _ in core }
        .merging(groupSchemas) { core, _ in core }
        .merging(dashboardSchemas) { core, _ in core }
        .merging(coverageSchemas) { core, _ in core }
        .merging(communitySchemas) { core, _ in core }
        .merging(focusSchemas) { core, _ in core }
        .merging(referralSchemas) { core, _ in core }
        .merging(assistanceSchemas) { core, _ in core }
        .merging(featuredSchemas) { core, _ in core }
        .merging(volunteerSchemas) { core, _ in core }
        .merging(resourceSchemas) { core, _ in core } }

    private static var coreSchemas: [String: Any] { [
        "TokenRequest": object(["username": string, "password": string], required: ["username", "password"]),
        // district_kind (rule S-2) is a district's only: on any other level it is refused (422).
        "OrgUnitInput": object(["name": string, "parent_id": uuid, "division_code": nullable(string), "district_kind": nullable(districtKindOrEmpty)],
                               required: ["name", "parent_id"]),
        "OrgUnitPatch": object(["name": nullable(string), "division_code": nullable(string), "village_post": nullable(oneOf(VillagePost.self)),
                                "district_kind": nullable(districtKindOrEmpty)]),
        "StationInput": object([
            "street_id": nullable(uuid), "name": nullable(string), "address": nullable(string), "opened_on": nullable(dateOrEmpty),
            "operator_id": nullable(["type": "string", "description": "本市已登记承接机构的 id；空字符串表示移除"]),
            "operator_exit_on": nullable(dateOrEmpty),
            "rooms": nullable(["type": "array", "items": object(["kind": oneOf(RoomKind.self),
                                                                 "area": range(.roomArea),
                                                                 "shared": nullable(bool)], required: ["kind", "area"])]),
            "equipment": nullable(["type": "array", "items": oneOf(Equipment.self)]),
            "outdoor_sign": nullable(bool), "indoor_sign": nullable(bool),
            "village_posts": nullable(["type": "object", "propertyNames": uuid, "additionalProperties": oneOf(VillagePost.self)]),
            // Contract facts (S-6, S-7, S-8): only a district officer or city admin may send them (403 otherwise).
            "contract_started_on": nullable(dateOrEmpty),
            "annual_contract_amount": nullable(yuan), "annual_personnel_budget": nullable(yuan),
            // The demonstration-only rules read it; only a city admin may send it (403 otherwise).
            "is_demonstration": nullable(["type": "boolean", "description": "示范点（仅市民政局可设置）"]),
        ]),
        "RecipientInput": object([
            "station_id": nullable(["type": "string", "format": "uuid", "description": "只管一个站点的可省略"]),
            "name": ["type": "string", "minLength": 1, "maxLength": RecipientDraft.nameLimit],
            "resident_id": nullable(["type": "string", "description": "18 位居民身份证号（GB 11643，校验码核对）；无证件的留空并填写出生日期和性别"]),
            "birth_date": nullable(dateOrEmpty), "sex": nullable(["type": "string", "enum": ["男", "女", ""]]),
            "phone": nullable(string), "address": nullable(text(RecipientDraft.addressLimit)),
            "village": ["type": "string", "minLength": 1, "description": "本站所在街道下的村（社区）名称"],
            "categories": ["type": "array", "minItems": 1, "items": ["type": "string", "enum": RecipientCategory.allCases.map(\.rawValue) + RecipientCategory.allCases.map(\.label)]],
            "disability_grade": nullable(string), "disability_type": nullable(string),
            "follow_up_level": nullable(["type": "integer", "description": "本市政策配置中的跟进级别（1 至配置的级数）"]),
            "guardian_id": nullable(uuid), "guardian_name": nullable(text(RecipientDraft.nameLimit)), "guardian_phone": nullable(string),
        ], required: ["name", "village", "categories"]),
        "RecipientStatusInput": object(["status": oneOf(RecipientStatus.self), "on": date, "reason": ["type": "string", "minLength": 1, "maxLength": TextLimit.short]],
                                       required: ["status", "on", "reason"]),
        "RevealInput": object(["field": ["type": "string", "enum": RecipientService.SealedField.allCases.map(\.rawValue)],
                               "reason": ["type": "string", "minLength": 4, "maxLength": TextLimit.short]], required: ["field", "reason"]),
        "NeedInput": object(["area": ["type": "string", "description": "本市政策配置中的服务领域代码"], "description": ["type": "string", "minLength": 1, "maxLength": TextLimit.short],
                             "urgency": oneOf(NeedUrgency.self), "identified_on": date], required: ["area", "description", "urgency", "identified_on"]),
        "NeedStatusInput": object(["status": oneOf(NeedStatus.self), "on": nullable(dateOrEmpty)], required: ["status"]),
        "ProvinceInput": object(["name": ["type": "string", "minLength": 1, "maxLength": TextLimit.name],
                                 "division_code": ["type": "string", "pattern": "^[0-9]{2}(0000)?$",
                                                   "description": "GB/T 2260 省级代码：37 或 370000"]],
                                required: ["name", "division_code"]),
        "CityInput": object(["province_id": uuid, "name": ["type": "string", "minLength": 1, "maxLength": 100],
                             "division_code": ["type": "string", "pattern": "^[0-9]{6}$", "description": "6 位，以所属省级代码的前两位开头"],
                             "profile": nullable(["type": "string", "enum": PolicyProfile.shippedIDs, "description": "出厂政策配置；与 copy_of_city_id 二选一"]),
                             "copy_of_city_id": nullable(["type": "string", "format": "uuid", "description": "复制该市的现行政策配置（出厂配置及其参数修改）作为新市的第 1 版"]),
                             "admin_username": ["type": "string", "pattern": UserService.usernamePattern],
                             "admin_display_name": nullable(string),
                             "admin_password": nullable(["type": "string", "description": "至少 8 位；留空则生成一次性密码，仅在应答中出现一次"])],
                            required: ["province_id", "name", "division_code", "admin_username"]),
        "OperatorInput": object(["name": string, "credit_code": ["type": "string", "minLength": 18, "maxLength": 18], "city_id": uuid]),
        "UserInput": object([
            "username": nullable(string), "display_name": nullable(string), "password": nullable(string), "active": nullable(bool),
            "assignments": nullable(["type": "array", "items": object(["role": oneOf(Role.self), "org_unit_id": nullable(uuid), "operator_id": nullable(uuid)],
                                                                      required: ["role"])]),
        ]),
        "PolicyChange": object(["rule_id": string, "param": string, "value": ["type": "number", "minimum": 0], "effective_from": date, "note": nullable(string),
                                "backdate_reason": nullable(string)],
                               required: ["rule_id", "param", "value", "effective_from"]),
        "CalendarYear": object(["year": ["type": "integer", "minimum": 2000, "maximum": 2100],
                                "holidays": ["type": "array", "items": object(["first": date, "last": date, "name": ["type": "string", "minLength": 1, "maxLength": 20]], required: ["first", "last", "name"])],
                                "workdays": ["type": "array", "items": date]], required: ["year", "holidays", "workdays"]),
        "CalendarCorrection": object(["holidays": ["type": "array", "items": object(["first": date, "last": date, "name": ["type": "string", "minLength": 1, "maxLength": 20]],
                                                                                required: ["first", "last", "name"])],
                                      "workdays": ["type": "array", "items": date], "reason": text(TextLimit.short)], required: ["holidays", "workdays", "reason"]),
        // On PATCH, station_id and started_on are refused (422): a posting changes through /assignments.
        "WorkerInput": object(["name": nullable(string), "gender": nullable(oneOf(Gender.self)), "birth_date": nullable(dateOrEmpty), "phone": nullable(phoneOrEmpty),
                               "education": nullable(oneOf(Education.self)), "major": nullable(oneOf(Major.self)),
                               "certificate_level": nullable(oneOf(CertificateLevel.self)), "certificate_number": nullable(string),
                               "certificate_date": nullable(dateOrEmpty), "experience_years": nullable(range(.experienceYears)),
                               "full_time": nullable(bool), "registered_national": nullable(bool), "station_id": nullable(uuid), "started_on": nullable(dateOrEmpty)]),
        "DeadlineFiling": object(["rule_id": string, "due_on": date, "unit_id": uuid, "filed_on": nullable(dateOrEmpty), "note": nullable(string)],
                                  required: ["rule_id", "due_on", "unit_id"]),
        "AssignmentInput": object(["station_id": uuid, "started_on": date, "ended_on": nullable(dateOrEmpty)], required: ["station_id", "started_on"]),
        "SupervisorInput": object(["name": string, "pool": oneOf(SupervisorPool.self), "experience_years": range(.experienceYears),
                                   "phone": nullable(phoneOrEmpty), "station_id": uuid, "started_on": date],
                                  required: ["name", "pool", "experience_years", "station_id", "started_on"]),
        "SupervisionInput": object(["station_id": uuid, "supervisor_id": uuid, "held_on": date, "hours": hours,
                                    "form": oneOf(SupervisionForm.self), "topic": text(TextLimit.short), "issues": nullable(text(TextLimit.long)), "advice": nullable(text(TextLimit.long)),
                                    "supervisee_ids": ["type": "array", "items": uuid, "minItems": 1],
                                    "case_ids": nullable(["type": "array", "items": uuid, "maxItems": SupervisionCases.maxPerRecord,
                                                          "description": "讨论的个案：须为本站、本人可查看的个案，且开案不晚于督导日期（否则 422）"])],
                                   required: ["station_id", "supervisor_id", "held_on", "hours", "form", "topic", "supervisee_ids"]),
        "TrainingInput": object(["worker_id": uuid, "held_on": date, "hours": hours, "title": text(TextLimit.short), "organiser": nullable(text(TextLimit.short))],
                                required: ["worker_id", "held_on", "hours", "title"]),
        // The same as multipart/form-data, with an optional evidence file (PDF, JPG or PNG, at most 20 MB).
        "TrainingForm": ["type": "object", "required": ["worker_id", "held_on", "hours", "title"],
                         "properties": ["worker_id": uuid, "held_on": date, "hours": ["type": "string", "description": "学时，例如 2.5"], "title": text(TextLimit.short),
                                        "organiser": text(TextLimit.short), "attachment": ["type": "string", "contentMediaType": "application/octet-stream"]]],
    ] }

    static var string: [String: Any] { ["type": "string"] }
    static var bool: [String: Any] { ["type": "boolean"] }
    static var uuid: [String: Any] { ["type": "string", "format": "uuid"] }
    static var date: [String: Any] { ["type": "string", "format": "date"] }
    static var dateTime: [String: Any] { ["type": "string", "format": "date-time"] }
    static var hours: [String: Any] { range(.sessionHours) }
    /// A number with the bounds the server checks (`NumberBounds`).
    static func range(_ b: NumberBounds) -> [String: Any] {
        ["type": b.wholeNumber ? "integer" : "number", "minimum": b.range.lowerBound, "maximum": b.range.upperBound]
    }
    /// Free text with the server's length limit (`TextLimit`).
    static func text(_ max: Int) -> [String: Any] { ["type": "string", "maxLength": max] }
    static var yuan: [String: Any] { ["type": "number", "minimum": 0, "maximum": StationService.maxYuan] }
    /// Optional dates: an empty string means "none" (and clears the field on an update).
    static var dateOrEmpty: [String: Any] { ["type": "string", "anyOf": [["format": "date"], ["maxLength": 0]]] }
    /// A district's kind (rule S-2); an empty string clears it on an update.
    static var districtKindOrEmpty: [String: Any] {
        ["type": "string", "enum": DistrictKind.allCases.map(\.rawValue) + [""],
         "description": "城区类型（规则 S-2）：central_urban 中心城区、new_urban 新城区；空字符串表示清除"]
    }
    static var phoneOrEmpty: [String: Any] { ["type": "string", "anyOf": [["pattern": WorkforceService.phonePattern], ["maxLength": 0]]] }

    /// A string that must be one of an enumeration's raw values.
    static func oneOf<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> [String: Any] where E.RawValue == String {
        ["type": "string", "enum": E.allCases.map(\.rawValue)]
    }

    /// The same schema, also allowing null (the server reads null as "not given").
    static func nullable(_ schema: [String: Any]) -> [String: Any] {
        var s = schema
        if let type = s["type"] as? String { s["type"] = [type, "null"] }
        if let values = s["enum"] as? [String] { s["enum"] = values.map { $0 as Any } + [NSNull()] }
        return s
    }

    static func object(_ properties: [String: Any], required: [String] = [], closed: Bool = true) -> [String: Any] {
        var o: [String: Any] = ["type": "object", "properties": properties]
        if closed { o["additionalProperties"] = false }
        if !required.isEmpty { o["required"] = required }
        return o
    }

    static func isSecured(_ op: Operation) -> Bool { op.path != ApiRoute.authToken.openAPIPath && op.path != ApiRoute.openAPI.openAPIPath }

    /// The error statuses an operation can answer, from what it takes: a bearer token (401, and 403
    /// for a role that may not), a path parameter or a referenced record (404), query parameters (400),
    /// a body (400 unreadable, 413 too large, 415 not JSON, 422 refused, 409 clashing with stored
    /// data). `extraStatuses` adds what the shape does not tell.
    static func errorStatuses(_ op: Operation) -> [Int] {
        var codes = Set<Int>()
        if isSecured(op) { codes.formUnion([401, 403]) }
        if op.path.contains("{") { codes.insert(404) }
        if !op.query.isEmpty { codes.insert(400) }
        // A multipart upload (its body is a form, not a JSON schema) is refused as a JSON body is.
        if op.body != nil || multipartBodies["\(op.method.rawValue) \(op.path)"] != nil {
            codes.formUnion([400, 413, 415, 422])
            if isSecured(op) { codes.formUnion([404, 409]) }
        }
        codes.formUnion(extraStatuses["\(op.method.rawValue) \(op.path)"] ?? [])
        return codes.sorted()
    }

    static func document() -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for op in operations {
            let key = "\(op.method.rawValue) \(op.path)"
            var success: [String: Any] = ["description": "成功"]
            if let body = responseBodies[key] {
                success["content"] = ["application/json": ["schema": ["$ref": "#/components/schemas/\(body)"]]]
            } else if let types = fileResponses[key] {
                success["content"] = Dictionary(uniqueKeysWithValues: types.map { ($0, ["schema": ["type": "string", "format": "binary"]] as [String: Any]) })
            }
            var responses: [String: Any] = [String(op.status): success]
            for code in errorStatuses(op) { responses[String(code)] = ["$ref": "#/components/responses/Problem"] }
            for (status, body) in additionalSuccess[key] ?? [:] {
                responses[String(status)] = ["description": "成功", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(body)"]]]]
            }
            var operation: [String: Any] = ["summary": op.summary, "operationId": key, "responses": responses]
            var parameters: [[String: Any]] = op.query.map { ["name": $0, "in": "query", "required": false, "schema": queryParameters[$0] ?? string] }
            if op.path.contains("{id}") { parameters.append(["name": "id", "in": "path", "required": true, "schema": uuid]) }
            if op.path.contains("{year}") { parameters.append(["name": "year", "in": "path", "required": true, "schema": ["type": "integer"]]) }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let types = fileBodies[key] {
                let content = Dictionary(uniqueKeysWithValues: types.map { ($0, ["schema": ["type": "string", "format": "binary"]] as [String: Any]) })
                operation["requestBody"] = ["required": true, "content": content]
            } else if let body = op.body {
                var content: [String: Any] = ["application/json": ["schema": ["$ref": "#/components/schemas/\(body)"]]]
                if let form = multipartBodies[key] { content["multipart/form-data"] = ["schema": ["$ref": "#/components/schemas/\(form)"]] }
                operation["requestBody"] = ["required": true, "content": content]
            } else if let form = multipartBodies[key] {
                // A file only, such as an event's photo: multipart and nothing else.
                operation["requestBody"] = ["required": true, "content": ["multipart/form-data": ["schema": ["$ref": "#/components/schemas/\(form)"]]]]
            }
            if isSecured(op) { operation["security"] = [["bearer": [String]()]] }
            paths[op.path, default: [:]][op.method.rawValue.lowercased()] = operation
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "社工站综合管理平台 API", "version": "1.0.0",
                     "description": "Shegong: street and township social work station management. 错误以 application/problem+json 返回，errors 列出每个字段的中文说明。"
                        + "请求体不接受文档之外的字段（422）；路径存在但方法不支持时返回 405 和 Allow。"],
            "paths": paths,
            "components": [
                "schemas": schemas.merging(responseSchemas) { request, _ in request },
                "responses": ["Problem": ["description": "错误：status 为 HTTP 状态码，errors 逐字段说明（中文）",
                                          "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]]],
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
            ],
        ]
    }

    static func register(_ routes: any RoutesBuilder) {
        routes.get(ApiRoute.openAPI) { _ -> Response in
            let data = try JSONSerialization.data(withJSONObject: document(), options: [.sortedKeys, .prettyPrinted])
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .ok, headers: headers, body: .init(data: data))
        }
    }
}
