import Foundation

/// A mainland mobile number (11 digits from 13x–19x) or a landline with its area code
/// (0531-88886666, hyphen optional): elders in the key-population library often have only a landline.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init?(_ raw: String) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let mobile = text.wholeMatch(of: /1[3-9][0-9]{9}/) != nil
        let landline = text.wholeMatch(of: /0[0-9]{2,3}-?[0-9]{7,8}/) != nil
        guard mobile || landline else { return nil }
        value = text
    }

    public static let rule = "应为11位手机号码，或带区号的固定电话（如0531-88886666）"

    /// `138****5678`, `053****6666`: only the first three and last four digits shown.
    public var masked: String { String(value.prefix(3)) + String(repeating: "*", count: value.count - 7) + String(value.suffix(4)) }

    public var description: String { masked }
}
