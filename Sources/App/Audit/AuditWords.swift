import Domain
import Foundation

/// How an audit event reads to an officer: the kind of record in Chinese, each changed field with
/// its Chinese label, and values in words (是/否, 本科, 团体督导 …). Defined once, used by the audit page.
enum AuditWords {
    static let entities: [(type: String, label: String)] = [
        ("org_unit", "组织单位"), ("station", "社工站"), ("station_room", "功能室"), ("station_operator_period", "承接期"),
        ("operator", "承接机构"), ("user", "用户"), ("role_assignment", "角色分配"),
        ("social_worker", "人员（社工）"), ("worker_assignment", "社工驻站"), ("supervisor", "督导"),
        ("supervisor_assignment", "督导指派"), ("supervision_record", "督导记录"), ("supervision_attendee", "督导确认（被督导社工）"),
        ("supervision_record_case", "督导讨论的个案"),
        ("training_record", "培训记录"), ("attachment", "佐证材料"), ("deadline_filing", "报送登记"), ("policy", "政策配置"),
        ("calendar_year", "工作日历"), ("demo_records", "演示数据"), ("bulk_import", "批量导入"), ("audit_chain", "审计链"),
        ("recipient_import", "服务对象批量导入"), ("recipient", "服务对象"), ("recipient_need", "需求"), ("recipient_consent", "知情同意"),
        ("recipient_export", "服务对象名单导出"), ("featured_project", "特色项目"),
    ]

    static func entity(_ type: String) -> String { entities.first { $0.type == type }?.label ?? "其他记录" }

    static let fields: [String: String] = [
        "active": "启用", "address": "地址", "advice": "督导建议", "annual_contract_amount": "年度购买服务金额（元）",
        "annual_personnel_budget": "年度人员经费（元）", "area": "面积（平方米）", "attachment_id": "佐证材料", "birth_date": "出生日期",
        "certificate_date": "取证日期", "certificate_level": "职业资格", "certificate_number": "证书编号", "city_id": "所属市",
        "contract_started_on": "合同起始日期", "credit_code": "统一社会信用代码", "display_name": "姓名", "division_code": "行政区划代码",
        "due_on": "到期日", "education": "学历", "ended_on": "结束日期", "equipment": "办公设备", "experience_years": "相关工作经验（年）",
        "filed_on": "报送日期", "filer": "报送单位类别", "form": "督导形式", "full_time": "专职", "gender": "性别", "held_on": "日期",
        "hours": "时长/学时", "indoor_sign": "室内标牌", "is_demonstration": "示范点", "issues": "发现的问题", "kind": "类型",
        "level": "层级", "major": "专业", "name": "名称", "note": "说明", "opened_on": "启用日期", "operator_id": "承接机构",
        "org_unit_id": "管辖单位", "organiser": "主办单位", "outdoor_sign": "室外标牌", "parent_id": "上级单位", "phone": "手机号码",
        "pool": "督导来源", "registered_national": "已在全国系统登记", "role": "角色", "rule_id": "规则", "shared": "共用",
        "started_on": "开始日期", "station_id": "社工站", "street_id": "街道", "supervisor_id": "督导", "title": "标题", "topic": "督导主题",
        "unit_id": "单位", "user_id": "登录账号", "username": "用户名", "village_post": "村居社工点", "worker_id": "社工",
        "arrangement": "节假日安排", "by": "操作人", "confirmed": "已确认", "content_type": "文件类型", "disposition": "查看方式",
        "expires_at": "有效期至", "failed_logins": "连续登录失败次数", "field": "查看的字段", "org_units": "组织单位数",
        "other_sessions": "其他登录会话", "reason": "原因", "rows": "行数", "size": "文件大小（字节）", "stations": "社工站数",
        "supervision_records": "督导记录数", "social_workers": "社工数", "supervisor_confirmed": "督导已确认", "training_record_id": "培训记录",
        "training_records": "培训记录数", "worker_ids": "被督导社工", "effective_from": "生效日期", "version": "版本",
        "backdate_reason": "追溯理由", "policy_profile": "政策配置",
        "file_sha256": "文件 SHA-256",
        "village_id": "所在村（社区）", "resident_id": "身份证号（密钥散列）", "sex": "性别", "follow_up_level": "跟进级别", "status": "状态",
        "status_on": "状态日期", "household_id": "家庭（户主记录）", "household_relation": "与户主关系", "guardian_id": "监护人",
        "guardian_name": "监护人姓名", "merged_into_id": "合并至", "recipient_id": "服务对象", "description": "描述", "urgency": "紧急程度",
        "category": "人群类别", "fields": "导出的列", "values": "号码", "format": "格式",
        "featured_project_id": "特色项目", "active_from": "开展起始日期", "active_to": "开展截止日期", "service_items": "新增服务目录项目",
        "featured_projects": "开放特色项目", "case_numbers": "个案编号",
    ]

    /// "P-2 人均办公面积：社工人均办公面积下限（平方米）" for a policy parameter ("P-2.minOfficeAreaPerWorker").
    static func field(_ key: String) -> String {
        if let label = fields[key] { return label }
        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2, RuleName.names[parts[0]] != nil { return "\(RuleName.label(parts[0]))：\(RuleParameter.label(parts[1]))" }
        return key
    }

    /// A stored value in words.
    static func value(_ field: String, _ raw: String?) -> String {
        guard let raw, !raw.isEmpty else { return "（空）" }
        switch raw {
        case "true": return "是"
        case "false": return "否"
        default: break
        }
        let word: String? = switch field {
        case "education": Education(rawValue: raw)?.label
        case "major": Major(rawValue: raw)?.label
        case "certificate_level": CertificateLevel(rawValue: raw)?.label
        case "gender": Gender(rawValue: raw)?.label
        case "form": SupervisionForm(rawValue: raw)?.label
        case "pool": SupervisorPool(rawValue: raw)?.label
        case "role": Role(rawValue: raw)?.label
        case "level": OrgLevel(rawValue: raw)?.label
        case "kind": RoomKind(rawValue: raw)?.label
        case "filer": Filer(rawValue: raw)?.label
        case "rule_id": RuleName.label(raw)
        case "equipment": raw.split(separator: ",").map { Equipment(rawValue: String($0))?.label ?? String($0) }.joined(separator: "、")
        case "reason": ["password": "密码错误", "unknown": "用户名不存在"][raw]
        case "other_sessions": raw == "ended" ? "已全部退出" : nil
        case "values": ["full": "完整号码", "masked": "隐去中间位"][raw]
        case "field": RecipientService.SealedField(rawValue: raw)?.label
        case "status": RecipientStatus(rawValue: raw)?.label ?? NeedStatus(rawValue: raw)?.label
        case "household_relation": HouseholdRelation(rawValue: raw)?.label
        case "urgency": NeedUrgency(rawValue: raw)?.label
        default: nil
        }
        return word ?? raw
    }

    /// One changed field: "学历：大专 → 本科"; a new record's field reads "学历：本科", a removed one "学历：本科 →（删除）".
    struct Change: Equatable {
        let field: String
        let old: String?
        let new: String?

        var text: String {
            switch (old, new) {
            case (nil, let new?): return "\(field)：\(new)"
            case (let old?, nil): return "\(field)：\(old) →（删除）"
            default: return "\(field)：\(old ?? "（空）") → \(new ?? "（空）")"
            }
        }
    }

    /// The stored changes (JSON object field → [old, new]) as a readable list, in field-label order.
    static func changes(_ json: String) -> [Change] {
        guard let object = try? JSONDecoder().decode([String: [String?]].self, from: Data(json.utf8)) else {
            return json == "{}" || json.isEmpty ? [] : [Change(field: "变更", old: nil, new: "（无法解读的记录）")]
        }
        return object.keys.sorted().map { key in
            let pair = object[key]!
            let old = pair.count > 0 ? pair[0] : nil
            let new = pair.count > 1 ? pair[1] : nil
            return Change(field: field(key), old: old.map { value(key, $0) }, new: new.map { value(key, $0) })
        }
    }

    static func time(_ date: Date) -> String {
        let f = DateFormatter()
        f.timeZone = Day.chinaTimeZone
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: date)
    }
}
