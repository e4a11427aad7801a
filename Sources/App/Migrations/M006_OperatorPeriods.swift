import Fluent
import Foundation
import SQLKit

/// Station operator periods (rule A-5): who ran a station from when to when. Each station's current
/// operator becomes an open period, its start the contract start where one is recorded.
struct M006_OperatorPeriods: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("station_operator_periods")
            .id()
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("operator_id", .uuid, .required, .references("operators", "id"))
            .field("started_on", .string)
            .field("ended_on", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX station_operator_periods_station ON station_operator_periods (station_id)").run()
        // One current operator per station, whatever writes the table.
        try await sql.raw("CREATE UNIQUE INDEX station_operator_periods_open ON station_operator_periods (station_id) WHERE ended_on IS NULL").run()
        for row in try await sql.raw("SELECT id, operator_id, contract_started_on FROM stations WHERE operator_id IS NOT NULL").all() {
            try await StationOperatorPeriod(stationID: try row.decode(column: "id", as: UUID.self), operatorID: try row.decode(column: "operator_id", as: UUID.self),
                                            startedOn: try row.decode(column: "contract_started_on", as: String?.self), createdBy: "M006").create(on: db)
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema("station_operator_periods").delete()
    }
}
