import Foundation

extension StationFacts {
    /// One of R-1's resource libraries: how many entries it has and the last day one was recorded or changed.
    public struct Library: Sendable, Equatable {
        public var count: Int
        public var lastUpdated: Day?
        public init(count: Int = 0, lastUpdated: Day? = nil) {
            self.count = count
            self.lastUpdated = lastUpdated
        }
    }

    /// R-1's libraries besides the key-population one (`keyPopulation`): the policies the station can
    /// consult (its city's and its own), its charity resources and its volunteers.
    public struct Libraries: Sendable, Equatable {
        public var policies: Library
        public var charity: Library
        public var volunteers: Library
        public init(policies: Library = .init(), charity: Library = .init(), volunteers: Library = .init()) {
            self.policies = policies
            self.charity = charity
            self.volunteers = volunteers
        }
    }

    /// A village or community of the station's street: its social-work room or point, its
    /// volunteer team, and whether a service reached it in the year.
    public struct Village: Sendable, Equatable {
        public var name: String
        public var hasPost: Bool
        public var hasTeam: Bool
        public var reached: Bool
        public init(name: String, hasPost: Bool, hasTeam: Bool, reached: Bool) {
            self.name = name
            self.hasPost = hasPost
            self.hasTeam = hasTeam
            self.reached = reached
        }
    }

    /// The station's volunteer teams: whether each is registered on the national volunteer
    /// service site, and the hours confirmed in the year.
    public struct Volunteering: Sendable, Equatable {
        public struct Team: Sendable, Equatable {
            public var name: String
            public var registered: Bool
            public init(name: String, registered: Bool) {
                self.name = name
                self.registered = registered
            }
        }

        public var teams: [Team]
        public var confirmedHours: Double
        public init(teams: [Team] = [], confirmedHours: Double = 0) {
            self.teams = teams
            self.confirmedHours = confirmedHours
        }
    }
}

/// Rules and R-3 (demonstration stations; issue 11 §3).
extension ComplianceEngine.Context {
    /// the four libraries exist and each was updated in the year. A library not yet updated in
    /// the current year is progress (there is time left); in a closed year it fails.
    func resourceLibraries(_ rule: PolicyRule) -> Finding {
        let required = "政策、辖区重点人群、社会慈善、志愿服务四个资源库均已建立，且本年度有更新"
        let key = facts.keyPopulation
        let libraries: [(name: String, library: StationFacts.Library, unit: String, advice: String)] = [
            ("政策", facts.libraries.policies, "条", "在“政策资源库”中录入适用的政策文件"),
            ("辖区重点人群", .init(count: key.active, lastUpdated: key.lastUpdated), "人", "在“服务对象”中登记或批量导入本站辖区的重点人群"),
            ("社会慈善", facts.libraries.charity, "项", "在“慈善资源库”中登记接收的捐赠与资源"),
            ("志愿服务", facts.libraries.volunteers, "人", "在“志愿者”中登记志愿者与志愿服务队"),
        ]
        let missing = libraries.filter { $0.library.count == 0 }
        let stale = libraries.filter { $0.library.count > 0 && ($0.library.lastUpdated?.year ?? 0) < year }
        let measured = libraries.map { l -> String in
            guard l.library.count > 0 else { return "\(l.name)库未建立" }
            return "\(l.name)库 \(l.library.count) \(l.unit)" + (l.library.lastUpdated.map { "（最后更新 \($0)）" } ?? "")
        }.joined(separator: "；")
        if !missing.isEmpty {
            return make(rule, broken(rule), measured: measured, required: required, advice: missing.map(\.advice).joined(separator: "；"))
        }
        if !stale.isEmpty {
            let advice = "核实并更新：" + stale.map { "\($0.name)库" }.joined(separator: "、") + "（\(year) 年尚未更新）"
            return make(rule, yearClosed ? broken(rule) : .progress, measured: measured, required: required, advice: advice)
        }
        return make(rule, .pass, measured: measured, required: required)
    }

    /// every village or community has a social-work room or point or a volunteer team (judged on
    /// the day), and a service reached each in the year (progress until the year closes).
    func villageCoverage(_ rule: PolicyRule) -> Finding {
        let required = "每个村（社区）建有社工室（点）或一支志愿服务队伍，且全年服务覆盖所有村（社区）"
        let villages = facts.villages
        if villages.isEmpty {
            return make(rule, .missingData, measured: "街道下未登记村（社区）", required: required, advice: "在“组织架构”中登记街道下的村（社区）")
        }
        let bare = villages.filter { !$0.hasPost && !$0.hasTeam }
        let unreached = villages.filter { !$0.reached }
        var parts = ["\(villages.count) 个村（社区）"]
        if !bare.isEmpty { parts.append("无社工室（点）也无志愿服务队：" + bare.map(\.name).joined(separator: "、")) }
        if !unreached.isEmpty { parts.append("\(year) 年尚无服务到达：" + unreached.map(\.name).joined(separator: "、")) }
        if bare.isEmpty && unreached.isEmpty { parts.append("均有社工室（点）或志愿服务队，本年度均有服务到达") }
        let measured = parts.joined(separator: "；")
        if !bare.isEmpty {
            return make(rule, broken(rule), measured: measured, required: required,
                        advice: "为这些村（社区）设立社工室（点）（在站点信息中登记）或组建志愿服务队（在“志愿服务队”中登记）")
        }
        if !unreached.isEmpty {
            return make(rule, yearClosed ? broken(rule) : .progress, measured: measured, required: required,
                        advice: "安排走访、个案、小组或社区活动覆盖这些村（社区）")
        }
        return make(rule, .pass, measured: measured, required: required)
    }

    /// the station has volunteer teams, each registered on the national volunteer service site
    /// (中国志愿服务网), and volunteer hours are recorded in the year. The records of service the
    /// platform prints are its own records, not the national system's certificates.
    func volunteerTeams(_ rule: PolicyRule) -> Finding {
        let required = "志愿服务队伍在中国志愿服务网注册，记录志愿服务时长并出具证明"
        let v = facts.volunteering
        if v.teams.isEmpty {
            return make(rule, broken(rule), measured: "未建立志愿服务队", required: required, advice: "在“志愿服务队”中登记本站的志愿服务队及其注册编号")
        }
        let unregistered = v.teams.filter { !$0.registered }
        let hours = "\(year) 年已确认志愿服务时长 \(number(v.confirmedHours)) 小时"
        if !unregistered.isEmpty {
            return make(rule, broken(rule), measured: "\(v.teams.count) 支队伍，未注册：" + unregistered.map(\.name).joined(separator: "、") + "；" + hours,
                        required: required, advice: "在中国志愿服务网注册这些队伍，并在队伍信息中填写注册编号")
        }
        if v.confirmedHours <= 0 {
            return make(rule, yearClosed ? broken(rule) : .progress, measured: "\(v.teams.count) 支队伍均已注册；\(year) 年尚无已确认的志愿服务时长",
                        required: required, advice: "记录并确认志愿者参加活动的服务时长")
        }
        return make(rule, .pass, measured: "\(v.teams.count) 支队伍均已注册；" + hours + "；服务记录由本平台出具（非全国志愿服务信息系统证明）",
                    required: required)
    }
}
