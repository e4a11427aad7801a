import Foundation

/// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-symbol alphabet,
/// the last one a check character computed from the first 17.
public struct CreditCode: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    /// The code alphabet: digits and upper-case letters without I, O, Z, S, V.
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public enum Problem: Error, Equatable, Sendable {
        case wrongLength(Int)
        case invalidCharacter(Character)
        case wrongCheckCharacter(expected: Character)

        public var label: String {
            switch self {
            case .wrongLength(let n): "应为18位，实际为\(n)位"
            case .invalidCharacter(let c): "含有不允许的字符“\(c)”（GB 32100 不使用 I、O、Z、S、V）"
            case .wrongCheckCharacter(let c): "校验码错误（按 GB 32100 应为 \(c)）"
            }
        }
    }

    public init(_ raw: String) throws(Problem) {
        let code = raw.trimmingCharacters(in: .whitespaces).uppercased()
        let chars = Array(code)
        guard chars.count == 18 else { throw .wrongLength(chars.count) }
        var sum = 0
        for (i, c) in chars.prefix(17).enumerated() {
            guard let v = Self.alphabet.firstIndex(of: c) else { throw .invalidCharacter(c) }
            sum += v * Self.weights[i]
        }
        guard Self.alphabet.contains(chars[17]) else { throw .invalidCharacter(chars[17]) }
        let expected = Self.alphabet[(31 - sum % 31) % 31]
        guard chars[17] == expected else { throw .wrongCheckCharacter(expected: expected) }
        value = code
    }

    public var description: String { value }

    /// Completes 17 code characters with their check character (for generated test and demo data).
    public static func completing(_ first17: String) -> String? {
        let chars = Array(first17.uppercased())
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (i, c) in chars.enumerated() {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            sum += v * weights[i]
        }
        return String(chars) + String(alphabet[(31 - sum % 31) % 31])
    }
}
