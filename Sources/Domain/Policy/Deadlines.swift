/// Dated duties of a profile: the demonstration application (D-2), acceptance materials (D-3),
/// acceptance (D-4), the district's annual report (A-7) and monthly briefings (A-6), whose dates
/// come from the rules' parameters, and the archive handover after an operator's exit (A-5),
/// counted in working days from the exit.
public struct Deadline: Equatable, Sendable {
    public let ruleID: String
    public let title: String
    public let due: Day
    /// The date the rule names, when `due` moved off a weekend or statutory holiday.
    public let nominal: Day?
    /// Who acts on it.
    public let roles: Set<Role>
    /// Whose filing discharges it: each district files its own annual report, each station its briefing.
    public let filer: Filer
    /// How the due date was counted, in words, shown wherever it is (the rule's day-count convention).
    public let counting: String
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
    // A-5's handover is the station's archives: the outgoing operator hands them to the district
    // (the buyer), and the city sees it; it is recorded against the station.
    static let actors: [String: (String, Set<Role>, Filer)] = [
        "D-2": ("报送示范点申报表", [.districtOfficer, .cityAdmin], .district),
        "D-3": ("提报示范点验收材料", [.districtOfficer, .cityAdmin, .operatorManager], .district),
        "D-4": ("完成示范点评估验收并公布名单", [.cityAdmin], .city),
        "A-7": ("向市民政局报送社工站建设运营情况", [.districtOfficer, .cityAdmin], .district),
        "A-6": ("报送月度工作简报", [.operatorManager, .socialWorker, .streetOfficer, .districtOfficer], .station),
        "A-5": ("移交服务档案（附移交清单，签订移交协议书）", [.operatorManager, .districtOfficer, .cityAdmin], .station),
    ]

    /// The roles that act on a rule's deadlines (empty for a rule without one).
    public static func roles(_ ruleID: String) -> Set<Role> { actors[ruleID]?.1 ?? [] }

    /// Every dated deadline of the profile falling in `years`. A rule with `rollToWorkingDay` = 1
    /// moves a date on a weekend or statutory holiday to the next working day; for a year the
    /// calendar does not hold yet, the named date stands and the note says so.
    public static func all(_ profile: PolicyProfile, years: ClosedRange<Int>, calendar: WorkingCalendar) -> [Deadline] {
        var out: [Deadline] = []
        for rule in profile.rules {
            guard rule.id != "A-5", let (title, roles, filer) = actors[rule.id] else { continue }
            func add(_ title: String, _ date: Day) {
                let (due, counting) = dueDate(date, rolls: rule.flag("rollToWorkingDay") ?? false, calendar: calendar)
                out.append(Deadline(ruleID: rule.id, title: title, due: due, nominal: due == date ? nil : date, roles: roles, filer: filer, counting: counting))
            }
            for year in years {
                if rule.id == "A-6", let day = rule.param("monthlyDueDay") {
                    // The briefing for a month is due on that day of the following month.
                    for month in 1...12 {
                        let (y, m) = month == 12 ? (year + 1, 1) : (year, month + 1)
                        if let due = Day(year: y, month: m, day: Int(day)) { add("\(title)（\(year)年\(month)月）", due) }
                    }
                } else if let month = rule.param("dueMonth") {
                    // Without a day the deadline is the end of the month ("end of November").
                    let day = rule.param("dueDay").map(Int.init) ?? lastDay(year: year, month: Int(month))
                    if let due = Day(year: year, month: Int(month), day: day) { add(title, due) }
                }
            }
        }
        return out.sorted { $0.due < $1.due }
    }

    static func dueDate(_ date: Day, rolls: Bool, calendar: WorkingCalendar) -> (Day, String) {
        guard rolls else { return (date, DayCount.rolls(false)) }
        do {
            let due = try calendar.onOrAfter(date)
            // Not moved: the convention as a rule, and that this date is a working day — never a
            // sentence that reads as if it had moved.
            guard due != date else { return (date, "\(date) 为工作日，无需顺延（规则：逢周末或法定节假日顺延）") }
            let reason = (try? calendar.reasonOff(date)) ?? nil
            return (due, "原定 \(date)（\(reason ?? "非工作日")），顺延至 \(due)")
        } catch {
            return (date, "\(date.year) 年节假日安排尚未录入工作日历，暂按原定日期；录入后如逢节假日将顺延")
        }
    }

    static func lastDay(year: Int, month: Int) -> Int {
        (28...31).last { Day(year: year, month: month, day: $0) != nil }!
    }

    /// A-5: the outgoing operator hands the station's service archives to the buyer within the
    /// rule's working days of its exit, counted on the working-day calendar by the rule's convention.
    /// nil when the profile has no A-5 (Wuhan's notice sets no period); throws when the calendar
    /// lacks a year the period runs into.
    public static func handover(_ profile: PolicyProfile, exit: Day, station: String, operatorName: String,
                                calendar: WorkingCalendar) throws -> Deadline? {
        guard let rule = profile.rule("A-5"), let n = rule.param("handoverWorkingDays"), let (title, roles, filer) = actors["A-5"] else { return nil }
        let startCounts = rule.flag("startDayCounts") ?? false
        let count = try calendar.count(workingDays: Int(n), from: exit, startCounts: startCounts)
        return Deadline(ruleID: rule.id, title: "\(station)：\(operatorName)\(title)", due: count.due, nominal: nil, roles: roles, filer: filer,
                        counting: "\(exit) 退出；" + DayCount.workingDays(Int(n), startCounts: startCounts, start: "退出之日"))
    }

    /// What is due within `days` from today, and what fell due before today: in the last `days`, or
    /// since `overdueSince` when given (the home page lists every overdue filing since 1 January of the
    /// previous year, the first year the board counts; overdue unless filed).
    public static func around(_ profile: PolicyProfile, today: Day, roles: Set<Role>, calendar: WorkingCalendar, days: Int = 30,
                              overdueSince: Day? = nil) -> (upcoming: [Deadline], recent: [Deadline]) {
        let relevant = all(profile, years: (today.year - 1)...(today.year + 1), calendar: calendar).filter { !$0.roles.isDisjoint(with: roles) }
        let since = overdueSince ?? today.adding(days: -days)
        return (relevant.filter { $0.due >= today && $0.due <= today.adding(days: days) },
                relevant.filter { $0.due < today && $0.due >= since })
    }
}
