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
        let value = try (json as any ContentDecoder).decode(D.self, from: body, headers: headers, userInfo: userInfo)
        guard value is any Content else { return value }
        let raw = try JSONSerialization.jsonObject(with: Data(buffer: body), options: [.fragmentsAllowed])
        var unknown: [String] = []
        Self.collectUnknown(raw: raw, value: value, path: "", into: &unknown)
        if !unknown.isEmpty {
            throw AppError.invalid(unknown.sorted().map { FieldError(field: $0, message: "不认识的字段 \($0)：请检查字段名（接口不接受文档之外的字段）") })
        }
        return value
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
