import Vapor

/// A field that failed validation, with a Chinese message naming the field and the rule.
struct FieldError: Codable, Sendable, Equatable {
    let field: String
    let message: String
}

/// Domain failures, rendered by `ErrorRenderer` as a problem document or a page.
enum AppError: Error, Sendable {
    /// Input that was read but breaks a rule (422), or clashes with stored data (409).
    case invalid([FieldError], status: HTTPResponseStatus = .unprocessableEntity)
    /// A body that could not be read at all (400).
    case malformed(String)

    static func field(_ field: String, _ message: String, status: HTTPResponseStatus = .unprocessableEntity) -> AppError {
        .invalid([FieldError(field: field, message: message)], status: status)
    }

    var status: HTTPResponseStatus {
        switch self {
        case .invalid(_, let status): status
        case .malformed: .badRequest
        }
    }

    var fieldErrors: [FieldError] {
        switch self {
        case .invalid(let errors, _): errors
        case .malformed(let message): [FieldError(field: "body", message: message)]
        }
    }

    var title: String {
        switch self {
        case .invalid(_, let status) where status == .conflict: "与已有数据冲突"
        case .invalid: "输入有误"
        case .malformed: "请求格式错误"
        }
    }
}

/// Collects field errors while a form or JSON body is validated, then throws them all at once.
struct Validator {
    private(set) var errors: [FieldError] = []

    init() {}

    /// The messages of a refused change, to show beside the form's fields.
    init(_ error: AppError) { errors = error.fieldErrors }

    /// The errors under the names of a form whose inputs carry a prefix (the page holds several forms).
    init(_ error: AppError, prefix: String) {
        errors = error.fieldErrors.map { FieldError(field: prefix + $0.field, message: $0.message) }
    }

    mutating func add(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }

    /// Every message about a field, to show beside it (two rules broken are both said).
    func message(for field: String) -> String? {
        let messages = errors.filter { $0.field == field }.map(\.message)
        return messages.isEmpty ? nil : messages.joined(separator: "；")
    }

    func check() throws {
        if !errors.isEmpty { throw AppError.invalid(errors) }
    }
}
