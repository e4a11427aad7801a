import Foundation

/// Working days (工作日) on the national statutory holiday calendar, with the weekend days that
/// are made working days (调休). The dates are data: the years 2020–2026 ship in holidays.json,
/// later years are entered by a city admin when the State Council publishes them.
public struct WorkingCalendar: Sendable {
    /// One year's published arrangement.
    public struct Year: Codable, Sendable, Equatable {
        /// Inclusive ranges with their festival's name.
        public var holidays: [Holiday]
        /// Weekend days that are working days.
        public var workdays: [Day]

        public struct Holiday: Codable, Sendable, Equatable {
            public var first: Day
            public var last: Day
            public var name: String
            public init(first: Day, last: Day, name: String) {
                self.first = first
                self.last = last
                self.name = name
            }
        }

        public init(holidays: [Holiday], workdays: [Day]) {
            self.holidays = holidays
            self.workdays = workdays
        }
    }

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// The date's year has no published arrangement in the calendar: no guess is made.
        case yearNotInCalendar(Int)
        case invalid(String)
        /// A make-up working day (调休上班日) that cannot be one: reported on the make-up-day field.
        case invalidWorkday(String)

        public var description: String {
            switch self {
            case .yearNotInCalendar(let y): "工作日历中没有 \(y) 年的节假日安排，请先录入国务院公布的当年安排"
            case .invalid(let why), .invalidWorkday(let why): why
            }
        }

        /// The field of a year's arrangement the problem is about: `workdays` or `holidays`.
        public var field: String {
            switch self {
            case .invalidWorkday: "workdays"
            default: "holidays"
            }
        }
    }

    public private(set) var years: [Int: Year]
    private var holidays: Set<Day> = []
    private var workdays: Set<Day> = []

    public init(years: [Int: Year]) throws {
        self.years = [:]
        for (year, arrangement) in years { try add(year: year, arrangement) }
    }

    /// One thing wrong with a year's arrangement: the field it is about (`holidays` or `workdays`),
    /// the holiday's position in the list when it is about one (0-based), the other holiday it
    /// overlaps, and why.
    public struct Issue: Equatable, Sendable {
        public let field: String
        public let holiday: Int?
        public var overlaps: Int? = nil
        public let reason: String

        /// The issue as a user reads it: "第 2 个假期（春节，2027-02-05 至 2027-02-11）：…", a holiday
        /// named by its place in the list as it was sent (an empty name is left out).
        public func message(in arrangement: Year) -> String {
            guard let i = holiday else { return reason }
            let h = arrangement.holidays[i]
            let name = h.name.trimmingCharacters(in: .whitespaces)
            return "第 \(i + 1) 个假期（\(name.isEmpty ? "" : name + "，")\(h.first) 至 \(h.last)）：\(reason)"
                + (overlaps.map { "（第 \($0 + 1) 个假期）" } ?? "")
        }
    }

    /// Every problem of an arrangement at once: ranges inside the year (元旦 may start on 31 December
    /// of the year before), named, not overlapping one another; make-up days on weekends only, in the
    /// year, and no day both a holiday and a working day.
    public static func issues(year: Int, _ arrangement: Year) -> [Issue] {
        var issues: [Issue] = []
        var days: Set<Day> = []
        var valid: [(index: Int, holiday: Year.Holiday)] = []
        for (i, h) in arrangement.holidays.enumerated() {
            let name = h.name.trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty { issues.append(.init(field: "holidays", holiday: i, reason: "假期名称不能为空，例如“春节”")) }
            if name.count > 20 { issues.append(.init(field: "holidays", holiday: i, reason: "假期名称“\(name.prefix(20))…”不能超过 20 个字")) }
            guard h.first <= h.last else {
                issues.append(.init(field: "holidays", holiday: i, reason: "结束日期 \(h.last) 早于起始日期 \(h.first)"))
                continue
            }
            guard h.last.days(until: h.first) > -15 else {
                issues.append(.init(field: "holidays", holiday: i, reason: "\(h.first) 至 \(h.last) 超过 15 天，不是一个假期"))
                continue
            }
            guard h.first.year == year || h.last.year == year else {
                issues.append(.init(field: "holidays", holiday: i, reason: "\(h.first) 至 \(h.last) 不在 \(year) 年内"))
                continue
            }
            if let other = valid.first(where: { $0.holiday.first <= h.last && h.first <= $0.holiday.last }) {
                issues.append(.init(field: "holidays", holiday: i, overlaps: other.index,
                                    reason: "与“\(other.holiday.name)”（\(other.holiday.first) 至 \(other.holiday.last)）日期重叠，同一天只能属于一个假期"))
                continue
            }
            valid.append((i, h))
            var d = h.first
            while d <= h.last { days.insert(d); d = d.adding(days: 1) }
        }
        for w in arrangement.workdays {
            if w.year != year { issues.append(.init(field: "workdays", holiday: nil, reason: "调休上班日 \(w) 不在 \(year) 年内")) }
            else if !w.isWeekend { issues.append(.init(field: "workdays", holiday: nil, reason: "调休上班日 \(w) 不是周末")) }
            else if days.contains(w) { issues.append(.init(field: "workdays", holiday: nil, reason: "\(w) 不能既是假日又是调休上班日")) }
        }
        return issues
    }

    /// Checks and adds a year (see `issues`); the first problem is thrown.
    public mutating func add(year: Int, _ arrangement: Year) throws {
        if let issue = Self.issues(year: year, arrangement).first {
            let text = issue.message(in: arrangement)
            throw issue.field == "workdays" ? Problem.invalidWorkday(text) : Problem.invalid(text)
        }
        let replacing = years[year] != nil
        years[year] = arrangement
        if replacing {
            // A corrected year replaces the one before it: the day sets are rebuilt from every year.
            holidays = []
            workdays = []
            for a in years.values {
                for h in a.holidays { var d = h.first; while d <= h.last { holidays.insert(d); d = d.adding(days: 1) } }
                workdays.formUnion(a.workdays)
            }
        } else {
            for h in arrangement.holidays { var d = h.first; while d <= h.last { holidays.insert(d); d = d.adding(days: 1) } }
            workdays.formUnion(arrangement.workdays)
        }
    }

    private func check(_ day: Day) throws {
        guard years[day.year] != nil else { throw Problem.yearNotInCalendar(day.year) }
    }

    public func isWorkingDay(_ day: Day) throws -> Bool {
        try check(day)
        if holidays.contains(day) { return false }
        if workdays.contains(day) { return true }
        return !day.isWeekend
    }

    /// The day `n` working days after `day` (n ≥ 0); "within N working days of X" ends on this day.
    public func adding(workingDays n: Int, to day: Day) throws -> Day {
        guard n >= 0 else { throw Problem.invalid("工作日数不能为负数") }
        var current = day
        var left = n
        while left > 0 {
            current = current.adding(days: 1)
            if try isWorkingDay(current) { left -= 1 }
        }
        return current
    }

    /// Why a day is not a working day: its festival's name, or 周六/周日.
    public func reasonOff(_ day: Day) throws -> String? {
        guard try !isWorkingDay(day) else { return nil }
        if let holiday = years.values.lazy.flatMap(\.holidays).first(where: { $0.first <= day && day <= $0.last }) { return holiday.name }
        return day.weekday == 6 ? "周六" : "周日"
    }

    /// The answer to "N working days from a date", with the days passed over and why.
    public struct Count: Equatable, Sendable {
        public struct Skipped: Equatable, Sendable {
            public let day: Day
            public let reason: String
        }

        public let from: Day
        public let workingDays: Int
        public let startCounts: Bool
        public let due: Day
        /// Non-working days between the first counted day and the due date (weekends, statutory holidays).
        public let skipped: [Skipped]
        /// Weekend days worked by the State Council's arrangement (调休上班) that were counted.
        public let madeUp: [Day]
    }

    /// The last day of a period of `n` working days beginning at `from` (rules A-5, E-4). With
    /// `startCounts` false — the civil-law convention (民法典第二百零一条: 开始的当日不计入) — the
    /// first working day after `from` is day 1; with it true, `from` is day 1 if it is a working day.
    public func count(workingDays n: Int, from: Day, startCounts: Bool) throws -> Count {
        guard n >= 1 else { throw Problem.invalid("工作日数应不少于 1") }
        let before = startCounts ? from.adding(days: -1) : from
        let due = try adding(workingDays: n, to: before)
        var skipped: [Count.Skipped] = []
        var madeUp: [Day] = []
        var d = before.adding(days: 1)
        while d <= due {
            if let reason = try reasonOff(d) { skipped.append(.init(day: d, reason: reason)) }
            else if d.isWeekend { madeUp.append(d) }
            d = d.adding(days: 1)
        }
        return Count(from: from, workingDays: n, startCounts: startCounts, due: due, skipped: skipped, madeUp: madeUp)
    }

    /// `day` itself when it is a working day, else the next working day (a deadline that falls on
    /// a weekend or statutory holiday moves to the day after the rest ends, 民法典第二百零三条).
    public func onOrAfter(_ day: Day) throws -> Day {
        var d = day
        while try !isWorkingDay(d) { d = d.adding(days: 1) }
        return d
    }

    /// Working days after `start` up to and including `end` (0 when end ≤ start).
    public func workingDays(from start: Day, to end: Day) throws -> Int {
        guard start < end else { return 0 }
        var count = 0
        var d = start.adding(days: 1)
        while d <= end {
            if try isWorkingDay(d) { count += 1 }
            d = d.adding(days: 1)
        }
        return count
    }

    /// The calendar shipped with Shegong (holidays.json), read once.
    public static func bundled() throws -> WorkingCalendar { try shipped.get() }

    private static let shipped = Result { try readBundled() }

    private static func readBundled() throws -> WorkingCalendar {
        struct File: Decodable {
            let years: [String: Raw]
            struct Raw: Decodable { let holidays: [[String]]; let workdays: [Day] }
        }
        let url = Bundle.module.url(forResource: "holidays", withExtension: "json")!
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        var years: [Int: Year] = [:]
        for (key, raw) in file.years {
            let holidays = try raw.holidays.map { item -> Year.Holiday in
                guard item.count == 3, let first = Day(item[0]), let last = Day(item[1]) else { throw Problem.invalid("holidays.json: \(item)") }
                return Year.Holiday(first: first, last: last, name: item[2])
            }
            years[Int(key)!] = Year(holidays: holidays, workdays: raw.workdays)
        }
        return try WorkingCalendar(years: years)
    }
}
