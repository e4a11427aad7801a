import Foundation
import Vapor

/// Decodes JSON request bodies and refuses fields the target type does not have (422, naming each
/// field), so that a misspelt optional field is reported instead of silently dropped. The OpenAPI
/// document can then say `additionalProperties: false` and mean it.
///
/// The check walks the raw JSON beside the decoded value: an object decoded into a struct may only
/// use the struct's property names (in snake_case); arrays and dictionaries are walked element by
/// element; anything decoded by hand (a `Day` from a string, an enum) is a leaf. Only `Content`
/// types are checked: Vapor's internal helpers (`content.get(at:)`) decode wrappers of their own.
struct StrictJSONDecoder: ContentDecoder {
    let json: JSONDecoder

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders) throws -> D {
        try decode(decodable, from: body, headers: headers, userInfo: [:])
    }

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders, userInfo: [CodingUserInfoKey: any Sendable]) throws -> D {
        let value: D
        do {
            value = try (json as any ContentDecoder).decode(D.self, from: body, headers: headers, userInfo: userInfo)
        } catch DecodingError.keyNotFound(let key, let context) where context.codingPath.isEmpty {
            // Name every missing field at once, not only the first the decoder tripped over.
            let raw = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
            let missing = missingKeys(D.self, first: key.stringValue, raw: raw, headers: headers, userInfo: userInfo)
            var errors = missing.map { FieldError(field: $0, message: "缺少必填字段 \($0)") }
            if headers.first(name: EmptyBody.marker) != nil {
                errors.insert(FieldError(field: "body", message: "请求内容为空：需要 " + missing.joined(separator: "、")), at: 0)
            }
            throw AppError.invalid(errors)
        }
        guard value is any Content else { return value }
        // A body with no field required on its own (a change): an empty one still says nothing.
        if headers.first(name: EmptyBody.marker) != nil {
            throw AppError.field("body", "请求内容为空：请以 JSON 对象给出字段（如要修改的字段）")
        }
        let raw = try JSONSerialization.jsonObject(with: Data(buffer: body), options: [.fragmentsAllowed])
        var unknown: [String] = []
        Self.collectUnknown(raw: raw, value: value, path: "", into: &unknown)
        if !unknown.isEmpty {
            throw AppError.invalid(unknown.sorted().map { FieldError(field: $0, message: "不认识的字段 \($0)：请检查字段名（接口不接受文档之外的字段）") })
        }
        return value
    }

    /// The required top-level fields missing from `raw`: each missing key is filled with a stand-in of
    /// a type the field accepts (a string, a number, a yes/no, a list, an object), and the body is
    /// decoded again until no key is missing. Names as the client writes them (snake_case).
    private func missingKeys<D: Decodable>(_ type: D.Type, first: String, raw: [String: Any], headers: HTTPHeaders,
                                           userInfo: [CodingUserInfoKey: any Sendable]) -> [String] {
        var object = raw
        var missing: [String] = []
        var key: String? = first
        // A date or plain string, an id, a number, a yes/no, a list, an object.
        let standIns: [Any] = ["2000-01-01", "00000000-0000-0000-0000-000000000000", 1, true, [Any](), [String: Any]()]
        func attempt(_ candidate: [String: Any]) -> (any Error)? {
            guard let data = try? JSONSerialization.data(withJSONObject: candidate) else { return nil }
            do { _ = try (json as any ContentDecoder).decode(D.self, from: ByteBuffer(data: data), headers: headers, userInfo: userInfo); return nil }
            catch { return error }
        }
        func path(_ error: any Error) -> [any CodingKey]? {
            switch error as? DecodingError {
            case .typeMismatch(_, let c)?, .valueNotFound(_, let c)?, .dataCorrupted(let c)?: c.codingPath
            case .keyNotFound(let k, let c)?: c.codingPath + [k]
            default: nil
            }
        }
        while let current = key, missing.count < 50 {
            missing.append(ErrorRenderer.snakeCase(current))
            key = nil
            for standIn in standIns {
                var trial = object
                trial[ErrorRenderer.snakeCase(current)] = standIn
                guard let error = attempt(trial) else { break }
                // The stand-in is not of the field's type: try the next one.
                if path(error)?.first?.stringValue == current { continue }
                // The field accepted it; the decoder now stops at the next missing field, or elsewhere.
                object = trial
                if case .keyNotFound(let next, let c)? = error as? DecodingError, c.codingPath.isEmpty { key = next.stringValue }
                break
            }
        }
        return missing
    }

    static func collectUnknown(raw: Any, value: Any, path: String, into unknown: inout [String]) {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first { collectUnknown(raw: raw, value: wrapped.value, path: path, into: &unknown) }
        case .struct, .class:
            guard let object = raw as? [String: Any] else { return }
            var properties: [String: Any] = [:]
            var m: Mirror? = mirror
            while let current = m {
                for child in current.children {
                    // Property wrappers appear as `_name`.
                    if let label = child.label { properties[label.hasPrefix("_") ? String(label.dropFirst()) : label] = child.value }
                }
                m = current.superclassMirror
            }
            for (key, rawChild) in object {
                let field = path.isEmpty ? key : path + "." + key
                guard let child = properties[camelCase(key)] else { unknown.append(field); continue }
                collectUnknown(raw: rawChild, value: child, path: field, into: &unknown)
            }
        case .collection:
            guard let array = raw as? [Any] else { return }
            for (i, (rawChild, child)) in zip(array, mirror.children.map(\.value)).enumerated() {
                collectUnknown(raw: rawChild, value: child, path: path + "[\(i)]", into: &unknown)
            }
        case .dictionary:
            guard let object = raw as? [String: Any] else { return }
            for entry in mirror.children {
                let pair = Mirror(reflecting: entry.value).children.map(\.value)
                guard pair.count == 2, let key = pair[0] as? String, let rawChild = object[key] else { continue }
                collectUnknown(raw: rawChild, value: pair[1], path: path + "." + key, into: &unknown)
            }
        default:
            return
        }
    }

    /// The key as `JSONDecoder.KeyDecodingStrategy.convertFromSnakeCase` turns it into a property name.
    static func camelCase(_ key: String) -> String {
        guard key.contains("_") else { return key }
        let leading = key.prefix { $0 == "_" }
        let trailing = key.reversed().prefix { $0 == "_" }
        let core = key.dropFirst(leading.count).dropLast(trailing.count)
        let parts = core.split(separator: "_", omittingEmptySubsequences: true)
        guard let first = parts.first else { return key }
        return String(leading) + first.lowercased() + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined() + String(trailing)
    }
}

/// An API request that should carry a body but has none is read as `{}`, marked, so that the
/// decoder answers "请求内容为空：需要 name、parent_id…" (422) instead of a bare status.
struct EmptyBody: AsyncMiddleware {
    static let marker = "X-Shegong-Empty-Body"

    private struct Nothing: Content {}

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        request.headers.remove(name: Self.marker)
        if request.isAPI, [.POST, .PATCH, .PUT].contains(request.method),
           request.headers.first(name: .transferEncoding) == nil,
           (request.headers.first(name: .contentLength).flatMap(Int.init) ?? 0) == 0,
           (request.body.data?.readableBytes ?? 0) == 0 {

            try request.content.encode(Nothing(), as: .json)   // sets the body and its Content-Type
            request.headers.replaceOrAdd(name: .contentLength, value: String(request.body.data?.readableBytes ?? 2))
            request.headers.replaceOrAdd(name: Self.marker, value: "1")
        }
        return try await next.respond(to: request)
    }
}
