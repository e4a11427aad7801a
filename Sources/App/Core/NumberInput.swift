import Foundation

/// Sane bounds for a number a user types: each field names its range and unit, so that
/// 10^12 m² or 10^-320 hours (a denormal that is "greater than 0") is refused with a Chinese
/// message naming the field and the bound. NaN and infinities are refused too.
struct NumberBounds: Sendable {
    var range: ClosedRange<Double>
    /// "小时", "平方米", "年", "元"…; empty for a plain count.
    var unit: String
    /// Counts, days and months: no fraction.
    var wholeNumber: Bool = false

    /// Training and supervision hours: half an hour is fine, a day at most per record.
    static let sessionHours = NumberBounds(range: 0.1...24, unit: "小时")
    /// A room's area.
    static let roomArea = NumberBounds(range: 1...100_000, unit: "平方米")
    /// Years of experience.
    static let experienceYears = NumberBounds(range: 0...60, unit: "年")

    /// The range in words: "0.1–24 小时".
    var description: String {
        "\(Self.shown(range.lowerBound))–\(Self.shown(range.upperBound))" + (unit.isEmpty ? "" : " \(unit)")
    }

    static func shown(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

extension Validator {
    /// Checks a number against its bounds; nil (and the error added) when it is outside them.
    @discardableResult
    mutating func number(_ value: Double, field: String, label: String, bounds: NumberBounds) -> Double? {
        guard value.isFinite else {
            add(field, "\(label)应为有限的数（\(bounds.description)）")
            return nil
        }
        if value != 0 && !value.isNormal || value < bounds.range.lowerBound {
            add(field, "\(label)不能小于 \(NumberBounds.shown(bounds.range.lowerBound))\(bounds.unit.isEmpty ? "" : " " + bounds.unit)（应在 \(bounds.description) 之间）")
            return nil
        }
        if value > bounds.range.upperBound {
            add(field, "\(label)不能超过 \(NumberBounds.shown(bounds.range.upperBound))\(bounds.unit.isEmpty ? "" : " " + bounds.unit)（应在 \(bounds.description) 之间）")
            return nil
        }
        if bounds.wholeNumber && value != value.rounded() {
            add(field, "\(label)应为整数（\(bounds.description)）")
            return nil
        }
        return value
    }

    /// A number typed into a form field; empty is nil with "不能为空" when `required`.
    mutating func number(_ raw: String?, field: String, label: String, bounds: NumberBounds, required: Bool = true) -> Double? {
        let text = (raw ?? "").trimmingCharacters(in: .whitespaces)
        if text.isEmpty {
            if required { add(field, "\(label)不能为空（\(bounds.description)）") }
            return nil
        }
        // Only plain decimals: "1e3", "inf", "nan" and hex are not what a person types.
        guard text.range(of: #"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"#, options: .regularExpression) != nil, let value = Double(text) else {
            add(field, "\(label)应为数字，收到“\(text.prefix(20))”")
            return nil
        }
        return number(value, field: field, label: label, bounds: bounds)
    }
}

extension Validator {
    /// A whole number typed into a form field; nil (and no error) when left empty, an error naming the
    /// field when it is not a whole number. The range is the service's to check, as for the API.
    mutating func integer(_ raw: String?, field: String, label: String) -> Int? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let value = Int(raw) else {
            add(field, "\(label)应为整数")
            return nil
        }
        return value
    }
}
