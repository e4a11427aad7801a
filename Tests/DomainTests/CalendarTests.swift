import Domain
import Testing

@Suite("Working-day calendar")
struct CalendarTests {
    let calendar = try! WorkingCalendar.bundled()

    func day(_ s: String) -> Day { Day(s)! }

    @Test func nationalDay2024AndItsMakeUpDays() throws {
        // 1–7 October 2024 off; Sunday 29 September and Saturday 12 October worked.
        #expect(try calendar.isWorkingDay(day("2024-09-29")) == true)
        #expect(try calendar.isWorkingDay(day("2024-09-30")) == true)
        for d in 1...7 { #expect(try calendar.isWorkingDay(day(String(format: "2024-10-%02d", d))) == false) }
        #expect(try calendar.isWorkingDay(day("2024-10-12")) == true)
        #expect(try calendar.isWorkingDay(day("2024-10-13")) == false)
        // 5 working days after Monday 30 September: 8, 9, 10, 11, 12 October.
        #expect(try calendar.adding(workingDays: 5, to: day("2024-09-30")) == day("2024-10-12"))
    }

    @Test func springFestival2025() throws {
        // 28 January – 4 February 2025 off; Sunday 26 January and Saturday 8 February worked.
        #expect(try calendar.isWorkingDay(day("2025-01-26")) == true)
        #expect(try calendar.isWorkingDay(day("2025-01-28")) == false)
        #expect(try calendar.isWorkingDay(day("2025-02-04")) == false)
        #expect(try calendar.isWorkingDay(day("2025-02-05")) == true)
        #expect(try calendar.isWorkingDay(day("2025-02-08")) == true)
        // Monday 27 January to Monday 10 February: 5, 6, 7, 8 (Sat, worked), 10 February.
        #expect(try calendar.workingDays(from: day("2025-01-27"), to: day("2025-02-10")) == 5)
    }

    @Test func handoverWithinThirtyWorkingDaysOfRuleA5() throws {
        // An operator leaving on 30 September 2024 hands over by the 30th working day after it.
        let due = try calendar.adding(workingDays: 30, to: day("2024-09-30"))
        #expect(due == day("2024-11-15"))
        #expect(try calendar.workingDays(from: day("2024-09-30"), to: due) == 30)
    }

    @Test func workingDaysFromADateWithEitherConvention() throws {
        // setup: Monday 29 September 2025, a working day before the National Day break (1–8 October)
        let from = day("2025-09-29")
        // act: 5 working days, the start day not counted (民法典第二百零一条)
        let notCounted = try calendar.count(workingDays: 5, from: from, startCounts: false)
        // check: 30 Sep, 9, 10, 11 (Saturday, worked) and 13 October; the eight days off listed with why
        #expect(notCounted.due == day("2025-10-13"))
        #expect(notCounted.skipped.map(\.day.description) == (1...8).map { String(format: "2025-10-%02d", $0) } + ["2025-10-12"])
        #expect(notCounted.skipped.first?.reason == "国庆节、中秋节")
        #expect(notCounted.skipped.last?.reason == "周日")
        #expect(notCounted.madeUp == [day("2025-10-11")])
        // the start day counting: 29, 30 September, 9, 10, 11 October
        #expect(try calendar.count(workingDays: 5, from: from, startCounts: true).due == day("2025-10-11"))
        // a start on a rest day counts from the next working day either way
        #expect(try calendar.count(workingDays: 1, from: day("2025-10-04"), startCounts: true).due == day("2025-10-09"))
        #expect(throws: WorkingCalendar.Problem.self) { try calendar.count(workingDays: 0, from: from, startCounts: false) }
        #expect(try calendar.onOrAfter(day("2025-10-05")) == day("2025-10-09"))
        #expect(try calendar.onOrAfter(day("2025-10-09")) == day("2025-10-09"))
    }

    /// The first year the shipped data does not cover, so these tests survive the day it is entered.
    var unknown: Int { calendar.years.keys.max()! + 1 }

    /// The first day of `year`'s January that is (or is not) a weekend, after the 3rd.
    func january(_ year: Int, weekend: Bool) -> Day {
        var d = day("\(year)-01-04")
        while d.isWeekend != weekend { d = d.adding(days: 1) }
        return d
    }

    @Test func aYearOutsideTheCalendarIsAnError() {
        let first = calendar.years.keys.min()!
        #expect(throws: WorkingCalendar.Problem.yearNotInCalendar(unknown)) { try calendar.isWorkingDay(january(unknown, weekend: false)) }
        #expect(throws: WorkingCalendar.Problem.yearNotInCalendar(first - 1)) {
            try calendar.workingDays(from: day("\(first - 1)-12-01"), to: day("\(first)-01-10"))
        }
        #expect(throws: WorkingCalendar.Problem.yearNotInCalendar(unknown)) { try calendar.adding(workingDays: 3, to: day("\(unknown - 1)-12-30")) }
    }

    @Test func aCityAdminAddsTheNextYear() throws {
        var c = calendar
        try c.add(year: unknown, .init(holidays: [.init(first: day("\(unknown)-01-01"), last: day("\(unknown)-01-03"), name: "元旦")], workdays: []))
        #expect(try c.isWorkingDay(january(unknown, weekend: false)) == true)
        #expect(try c.isWorkingDay(day("\(unknown)-01-01")) == false)
    }

    @Test func makeUpDaysMustBeWeekendsAndNotHolidays() {
        var c = calendar
        #expect(throws: WorkingCalendar.Problem.self) {
            try c.add(year: unknown, .init(holidays: [], workdays: [january(unknown, weekend: false)]))
        }
    }
}
