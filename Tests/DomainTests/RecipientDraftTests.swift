import Domain
import Testing

@Suite struct RecipientDraftTests {
    let today = Day(year: 2026, month: 11, day: 24)!
    typealias F = RecipientDraft.Field

    func check(_ values: [F: String]) -> Result<RecipientDraft, RecipientDraft.Problems> {
        RecipientDraft.check(values, today: today, followUpLevels: 1...6)
    }

    func problems(_ values: [F: String]) -> [F: String] {
        guard case .failure(let p) = check(values) else { return [:] }
        return Dictionary(p.all.map { ($0.field, $0.message) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func birthDateAndSexComeFromTheID() throws {
        // act
        let result = check([.name: "王秀英", .residentID: "11010519491231002X", .village: "和平社区", .categories: "低保、独居老人",
                            .phone: "13812345678", .followUpLevel: "3"])
        // check
        let draft = try result.get()
        #expect(draft.birthDate == Day(year: 1949, month: 12, day: 31))
        #expect(draft.sex == .female)
        #expect(draft.categories == [.minimumLiving, .livingAlone])
        #expect(!draft.isElderly(on: today))   // 76 today
        #expect(draft.isElderly(on: Day(year: 2029, month: 12, day: 31)!))
        #expect(draft.followUpLevel == 3)
    }

    @Test func withoutAnIDBirthDateAndSexAreRequired() throws {
        #expect(problems([.name: "李", .village: "和平社区", .categories: "孤儿"]) == [.birthDate: "无身份证号时必填", .sex: "无身份证号时必填"])
        let draft = try check([.name: "李", .village: "和平社区", .categories: "孤儿", .birthDate: "2015-06-01", .sex: "男"]).get()
        #expect(draft.residentID == nil)
        #expect(!draft.isElderly(on: today))
    }

    @Test func everyProblemOfARowIsReportedWithItsField() {
        // act: an ID whose check character is wrong, a typed birth date, a bad phone, an unknown category, a level off the scale
        let found = problems([.residentID: "110105194912310021", .phone: "12345", .categories: "低保，贫困户", .followUpLevel: "7"])
        // check
        #expect(found == [
            .name: "必填",
            .residentID: "校验码错误（按 GB 11643 应为 X）",
            .phone: PhoneNumber.rule,
            .village: "必填",
            .categories: "未知的类别“贫困户”（可选：低保、低保边缘、特困供养、孤儿、事实无人抚养儿童、留守儿童、困境儿童、残疾人、独居老人、空巢老人、失能/半失能老人、支出型困难、其他）",
            .followUpLevel: "应为1至6的整数",
        ])
    }

    @Test func typedBirthDateOrSexMustAgreeWithTheID() {
        let found = problems([.name: "王", .residentID: "11010519491231002X", .birthDate: "1949-12-30", .sex: "男", .village: "和平社区", .categories: "低保"])
        #expect(found == [.birthDate: "与身份证号中的出生日期1949-12-31不一致", .sex: "与身份证号中的性别（女）不一致"])
    }

    @Test func disabilityNeedsGradeAndTypeAndOnlyWithTheCategory() throws {
        let base: [F: String] = [.name: "赵", .residentID: "11010519491231002X", .village: "和平社区"]
        #expect(problems(base.merging([.categories: "残疾人"]) { $1 }) == [.disabilityGrade: "类别含残疾人时必填", .disabilityType: "类别含残疾人时必填"])
        #expect(problems(base.merging([.categories: "低保", .disabilityGrade: "二级"]) { $1 })[.categories] == "填写了残疾等级或类别，类别中应含“残疾人”")
        let ok = try check(base.merging([.categories: "残疾人 失能/半失能老人", .disabilityGrade: "二级", .disabilityType: "肢体残疾"]) { $1 }).get()
        #expect(ok.categories == [.disabled, .disabledElder])
        #expect(ok.disabilityGrade == .two)
        #expect(ok.disabilityType == .physical)
    }

    @Test func aBirthDateThatDoesNotExistIsNamedSo() {
        #expect(problems([.name: "李", .village: "v", .categories: "孤儿", .birthDate: "2015-02-30", .sex: "女"]) == [.birthDate: "日期2015-02-30不存在"])
        #expect(problems([.name: "李", .village: "v", .categories: "孤儿", .birthDate: "2027-01-01", .sex: "女"]) == [.birthDate: "应在1900年至今之间"])
    }
}
