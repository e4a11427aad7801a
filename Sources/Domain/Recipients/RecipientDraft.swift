import Foundation

/// A recipient as typed in the form or read from one row of an imported spreadsheet, checked field by
/// field. Both paths go through `RecipientDraft.check`, so a row that the form would refuse is refused
/// by the import with the same words.
public struct RecipientDraft: Sendable, Equatable {
    public var name: String
    /// nil: registered without an ID (flagged "无身份证号"); birth date and sex were typed.
    public var residentID: ResidentID?
    public var birthDate: Day
    public var sex: ResidentID.Sex
    public var phone: PhoneNumber?
    public var address: String
    /// The village/community as typed; the App resolves it among the station's street's villages.
    public var village: String
    public var categories: [RecipientCategory]
    public var disabilityGrade: DisabilityGrade?
    public var disabilityType: DisabilityType?
    public var followUpLevel: Int?

    /// The fields, their keys in forms and the API, and their headers in the import template.
    public enum Field: String, CaseIterable, Sendable {
        case name
        case residentID = "resident_id"
        case birthDate = "birth_date"
        case sex, phone, address, village, categories
        case disabilityGrade = "disability_grade"
        case disabilityType = "disability_type"
        case followUpLevel = "follow_up_level"

        public var label: String {
            switch self {
            case .name: "姓名"
            case .residentID: "身份证号"
            case .birthDate: "出生日期"
            case .sex: "性别"
            case .phone: "联系电话"
            case .address: "住址"
            case .village: "所在村（社区）"
            case .categories: "人群类别"
            case .disabilityGrade: "残疾等级"
            case .disabilityType: "残疾类别"
            case .followUpLevel: "跟进级别"
            }
        }
    }

    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let field: Field
        public let message: String
        public var description: String { "\(field.label)：\(message)" }
        public init(field: Field, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// Every problem of one form or row, in field order.
    public struct Problems: Error, Sendable, Equatable {
        public let all: [Problem]
    }

    public static let nameLimit = 50
    public static let addressLimit = 200

    /// Checks every field and reports every problem, not only the first.
    /// - Parameters:
    ///   - values: raw text by field; missing and blank are the same.
    ///   - followUpLevels: the city's scale (profile data; Guangzhou's platform uses 1–6).
    public static func check(_ values: [Field: String], today: Day, followUpLevels: ClosedRange<Int>) -> Result<RecipientDraft, Problems> {
        var problems: [Problem] = []
        // Trimmed once: several fields are read more than once below, and an import checks every row.
        let trimmed = values.mapValues(\.trimmed)
        func text(_ f: Field) -> String { trimmed[f] ?? "" }
        func refuse(_ f: Field, _ message: String) { problems.append(Problem(field: f, message: message)) }

        let name = text(.name)
        if name.isEmpty { refuse(.name, "必填") } else if name.count > nameLimit { refuse(.name, "不能超过\(nameLimit)个字") }

        var residentID: ResidentID?
        var birth: Day?
        var sex: ResidentID.Sex?
        let typedBirth = text(.birthDate)
        let typedSex = text(.sex)
        if !text(.residentID).isEmpty {
            do {
                let id = try ResidentID(text(.residentID), today: today)
                residentID = id
                birth = id.birthDate
                sex = id.sex
                // Birth date and sex come from the ID; typed ones may only agree with it.
                if !typedBirth.isEmpty, Day(typedBirth) != id.birthDate {
                    refuse(.birthDate, "与身份证号中的出生日期\(id.birthDate)不一致")
                }
                if !typedSex.isEmpty, ResidentID.Sex.parse(typedSex) != id.sex {
                    refuse(.sex, "与身份证号中的性别（\(id.sex.label)）不一致")
                }
            } catch {
                refuse(.residentID, error.label)
            }
        } else {
            switch Day.parse(typedBirth) {
            case .success(let day) where day.year >= Day.validYears.lowerBound && day <= today: birth = day
            case .success: refuse(.birthDate, "应在1900年至今之间")
            case .failure(.nonexistent): refuse(.birthDate, "日期\(typedBirth)不存在")
            case .failure(.format): refuse(.birthDate, typedBirth.isEmpty ? "无身份证号时必填" : "格式应为 YYYY-MM-DD")
            }
            if typedSex.isEmpty { refuse(.sex, "无身份证号时必填") } else if let s = ResidentID.Sex.parse(typedSex) { sex = s } else {
                refuse(.sex, "应为“男”或“女”")
            }
        }

        var phone: PhoneNumber?
        if !text(.phone).isEmpty {
            phone = PhoneNumber(text(.phone))
            if phone == nil { refuse(.phone, PhoneNumber.rule) }
        }

        let address = text(.address)
        if address.count > addressLimit { refuse(.address, "不能超过\(addressLimit)个字") }
        let village = text(.village)
        if village.isEmpty { refuse(.village, "必填") }

        var categories: [RecipientCategory] = []
        for word in text(.categories).split(whereSeparator: { "、,，;； ".contains($0) }).map(String.init) {
            guard let c = RecipientCategory.parse(word) else {
                refuse(.categories, "未知的类别“\(word)”（可选：\(RecipientCategory.allCases.map(\.label).joined(separator: "、"))）")
                continue
            }
            if !categories.contains(c) { categories.append(c) }
        }
        if text(.categories).isEmpty { refuse(.categories, "至少填写一类") }

        var grade: DisabilityGrade?
        var type: DisabilityType?
        if !text(.disabilityGrade).isEmpty {
            grade = DisabilityGrade.parse(text(.disabilityGrade))
            if grade == nil { refuse(.disabilityGrade, "应为一级、二级、三级或四级") }
        }
        if !text(.disabilityType).isEmpty {
            type = DisabilityType.parse(text(.disabilityType))
            if type == nil { refuse(.disabilityType, "未知的残疾类别（可选：\(DisabilityType.allCases.map(\.label).joined(separator: "、"))）") }
        }
        if categories.contains(.disabled) {
            if text(.disabilityGrade).isEmpty { refuse(.disabilityGrade, "类别含残疾人时必填") }
            if text(.disabilityType).isEmpty { refuse(.disabilityType, "类别含残疾人时必填") }
        } else if grade != nil || type != nil {
            refuse(.categories, "填写了残疾等级或类别，类别中应含“残疾人”")
        }

        var level: Int?
        if !text(.followUpLevel).isEmpty {
            level = Int(text(.followUpLevel))
            if level.map({ !followUpLevels.contains($0) }) ?? true {
                refuse(.followUpLevel, "应为\(followUpLevels.lowerBound)至\(followUpLevels.upperBound)的整数")
                level = nil
            }
        }

        guard problems.isEmpty, let birth, let sex else { return .failure(Problems(all: problems)) }
        return .success(RecipientDraft(name: name, residentID: residentID, birthDate: birth, sex: sex, phone: phone, address: address,
                                       village: village, categories: categories, disabilityGrade: grade, disabilityType: type,
                                       followUpLevel: level))
    }

    /// 高龄老人 on the day asked (rule R-1's key populations; derived, never stored).
    public func isElderly(on day: Day) -> Bool { birthDate.age(on: day) >= RecipientCategory.elderlyAge }
}

extension ResidentID.Sex {
    static func parse(_ text: String) -> Self? {
        switch text { case "男", "male": .male; case "女", "female": .female; default: nil }
    }
}

extension RecipientCategory {
    /// By its Chinese label (as spreadsheets carry it) or its code.
    public static func parse(_ text: String) -> Self? {
        allCases.first { $0.label == text || $0.rawValue == text } ?? (text == "失能老人" || text == "半失能老人" ? .disabledElder : nil)
    }
}
