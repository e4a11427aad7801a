import Domain
import Fluent
import Foundation

/// One operator's time running a station (rule A-5): the current operator is also
/// `stations.operator_id`; a period with an exit date starts the outgoing operator's archive
/// handover, due the profile's working days after the exit.
final class StationOperatorPeriod: Model, @unchecked Sendable {
    static let schema = "station_operator_periods"

    @ID(key: .id) var id: UUID?
    @Field(key: "station_id") var stationID: UUID
    @Field(key: "operator_id") var operatorID: UUID
    /// "yyyy-MM-dd"; nil when not recorded (operators chosen before periods were kept).
    @OptionalField(key: "started_on") var startedOn: String?
    /// The exit date; nil while the operator runs the station.
    @OptionalField(key: "ended_on") var endedOn: String?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
    init(stationID: UUID, operatorID: UUID, startedOn: String?, createdBy: String) {
        self.id = UUID()
        self.stationID = stationID
        self.operatorID = operatorID
        self.startedOn = startedOn
        self.createdBy = createdBy
    }

    var auditFields: [String: String] {
        ["station_id": stationID.uuidString, "operator_id": operatorID.uuidString, "started_on": startedOn ?? "", "ended_on": endedOn ?? ""]
    }
}

extension StationOperatorPeriod {
    /// One line of a station's operator history, as the station page shows it.
    struct Row: Sendable {
        var operatorName: String
        var startedOn: String?
        var endedOn: String?
        /// For an exit: the A-5 handover due date and how it was counted, or why it cannot be counted yet.
        var handover: String?
    }

    /// A period as the station page reads it (`StationShow.query`), the operator named.
    struct Stored: Sendable {
        var id: UUID
        var operatorName: String
        var startedOn: String?
        var endedOn: String?
    }

    /// A station's operators, the current one first, each exit with its A-5 handover due date
    /// (none when the city's profile has no A-5). The working-day calendar is read only for an exit to count.
    static func history(_ periods: [Stored], profile: PolicyProfile?, on db: any Database) async throws -> [Row] {
        let sorted = periods.sorted { ($0.endedOn ?? "9999", $0.startedOn ?? "") > ($1.endedOn ?? "9999", $1.startedOn ?? "") }
        let counting = profile.flatMap { $0.rule("A-5") == nil ? nil : $0 }
        let calendar = counting != nil && sorted.contains { $0.endedOn != nil } ? try await CalendarService.load(on: db) : nil
        return try sorted.map { p in
            var handover: String?
            if let profile = counting, let calendar, let ended = p.endedOn {
                let exit = try Day.stored(ended, table: schema, id: p.id, column: "ended_on")
                do {
                    handover = try Deadlines.handover(profile, exit: exit, station: "", operatorName: "", calendar: calendar)
                        .map { "档案移交期限 \($0.due)（A-5，\($0.counting)）" }
                } catch let problem as WorkingCalendar.Problem {
                    handover = "档案移交期限暂无法计算：\(problem.description)"
                }
            }
            return Row(operatorName: p.operatorName, startedOn: p.startedOn, endedOn: p.endedOn, handover: handover)
        }
    }
}
