import Foundation

/// V-7 crisis intervention as dated duties: a case assessed at the crisis level needs its crisis plan
/// within the profile's `crisisPlanWorkingDays`, and after its last intervention a follow-up visit
/// within `followUpWorkingDays` (both working days, the day itself not counted — 民法典第二百零一条,
/// as the other working-day rules count). The source (DB3701/T 36 4.6) names the duties but no
/// number of days: the city sets them in its policy profile.
public enum CrisisClock {
    public enum Duty: String, Codable, Sendable {
        case plan
        case followUp = "follow_up"

        public var label: String { self == .plan ? "制定危机干预计划" : "危机干预后回访" }
    }

    public struct Due: Sendable, Equatable {
        public var duty: Duty
        /// What starts the clock: the crisis assessment, or the last intervention.
        public var from: Day
        public var due: Day
        /// The day it was done, if it was.
        public var done: Day?

        public func isOverdue(today: Day) -> Bool { done == nil && today > due }
        /// Done late, or not done and past due.
        public func isLate(today: Day) -> Bool { done.map { $0 > due } ?? (today > due) }
    }

    /// The duties of one crisis case.
    /// - Parameters:
    ///   - assessedOn: the assessment that found the crisis.
    ///   - plans: the days plans were made (the first on or after `assessedOn` fulfils the duty).
    ///   - lastIntervention: the latest intervention, if any; a follow-up is due after it.
    ///   - followUps: the days of the case's follow-up visits.
    public static func dues(assessedOn: Day, plans: [Day], lastIntervention: Day?, followUps: [Day], planDays: Int, followUpDays: Int,
                            calendar: WorkingCalendar) throws -> [Due] {
        var result = [Due(duty: .plan, from: assessedOn, due: try calendar.count(workingDays: planDays, from: assessedOn, startCounts: false).due,
                          done: plans.filter { $0 >= assessedOn }.min())]
        if let last = lastIntervention {
            result.append(Due(duty: .followUp, from: last, due: try calendar.count(workingDays: followUpDays, from: last, startCounts: false).due,
                              done: followUps.filter { $0 >= last }.min()))
        }
        return result
    }
}
