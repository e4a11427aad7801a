import Domain
import Fluent
import Vapor

/// Corrections to a registered recipient (issue 9 §1): contact details, village, follow-up level
/// and guardian. The resident ID, birth date and sex are identity: a wrong ID is a duplicate to
/// merge or a record to close, not a field to overwrite. Absent fields are left as they are; an
/// empty phone or guardian phone clears it.
struct RecipientDetailsInput: Content {
    var name: String?
    var phone: String?
    var address: String?
    /// The village or community by name, under the station's street.
    var village: String?
    /// 0 clears the level.
    var followUpLevel: Int?
    var guardianName: String?
    var guardianPhone: String?
}

/// A category verified again (with its date, by the caller) or ended (issue 9 §1: each category
/// carries the date it was verified and by whom).
struct CategoryInput: Content {
    /// Category code or Chinese label.
    var category: String?
    /// `verify` (default) or `end`.
    var action: String?
    /// The day it was verified or ended; today when absent.
    var on: String?
    var disabilityGrade: String?
    var disabilityType: String?
}

enum RecipientEdit {
    /// Applies the details; every problem at once, nothing written unless all are right.
    static func update(_ r: Recipient, station: Station, _ input: RecipientDetailsInput, req: Request) async throws {
        var v = Validator()
        let key = req.application.settings.dataKey
        func trimmed(_ s: String?) -> String? { s.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } }
        if let name = trimmed(input.name) {
            if name.isEmpty { v.add("name", "姓名必填") } else if name.count > RecipientDraft.nameLimit { v.add("name", "姓名不能超过\(RecipientDraft.nameLimit)个字") }
        }
        var phone: PhoneNumber??
        if let raw = trimmed(input.phone) {
            if raw.isEmpty { phone = .some(nil) } else if let p = PhoneNumber(raw) { phone = p } else { v.add("phone", "联系电话\(PhoneNumber.rule)") }
        }
        if let address = trimmed(input.address), address.count > RecipientDraft.addressLimit {
            v.add("address", "住址不能超过\(RecipientDraft.addressLimit)个字")
        }
        var villageID: UUID?
        if let name = trimmed(input.village) {
            let found = try await StationQueries.village(named: name, ofStreet: station.streetID, on: req.db)
            villageID = found.id
            if villageID == nil { v.add("village", "所在村（社区）“\(name)”不在本社工站所在街道下（可选：\(found.choices.joined(separator: "、"))）") }
        }
        if let level = input.followUpLevel, level != 0 {
            let range = try await RecipientService.profile(of: station, req: req).followUpRange
            if !range.contains(level) { v.add("follow_up_level", "跟进级别应在 \(range.lowerBound)–\(range.upperBound) 之间（本市政策配置）") }
        }
        if let name = trimmed(input.guardianName), name.count > RecipientDraft.nameLimit {
            v.add("guardian_name", "监护人姓名不能超过\(RecipientDraft.nameLimit)个字")
        }
        var guardianPhone: PhoneNumber??
        if let raw = trimmed(input.guardianPhone) {
            if raw.isEmpty { guardianPhone = .some(nil) } else if let p = PhoneNumber(raw) { guardianPhone = p } else { v.add("guardian_phone", "监护人电话\(PhoneNumber.rule)") }
        }
        try v.check()

        let old = r.auditFields
        var changed: [String] = []
        if let name = trimmed(input.name), name != r.name { r.name = name; changed.append("姓名") }
        if let phone {
            r.phoneSealed = try phone.map { try key.seal($0.value) }
            r.phoneHash = phone.map { key.lookupHash($0.value) }
            r.phoneMasked = phone?.masked
            changed.append("联系电话")
        }
        if let address = trimmed(input.address), address != r.address { r.address = address; changed.append("住址") }
        if let villageID, villageID != r.villageID { r.villageID = villageID; changed.append("所在村（社区）") }
        if let level = input.followUpLevel, (level == 0 ? nil : level) != r.followUpLevel { r.followUpLevel = level == 0 ? nil : level; changed.append("跟进级别") }
        if let name = trimmed(input.guardianName), name != (r.guardianName ?? "") { r.guardianName = name.isEmpty ? nil : name; changed.append("监护人") }
        if let guardianPhone {
            r.guardianPhoneSealed = try guardianPhone.map { try key.seal($0.value) }
            r.guardianPhoneMasked = guardianPhone?.masked
            changed.append("监护人电话")
        }
        guard !changed.isEmpty else { return }
        let event = RecipientEvent(recipient: r.id!, kind: .details, on: req.today.description, detail: "修改：" + changed.joined(separator: "、"),
                                   actor: try req.requireCaller())
        try await req.audit.transaction { db, audit in
            try await r.update(on: db)
            try await event.create(on: db)
            audit.change(entityType: "recipient", entityID: r.id, old: old, new: r.auditFields)
        }
    }

    /// Verifies a category again (a new row from that day; the previous one of the same category
    /// ends the same day) or ends it. The last category cannot be ended: a register entry names why
    /// the person is in it (close the record through its status instead).
    static func category(_ r: Recipient, station: Station, _ input: CategoryInput, req: Request) async throws {
        let caller = try req.requireCaller()
        var v = Validator()
        let raw = (input.category ?? "").trimmingCharacters(in: .whitespaces)
        let category = RecipientCategory.parse(raw)
        if category == nil {
            v.add("category", raw.isEmpty ? "请选择人群类别" : "未知的人群类别“\(raw.prefix(20))”（可选：\(RecipientCategory.allCases.map(\.label).joined(separator: "、"))）")
        }
        let ending = input.action == "end"
        if let action = input.action, !["verify", "end"].contains(action) { v.add("action", "操作应为 verify（核实）或 end（结束）") }
        var day = req.today
        if let text = input.on?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            if let d = Day(text), d <= req.today { day = d } else { v.add("on", "日期应为不晚于今天的 YYYY-MM-DD") }
        }
        var grade: DisabilityGrade?
        var type: DisabilityType?
        if category == .disabled, !ending {
            grade = input.disabilityGrade.flatMap(DisabilityGrade.parse)
            type = input.disabilityType.flatMap(DisabilityType.parse)
            if grade == nil { v.add("disability_grade", "残疾人须选择残疾等级（一级至四级）") }
            if type == nil { v.add("disability_type", "残疾人须选择残疾类别") }
        }
        try v.check()
        let active = try await RecipientCategoryRow.query(on: req.db).filter(\.$recipient.$id == r.id!).filter(\.$endedOn == nil).all()
        let current = active.first { $0.category == category }
        if let current, day.description < current.verifiedOn { throw AppError.field("on", "日期不能早于上次核实日期 \(current.verifiedOn)") }
        if ending {
            guard current != nil else { throw AppError.field("category", "“\(category!.label)”当前不是该服务对象的有效类别", status: .conflict) }
            if active.count == 1 { throw AppError.field("category", "这是最后一个有效类别，不能结束；服务对象不再需要服务时请变更状态", status: .conflict) }
        }
        let row = ending ? nil : RecipientService.categoryRow(category!, grade: grade, type: type, recipient: r.id!, station: station.id!,
                                                             verifiedOn: day, caller: caller)
        let detail = ending ? "结束类别：\(category!.label)" : "核实类别：\(category!.label)" + ([grade?.label, type?.label].compactMap { $0 }.joined(separator: "、").wrappedInParens)
        let event = RecipientEvent(recipient: r.id!, kind: .category, on: day.description, detail: detail, actor: caller)
        let before = current, endedOn = day.description
        try await req.audit.transaction { db, audit in
            if let before {
                before.endedOn = endedOn
                try await before.update(on: db)
            }
            try await row?.create(on: db)
            try await event.create(on: db)
            audit.record(.update, entityType: "recipient", entityID: r.id!.uuidString,
                         changes: ["category": [before.map { "\($0.category.rawValue)@\($0.verifiedOn)" }, row.map { "\($0.category.rawValue)@\($0.verifiedOn)" }]])
        }
    }
}
