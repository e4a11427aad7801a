import Foundation
import ZIPFoundation

/// The first worksheet of an .xlsx workbook as rows of text, as a station's own spreadsheets are
/// imported (no xlsx package exists for Swift here). Reads the OOXML parts directly: the workbook
/// names the first sheet, its relationships give the part, shared strings give the text of `t="s"`
/// cells. A small byte scanner instead of XMLParser: the import must read 100,000 rows in seconds.
enum XLSXReader {
    enum Problem: Error, Equatable {
        case notAWorkbook
        case missingPart(String)

        var label: String {
            switch self {
            case .notAWorkbook: "文件不是有效的 .xlsx 工作簿（请用 Excel 或 WPS 另存为 .xlsx）"
            case .missingPart(let part): "工作簿缺少 \(part)，文件可能已损坏"
            }
        }
    }

    /// Rows in sheet order; a cell left empty in the sheet is "" in its column; trailing empty rows dropped.
    /// Numbers are given as Excel stores them ("32874" for a date typed into a date cell, see `excelDate`).
    static func rows(_ data: Data) throws -> [[String]] {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw Problem.notAWorkbook }
        func part(_ path: String) throws -> [UInt8]? {
            guard let entry = archive[path] else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(entry.uncompressedSize))
            _ = try archive.extract(entry, skipCRC32: true) { bytes.append(contentsOf: $0) }
            return bytes
        }
        guard let workbook = try part("xl/workbook.xml") else { throw Problem.notAWorkbook }
        var sheetRelation: String?
        XMLScan(workbook).elements { name, attributes, _ in
            if name == "sheet", sheetRelation == nil { sheetRelation = attributes["r:id"] }
        }
        var sheetPath = "xl/worksheets/sheet1.xml"
        if let sheetRelation, let relations = try part("xl/_rels/workbook.xml.rels") {
            XMLScan(relations).elements { name, attributes, _ in
                guard name == "Relationship", attributes["Id"] == sheetRelation, let target = attributes["Target"] else { return }
                sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            }
        }
        guard let sheet = try part(sheetPath) else { throw Problem.missingPart(sheetPath) }
        let shared = try part("xl/sharedStrings.xml").map(sharedStrings) ?? []
        return cells(sheet, shared: shared)
    }

    /// Each `<si>`'s text: its `<t>` runs joined, phonetic guides (`<rPh>`, pinyin over Chinese) left out.
    static func sharedStrings(_ bytes: [UInt8]) -> [String] {
        var strings: [String] = []
        var current = ""
        var inPhonetic = false
        XMLScan(bytes).elements { name, _, text in
            switch name {
            case "si": current = ""
            case "/si": strings.append(current)
            case "rPh": inPhonetic = true
            case "/rPh": inPhonetic = false
            case "/t" where !inPhonetic: current += text()
            default: break
            }
        }
        return strings
    }

    static func cells(_ bytes: [UInt8], shared: [String]) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var column = 0
        var type = ""
        var value = ""
        XMLScan(bytes).elements { name, attributes, text in
            switch name {
            case "row":
                if let r = attributes["r"].flatMap(Int.init) { while rows.count < r - 1 { rows.append([]) } }
                row = []
            case "/row":
                rows.append(row)
            case "c":
                column = attributes["r"].map(columnIndex) ?? row.count
                type = attributes["t"] ?? "n"
                value = ""
            case "/v", "/t":
                value += text()
            case "/c":
                let cell = type == "s" ? Int(value).flatMap { shared.indices.contains($0) ? shared[$0] : nil } ?? "" : value
                while row.count < column { row.append("") }
                row.append(cell.trimmingCharacters(in: .whitespacesAndNewlines))
            default: break
            }
        }
        while let last = rows.last, last.allSatisfy(\.isEmpty) { rows.removeLast() }
        return rows
    }

    /// "B12" → 1.
    static func columnIndex(_ reference: String) -> Int {
        var n = 0
        for c in reference.unicodeScalars {
            guard c.value >= 65, c.value <= 90 else { break }
            n = n * 26 + Int(c.value - 64)
        }
        return max(n - 1, 0)
    }

    /// An Excel date serial (1900 date system, as Excel and WPS write) as `YYYY-MM-DD`;
    /// nil for text or a number out of 1900–2100.
    static func excelDate(_ text: String) -> String? {
        guard let serial = Double(text), serial >= 1, serial < 73_051 else { return nil }
        // Serial 60 is the 29 February 1900 that Excel invents; from 61 on, day 0 is 1899-12-30.
        let days = Int(serial) - (serial < 61 ? 1 : 2)
        let date = Date(timeIntervalSince1970: Double(days - 25_567) * 86_400)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}

/// Walks the tags of an XML part: for each start tag its name and attributes, for each end tag
/// "/name"; `text()` gives the (entity-decoded) text that came just before the tag. Enough for the
/// OOXML parts above: no DTDs, comments and processing instructions are skipped.
struct XMLScan {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func elements(_ visit: (_ name: String, _ attributes: [String: String], _ text: () -> String) -> Void) {
        var i = 0
        var textStart = 0
        let n = bytes.count
        while i < n {
            guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
            let textRange = textStart..<i
            let text = { XMLScan.decode(self.bytes[textRange]) }
            var j = i + 1
            if j < n, bytes[j] == UInt8(ascii: "?") || bytes[j] == UInt8(ascii: "!") {
                while j < n, bytes[j] != UInt8(ascii: ">") { j += 1 }
                i = j + 1; textStart = i
                continue
            }
            let closing = j < n && bytes[j] == UInt8(ascii: "/")
            if closing { j += 1 }
            let nameStart = j
            while j < n, !Self.isSpace(bytes[j]), bytes[j] != UInt8(ascii: ">"), bytes[j] != UInt8(ascii: "/") { j += 1 }
            var name = String(decoding: bytes[nameStart..<j], as: UTF8.self)
            // Drop a namespace prefix (x:row) but keep r:id style attribute names as written.
            if let colon = name.firstIndex(of: ":") { name = String(name[name.index(after: colon)...]) }
            var attributes: [String: String] = [:]
            var selfClosing = false
            while j < n, bytes[j] != UInt8(ascii: ">") {
                if bytes[j] == UInt8(ascii: "/") { selfClosing = true; j += 1; continue }
                if Self.isSpace(bytes[j]) { j += 1; continue }
                let keyStart = j
                while j < n, bytes[j] != UInt8(ascii: "="), !Self.isSpace(bytes[j]), bytes[j] != UInt8(ascii: ">") { j += 1 }
                let key = String(decoding: bytes[keyStart..<j], as: UTF8.self)
                while j < n, bytes[j] != UInt8(ascii: "\""), bytes[j] != UInt8(ascii: "'"), bytes[j] != UInt8(ascii: ">") { j += 1 }
                guard j < n, bytes[j] != UInt8(ascii: ">") else { break }
                let quote = bytes[j]
                let valueStart = j + 1
                j = valueStart
                while j < n, bytes[j] != quote { j += 1 }
                attributes[key] = Self.decode(bytes[valueStart..<min(j, n)])
                j += 1
                selfClosing = false
            }
            visit(closing ? "/" + name : name, attributes, text)
            if selfClosing && !closing { visit("/" + name, [:], { "" }) }
            i = j + 1
            textStart = i
        }
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    static func decode(_ slice: ArraySlice<UInt8>) -> String {
        let raw = String(decoding: slice, as: UTF8.self)
        guard raw.contains("&") else { return raw }
        var out = ""
        var rest = raw[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let code = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                out += code.flatMap(Unicode.Scalar.init).map { String($0) } ?? "&\(entity);"
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}
