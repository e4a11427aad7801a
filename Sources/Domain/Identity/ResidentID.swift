import Foundation

/// 公民身份号码 (GB 11643-1999): 6 digits of the registering division, 8 of the birth date,
/// a 3-digit sequence whose last digit is odd for men and even for women, and a check character
/// (ISO 7064 MOD 11-2, `X` standing for 10). Birth date and sex are read from it, never typed twice.
public struct ResidentID: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public enum Sex: String, Codable, Sendable, CaseIterable {
        case male, female
        public var label: String { self == .male ? "男" : "女" }
    }

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters = Array("10X98765432")

    public enum Problem: Error, Equatable, Sendable {
        case wrongLength(Int)
        case invalidCharacter(Character)
        case birthDateNonexistent(String)
        case birthDateOutOfRange(String)
        case wrongCheckCharacter(expected: Character)

        public var label: String {
            switch self {
            case .wrongLength(let n): "应为18位，实际为\(n)位"
            case .invalidCharacter(let c): "含有不允许的字符“\(c)”（前17位应为数字，末位为数字或X）"
            case .birthDateNonexistent(let d): "第7至14位的出生日期\(d)不存在"
            case .birthDateOutOfRange(let d): "第7至14位的出生日期\(d)不在1900年至今的范围内"
            case .wrongCheckCharacter(let c): "校验码错误（按 GB 11643 应为 \(c)）"
            }
        }
    }

    /// - Parameter today: births after it are refused, so a typo in the year cannot make a person unborn.
    public init(_ raw: String, today: Day) throws(Problem) {
        let chars = Array(raw.trimmed.uppercased())
        guard chars.count == 18 else { throw .wrongLength(chars.count) }
        for c in chars.prefix(17) where !c.isASCIIDigit { throw .invalidCharacter(c) }
        guard chars[17].isASCIIDigit || chars[17] == "X" else { throw .invalidCharacter(chars[17]) }
        let digits = String(chars[6..<14])
        let shown = "\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.suffix(2))"
        guard let birth = Day(year: Int(digits.prefix(4))!, month: Int(digits.dropFirst(4).prefix(2))!, day: Int(digits.suffix(2))!) else {
            throw .birthDateNonexistent(shown)
        }
        guard birth.year >= Day.validYears.lowerBound, birth <= today else { throw .birthDateOutOfRange(shown) }
        let expected = Self.check(chars.prefix(17))
        guard chars[17] == expected else { throw .wrongCheckCharacter(expected: expected) }
        value = String(chars)
    }

    static func check(_ first17: ArraySlice<Character>) -> Character {
        let sum = zip(first17, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return checkCharacters[sum % 11]
    }

    public var birthDate: Day {
        let d = Array(value)[6..<14].map { Int(String($0))! }
        return Day(year: d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3], month: d[4] * 10 + d[5], day: d[6] * 10 + d[7])!
    }

    public var sex: Sex { Int(String(Array(value)[16]))! % 2 == 1 ? .male : .female }

    /// The division where the number was issued (first six digits).
    public var divisionCode: String { String(value.prefix(6)) }

    /// `3701**********123X`: the division's first four and the last four characters.
    public var masked: String { String(value.prefix(4)) + String(repeating: "*", count: 10) + String(value.suffix(4)) }

    public var description: String { masked }

    /// Completes 17 digits with their check character (for generated demo and test data; never a real person).
    public static func completing(_ first17: String) -> String? {
        let chars = Array(first17)
        guard chars.count == 17, chars.allSatisfy(\.isASCIIDigit) else { return nil }
        return first17 + String(check(chars[...]))
    }
}

extension Day {
    /// Age in whole years on `day` of someone born on this day (高龄 is derived from it on the day
    /// of the query, never stored). Someone born on 29 February turns a year older on 1 March.
    public func age(on day: Day) -> Int {
        var years = day.year - year
        if (day.month, day.dayOfMonth) < (month, dayOfMonth) { years -= 1 }
        return years
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
