import Domain
import Testing

/// V-7 as dated duties on the working-day calendar.
@Suite("Crisis clock (V-7)")
struct CrisisClockTests {
    let calendar = try! WorkingCalendar.bundled()

    @Test func theCrisisPlanAndFollowUpAreDueInWorkingDaysSkippingWeekendsAndHolidays() throws {
        // act: assessed on Friday 5 June 2026; one intervention on Friday 12 June, before 端午 (19–21 June)
        let dues = try CrisisClock.dues(assessedOn: Day("2026-06-05")!, plans: [Day("2026-06-12")!], lastIntervention: Day("2026-06-12")!,
                                        followUps: [], planDays: 3, followUpDays: 5, calendar: calendar)
        // check: Mon–Wed make the plan due on the 10th, made late on the 12th; the follow-up counts
        // 15–18 June and 22 June (the 19th is a holiday)
        #expect(dues.map(\.duty) == [.plan, .followUp])
        #expect(dues[0].due == Day("2026-06-10")! && dues[0].done == Day("2026-06-12")! && dues[0].isLate(today: Day("2026-06-15")!))
        #expect(!dues[0].isOverdue(today: Day("2026-06-15")!))
        #expect(dues[1].due == Day("2026-06-22")! && dues[1].done == nil)
        #expect(!dues[1].isOverdue(today: Day("2026-06-22")!) && dues[1].isOverdue(today: Day("2026-06-23")!))
    }

    @Test func aPlanFromBeforeTheCrisisDoesNotCountAndNoFollowUpIsDueBeforeAnIntervention() throws {
        let dues = try CrisisClock.dues(assessedOn: Day("2026-03-02")!, plans: [Day("2026-02-20")!], lastIntervention: nil, followUps: [],
                                        planDays: 3, followUpDays: 5, calendar: calendar)
        #expect(dues.count == 1 && dues[0].done == nil && dues[0].due == Day("2026-03-05")!)
    }
}
