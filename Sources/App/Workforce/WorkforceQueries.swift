import Domain
import Fluent
import Vapor

enum WorkforceQueries {
    struct Posted: Sendable {
        let worker: SocialWorker
        let posting: WorkerAssignment
    }

    /// Postings at a station, current ones first.
    static func postings(station: UUID, on db: any Database) async throws -> [Posted] {
        let rows = try await WorkerAssignment.at(station, on: db).with(\.$worker).all()
        return rows.map { Posted(worker: $0.worker, posting: $0) }
            .sorted { ($0.posting.endedOn == nil ? 0 : 1, $0.worker.name) < ($1.posting.endedOn == nil ? 0 : 1, $1.worker.name) }
    }

    static func dto(_ w: SocialWorker, key: DataKey, on db: any Database) async throws -> WorkerDTO {
        let postings = try await WorkerAssignment.of(try w.requireID(), on: db).with(\.$station).sort(\.$startedOn).all()
        return WorkerDTO(id: try w.requireID(), name: w.name, gender: w.gender, birthDate: w.birthDate,
                         phone: try w.phoneSealed.map { WorkforceService.mask(try key.open($0)) },
                         education: w.education, major: w.major, certificateLevel: w.certificateLevel, certificateNumber: w.certificateNumber,
                         certificateDate: w.certificateDate, experienceYears: w.experienceYears, fullTime: w.fullTime, registeredNational: w.registeredNational,
                         postings: postings.map { .init(stationId: $0.$station.id, stationName: $0.station.name, startedOn: $0.startedOn, endedOn: $0.endedOn) })
    }

    static func supervisors(station: UUID, on db: any Database) async throws -> [(Supervisor, SupervisorAssignment)] {
        try await SupervisorAssignment.at(station, on: db).with(\.$supervisor).all().map { ($0.supervisor, $0) }
    }

    /// The records of a station's year that still wait for this user's confirmation (T-5): as their
    /// supervisor or as a supervisee. Only these rows offer the 确认 button.
    static func awaitingConfirmation(by userID: UUID, station: UUID, year: Int, on db: any Database) async throws -> Set<UUID> {
        let records = try await SupervisionRecord.query(on: db).filter(\.$station.$id == station).filter(\.$year == year)
            .with(\.$supervisor).with(\.$attendees) { $0.with(\.$worker) }.all()
        return Set(records.filter { r in
            (r.supervisor.userID == userID && r.supervisorConfirmedAt == nil)
                || r.attendees.contains { $0.worker.userID == userID && $0.confirmedAt == nil }
        }.compactMap(\.id))
    }

    /// A station's records of a year, newest first; or the one record `only`.
    static func supervision(station: UUID, year: Int, only: UUID? = nil, on db: any Database) async throws -> [SupervisionDTO] {
        let query = SupervisionRecord.query(on: db).filter(\.$station.$id == station).filter(\.$year == year)
        if let only { query.filter(\.$id == only) }
        let records = try await query.with(\.$supervisor).with(\.$attendees) { $0.with(\.$worker) }.sort(\.$heldOn, .descending).all()
        let cases = try await SupervisionCases.of(records: records.compactMap(\.id), on: db)
        return records.map { r in
            SupervisionDTO(id: r.id!, heldOn: r.heldOn, hours: r.hours, supervisorName: r.supervisor.name, form: r.form, topic: r.topic,
                           issues: r.issues, advice: r.advice, supervisorConfirmed: r.supervisorConfirmedAt != nil,
                           supervisees: r.attendees.map(\.worker.name).sorted(), superviseesConfirmed: r.attendees.filter { $0.confirmedAt != nil }.count,
                           cases: cases[r.id!] ?? [])
        }
    }

    static func training(station: UUID, year: Int, on db: any Database) async throws -> [TrainingDTO] {
        try await TrainingRecord.query(on: db).filter(\.$station.$id == station).filter(\.$year == year).with(\.$worker).sort(\.$heldOn, .descending).all()
            .map { TrainingDTO(id: $0.id!, workerName: $0.worker.name, heldOn: $0.heldOn, hours: $0.hours, title: $0.title, organiser: $0.organiser, attachmentId: $0.$attachment.id) }
    }
}

extension WorkforceQueries {
    /// A supervision record that waits for this user's confirmation (T-5), wherever it was held.
    struct Awaiting: Sendable {
        let recordID: UUID
        let stationID: UUID
        let stationName: String
        let heldOn: String
        let year: Int
        let topic: String
        /// The user confirms as the record's supervisor (otherwise as a supervisee).
        let asSupervisor: Bool
    }

    /// Every record, in any station and year, still waiting for this user's confirmation: as the
    /// supervisor who wrote it or as a supervisee who attended. Oldest first.
    static func awaitingConfirmation(by userID: UUID, on db: any Database) async throws -> [Awaiting] {
        let supervisorIDs = try await Supervisor.query(on: db).filter(\.$userID == userID).all().compactMap(\.id)
        let workerIDs = try await SocialWorker.query(on: db).filter(\.$userID == userID).all().compactMap(\.id)
        var asSupervisor: Set<UUID> = []
        var ids: Set<UUID> = []
        if !supervisorIDs.isEmpty {
            let own = try await SupervisionRecord.query(on: db).filter(\.$supervisor.$id ~~ supervisorIDs).filter(\.$supervisorConfirmedAt == nil).all()
            asSupervisor = Set(own.compactMap(\.id))
            ids.formUnion(asSupervisor)
        }
        if !workerIDs.isEmpty {
            let attended = try await SupervisionAttendee.query(on: db).filter(\.$worker.$id ~~ workerIDs).filter(\.$confirmedAt == nil).all()
            ids.formUnion(attended.map { $0.$record.id })
        }
        if ids.isEmpty { return [] }
        // Soft-deleted records and stations drop out here.
        let records = try await SupervisionRecord.query(on: db).filter(\.$id ~~ ids).sort(\.$heldOn).all()
        let stations = try await Station.query(on: db).filter(\.$id ~~ Set(records.map { $0.$station.id })).all()
        let names = Dictionary(uniqueKeysWithValues: stations.compactMap { s in s.id.map { ($0, s.name) } })
        return records.compactMap { r in
            guard let id = r.id, let name = names[r.$station.id] else { return nil }
            return Awaiting(recordID: id, stationID: r.$station.id, stationName: name, heldOn: r.heldOn, year: r.year, topic: r.topic,
                            asSupervisor: asSupervisor.contains(id))
        }
    }
}
