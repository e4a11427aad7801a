import Domain
import Vapor

/// The OpenAPI part of the volunteer library (issue 11 §1): volunteers, teams and hours.
extension OpenAPI {
    static var volunteerOperations: [Operation] {
        [
            .init(method: .GET, route: .volunteers, summary: "志愿者列表（管辖范围内；身份证号、电话脱敏，评估机构不显示）", query: ["station", "q", "page", "per"], body: nil, status: 200),
            .init(method: .POST, route: .volunteers, summary: "登记志愿者（本站社工、承接机构）：同一社工站内身份证号重复 409", query: [], body: "VolunteerInput", status: 201),
            .init(method: .GET, route: .volunteer(.key), summary: "志愿者详情（脱敏），含已确认的服务时长", query: [], body: nil, status: 200),
            .init(method: .PATCH, route: .volunteer(.key), summary: "修改志愿者：状态（暂停、退出后不再记录时长或兑换）、技能特长、可服务时间、全国志愿服务信息系统注册编号（空串清除）", query: [],
                  body: "VolunteerPatch", status: 200),
            .init(method: .POST, route: .volunteerReveal(.key), summary: "说明原因后查看志愿者完整身份证号或电话（本站社工、承接机构负责人；记入审计日志）",
                  query: [], body: "RevealInput", status: 200),
            .init(method: .GET, route: .volunteerHoursOf(.key), summary: "志愿者的服务时长记录（含更正前各版本）", query: [], body: nil, status: 200),
            .init(method: .GET, route: .volunteerTeams, summary: "志愿服务队列表（每个村（社区）一支，R-2）", query: ["station"], body: nil, status: 200),
            .init(method: .POST, route: .volunteerTeams, summary: "建立村（社区）志愿服务队：同一村（社区）已有服务队 409（R-2）", query: [], body: "VolunteerTeamInput", status: 201),
            .init(method: .GET, route: .volunteerTeam(.key), summary: "志愿服务队及其队员", query: [], body: nil, status: 200),
            .init(method: .PATCH, route: .volunteerTeam(.key), summary: "修改志愿服务队：名称、队长、中国志愿服务网注册编号（R-3，空串清除）", query: [],
                  body: "VolunteerTeamPatch", status: 200),
            .init(method: .POST, route: .volunteerTeamMembers(.key), summary: "队员加入（加入、退出日期）；同一时间重复加入 409", query: [], body: "TeamMemberInput", status: 201),
            .init(method: .PATCH, route: .volunteerTeamMember(.key),
                  summary: "登记在队队员的退出日期（id 为队员记录 members[].id）：不早于加入日期、不晚于今天（422）；已登记退出 409", query: [], body: "TeamMemberLeave", status: 200),
            .init(method: .POST, route: .volunteerHours,
                  summary: "记录服务时长（谁组织谁记录：活动所属社工站）：按实际时间、以 0.5 小时为单位（否则 422）；同一志愿者时间重叠 409 并指明另一活动",
                  query: [], body: "VolunteerHoursInput", status: 201),
            .init(method: .GET, route: .volunteerHoursEntry(.key), summary: "一条服务时长及其更正前各版本", query: [], body: nil, status: 200),
            .init(method: .POST, route: .volunteerHoursConfirm(.key), summary: "组织方社工站确认服务时长（只有已确认的时长计入）；已确认 409", query: [], body: nil, status: 200),
            .init(method: .POST, route: .volunteerHoursCorrections(.key),
                  summary: "更正服务时长：形成新版本，原版本连同更正人、时间、原因保留；版本已过期或与其他记录重叠 409", query: [], body: "VolunteerHoursCorrection", status: 201),
            .init(method: .POST, route: .volunteerHoursImports,
                  summary: "从活动签到表（.xlsx 或 .csv，表头 姓名、身份证号、开始时间、结束时间）导入服务时长，文件即请求体；dry_run=true 只逐行预览（200），否则全部导入（201）或一行也不导入（422 列出各行问题）；导入时与已有记录重叠 409",
                  query: ["activity_kind", "record_id", "station_id", "activity_name", "place", "dry_run"], body: "file", status: 201),
            .init(method: .GET, route: .stationRewards(.key), summary: "站点积分兑换奖励目录及库存（R-4；本市政策配置没有或未设置 R-4 积分参数时 422）", query: [], body: nil, status: 200),
            .init(method: .POST, route: .stationRewards(.key), summary: "新增奖励（本站社工、承接机构）：同名 409；R-4 不适用时 422", query: [], body: "RewardInput", status: 201),
            .init(method: .PATCH, route: .volunteerReward(.key),
                  summary: "补充奖励库存（须同时提交补充前的库存 stock_was：库存已变动，如重复提交或其间有兑换，409）或调整此后兑换所需积分（已兑换的不变）；与兑换在同一写锁内",
                  query: [], body: "RewardPatch", status: 200),
            .init(method: .GET, route: .volunteerPoints(.key), summary: "志愿者积分余额及明细（已确认时长获得、更正调整、兑换）；R-4 不适用时 422", query: [], body: nil, status: 200),
            .init(method: .POST, route: .volunteerRedemptions(.key),
                  summary: "积分兑换奖励：积分不足或库存不足 409（并发兑换时余额、库存均不会为负）；R-4 不适用时 422", query: [], body: "RedemptionInput", status: 201),
            .init(method: .POST, route: .volunteerRedemptionCancellation(.key),
                  summary: "撤销误登记的兑换（仅登记该兑换的社工站）：记一条相反的积分明细，积分退回余额、数量退回库存，原记录保留；已撤销 409", query: [],
                  body: "RedemptionCancellationInput", status: 201),
        ]
    }

    static var volunteerSchemas: [String: Any] {
        let moment: [String: Any] = ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}$", "description": "本地时间 年-月-日T时:分"]
        let hoursVersion = object(["version": ["type": "integer"], "activity_name": string, "place": string, "starts_at": string, "ends_at": string,
                                   "hours": ["type": "number"], "status": oneOf(VolunteerHoursStatus.self), "corrected_by_name": string, "reason": string,
                                   "corrected_at": dateTime], required: ["version", "starts_at", "ends_at", "hours", "reason"], closed: false)
        let hours = object(["id": uuid, "volunteer_id": uuid, "volunteer_name": string, "station_id": uuid, "activity_kind": oneOf(VolunteerActivityKind.self),
                            "activity_kind_label": string, "record_id": uuid, "activity_name": string, "place": string, "starts_at": string, "ends_at": string,
                            "hours": ["type": "number"], "status": oneOf(VolunteerHoursStatus.self), "status_label": string, "version": ["type": "integer"],
                            "recorded_by_name": string, "confirmed_by_name": string,
                            "versions": ["type": "array", "items": ["$ref": "#/components/schemas/VolunteerHoursVersion"]]],
                           required: ["id", "volunteer_id", "station_id", "activity_kind", "activity_name", "starts_at", "ends_at", "hours", "status", "version", "versions"],
                           closed: false)
        let volunteer = object(["id": uuid, "station_id": uuid, "station_name": string, "village_id": uuid, "village_name": string, "name": string,
                                "resident_id": ["type": "string", "description": "脱敏；评估机构不返回"], "phone": string, "skills": string, "availability": string,
                                "national_registration": string, "status": oneOf(VolunteerStatus.self), "status_label": string, "recipient_id": uuid,
                                "confirmed_hours": ["type": "number"], "created_at": dateTime, "updated_at": dateTime],
                               required: ["id", "station_id", "village_id", "name", "status", "confirmed_hours"], closed: false)
        let team = object(["id": uuid, "station_id": uuid, "village_id": uuid, "village_name": string, "name": string, "leader_id": uuid, "leader_name": string,
                           "national_registration": string,
                           "members": ["type": "array", "items": object(["id": uuid, "volunteer_id": uuid, "name": string, "joined_on": date, "left_on": date],
                                                                         required: ["id", "volunteer_id", "joined_on"], closed: false)],
                           "created_at": dateTime, "updated_at": dateTime],
                          required: ["id", "station_id", "village_id", "name", "members"], closed: false)
        let redemption = object(["id": uuid, "reward_id": uuid, "reward_name": string, "quantity": ["type": "integer"], "points": ["type": "integer"],
                                 "redeemed_on": date, "recorded_by_name": string, "cancelled": bool],
                                required: ["id", "reward_id", "quantity", "points", "redeemed_on", "cancelled"], closed: false)
        let account = object(["volunteer_id": uuid, "balance": ["type": "integer", "minimum": 0],
                              "entries": ["type": "array", "items": object(["delta": ["type": "integer"], "kind": oneOf(PointsEntryKind.self), "kind_label": string,
                                                                            "note": string, "redemption_id": uuid, "created_at": dateTime],
                                                                           required: ["delta", "kind"], closed: false)],
                              "redemptions": ["type": "array", "items": redemption]],
                             required: ["volunteer_id", "balance", "entries", "redemptions"], closed: false)
        let reward = object(["id": uuid, "station_id": uuid, "name": string, "points": ["type": "integer"], "stock": ["type": "integer", "minimum": 0],
                             "created_at": dateTime, "updated_at": dateTime], required: ["id", "station_id", "name", "points", "stock"], closed: false)
        let importRow = object(["line": ["type": "integer"], "name": string, "resident_id": string, "starts_at": string, "ends_at": string,
                                "hours": ["type": "number"], "valid": bool,
                                "problems": ["type": "array", "items": object(["field": string, "message": string], required: ["field", "message"], closed: false)]],
                               required: ["line", "valid", "problems"], closed: false)
        return [
            "VolunteerHoursImportPreview": object(["activity_name": string, "station_id": uuid, "total": ["type": "integer"], "invalid": ["type": "integer"],
                                                   "rows": ["type": "array", "items": importRow]], required: ["total", "invalid", "rows"], closed: false),
            "VolunteerHoursImported": object(["activity_name": string, "count": ["type": "integer"], "hours": ["type": "number"]], required: ["count"], closed: false),
            "RewardInput": object(["name": ["type": "string", "minLength": 1, "maxLength": TextLimit.name], "points": ["type": "integer", "minimum": 1, "maximum": 1_000_000],
                                   "stock": ["type": "integer", "minimum": 0, "maximum": VolunteerPoints.maxStock]], required: ["name", "points", "stock"]),
            "RewardPatch": object(["add_stock": nullable(["type": "integer", "minimum": 1, "maximum": VolunteerPoints.maxStock]),
                                   "stock_was": nullable(["type": "integer", "minimum": 0, "description": "补充前看到的库存；补充库存时必填"]),
                                   "points": nullable(["type": "integer", "minimum": 1, "maximum": 1_000_000])]),
            "RedemptionCancellationInput": object(["reason": ["type": "string", "minLength": 1, "maxLength": TextLimit.short]], required: ["reason"]),
            "TeamMemberLeave": object(["left_on": date], required: ["left_on"]),
            "RedemptionInput": object(["reward_id": uuid, "quantity": nullable(["type": "integer", "minimum": 1, "maximum": 100])], required: ["reward_id"]),
            "Reward": reward,
            "RewardList": object(["station_id": uuid, "station_name": string, "points_per_hour": ["type": "number"],
                                  "items": ["type": "array", "items": ["$ref": "#/components/schemas/Reward"]]], required: ["station_id", "items"], closed: false),
            "PointsAccount": account,
            "VolunteerInput": object([
                "station_id": nullable(["type": "string", "format": "uuid", "description": "只管一个站点的可省略"]),
                "name": ["type": "string", "minLength": 1, "maxLength": TextLimit.name],
                "resident_id": ["type": "string", "description": "18 位居民身份证号（GB 11643，校验码核对）"],
                "phone": nullable(string), "village": ["type": "string", "minLength": 1, "description": "本站所在街道下的村（社区）名称"],
                "skills": nullable(text(TextLimit.short)), "availability": nullable(text(TextLimit.short)),
                "national_registration": nullable(["type": "string", "maxLength": TextLimit.name, "description": "全国志愿服务信息系统注册编号（R-3），未注册的留空"]),
                "recipient_id": nullable(["type": "string", "format": "uuid", "description": "同一人也是本站服务对象时的关联（不复制数据）"]),
            ], required: ["name", "resident_id", "village"]),
            "VolunteerTeamInput": object([
                "station_id": nullable(uuid), "village": ["type": "string", "minLength": 1], "name": ["type": "string", "minLength": 1, "maxLength": TextLimit.name],
                "leader_id": nullable(uuid), "national_registration": nullable(["type": "string", "maxLength": TextLimit.name]),
            ], required: ["village", "name"]),
            "VolunteerPatch": object([
                "status": nullable(oneOf(VolunteerStatus.self)), "skills": nullable(["type": "string", "maxLength": TextLimit.short]),
                "availability": nullable(["type": "string", "maxLength": TextLimit.short]),
                "national_registration": nullable(["type": "string", "maxLength": TextLimit.name]),
            ]),
            "VolunteerTeamPatch": object([
                "name": nullable(["type": "string", "minLength": 1, "maxLength": TextLimit.name]), "leader_id": nullable(uuid),
                "national_registration": nullable(["type": "string", "maxLength": TextLimit.name]),
            ]),
            "TeamMemberInput": object(["volunteer_id": uuid, "joined_on": date, "left_on": nullable(dateOrEmpty)], required: ["volunteer_id", "joined_on"]),
            "VolunteerHoursInput": object([
                "volunteer_id": uuid, "activity_kind": oneOf(VolunteerActivityKind.self),
                "record_id": nullable(["type": "string", "format": "uuid", "description": "社区活动、小组活动或走访在服务台账中的记录"]),
                "station_id": nullable(uuid), "activity_name": nullable(text(TextLimit.short)), "place": nullable(text(TextLimit.short)),
                "starts_at": moment, "ends_at": moment,
            ], required: ["volunteer_id", "activity_kind", "starts_at", "ends_at"]),
            "VolunteerHoursCorrection": object([
                "version": ["type": "integer", "description": "所更正的版本"], "starts_at": nullable(moment), "ends_at": nullable(moment),
                "activity_name": nullable(text(TextLimit.short)), "place": nullable(text(TextLimit.short)),
                "reason": ["type": "string", "minLength": 1, "maxLength": TextLimit.short],
            ], required: ["version", "reason"]),
            "Volunteer": volunteer,
            "VolunteerList": object(["items": ["type": "array", "items": ["$ref": "#/components/schemas/Volunteer"]], "page": ["type": "integer"],
                                     "per": ["type": "integer"], "total": ["type": "integer"]], required: ["items", "page", "per", "total"], closed: false),
            "VolunteerTeam": team,
            "VolunteerTeamList": object(["items": ["type": "array", "items": ["$ref": "#/components/schemas/VolunteerTeam"]]], required: ["items"], closed: false),
            "VolunteerHours": hours,
            "VolunteerHoursVersion": hoursVersion,
            "VolunteerHoursList": object(["items": ["type": "array", "items": ["$ref": "#/components/schemas/VolunteerHours"]], "confirmed_hours": ["type": "number"]],
                                         required: ["items", "confirmed_hours"], closed: false),
        ]
    }

    static var volunteerResponses: [String: String] {
        [key(.GET, .volunteers): "VolunteerList", key(.POST, .volunteers): "Volunteer", key(.GET, .volunteer(.key)): "Volunteer", key(.PATCH, .volunteer(.key)): "Volunteer",
         key(.POST, .volunteerReveal(.key)): "Revealed", key(.GET, .volunteerHoursOf(.key)): "VolunteerHoursList",
         key(.GET, .volunteerTeams): "VolunteerTeamList", key(.POST, .volunteerTeams): "VolunteerTeam", key(.GET, .volunteerTeam(.key)): "VolunteerTeam", key(.PATCH, .volunteerTeam(.key)): "VolunteerTeam",
         key(.POST, .volunteerTeamMembers(.key)): "VolunteerTeam", key(.PATCH, .volunteerTeamMember(.key)): "VolunteerTeam", key(.POST, .volunteerHours): "VolunteerHours",
         key(.GET, .volunteerHoursEntry(.key)): "VolunteerHours", key(.POST, .volunteerHoursConfirm(.key)): "VolunteerHours",
         key(.POST, .volunteerHoursCorrections(.key)): "VolunteerHours",
         key(.POST, .volunteerHoursImports): "VolunteerHoursImported",
         key(.GET, .stationRewards(.key)): "RewardList", key(.POST, .stationRewards(.key)): "Reward", key(.PATCH, .volunteerReward(.key)): "Reward",
         key(.GET, .volunteerPoints(.key)): "PointsAccount", key(.POST, .volunteerRedemptions(.key)): "PointsAccount",
         key(.POST, .volunteerRedemptionCancellation(.key)): "PointsAccount"]
    }
}
