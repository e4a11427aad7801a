import Domain
import Fluent
import SQLKit
import Vapor

final class FocusChoice: Model, @unchecked Sendable {
    static let schema = "station_focus_choices"

    @ID(key: .id) var id: UUID?
    @Field(key: "station_id") var stationID: UUID
    @Field(key: "year") var year: Int
    @Field(key: "version") var version: Int
    @Field(key: "fields") var fieldCodes: String
    @Field(key: "chosen_by") var chosenBy: UUID
    @Field(key: "chosen_by_name") var chosenByName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var fields: [String] { fieldCodes.split(separator: ",").map(String.init) }
}

struct FocusFieldsInput: Content {
    var year: Int?
    var fields: [String]?
}

struct FocusFieldsDTO: Content {
    struct Field: Content {
        var code: String
        var label: String
        var caseWork: Int
        var groupWork: Int
        var communityWork: Int
    }

    var stationId: UUID
    var year: Int
    /// 0 before the first choice of the year.
    var version: Int
    var chosenByName: String?
    var fields: [Field]
    var minFields: Int?
    var maxFields: Int?
}

/// The year's focus fields (V-5) and the cases in each that V-6 counts, for one station or for all
/// those a compliance query selects. "A case" of a field in a year: a case with an intervention in
/// the year, a group with a session in the year, a community event held in the year.
enum FocusWork {
    /// Per station: the fields in force (latest version) and their counts, labelled as `label` says
    /// (the station's city's profile names its fields).
    /// One station's statements on PostgreSQL (`PreparedStatements`; `ComplianceQueries.evaluate`'s `oneStation`).
    enum OneStationChoices: PreparedShape {}
    enum OneStationCases: PreparedShape {}
    enum OneStationGroups: PreparedShape {}
    enum OneStationEvents: PreparedShape {}

    static func load(where condition: SQLQueryString, oneStation: Bool = false, year: Int, on db: any Database,
                     label: (_ station: UUID, _ field: String) async throws -> String) async throws -> [UUID: StationFacts.FocusWork] {
        let sql = db as! any SQLDatabase
        var chosen: [UUID: (version: Int, fields: [String])] = [:]
        for row in try await sql.all("""
            SELECT fc.station_id, fc.version, fc.fields FROM station_focus_choices fc JOIN stations s ON s.id = fc.station_id
            WHERE fc.year = \(bind: year) AND
            """ + " " + condition, preparedAs: oneStation ? OneStationChoices.self : nil) {
            let station = try row.decode(column: "station_id", as: UUID.self), version = try row.decode(column: "version", as: Int.self)
            if version > chosen[station]?.version ?? 0 {
                chosen[station] = (version, try row.decode(column: "fields", as: String.self).split(separator: ",").map(String.init))
            }
        }
        if chosen.isEmpty { return [:] }
        var counts: [UUID: [String: [Int]]] = [:]
        let queries: [SQLQueryString] = [
            """
            SELECT c.station_id, c.field, COUNT(*) AS n FROM cases c JOIN stations s ON s.id = c.station_id WHERE
            EXISTS (SELECT 1 FROM service_records sv WHERE sv.case_id = c.id AND sv.kind = 'intervention' AND sv.year = \(bind: year)) AND
            """,
            """
            SELECT g.station_id, g.field, COUNT(*) AS n FROM work_groups g JOIN stations s ON s.id = g.station_id WHERE
            EXISTS (SELECT 1 FROM group_sessions gs WHERE gs.group_id = g.id AND gs.year = \(bind: year)) AND
            """,
            """
            SELECT e.station_id, sv.field, COUNT(*) AS n FROM community_events e JOIN stations s ON s.id = e.station_id
            JOIN service_records sv ON sv.id = e.record_id AND sv.year = e.year WHERE e.year = \(bind: year) AND
            """,
        ]
        let groupBy: [SQLQueryString] = [" GROUP BY c.station_id, c.field", " GROUP BY g.station_id, g.field", " GROUP BY e.station_id, sv.field"]
        let shapes: [any PreparedShape.Type] = [OneStationCases.self, OneStationGroups.self, OneStationEvents.self]
        for (i, query) in queries.enumerated() {
            for row in try await sql.all(query + " " + condition + groupBy[i], preparedAs: oneStation ? shapes[i] : nil) {
                let station = try row.decode(column: "station_id", as: UUID.self), field = try row.decode(column: "field", as: String.self)
                counts[station, default: [:]][field, default: [0, 0, 0]][i] = try row.decode(column: "n", as: Int.self)
            }
        }
        var result: [UUID: StationFacts.FocusWork] = [:]
        for (station, choice) in chosen {
            var fields: [StationFacts.FocusWork.Field] = []
            for code in choice.fields {
                let n = counts[station]?[code] ?? [0, 0, 0]
                fields.append(.init(code: code, label: try await label(station, code), caseWork: n[0], groupWork: n[1], communityWork: n[2]))
            }
            result[station] = .init(fields: fields)
        }
        return result
    }
}
