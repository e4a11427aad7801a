import Plot

/// HTML escaping for text and attribute values. Plot writes attribute values as given and escapes
/// text one character at a time (leaving entity-like sequences alone), so views put user data
/// through here: `.plain(…)` for text, `HTMLEscape.escape(…)` for attribute values.
enum HTMLEscape {
    static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension Node {
    /// Escaped text.
    static func plain(_ text: String) -> Node { .raw(HTMLEscape.escape(text)) }
}
