import Foundation

/// A mainland mobile number (11 digits from 13x–19x) or a landline with its area code
/// (0531-88886666, hyphen optional): elders in the key-population library often have only a landline.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    /// Checked byte by byte rather than with a Regex literal: each literal is parsed again on every
    /// call, which made this check most of the cost of a 100,000-row import (bench/recipients.sh).
    public init?(_ raw: String) {
        let text = raw.trimmed
        let bytes = Array(text.utf8)
        func digits(_ slice: ArraySlice<UInt8>) -> Bool { slice.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        // 1[3-9] and nine more digits
        let mobile = bytes.count == 11 && bytes[0] == 0x31 && bytes[1] >= 0x33 && bytes[1] <= 0x39 && digits(bytes[2...])
        // 0, two or three more digits of area code, an optional hyphen, seven or eight digits
        var landline = false
        if bytes.first == 0x30 {
            for area in 3...4 where bytes.count > area && digits(bytes[1..<area]) {
                let rest = bytes[area] == 0x2D ? bytes[(area + 1)...] : bytes[area...]
                if (7...8).contains(rest.count) && digits(rest) { landline = true }
            }
        }
        guard mobile || landline else { return nil }
        value = text
    }

    public static let rule = "应为11位手机号码，或带区号的固定电话（如0531-88886666）"

    /// `138****5678`, `053****6666`: only the first three and last four digits shown.
    public var masked: String { String(value.prefix(3)) + String(repeating: "*", count: value.count - 7) + String(value.suffix(4)) }

    public var description: String { masked }
}
