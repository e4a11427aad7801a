/// The short Chinese name of every rule of policy-catalogue.md, as an officer calls it ("S-2 专职社工人数"),
/// and the Chinese label and unit of every rule parameter. Defined once: pages, filters, the deadline
/// board, messages and exports show a rule as `PolicyRule.label(id)` and a parameter as `RuleParameter.label`.
public enum RuleName {
    public static let names: [String: String] = [
        "H-1": "三级服务体系", "H-2": "各方职责", "H-3": "服务事项边界",
        "P-1": "功能室设置", "P-2": "人均办公面积", "P-3": "示范点个案工作室", "P-4": "标识标牌", "P-5": "办公设备",
        "S-1": "社工人数", "S-2": "专职社工人数", "S-3": "社工资质", "S-4": "示范点社工资质", "S-5": "持证与工作经验",
        "S-6": "持证社工比例", "S-7": "人员经费标准", "S-8": "购买服务标准", "S-9": "岗位设置",
        "T-1": "示范点专业督导", "T-2": "督导时长", "T-3": "培训学时", "T-4": "督导人员经验", "T-5": "督导记录",
        "T-6": "机构内部督导",
        "V-1": "服务内容", "V-2": "服务领域", "V-3": "“1+4+N”服务体系", "V-4": "服务方法", "V-5": "重点服务领域",
        "V-6": "示范点服务案例", "V-7": "危机干预", "V-8": "需求、资源与服务清单", "V-9": "一站三清单", "V-10": "社会救助协助",
        "V-11": "转介",
        "R-1": "示范点资源库", "R-2": "村居覆盖", "R-3": "志愿服务记录", "R-4": "志愿服务激励", "R-5": "五社联动",
        "R-6": "服务对象档案",
        "A-1": "管理制度", "A-2": "服务记录", "A-3": "档案保存年限", "A-4": "档案管理", "A-5": "档案移交",
        "A-6": "工作简报与报告", "A-7": "年度建设运营报告",
        "E-1": "第三方评估", "E-2": "评估等级", "E-3": "评估权重", "E-4": "评估结果公示", "E-5": "评估结果运用",
        "E-6": "自评", "E-7": "中期评估与合同期", "E-8": "评估对象", "E-9": "星级评定",
        "D-1": "示范点名额", "D-2": "示范点申报", "D-3": "示范点验收材料", "D-4": "示范点验收", "D-5": "示范点标准",
        "C-1": "投诉处理", "C-2": "平台共用申请",
        "F-1": "经费科目", "F-2": "市级资金分配", "F-3": "资金拨付与管理", "F-4": "临时接管方案",
    ]

    /// "S-2 专职社工人数"; the bare id for a rule the catalogue does not name.
    public static func label(_ id: String) -> String {
        names[id].map { "\(id) \($0)" } ?? id
    }
}

/// A rule parameter as the policy page and messages show it: a Chinese label and its unit.
public struct RuleParameter: Sendable, Equatable {
    public let label: String
    /// "平方米", "小时" …; empty for a yes/no parameter or a bare number.
    public let unit: String

    public static let all: [String: RuleParameter] = [
        "archiveRoomRequired": .init(label: "须设档案室", unit: ""),
        "minOfficeAreaPerWorker": .init(label: "社工人均办公面积下限", unit: "平方米"),
        "minCaseRoomArea": .init(label: "个案工作室面积下限", unit: "平方米"),
        "minWorkers": .init(label: "每站社工人数下限", unit: "人"),
        "minFullTimeCentral": .init(label: "中心城区专职社工下限", unit: "人"),
        "minFullTimeNew": .init(label: "新城区专职社工下限", unit: "人"),
        "minExperienceYears": .init(label: "相关工作经验下限", unit: "年"),
        "ratioYear1": .init(label: "合同第一年持证比例下限", unit: "（比例，0–1）"),
        "ratioYear3": .init(label: "合同第三年持证比例下限", unit: "（比例，0–1）"),
        "averageUrbanWage": .init(label: "城镇单位就业人员平均工资", unit: "元/年"),
        "yuanPerWorker": .init(label: "每名社工每年购买服务金额", unit: "元"),
        "minSupervisors": .init(label: "专业督导人数下限", unit: "人"),
        "hoursPerWorker": .init(label: "每名社工每年督导时长", unit: "小时"),
        "trainingHoursPerWorker": .init(label: "每名社工每年培训学时", unit: "学时"),
        "minFocusFields": .init(label: "重点服务领域数下限", unit: "个"),
        "maxFocusFields": .init(label: "重点服务领域数上限", unit: "个"),
        "caseWork": .init(label: "每领域个案工作案例", unit: "个"),
        "groupWork": .init(label: "每领域小组工作案例", unit: "个"),
        "communityWork": .init(label: "每领域社区工作案例", unit: "个"),
        "crisisPlanWorkingDays": .init(label: "危机评估后制定干预计划的期限", unit: "个工作日"),
        "followUpWorkingDays": .init(label: "危机干预后回访的期限", unit: "个工作日"),
        "pointsPerHour": .init(label: "志愿服务每小时积分", unit: "分"),
        "pointsRounding": .init(label: "积分取整方式", unit: "（0 向下取整，1 四舍五入，2 向上取整）"),
        "retentionYears": .init(label: "记录保存年限", unit: "年"),
        "handoverWorkingDays": .init(label: "档案移交期限", unit: "个工作日"),
        "publicNoticeWorkingDays": .init(label: "公示期", unit: "个工作日"),
        "startDayCounts": .init(label: "起算日计入期限", unit: ""),
        "rollToWorkingDay": .init(label: "逢节假日顺延", unit: ""),
        "monthlyDueDay": .init(label: "月报报送日（次月）", unit: "日"),
        "dueMonth": .init(label: "截止月份", unit: "月"),
        "dueDay": .init(label: "截止日", unit: "日"),
        "perYear": .init(label: "每年评估次数", unit: "次"),
        "monthsBeforeYearEnd": .init(label: "距项目年度结束", unit: "个月"),
        "total": .init(label: "总分", unit: "分"),
        "excellent": .init(label: "优秀分数线", unit: "分"),
        "good": .init(label: "良好分数线", unit: "分"),
        "pass": .init(label: "合格分数线", unit: "分"),
        "thirdParty": .init(label: "第三方评估权重", unit: "（比例，0–1）"),
        "district": .init(label: "区县民政评估权重", unit: "（比例，0–1）"),
        "street": .init(label: "街道评估权重", unit: "（比例，0–1）"),
        "target": .init(label: "示范点数量目标", unit: "个"),
        "minScore": .init(label: "评估得分下限", unit: "分"),
        "midTermPerYear": .init(label: "每合同年度中期评估次数", unit: "次"),
        "maxContractYears": .init(label: "合同期上限", unit: "年"),
    ]

    /// "社工人均办公面积下限（平方米）"; the code name only for a parameter not listed here.
    public static func label(_ name: String) -> String {
        guard let p = all[name] else { return name }
        if p.unit.isEmpty { return p.label }
        return p.unit.hasPrefix("（") ? p.label + p.unit : "\(p.label)（\(p.unit)）"
    }
}
