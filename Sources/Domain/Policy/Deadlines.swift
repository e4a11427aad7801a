/// Dated duties of a profile: the demonstration application (D-2), acceptance materials (D-3),
/// acceptance (D-4), the district's annual report and monthly briefings. Dates come
/// from the rules' parameters.
public struct Deadline: Equatable, Sendable {
    public let ruleID: String
    public let title: String
    public let due: Day
    /// Who acts on it.
    public let roles: Set<Role>
}

public enum Deadlines {
    static let actors: [String: (String, Set<Role>)] = [
        "D-2": ("报送示范点申报表", [.districtOfficer, .cityAdmin]),
        "D-3": ("提报示范点验收材料", [.districtOfficer, .cityAdmin, .operatorManager]),
        "D-4": ("完成示范点评估验收并公布名单", [.cityAdmin]),
        "A-7": ("向市民政局报送社工站建设运营情况", [.districtOfficer, .cityAdmin]),
        "A-6": ("报送月度工作简报", [.operatorManager, .socialWorker, .streetOfficer, .districtOfficer]),
    ]

    /// Every deadline of the profile falling in `years`.
    public static func all(_ profile: PolicyProfile, years: ClosedRange<Int>) -> [Deadline] {
        var out: [Deadline] = []
        for rule in profile.rules {
            guard let (title, roles) = actors[rule.id] else { continue }
            for year in years {
                if rule.id == "A-6", let day = rule.param("monthlyDueDay") {
                    // The briefing for a month is due on that day of the following month.
                    for month in 1...12 {
                        let (y, m) = month == 12 ? (year + 1, 1) : (year, month + 1)
                        if let due = Day(year: y, month: m, day: Int(day)) {
                            out.append(Deadline(ruleID: rule.id, title: "\(title)（\(year)年\(month)月）", due: due, roles: roles))
                        }
                    }
                } else if let month = rule.param("dueMonth") {
                    // Without a day the deadline is the end of the month ("end of November").
                    let day = rule.param("dueDay").map(Int.init) ?? lastDay(year: year, month: Int(month))
                    if let due = Day(year: year, month: Int(month), day: day) {
                        out.append(Deadline(ruleID: rule.id, title: title, due: due, roles: roles))
                    }
                }
            }
        }
        return out.sorted { $0.due < $1.due }
    }

    static func lastDay(year: Int, month: Int) -> Int {
        (28...31).last { Day(year: year, month: month, day: $0) != nil }!
    }

    /// What is due within `days` from today, and what fell due in the last `days` (overdue unless reported).
    public static func around(_ profile: PolicyProfile, today: Day, roles: Set<Role>, days: Int = 30) -> (upcoming: [Deadline], recent: [Deadline]) {
        let relevant = all(profile, years: (today.year - 1)...(today.year + 1)).filter { !$0.roles.isDisjoint(with: roles) }
        return (relevant.filter { $0.due >= today && $0.due <= today.adding(days: days) },
                relevant.filter { $0.due < today && $0.due >= today.adding(days: -days) })
    }
}
