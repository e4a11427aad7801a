import Domain
import Plot
import Vapor

/// `/recipients`: the key-population library the caller may read, searchable and paged.
enum RecipientListPage {
    struct Model {
        var rows: [RecipientDTO] = []
        var paging = Paging(page: 1, per: 20, total: 0)
        var filter = RecipientQueries.Filter()
        var levels: ClosedRange<Int>?
        /// The villages the list can be narrowed to (`RecipientQueries.villageOptions`).
        var villages: [(id: UUID, label: String)] = []
        var canCreate = false
        /// Shown instead of the list when a filter was refused.
        var filterError: String?
        /// The export form and the "已转出" list (`RecipientListExtras`).
        var extras = RecipientListExtras.Model()
    }

    static func view(_ m: Model, caller: Caller) -> HTML {
        let f = m.filter
        func link(_ page: Int) -> String {
            SiteURL.recipients.relativeURL(["q": f.q, "category": f.category, "status": f.status, "follow_up_level": f.level,
                                            "station": f.station?.uuidString, "village": f.village, "page": String(page)])
        }
        return Layout.page(title: "服务对象", path: SiteURL.recipients.relativeURL(), caller: caller,
            .h1("服务对象（辖区重点人群信息库）"),
            .p(.class("lead"), .plain("身份证号和电话默认隐去中间位；本站社工和承接机构负责人可在个人页面说明原因后查看完整号码，每次查看都记入审计日志。")),
            .if(m.canCreate, .p(.a(.class("button"), .href(SiteURL.recipientsNew.relativeURL()), .plain("登记服务对象")), .plain("　"),
                                .a(.href(SiteURL.recipientsImport.relativeURL()), .plain("从表格批量导入")))),
            .form(.method(.get), .action(SiteURL.recipients.relativeURL()), .class("filters"),
                FormField.text("q", label: "姓名", value: f.q, error: nil),
                FormField.text("resident_id", label: "身份证号（完整匹配）", value: nil, error: nil),
                FormField.select("category", label: "人群类别", options: [("", "全部")] + RecipientCategory.allCases.map { ($0.rawValue, $0.label) },
                                 selected: f.category, error: nil),
                FormField.select("status", label: "状态", options: [("", "全部")] + RecipientStatus.allCases.map { ($0.rawValue, $0.label) },
                                 selected: f.status, error: nil),
                .unwrap(m.levels) { levels in
                    FormField.select("follow_up_level", label: "跟进级别", options: [("", "全部")] + levels.map { (String($0), "\($0) 级") },
                                     selected: f.level, error: nil)
                },
                .if(!m.villages.isEmpty, FormField.select("village", label: "村（社区）", options: [("", "全部")] + m.villages.map { ($0.id.uuidString, $0.label) },
                                                          selected: f.village, error: nil)),
                .unwrap(f.station) { .input(.type(.hidden), .name("station"), .value($0.uuidString)) },
                .button(.type(.submit), .plain("查询"))),
            .unwrap(m.filterError) { .p(.class("alert"), .attribute(named: "role", value: "alert"), .plain($0)) },
            .if(m.rows.isEmpty && m.filterError == nil, .p(.class("empty"), .plain("没有符合条件的服务对象。"))),
            .if(!m.rows.isEmpty, .div(.class("scroll"), .table(.class("list"), .id("recipients"),
                .thead(.tr(.th("姓名"), .th("性别"), .th("年龄"), .th("身份证号"), .th("人群类别"), .th("村（社区）"), .th("社工站"), .th("跟进级别"), .th("状态"))),
                .tbody(.forEach(m.rows) { r in
                    .tr(.td(.a(.href(SiteURL.recipient(.value(r.id)).relativeURL()), .plain(r.name))),
                        .td(.plain(r.sex)), .td(.plain(String(r.age))),
                        .td(.class("masked"), .plain(r.hasResidentId ? (r.residentId ?? "（不显示）") : "无证件")),
                        .td(.plain(r.categoryLabels.joined(separator: "、"))),
                        .td(.plain(r.villageName ?? "—")), .td(.plain(r.stationName)),
                        .td(.plain(r.followUpLevel.map { "\($0) 级" } ?? "—")), .td(.plain(r.statusLabel)))
                })))),
            m.paging.nav(link: link),
            .if(!m.rows.isEmpty, RecipientListExtras.exportForm(m.extras, filter: f)),
            RecipientListExtras.transfersOut(m.extras)
        )
    }
}

/// `/recipients/new`: search before create (as Primero does), then the registration form.
enum RecipientNewPage {
    struct Model {
        var stations: [Station] = []
        /// Village names per station id, for the form's list.
        var villages: [UUID: [String]] = [:]
        var levels: ClosedRange<Int> = 1...3
        var values: [String: String] = [:]
        var categories: Set<String> = []
        var errors = Validator()
        /// The duplicate search: what was asked, and what was found in scope.
        var searched = false
        var matches: [RecipientDTO] = []
        /// An exact ID match outside the caller's scope: only its street is named.
        var elsewhere: String?
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let v = m.values
        let e = m.errors
        let villageNames = m.stations.count == 1 ? m.villages[m.stations[0].id!] ?? [] : Array(Set(m.villages.values.joined())).sorted()
        return Layout.page(title: "登记服务对象", path: SiteURL.recipientsNew.relativeURL(), caller: caller, csrf: csrf,
            .h1("登记服务对象"),
            .section(.class("card"), .id("search"),
                .h2("第一步：先查重"),
                .p(.plain("输入身份证号，或姓名和出生日期，查看是否已经登记。同一身份证号在全市只能登记一次；居民从其他街道迁入的，请由原社工站办理转移。")),
                .form(.method(.get), .action(SiteURL.recipientsNew.relativeURL()), .class("filters"),
                    FormField.text("search_resident_id", label: "身份证号", value: nil, error: nil),
                    FormField.text("search_name", label: "姓名", value: v["search_name"], error: nil),
                    FormField.text("search_birth_date", label: "出生日期", value: v["search_birth_date"], error: nil, type: .date),
                    .button(.type(.submit), .plain("查重"))),
                .if(m.searched, .div(.id("search-result"),
                    .unwrap(m.elsewhere) { .p(.class("alert"), .plain($0)) },
                    .if(m.matches.isEmpty && m.elsewhere == nil, .p(.class("empty"), .plain("未找到已登记的记录，可以登记。"))),
                    .if(!m.matches.isEmpty, .ul(.forEach(m.matches) { r in
                        .li(.a(.href(SiteURL.recipient(.value(r.id)).relativeURL()), .plain("\(r.name)（\(r.sex)，\(r.birthDate)，\(r.stationName)，\(r.statusLabel)）")))
                    }))))),
            .section(.class("card"),
                .h2("第二步：填写信息"),
                FormField.summary(e.errors),
                .form(.method(.post), .action(SiteURL.recipientsNew.relativeURL()), .class("edit"), .id("recipient-form"),
                    FormField.csrf(csrf),
                    .if(m.stations.count > 1, FormField.select("station_id", label: "社工站", options: [("", "请选择")] + m.stations.map { ($0.id!.uuidString, $0.name) },
                                                               selected: v["station_id"], error: e.message(for: "station_id"))),
                    FormField.text("name", label: "姓名", value: v["name"], error: e.message(for: "name"), required: true),
                    FormField.text("resident_id", label: "身份证号", value: v["resident_id"], error: e.message(for: "resident_id"),
                                   hint: "18 位，末位校验码会核对；出生日期和性别从证件号读出，不必再填。没有证件号的请留空，并填写下面两项。"),
                    FormField.text("birth_date", label: "出生日期（无证件号时填写）", value: v["birth_date"], error: e.message(for: "birth_date"), type: .date),
                    FormField.select("sex", label: "性别（无证件号时填写）", options: [("", "—"), ("男", "男"), ("女", "女")], selected: v["sex"], error: e.message(for: "sex")),
                    FormField.text("phone", label: "联系电话", value: v["phone"], error: e.message(for: "phone")),
                    FormField.text("address", label: "住址", value: v["address"], error: e.message(for: "address")),
                    FormField.select("village", label: "所在村（社区）", options: [("", "请选择")] + villageNames.map { ($0, $0) }, selected: v["village"], error: e.message(for: "village")),
                    FormField.checkboxGroup("categories", legend: "人群类别（可多选）",
                                            boxes: RecipientCategory.allCases.map { (name: "category_" + $0.rawValue, label: $0.label, checked: m.categories.contains($0.rawValue)) },
                                            error: e.message(for: "categories")),
                    FormField.select("disability_grade", label: "残疾等级（残疾人填写）", options: [("", "—")] + DisabilityGrade.allCases.map { (String($0.rawValue), $0.label) },
                                     selected: v["disability_grade"], error: e.message(for: "disability_grade")),
                    FormField.select("disability_type", label: "残疾类别（残疾人填写）", options: [("", "—")] + DisabilityType.allCases.map { ($0.rawValue, $0.label) },
                                     selected: v["disability_type"], error: e.message(for: "disability_type")),
                    FormField.select("follow_up_level", label: "跟进级别", options: [("", "—")] + Array(m.levels).map { (String($0), "\($0) 级") },
                                     selected: v["follow_up_level"], error: e.message(for: "follow_up_level")),
                    FormField.text("guardian_name", label: "监护人姓名（未成年人填写）", value: v["guardian_name"], error: e.message(for: "guardian_name")),
                    FormField.text("guardian_phone", label: "监护人电话", value: v["guardian_phone"], error: e.message(for: "guardian_phone")),
                    .button(.type(.submit), .plain("登记"))))
        )
    }
}

/// `/recipients/{id}`: one person, their categories, needs and timeline, and the actions the caller may take.
enum RecipientPage {
    struct Model {
        var recipient: RecipientDTO
        var categories: [RecipientCategoryRow] = []
        var events: [RecipientEvent] = []
        var needs: [NeedDTO] = []
        var serviceFields: [ServiceField] = []
        var personalData: Access.PersonalData = .masked
        var guardianName: String?
        var guardianPhoneMasked: String?
        var canUpdate = false
        /// A value just revealed (after a reason), shown once.
        var revealed: (field: RecipientService.SealedField, value: String?)?
        var revealValues: [String: String] = [:]
        var revealErrors = Validator()
        var statusValues: [String: String] = [:]
        var statusErrors = Validator()
        var needValues: [String: String] = [:]
        var needErrors = Validator()
        /// Household, consents, transfer and merge (`RecipientRecordsSection`).
        var records = RecipientRecordsSection.Model()
        /// The correction forms (`RecipientEditSection`).
        var edit = RecipientEditSection.Model()
        /// Services, cases and the visit form (`RecipientServicesSection`).
        var services = RecipientServicesSection.Model()
        /// Charity resources used for the person (issue 11 §2).
        var charityUsed: [CharityResourceService.Served] = []
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let r = m.recipient
        let id = r.id
        return Layout.page(title: r.name, path: SiteURL.recipient(.value(id)).relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain(r.name)),
            .p(.class("lead"), .plain("\(r.stationName) · \(r.villageName ?? "未填写村（社区）") · \(r.statusLabel)（\(r.statusOn) 起）")),
            RecipientRecordsSection.mergedNotice(m.records),
            .section(.class("card"),
                .h2("基本信息"),
                .dl(.class("facts"),
                    .dt("性别"), .dd(.plain(r.sex)),
                    .dt("出生日期"), .dd(.plain("\(r.birthDate)（\(r.age) 岁）")),
                    .if(m.personalData != .hidden, .group(
                        .dt("身份证号"), .dd(.id("resident-id"), .plain(r.hasResidentId ? (r.residentId ?? "") : "无证件号")),
                        .dt("联系电话"), .dd(.id("phone"), .plain(r.phone ?? "未登记")))),
                    .dt("住址"), .dd(.plain(r.address.isEmpty ? "未登记" : r.address)),
                    .dt("人群类别"), .dd(.plain(r.categoryLabels.joined(separator: "、"))),
                    .dt("跟进级别"), .dd(.plain(r.followUpLevel.map { "\($0) 级" } ?? "未定")),
                    .unwrap(m.guardianName) { name in .group(.dt("监护人"), .dd(.plain(name + (m.personalData != .hidden ? (m.guardianPhoneMasked.map { "（\($0)）" } ?? "") : "")))) })),
            .unwrap(m.revealed) { revealed in
                .section(.class("card notice"), .id("revealed"),
                    .p(.plain("\(revealed.field.label)："), .code(.id("revealed-value"), .plain(revealed.value ?? "未登记"))),
                    .p(.class("hint"), .plain("本次查看及原因已记入审计日志。请勿截屏或转发。")))
            },
            .if(m.personalData == .revealable, .section(.class("card"), .id("reveal"),
                .h2("查看完整号码"),
                FormField.summary(m.revealErrors.errors),
                .form(.method(.post), .action(SiteURL.recipientReveal(.value(id)).relativeURL()), .class("edit"), .id("reveal-form"),
                    FormField.csrf(csrf),
                    FormField.select("field", label: "要查看的号码", options: RecipientService.SealedField.allCases.map { ($0.rawValue, $0.label) },
                                     selected: m.revealValues["field"], error: m.revealErrors.message(for: "field")),
                    FormField.text("reason", label: "查看原因", value: m.revealValues["reason"], error: m.revealErrors.message(for: "reason"), required: true,
                                   hint: "如：电话回访、协助办理低保申请；将记入审计日志"),
                    .button(.type(.submit), .plain("查看"))))),
            .if(m.canUpdate, RecipientEditSection.details(m.edit, id: id, csrf: csrf)),
            .section(.class("card"), .id("categories"),
                .h2("人群类别核实"),
                .table(.class("list"),
                    .thead(.tr(.th("类别"), .th("核实日期"), .th("核实人"), .th("状态"))),
                    .tbody(.forEach(m.categories) { c in
                        .tr(.td(.plain(c.category.label + (c.category == .disabled ? [c.disabilityGrade?.label, c.disabilityType?.label].compactMap { $0 }.joined(separator: "、").wrappedInParens : ""))),
                            .td(.plain(c.verifiedOn)), .td(.plain(c.verifiedByName)), .td(.plain(c.endedOn.map { "已于 \($0) 结束" } ?? "有效")))
                    })),
                .if(m.canUpdate, RecipientEditSection.category(m.edit, id: id, csrf: csrf))),
            .section(.class("card"), .id("needs"),
                .h2("需求清单"),
                .if(m.needs.isEmpty, .p(.class("empty"), .plain("尚未登记需求。"))),
                .if(!m.needs.isEmpty, .div(.class("scroll"), .table(.class("list"),
                    .thead(.tr(.th("服务领域"), .th("需求"), .th("紧急程度"), .th("发现日期"), .th("状态"))),
                    .tbody(.forEach(m.needs) { n in
                        .tr(.td(.plain(n.areaLabel)), .td(.plain(n.description)), .td(.plain(n.urgencyLabel)), .td(.plain(n.identifiedOn)),
                            .td(.plain("\(n.statusLabel)（\(n.statusOn)）"),
                                .if(m.canUpdate, .form(.method(.post), .action(SiteURL.needStatus(.value(n.id)).relativeURL()), .class("inline"),
                                    FormField.csrf(csrf),
                                    .label(.for("need-\(n.id)"), .plain("改为")),
                                    .select(.id("need-\(n.id)"), .attribute(named: "name", value: "status"),
                                            .forEach(NeedStatus.allCases.filter { $0.rawValue != n.status }) { s in
                                                .element(named: "option", nodes: [.attribute(named: "value", value: s.rawValue), .plain(s.label)])
                                            }),
                                    .button(.type(.submit), .plain("更新"))))))
                    })))),
                .if(m.canUpdate, .group(
                    FormField.summary(m.needErrors.errors),
                    .form(.method(.post), .action(SiteURL.recipientNeeds(.value(id)).relativeURL()), .class("edit"), .id("need-form"),
                        FormField.csrf(csrf),
                        FormField.select("area", label: "服务领域", options: [("", "请选择")] + m.serviceFields.map { ($0.code, $0.label) },
                                         selected: m.needValues["area"], error: m.needErrors.message(for: "area")),
                        FormField.text("description", label: "需求描述", value: m.needValues["description"], error: m.needErrors.message(for: "description"), required: true),
                        FormField.select("urgency", label: "紧急程度", options: NeedUrgency.allCases.map { ($0.rawValue, $0.label) },
                                         selected: m.needValues["urgency"] ?? NeedUrgency.normal.rawValue, error: m.needErrors.message(for: "urgency")),
                        FormField.text("identified_on", label: "发现日期", value: m.needValues["identified_on"], error: m.needErrors.message(for: "identified_on"),
                                       type: .date, required: true),
                        .button(.type(.submit), .plain("登记需求")))))),
            RecipientServicesSection.view(m.services, recipient: id, csrf: csrf),
            CharityServedSection.node(m.charityUsed),
            .if(m.canUpdate, .section(.class("card"), .id("status"),
                .h2("变更状态"),
                FormField.summary(m.statusErrors.errors),
                .form(.method(.post), .action(SiteURL.recipientStatus(.value(id)).relativeURL()), .class("edit"), .id("status-form"),
                    FormField.csrf(csrf),
                    FormField.select("new_status", label: "新状态", options: RecipientStatus.allCases.filter { $0.rawValue != r.status }.map { ($0.rawValue, $0.label) },
                                     selected: m.statusValues["new_status"], error: m.statusErrors.message(for: "new_status")),
                    FormField.text("changed_on", label: "变更日期", value: m.statusValues["changed_on"], error: m.statusErrors.message(for: "changed_on"), type: .date, required: true),
                    FormField.text("status_reason", label: "原因", value: m.statusValues["status_reason"], error: m.statusErrors.message(for: "status_reason"), required: true),
                    .button(.type(.submit), .plain("变更"))))),
            RecipientRecordsSection.sections(m.records, id: id, canUpdate: m.canUpdate, csrf: csrf),
            .section(.class("card"), .id("timeline"),
                .h2("时间线"),
                .ol(.class("timeline"), .forEach(m.events) { e in
                    .li(.strong(.plain("\(e.happenedOn) \(e.kind.label)")), .plain("：\(e.detail)"),
                        .if(!e.reason.isEmpty, .plain("；原因：\(e.reason)")), .span(.class("hint"), .plain("（\(e.actorName)）")))
                }))
        )
    }
}

/// `/stations/{id}/needs`: the station's needs list (V-8), the union of its recipients' needs.
enum StationNeedsPage {
    struct Model {
        var stationID: UUID
        var stationName: String
        var needs: [NeedDTO] = []
        var filter = NeedsService.Filter()
        var serviceFields: [ServiceField] = []
    }

    static func view(_ m: Model, caller: Caller) -> HTML {
        Layout.page(title: "\(m.stationName) 需求清单", path: SiteURL.stationNeeds(.value(m.stationID)).relativeURL(), caller: caller,
            .h1(.plain("\(m.stationName) 需求清单")),
            .form(.method(.get), .action(SiteURL.stationNeeds(.value(m.stationID)).relativeURL()), .class("filters"),
                FormField.select("status", label: "状态", options: [("", "全部")] + NeedStatus.allCases.map { ($0.rawValue, $0.label) },
                                 selected: m.filter.status, error: nil),
                FormField.select("area", label: "服务领域", options: [("", "全部")] + m.serviceFields.map { ($0.code, $0.label) },
                                 selected: m.filter.area, error: nil),
                FormField.select("urgency", label: "紧急程度", options: [("", "全部")] + NeedUrgency.allCases.map { ($0.rawValue, $0.label) },
                                 selected: m.filter.urgency, error: nil),
                .button(.type(.submit), .plain("筛选"))),
            .if(m.needs.isEmpty, .p(.class("empty"), .plain("没有符合条件的需求。"))),
            .if(!m.needs.isEmpty, .div(.class("scroll"), .table(.class("list"), .id("needs"),
                .thead(.tr(.th("服务对象"), .th("村（社区）"), .th("服务领域"), .th("需求"), .th("紧急程度"), .th("发现日期"), .th("状态"))),
                .tbody(.forEach(m.needs) { n in
                    .tr(.td(.a(.href(SiteURL.recipient(.value(n.recipientId)).relativeURL()), .plain(n.recipientName))), .td(.plain(n.villageName ?? "—")),
                        .td(.plain(n.areaLabel)), .td(.plain(n.description)), .td(.plain(n.urgencyLabel)), .td(.plain(n.identifiedOn)),
                        .td(.plain("\(n.statusLabel)（\(n.statusOn)）")))
                }))))
        )
    }
}

extension String {
    /// "（text）", or nothing for empty text.
    var wrappedInParens: String { isEmpty ? "" : "（\(self)）" }
}
