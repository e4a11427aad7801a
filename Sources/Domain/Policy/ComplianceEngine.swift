import Foundation

/// Evaluates the premises, staffing, supervision and training rules of a profile (P-1 … P-5,
/// S-1 … S-8, T-1 … T-5) for one station and year. Rules of other areas are listed in the profile
/// but need service records that later modules bring, so they produce no finding here.
///
/// Decisions a civil-affairs officer will ask about:
/// - The evaluation day is 31 December of the year, or today for the current year. Headcount rules
///   (P-2, S-1 … S-8) count the workers stationed on that day.
/// - A certificate counts from the date on it: obtained in June, it counts for that year's evaluation
///   on 31 December, and not for an evaluation day before June.
/// - Hours rules (T-2 supervision hours, T-3 training hours: each worker's annual requirement) are
///   pro-rated to the part of the year a worker is stationed here; a worker stationed fewer than
///   30 days in the year is not held to them.
/// - A closed year is judged on the whole year. The current year is shown as progress toward the
///   annual requirement ("进行中：甲 20/24 小时，还差 4 小时，截至 12 月 31 日"): a worker already
///   at the requirement passes, one short of it is "in progress" — never a pass, never a failure
///   while there is time left. A worker whose posting here ended earlier in the year is judged on
///   that posting. The annual count of T-5 (the year's supervision records) is the same: no record
///   yet in the current year is "in progress"; an incomplete or unconfirmed record is judged at once.
///   Headcount, premises and certificate rules (P, S, T-1, T-4) are judged on the evaluation day.
/// - A supervision session with several supervisees counts its full hours for each of them.
/// - S-6's contract year is counted from the station's contract start: year 1 is the first twelve
///   months. The source fixes year 1 and year 3; year 2 is held to year 1's ratio (it must not fall).
public enum ComplianceEngine {
    /// A measured value as shown to an officer: the stored value to two decimals, cut toward zero, never
    /// rounded up, so a failing 14.99 m² reads "14.99", not "15.0" (rules compare the exact value).
    public static func shown(_ x: Double) -> String {
        guard x.isFinite else { return String(x) }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        // The epsilon keeps a stored 14.99 (14.98999…) from reading 14.98.
        let cut = (x * 100 + (x >= 0 ? 1e-7 : -1e-7)).rounded(.towardZero) / 100
        var text = String(format: "%.2f", cut)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    public static let evaluatedRuleIDs: Set<String> = ["P-1", "P-2", "P-3", "P-4", "P-5", "S-1", "S-2", "S-3", "S-4", "S-5", "S-6", "S-7", "S-8",
                                                      "T-1", "T-2", "T-3", "T-4", "T-5", "R-1", "R-2", "R-3", "V-5", "V-6"]
    static let minDaysForHoursRules = 30
    static let qualifiedPools: Set<SupervisorPool> = [.cityExpert, .talent]

    public static func evaluationDay(year: Int, today: Day) -> Day {
        min(Day(year: year, month: 12, day: 31)!, today)
    }

    public static func evaluate(_ profile: PolicyProfile, _ facts: StationFacts, year: Int, today: Day) -> [Finding] {
        let day = evaluationDay(year: year, today: today)
        let context = Context(facts: facts, year: year, day: day, yearClosed: today > Day(year: year, month: 12, day: 31)!)
        return profile.rules.filter { evaluatedRuleIDs.contains($0.id) }.map { rule in
            if rule.demonstrationOnly && !facts.isDemonstration {
                return context.make(rule, .notApplicable, measured: "非示范点", required: "仅适用于示范点")
            }
            return context.evaluate(rule)
        }
    }

    struct Context {
        let facts: StationFacts
        let year: Int
        let day: Day
        /// The year is over: hours and annual counts are final.
        let yearClosed: Bool

        var onDuty: [StationFacts.Worker] { facts.workers.filter { $0.stationedFrom <= day && day <= $0.stationedTo } }

        func make(_ rule: PolicyRule, _ state: FindingState, measured: String, required: String, advice: String = "") -> Finding {
            Finding(ruleID: rule.id, title: rule.title, group: rule.group, state: state, measured: measured, required: required,
                    source: rule.citation, advice: state == .pass || state == .notApplicable ? "" : advice)
        }

        /// Broken: a failure for a "must" rule, a warning for a "should" rule.
        func broken(_ rule: PolicyRule) -> FindingState { rule.strength == .must ? .failure : .warning }

        func missingParam(_ rule: PolicyRule, _ name: String) -> Finding {
            make(rule, .missingData, measured: "政策参数“\(RuleParameter.label(name))”未设置", required: "由市民政局在政策配置中录入",
                 advice: "请市民政局在“政策配置”中为 \(RuleName.label(rule.id)) 设置“\(RuleParameter.label(name))”")
        }

        func isCertified(_ w: StationFacts.Worker) -> Bool? {
            guard let level = w.certificate else { return nil }
            if level == .none { return false }
            if let date = w.certificateDate { return date <= day }
            return true
        }

        func names(_ workers: [StationFacts.Worker]) -> String { workers.map(\.name).joined(separator: "、") }

        func number(_ x: Double) -> String { ComplianceEngine.shown(x) }

        func evaluate(_ rule: PolicyRule) -> Finding {
            switch rule.id {
            case "P-1": return premisesRooms(rule)
            case "P-2": return officeAreaPerWorker(rule)
            case "P-3": return demonstrationRooms(rule)
            case "P-4":
                let missing = [(facts.outdoorSign, "室外标牌"), (facts.indoorSign, "室内标牌")].filter { !$0.0 }.map(\.1)
                return missing.isEmpty ? make(rule, .pass, measured: "室外、室内标牌均已设置", required: "室外、室内标牌")
                    : make(rule, broken(rule), measured: "缺少：" + missing.joined(separator: "、"), required: "室外、室内标牌",
                           advice: "制作并悬挂“中国社会工作标识+XX区XX街道社会工作服务站”标牌，然后在站点信息中勾选")
            case "P-5":
                if facts.equipment.isEmpty { return make(rule, .missingData, measured: "未填写设备清单", required: "全部办公设备", advice: "在站点信息中填写设备清单") }
                let missing = Equipment.allCases.filter { !facts.equipment.contains($0) }
                return missing.isEmpty ? make(rule, .pass, measured: "设备齐全", required: "全部办公设备")
                    : make(rule, broken(rule), measured: "缺少：" + missing.map(\.label).joined(separator: "、"), required: "全部办公设备",
                           advice: "补齐所缺设备后在站点信息中勾选")
            case "S-1": return headcount(rule)
            case "S-2": return fullTime(rule)
            case "S-3": return qualification(rule, strict: false)
            case "S-4": return qualification(rule, strict: true)
            case "S-5": return certifiedAndExperienced(rule)
            case "S-6": return certifiedRatio(rule)
            case "S-7": return perWorkerMoney(rule, param: "averageUrbanWage", amount: facts.annualPersonnelBudget, what: "年度人员经费")
            case "S-8": return perWorkerMoney(rule, param: "yuanPerWorker", amount: facts.annualContractAmount, what: "年度购买服务金额")
            case "T-1": return demonstrationSupervisor(rule)
            case "T-2": return hours(rule, param: "hoursPerWorker", what: "督导", unit: "小时", value: \.supervisionHours)
            case "T-3": return hours(rule, param: "trainingHoursPerWorker", what: "培训", unit: "学时", value: \.trainingHours)
            case "T-4": return supervisorExperience(rule)
            case "T-5": return supervisionRecords(rule)
            case "R-1": return resourceLibraries(rule)
            case "R-2": return villageCoverage(rule)
            case "R-3": return volunteerTeams(rule)
            case "V-5": return focusFields(rule)
            case "V-6": return focusFieldCases(rule)
            default: return make(rule, .notApplicable, measured: "", required: "")
            }
        }

        /// V-5: the station chose between the minimum and maximum number of focus fields for the year
        /// (more than the maximum is refused when they are recorded, so only too few can be found here).
        func focusFields(_ rule: PolicyRule) -> Finding {
            guard let low = rule.param("minFocusFields") else { return missingParam(rule, "minFocusFields") }
            guard let high = rule.param("maxFocusFields") else { return missingParam(rule, "maxFocusFields") }
            let required = "每年选定 \(number(low))–\(number(high)) 个重点服务领域"
            let chosen = facts.focusWork.fields
            if chosen.isEmpty {
                return make(rule, broken(rule), measured: "\(year) 年未选定重点服务领域", required: required,
                            advice: "在社工站的“重点服务领域”页面选定本年度的重点服务领域")
            }
            let named = "\(chosen.count) 个：" + chosen.map(\.label).joined(separator: "、")
            return Double(chosen.count) < low
                ? make(rule, broken(rule), measured: named, required: required, advice: "再选定 \(number(low - Double(chosen.count))) 个重点服务领域")
                : make(rule, .pass, measured: named, required: required)
        }

        /// V-6 (demonstration stations): in each focus field, at least the required case-work, group-work
        /// and community-work cases in the year. The current year is progress until met; a closed year
        /// short of it fails.
        func focusFieldCases(_ rule: PolicyRule) -> Finding {
            let names = ["caseWork": "个案", "groupWork": "小组", "communityWork": "社区工作"]
            var need: [(key: String, count: Double)] = []
            for key in ["caseWork", "groupWork", "communityWork"] {
                guard let n = rule.param(key) else { return missingParam(rule, key) }
                need.append((key, n))
            }
            let required = "每个重点领域全年" + need.map { "\(names[$0.key]!) ≥ \(number($0.count))" }.joined(separator: "、")
            let fields = facts.focusWork.fields
            if fields.isEmpty {
                return make(rule, .missingData, measured: "\(year) 年未选定重点服务领域，无法计算", required: required,
                            advice: "先选定本年度的重点服务领域（V-5）")
            }
            var short: [String] = []
            let measured = fields.map { f -> String in
                let have = ["caseWork": f.caseWork, "groupWork": f.groupWork, "communityWork": f.communityWork]
                let parts = need.map { "\(names[$0.key]!) \(have[$0.key]!)/\(number($0.count))" }
                let missing = need.filter { Double(have[$0.key]!) < $0.count }.map { "\(names[$0.key]!)差 \(number($0.count - Double(have[$0.key]!)))" }
                if !missing.isEmpty { short.append("\(f.label)：" + missing.joined(separator: "、")) }
                return "\(f.label)：" + parts.joined(separator: "、")
            }.joined(separator: "；")
            if short.isEmpty { return make(rule, .pass, measured: measured, required: required) }
            let advice = "还需：" + short.joined(separator: "；") + "（个案以本年有介入记录的为准，小组以本年开展过活动的为准，社区工作以本年的社区活动为准）"
            return make(rule, yearClosed ? broken(rule) : .progress, measured: measured, required: required, advice: advice)
        }

        func premisesRooms(_ rule: PolicyRule) -> Finding {
            // Jinan's measures list an archive room (002 第五条); Wuhan's notice does not (001 二(四)).
            let kinds = RoomKind.allCases.filter { $0 != .archive || rule.flag("archiveRoomRequired") != false }
            let required = kinds.map(\.label).joined(separator: "、")
            if facts.rooms.isEmpty { return make(rule, .missingData, measured: "未填写功能室", required: required, advice: "在站点信息中填写各功能室面积") }
            let missing = kinds.filter { (facts.rooms[$0]?.area ?? 0) <= 0 }
            return missing.isEmpty ? make(rule, .pass, measured: "\(kinds.count == 5 ? "五" : "四")类功能室齐全", required: required)
                : make(rule, broken(rule), measured: "缺少：" + missing.map(\.label).joined(separator: "、"), required: required,
                       advice: "设置所缺功能室（小组室、活动室、档案室可与公共资源共享），并在站点信息中填写面积")
        }

        func officeAreaPerWorker(_ rule: PolicyRule) -> Finding {
            guard let min = rule.param("minOfficeAreaPerWorker") else { return missingParam(rule, "minOfficeAreaPerWorker") }
            let required = "人均不低于 \(number(min)) 平方米"
            guard let office = facts.rooms[.office] else { return make(rule, .missingData, measured: "未填写社工办公室面积", required: required, advice: "在站点信息中填写社工办公室面积") }
            let staff = onDuty.count
            guard staff > 0 else { return make(rule, .missingData, measured: "\(day) 无在岗社工", required: required, advice: "登记驻站社工") }
            let perHead = office.area / Double(staff)
            let measured = "\(number(office.area)) 平方米 ÷ \(staff) 人 = \(number(perHead)) 平方米"
            return perHead >= min ? make(rule, .pass, measured: measured, required: required)
                : make(rule, broken(rule), measured: measured, required: required,
                       advice: "扩大社工办公室至不少于 \(number(min * Double(staff))) 平方米")
        }

        func demonstrationRooms(_ rule: PolicyRule) -> Finding {
            guard let min = rule.param("minCaseRoomArea") else { return missingParam(rule, "minCaseRoomArea") }
            let required = "个案工作室不低于 \(number(min)) 平方米；办公室与个案室独立设置"
            guard let caseRoom = facts.rooms[.caseWork], let office = facts.rooms[.office] else {
                return make(rule, .missingData, measured: "未填写办公室或个案工作室", required: required, advice: "在站点信息中填写办公室和个案工作室")
            }
            var problems: [String] = []
            if caseRoom.area < min { problems.append("个案工作室 \(number(caseRoom.area)) 平方米") }
            if caseRoom.shared { problems.append("个案工作室为共享") }
            if office.shared { problems.append("办公室为共享") }
            return problems.isEmpty ? make(rule, .pass, measured: "个案工作室 \(number(caseRoom.area)) 平方米，均独立设置", required: required)
                : make(rule, broken(rule), measured: problems.joined(separator: "；"), required: required,
                       advice: "将个案工作室扩至 \(number(min)) 平方米以上并与办公室均独立设置")
        }

        func headcount(_ rule: PolicyRule) -> Finding {
            guard let min = rule.param("minWorkers") else { return missingParam(rule, "minWorkers") }
            let n = onDuty.count
            let required = "不少于 \(number(min)) 人"
            return Double(n) >= min ? make(rule, .pass, measured: "\(n) 人", required: required)
                : make(rule, broken(rule), measured: "\(day) 在岗 \(n) 人", required: required, advice: "增配社工 \(Int(min) - n) 人")
        }

        func fullTime(_ rule: PolicyRule) -> Finding {
            guard let kind = facts.districtKind else {
                return make(rule, .missingData, measured: "所在区未标明中心城区/新城区", required: "按城区类型确定", advice: "请市民政局在区县信息中设置城区类型")
            }
            let param = kind == .centralUrban ? "minFullTimeCentral" : "minFullTimeNew"
            guard let min = rule.param(param) else { return missingParam(rule, param) }
            let n = onDuty.filter(\.fullTime).count
            let required = "\(kind.label)专职社工不少于 \(number(min)) 人"
            return Double(n) >= min ? make(rule, .pass, measured: "专职 \(n) 人", required: required)
                : make(rule, broken(rule), measured: "专职 \(n) 人", required: required, advice: "增配专职社工 \(Int(min) - n) 人")
        }

        func qualification(_ rule: PolicyRule, strict: Bool) -> Finding {
            let staff = onDuty
            let required = strict ? "全部具有社会工作专业资质（社工或相关专业毕业，或持证）" : "持证或具有社会工作专业大专及以上学历"
            if staff.isEmpty { return make(rule, .missingData, measured: "\(day) 无在岗社工", required: required, advice: "登记驻站社工") }
            var unknown: [StationFacts.Worker] = []
            var lacking: [StationFacts.Worker] = []
            for w in staff {
                if isCertified(w) == true { continue }
                let byStudy: Bool? = strict
                    ? w.major.map { $0 == .socialWork || $0 == .related }
                    : (w.major != nil && w.education != nil ? (w.major == .socialWork && w.education! >= .associate) : nil)
                switch byStudy {
                case .some(true): continue
                case .some(false): lacking.append(w)
                case .none: if isCertified(w) == nil { unknown.append(w) } else { lacking.append(w) }
                }
            }
            if !lacking.isEmpty {
                return make(rule, broken(rule), measured: "不符合：\(names(lacking))（共 \(staff.count) 人）", required: required,
                            advice: "安排以上社工报考社会工作者职业资格，或配备具有资质的社工")
            }
            if !unknown.isEmpty {
                return make(rule, .missingData, measured: "资质信息不全：\(names(unknown))", required: required, advice: "补充以上社工的学历、专业和证书信息")
            }
            return make(rule, .pass, measured: "\(staff.count) 人均符合", required: required)
        }

        func certifiedAndExperienced(_ rule: PolicyRule) -> Finding {
            guard let years = rule.param("minExperienceYears") else { return missingParam(rule, "minExperienceYears") }
            let staff = onDuty
            let required = "持证且相关工作经验不少于 \(number(years)) 年"
            if staff.isEmpty { return make(rule, .missingData, measured: "\(day) 无在岗社工", required: required, advice: "登记驻站社工") }
            let unknown = staff.filter { isCertified($0) == nil || $0.experienceYears == nil }
            if !unknown.isEmpty { return make(rule, .missingData, measured: "信息不全：\(names(unknown))", required: required, advice: "补充证书和工作年限") }
            let lacking = staff.filter { isCertified($0) != true || $0.experienceYears! < years }
            return lacking.isEmpty ? make(rule, .pass, measured: "\(staff.count) 人均符合", required: required)
                : make(rule, broken(rule), measured: "不符合：\(names(lacking))", required: required, advice: "原则上安排持证且有经验的社工驻站")
        }

        func certifiedRatio(_ rule: PolicyRule) -> Finding {
            guard let first = rule.param("ratioYear1") else { return missingParam(rule, "ratioYear1") }
            guard let third = rule.param("ratioYear3") else { return missingParam(rule, "ratioYear3") }
            guard let start = facts.contractStart else {
                return make(rule, .missingData, measured: "未填写合同起始日期", required: "按合同年度确定", advice: "在站点信息中填写服务合同起始日期")
            }
            guard start <= day else { return make(rule, .notApplicable, measured: "合同 \(start) 起", required: "合同期内适用") }
            let contractYear = Self.contractYear(start: start, day: day)
            let ratio = contractYear >= 3 ? third : first
            let staff = onDuty
            let required = "合同第 \(contractYear) 年持证比例不低于 \(Int((ratio * 100).rounded()))%"
            if staff.isEmpty { return make(rule, .missingData, measured: "\(day) 无在岗社工", required: required, advice: "登记驻站社工") }
            let unknown = staff.filter { isCertified($0) == nil }
            if !unknown.isEmpty { return make(rule, .missingData, measured: "证书信息不全：\(names(unknown))", required: required, advice: "补充证书信息") }
            let certified = staff.filter { isCertified($0) == true }.count
            let measured = "\(certified)/\(staff.count) = \(Int((Double(certified) / Double(staff.count) * 100).rounded()))%"
            // Ratios are stored to four decimals (2/3 as 0.6667): a hundredth of a worker is tolerance, not a shortfall.
            let needed = Int((ratio * Double(staff.count) - 0.01).rounded(.up))
            return certified >= needed ? make(rule, .pass, measured: measured, required: required)
                : make(rule, broken(rule), measured: measured, required: required, advice: "还需 \(needed - certified) 名持证社工")
        }

        /// Contract year n counts whole years since the start: 1 in the first twelve months.
        static func contractYear(start: Day, day: Day) -> Int {
            var years = day.year - start.year
            if (day.month, day.dayOfMonth) < (start.month, start.dayOfMonth) { years -= 1 }
            return max(years, 0) + 1
        }

        func perWorkerMoney(_ rule: PolicyRule, param: String, amount: Double?, what: String) -> Finding {
            guard let perWorker = rule.param(param) else { return missingParam(rule, param) }
            let required = "每名社工每年不低于 \(number(perWorker)) 元"
            guard let amount else { return make(rule, .missingData, measured: "未填写\(what)", required: required, advice: "在站点信息中填写\(what)") }
            let staff = onDuty.count
            guard staff > 0 else { return make(rule, .missingData, measured: "\(day) 无在岗社工", required: required, advice: "登记驻站社工") }
            let each = amount / Double(staff)
            let measured = "\(number(amount)) 元 ÷ \(staff) 人 = \(number(each)) 元"
            return each >= perWorker ? make(rule, .pass, measured: measured, required: required)
                : make(rule, broken(rule), measured: measured, required: required, advice: "\(what)应不少于 \(number(perWorker * Double(staff))) 元")
        }

        func demonstrationSupervisor(_ rule: PolicyRule) -> Finding {
            guard let min = rule.param("minSupervisors") else { return missingParam(rule, "minSupervisors") }
            let required = "不少于 \(number(min)) 名，来自市督导专家库或人才库"
            let qualified = facts.supervisors.filter { $0.pool.map { qualifiedPools.contains($0) } ?? false }
            if Double(qualified.count) >= min { return make(rule, .pass, measured: qualified.map(\.name).joined(separator: "、"), required: required) }
            let measured = facts.supervisors.isEmpty ? "未配备督导" : "库内督导 \(qualified.count) 名（共 \(facts.supervisors.count) 名）"
            return make(rule, broken(rule), measured: measured, required: required, advice: "从市社会工作督导专家库或人才库聘请督导并登记")
        }

        /// T-2, T-3: each worker's hours in the year against the annual requirement, pro-rated to the
        /// posting's part of the year; in the current year, progress until the requirement is met.
        func hours(_ rule: PolicyRule, param: String, what: String, unit: String, value: KeyPath<StationFacts.Worker, Double>) -> Finding {
            guard let perYear = rule.param(param) else { return missingParam(rule, param) }
            let required = "每人每年不少于 \(number(perYear)) \(unit)（按在岗天数折算）"
            let yearStart = Day(year: year, month: 1, day: 1)!
            let yearEnd = Day(year: year, month: 12, day: 31)!
            let daysInYear = Double(yearStart.days(until: yearEnd) + 1)
            // (worker, requirement, last day of the posting in the year, that day has passed)
            var held: [(worker: StationFacts.Worker, need: Double, until: Day, over: Bool)] = []
            for w in facts.workers where w.stationedFrom <= day {
                let from = max(w.stationedFrom, yearStart)
                let to = min(w.stationedTo, yearEnd)
                let days = from.days(until: to) + 1
                if days < minDaysForHoursRules { continue }
                // Pro-rated requirement, rounded up to the half hour.
                held.append((w, (perYear * Double(days) / daysInYear * 2).rounded(.up) / 2, to, yearClosed || to < day))
            }
            if held.isEmpty { return make(rule, .missingData, measured: "无在岗满 \(minDaysForHoursRules) 天的社工", required: required, advice: "登记驻站社工") }
            let short = held.filter { $0.worker[keyPath: value] < $0.need }
            if short.isEmpty {
                let least = held.map { $0.worker[keyPath: value] }.min()!
                return make(rule, .pass, measured: "\(held.count) 人均达标（最少 \(number(least)) \(unit)）", required: required)
            }
            let judged = short.filter { $0.over }
            if !judged.isEmpty {
                let detail = judged.map { "\($0.worker.name) \(number($0.worker[keyPath: value]))/\(number($0.need))" }.joined(separator: "、")
                return make(rule, broken(rule), measured: "未达标：\(detail) \(unit)", required: required, advice: "为以上社工安排\(what)并及时录入记录")
            }
            let detail = short.map { s -> String in
                let have = s.worker[keyPath: value]
                return "\(s.worker.name) \(number(have))/\(number(s.need)) \(unit)，还差 \(number(s.need - have)) \(unit)，截至 \(s.until.month) 月 \(s.until.dayOfMonth) 日"
            }.joined(separator: "；")
            return make(rule, .progress, measured: "进行中：\(detail)", required: required, advice: "在期限前为以上社工安排\(what)并及时录入记录")
        }

        func supervisorExperience(_ rule: PolicyRule) -> Finding {
            guard let years = rule.param("minExperienceYears") else { return missingParam(rule, "minExperienceYears") }
            let required = "督导社会工作服务经验不少于 \(number(years)) 年"
            if facts.supervisors.isEmpty { return make(rule, .notApplicable, measured: "本站未配备督导", required: required) }
            let unknown = facts.supervisors.filter { $0.experienceYears == nil }
            if !unknown.isEmpty { return make(rule, .missingData, measured: "未填写经验年限：\(unknown.map(\.name).joined(separator: "、"))", required: required, advice: "补充督导的服务经验年限") }
            let short = facts.supervisors.filter { $0.experienceYears! < years }
            return short.isEmpty ? make(rule, .pass, measured: "\(facts.supervisors.count) 名督导均符合", required: required)
                : make(rule, broken(rule), measured: "不符合：\(short.map { "\($0.name) \(number($0.experienceYears!)) 年" }.joined(separator: "、"))", required: required,
                       advice: "更换或增聘经验满 \(number(years)) 年的督导")
        }

        func supervisionRecords(_ rule: PolicyRule) -> Finding {
            let required = "按 MZ/T 166 填写督导记录表，督导与被督导者确认"
            let records = facts.supervisionRecords
            if records.total == 0 {
                return yearClosed ? make(rule, broken(rule), measured: "\(year) 年无督导记录", required: required, advice: "录入本年度督导记录")
                    : make(rule, .progress, measured: "进行中：\(year) 年尚无督导记录", required: required, advice: "年内开展督导并录入记录")
            }
            if records.incomplete > 0 { return make(rule, broken(rule), measured: "\(records.incomplete)/\(records.total) 条记录不完整", required: required, advice: "补全督导记录的主题、问题和建议") }
            if records.unconfirmed > 0 { return make(rule, .warning, measured: "\(records.unconfirmed)/\(records.total) 条记录未经双方确认", required: required, advice: "请督导和被督导社工确认记录") }
            return make(rule, .pass, measured: "\(records.total) 条记录，均完整并已确认", required: required)
        }
    }
}
