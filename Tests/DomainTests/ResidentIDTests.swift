import Domain
import Testing

@Suite struct ResidentIDTests {
    let today = Day(year: 2026, month: 11, day: 24)!

    @Test func theStandardsExampleIsValidAndGivesBirthDateAndSex() throws {
        // setup: the example number printed in GB 11643-1999
        // act
        let id = try ResidentID("11010519491231002x", today: today)
        // check
        #expect(id.value == "11010519491231002X")
        #expect(id.birthDate == Day(year: 1949, month: 12, day: 31))
        #expect(id.sex == .female)
        #expect(id.divisionCode == "110105")
        #expect(id.masked == "1101**********002X")
        #expect("\(id)" == "1101**********002X")
    }

    @Test func eachKindOfMistakeIsNamed() {
        let cases: [(String, ResidentID.Problem)] = [
            ("1101051949123100", .wrongLength(16)),
            ("11010519491231002Y", .invalidCharacter("Y")),
            ("1101051949123A002X", .invalidCharacter("A")),
            ("110105194902300021", .birthDateNonexistent("1949-02-30")),
            ("110105202712310021", .birthDateOutOfRange("2027-12-31")),
            ("110105194912310021", .wrongCheckCharacter(expected: "X")),
        ]
        for (raw, problem) in cases {
            #expect(throws: problem) { try ResidentID(raw, today: today) }
        }
        #expect(ResidentID.Problem.wrongCheckCharacter(expected: "X").label == "校验码错误（按 GB 11643 应为 X）")
    }

    @Test func completedNumbersPassTheirOwnCheck() throws {
        let full = try #require(ResidentID.completing("37010219900307123"))
        let id = try ResidentID(full, today: today)
        #expect(id.sex == .male)
        #expect(id.birthDate == Day(year: 1990, month: 3, day: 7))
        #expect(ResidentID.completing("3701021990030712") == nil)
    }

    @Test func ageCountsWholeYearsOnTheDayAsked() {
        let birth = Day(year: 1946, month: 11, day: 25)!
        #expect(birth.age(on: today) == 79)
        #expect(birth.age(on: today.adding(days: 1)) == 80)
        let leap = Day(year: 1944, month: 2, day: 29)!
        #expect(leap.age(on: Day(year: 2024, month: 2, day: 28)!) == 79)
        #expect(leap.age(on: Day(year: 2024, month: 2, day: 29)!) == 80)
        #expect(leap.age(on: Day(year: 2025, month: 3, day: 1)!) == 81)
    }
}

@Suite struct PhoneNumberTests {
    @Test func mobilesAndLandlinesAreAcceptedAndMasked() throws {
        #expect(try #require(PhoneNumber(" 13812345678")).masked == "138****5678")
        #expect(try #require(PhoneNumber("0531-88886666")).masked == "053******6666")
        #expect(try #require(PhoneNumber("053188886666")).masked == "053*****6666")
        for good in ["010-1234567", "01012345678", "0531-8888666", "19912345678"] { #expect(PhoneNumber(good) != nil, "\(good)") }
        for bad in ["1381234567", "12812345678", "138123456789", "88886666", "0531-8888", "１３８１２３４５６７８",
                    "0531--8888666", "0531-888866661", "138-12345678", "0a31-88886666", "05-12345678", "0531-8888666a", ""] {
            #expect(PhoneNumber(bad) == nil, "\(bad)")
        }
    }
}
