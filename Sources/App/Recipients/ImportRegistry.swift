import Foundation
import NIOConcurrencyHelpers

/// What the import pages keep between requests (issue 9 §4), in this process's memory:
///
/// - the uploaded file between its preview and the user's confirmation, named by its SHA-256 and
///   tied to the user and the station it was previewed for. It is kept in memory rather than under
///   the data directory because it holds resident IDs and phones in clear: nothing unsealed is
///   ever written to disk, and nothing is left to clean up. The cost: a restart between preview and
///   confirmation loses it, and the user uploads again (the confirm page says so).
/// - the imports running or finished, each visible only to the user who started it.
///
/// Bounded: one pending file per user (a new upload replaces it), and entries older than
/// `lifetime` are dropped whenever something is added.
final class ImportRegistry: Sendable {
    static let lifetime: TimeInterval = 3600

    struct Pending: Sendable {
        let userID: UUID
        let stationID: UUID
        let digest: String
        let filename: String
        let data: Data
        /// Data rows the preview found (the progress page's total).
        let rows: Int
        let storedAt: Date
    }

    enum JobState: Sendable, Equatable {
        /// Rows checked, sealed and hashed; `written` of them inserted so far (inside the transaction).
        case running(written: Int)
        case finished(importID: UUID, count: Int)
        /// Nothing was written; the HTTP status the same failure has in the API, and the message.
        case failed(status: UInt, message: String)
    }

    struct Job: Sendable {
        let id: UUID
        let userID: UUID
        let stationID: UUID
        let stationName: String
        let filename: String
        let total: Int
        let startedAt: Date
        var state: JobState
    }

    private struct State {
        var pending: [UUID: Pending] = [:]   // by user
        var jobs: [UUID: Job] = [:]
    }

    private let state = NIOLockedValueBox(State())

    /// Keeps `data` for `user` until confirmed, replacing the user's previous upload.
    func keep(_ data: Data, filename: String, digest: String, rows: Int, user: UUID, station: UUID, now: Date) {
        state.withLockedValue { s in
            s.pending = s.pending.filter { now.timeIntervalSince($0.value.storedAt) < Self.lifetime }
            s.pending[user] = Pending(userID: user, stationID: station, digest: digest, filename: filename, data: data, rows: rows, storedAt: now)
        }
    }

    /// The user's pending upload, if it is the one named (digest and station); it is handed over once.
    func take(digest: String, station: UUID, user: UUID, now: Date) -> Pending? {
        state.withLockedValue { s in
            guard let p = s.pending[user], p.digest == digest, p.stationID == station,
                  now.timeIntervalSince(p.storedAt) < Self.lifetime else { return nil }
            s.pending[user] = nil
            return p
        }
    }

    func start(_ job: Job, now: Date) {
        state.withLockedValue { s in
            s.jobs = s.jobs.filter {
                if case .running = $0.value.state { return true }
                return now.timeIntervalSince($0.value.startedAt) < Self.lifetime
            }
            s.jobs[job.id] = job
        }
    }

    func update(_ id: UUID, _ newState: JobState) {
        state.withLockedValue { s in
            // Progress only moves forward, whatever order the reports arrive in.
            if case .running(let n) = newState, case .running(let old)? = s.jobs[id]?.state, old >= n { return }
            s.jobs[id]?.state = newState
        }
    }

    /// A job, only for the user who started it.
    func job(_ id: UUID, user: UUID) -> Job? {
        state.withLockedValue { s in s.jobs[id].flatMap { $0.userID == user ? $0 : nil } }
    }
}
