import Domain
import Plot
import Vapor

/// `/stations/{id}/focus-fields?year=`: the year's focus service fields (V-5), the cases V-6 counts
/// in each, and the form to choose them.
enum FocusFieldsPage {
    struct Model {
        var stationName: String
        var current: FocusFieldsDTO
        var choices: [(code: String, label: String)] = []
        var canChoose = false
        var isDemonstration = false
        /// The boxes ticked after a refused submission.
        var ticked: Set<String>?
        var error: String?
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let c = m.current
        let url = SiteURL.stationFocusFields(.value(c.stationId)).relativeURL(["year": String(c.year)])
        let range = [c.minFields, c.maxFields].compactMap { $0 }.map(String.init).joined(separator: "–")
        let ticked = m.ticked ?? Set(c.fields.map(\.code))
        return Layout.page(title: "\(m.stationName) \(c.year)年重点服务领域", path: url, caller: caller, csrf: csrf,
            .h1(.plain("\(m.stationName) \(c.year)年重点服务领域")),
            .p(.class("lead"), .plain(range.isEmpty ? "本市政策未规定重点服务领域的数量。" : "每年选定 \(range) 个重点服务领域（\(RuleName.label("V-5"))）。"),
               .if(m.isDemonstration, .plain("示范点每个重点领域全年个案、小组、社区工作案例各不少于规定数（\(RuleName.label("V-6"))）。"))),
            .if(c.fields.isEmpty, .p(.class("empty"), .plain("尚未选定本年度的重点服务领域。"))),
            .if(!c.fields.isEmpty, .table(.class("list"), .id("focus-fields"),
                .thead(.tr(.th("重点服务领域"), .th("个案"), .th("小组"), .th("社区工作"))),
                .tbody(.forEach(c.fields) { f in
                    .tr(.td(.plain(f.label)), .td(.class("num"), .plain(String(f.caseWork))), .td(.class("num"), .plain(String(f.groupWork))),
                        .td(.class("num"), .plain(String(f.communityWork))))
                }))),
            .p(.class("hint"), .plain("计数口径：个案为本年有介入记录的个案；小组为本年开展过活动的小组；社区工作为本年举办的社区活动。")
               , .unwrap(c.chosenByName) { .plain("（第 \(c.version) 版，\($0) 选定）") }),
            .if(m.canChoose, .form(.method(.post), .action(url), .class("edit"), .id("focus-form"),
                FormField.csrf(csrf),
                FormField.checkboxGroup("fields", legend: "选定重点服务领域",
                                        boxes: m.choices.map { ("field_" + $0.code, $0.label, ticked.contains($0.code)) }, error: m.error),
                .button(.type(.submit), .plain("保存")))))
    }
}
