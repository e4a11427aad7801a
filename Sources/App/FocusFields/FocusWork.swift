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

/// The year's focus fields (V-5) and the cases in each that V-6 counts, as columns over the
/// stations alias `s`: the compliance query reads them in its one statement, for one station or a
/// province. "A case" of a field in a year: a case with an intervention in the year, a group with a
/// session in the year, a community event held in the year.
enum FocusWork {
    /// The year's choices (every version; the latest is in force) and, for a station that chose,
    /// its cases, groups and events per field; each column followed by a comma.
    static func columns(year: Int, on sql: any SQLDatabase) -> SQLQueryString {
        let chose: SQLQueryString = "EXISTS (SELECT 1 FROM station_focus_choices fc WHERE fc.station_id = s.id AND fc.year = \(bind: year))"
        func counted(_ source: SQLQueryString) -> SQLQueryString {
            "CASE WHEN " + chose + " THEN " + JSONColumn.array(["field": "x.field", "n": "x.n"], from: source, on: sql) + " ELSE '[]' END"
        }
        let choices = JSONColumn.array(["version": "fc.version", "fields": "fc.fields"],
                                       from: "station_focus_choices fc WHERE fc.station_id = s.id AND fc.year = \(bind: year)", on: sql)
        let cases = counted("""
            (SELECT c.field, COUNT(*) AS n FROM cases c WHERE c.station_id = s.id
             AND EXISTS (SELECT 1 FROM service_records sv WHERE sv.case_id = c.id AND sv.kind = 'intervention' AND sv.year = \(bind: year)) GROUP BY c.field) x
            """)
        let groups = counted("""
            (SELECT g.field, COUNT(*) AS n FROM work_groups g WHERE g.station_id = s.id
             AND EXISTS (SELECT 1 FROM group_sessions gs WHERE gs.group_id = g.id AND gs.year = \(bind: year)) GROUP BY g.field) x
            """)
        let events = counted("""
            (SELECT sv.field, COUNT(*) AS n FROM community_events e JOIN service_records sv ON sv.id = e.record_id AND sv.year = e.year
             WHERE e.station_id = s.id AND e.year = \(bind: year) GROUP BY sv.field) x
            """)
        return choices + " AS focus_choices, " + cases + " AS focus_cases, " + groups + " AS focus_groups, " + events + " AS focus_events, "
    }

    private struct Choice: Decodable { let version: Int; let fields: String }
    private struct Count: Decodable { let field: String; let n: Int }

    /// The fields in force and their counts, each labelled as `label` says (the station's city's
    /// profile names its fields); no fields when the station chose none for the year.
    static func read(_ row: any SQLRow, json: JSONColumn.Reader, label: (String) -> String) throws -> StationFacts.FocusWork {
        guard let choice = try json.decode([Choice].self, column: "focus_choices", of: row).max(by: { $0.version < $1.version }) else {
            return .init(fields: [])
        }
        let counts = try ["focus_cases", "focus_groups", "focus_events"].map { column in
            Dictionary(try json.decode([Count].self, column: column, of: row).map { ($0.field, $0.n) }, uniquingKeysWith: +)
        }
        return .init(fields: choice.fields.split(separator: ",").map { code in
            let code = String(code)
            return .init(code: code, label: label(code), caseWork: counts[0][code] ?? 0, groupWork: counts[1][code] ?? 0, communityWork: counts[2][code] ?? 0)
        })
    }

    /// One station's, for its focus-fields page.
    static func load(station: UUID, year: Int, on db: any Database, label: (String) -> String) async throws -> StationFacts.FocusWork {
        let sql = db as! any SQLDatabase
        guard let row = try await sql.raw("SELECT " + columns(year: year, on: sql) + "s.id FROM stations s WHERE s.id = \(bind: station)").first() else {
            return .init(fields: [])
        }
        return try read(row, json: JSONColumn.Reader(), label: label)
    }
}
