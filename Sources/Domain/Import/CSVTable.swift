import Foundation

/// Rows of a CSV file as stations save them: UTF-8 (with or without the BOM Excel writes) or GB18030,
/// which Chinese Excel uses for "CSV" by default. Quoting as RFC 4180 (fields in double quotes may
/// hold commas, line breaks and doubled quotes).
public enum CSVTable {
    public enum Problem: Error, Equatable, Sendable {
        case undecodable
        case unterminatedQuote(line: Int)

        public var label: String {
            switch self {
            case .undecodable: "文件既不是 UTF-8 也不是 GB18030 编码的文本，请在 Excel 中另存为“CSV UTF-8”或 .xlsx"
            case .unterminatedQuote(let line): "第\(line)行的引号没有闭合"
            }
        }
    }

    /// GB18030 as Foundation names it on every platform (kCFStringEncodingGB_18030_2000 as an NSStringEncoding).
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    public static func decode(_ data: Data) throws(Problem) -> String {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let text = String(data: bytes, encoding: .utf8) { return text }
        if let text = String(data: bytes, encoding: gb18030) { return text }
        throw .undecodable
    }

    /// Rows with trailing blank rows dropped; every field trimmed of surrounding spaces.
    public static func rows(_ data: Data) throws(Problem) -> [[String]] {
        try parse(try decode(data))
    }

    static func parse(_ text: String) throws(Problem) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var quoteLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending = iterator.next()
        func endField() { row.append(field.trimmed); field = "" }
        while let c = pending {
            pending = iterator.next()
            if quoted {
                if c == "\"" {
                    if pending == "\"" { field.unicodeScalars.append("\""); pending = iterator.next() } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty:
                quoted = true
                quoteLine = line
            case ",":
                endField()
            case "\r":
                if pending == "\n" { continue }
                fallthrough
            case "\n":
                endField()
                rows.append(row)
                row = []
                line += 1
            default:
                field.unicodeScalars.append(c)
            }
        }
        if quoted { throw .unterminatedQuote(line: quoteLine) }
        if !field.isEmpty || !row.isEmpty { endField(); rows.append(row) }
        while let last = rows.last, last.allSatisfy(\.isEmpty) { rows.removeLast() }
        return rows
    }
}
