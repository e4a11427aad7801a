import Domain
import Fluent
import Foundation
import Vapor

/// A station's editable data, as the API and the edit form both deliver it.
/// Enumerated values arrive as strings so that an unknown one gets a message naming it.
struct StationInput: Content {
    struct Room: Content {
        var kind: String
        var area: Double
        var shared: Bool?
    }

    /// Only on create: the street/town the station serves.
    var streetId: UUID?
    var name: String?
    var address: String?
    var openedOn: String?
    var operatorName: String?
    var operatorCreditCode: String?
    var rooms: [Room]?
    var equipment: [String]?
    var outdoorSign: Bool?
    var indoorSign: Bool?
    /// Village/community id → "none", "room" (社工室) or "point" (社工点).
    var villagePosts: [String: String]?
}

/// Validates a `StationInput` and applies it in one audited transaction.
enum StationService {
    static let maxArea = 100_000.0

    struct Checked {
        var name: String?
        var address: String?
        var openedOn: String??
        var operatorOrg: (name: String, code: String)??
        var rooms: [(RoomKind, Double, Bool)]?
        var equipment: [Equipment]?
        var villagePosts: [(UUID, VillagePost)]?
        var outdoorSign: Bool?
        var indoorSign: Bool?
    }

    static func check(_ input: StationInput, isCreate: Bool, today: Date = Date()) -> (Checked, Validator) {
        var v = Validator()
        var c = Checked(outdoorSign: input.outdoorSign, indoorSign: input.indoorSign)
        if let name = input.name {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            // Rule P-4: on create an empty name takes the default "XX区XX街道社会工作服务站".
            if trimmed.isEmpty && !isCreate { v.add("name", "站点名称不能为空") }
            else if trimmed.count > 100 { v.add("name", "站点名称不能超过100个字") }
            else if !trimmed.isEmpty { c.name = trimmed }
        }
        if let address = input.address {
            let trimmed = address.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.count > 200 { v.add("address", "地址不能超过200个字") } else { c.address = trimmed }
        }
        if let raw = input.openedOn {
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { c.openedOn = .some(nil) }
            else if let date = CalendarDate.parse(trimmed) {
                if date > today { v.add("opened_on", "启用日期不能晚于今天") } else { c.openedOn = .some(trimmed) }
            } else { v.add("opened_on", "启用日期格式应为 年-月-日，例如 2021-06-30") }
        }
        if input.operatorName != nil || input.operatorCreditCode != nil {
            let name = (input.operatorName ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let code = (input.operatorCreditCode ?? "").trimmingCharacters(in: .whitespaces)
            if name.isEmpty && code.isEmpty { c.operatorOrg = .some(nil) }
            else if name.isEmpty { v.add("operator_name", "填写了统一社会信用代码时，承接机构名称不能为空") }
            else {
                do { c.operatorOrg = .some((name, try CreditCode(code).value)) }
                catch { v.add("operator_credit_code", "承接机构统一社会信用代码无效：\(error.label)") }
            }
        }
        if let rooms = input.rooms {
            var seen = Set<RoomKind>()
            var checked: [(RoomKind, Double, Bool)] = []
            for (i, room) in rooms.enumerated() {
                guard let kind = RoomKind(rawValue: room.kind) else {
                    v.add("rooms[\(i)].kind", "未知的功能室类型“\(room.kind)”（规则 P-1：可选 \(RoomKind.allCases.map(\.rawValue).joined(separator: "、"))）")
                    continue
                }
                if !seen.insert(kind).inserted { v.add("rooms[\(i)].kind", "\(kind.label)重复填写") }
                if !room.area.isFinite || room.area <= 0 { v.add("area_\(kind.rawValue)", "\(kind.label)面积必须大于 0 平方米") }
                else if room.area > maxArea { v.add("area_\(kind.rawValue)", "\(kind.label)面积不能超过 \(Int(maxArea)) 平方米") }
                checked.append((kind, room.area, room.shared ?? false))
            }
            c.rooms = checked
        }
        if let equipment = input.equipment {
            var items: [Equipment] = []
            for raw in equipment {
                if let item = Equipment(rawValue: raw) { items.append(item) }
                else { v.add("equipment", "未知的设备类型“\(raw)”（规则 P-5）") }
            }
            c.equipment = items
        }
        if let posts = input.villagePosts {
            var checked: [(UUID, VillagePost)] = []
            for (key, raw) in posts.sorted(by: { $0.key < $1.key }) {
                guard let id = UUID(uuidString: key) else { v.add("village_posts", "村/社区编号“\(key)”无效"); continue }
                guard let post = VillagePost(rawValue: raw) else { v.add("post_\(key)", "未知的村居社工阵地类型“\(raw)”（可选 none、room、point）"); continue }
                checked.append((id, post))
            }
            c.villagePosts = checked
        }
        return (c, v)
    }

    /// Creates a station on a street/town (one per street) with the input applied.
    static func create(_ input: StationInput, req: Request) async throws -> Station {
        var (checked, v) = check(input, isCreate: true)
        guard let streetID = input.streetId else {
            v.add("street_id", "必须指定社工站所在的街道/乡镇")
            throw AppError.invalid(v.errors)
        }
        guard let street = try await OrgUnit.find(streetID, on: req.db) else {
            throw AppError.field("street_id", "街道/乡镇不存在（street_id: \(streetID)）")
        }
        let lineage = street.lineageIDs
        // Whether the caller may create here depends on whether it can see the street.
        let streetResource = try await OrgQueries.resource(for: street, on: req.db)
        try req.authorize(.create, Access.Resource(kind: .station, paths: streetResource.paths, operatorIDs: streetResource.operatorIDs))
        guard street.level == .street, lineage.count == 3 else {
            throw AppError.field("street_id", "社工站只能设在街道/乡镇一级，“\(street.name)”是\(street.level.label)")
        }
        try v.check()
        if try await Station.query(on: req.db).filter(\.$streetID == streetID).first() != nil {
            throw AppError.field("street_id", "“\(street.name)”已有社工站，每个街道/乡镇只设一个", status: .conflict)
        }
        let station = Station(street: street, districtID: lineage[1], cityID: lineage[0])
        if checked.name == nil, let district = try await OrgUnit.find(lineage[1], on: req.db) {
            checked.name = StationNaming.defaultName(district: district.name, street: street.name)
        }
        return try await save(station, checked, isNew: true, req: req)
    }

    static func update(_ station: Station, _ input: StationInput, req: Request) async throws -> Station {
        try req.authorize(.update, resource(station))
        let (checked, v) = check(input, isCreate: false)
        try v.check()
        return try await save(station, checked, isNew: false, req: req)
    }

    static func resource(_ station: Station) -> Access.Resource {
        Access.Resource(kind: .station, paths: [station.path], operatorIDs: Set([station.$operator.id?.uuidString].compactMap { $0 }))
    }

    private static func save(_ station: Station, _ c: Checked, isNew: Bool, req: Request) async throws -> Station {
        let villages: [UUID: OrgUnit]
        if let posts = c.villagePosts, !posts.isEmpty {
            let units = try await OrgUnit.query(on: req.db).filter(\.$id ~~ posts.map(\.0)).all()
            villages = Dictionary(uniqueKeysWithValues: units.map { ($0.id!, $0) })
            if let stray = posts.first(where: { villages[$0.0]?.level != .village || villages[$0.0]?.parentID != station.streetID }) {
                throw AppError.field("post_\(stray.0)", "村/社区（\(stray.0)）不属于本站所在的街道/乡镇")
            }
        } else {
            villages = [:]
        }
        let existingOperator: OperatorOrg? = if case .some(.some(let op)) = c.operatorOrg {
            try await OperatorOrg.query(on: req.db).filter(\.$creditCode == op.code).first()
        } else { nil }

        return try await req.audit.transaction { db, audit in
            let old = isNew ? nil : station.auditFields
            if let name = c.name { station.name = name }
            if let address = c.address { station.address = address }
            if let openedOn = c.openedOn { station.openedOn = openedOn }
            if let equipment = c.equipment { station.equipment = equipment }
            if let outdoor = c.outdoorSign { station.outdoorSign = outdoor }
            if let indoor = c.indoorSign { station.indoorSign = indoor }
            if let choice = c.operatorOrg {
                if let op = choice {
                    let org = existingOperator ?? OperatorOrg(name: op.name, creditCode: op.code, cityID: station.cityID)
                    let oldOp = existingOperator?.auditFields
                    org.name = op.name
                    try await org.save(on: db)
                    audit.change(entityType: "operator", entityID: org.id, old: oldOp, new: org.auditFields)
                    station.$operator.id = org.id
                } else {
                    station.$operator.id = nil
                }
            }
            try await station.save(on: db)
            audit.change(entityType: "station", entityID: station.id, old: old, new: station.auditFields)

            if let rooms = c.rooms {
                let current = try await StationRoom.query(on: db).filter(\.$station.$id == station.requireID()).all()
                let before = Dictionary(uniqueKeysWithValues: current.map { ($0.kind, $0) })
                for room in current where !rooms.contains(where: { $0.0 == room.kind }) {
                    try await room.delete(on: db)
                    audit.record(.delete, entityType: "station_room", entityID: room.id?.uuidString, changes: room.auditFields.mapValues { [$0, nil] })
                }
                for (kind, area, shared) in rooms {
                    let stationID = try station.requireID()
                    let room = before[kind] ?? StationRoom(stationID: stationID, kind: kind, area: area, shared: shared)
                    let old = before[kind]?.auditFields
                    room.area = area
                    room.shared = shared
                    try await room.save(on: db)
                    audit.change(entityType: "station_room", entityID: room.id, old: old, new: room.auditFields)
                }
            }
            for (id, post) in c.villagePosts ?? [] {
                let village = villages[id]!
                let old = village.auditFields
                village.villagePost = post
                try await village.save(on: db)
                audit.change(entityType: "org_unit", entityID: village.id, old: old, new: village.auditFields)
            }
            return station
        }
    }
}

extension StationRoom {
    var auditFields: [String: String] {
        ["kind": kind.rawValue, "area": String(area), "shared": String(shared), "station_id": $station.id.uuidString]
    }
}

extension OperatorOrg {
    var auditFields: [String: String] { ["name": name, "credit_code": creditCode] }
}

/// Calendar dates as "yyyy-MM-dd", interpreted in China Standard Time.
enum CalendarDate {
    static let timeZone = TimeZone(identifier: "Asia/Shanghai")!

    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: "-")
        // Exactly yyyy-MM-dd (RFC 3339 full-date, as the API document says): "2021-6-3" is refused.
        guard parts.count == 3, parts[1].count == 2, parts[2].count == 2, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              parts[0].count == 4, (1...12).contains(m), (1...31).contains(d) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: y, month: m, day: d)
        guard let date = calendar.date(from: components),
              calendar.component(.day, from: date) == d else { return nil }
        return date
    }

    static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
