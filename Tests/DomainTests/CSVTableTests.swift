import Domain
import Foundation
import Testing

@Suite struct CSVTableTests {
    @Test func excelsGB18030FileIsRead() throws {
        // setup: "姓名,类别\r\n张三,低保\r\n" as Chinese Excel saves it (GB18030)
        let bytes: [UInt8] = [0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xC0, 0xE0, 0xB1, 0xF0, 0x0D, 0x0A,
                              0xD5, 0xC5, 0xC8, 0xFD, 0x2C, 0xB5, 0xCD, 0xB1, 0xA3, 0x0D, 0x0A]
        // act
        let rows = try CSVTable.rows(Data(bytes))
        // check
        #expect(rows == [["姓名", "类别"], ["张三", "低保"]])
    }

    @Test func utf8WithBOMQuotesAndLineBreaks() throws {
        let text = "\u{FEFF}姓名,住址,类别\n王五,\"历下区, 和平路 1 号\n3 单元\",\"低保、\"\"其他\"\"\"\n李四 , 无 ,孤儿\n,,\n"
        let rows = try CSVTable.rows(Data(text.utf8))
        #expect(rows == [["姓名", "住址", "类别"], ["王五", "历下区, 和平路 1 号\n3 单元", "低保、\"其他\""], ["李四", "无", "孤儿"]])
    }

    @Test func anUnclosedQuoteNamesItsLine() {
        #expect(throws: CSVTable.Problem.unterminatedQuote(line: 2)) { try CSVTable.rows(Data("a,b\n\"c,d\ne,f\n".utf8)) }
        #expect(throws: CSVTable.Problem.undecodable) { try CSVTable.rows(Data([0xFF, 0xFE, 0xFF, 0x00, 0x81])) }
    }
}

@Suite struct ExcelSerialTests {
    @Test func serialsAreExcelsDays() {
        #expect(Day.excelSerial("1") == Day(year: 1900, month: 1, day: 1))
        #expect(Day.excelSerial("59") == Day(year: 1900, month: 2, day: 28))
        #expect(Day.excelSerial("61") == Day(year: 1900, month: 3, day: 1))
        #expect(Day.excelSerial("25569") == Day(year: 1970, month: 1, day: 1))
        #expect(Day.excelSerial("32939") == Day(year: 1990, month: 3, day: 7))
        for notASerial in ["", "1990-03-07", "3.5", "-1", "0", "99999", "１２"] { #expect(Day.excelSerial(notASerial) == nil) }
    }
}
