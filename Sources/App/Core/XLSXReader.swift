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

    /// Rows in sheet order, cells as written (not trimmed); a cell left empty in the sheet is "" in its
    /// column and a missing row is []; trailing empty rows dropped.
    /// Numbers are given as Excel stores them ("32874" for a date typed into a date cell, see `Day.excelSerial`).
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
        XMLScan(workbook).tags { tag in
            if !tag.isEnd, tag.is("sheet"), sheetRelation == nil { sheetRelation = tag.attribute("r:id") }
        }
        var sheetPath = "xl/worksheets/sheet1.xml"
        if let sheetRelation, let relations = try part("xl/_rels/workbook.xml.rels") {
            XMLScan(relations).tags { tag in
                guard !tag.isEnd, tag.is("Relationship"), tag.attribute("Id") == sheetRelation, let target = tag.attribute("Target") else { return }
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
        XMLScan(bytes).tags { tag in
            if tag.is("si") {
                if tag.isEnd { strings.append(current) } else { current = "" }
            } else if tag.is("rPh") {
                inPhonetic = !tag.isEnd
            } else if tag.isEnd, tag.is("t"), !inPhonetic {
                current += tag.text
            }
        }
        return strings
    }

    static func cells(_ bytes: [UInt8], shared: [String]) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var column = 0
        var sharedString = false
        var value = ""
        XMLScan(bytes).tags { tag in
            if tag.is("c") {
                if !tag.isEnd {
                    column = tag.column("r") ?? row.count
                    sharedString = tag.attribute("t", is: "s")
                    value = ""
                } else {
                    let cell = sharedString ? Int(value).flatMap { shared.indices.contains($0) ? shared[$0] : nil } ?? "" : value
                    while row.count < column { row.append("") }
                    row.append(cell)
                }
            } else if tag.isEnd, tag.is("v") || tag.is("t") {
                value = value.isEmpty ? tag.text : value + tag.text
            } else if tag.is("row") {
                if tag.isEnd {
                    rows.append(row)
                } else {
                    if let r = tag.attribute("r").flatMap({ Int($0) }) { while rows.count < r - 1 { rows.append([]) } }
                    row = []
                }
            }
        }
        while let last = rows.last, last.allSatisfy(\.isEmpty) { rows.removeLast() }
        return rows
    }
}

/// Walks the tags of an XML part in one pass over its bytes: for each start tag, then each end tag,
/// a `Tag` that can tell its local name, an attribute, and the (entity-decoded) text just before it.
/// Names and attributes are compared as bytes and only turned into strings when asked: 100,000 rows
/// of eleven cells are seven million tags. Enough for OOXML parts: comments, declarations and
/// processing instructions are skipped; there are no DTDs.
struct XMLScan {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    struct Tag {
        let buffer: UnsafeBufferPointer<UInt8>
        let isEnd: Bool
        /// The local name (after any namespace prefix).
        let name: Range<Int>
        let attributes: Range<Int>
        let textBefore: Range<Int>

        func `is`(_ expected: StaticString) -> Bool {
            guard name.count == expected.utf8CodeUnitCount else { return false }
            let e = expected.utf8Start
            for k in 0..<name.count where buffer[name.lowerBound + k] != e[k] { return false }
            return true
        }

        /// The value of `key` (written as in the file, e.g. "r:id"), entity-decoded.
        func attribute(_ key: StaticString) -> String? {
            attributeValue(key).map { XMLScan.decode(UnsafeBufferPointer(rebasing: buffer[$0])) }
        }

        /// A cell reference attribute ("B12") as a column index (1), without making a string.
        func column(_ key: StaticString) -> Int? {
            guard let range = attributeValue(key) else { return nil }
            var n = 0
            for j in range {
                let c = buffer[j]
                guard c >= 65, c <= 90 else { break }
                n = n * 26 + Int(c - 64)
            }
            return max(n - 1, 0)
        }

        func attribute(_ key: StaticString, is expected: StaticString) -> Bool {
            guard let range = attributeValue(key), range.count == expected.utf8CodeUnitCount else { return false }
            return zip(range, 0..<range.count).allSatisfy { buffer[$0] == expected.utf8Start[$1] }
        }

        private func attributeValue(_ key: StaticString) -> Range<Int>? {
            let k = key.utf8Start, kn = key.utf8CodeUnitCount
            var j = attributes.lowerBound
            while j + kn < attributes.upperBound {
                var match = j == attributes.lowerBound || XMLScan.isSpace(buffer[j - 1])
                if match { for m in 0..<kn where buffer[j + m] != k[m] { match = false; break } }
                if match, buffer[j + kn] == UInt8(ascii: "=") {
                    let quote = buffer[j + kn + 1]
                    var end = j + kn + 2
                    while end < attributes.upperBound, buffer[end] != quote { end += 1 }
                    return (j + kn + 2)..<end
                }
                j += 1
            }
            return nil
        }

        var text: String { XMLScan.decode(UnsafeBufferPointer(rebasing: buffer[textBefore])) }
    }

    func tags(_ visit: (Tag) -> Void) {
        bytes.withUnsafeBufferPointer { b in
            let n = b.count
            var i = 0
            var textStart = 0
            while i < n {
                guard b[i] == UInt8(ascii: "<") else { i += 1; continue }
                let textRange = textStart..<i
                var j = i + 1
                if j < n, b[j] == UInt8(ascii: "?") || b[j] == UInt8(ascii: "!") {
                    while j < n, b[j] != UInt8(ascii: ">") { j += 1 }
                    i = j + 1; textStart = i
                    continue
                }
                let isEnd = j < n && b[j] == UInt8(ascii: "/")
                if isEnd { j += 1 }
                var nameStart = j
                while j < n, !Self.isSpace(b[j]), b[j] != UInt8(ascii: ">"), b[j] != UInt8(ascii: "/") {
                    if b[j] == UInt8(ascii: ":") { nameStart = j + 1 }
                    j += 1
                }
                let name = nameStart..<j
                let attributesStart = j
                var quote: UInt8 = 0
                while j < n, quote != 0 || b[j] != UInt8(ascii: ">") {
                    if quote != 0 { if b[j] == quote { quote = 0 } } else if b[j] == UInt8(ascii: "\"") || b[j] == UInt8(ascii: "'") { quote = b[j] }
                    j += 1
                }
                let selfClosing = !isEnd && j > attributesStart && b[j - 1] == UInt8(ascii: "/")
                let attributes = attributesStart..<(selfClosing ? j - 1 : j)
                visit(Tag(buffer: b, isEnd: isEnd, name: name, attributes: attributes, textBefore: textRange))
                if selfClosing { visit(Tag(buffer: b, isEnd: true, name: name, attributes: j..<j, textBefore: j..<j)) }
                i = j + 1
                textStart = i
            }
        }
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let raw = String(decoding: bytes, as: UTF8.self)
        guard bytes.contains(UInt8(ascii: "&")) else { return raw }
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
