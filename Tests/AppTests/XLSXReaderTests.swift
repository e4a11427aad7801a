@testable import App
import Domain
import Foundation
import Testing

@Suite struct XLSXReaderTests {
    /// Workbooks saved by LibreOffice Calc from CSV (shared strings, dates as serials, styles).
    static func fixture(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    }

    @Test func aWorkbookSavedByLibreOfficeIsRead() throws {
        let rows = try XLSXReader.rows(try Data(contentsOf: Self.fixture("recipients-libreoffice.xlsx")))
        #expect(rows == [["姓名", "身份证号", "出生日期", "类别"], ["张三", "11010519491231002X", "18263", "低保、独居老人"], [], ["李四", "", "42156", "孤儿"]])
        #expect(rows.compactMap { $0.count > 2 ? Day.excelSerial($0[2])?.description : nil } == ["1949-12-31", "2015-06-01"])
    }

    @Test func datesTypedAsDatesComeAsSerials() throws {
        let rows = try XLSXReader.rows(try Data(contentsOf: Self.fixture("dates-libreoffice.xlsx")))
        #expect(rows[1][0] == "王五")
        #expect(Day.excelSerial(rows[1][1]) == Day(year: 1990, month: 3, day: 7))
    }

    @Test func ourOwnExportReadsBack() throws {
        let sheet = Spreadsheet(sheetName: "名单", rows: [[.text("姓名"), .text("备注")], [.text("A&B <c>"), .number(12)], [.text("=1+1"), .text("")]])
        #expect(try XLSXReader.rows(try sheet.xlsx()) == [["姓名", "备注"], ["A&B <c>", "12.0"], ["'=1+1", ""]])
    }

    @Test func sharedStringsSkipPhoneticGuidesAndJoinRuns() {
        let xml = #"<sst><si><r><t>社</t></r><r><t xml:space="preserve">工 站</t></r><rPh sb="0" eb="1"><t>she</t></rPh></si><si><t>&#x4E00;&amp;二</t></si><si><t/></si></sst>"#
        #expect(XLSXReader.sharedStrings(Array(xml.utf8)) == ["社工 站", "一&二", ""])
    }

    @Test func sparseCellsKeepTheirColumnsAndRows() {
        let xml = #"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>c</t></is></c></row><row r="3"><c r="B3"><v>3.5</v></c><c r="D3" s="1"/></row><row r="4"/></sheetData></worksheet>"#
        #expect(XLSXReader.cells(Array(xml.utf8), shared: ["a"]) == [["a", "", "c"], [], ["", "3.5", "", ""]])
    }

    @Test func notAWorkbook() {
        #expect(throws: XLSXReader.Problem.notAWorkbook) { try XLSXReader.rows(Data("姓名,类别".utf8)) }
    }
}
