import Foundation

/// A calendar date without time or zone ("yyyy-MM-dd"), for deadlines and working-day maths.
public struct Day: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let ordinal: Int

    public init(ordinal: Int) { self.ordinal = ordinal }

    /// Proleptic Gregorian calendar by integer arithmetic (H. Hinnant's days_from_civil).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        ordinal = era * 146_097 + doe - 719_468
        guard self.civil == (year, month, day) else { return nil }   // 31 April, 29 February of a common year
    }

    /// (year, month, day) of this day (civil_from_days).
    var civil: (year: Int, month: Int, day: Int) {
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Parses "yyyy-MM-dd" (see `parse`).
    public init?(_ text: String) {
        guard case .success(let day) = Day.parse(text) else { return nil }
        self = day
    }

    /// Why a text is not a day: not written as `YYYY-MM-DD`, or a date that does not exist (2025-02-30).
    public enum ParseError: Error, Equatable, Sendable { case format, nonexistent }

    /// The one date parser: strict ISO 8601 calendar dates, `YYYY-MM-DD` with ASCII digits only.
    public static func parse(_ text: String) -> Result<Day, ParseError> {
        let bytes = Array(text.utf8)
        let digit = { (i: Int) in bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
              [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy(digit) else { return .failure(.format) }
        let number = { (range: Range<Int>) in range.reduce(0) { $0 * 10 + Int(bytes[$1] - 0x30) } }
        guard let day = Day(year: number(0..<4), month: number(5..<7), day: number(8..<10)) else { return .failure(.nonexistent) }
        return .success(day)
    }

    /// The years the platform accepts in any input (birth dates, service dates, `?year=`), shared by every check.
    public static let validYears = 1900...2100

    /// The day a moment falls on in China Standard Time.
    public init(_ date: Date) {
        ordinal = Int(((date.timeIntervalSince1970 + 8 * 3600) / 86_400).rounded(.down))
    }

    /// The moment this day begins in China Standard Time (UTC+8, no daylight saving).
    public var start: Date { Date(timeIntervalSince1970: Double(ordinal) * 86_400 - 8 * 3600) }
    public static let chinaTimeZone = TimeZone(secondsFromGMT: 8 * 3600)!

    public var year: Int { civil.year }
    public var month: Int { civil.month }
    public var dayOfMonth: Int { civil.day }
    /// Saturday or Sunday (1970-01-01 was a Thursday).
    public var isWeekend: Bool { weekday >= 6 }
    /// ISO weekday: 1 Monday … 7 Sunday.
    public var weekday: Int { ((ordinal % 7) + 7 + 3) % 7 + 1 }

    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }
    public func days(until other: Day) -> Int { other.ordinal - ordinal }

    /// `YYYY-MM-DD`, padded by hand: `String(format:)` was a fifth of the time spent building an
    /// imported record (bench/recipients.sh).
    public var description: String {
        let c = civil
        func padded(_ n: Int, _ width: Int) -> String {
            let digits = String(n)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return padded(c.year, 4) + "-" + padded(c.month, 2) + "-" + padded(c.day, 2)
    }

    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "日期格式应为 年-月-日"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
