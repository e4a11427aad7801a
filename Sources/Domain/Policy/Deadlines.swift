/// Dated duties of a profile: the demonstration application (D-2), acceptance materials (D-3),
/// acceptance (D-4), the district's annual report and monthly briefings. Dates come
/// from the rules' parameters.
public struct Deadline: Equatable, Sendable {
    public let ruleID: String
    public let title: String
    public let due: Day
    /// Who acts on it.
    public let roles: Set<Role>
    /// Whose filing discharges it: each district files its own annual report, each station its briefing.
    public let filer: Filer
}

/// The unit that files (报送) a dated duty.
public enum Filer: String, Codable, Sendable {
    case city, district, station

    public var label: String {
        switch self {
        case .city: "市"
        case .district: "区县"
        case .station: "社工站"
        }
    }
}

public enum Deadlines {
    // D-2 and D-3 go to the city through the district bureau (000 三), so the district files them.
    static let actors: [String: (String, Set<Role>, Filer)] = [
        "D-2": ("报送示范点申报表", [.districtOfficer, .cityAdmin], .district),
        "D-3": ("提报示范点验收材料", [.districtOfficer, .cityAdmin, .operatorManager], .district),
        "D-4": ("完成示范点评估验收并公布名单", [.cityAdmin], .city),
        "A-7": ("向市民政局报送社工站建设运营情况", [.districtOfficer, .cityAdmin], .district),
        "A-6": ("报送月度工作简报", [.operatorManager, .socialWorker, .streetOfficer, .districtOfficer], .station),
    ]

    /// Every deadline of the profile falling in `years`.
    public static func all(_ profile: PolicyProfile, years: ClosedRange<Int>) -> [Deadline] {
        var out: [Deadline] = []
        for rule in profile.rules {
            guard let (title, roles, filer) = actors[rule.id] else { continue }
            for year in years {
                if rule.id == "A-6", let day = rule.param("monthlyDueDay") {
                    // The briefing for a month is due on that day of the following month.
                    for month in 1...12 {
                        let (y, m) = month == 12 ? (year + 1, 1) : (year, month + 1)
                        if let due = Day(year: y, month: m, day: Int(day)) {
                            out.append(Deadline(ruleID: rule.id, title: "\(title)（\(year)年\(month)月）", due: due, roles: roles, filer: filer))
                        }
                    }
                } else if let month = rule.param("dueMonth") {
                    // Without a day the deadline is the end of the month ("end of November").
                    let day = rule.param("dueDay").map(Int.init) ?? lastDay(year: year, month: Int(month))
                    if let due = Day(year: year, month: Int(month), day: day) {
                        out.append(Deadline(ruleID: rule.id, title: title, due: due, roles: roles, filer: filer))
                    }
                }
            }
        }
        return out.sorted { $0.due < $1.due }
    }

    static func lastDay(year: Int, month: Int) -> Int {
        (28...31).last { Day(year: year, month: month, day: $0) != nil }!
    }

    /// What is due within `days` from today, and what fell due in the last `days` (overdue unless filed).
    public static func around(_ profile: PolicyProfile, today: Day, roles: Set<Role>, days: Int = 30) -> (upcoming: [Deadline], recent: [Deadline]) {
        let relevant = all(profile, years: (today.year - 1)...(today.year + 1)).filter { !$0.roles.isDisjoint(with: roles) }
        return (relevant.filter { $0.due >= today && $0.due <= today.adding(days: days) },
                relevant.filter { $0.due < today && $0.due >= today.adding(days: -days) })
    }
}
