import Domain
import Plot
import Vapor

enum StationList {
    struct Model {
        var rows: [StationQueries.Summary]
        var paging: Paging
        var filter: StationQueries.Filter
        var districts: [OrgQueries.UnitRef]
        var streets: [OrgQueries.UnitRef]
        var canCreate: Bool
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        func link(page: Int) -> String {
            var items = ["page=\(page)"]
            if let d = m.filter.district { items.append("district=\(d)") }
            if let s = m.filter.street { items.append("street=\(s)") }
            if let q = m.filter.q, !q.isEmpty { items.append("q=" + (q.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")) }
            return SiteURL.stations.relativeURL() + "?" + items.joined(separator: "&")
        }
        return Layout.page(title: "社工站", path: SiteURL.stations.relativeURL(), caller: caller, csrf: csrf,
            .div(.class("title-row"),
                 .h1("社工站"),
                 .if(m.canCreate, .a(.class("button"), .href(SiteURL.stationsNew.relativeURL()), .plain("新建社工站")))),
            .form(.class("filters"), .method(.get), .action(SiteURL.stations.relativeURL()),
                  FormField.select("district", label: "区县", options: [("", "全部")] + m.districts.map { ($0.id.uuidString, $0.name) },
                                   selected: m.filter.district?.uuidString, error: nil),
                  FormField.select("street", label: "街道/乡镇", options: [("", "全部")] + m.streets.map { ($0.id.uuidString, $0.name) },
                                   selected: m.filter.street?.uuidString, error: nil),
                  FormField.text("q", label: "名称", value: m.filter.q, error: nil, type: .search),
                  .button(.type(.submit), .plain("筛选"))),
            .if(m.rows.isEmpty, .p(.class("empty"), .plain("没有符合条件的社工站。"))),
            .if(!m.rows.isEmpty, .table(.class("list"),
                .thead(.tr(.th("名称"), .th("区县"), .th("街道/乡镇"), .th("承接机构"))),
                .tbody(.forEach(m.rows) { row in
                    .tr(.td(.a(.href(SiteURL.station(.value(row.id)).relativeURL()), .plain(row.name))),
                        .td(.plain(row.districtName)),
                        .td(.plain(row.streetName)),
                        .td(.plain(row.operatorName ?? "未登记")))
                }))),
            m.paging.nav(link: link)
        )
    }
}

enum StationShow {
    struct Model {
        var summary: StationQueries.Summary
        var rooms: [RoomKind: StationQueries.RoomRow]
        var villages: [Village]
        var operatorHistory: [StationOperatorPeriod.Row]
        var canEdit: Bool
        var canOpenDistrict: Bool
        var canOpenStreet: Bool
        /// The key-population library's counts (R-1); nil for a caller who may not read recipients.
        var keyPopulation: RecipientQueries.StationCounts?
        /// R-1's other three libraries, shown beside the key-population one (nil with it).
        var libraries: StationFacts.Libraries?
        /// Whether the city's profile has featured projects (V-3's "N"): the station then has a tab for them.
        var featuredProjects = false
        /// A confirmation after a successful save (`Saved`).
        var notice: String?
    }

    /// The four resource libraries of rule R-1 together: entries, last update, and where to see them.
    static func libraryPanel(_ l: StationFacts.Libraries, keyPopulation: RecipientQueries.StationCounts?, station: UUID) -> Node<HTML.BodyContext> {
        let rows: [(String, String, String?, String)] = [
            ("政策资源库", "\(l.policies.count) 条", l.policies.lastUpdated?.description, SiteURL.policyLibrary.relativeURL()),
            ("辖区重点人群信息库", "\(keyPopulation?.active ?? 0) 人", keyPopulation?.lastUpdated, SiteURL.recipients.relativeURL(["station": station.uuidString])),
            ("社会慈善资源库", "\(l.charity.count) 项", l.charity.lastUpdated?.description, SiteURL.charityResources.relativeURL(["station": station.uuidString])),
            ("志愿服务资源库", "\(l.volunteers.count) 人", l.volunteers.lastUpdated?.description, SiteURL.volunteers.relativeURL(["station": station.uuidString])),
        ]
        return .section(.id("libraries"),
            .h2("四个资源库（R-1）"),
            .table(.class("list"),
                .thead(.tr(.th("资源库"), .th("条目"), .th("最后更新"))),
                .tbody(.forEach(rows) { name, count, updated, link in
                    .tr(.td(.a(.href(link), .plain(name))), .td(.class("num"), .plain(count)), .td(.plain(updated ?? "尚未建立")))
                })))
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let s = m.summary
        let rooms = m.rooms
        return Layout.page(title: s.name, path: SiteURL.stations.relativeURL(), caller: caller, csrf: csrf,
            .nav(.class("crumbs"),
                 .a(.href(SiteURL.stations.relativeURL()), .plain("社工站")), .plain(" / "),
                 .if(m.canOpenDistrict, .a(.href(SiteURL.orgUnit(.value(m.summary.districtId)).relativeURL()), .plain(m.summary.districtName)),
                     else: .span(.plain(m.summary.districtName))), .plain(" / "),
                 .if(m.canOpenStreet, .a(.href(SiteURL.orgUnit(.value(m.summary.streetId)).relativeURL()), .plain(m.summary.streetName)),
                     else: .span(.plain(m.summary.streetName)))),
            .div(.class("title-row"),
                 .h1(.plain(s.name)),
                 .if(m.canEdit, .a(.class("button"), .href(SiteURL.stationEdit(.value(s.id)).relativeURL()), .plain("编辑")))),
            Saved.node(m.notice),
            // Everything kept about the station is one click away.
            .nav(.class("tabs"), .ul(
                .li(.a(.href(SiteURL.stationCompliance(.value(s.id)).relativeURL()), .plain("合规检查"))),
                .li(.a(.href(SiteURL.stationStaff(.value(s.id)).relativeURL()), .plain("社工与督导"))),
                .li(.a(.href(SiteURL.stationSupervision(.value(s.id)).relativeURL()), .plain("督导记录"))),
                .li(.a(.href(SiteURL.stationTraining(.value(s.id)).relativeURL()), .plain("培训记录"))),
                .if(m.keyPopulation != nil, .group(
                    .li(.a(.href(SiteURL.recipients.relativeURL(["station": s.id.uuidString])), .plain("服务对象"))),
                    .li(.a(.href(SiteURL.stationNeeds(.value(s.id)).relativeURL()), .plain("需求清单"))),
                    .li(.a(.href(SiteURL.cases.relativeURL(["station": s.id.uuidString])), .plain("个案"))),
                    .li(.a(.href(SiteURL.groups.relativeURL(["station": s.id.uuidString])), .plain("小组"))),
                    .li(.a(.href(SiteURL.events.relativeURL(["station": s.id.uuidString])), .plain("社区活动"))),
                    .li(.a(.href(SiteURL.referrals.relativeURL()), .plain("转介"))),
                    .li(.a(.href(SiteURL.assistance.relativeURL(["station": s.id.uuidString])), .plain("救助协助"))),
                    .li(.a(.href(SiteURL.stationVisits(.value(s.id)).relativeURL()), .plain("走访记录"))),
                    .li(.a(.href(SiteURL.dashboard.relativeURL(["station": s.id.uuidString])), .plain("服务统计"))),
                    .li(.a(.href(SiteURL.stationFocusFields(.value(s.id)).relativeURL()), .plain("重点服务领域"))),
                    .if(m.featuredProjects, .li(.a(.href(SiteURL.stationFeaturedProjects(.value(s.id)).relativeURL()), .plain("特色项目")))))))),
            .dl(.class("facts"),
                .dt("地址"), .dd(.plain(s.address.isEmpty ? "未填写" : s.address)),
                .dt("启用日期"), .dd(.plain(s.openedOn ?? "未填写")),
                .dt("承接机构"), .dd(.plain(m.summary.operatorName.map { "\($0)（统一社会信用代码 \(m.summary.operatorCreditCode ?? "")）" } ?? "未登记")),
                .dt("标识标牌（P-4）"), .dd(.plain("室外：\(s.outdoorSign ? "已设置" : "未设置")；室内：\(s.indoorSign ? "已设置" : "未设置")")),
                .dt(.plain(ContractFact.contractStartedOn.label)), .dd(.id("contract-started-on"), .plain(s.contractStartedOn ?? "未填写")),
                .dt(.plain(ContractFact.annualContractAmount.label)), .dd(.id("annual-contract-amount"), .plain(s.annualContractAmount.map { Format.amount($0) + " 元" } ?? "未填写")),
                .dt(.plain(ContractFact.annualPersonnelBudget.label)), .dd(.id("annual-personnel-budget"), .plain(s.annualPersonnelBudget.map { Format.amount($0) + " 元" } ?? "未填写")),
                .dt(.plain(StationEdit.demonstrationLabel)), .dd(.id("is-demonstration"), .plain(s.isDemonstration ? "是（示范点专项规则适用）" : "否"))),
            .if(!m.operatorHistory.isEmpty, .group(
                .h2("承接机构记录"),
                .ul(.id("operator-history"), .forEach(m.operatorHistory) { p in
                    .li(.plain("\(p.operatorName)：\(p.startedOn.map { "\($0) 起" } ?? "起始日未记录")"
                               + (p.endedOn.map { "，\($0) 退出" } ?? "，承接中")),
                        .unwrap(p.handover) { .small(.plain("　\($0)")) })
                }))),
            .unwrap(m.libraries) { libraries in
                libraryPanel(libraries, keyPopulation: m.keyPopulation, station: s.id)
            },
            .unwrap(m.keyPopulation) { counts in
                .section(.id("key-population"),
                    .h2("辖区重点人群（R-1）"),
                    .p(.plain("在册 \(counts.active) 人" + (counts.lastUpdated.map { "，最近更新 \($0)" } ?? "，尚未登记"))),
                    .if(!counts.byCategory.isEmpty, .div(.class("scroll"), .table(.class("list"), .id("by-category"),
                        .thead(.tr(.th("人群类别"), .th("人数"))),
                        .tbody(.forEach(counts.byCategory) { c, n in
                            .tr(.td(.a(.href(SiteURL.recipients.relativeURL(["station": s.id.uuidString, "category": c.rawValue])), .plain(c.label))),
                                .td(.class("num"), .plain(String(n))))
                        })))),
                    .if(!counts.byVillage.isEmpty, .div(.class("scroll"), .table(.class("list"), .id("by-village"),
                        .thead(.tr(.th("村（社区）"), .th("人数"))),
                        .tbody(.forEach(counts.byVillage) { id, name, n in
                            .tr(.td(id.map { .a(.href(SiteURL.recipients.relativeURL(["station": s.id.uuidString, "village": $0.uuidString])), .plain(name)) } ?? .plain(name)),
                                .td(.class("num"), .plain(String(n))))
                        })))))
            },
            .h2("功能室（P-1）"),
            .table(.class("list"), .id("rooms"),
                .thead(.tr(.th("功能室"), .th("面积（平方米）"), .th("设置方式"))),
                .tbody(.forEach(RoomKind.allCases) { kind in
                    .tr(.data(named: "kind", value: kind.rawValue),
                        .td(.plain(kind.label)),
                        .td(.class("num"), .plain(rooms[kind].map { Format.area($0.area) } ?? "未设置")),
                        .td(.plain(rooms[kind].map { $0.shared ? "与公共资源共享" : "独立设置" } ?? "—")))
                })),
            .h2("办公设备（P-5）"),
            .ul(.class("checklist"), .forEach(Equipment.allCases) { item in
                .li(.class(s.equipment.contains(item) ? "yes" : "no"), .plain((s.equipment.contains(item) ? "✓ " : "✗ ") + item.label))
            }),
            .h2("村/社区社工阵地"),
            .if(m.villages.isEmpty, .p(.class("empty"), .plain("本街道/乡镇下尚无村/社区。"))),
            .if(!m.villages.isEmpty, .table(.class("list"),
                .thead(.tr(.th("村/社区"), .th("社工室/社工点"))),
                .tbody(.forEach(m.villages) { v in .tr(.td(.a(.href(SiteURL.orgUnit(.value(v.id)).relativeURL()), .plain(v.name))), .td(.plain(v.villagePost.label))) })))
        )
    }
}

enum StationEdit {
    /// The form's values as typed, so that a rejected form comes back as the user left it.
    struct Model {
        var station: Station?
        var streets: [OrgQueries.UnitRef]
        var villages: [OrgQueries.UnitRef]
        /// The operators registered in the city, to choose from.
        var operators: [OperatorOrg]
        var values: [String: String]
        var errors: Validator
        /// The caller buys the station's service (district or city): the contract facts are theirs to set.
        var canEditContract: Bool = false
        /// The caller is the city admin, who accepts demonstration stations (is_demonstration).
        var canDesignateDemonstration: Bool = false
        /// The caller buys the service (district or city), so may hand the station to another operator
        /// (and give the old one's exit date, A-5); anyone else sees the operator read-only.
        var canChangeOperator: Bool = true

        /// The station's operator as the read-only line shows it.
        var operatorName: String? {
            guard let id = station?.$operator.id else { return nil }
            return operators.first { $0.id == id }.map { "\($0.name)（\($0.creditCode)）" } ?? "已登记的承接机构"
        }
    }

    static let demonstrationLabel = "示范点（市民政局认定）"

    static func values(of s: Station, operatorOrg: OperatorOrg?, villages: [OrgQueries.UnitRef]) -> [String: String] {
        var v: [String: String] = ["name": s.name, "address": s.address, "opened_on": s.openedOn ?? "",
                                   "operator_id": operatorOrg?.id?.uuidString ?? ""]
        for room in s.rooms {
            v["area_\(room.kind.rawValue)"] = Format.area(room.area)
            if room.shared { v["shared_\(room.kind.rawValue)"] = "on" }
        }
        for item in s.equipment { v["equipment_\(item.rawValue)"] = "on" }
        if s.outdoorSign { v["outdoor_sign"] = "on" }
        if s.indoorSign { v["indoor_sign"] = "on" }
        for village in villages { v["post_\(village.id)"] = village.villagePost.rawValue }
        v[ContractFact.contractStartedOn.rawValue] = s.contractStartedOn ?? ""
        v[ContractFact.annualContractAmount.rawValue] = s.annualContractAmount.map(Format.amount) ?? ""
        v[ContractFact.annualPersonnelBudget.rawValue] = s.annualPersonnelBudget.map(Format.amount) ?? ""
        if s.isDemonstration { v["is_demonstration"] = "on" }
        return v
    }

    /// The contract facts of a submitted form: only read when the form carries them (it shows them
    /// to the purchaser only); an empty field clears the fact.
    static func contract(from form: [String: String], into input: inout StationInput, errors v: inout Validator) -> Set<ContractFact> {
        var clearing: Set<ContractFact> = []
        for fact in ContractFact.allCases {
            guard let raw = form[fact.rawValue]?.trimmingCharacters(in: .whitespaces) else { continue }
            if raw.isEmpty { clearing.insert(fact); continue }
            switch fact {
            case .contractStartedOn: input.contractStartedOn = raw
            case .annualContractAmount, .annualPersonnelBudget:
                guard let value = Double(raw.replacingOccurrences(of: ",", with: "")) else {
                    v.add(fact.rawValue, "\(fact.label)应为数字（元），“\(raw)”不是数字")
                    continue
                }
                if fact == .annualContractAmount { input.annualContractAmount = value } else { input.annualPersonnelBudget = value }
            }
        }
        return clearing
    }

    /// Reads the submitted form into the same input the API takes.
    static func input(from form: [String: String], villages: [OrgQueries.UnitRef], isCreate: Bool) -> (StationInput, Validator) {
        var v = Validator()
        var input = StationInput()
        if isCreate { input.streetId = form["street_id"].flatMap(UUID.init(uuidString:)) }
        input.name = form["name"] ?? ""
        input.address = form["address"] ?? ""
        input.openedOn = form["opened_on"] ?? ""
        // Absent (the read-only form of a street officer or an operator): the operator stays as it is.
        input.operatorId = isCreate ? (form["operator_id"] ?? "") : form["operator_id"]
        if !isCreate { input.operatorExitOn = form["operator_exit_on"] }
        if !isCreate {
            var rooms: [StationInput.Room] = []
            for kind in RoomKind.allCases {
                let raw = (form["area_\(kind.rawValue)"] ?? "").trimmingCharacters(in: .whitespaces)
                if raw.isEmpty { continue }
                guard let area = v.number(raw, field: "area_\(kind.rawValue)", label: "\(kind.label)面积", bounds: .roomArea) else { continue }
                rooms.append(.init(kind: kind.rawValue, area: area, shared: form["shared_\(kind.rawValue)"] != nil))
            }
            input.rooms = rooms
            input.equipment = Equipment.allCases.filter { form["equipment_\($0.rawValue)"] != nil }.map(\.rawValue)
            input.outdoorSign = form["outdoor_sign"] != nil
            input.indoorSign = form["indoor_sign"] != nil
            input.villagePosts = Dictionary(uniqueKeysWithValues: villages.map { ($0.id.uuidString, form["post_\($0.id)"] ?? VillagePost.none.rawValue) })
        }
        return (input, v)
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let values = m.values
        let err = m.errors
        let isCreate = m.station == nil
        let title = isCreate ? "新建社工站" : "编辑：\(m.station!.name)"
        let action = (isCreate ? SiteURL.stationsNew : SiteURL.stationEdit(.value(m.station!.id!))).relativeURL()
        return Layout.page(title: title, path: SiteURL.stations.relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain(title)),
            FormField.summary(err.errors),
            .form(.method(.post), .action(action), .class("edit"),
                FormField.csrf(csrf),
                .if(isCreate, FormField.select("street_id", label: "所在街道/乡镇", options: [("", "请选择")] + m.streets.map { ($0.id.uuidString, $0.name) },
                                               selected: values["street_id"], error: err.message(for: "street_id"))),
                FormField.text("name", label: "站点名称", value: values["name"], error: err.message(for: "name"),
                               hint: isCreate ? "留空则按规则 P-4 命名为“XX区XX街道社会工作服务站”" : nil),
                FormField.text("address", label: "地址", value: values["address"], error: err.message(for: "address")),
                FormField.text("opened_on", label: "启用日期", value: values["opened_on"], error: err.message(for: "opened_on"), type: .date),
                .if(m.canChangeOperator, .group(
                    FormField.select("operator_id", label: "承接机构（由市民政局登记后可选）",
                                     options: [("", "未确定")] + m.operators.map { ($0.id?.uuidString ?? "", "\($0.name)（\($0.creditCode)）") },
                                     selected: values["operator_id"], error: err.message(for: "operator_id")),
                    .if(!isCreate, FormField.text("operator_exit_on", label: "原承接机构退出日期", value: values["operator_exit_on"],
                                                  error: err.message(for: "operator_exit_on"), type: .date,
                                                  hint: "更换或移除承接机构时必填：规则 A-5 的档案移交期限自此日起算")))),
                .if(!m.canChangeOperator, .p(.class("readonly"), .id("operator-readonly"),
                    .strong(.plain("承接机构：")), .plain(m.operatorName ?? "未确定"),
                    .span(.class("hint"), .plain("（由区县或市民政局更换；退出日期随更换一并填写）")))),
                .if(m.canEditContract, .fieldset(.element(named: "legend", text: "服务合同（区县或市民政局填写，规则 S-6、S-7、S-8）"),
                    FormField.text(ContractFact.contractStartedOn.rawValue, label: ContractFact.contractStartedOn.label,
                                   value: values[ContractFact.contractStartedOn.rawValue], error: err.message(for: ContractFact.contractStartedOn.rawValue),
                                   type: .date, hint: "S-6 的合同年度自此日起算；留空表示未填写"),
                    FormField.text(ContractFact.annualContractAmount.rawValue, label: ContractFact.annualContractAmount.label,
                                   value: values[ContractFact.annualContractAmount.rawValue], error: err.message(for: ContractFact.annualContractAmount.rawValue),
                                   hint: "0 至 1 亿元；留空表示未填写"),
                    FormField.text(ContractFact.annualPersonnelBudget.rawValue, label: ContractFact.annualPersonnelBudget.label,
                                   value: values[ContractFact.annualPersonnelBudget.rawValue], error: err.message(for: ContractFact.annualPersonnelBudget.rawValue),
                                   hint: "0 至 1 亿元；留空表示未填写"))),
                .if(!isCreate && m.canDesignateDemonstration, .fieldset(.element(named: "legend", text: "示范点（市民政局填写）"),
                    FormField.checkbox("is_demonstration", label: "本站为示范点（示范点专项规则据此适用）", checked: values["is_demonstration"] != nil))),
                .if(!isCreate, .group(
                    .fieldset(.element(named: "legend", text: "功能室面积（平方米，规则 P-1）"),
                        .forEach(RoomKind.allCases) { kind in
                            .div(.class("room"),
                                 FormField.text("area_\(kind.rawValue)", label: kind.label, value: values["area_\(kind.rawValue)"],
                                                error: err.message(for: "area_\(kind.rawValue)"), hint: "不设置请留空"),
                                 FormField.checkbox("shared_\(kind.rawValue)", label: "与公共资源共享", checked: values["shared_\(kind.rawValue)"] != nil))
                        }),
                    .fieldset(.element(named: "legend", text: "办公设备（规则 P-5）"),
                        .forEach(Equipment.allCases) { item in
                            FormField.checkbox("equipment_\(item.rawValue)", label: item.label, checked: values["equipment_\(item.rawValue)"] != nil)
                        }),
                    .fieldset(.element(named: "legend", text: "标识标牌（规则 P-4）"),
                        FormField.checkbox("outdoor_sign", label: "室外标牌", checked: values["outdoor_sign"] != nil),
                        FormField.checkbox("indoor_sign", label: "室内标牌", checked: values["indoor_sign"] != nil)),
                    .if(!m.villages.isEmpty, .fieldset(.element(named: "legend", text: "村/社区社工阵地"),
                        .forEach(m.villages) { village in
                            FormField.select("post_\(village.id)", label: village.name,
                                             options: VillagePost.allCases.map { ($0.rawValue, $0.label) },
                                             selected: values["post_\(village.id)"], error: err.message(for: "post_\(village.id)"))
                        })))),
                .div(.class("actions"),
                     .button(.type(.submit), .plain("保存")),
                     .a(.href((isCreate ? SiteURL.stations : SiteURL.station(.value(m.station!.id!))).relativeURL()), .plain("取消"))))
        )
    }
}

enum Format {
    /// Yuan as typed: whole yuan without decimals, otherwise fen.
    static func amount(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.2f", value)
    }

    static func area(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }
}
