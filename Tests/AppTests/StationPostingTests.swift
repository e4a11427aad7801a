@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor

/// Issue 8 §6: a worker's posting and a supervisor's assignment are one shape (`StationPosting`), written once
/// and kept in their two tables; both behave alike, and their audit fields are as before.
@Suite("Station postings: workers and supervisors alike")
struct StationPostingTests {
    @Test func workerAndSupervisorPostingsShareOneBehaviour() async throws {
        try await withApp { world in
            // setup: a worker and a supervisor of the demo, each posted to 解放路 for 2030 only
            let db = world.app.db
            let station = world.id("station:解放路街道")
            let worker = try #require(try await WorkerAssignment.at(station, on: db).first()).personID
            let supervisor = try #require(try await SupervisorAssignment.at(station, on: db).first()).personID
            let w = WorkerAssignment(person: worker, station: station, startedOn: "2030-01-01", endedOn: "2030-12-31")
            let s = SupervisorAssignment(person: supervisor, station: station, startedOn: "2030-01-01", endedOn: "2030-12-31")
            try await w.create(on: db)
            try await s.create(on: db)

            // act + check: the same questions answered alike by both kinds
            try await check(w, column: "worker_id", db: db)
            try await check(s, column: "supervisor_id", db: db)
            // `of` and `at` select what the explicit filters they replace selected.
            #expect(try await WorkerAssignment.of(worker, on: db).count() == WorkerAssignment.query(on: db).filter(\.$worker.$id == worker).count())
            #expect(try await SupervisorAssignment.at(station, on: db).count() == SupervisorAssignment.query(on: db).filter(\.$station.$id == station).count())
        }
    }

    private func check<P: StationPosting>(_ posting: P, column: String, db: any Database) async throws {
        // Audit fields keep their column names (the audit trail reads the same as before the unification).
        #expect(posting.auditFields == [column: posting.personID.uuidString, "station_id": posting.stationID.uuidString,
                                        "started_on": "2030-01-01", "ended_on": "2030-12-31"], "\(P.schema)")
        #expect(try posting.covers(Day("2030-06-01")!) && posting.covers(Day("2030-12-31")!), "\(P.schema): inclusive end")
        #expect(try !posting.covers(Day("2029-12-31")!) && !posting.covers(Day("2031-01-01")!), "\(P.schema)")
        #expect(try posting.overlaps(Day("2030-12-31")!, nil), "\(P.schema): open-ended period from its last day")
        #expect(try !posting.overlaps(Day("2031-01-01")!, nil), "\(P.schema)")
        #expect(try !posting.overlaps(Day("2029-01-01")!, Day("2029-12-31")!), "\(P.schema)")
        let mine = try await P.of(posting.personID, on: db).all().map(\.id)
        #expect(mine.contains(posting.id), "\(P.schema): of(person)")
        #expect(try await P.at(posting.stationID, on: db).all().map(\.id).contains(posting.id), "\(P.schema): at(station)")
        // A stored date that does not parse names its own table.
        let broken = P(person: posting.personID, station: posting.stationID, startedOn: "2030-02-30", endedOn: nil)
        let error = #expect(throws: CorruptRecord.self) { try broken.covers(Day("2030-06-01")!) }
        #expect(error?.table == P.schema)
    }
}
