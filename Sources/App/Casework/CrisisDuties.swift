import Domain
import Fluent
import SQLKit
import Vapor

/// A crisis case's duty (V-7) as pages and the API show it.
struct CrisisItem: Content {
    var caseId: UUID
    var number: String
    var stationName: String
    var responsibleName: String
    var duty: CrisisClock.Duty
    var dutyLabel: String
    var due: String
    var done: String?
    var overdue: Bool
}

/// The V-7 duties of crisis cases (`CrisisClock`), with the city's working-day limits from the
/// profile in force in the year of the crisis assessment. A city that has not set them gets no
/// dates, and the case page says so.
enum CrisisDuties {
    /// Duties of the cases the condition selects (`c` cases, `s` stations) whose latest assessment
    /// is at the crisis level, in due order.
    static func of(where condition: SQLQueryString, today: Day, policies: PolicyCache, on db: any Database) async throws -> [CrisisItem] {
        let sql = db as! any SQLDatabase
        let cases = try await sql.raw("""
            SELECT c.id, c.number, c.city_id, c.stage, c.responsible_name, s.name AS station_name FROM cases c JOIN stations s ON s.id = c.station_id
            WHERE c.risk_level = 'crisis' AND
            """ + " " + condition).all()
        if cases.isEmpty { return [] }
        let ids = try cases.map { try $0.decode(column: "id", as: UUID.self) }
        var assessments: [UUID: [(version: Int, on: Day, crisis: Bool)]] = [:]
        for row in try await sql.raw("SELECT case_id, version, assessed_on, risk_level FROM case_assessments WHERE case_id IN (\(binds: ids))").all() {
            guard let on = Day(try row.decode(column: "assessed_on", as: String.self)) else { continue }
            assessments[try row.decode(column: "case_id", as: UUID.self), default: []].append(
                (try row.decode(column: "version", as: Int.self), on, try row.decode(column: "risk_level", as: String.self) == RiskLevel.crisis.rawValue))
        }
        var plans: [UUID: [Day]] = [:]
        for row in try await sql.raw("SELECT case_id, planned_on FROM case_plans WHERE case_id IN (\(binds: ids))").all() {
            if let day = Day(try row.decode(column: "planned_on", as: String.self)) { plans[try row.decode(column: "case_id", as: UUID.self), default: []].append(day) }
        }
        var services: [UUID: [(kind: ServiceKind, on: Day)]] = [:]
        for row in try await sql.raw("""
            SELECT case_id, kind, served_on FROM service_records WHERE case_id IN (\(binds: ids)) AND kind IN ('intervention', 'follow_up')
            """).all() {
            if let day = Day(try row.decode(column: "served_on", as: String.self)) {
                services[try row.decode(column: "case_id", as: UUID.self), default: []].append((try row.decode(column: "kind", as: ServiceKind.self), day))
            }
        }
        let calendar = try await CalendarService.load(on: db)
        var items: [CrisisItem] = []
        for row in cases {
            let id = try row.decode(column: "id", as: UUID.self)
            // The crisis began with the first crisis assessment after the last one that was not.
            let versions = (assessments[id] ?? []).sorted { $0.version > $1.version }
            guard let start = versions.prefix(while: \.crisis).last?.on else { continue }
            let rule = try await policies.inForce(cityID: try row.decode(column: "city_id", as: UUID.self), year: start.year, on: db).profile.rule("V-7")
            guard let planDays = rule?.param("crisisPlanWorkingDays"), let followUpDays = rule?.param("followUpWorkingDays") else { continue }
            let done = services[id] ?? []
            // A year missing from the calendar gives no dates rather than wrong ones.
            guard let dues = try? CrisisClock.dues(assessedOn: start, plans: plans[id] ?? [], lastIntervention: done.filter { $0.kind == .intervention }.map(\.on).max(),
                                                   followUps: done.filter { $0.kind == .followUp }.map(\.on), planDays: Int(planDays),
                                                   followUpDays: Int(followUpDays), calendar: calendar) else { continue }
            // A closed case owes no plan any more; its follow-up after the intervention it still owes.
            let closed = try row.decode(column: "stage", as: CaseStage.self) == .closed
            for d in dues where !(closed && d.duty == .plan) {
                items.append(CrisisItem(caseId: id, number: try row.decode(column: "number", as: String.self),
                                        stationName: try row.decode(column: "station_name", as: String.self),
                                        responsibleName: try row.decode(column: "responsible_name", as: String.self), duty: d.duty, dutyLabel: d.duty.label,
                                        due: d.due.description, done: d.done?.description, overdue: d.isOverdue(today: today)))
            }
        }
        return items.sorted { ($0.due, $0.number) < ($1.due, $1.number) }
    }
}
