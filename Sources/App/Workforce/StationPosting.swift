import Domain
import Fluent
import Foundation

/// A person's posting to a station for a period of days (inclusive; open while `endedOn` is nil): a social
/// worker's (`WorkerAssignment`) or a supervisor's (`SupervisorAssignment`). One shape kept in two tables
/// (M002); what a posting is and does is written here once.
protocol StationPosting: Model where IDValue == UUID {
    associatedtype Person: Model where Person.IDValue == UUID
    /// The posted person (`\.$worker`, `\.$supervisor`).
    static var person: KeyPath<Self, ParentProperty<Self, Person>> { get }
    /// The station posted to (`\.$station`).
    static var station: KeyPath<Self, ParentProperty<Self, Station>> { get }
    var startedOn: String { get set }
    /// Inclusive last day; nil while the posting lasts.
    var endedOn: String? { get set }
}

extension StationPosting {
    init(person: UUID, station: UUID, startedOn: String, endedOn: String?) {
        self.init()
        self.id = UUID()
        self[keyPath: Self.person].id = person
        self[keyPath: Self.station].id = station
        self.startedOn = startedOn
        self.endedOn = endedOn
    }

    var personID: UUID { self[keyPath: Self.person].id }
    var stationID: UUID { self[keyPath: Self.station].id }

    /// The person's column (`worker_id`, `supervisor_id`), as the table names it.
    var personColumn: String { self[keyPath: Self.person].$id.key.description }

    var auditFields: [String: String] {
        [personColumn: personID.uuidString, "station_id": stationID.uuidString, "started_on": startedOn, "ended_on": endedOn ?? ""]
    }

    /// The period as days (a stored date that does not parse names the row).
    func period() throws -> (start: Day, end: Day?) {
        (try Day.stored(startedOn, table: Self.schema, id: id, column: "started_on"),
         try Day.stored(endedOn, table: Self.schema, id: id, column: "ended_on"))
    }

    /// Whether the person was posted on `day`.
    func covers(_ day: Day) throws -> Bool {
        let (start, end) = try period()
        return start <= day && end.map { day <= $0 } ?? true
    }

    /// Whether the posting shares a day with `start...end` (nil: open-ended).
    func overlaps(_ start: Day, _ end: Day?) throws -> Bool {
        let (pStart, pEnd) = try period()
        return pStart <= (end ?? Day(ordinal: .max)) && start <= (pEnd ?? Day(ordinal: .max))
    }

    /// The postings of one person.
    static func of(_ person: UUID, on db: any Database) -> QueryBuilder<Self> {
        query(on: db).filter(Self.person.appending(path: \ParentProperty<Self, Person>.$id) == person)
    }

    /// The postings at one station.
    static func at(_ station: UUID, on db: any Database) -> QueryBuilder<Self> {
        query(on: db).filter(Self.station.appending(path: \ParentProperty<Self, Station>.$id) == station)
    }
}
