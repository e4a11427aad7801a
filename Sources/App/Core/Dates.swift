import Domain
import Vapor

extension Validator {
    /// Reads a date field with the one parser (`Day.parse`): `YYYY-MM-DD`, a date that exists, a year in
    /// `Day.validYears`, and optionally not after `notAfter` (today). Empty is nil without an error;
    /// the caller decides whether the field is required.
    mutating func day(_ raw: String?, field: String, label: String, notAfter: Day? = nil) -> Day? {
        guard let raw = raw?.trimmed, !raw.isEmpty else { return nil }
        switch Day.parse(raw) {
        case .failure(.format):
            add(field, "\(label)应为 年-月-日 格式，如 2025-03-01")
            return nil
        case .failure(.nonexistent):
            add(field, "\(label)“\(raw)”不存在，请检查月份和日期")
            return nil
        case .success(let day):
            guard Day.validYears.contains(day.year) else {
                add(field, "\(label)的年份应在 \(Day.validYears.lowerBound)–\(Day.validYears.upperBound) 之间")
                return nil
            }
            if let notAfter, day > notAfter { add(field, "\(label)不能晚于今天（\(notAfter)）") }
            return day
        }
    }
}

extension Request {
    /// `?year=`: the current year when absent or empty; a 400 naming the field when it is not a whole
    /// number in `Day.validYears` (never silently the current year).
    func yearQuery(_ field: String = "year") throws -> Int {
        // Strict like every query value (`queryValue`): given twice is a 400 too.
        guard let raw = try queryValue(String.self, field), !raw.isEmpty else { return today.year }
        guard let year = Int(raw), Day.validYears.contains(year) else {
            throw AppError.field(field, "参数 \(field) 应为 \(Day.validYears.lowerBound)–\(Day.validYears.upperBound) 之间的年份，收到“\(raw)”",
                                 status: .badRequest)
        }
        return year
    }
}

/// A value read back from the database that should always be well-formed; when it is not (a row
/// edited by hand, a failed migration) the request fails naming the record instead of crashing.
struct CorruptRecord: AbortError {
    let table: String
    let id: UUID?
    let column: String
    let value: String

    var status: HTTPResponseStatus { .internalServerError }
    var reason: String { "数据库记录 \(table) \(id?.uuidString ?? "（无编号）") 的字段 \(column) 值“\(value)”无效，请联系管理员修复" }
}

extension Day {
    /// A stored `YYYY-MM-DD` column, or `CorruptRecord` naming the row.
    static func stored(_ text: String, table: String, id: UUID?, column: String) throws -> Day {
        guard let day = Day(text) else { throw CorruptRecord(table: table, id: id, column: column, value: text) }
        return day
    }

    static func stored(_ text: String?, table: String, id: UUID?, column: String) throws -> Day? {
        try text.map { try stored($0, table: table, id: id, column: column) }
    }
}
