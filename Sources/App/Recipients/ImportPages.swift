import Domain
import Plot
import Vapor

/// `/recipients/import`: the template, the upload, and the preview of every row with its problems
/// beside it; nothing is written until the user confirms (issue 9 §4).
enum ImportPage {
    struct Row {
        let line: Int
        let name: String
        /// Masked as everywhere (the full number is in the user's own file).
        let residentID: String
        let birthDate: String
        let sex: String
        let village: String
        let categories: String
        let problems: [RecipientDraft.Problem]
    }

    struct Model {
        var stations: [Station] = []
        var stationID: UUID?
        var errors = Validator()
        /// After an upload: the file, its rows, and what confirming it needs.
        var filename: String?
        var digest: String?
        var rows: [Row] = []
        var bad: Int { rows.filter { !$0.problems.isEmpty }.count }
    }

    static func row(_ r: RecipientImport.Row) -> Row {
        let v = r.values.mapValues { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        return Row(line: r.line, name: v[.name] ?? "", residentID: masked(v[.residentID] ?? ""),
                   birthDate: r.draft?.birthDate.description ?? v[.birthDate] ?? "", sex: r.draft?.sex.label ?? v[.sex] ?? "",
                   village: v[.village] ?? "", categories: v[.categories] ?? "", problems: r.problems)
    }

    /// A typed ID masked like a stored one (`ResidentID.masked`), even when it is not a valid ID.
    static func masked(_ raw: String) -> String {
        let s = raw.uppercased()
        guard s.count > 8 else { return s.isEmpty ? "" : String(repeating: "*", count: s.count) }
        return String(s.prefix(4)) + String(repeating: "*", count: s.count - 8) + String(s.suffix(4))
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let e = m.errors
        let stationField = FormField.select("station_id", label: "导入到社工站", options: [("", "请选择")] + m.stations.map { ($0.id!.uuidString, $0.name) },
                                            selected: m.stationID?.uuidString, error: e.message(for: "station_id"))
        return Layout.page(title: "批量导入服务对象", path: SiteURL.recipientsImport.relativeURL(), caller: caller, csrf: csrf,
            .h1("批量导入服务对象"),
            .p(.class("lead"), .plain("从站点已有的 Excel 表格导入：先下载模板，按列填写后上传。上传后逐行预览，问题写在各行旁边；确认之前不写入任何数据，确认后全部导入或全部不导入。")),
            .p(.a(.href(SiteURL.recipientsImportTemplateXLSX.relativeURL()), .plain("下载模板（.xlsx）")), .plain("　"),
               .a(.href(SiteURL.recipientsImportTemplateCSV.relativeURL()), .plain("下载模板（.csv）")),
               .small(.class("hint"), .plain("　也可上传 Excel 另存的 CSV（UTF-8 或 GB18030 编码）。"))),
            .section(.class("card"), .id("upload"),
                .h2(m.rows.isEmpty ? "上传文件" : "重新上传"),
                FormField.summary(e.errors),
                .form(.method(.post), .action(SiteURL.recipientsImport.relativeURL()), .enctype(.multipartData), .class("edit"), .id("upload-form"),
                    FormField.csrf(csrf),
                    .if(m.stations.count > 1, stationField),
                    FormField.text("file", label: "表格文件（.xlsx 或 .csv）", value: nil, error: e.message(for: "file"), type: .file, required: true),
                    .button(.type(.submit), .plain("上传并预览")))),
            .if(!m.rows.isEmpty, preview(m, csrf: csrf))
        )
    }

    private static func preview(_ m: Model, csrf: String) -> Node<HTML.BodyContext> {
        .section(.class("card"), .id("preview"),
            .h2("预览：\(m.filename ?? "")"),
            .p(.id("preview-summary"), .plain("共 \(m.rows.count) 行，\(m.bad == 0 ? "全部可以导入。" : "其中 \(m.bad) 行有问题，请在表格中修改后重新上传；有问题时不会导入任何一行。")")),
            .if(m.bad > 0, .div(.class("alert"), .attribute(named: "role", value: "alert"),
                .p(.plain("有问题的行：")),
                .ul(.forEach(m.rows.filter { !$0.problems.isEmpty }.prefix(50)) { r in
                    .li(.a(.href("#line-\(r.line)"), .plain("第 \(r.line) 行：" + r.problems.map(\.description).joined(separator: "；"))))
                }))),
            .if(m.bad == 0, .form(.method(.post), .action(SiteURL.recipientsImportConfirm.relativeURL()), .id("confirm-form"),
                FormField.csrf(csrf),
                .input(.type(.hidden), .name("digest"), .value(m.digest ?? "")),
                .input(.type(.hidden), .name("station_id"), .value(m.stationID?.uuidString ?? "")),
                .button(.type(.submit), .plain("确认导入 \(m.rows.count) 行")))),
            .div(.class("scroll"), .table(.class("list"), .id("preview-rows"),
                .thead(.tr(.th("行号"), .th("姓名"), .th("身份证号"), .th("出生日期"), .th("性别"), .th("村（社区）"), .th("人群类别"), .th("问题"))),
                .tbody(.forEach(m.rows) { r in
                    .tr(.id("line-\(r.line)"), .class(r.problems.isEmpty ? "ok" : "bad"),
                        .td(.plain(String(r.line))), .td(.plain(r.name)), .td(.class("masked"), .plain(r.residentID)),
                        .td(.plain(r.birthDate)), .td(.plain(r.sex)), .td(.plain(r.village)), .td(.plain(r.categories)),
                        .td(.if(r.problems.isEmpty, .span(.class("badge pass"), .plain("可导入")), else:
                                .ul(.class("problems"), .forEach(r.problems) { p in
                                    .li(.class("error"), .attribute(named: "data-field", value: p.field.rawValue), .plain(p.description))
                                }))))
                }))))
    }
}

/// `/recipients/import/jobs/{id}`: an import while it runs ("已导入 n / N 行", reloading itself
/// every second, without script), then its summary or why nothing was written.
enum ImportJobPage {
    static func view(_ job: ImportRegistry.Job, caller: Caller) -> HTML {
        let path = SiteURL.recipientsImportJob(.value(job.id)).relativeURL()
        switch job.state {
        case .running(let written):
            return Layout.page(title: "正在导入", path: path, caller: caller, refreshSeconds: 1,
                .h1("正在导入"),
                .p(.plain("\(job.filename) → \(job.stationName)")),
                .p(.id("progress"), .attribute(named: "role", value: "status"),
                   .plain(written == 0 ? "正在校验、加密 \(job.total) 行…" : "已导入 \(written) / \(job.total) 行")),
                .element(named: "progress", nodes: [.attribute(named: "max", value: String(job.total)), .attribute(named: "value", value: String(written))]),
                .p(.class("hint"), .plain("本页每秒自动刷新。全部写入并提交后才生效；中途出错则一行也不导入。")))
        case .finished(_, let count):
            return Layout.page(title: "导入完成", path: path, caller: caller,
                .h1("导入完成"),
                .p(.id("summary"), .attribute(named: "role", value: "status"), .plain("已从 \(job.filename) 导入 \(count) 名服务对象到 \(job.stationName)。")),
                .p(.a(.class("button"), .href(SiteURL.recipients.relativeURL(["station": job.stationID.uuidString])), .plain("查看本站服务对象")),
                   .plain("　"), .a(.href(SiteURL.recipientsImport.relativeURL()), .plain("继续导入"))))
        case .failed(let status, let message):
            return Layout.page(title: "导入未完成", path: path, caller: caller,
                .h1("导入未完成"),
                .div(.class("alert"), .id("failure"), .attribute(named: "role", value: "alert"),
                     .p(.plain(message)), .p(.small(.plain("（HTTP \(status)）")))),
                .p(.a(.href(SiteURL.recipientsImport.relativeURL()), .plain("重新上传"))))
        }
    }
}
