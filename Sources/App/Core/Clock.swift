import Domain
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The one source of "now" and "today" for the application. Tests pin or advance it to check
/// deadlines, lockouts and session timeouts without waiting; in production it is the system clock.
final class AppClock: Sendable {
    private let pinned = NIOLockedValueBox<Date?>(nil)

    var now: Date { pinned.withLockedValue { $0 } ?? Date() }
    /// The day it is in China Standard Time.
    var today: Day { Day(now) }

    /// Fixes the clock at a moment (tests).
    func pin(_ date: Date) { pinned.withLockedValue { $0 = date } }
    /// Moves a pinned clock, or pins it that far from the system clock (tests).
    func advance(by seconds: TimeInterval) { pinned.withLockedValue { $0 = ($0 ?? Date()).addingTimeInterval(seconds) } }
}

struct AppClockKey: StorageKey { typealias Value = AppClock }

extension Application {
    /// Set in `configure` unless a test set it first.
    var clock: AppClock {
        get { storage[AppClockKey.self]! }
        set { storage[AppClockKey.self] = newValue }
    }
}

extension Request {
    var now: Date { application.clock.now }
    var today: Day { application.clock.today }
}
