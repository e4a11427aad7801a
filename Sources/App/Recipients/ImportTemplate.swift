import Domain
import Foundation

/// The import template (issue 9 §4): the headers are the fields' Chinese labels (the import reads
/// them back, `RecipientImport.preview`), one example row, and a note column that the import
/// ignores (its header names no field) listing what the coded columns accept.
enum ImportTemplate {
    /// An obviously made-up person: sequence 999 of 1 January 1940 in 历下区, with a valid check
    /// character (`ResidentID.completing`), so that the row shows the format the import accepts.
    static let exampleID = ResidentID.completing("37010219400101999")!
    /// Not a village of any street: an example row left in the file is refused at the preview.
    static let exampleVillage = "示例社区（请改为本街道的村或社区）"
    static let noteHeader = "填写说明（导入时忽略本列）"

    static var note: String {
        "本行为示例，导入前请删除。人群类别可填（多个用顿号分隔）：\(RecipientCategory.allCases.map(\.label).joined(separator: "、"))；"
            + "残疾等级：\(DisabilityGrade.allCases.map(\.label).joined(separator: "、"))；"
            + "残疾类别：\(DisabilityType.allCases.map(\.label).joined(separator: "、"))。"
            + "有身份证号的，出生日期和性别可不填（从证件号读出）；没有身份证号的，出生日期（YYYY-MM-DD）和性别必填。"
    }

    static var sheet: Spreadsheet {
        let fields = RecipientDraft.Field.allCases
        let example: [RecipientDraft.Field: String] = [
            .name: "张示例", .residentID: exampleID, .phone: "13800000000", .address: "示例路 1 号",
            .village: exampleVillage, .categories: "低保、独居老人",
        ]
        return Spreadsheet(sheetName: "服务对象", rows: [
            fields.map { Spreadsheet.Cell.text($0.label) } + [.text(noteHeader)],
            fields.map { Spreadsheet.Cell.text(example[$0] ?? "") } + [.text(note)],
        ])
    }
}
