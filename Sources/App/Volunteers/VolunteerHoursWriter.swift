import Fluent
import Vapor

/// Group commit for hour entries (issue 11 §5, bench/volunteers.sh). Every write waits for the
/// audit chain's lock, and an entry alone spends that lock on six round trips to the database
/// (begin, the overlap check, the insert, the chain's head, the events, commit). The entries that
/// arrive while one group is being written wait together and are then written as the next group, in
/// one transaction: one overlap query for all of them, one insert, one set of audit events (each
/// naming its own requester and address), one commit.
///
/// Each entry keeps its own answer: one that overlaps a recorded entry, or an earlier entry of the
/// same group, is refused with the 409 it would get alone and the others are written. Should the
/// group's transaction fail as a whole, each of its entries is written again alone, so that no entry
/// fails because of another.
actor VolunteerHoursWriter {
    /// An entry checked in the caller's scope and ready to write, with who asked and from where.
    struct Pending: Sendable {
        var entry: VolunteerHours
        var volunteer: VolunteerHoursService.Person
        var actorID: UUID
        var actorName: String
        var clientIP: String
    }

    // The application owns the writer (its storage).
    private unowned let app: Application
    private var waiting: [(Pending, CheckedContinuation<Void, any Error>)] = []
    private var writing = false

    init(app: Application) { self.app = app }

    /// Returns once the entry is committed; throws its own refusal (409) or the database's error.
    func write(_ pending: Pending) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            waiting.append((pending, done))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    /// Writes groups until nobody is waiting.
    private func drain() async {
        while !waiting.isEmpty {
            let group = waiting
            waiting = []
            let outcomes = await Self.commit(group.map(\.0), app: app)
            for ((_, done), outcome) in zip(group, outcomes) { done.resume(with: outcome) }
        }
        writing = false
    }

    /// One transaction for the group; when it fails as a whole, each entry alone.
    static func commit(_ group: [Pending], app: Application) async -> [Result<Void, any Error>] {
        do {
            return try await write(group, app: app)
        } catch {
            if group.count == 1 { return [.failure(error)] }
            var outcomes: [Result<Void, any Error>] = []
            for pending in group { outcomes.append(await commit([pending], app: app)[0]) }
            return outcomes
        }
    }

    private static func write(_ group: [Pending], app: Application) async throws -> [Result<Void, any Error>] {
        let log = AuditLog(db: app.db, lock: app.writeLock, key: app.settings.dataKey.auditKey, actorID: nil, actorName: "", clientIP: "",
                           clock: app.clock)
        let now = app.clock.now
        return try await log.transaction { db, audit in
            let spans = group.map { VolunteerHoursService.Span(volunteer: $0.volunteer, from: $0.entry.startsAt, to: $0.entry.endsAt) }
            let recorded = try await VolunteerHoursService.overlaps(spans, on: db)
            var outcomes: [Result<Void, any Error>] = []
            var accepted: [Int] = []
            for (i, pending) in group.enumerated() {
                // A recorded entry first, then one accepted earlier in this group (first come, first served).
                let clash = recorded[i] ?? accepted.first { spans[$0].overlaps(spans[i]) }.map {
                    VolunteerHoursService.Overlap(activityName: group[$0].entry.activityName, startsAt: group[$0].entry.startsAt,
                                                  endsAt: group[$0].entry.endsAt, volunteerID: group[$0].volunteer.id)
                }
                if let clash {
                    outcomes.append(.failure(VolunteerHoursService.overlapError(pending.volunteer, clash)))
                    continue
                }
                accepted.append(i)
                outcomes.append(.success(()))
                audit.change(entityType: "volunteer_hours", entityID: pending.entry.id, old: nil, new: pending.entry.auditFields,
                             actor: pending.actorID, actorName: pending.actorName, clientIP: pending.clientIP)
            }
            try await VolunteerHoursService.insert(accepted.map { group[$0].entry }, now: now, on: db)
            return outcomes
        }
    }
}

extension Application {
    private struct VolunteerHoursWriterKey: StorageKey { typealias Value = VolunteerHoursWriter }

    /// Set once in `configure`, before the server accepts requests.
    var volunteerHoursWriter: VolunteerHoursWriter {
        get { storage[VolunteerHoursWriterKey.self]! }
        set { storage[VolunteerHoursWriterKey.self] = newValue }
    }
}
