import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import SQLKit

/// A position in PostgreSQL's write-ahead log, as `pg_current_wal_lsn()` writes it (`16/B374D848`).
struct WALPosition: Comparable, Sendable, CustomStringConvertible {
    let value: UInt64

    init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let high = UInt64(parts[0], radix: 16), let low = UInt64(parts[1], radix: 16),
              high <= UInt32.max, low <= UInt32.max else { return nil }
        value = high << 32 | low
    }

    var description: String { String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true) }

    static func < (a: Self, b: Self) -> Bool { a.value < b.value }
}

/// The hot standbys named by `DATABASE_READ_URL`, how far each is behind the primary, and which
/// database a read-only page reads from (`Request.readDB`).
///
/// How old a standby's data is. Every `refresh` (once a second) samples the primary's
/// `pg_current_wal_lsn()` with the time, then each standby's `pg_last_wal_replay_lsn()`. A standby
/// that has replayed up to a sample holds everything committed before that sample was taken, so its
/// data is as old as the newest sample it has passed — however quiet the primary is (the replay
/// timestamp, `pg_last_xact_replay_timestamp()`, would instead grow while nothing is written).
/// A standby that has passed none of the samples kept (the last `maxLag` and a little) counts as
/// lagging beyond the limit.
///
/// Read-your-writes. A user's write is remembered with the number of the refresh under way when it
/// committed; a standby may serve that user again only once it has passed a sample of a later
/// refresh, which was taken after the commit. So the user's next pages come from the primary until
/// the standby has replayed their write — usually within a second or two — and never show the
/// state before it. This costs no query on the write path (asking `pg_current_wal_lsn()` after
/// each commit would), and the wait is bounded: a standby that has not replayed a write after
/// `maxLag` is lagging beyond the limit and not used by anyone. The memory is this process's: with
/// several application processes, a user's requests must reach the same process (sticky sessions)
/// for their own writes to show at once; other users see at most the lag the page states.
final class ReadReplicas: Sendable {
    struct Standby: Sendable {
        let id: DatabaseID
        /// `standby-1`, … in the order of `DATABASE_READ_URL`.
        let name: String
        /// host:port, never the credentials.
        let address: String
    }

    enum State: String, Sendable, Codable {
        case unknown, up, lagging, down
        case notStandby = "not_standby"

        var label: String {
            switch self {
            case .unknown: "尚未检查"
            case .up: "正常"
            case .lagging: "延迟超过上限，暂不使用"
            case .down: "无法连接，暂不使用"
            case .notStandby: "不是备库（未处于恢复状态），不使用"
            }
        }
    }

    struct Status: Sendable {
        var state = State.unknown
        var replay: WALPosition?
        /// The newest primary sample this standby has passed: its number and when it was taken.
        var covered: (generation: Int, at: Date)?
        var error: String?
        /// A standby found down is checked again every fifth refresh, not every second (each failed
        /// connection is logged).
        var nextCheck = 0
    }

    /// Where a read-only request reads.
    enum Route: Sendable, Equatable {
        case primary
        /// The standby's index, and how old its data was when chosen (seconds).
        case standby(Int, age: TimeInterval)
    }

    /// A page read from a standby says how old its data is beyond this.
    static let noticeAfter: TimeInterval = 5

    let standbys: [Standby]
    /// `SHEGONG_READ_MAX_LAG_SECONDS`: a standby further behind is skipped.
    let maxLag: TimeInterval
    /// How long a check of one database may take before it counts as down.
    let checkTimeout: TimeInterval

    private struct Sample { let generation: Int; let at: Date; let position: WALPosition }

    private struct Shared {
        var generation = 0
        var samples: [Sample] = []
        var primary = State.unknown
        var primaryError: String?
        var statuses: [Status]
        /// Each user's newest write: the refresh under way at its commit, and when.
        var writes: [UUID: (generation: Int, at: Date)] = [:]
        var turn = 0
    }

    private let shared: NIOLockedValueBox<Shared>

    init(standbys: [Standby], maxLag: TimeInterval, checkTimeout: TimeInterval = 2) {
        self.standbys = standbys
        self.maxLag = maxLag
        self.checkTimeout = checkTimeout
        shared = NIOLockedValueBox(Shared(statuses: standbys.map { _ in Status() }))
    }

    /// Samples the primary's position, then checks every standby (at the same time, each within
    /// `checkTimeout`). A database whose state changes is logged, with the whole error.
    func refresh(primary: any Database, standby: @escaping @Sendable (DatabaseID) -> any Database, now: @escaping @Sendable () -> Date,
                 logger: Logger) async {
        let generation = shared.withLockedValue { $0.generation += 1; return $0.generation }
        let at = now()
        do {
            let text = try await Self.within(checkTimeout) {
                try await (primary as! any SQLDatabase).raw("SELECT pg_current_wal_lsn()::text AS lsn").first()?.decode(column: "lsn", as: String.self)
            }
            guard let text, let position = WALPosition(text) else { throw CheckFailed(reason: "主库未返回 WAL 位置") }
            shared.withLockedValue { shared in
                shared.primary = .up
                shared.primaryError = nil
                shared.samples.append(Sample(generation: generation, at: at, position: position))
                // Older samples serve no one: a standby that has passed none of the rest is too far behind anyway.
                let horizon = at.addingTimeInterval(-(maxLag + 5))
                shared.samples.removeAll { $0.at < horizon && $0.generation != generation }
                shared.writes = shared.writes.filter { $0.value.at >= horizon }
            }
        } catch {
            let was = shared.withLockedValue { shared in
                defer { shared.primary = .down; shared.primaryError = Self.reason(error) }
                return shared.primary
            }
            if was != .down { logger.warning("主库检查失败：\(String(reflecting: error))") }
        }
        let due = shared.withLockedValue { shared in Set(shared.statuses.indices.filter { shared.statuses[$0].nextCheck <= generation }) }
        let results = await withTaskGroup(of: (Int, Result<(Bool, String?), any Error>).self) { group in
            for (index, s) in standbys.enumerated() where due.contains(index) {
                let db = standby(s.id)
                group.addTask {
                    do {
                        return (index, .success(try await Self.within(self.checkTimeout) {
                            let row = try await (db as! any SQLDatabase)
                                .raw("SELECT pg_is_in_recovery() AS recovery, pg_last_wal_replay_lsn()::text AS replay").first()
                            return (try row?.decode(column: "recovery", as: Bool.self) ?? false, try row?.decode(column: "replay", as: String?.self))
                        }))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var all: [(Int, Result<(Bool, String?), any Error>)] = []
            for await result in group { all.append(result) }
            return all
        }
        let checked = now()
        let changes = shared.withLockedValue { shared in
            var changes: [(Int, State, State)] = []
            for (index, result) in results {
                var status = shared.statuses[index]
                let was = status.state
                switch result {
                case .failure(let error):
                    status.state = .down
                    status.error = Self.reason(error)
                    status.nextCheck = generation + 5
                case .success((false, _)):
                    status = Status(state: .notStandby)
                case .success((true, let replay)):
                    status.error = nil
                    status.nextCheck = 0
                    status.replay = replay.flatMap(WALPosition.init)
                    if let replay = status.replay, let passed = shared.samples.last(where: { $0.position <= replay }) {
                        // Never backwards: a sample dropped from the history does not make the standby older.
                        if passed.generation > status.covered?.generation ?? 0 { status.covered = (passed.generation, passed.at) }
                    }
                    status.state = Self.usable(status, now: checked, maxLag: maxLag) ? .up : .lagging
                }
                shared.statuses[index] = status
                if status.state != was { changes.append((index, was, status.state)) }
            }
            return changes
        }
        for (index, was, state) in changes {
            let standby = standbys[index]
            let detail = results.first { $0.0 == index }.flatMap { if case .failure(let e) = $0.1 { String(reflecting: e) } else { nil } }
            logger.log(level: state == .up ? .notice : .warning,
                       "备库 \(standby.name)（\(standby.address)）：\(was.label) → \(state.label)\(detail.map { "：" + $0 } ?? "")")
        }
    }

    private static func usable(_ status: Status, now: Date, maxLag: TimeInterval) -> Bool {
        guard let covered = status.covered else { return false }
        return now.timeIntervalSince(covered.at) <= maxLag
    }

    /// After a user's write has committed (`AuditLog.transaction`).
    func noteWrite(by user: UUID, now: Date) {
        shared.withLockedValue { $0.writes[user] = ($0.generation, now) }
    }

    /// A standby that is up, within the lag limit at this moment, and has replayed the user's own
    /// newest write; the standbys take turns. Otherwise the primary.
    func route(for user: UUID?, now: Date) -> Route {
        shared.withLockedValue { shared in
            let write = user.flatMap { shared.writes[$0] }
            let candidates = shared.statuses.indices.filter { index in
                let status = shared.statuses[index]
                guard status.state == .up, Self.usable(status, now: now, maxLag: maxLag), let covered = status.covered else { return false }
                return write.map { covered.generation > $0.generation } ?? true
            }
            guard !candidates.isEmpty else { return .primary }
            shared.turn &+= 1
            let index = candidates[shared.turn % candidates.count]
            return .standby(index, age: max(0, now.timeIntervalSince(shared.statuses[index].covered!.at)))
        }
    }

    /// A request found the standby unreachable: no one uses it until a check finds it up again.
    func markDown(_ index: Int, _ error: any Error) {
        shared.withLockedValue { $0.statuses[index].state = .down; $0.statuses[index].error = Self.reason(error) }
    }

    struct Report: Sendable {
        var primary: State
        var primaryError: String?
        var primaryPosition: WALPosition?
        /// Per standby: its status and how old its data is now (seconds), when known.
        var standbys: [(Standby, Status, age: TimeInterval?)]
    }

    func report(now: Date) -> Report {
        shared.withLockedValue { shared in
            Report(primary: shared.primary, primaryError: shared.primaryError, primaryPosition: shared.samples.last?.position,
                   standbys: zip(standbys, shared.statuses).map { s, status in
                       // An age only for a standby that is read or could be: a stopped one has none.
                       (s, status, [.up, .lagging].contains(status.state) ? status.covered.map { max(0, now.timeIntervalSince($0.at)) } : nil)
                   })
        }
    }

    struct CheckFailed: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    /// A short reason for /healthz, which anyone may read: no address, query or server message
    /// (the log has the whole error).
    private static func reason(_ error: any Error) -> String {
        if let failed = error as? CheckFailed { return failed.reason }
        if let psql = error as? PSQLError {
            return psql.code == .server ? "服务器报错（SQLSTATE \(psql.serverInfo?[.sqlState] ?? "?")）" : "连接失败（\(psql.code)）"
        }
        return "检查失败（\(type(of: error))）"
    }

    /// Waits for `body` at most `seconds`: a standby that stopped answering must not hold up the
    /// check of the others (the query itself is left to its connection's own timeout).
    private static func within<T: Sendable>(_ seconds: TimeInterval, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let done = NIOLockedValueBox(false)
            let finish: @Sendable (Result<T, any Error>) -> Void = { result in
                let first = done.withLockedValue { done in defer { done = true }; return !done }
                if first { continuation.resume(with: result) }
            }
            let timer = Task {
                try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                finish(.failure(CheckFailed(reason: "\(Int(seconds)) 秒内无应答")))
            }
            Task {
                do { finish(.success(try await body())) } catch { finish(.failure(error)) }
                timer.cancel()
            }
        }
    }
}
