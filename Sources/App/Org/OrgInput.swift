import Domain
import Fluent
import Vapor

/// A new org unit, from the API or the "add subordinate unit" form.
struct OrgUnitInput: Content {
    var name: String
    var parentId: UUID?
    var divisionCode: String?
    /// Only for a new district: `central_urban` (中心城区) or `new_urban` (新城区), which rule S-2 reads.
    var districtKind: String?
}

/// Changes to an org unit.
struct OrgUnitPatch: Content {
    var name: String?
    var divisionCode: String?
    var villagePost: String?
    /// Districts only (rule S-2): `central_urban` or `new_urban`; "" clears it (absent or null leaves it as it is).
    var districtKind: String?
}

enum OrgValidation {
    /// Division codes: 6 digits down to district level, 9 or 12 for streets/towns, 12 for villages;
    /// a child's code starts with its parent's (the hierarchy is encoded in the code).
    static func divisionCode(_ raw: String?, level: OrgLevel, parent: OrgUnit?, into v: inout Validator) -> String? {
        guard let code = raw?.trimmingCharacters(in: .whitespaces), !code.isEmpty else { return nil }
        let lengths: [Int] = switch level {
        case .city, .district: [6]
        case .street: [9, 12]
        case .village: [12]
        }
        guard code.allSatisfy(\.isASCIIDigit), lengths.contains(code.count) else {
            v.add("division_code", "行政区划代码应为\(lengths.map(String.init).joined(separator: "或"))位数字（\(level.label)）")
            return nil
        }
        // Digits a child shares with its parent: province+city (4), +district (6), +street (9).
        let shared: [OrgLevel: Int] = [.district: 4, .street: 6, .village: 9]
        if let parentCode = parent?.divisionCode, let n = shared[level] {
            let prefix = String(parentCode.prefix(n))
            if !code.hasPrefix(prefix) {
                v.add("division_code", "行政区划代码应以上级单位的代码 \(prefix) 开头")
            }
        }
        return code
    }

    /// A district's kind, which rule S-2 reads (the city admin sets it). nil: unchanged; .some(nil): cleared ("").
    static func districtKind(_ raw: String?, level: OrgLevel, into v: inout Validator) -> DistrictKind?? {
        guard let raw else { return nil }
        guard level == .district else {
            v.add("district_kind", "城区类型（中心城区/新城区）只能为区县设置（规则 S-2），\(level.label)没有城区类型")
            return nil
        }
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .some(nil) }
        guard let kind = DistrictKind(rawValue: trimmed) else {
            let allowed = DistrictKind.allCases.map { "\($0.rawValue)（\($0.label)）" }.joined(separator: "、")
            v.add("district_kind", "未知的城区类型“\(trimmed)”（规则 S-2：可选 \(allowed)）")
            return nil
        }
        return .some(kind)
    }

    static func name(_ raw: String?, into v: inout Validator) -> String {
        let name = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { v.add("name", "名称不能为空") }
        else if name.count > 100 { v.add("name", "名称不能超过100个字") }
        return name
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

enum OrgService {
    static func create(_ input: OrgUnitInput, req: Request) async throws -> OrgUnit {
        var v = Validator()
        let name = OrgValidation.name(input.name, into: &v)
        guard let parentID = input.parentId else {
            v.add("parent_id", "必须指定上级单位")
            throw AppError.invalid(v.errors)
        }
        guard let parent = try await OrgUnit.find(parentID, on: req.db) else {
            throw AppError.field("parent_id", "上级单位不存在（parent_id: \(parentID)）")
        }
        try req.authorize(.create, try await OrgQueries.resource(for: parent, on: req.db))
        guard let level = parent.level.childLevel else {
            throw AppError.field("parent_id", "村/社区是最低一级，不能再建下级单位")
        }
        let code = OrgValidation.divisionCode(input.divisionCode, level: level, parent: parent, into: &v)
        let kind = OrgValidation.districtKind(input.districtKind, level: level, into: &v)
        try v.check()
        if try await OrgUnit.query(on: req.db).filter(\.$parentID == parentID).filter(\.$name == name).first() != nil {
            throw AppError.field("name", "同一上级单位下已有名为“\(name)”的单位", status: .conflict)
        }
        let unit = OrgUnit(name: name, level: level, parent: parent, divisionCode: code)
        if let kind { unit.districtKind = kind }
        try await req.audit.transaction { db, audit in
            try await unit.create(on: db)
            audit.change(entityType: "org_unit", entityID: unit.id, old: nil, new: unit.auditFields)
        }
        req.application.filterOptions.forgetAll()
        return unit
    }

    static func update(_ unit: OrgUnit, _ patch: OrgUnitPatch, req: Request) async throws -> OrgUnit {
        try req.authorize(.update, try await OrgQueries.resource(for: unit, on: req.db))
        let old = unit.auditFields
        var v = Validator()
        if let name = patch.name { unit.name = OrgValidation.name(name, into: &v) }
        if let raw = patch.divisionCode {
            let parent = try await unit.parentID.asyncMap { try await OrgUnit.find($0, on: req.db) } ?? nil
            unit.divisionCode = OrgValidation.divisionCode(raw, level: unit.level, parent: parent, into: &v)
        }
        if let raw = patch.villagePost {
            if let post = VillagePost(rawValue: raw), unit.level == .village || post == .none {
                unit.villagePost = post
            } else {
                v.add("village_post", "社工室/社工点只能设在村/社区，取值为 none、room 或 point")
            }
        }
        if let kind = OrgValidation.districtKind(patch.districtKind, level: unit.level, into: &v) { unit.districtKind = kind }
        try v.check()
        try await req.audit.transaction { db, audit in
            try await unit.save(on: db)
            audit.change(entityType: "org_unit", entityID: unit.id, old: old, new: unit.auditFields)
        }
        req.application.filterOptions.forgetAll()
        return unit
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
