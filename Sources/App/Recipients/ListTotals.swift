import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Totals of big recipient lists (issue 9 §6). Counting a city's 500,000 recipients filtered by a
/// category reads every one of them, which takes longer than the whole page may take (p99 under
/// 50 ms at 32 connections); the page's rows themselves come from an index walk that stops after
/// one page. So a total of at least `threshold` is kept per scope and filter for `lifetime`, then
/// served as it is while one background count refreshes it; a smaller total is counted afresh on
/// every request, exactly. Concurrent requests for a total not yet known wait for one count.
final class ListTotals: Sendable {
    static let threshold = 5_000
    static let lifetime: TimeInterval = 30

    private struct Entry {
        var total: Int?
        var countedAt: Date
        var counting: Task<Int, any Error>?
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])
    private let clock: AppClock

    init(clock: AppClock) { self.clock = clock }

    /// The total for `key` (the caller's scope and the filter, spelled out by the caller), from the
    /// cache when it is big enough to have been kept.
    func total(_ key: String, count: @escaping @Sendable () async throws -> Int) async throws -> Int {
        let now = clock.now
        enum Next { case known(Int), wait(Task<Int, any Error>) }
        let next: Next = entries.withLockedValue { entries in
            if let entry = entries[key], let total = entry.total {
                // Known: fresh, or stale while one refresh runs (started here if none is).
                if now.timeIntervalSince(entry.countedAt) >= Self.lifetime, entry.counting == nil {
                    entries[key]?.counting = start(key, now: now, count: count)
                }
                return .known(total)
            }
            if let task = entries[key]?.counting { return .wait(task) }
            let task = start(key, now: now, count: count)
            entries[key] = Entry(total: nil, countedAt: now, counting: task)
            return .wait(task)
        }
        switch next {
        case .known(let total): return total
        case .wait(let task): return try await task.value
        }
    }

    private func start(_ key: String, now: Date, count: @escaping @Sendable () async throws -> Int) -> Task<Int, any Error> {
        Task {
            do {
                let total = try await count()
                entries.withLockedValue { entries in
                    if total >= Self.threshold {
                        entries[key] = Entry(total: total, countedAt: now, counting: nil)
                    } else {
                        entries[key] = nil
                    }
                }
                return total
            } catch {
                entries.withLockedValue { $0[key]?.counting = nil; if $0[key]?.total == nil { $0[key] = nil } }
                throw error
            }
        }
    }

    /// How many totals are kept (tests).
    var count: Int { entries.withLockedValue { $0.values.filter { $0.total != nil }.count } }
}

extension Application {
    private struct ListTotalsKey: StorageKey { typealias Value = ListTotals }

    /// Totals of big recipient lists, per process; set once in `configure`.
    var recipientTotals: ListTotals {
        get { storage[ListTotalsKey.self]! }
        set { storage[ListTotalsKey.self] = newValue }
    }
}
