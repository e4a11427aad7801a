import Vapor

/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`.
/// A test checks that it lists exactly the registered API routes.
enum OpenAPI {
    struct Operation {
        let method: HTTPMethod
        let path: String
        let summary: String
        let query: [String]
        let body: String?
        let status: Int
    }

    static let operations: [Operation] = [
        .init(method: .POST, path: "/api/v1/auth/token", summary: "用用户名和密码换取访问令牌", query: [], body: "TokenRequest", status: 201),
        .init(method: .DELETE, path: "/api/v1/auth/token", summary: "注销本次请求所用的访问令牌", query: [], body: nil, status: 204),
        .init(method: .GET, path: "/api/v1/me", summary: "当前用户及其角色", query: [], body: nil, status: 200),
        .init(method: .GET, path: "/api/v1/org-units", summary: "组织单位列表（管辖范围内）", query: ["level", "parent"], body: nil, status: 200),
        .init(method: .POST, path: "/api/v1/org-units", summary: "新建下级组织单位（市民政局）", query: [], body: "OrgUnitInput", status: 201),
        .init(method: .GET, path: "/api/v1/org-units/{id}", summary: "组织单位详情", query: [], body: nil, status: 200),
        .init(method: .PATCH, path: "/api/v1/org-units/{id}", summary: "修改组织单位", query: [], body: "OrgUnitPatch", status: 200),
        .init(method: .GET, path: "/api/v1/stations", summary: "社工站列表", query: ["district", "street", "q", "page", "per"], body: nil, status: 200),
        .init(method: .POST, path: "/api/v1/stations", summary: "新建社工站（每个街道/乡镇一个）", query: [], body: "StationInput", status: 201),
        .init(method: .GET, path: "/api/v1/stations/{id}", summary: "社工站详情：功能室、设备、标牌、村居阵地", query: [], body: nil, status: 200),
        .init(method: .PATCH, path: "/api/v1/stations/{id}", summary: "修改社工站", query: [], body: "StationInput", status: 200),
        .init(method: .GET, path: "/api/v1/users", summary: "用户列表（市民政局）", query: [], body: nil, status: 200),
        .init(method: .POST, path: "/api/v1/users", summary: "新建用户（市民政局）", query: [], body: "UserInput", status: 201),
        .init(method: .GET, path: "/api/v1/users/{id}", summary: "用户详情", query: [], body: nil, status: 200),
        .init(method: .PATCH, path: "/api/v1/users/{id}", summary: "修改用户、重设密码、调整角色（重设密码即结束其全部登录）", query: [], body: "UserInput", status: 200),
        .init(method: .POST, path: "/api/v1/users/{id}/sign-out", summary: "强制下线：结束该用户全部会话并作废其令牌", query: [], body: nil, status: 204),
        .init(method: .GET, path: "/api/v1/operators", summary: "本市已登记的承接机构", query: [], body: nil, status: 200),
        .init(method: .POST, path: "/api/v1/operators", summary: "登记承接机构（市民政局）", query: [], body: "OperatorInput", status: 201),
        .init(method: .PATCH, path: "/api/v1/operators/{id}", summary: "修改承接机构名称（市民政局）", query: [], body: "OperatorInput", status: 200),
        .init(method: .GET, path: "/api/v1/audit-events", summary: "审计日志（市民政局）", query: ["actor", "entity", "entity_id", "from", "to", "page", "per"], body: nil, status: 200),
        .init(method: .GET, path: "/api/v1/openapi.json", summary: "本文档", query: [], body: nil, status: 200),
        .init(method: .GET, path: "/api/v1/policy", summary: "本市政策配置及某年度适用的参数", query: ["year"], body: nil, status: 200),
        .init(method: .POST, path: "/api/v1/policy/versions", summary: "修改规则参数，形成带生效日期的新版本（市民政局）", query: [], body: "PolicyChange", status: 201),
        .init(method: .GET, path: "/api/v1/calendar/{year}", summary: "某年度的节假日与调休安排", query: [], body: nil, status: 200),
        .init(method: .GET, path: "/api/v1/calendar/working-days", summary: "从某日起 N 个工作日的到期日及跳过的非工作日（A-5、E-4 等）", query: ["from", "days", "start_counts"], body: nil, status: 200),
        .init(method: .POST, path: "/api/v1/calendar", summary: "录入新年度的节假日安排（市民政局）", query: [], body: "CalendarYear", status: 201),
        .init(method: .GET, path: "/api/v1/deadlines", summary: "30 天内到期和已过期未报送的事项，及管辖范围内各单位的报送情况", query: [], body: nil, status: 200),
        .init(method: .POST, path: "/api/v1/deadline-filings", summary: "登记某单位已报送某到期事项（报送登记）", query: [], body: "DeadlineFiling", status: 201),
        .init(method: .GET, path: "/api/v1/stations/{id}/workers", summary: "站点在岗社工", query: [], body: nil, status: 200),
        .init(method: .POST, path: "/api/v1/workers", summary: "登记社工并安排驻站", query: [], body: "WorkerInput", status: 201),
        .init(method: .GET, path: "/api/v1/workers/{id}", summary: "社工信息（手机号码脱敏）", query: [], body: nil, status: 200),
        .init(method: .PATCH, path: "/api/v1/workers/{id}", summary: "修改社工信息", query: [], body: "WorkerInput", status: 200),
        .init(method: .POST, path: "/api/v1/workers/{id}/assignments", summary: "调动或安排驻站（同一时间只能驻一个站点）", query: [], body: "AssignmentInput", status: 201),
        .init(method: .POST, path: "/api/v1/workers/{id}/phone", summary: "查看完整手机号码（记入审计日志）", query: [], body: nil, status: 200),
        .init(method: .POST, path: "/api/v1/supervisors", summary: "登记督导并指派到站点", query: [], body: "SupervisorInput", status: 201),
        .init(method: .GET, path: "/api/v1/stations/{id}/supervision-records", summary: "站点某年度的督导记录", query: ["year"], body: nil, status: 200),
        .init(method: .POST, path: "/api/v1/supervision-records", summary: "新增督导记录（MZ/T 166）", query: [], body: "SupervisionInput", status: 201),
        .init(method: .POST, path: "/api/v1/supervision-records/{id}/confirm", summary: "督导或被督导社工确认记录", query: [], body: nil, status: 204),
        .init(method: .GET, path: "/api/v1/stations/{id}/training-records", summary: "站点某年度的培训记录", query: ["year"], body: nil, status: 200),
        .init(method: .POST, path: "/api/v1/training-records", summary: "新增培训记录（JSON，或 multipart 附 PDF/图片佐证）", query: [], body: "TrainingInput", status: 201),
        .init(method: .GET, path: "/api/v1/stations/{id}/compliance", summary: "站点某年度逐条合规检查", query: ["year"], body: nil, status: 200),
        .init(method: .GET, path: "/api/v1/compliance", summary: "管辖范围内各站点合规矩阵", query: ["year", "district", "rule", "state", "detail"], body: nil, status: 200),
    ]

    static var schemas: [String: Any] { [
        "TokenRequest": object(["username": string, "password": string], required: ["username", "password"]),
        "OrgUnitInput": object(["name": string, "parent_id": uuid, "division_code": string], required: ["name", "parent_id"]),
        "OrgUnitPatch": object(["name": string, "division_code": string, "village_post": ["type": "string", "enum": ["none", "room", "point"]]]),
        "StationInput": object([
            "street_id": uuid, "name": string, "address": string, "opened_on": ["type": "string", "format": "date"],
            "operator_id": ["type": "string", "description": "本市已登记承接机构的 id；空字符串表示移除"],
            "operator_exit_on": ["type": "string", "format": "date", "description": "更换或移除承接机构时原承接机构的退出日期（规则 A-5）"],
            "rooms": ["type": "array", "items": object(["kind": ["type": "string", "enum": ["office", "case_work", "group_work", "activity", "archive"]],
                                                        "area": ["type": "number", "exclusiveMinimum": 0], "shared": bool], required: ["kind", "area"])],
            "equipment": ["type": "array", "items": string],
            "outdoor_sign": bool, "indoor_sign": bool,
            "village_posts": ["type": "object", "additionalProperties": ["type": "string", "enum": ["none", "room", "point"]]],
        ]),
        "OperatorInput": object(["name": string, "credit_code": ["type": "string", "minLength": 18, "maxLength": 18], "city_id": uuid]),
        "UserInput": object([
            "username": string, "display_name": string, "password": string, "active": bool,
            "assignments": ["type": "array", "items": object(["role": string, "org_unit_id": uuid, "operator_id": uuid], required: ["role"])],
        ]),
        "PolicyChange": object(["rule_id": string, "param": string, "value": ["type": "number", "minimum": 0], "effective_from": date, "note": string],
                               required: ["rule_id", "param", "value", "effective_from"]),
        "CalendarYear": object(["year": ["type": "integer"], "holidays": ["type": "array", "items": object(["first": date, "last": date, "name": string])],
                                "workdays": ["type": "array", "items": date]], required: ["year", "holidays", "workdays"]),
        "WorkerInput": object(["name": string, "gender": string, "birth_date": date, "phone": string, "education": string, "major": string,
                               "certificate_level": string, "certificate_number": string, "certificate_date": date, "experience_years": ["type": "number"],
                               "full_time": bool, "registered_national": bool, "station_id": uuid, "started_on": date]),
        "DeadlineFiling": object(["rule_id": string, "due_on": date, "unit_id": uuid, "filed_on": date, "note": string],
                                  required: ["rule_id", "due_on", "unit_id"]),
        "AssignmentInput": object(["station_id": uuid, "started_on": date, "ended_on": date], required: ["station_id", "started_on"]),
        "SupervisorInput": object(["name": string, "pool": string, "experience_years": ["type": "number"], "phone": string, "station_id": uuid, "started_on": date],
                                  required: ["name", "pool", "station_id", "started_on"]),
        "SupervisionInput": object(["station_id": uuid, "supervisor_id": uuid, "held_on": date, "hours": ["type": "number", "exclusiveMinimum": 0],
                                    "form": ["type": "string", "enum": ["individual", "group"]], "topic": string, "issues": string, "advice": string,
                                    "supervisee_ids": ["type": "array", "items": uuid]],
                                   required: ["station_id", "supervisor_id", "held_on", "hours", "form", "supervisee_ids"]),
        "TrainingInput": object(["worker_id": uuid, "held_on": date, "hours": ["type": "number", "exclusiveMinimum": 0], "title": string, "organiser": string],
                                required: ["worker_id", "held_on", "hours", "title"]),
        "Problem": object(["type": string, "title": string, "status": ["type": "integer"], "detail": string,
                           "errors": ["type": "array", "items": object(["field": string, "message": string])]]),
    ] }

    private static var string: [String: Any] { ["type": "string"] }
    private static var bool: [String: Any] { ["type": "boolean"] }
    private static var uuid: [String: Any] { ["type": "string", "format": "uuid"] }
    private static var date: [String: Any] { ["type": "string", "format": "date"] }
    private static func object(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        var o: [String: Any] = ["type": "object", "properties": properties, "additionalProperties": false]
        if !required.isEmpty { o["required"] = required }
        return o
    }

    static func document() -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for op in operations {
            var operation: [String: Any] = [
                "summary": op.summary,
                "responses": [
                    String(op.status): ["description": "成功"],
                    "default": ["description": "错误", "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]],
                ],
            ]
            var parameters: [[String: Any]] = op.query.map { ["name": $0, "in": "query", "required": false, "schema": string] }
            if op.path.contains("{id}") { parameters.append(["name": "id", "in": "path", "required": true, "schema": uuid]) }
            if op.path.contains("{year}") { parameters.append(["name": "year", "in": "path", "required": true, "schema": ["type": "integer"]]) }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let body = op.body {
                operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(body)"]]]]
            }
            if op.path != "/api/v1/auth/token" && op.path != "/api/v1/openapi.json" { operation["security"] = [["bearer": [String]()]] }
            paths[op.path, default: [:]][op.method.rawValue.lowercased()] = operation
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "社工站综合管理平台 API", "version": "1.0.0",
                     "description": "Shegong: street and township social work station management. 错误以 application/problem+json 返回，errors 列出每个字段的中文说明。"],
            "paths": paths,
            "components": [
                "schemas": schemas,
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
            ],
        ]
    }

    static func register(_ routes: any RoutesBuilder) {
        routes.get("api", "v1", "openapi.json") { _ -> Response in
            let data = try JSONSerialization.data(withJSONObject: document(), options: [.sortedKeys, .prettyPrinted])
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .ok, headers: headers, body: .init(data: data))
        }
    }
}
