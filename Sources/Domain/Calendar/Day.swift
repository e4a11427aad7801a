import Foundation

/// A calendar date without time or zone ("yyyy-MM-dd"), for deadlines and working-day maths.
public struct Day: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let ordinal: Int

    static let gregorian: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    public init(ordinal: Int) { self.ordinal = ordinal }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...31).contains(day),
              let date = Day.gregorian.date(from: DateComponents(year: year, month: month, day: day)),
              Day.gregorian.component(.day, from: date) == day else { return nil }
        ordinal = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// Parses "yyyy-MM-dd".
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The day a moment falls on in China Standard Time.
    public init(_ date: Date) {
        ordinal = Int(((date.timeIntervalSince1970 + 8 * 3600) / 86_400).rounded(.down))
    }

    var date: Date { Date(timeIntervalSince1970: Double(ordinal) * 86_400) }
    var components: DateComponents { Day.gregorian.dateComponents([.year, .month, .day, .weekday], from: date) }

    public var year: Int { components.year! }
    public var month: Int { components.month! }
    public var dayOfMonth: Int { components.day! }
    /// Saturday or Sunday.
    public var isWeekend: Bool { [1, 7].contains(components.weekday!) }

    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }
    public func days(until other: Day) -> Int { other.ordinal - ordinal }

    public var description: String {
        let c = components
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
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
