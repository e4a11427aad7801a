import Domain
import Fluent
import Plot
import SQLKit
import Vapor

/// The recipient page's parts for household, consents, transfer and merge (issue 9 §1, §3), and
/// the notice on a record that was merged into another.
enum RecipientRecordsSection {
    struct Model {
        /// Set on a merged-away record: the record it went into.
        var mergedInto: (id: UUID, name: String)?
        var household: [RecipientHousehold.Member] = []
        /// Heads (or not-yet-linked records) of the same station, for the household form.
        var householdChoices: [(id: UUID, label: String)] = []
        var consents: [ConsentDTO] = []
        var canDownloadForms = false
        var transferTargets: [(id: UUID, label: String)] = []
        /// Records of the same station that may be the same person (same name or birth date).
        var mergeChoices: [(id: UUID, label: String)] = []
        var values: [String: String] = [:]
        /// What a form shows before it is posted (the household form: the current head and relation).
        var current: [String: [String: String]] = [:]
        /// Errors of the form last posted, under its name (`transfer`, `merge`, `household`, `consent`).
        var form: String?
        var errors = Validator()

        func errors(_ name: String) -> Validator { form == name ? errors : Validator() }
        func value(_ name: String, _ field: String) -> String? { form == name ? values[field] : current[name]?[field] }
    }

    static func load(_ r: Recipient, station: Station, caller: Caller, req: Request) async throws -> Model {
        var m = Model()
        let db = req.db
        if let target = r.mergedIntoID {
            m.mergedInto = (target, try await Recipient.find(target, on: db)?.name ?? "另一条记录")
        }
        m.household = try await RecipientHousehold.members(of: r, on: db)
        m.current["household"] = ["head_id": r.householdID?.uuidString ?? "", "relation": r.householdRelation?.rawValue ?? ""]
        m.consents = try await RecipientConsents.list(recipient: r.id!, on: db)
        let resource = RecipientService.resource(station)
        m.canDownloadForms = caller.may(.reveal, resource)
        guard caller.may(.update, resource), r.mergedIntoID == nil else { return m }
        let sql = db as! any SQLDatabase
        m.householdChoices = try await sql.raw("""
            SELECT id, name, birth_date FROM recipients
            WHERE station_id = \(bind: station.id!) AND merged_into_id IS NULL AND id <> \(bind: r.id!)
              AND (household_id IS NULL OR household_id = id) ORDER BY name LIMIT 500
            """).all().map { (try $0.decode(column: "id", as: UUID.self),
                              "\(try $0.decode(column: "name", as: String.self))（\(try $0.decode(column: "birth_date", as: String.self))）") }
        m.mergeChoices = try await sql.raw("""
            SELECT id, name, birth_date, resident_id_masked FROM recipients
            WHERE station_id = \(bind: station.id!) AND merged_into_id IS NULL AND id <> \(bind: r.id!)
              AND (name = \(bind: r.name) OR birth_date = \(bind: r.birthDate)) ORDER BY name LIMIT 50
            """).all().map { row in
                let masked = try row.decode(column: "resident_id_masked", as: String?.self) ?? "无证件号"
                return (try row.decode(column: "id", as: UUID.self),
                        "\(try row.decode(column: "name", as: String.self))（\(try row.decode(column: "birth_date", as: String.self))，\(masked)）")
            }
        m.transferTargets = try await RecipientTransfer.targets(from: station, on: db)
        return m
    }

    static func mergedNotice(_ m: Model) -> Node<HTML.BodyContext> {
        .unwrap(m.mergedInto) { target in
            .p(.class("alert"), .id("merged-into"), .plain("本记录是重复登记，已合并至 "),
               .a(.href(SiteURL.recipient(.value(target.id)).relativeURL()), .plain(target.name)),
               .plain("；请在该记录上继续工作。"))
        }
    }

    static func sections(_ m: Model, id: UUID, canUpdate: Bool, csrf: String) -> Node<HTML.BodyContext> {
        let update = canUpdate && m.mergedInto == nil
        return .group(
            .section(.class("card"), .id("household"),
                .h2("家庭成员"),
                .if(m.household.isEmpty, .p(.class("empty"), .plain("未关联家庭。"))),
                .if(!m.household.isEmpty, .ul(.forEach(m.household) { member in
                    .li(.a(.href(SiteURL.recipient(.value(member.id)).relativeURL()), .plain(member.name)), .plain("（\(member.relationLabel)）"))
                })),
                .if(update, .group(
                    FormField.summary(m.errors("household").errors),
                    .form(.method(.post), .action(SiteURL.recipientHousehold(.value(id)).relativeURL()), .class("edit"), .id("household-form"),
                        FormField.csrf(csrf),
                        FormField.select("head_id", label: "户主", options: [("", "不关联家庭"), (id.uuidString, "本人为户主")] + m.householdChoices.map { ($0.id.uuidString, $0.label) },
                                         selected: m.value("household", "head_id"), error: m.errors("household").message(for: "head_id")),
                        FormField.select("relation", label: "与户主的关系", options: [("", "—")] + HouseholdRelation.allCases.map { ($0.rawValue, $0.label) },
                                         selected: m.value("household", "relation"), error: m.errors("household").message(for: "relation")),
                        .button(.type(.submit), .plain("保存")))))),
            .section(.class("card"), .id("consents"),
                .h2("知情同意"),
                .if(m.consents.isEmpty, .p(.class("empty"), .plain("尚未登记知情同意。"))),
                .if(!m.consents.isEmpty, .table(.class("list"),
                    .thead(.tr(.th("类型"), .th("签署日期"), .th("登记人"), .th("扫描件"))),
                    .tbody(.forEach(m.consents) { c in
                        .tr(.td(.plain(c.kindLabel)), .td(.plain(c.givenOn)), .td(.plain(c.recordedByName)),
                            .td(.if(c.hasForm && m.canDownloadForms, .a(.href(SiteURL.consentForm(.value(c.id)).relativeURL()), .plain("下载"))),
                                .if(c.hasForm && !m.canDownloadForms, .plain("已上传")),
                                .if(!c.hasForm, .plain("未上传"))))
                    }))),
                .if(update, .group(
                    FormField.summary(m.errors("consent").errors),
                    .form(.method(.post), .action(SiteURL.recipientConsents(.value(id)).relativeURL()), .enctype(.multipartData), .class("edit"), .id("consent-form"),
                        FormField.csrf(csrf),
                        FormField.select("kind", label: "同意类型", options: ConsentKind.allCases.map { ($0.rawValue, $0.label) },
                                         selected: m.value("consent", "kind"), error: m.errors("consent").message(for: "kind")),
                        FormField.text("given_on", label: "签署日期", value: m.value("consent", "given_on"), error: m.errors("consent").message(for: "given_on"),
                                       type: .date, required: true),
                        FormField.text("attachment", label: "签字的知情同意书扫描件（PDF 文件或 JPEG、PNG 图片，不超过 20 MB）", value: nil,
                                       error: m.errors("consent").message(for: "attachment"), type: .file),
                        .button(.type(.submit), .plain("登记")))))),
            .if(update, .section(.class("card"), .id("transfer"),
                .h2("转移到其他社工站（搬家）"),
                .p(.class("hint"), .plain("转移后记录归接收社工站管理，时间线保留；本站的“已转出”名单只显示姓名、日期和接收街道。未完成的需求随人转移，已完成的留在本站需求清单。")),
                FormField.summary(m.errors("transfer").errors),
                .form(.method(.post), .action(SiteURL.recipientTransfer(.value(id)).relativeURL()), .class("edit"), .id("transfer-form"),
                    FormField.csrf(csrf),
                    FormField.select("station_id", label: "接收社工站", options: [("", "请选择")] + m.transferTargets.map { ($0.id.uuidString, $0.label) },
                                     selected: m.value("transfer", "station_id"), error: m.errors("transfer").message(for: "station_id")),
                    FormField.text("village_name", label: "新住址所在村（社区）", value: m.value("transfer", "village_name"),
                                   error: m.errors("transfer").message(for: "village_name")),
                    FormField.text("on", label: "转移日期", value: m.value("transfer", "on"), error: m.errors("transfer").message(for: "on"), type: .date, required: true),
                    FormField.text("reason", label: "原因", value: m.value("transfer", "reason"), error: m.errors("transfer").message(for: "reason"), required: true),
                    .button(.type(.submit), .plain("转移"))))),
            .if(update, .section(.class("card"), .id("merge"),
                .h2("合并重复记录"),
                .p(.class("hint"), .plain("把同一人的另一条记录并入本记录：类别、需求、知情同意和时间线都转到本记录，缺少的身份证号、电话等从另一条补全；另一条保留备查，不再出现在名单中。")),
                FormField.summary(m.errors("merge").errors),
                .form(.method(.post), .action(SiteURL.recipientMerge(.value(id)).relativeURL()), .class("edit"), .id("merge-form"),
                    FormField.csrf(csrf),
                    FormField.select("other_id", label: "要并入的重复记录", options: [("", "请选择")] + m.mergeChoices.map { ($0.id.uuidString, $0.label) },
                                     selected: m.value("merge", "other_id"), error: m.errors("merge").message(for: "other_id")),
                    FormField.text("reason", label: "原因", value: m.value("merge", "reason"), error: m.errors("merge").message(for: "reason"), required: true),
                    .button(.type(.submit), .plain("合并")))))
        )
    }
}

/// The list page's export form and the "已转出" list (issue 9 §3, §4).
enum RecipientListExtras {
    struct Model {
        var columns: [RecipientExport.Column] = []
        var canExportFull = false
        var transfersOut: [RecipientTransfer.TransferOutDTO] = []
        var csrf = ""
    }

    static func exportForm(_ m: Model, filter f: RecipientQueries.Filter) -> Node<HTML.BodyContext> {
        let hidden: [(name: String, value: String)] = [("q", f.q), ("category", f.category), ("status", f.status), ("level", f.level),
                                                       ("station", f.station?.uuidString), ("village", f.village)]
            .compactMap { pair in pair.1.flatMap { $0.isEmpty ? nil : (name: pair.0, value: $0) } }
        return .section(.class("card"), .id("export"),
            .h2("导出名单（CSV / Excel）"),
            .form(.method(.post), .action(SiteURL.recipientsExport.relativeURL()), .class("edit"), .id("export-form"),
                FormField.csrf(m.csrf),
                // The list's current filters, applied to the export.
                .forEach(hidden) { pair in .input(.type(.hidden), .name(pair.name), .value(pair.value)) },
                FormField.checkboxGroup("export-fields", legend: "导出字段",
                                        boxes: m.columns.map { (name: "field_" + $0.rawValue, label: $0.label, checked: !$0.isPersonal) }, error: nil),
                FormField.select("format", label: "格式", options: [("xlsx", "Excel（.xlsx）"), ("csv", "CSV")], selected: "xlsx", error: nil),
                .if(m.canExportFull, .group(
                    FormField.checkbox("full", label: "导出完整身份证号和电话（仅本站社工、承接机构负责人；记入审计日志）", checked: false),
                    FormField.text("reason", label: "导出完整号码的原因", value: nil, error: nil))),
                .button(.type(.submit), .plain("导出"))))
    }

    static func transfersOut(_ m: Model) -> Node<HTML.BodyContext> {
        .if(!m.transfersOut.isEmpty, .section(.class("card"), .id("transfers-out"),
            .h2("已转出"),
            .p(.class("hint"), .plain("已转到其他街道社工站的服务对象：记录归接收社工站管理，这里只保留姓名、日期和接收街道。")),
            .table(.class("list"),
                .thead(.tr(.th("姓名"), .th("转出日期"), .th("原社工站"), .th("接收街道"))),
                .tbody(.forEach(m.transfersOut) { t in
                    .tr(.td(.plain(t.recipientName)), .td(.plain(t.on)), .td(.plain(t.fromStationName)), .td(.plain(t.toStreetName)))
                }))))
    }
}
