import Foundation

/// The preview of a spreadsheet of recipients before anything is written: each row checked as the
/// form checks it (`RecipientDraft.check`), plus what only a whole file shows: an unknown column
/// layout, a village that is not under the station's street, and the same person twice in the file.
/// Duplicates against the register are found by the App, which holds the hashes.
public enum RecipientImport {
    /// Headers as stations' own sheets spell them, beside the template's (`Field.label`).
    static let headerAliases: [String: RecipientDraft.Field] = [
        "身份证号码": .residentID, "公民身份号码": .residentID, "证件号码": .residentID,
        "手机": .phone, "手机号": .phone, "手机号码": .phone, "电话": .phone, "联系方式": .phone,
        "地址": .address, "家庭住址": .address, "现住址": .address,
        "村（社区）": .village, "村(社区)": .village, "所在村(社区)": .village, "社区": .village, "村居": .village,
        "类别": .categories, "人员类别": .categories, "困难类型": .categories,
        "级别": .followUpLevel,
    ]

    public enum LayoutProblem: Error, Equatable, Sendable {
        case empty
        case missingColumns([RecipientDraft.Field])
        case duplicateColumn(String)

        public var label: String {
            switch self {
            case .empty: "文件中没有数据行"
            case .missingColumns(let f): "缺少必需的列：\(f.map(\.label).joined(separator: "、"))（请使用下载的模板）"
            case .duplicateColumn(let h): "列“\(h)”出现了两次"
            }
        }
    }

    public struct Row: Sendable, Equatable {
        /// The row number as the spreadsheet shows it (the header is row 1).
        public let line: Int
        public let values: [RecipientDraft.Field: String]
        public var draft: RecipientDraft?
        public var problems: [RecipientDraft.Problem]
    }

    /// Columns that a sheet must have; the others may be absent.
    public static let requiredColumns: [RecipientDraft.Field] = [.name, .residentID, .village, .categories]

    /// Reads the header row, then checks every data row. Blank rows are skipped; ignored columns are
    /// those whose header names no field (a station's own notes).
    public static func preview(_ rows: [[String]], today: Day, followUpLevels: ClosedRange<Int>,
                               villages: Set<String>) throws(LayoutProblem) -> [Row] {
        guard let header = rows.first, rows.count > 1 else { throw .empty }
        var columns: [Int: RecipientDraft.Field] = [:]
        for (index, raw) in header.enumerated() {
            let name = raw.trimmed
            guard let field = RecipientDraft.Field.allCases.first(where: { $0.label == name }) ?? headerAliases[name] else { continue }
            if columns.values.contains(field) { throw .duplicateColumn(name) }
            columns[index] = field
        }
        let missing = requiredColumns.filter { !columns.values.contains($0) }
        guard missing.isEmpty else { throw .missingColumns(missing) }

        // Each row is checked on its own, on every core (most of a 100,000-row preview); what needs
        // the whole file (duplicates within it, villages) follows in file order.
        let data = Array(rows.dropFirst().enumerated().filter { _, cells in !cells.allSatisfy { $0.trimmed.isEmpty } })
        let fields = columns
        let checked = data.concurrentMap(chunk: 2_000) { _, cells in
            var values: [RecipientDraft.Field: String] = [:]
            for (index, field) in fields where index < cells.count { values[field] = cells[index] }
            if let birth = values[.birthDate], let date = Day.excelSerial(birth) { values[.birthDate] = date.description }
            return (values, RecipientDraft.check(values, today: today, followUpLevels: followUpLevels))
        }
        var result: [Row] = []
        result.reserveCapacity(data.count)
        var firstLineByID: [String: Int] = [:]
        var firstLineByNameAndBirth: [String: Int] = [:]
        for (i, (offset, _)) in data.enumerated() {
            let line = offset + 2
            let (values, checkedRow) = checked[i]
            var row = Row(line: line, values: values, draft: nil, problems: [])
            switch checkedRow {
            case .failure(let problems): row.problems = problems.all
            case .success(let draft):
                if !villages.contains(draft.village) {
                    row.problems.append(.init(field: .village, message: "“\(draft.village)”不是本站所在街道（乡镇）下的村（社区）"))
                }
                if let id = draft.residentID?.value {
                    if let first = firstLineByID[id] {
                        row.problems.append(.init(field: .residentID, message: "与第\(first)行重复"))
                    } else {
                        firstLineByID[id] = line
                    }
                } else {
                    let key = "\(draft.name)|\(draft.birthDate)"
                    if let first = firstLineByNameAndBirth[key] {
                        row.problems.append(.init(field: .name, message: "与第\(first)行姓名、出生日期相同，可能是同一人"))
                    } else {
                        firstLineByNameAndBirth[key] = line
                    }
                }
                row.draft = row.problems.isEmpty ? draft : nil
            }
            result.append(row)
        }
        guard !result.isEmpty else { throw .empty }
        return result
    }
}
