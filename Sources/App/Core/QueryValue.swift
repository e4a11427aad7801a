import Vapor

extension Request {
    /// A query value that must parse when given: `year=abc` is a 400 naming the parameter instead of
    /// silently falling back to the default, and so is a parameter given twice. An empty value is
    /// "not given" for a page's form (a blank field) but invalid in the API, whose document says
    /// what the parameter's type is.
    func queryValue<T: Decodable>(_ type: T.Type, _ name: String) throws -> T? {
        let occurrences = (url.query ?? "").split(separator: "&").filter {
            $0.split(separator: "=", maxSplits: 1).first.flatMap { String($0).removingPercentEncoding } == name
        }.count
        if occurrences > 1 { throw AppError.field(name, "查询参数 \(name) 只能给出一次", status: .badRequest) }
        guard let raw = query[String.self, at: name] else { return nil }
        if raw.isEmpty && !isAPI { return nil }
        guard !raw.isEmpty, let value = query[T.self, at: name] else {
            throw AppError.field(name, "查询参数 \(name) 的值“\(raw)”无效", status: .badRequest)
        }
        return value
    }
}
