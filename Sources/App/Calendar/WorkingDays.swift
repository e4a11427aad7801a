import Domain
import Vapor

/// "N working days from a date" (rules A-5, E-4), for `GET /api/v1/calendar/working-days` and the
/// calculator on `/calendar`: the due date, and the weekends and holidays passed over.
enum WorkingDays {
    static let maxDays = 3650

    struct Input {
        var from: Day
        var days: Int
        var startCounts: Bool
    }

    struct Result: Content {
        struct Skipped: Content {
            var date: String
            var reason: String
        }

        var from: String
        var days: Int
        var startCounts: Bool
        var due: String
        /// The convention in words: whether the start day counts.
        var convention: String
        var skipped: [Skipped]
        /// Weekend days worked by the State Council's arrangement (调休上班), counted as working days.
        var madeUpWorkdays: [String]
    }

    /// Reads `from`, `days` and `start_counts` (true/false, absent = false); every error names its field.
    static func read(from: String?, days: String?, startCounts: String?) -> (Input?, Validator) {
        var v = Validator()
        let day = v.day(from, field: "from", label: "起算日期")
        if (from ?? "").trimmingCharacters(in: .whitespaces).isEmpty { v.add("from", "起算日期（from）不能为空，格式 年-月-日") }
        let rawDays = (days ?? "").trimmingCharacters(in: .whitespaces)
        let n = Int(rawDays)
        if n == nil || !(1...maxDays).contains(n!) { v.add("days", "工作日数（days）应为 1–\(maxDays) 之间的整数，收到“\(rawDays)”") }
        var counts = false
        switch (startCounts ?? "").trimmingCharacters(in: .whitespaces) {
        case "", "false", "0": counts = false
        case "true", "1": counts = true
        case let other: v.add("start_counts", "起算日是否计入（start_counts）应为 true 或 false，收到“\(other)”")
        }
        guard let day, let n, v.errors.isEmpty else { return (nil, v) }
        return (Input(from: day, days: n, startCounts: counts), v)
    }

    /// Counts on the calendar; a year the calendar does not hold is a 422 naming the year.
    static func count(_ input: Input, calendar: WorkingCalendar) throws -> Result {
        do {
            let c = try calendar.count(workingDays: input.days, from: input.from, startCounts: input.startCounts)
            return Result(from: c.from.description, days: c.workingDays, startCounts: c.startCounts, due: c.due.description,
                          convention: DayCount.workingDays(c.workingDays, startCounts: c.startCounts, start: "起算日"),
                          skipped: c.skipped.map { .init(date: $0.day.description, reason: $0.reason) },
                          madeUpWorkdays: c.madeUp.map(\.description))
        } catch let problem as WorkingCalendar.Problem {
            throw AppError.field("from", problem.description)
        }
    }
}
