import Domain
import Fluent
import Vapor

/// An operator organisation (承接机构) is its own record: registered and renamed by the city admin
/// of the city it is registered in; a station refers to one by id, chosen from its city's list.
struct OperatorInput: Content {
    var name: String?
    /// Only on create: the 统一社会信用代码 is the organisation's identity and does not change.
    var creditCode: String?
    /// Only on create, and only needed when the caller administers more than one city.
    var cityId: UUID?
}

enum OperatorService {
    static let maxNameLength = 100

    /// Where an operator sits for access: its city, and the operator itself for its own staff.
    static func resource(_ op: OperatorOrg, on db: any Database) async throws -> Access.Resource {
        let cityPath = try await OrgUnit.find(op.cityID, on: db)?.path ?? ""
        return Access.Resource(kind: .operatorOrg, paths: [cityPath], operatorIDs: [try op.requireID().uuidString])
    }

    /// The ids of the cities the caller works in; nil for a platform administrator (every city).
    static func cityIDs(of caller: Caller) -> [UUID]? {
        if caller.assignments.contains(where: { $0.scope == .platform }) { return nil }
        return Array(Set(caller.assignments.compactMap { OrgPath.ids($0.placePath).first.flatMap(UUID.init(uuidString:)) }))
    }

    /// The operators registered in the caller's cities, by name.
    static func visible(to caller: Caller, on db: any Database) async throws -> [OperatorOrg] {
        let query = OperatorOrg.query(on: db).sort(\.$name)
        if let cities = cityIDs(of: caller) {
            guard !cities.isEmpty else { return [] }
            query.filter(\.$cityID ~~ cities)
        }
        return try await query.all()
    }

    /// The operators a station of `cityID` may be given.
    static func inCity(_ cityID: UUID, on db: any Database) async throws -> [OperatorOrg] {
        try await OperatorOrg.query(on: db).filter(\.$cityID == cityID).sort(\.$name).all()
    }

    private static func checkedName(_ raw: String?, into v: inout Validator) -> String? {
        let name = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { v.add("name", "机构名称不能为空"); return nil }
        if name.count > maxNameLength { v.add("name", "机构名称不能超过 \(maxNameLength) 个字"); return nil }
        return name
    }

    static func create(_ input: OperatorInput, req: Request) async throws -> OperatorOrg {
        let caller = try req.requireCaller()
        var v = Validator()
        let name = checkedName(input.name, into: &v)
        var code: String?
        do { code = try CreditCode((input.creditCode ?? "").trimmingCharacters(in: .whitespaces)).value }
        catch { v.add("credit_code", "统一社会信用代码无效：\(error.label)") }
        let cities = cityIDs(of: caller) ?? []
        let cityID: UUID? = input.cityId ?? (cities.count == 1 ? cities[0] : nil)
        if cityID == nil { v.add("city_id", "请指定承接机构登记所在的市") }
        try v.check()
        guard let cityID, let city = try await OrgUnit.find(cityID, on: req.db), city.level == .city else {
            throw AppError.field("city_id", "未找到该市")
        }
        let op = OperatorOrg(name: name!, creditCode: code!, cityID: cityID)
        try req.authorize(.create, Access.Resource(kind: .operatorOrg, paths: [city.path], operatorIDs: [op.id!.uuidString]))
        return try await req.audit.transaction { db, audit in
            // Inside the write lock, so two registrations of one code give one record and a 409.
            if let existing = try await OperatorOrg.query(on: db).filter(\.$creditCode == op.creditCode).first() {
                let mine = existing.cityID == cityID
                throw AppError.field("credit_code", mine ? "统一社会信用代码 \(op.creditCode) 已登记为“\(existing.name)”" : "统一社会信用代码 \(op.creditCode) 已在其他城市登记",
                                     status: .conflict)
            }
            try await op.create(on: db)
            audit.change(entityType: "operator", entityID: op.id, old: nil, new: op.auditFields)
            return op
        }
    }

    static func update(_ op: OperatorOrg, _ input: OperatorInput, req: Request) async throws -> OperatorOrg {
        try req.authorize(.update, try await resource(op, on: req.db))
        var v = Validator()
        if let code = input.creditCode, code.trimmingCharacters(in: .whitespaces) != op.creditCode {
            v.add("credit_code", "统一社会信用代码不能修改；机构不同请另行登记")
        }
        if input.cityId != nil && input.cityId != op.cityID { v.add("city_id", "登记所在的市不能修改") }
        let name = input.name == nil ? op.name : checkedName(input.name, into: &v)
        try v.check()
        let old = op.auditFields
        op.name = name!
        return try await req.audit.transaction { db, audit in
            try await op.save(on: db)
            audit.change(entityType: "operator", entityID: op.id, old: old, new: op.auditFields)
            return op
        }
    }
}

extension OperatorOrg {
    var auditFields: [String: String] { ["name": name, "credit_code": creditCode, "city_id": cityID.uuidString] }
}
