import Domain
import Testing

@Suite struct RecipientImportTests {
    let today = Day(year: 2026, month: 11, day: 24)!
    let villages: Set<String> = ["和平社区", "东关村"]

    func preview(_ rows: [[String]]) throws -> [RecipientImport.Row] {
        try RecipientImport.preview(rows, today: today, followUpLevels: 1...6, villages: villages)
    }

    @Test func everyRowIsCheckedAndNamedByItsSpreadsheetLine() throws {
        // setup: a station's own sheet: other header spellings, an extra column, a blank row, a date serial
        let rows = [
            ["序号", "姓名", "身份证号码", "出生日期", "性别", "社区", "人员类别", "备注"],
            ["1", "王秀英", "11010519491231002X", "", "", "和平社区", "低保", "x"],
            [],
            ["2", "李明", "", "42156", "男", "东关村", "孤儿", ""],
            ["3", "张三", "110105194912310021", "", "", "西关村", "低保", ""],
            ["4", "王秀英二", "11010519491231002x", "", "", "和平社区", "独居老人", ""],
            ["5", "李明", "", "2015-06-01", "男", "东关村", "留守儿童", ""],
        ]
        // act
        let result = try preview(rows)
        // check
        #expect(result.map(\.line) == [2, 4, 5, 6, 7])
        #expect(result[0].problems.isEmpty && result[0].draft?.sex == .female)
        #expect(result[1].draft?.birthDate == Day(year: 2015, month: 6, day: 1))
        #expect(result[2].problems.map(\.description) == ["身份证号：校验码错误（按 GB 11643 应为 X）"])
        #expect(result[3].problems.map(\.description) == ["身份证号：与第2行重复"])
        #expect(result[3].draft == nil)
        #expect(result[4].problems.map(\.description) == ["姓名：与第4行姓名、出生日期相同，可能是同一人"])
    }

    @Test func aBigSheetIsCheckedOnEveryCoreAndComesBackInFileOrder() throws {
        // setup: 5,000 rows (checked in chunks of 2,000 at once); row 4,500 repeats row 10's ID, and
        // rows without an ID repeat a name and birth date across chunks
        var rows = [["姓名", "身份证号", "出生日期", "性别", "村（社区）", "类别"]]
        var ids: [String] = []
        for n in 0..<5_000 {
            let birth = today.adding(days: -(20 * 365 + n))
            let id = ResidentID.completing("110105" + String(birth.description.filter(\.isNumber)) + String(100 + n % 800))!
            ids.append(id)
            rows.append(n % 1000 == 999 ? ["无证\(n / 1000 % 2)", "", "1950-01-01", "女", "和平社区", "低保"] : ["人\(n)", id, "", "", "和平社区", "低保"])
        }
        rows[4_500][1] = ids[8]   // line 4,501 repeats line 10
        // action
        let checked = try preview(rows)
        // assertion: every line in order; the repeats found across chunks, and nothing else refused
        #expect(checked.map(\.line) == Array(2...5_001))
        #expect(checked[4_499].problems.map(\.message) == ["与第10行重复"])
        #expect(checked[2_999].problems.map(\.message) == ["与第1001行姓名、出生日期相同，可能是同一人"])
        #expect(checked[3_999].problems.map(\.message) == ["与第2001行姓名、出生日期相同，可能是同一人"])
        #expect(checked.filter { !$0.problems.isEmpty }.map(\.line) == [3_001, 4_001, 4_501, 5_001])
    }

    @Test func whiteSpaceIsTrimmedIncludingTheIdeographicSpace() {
        #expect("\u{3000} 王秀英\t\n".trimmed == "王秀英")
        #expect("王 秀英".trimmed == "王 秀英")
        #expect(" \u{3000}\t".trimmed == "")
        #expect("".trimmed == "")
    }

    @Test func aVillageOutsideTheStreetIsRefused() throws {
        let result = try preview([["姓名", "身份证号", "所在村（社区）", "人群类别"], ["王", "11010519491231002X", "西关村", "低保"]])
        #expect(result[0].problems.map(\.description) == ["所在村（社区）：“西关村”不是本站所在街道（乡镇）下的村（社区）"])
    }

    @Test func theLayoutIsCheckedBeforeAnyRow() {
        #expect(throws: RecipientImport.LayoutProblem.missingColumns([.residentID, .village])) {
            try preview([["姓名", "人群类别"], ["王", "低保"]])
        }
        #expect(throws: RecipientImport.LayoutProblem.duplicateColumn("电话")) {
            try preview([["姓名", "身份证号", "所在村（社区）", "人群类别", "联系电话", "电话"], ["王"]])
        }
        #expect(throws: RecipientImport.LayoutProblem.empty) { try preview([["姓名", "身份证号", "所在村（社区）", "人群类别"], ["", " "]]) }
        #expect(RecipientImport.LayoutProblem.missingColumns([.residentID, .village]).label == "缺少必需的列：身份证号、所在村（社区）（请使用下载的模板）")
    }
}
