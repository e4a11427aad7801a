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
    /// The operator organisation running the station, one registered in the station's city
    /// (see `OperatorService`); "" removes it, absent leaves it as it is.
    var operatorId: String?
    /// The day the current operator exits (rule A-5), given when `operatorId` replaces or removes it.
    var operatorExitOn: String?
    var rooms: [Room]?
    var equipment: [String]?
    var outdoorSign: Bool?
    var indoorSign: Bool?
    /// Village/community id → "none", "room" (社工室) or "point" (社工点).
    var villagePosts: [String: String]?
    /// Contract facts, kept by the purchaser (district officer or city admin): the start of the current
    /// purchase-of-service contract (S-6 counts contract years from it; "" clears it), the annual
    /// contract amount (S-8) and the annual personnel budget (S-7), in yuan.
    var contractStartedOn: String?
    var annualContractAmount: Double?
    var annualPersonnelBudget: Double?
    /// A demonstration station (示范点), which the demonstration-only rules read (P-3, S-4, T-1 …);
    /// the city accepts demonstration stations, so only a city admin may send it.
    var isDemonstration: Bool?
}

/// The contract facts of a station, which only the purchaser of the service may set.
enum ContractFact: String, CaseIterable, Sendable {
    case contractStartedOn = "contract_started_on"
    case annualContractAmount = "annual_contract_amount"
    case annualPersonnelBudget = "annual_personnel_budget"

    var label: String {
        switch self {
        case .contractStartedOn: "服务合同起始日期（S-6）"
        case .annualContractAmount: "年度购买服务金额（元，S-8）"
        case .annualPersonnelBudget: "年度人员经费（元，S-7）"
        }
    }
}

/// Validates a `StationInput` and applies it in one audited transaction.
enum StationService {
    /// A station's yearly contract amount or personnel budget: at most 100 million yuan (a street
    /// station's contract is some hundred thousand; the bound catches a mistyped number).
    static let maxYuan = 100_000_000.0

    struct Checked {
        var name: String?
        var address: String?
        var openedOn: String??
        /// nil: unchanged; .some(nil): removed; .some(id): that operator.
        var operatorID: UUID??
        var operatorExit: Day?
        var rooms: [(RoomKind, Double, Bool)]?
        var equipment: [Equipment]?
        var villagePosts: [(UUID, VillagePost)]?
        var outdoorSign: Bool?
        var indoorSign: Bool?
        /// Contract facts: nil unchanged; .some(nil) cleared.
        var contractStartedOn: String??
        var annualContractAmount: Double??
        var annualPersonnelBudget: Double??
        /// nil: unchanged.
        var isDemonstration: Bool?

        /// Whether the input sets any contract fact (the purchaser's to set).
        var touchesContract: Bool { contractStartedOn != nil || annualContractAmount != nil || annualPersonnelBudget != nil }
    }

    /// `clearing`: contract facts the edit form left empty, which it clears (JSON has no way to say so for numbers).
    static func check(_ input: StationInput, isCreate: Bool, today: Day, clearing: Set<ContractFact> = []) -> (Checked, Validator) {
        var v = Validator()
        var c = Checked(outdoorSign: input.outdoorSign, indoorSign: input.indoorSign)
        c.isDemonstration = input.isDemonstration
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
        // A new station needs its street and address; nothing is chosen for the user.
        if isCreate && (c.address ?? "").isEmpty && v.message(for: "address") == nil { v.add("address", "社工站地址不能为空") }
        if let raw = input.openedOn {
            if raw.trimmingCharacters(in: .whitespaces).isEmpty { c.openedOn = .some(nil) }
            else if let day = v.day(raw, field: "opened_on", label: "启用日期", notAfter: today), v.message(for: "opened_on") == nil {
                c.openedOn = .some(day.description)
            }
        }
        if let raw = input.operatorId?.trimmingCharacters(in: .whitespaces) {
            if raw.isEmpty { c.operatorID = .some(nil) }
            else if let id = UUID(uuidString: raw) { c.operatorID = .some(id) }
            else { v.add("operator_id", "承接机构编号“\(raw)”无效") }
        }
        c.operatorExit = v.day(input.operatorExitOn, field: "operator_exit_on", label: "原承接机构退出日期", notAfter: today)
        if let rooms = input.rooms {
            var seen = Set<RoomKind>()
            var checked: [(RoomKind, Double, Bool)] = []
            for (i, room) in rooms.enumerated() {
                guard let kind = RoomKind(rawValue: room.kind) else {
                    v.add("rooms[\(i)].kind", "未知的功能室类型“\(room.kind)”（规则 P-1：可选 \(RoomKind.allCases.map(\.rawValue).joined(separator: "、"))）")
                    continue
                }
                if !seen.insert(kind).inserted { v.add("rooms[\(i)].kind", "\(kind.label)重复填写") }
                v.number(room.area, field: "area_\(kind.rawValue)", label: "\(kind.label)面积", bounds: .roomArea)
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
        if let raw = input.contractStartedOn {
            // A contract may be signed ahead of its start, but not beyond the end of next year.
            let latest = Day(year: today.year + 1, month: 12, day: 31)!
            if raw.trimmingCharacters(in: .whitespaces).isEmpty { c.contractStartedOn = .some(nil) }
            else if let day = v.day(raw, field: "contract_started_on", label: "服务合同起始日期（S-6）") {
                if day > latest { v.add("contract_started_on", "服务合同起始日期（S-6）不能晚于 \(latest)") }
                else { c.contractStartedOn = .some(day.description) }
            }
        }
        for (fact, value) in [(ContractFact.annualContractAmount, input.annualContractAmount), (.annualPersonnelBudget, input.annualPersonnelBudget)] {
            var checked: Double??
            if let value {
                if !value.isFinite || value < 0 { v.add(fact.rawValue, "\(fact.label)应为不小于 0 的金额") }
                else if value > maxYuan { v.add(fact.rawValue, "\(fact.label)不能超过 \(Int(maxYuan)) 元（1 亿元）") }
                else { checked = .some(value) }
            } else if clearing.contains(fact) {
                checked = .some(nil)
            }
            if fact == .annualContractAmount { c.annualContractAmount = checked } else { c.annualPersonnelBudget = checked }
        }
        if clearing.contains(.contractStartedOn) && input.contractStartedOn == nil { c.contractStartedOn = .some(nil) }
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
        var (checked, v) = check(input, isCreate: true, today: req.today)
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
        let station = Station(street: street, districtID: lineage[1], cityID: lineage[0])
        if checked.name == nil, let district = try await OrgUnit.find(lineage[1], on: req.db) {
            checked.name = StationNaming.defaultName(district: district.name, street: street.name)
        }
        return try await save(station, checked, isNew: true, req: req)
    }

    /// `prior`: errors found while reading a form (an area that is not a number), reported with the rest.
    static func update(_ station: Station, _ input: StationInput, prior: Validator = Validator(), clearing: Set<ContractFact> = [],
                       req: Request) async throws -> Station {
        try req.authorize(.update, resource(station))
        let (checked, found) = check(input, isCreate: false, today: req.today, clearing: clearing)
        var v = prior
        for e in found.errors { v.add(e.field, e.message) }
        try v.check()
        return try await save(station, checked, isNew: false, req: req)
    }

    static func resource(_ station: Station) -> Access.Resource {
        Access.Resource(kind: .station, paths: [station.path], operatorIDs: Set([station.$operator.id?.uuidString].compactMap { $0 }))
    }

    /// Whether the caller buys the station's service (district officer or city admin, who may create
    /// stations there): the contract facts and the choice of operator are theirs.
    static func isPurchaser(_ caller: Caller, of station: Station) -> Bool {
        caller.may(.create, resource(station))
    }

    /// Whether the caller may mark the station a demonstration station (示范点): the city admin, who accepts them.
    static func mayDesignateDemonstration(_ caller: Caller, of station: Station) -> Bool {
        caller.may(.update, Access.Resource(kind: .demonstration, paths: [station.path]))
    }

    private static func save(_ station: Station, _ c: Checked, isNew: Bool, req: Request) async throws -> Station {
        // S-6, S-7, S-8 read the contract facts; the street and the operator may not write them.
        if c.touchesContract, !isPurchaser(try req.requireCaller(), of: station) {
            throw Abort(.forbidden, reason: "只有区县或市民政局可以填写服务合同信息（合同起始日期、年度购买服务金额、年度人员经费）")
        }
        // The demonstration-only rules (P-3, S-4, T-1 …) read is_demonstration; the city accepts demonstration stations.
        if c.isDemonstration != nil, !mayDesignateDemonstration(try req.requireCaller(), of: station) {
            throw AppError.field("is_demonstration", "只有市民政局可以认定示范点（is_demonstration，示范点专项规则据此适用）", status: .forbidden)
        }
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
        if let choice = c.operatorID, choice != station.$operator.id {
            // The purchaser (district or city) chooses who runs a station; the street and the operator
            // itself may not hand it to another operator.
            let caller = try req.requireCaller()
            if !isNew && !isPurchaser(caller, of: station) {
                throw Abort(.forbidden, reason: "只有区县或市民政局可以更换社工站的承接机构")
            }
            // Looked up within the station's city, never by an id alone: an operator of another city is "not found".
            if let id = choice, try await OperatorOrg.query(on: req.db).filter(\.$id == id).filter(\.$cityID == station.cityID).first() == nil {
                throw AppError.field("operator_id", "未找到该承接机构，或它未在本市登记（请先由市民政局登记承接机构）")
            }
            // an operator that leaves a station has an exit date; its archive handover is counted from it.
            if station.$operator.id != nil && c.operatorExit == nil {
                throw AppError.field("operator_exit_on", "更换或移除承接机构时须填写原承接机构的退出日期（规则 A-5：退出后须在规定工作日内移交服务档案）")
            }
            if station.$operator.id == nil && c.operatorExit != nil {
                throw AppError.field("operator_exit_on", "本站尚无承接机构，无需填写退出日期（规则 A-5）")
            }
        } else if c.operatorExit != nil {
            throw AppError.field("operator_exit_on", "退出日期只在更换或移除承接机构时填写（规则 A-5）")
        }
        let outgoing = station.$operator.id
        let createdBy = req.caller?.username ?? ""
        let today = req.today

        return try await req.audit.transaction { db, audit in
            // Inside the write lock: two officers creating a station on one street at once get one 409.
            if isNew, try await Station.query(on: db).filter(\.$streetID == station.streetID).first() != nil {
                let street = try await OrgUnit.find(station.streetID, on: db)?.name ?? "该街道/乡镇"
                throw AppError.field("street_id", "“\(street)”已有社工站，每个街道/乡镇只设一个", status: .conflict)
            }
            let old = isNew ? nil : station.auditFields
            if let name = c.name { station.name = name }
            if let address = c.address { station.address = address }
            if let openedOn = c.openedOn { station.openedOn = openedOn }
            if let equipment = c.equipment { station.equipment = equipment }
            if let outdoor = c.outdoorSign { station.outdoorSign = outdoor }
            if let indoor = c.indoorSign { station.indoorSign = indoor }
            if let choice = c.operatorID { station.$operator.id = choice }
            if let start = c.contractStartedOn { station.contractStartedOn = start }
            if let amount = c.annualContractAmount { station.annualContractAmount = amount }
            if let budget = c.annualPersonnelBudget { station.annualPersonnelBudget = budget }
            if let demonstration = c.isDemonstration { station.isDemonstration = demonstration }
            try await station.save(on: db)
            audit.change(entityType: "station", entityID: station.id, old: old, new: station.auditFields)
            if let choice = c.operatorID, choice != outgoing {
                try await recordOperatorChange(station: try station.requireID(), outgoing: outgoing, incoming: choice, exit: c.operatorExit,
                                               today: today, createdBy: createdBy, db: db, audit: audit)
            }

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

extension StationService {
    /// Closes the outgoing operator's period on its exit day (rule A-5: the handover is counted from
    /// it) and opens the incoming one's from the next day, in the station's transaction.
    static func recordOperatorChange(station: UUID, outgoing: UUID?, incoming: UUID?, exit: Day?, today: Day, createdBy: String,
                                     db: any Database, audit: AuditLog.Recorder) async throws {
        if let outgoing, let exit {
            let open = try await StationOperatorPeriod.query(on: db).filter(\.$stationID == station).filter(\.$endedOn == nil).first()
            // A station whose operator was chosen before periods were kept has no open period: the exit makes one.
            let period = open ?? StationOperatorPeriod(stationID: station, operatorID: outgoing, startedOn: nil, createdBy: createdBy)
            if let started = period.startedOn, started > exit.description {
                throw AppError.field("operator_exit_on", "退出日期 \(exit) 早于该承接机构承接本站的日期 \(started)")
            }
            let old = open?.auditFields
            period.endedOn = exit.description
            try await period.save(on: db)
            audit.change(entityType: "station_operator_period", entityID: period.id, old: old, new: period.auditFields)
        }
        if let incoming {
            let period = StationOperatorPeriod(stationID: station, operatorID: incoming, startedOn: (exit?.adding(days: 1) ?? today).description, createdBy: createdBy)
            try await period.create(on: db)
            audit.change(entityType: "station_operator_period", entityID: period.id, old: nil, new: period.auditFields)
        }
    }
}

extension StationRoom {
    var auditFields: [String: String] {
        ["kind": kind.rawValue, "area": String(area), "shared": String(shared), "station_id": $station.id.uuidString]
    }
}

