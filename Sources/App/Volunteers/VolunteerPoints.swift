import Domain
import Fluent
import SQLKit
import Vapor

enum PointsEntryKind: String, Codable, Sendable, CaseIterable {
    case earned
    case adjusted
    case redeemed
    /// A redemption reversed: its points back (`VolunteerPoints.cancel`).
    case cancelled
    var label: String {
        switch self {
        case .earned: "服务时长确认"
        case .adjusted: "时长更正调整"
        case .redeemed: "兑换"
        case .cancelled: "兑换撤销"
        }
    }
}

/// One change of a volunteer's points (R-4). See `M023_VolunteerPoints`.
final class VolunteerPointsEntry: Model, @unchecked Sendable {
    static let schema = "volunteer_points"

    @ID(key: .id) var id: UUID?
    @Field(key: "volunteer_id") var volunteerID: UUID
    @Field(key: "delta") var delta: Int
    @Field(key: "kind") var kind: PointsEntryKind
    @OptionalField(key: "hours_id") var hoursID: UUID?
    @OptionalField(key: "redemption_id") var redemptionID: UUID?
    @Field(key: "note") var note: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(volunteer: UUID, delta: Int, kind: PointsEntryKind, hours: UUID? = nil, redemption: UUID? = nil, note: String) {
        id = UUID()
        volunteerID = volunteer
        self.delta = delta
        self.kind = kind
        hoursID = hours
        redemptionID = redemption
        self.note = note
    }
}

/// A reward of a station's catalogue (以服务换福利), with its price in points and its stock.
final class VolunteerReward: Model, @unchecked Sendable {
    static let schema = "volunteer_rewards"

    @ID(key: .id) var id: UUID?
    @Parent(key: "station_id") var station: Station
    @Field(key: "name") var name: String
    @Field(key: "points") var points: Int
    @Field(key: "stock") var stock: Int
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["station_id": $station.id.uuidString, "name": name, "points": String(points), "stock": String(stock)]
    }
}

final class VolunteerRedemption: Model, @unchecked Sendable {
    static let schema = "volunteer_redemptions"

    @ID(key: .id) var id: UUID?
    @Field(key: "volunteer_id") var volunteerID: UUID
    @Field(key: "reward_id") var rewardID: UUID
    @Field(key: "station_id") var stationID: UUID
    @Field(key: "quantity") var quantity: Int
    @Field(key: "points") var points: Int
    @Field(key: "redeemed_on") var redeemedOn: String
    @Field(key: "recorded_by") var recordedBy: UUID
    @Field(key: "recorded_by_name") var recordedByName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// R-4's parameters in a city's profile: points per hour of confirmed service, and how a fraction is rounded.
struct PointsRule: Sendable, Equatable {
    var perHour: Double
    /// 0 down, 1 to the nearest, 2 up.
    var rounding: Int

    static func of(_ profile: PolicyProfile) -> PointsRule? {
        guard let rule = profile.rule("R-4"), let perHour = rule.param("pointsPerHour"), let rounding = rule.param("pointsRounding") else { return nil }
        return PointsRule(perHour: perHour, rounding: Int(rounding))
    }

    func points(halfHours: Int) -> Int {
        let raw = Double(halfHours) / 2 * perHour
        switch rounding {
        case 0: return Int(raw.rounded(.down))
        case 2: return Int(raw.rounded(.up))
        default: return Int(raw.rounded(.toNearestOrAwayFromZero))
        }
    }
}

struct RewardInput: Content {
    var name: String?
    var points: Int?
    var stock: Int?
}

struct RedemptionInput: Content {
    var rewardId: UUID?
    /// 1 when not given.
    var quantity: Int?
}

struct RewardDTO: Content {
    var id: UUID
    var stationId: UUID
    var name: String
    var points: Int
    var stock: Int
    var createdAt: Date?
    var updatedAt: Date?
}

struct RewardList: Content {
    var stationId: UUID
    var stationName: String
    var pointsPerHour: Double
    var items: [RewardDTO]
}

struct PointsEntryDTO: Content {
    var delta: Int
    var kind: PointsEntryKind
    var kindLabel: String
    var note: String
    var redemptionId: UUID?
    var createdAt: Date?
}

struct RedemptionDTO: Content {
    var id: UUID
    var rewardId: UUID
    var rewardName: String
    var quantity: Int
    var points: Int
    var redeemedOn: String
    var recordedByName: String
    /// Reversed by a `cancelled` entry of the ledger.
    var cancelled: Bool
}

struct PointsAccount: Content {
    var volunteerId: UUID
    var balance: Int
    var entries: [PointsEntryDTO]
    /// Newest first, each with whether it was cancelled.
    var redemptions: [RedemptionDTO]
}

/// Points for confirmed hours and rewards for points (R-4, "以服务换积分""以服务换福利"). Only where the
/// city's profile has R-4 with its parameters set: elsewhere the points pages answer 422 naming R-4.
/// Every change runs inside the serialised write, so the balance and the stock never go below zero,
/// even when two redemptions arrive at once.
enum VolunteerPoints {
    /// The station's points rule of a year; nil where the profile has none.
    static func rule(_ station: Station, year: Int, req: Request) async throws -> PointsRule? {
        PointsRule.of(try await CaseService.profile(of: station, year: year, req: req))
    }

    /// The rule, or a 422 naming R-4.
    static func require(_ station: Station, req: Request) async throws -> PointsRule {
        let profile = try await CaseService.profile(of: station, year: req.today.year, req: req)
        guard profile.rule("R-4") != nil else {
            throw AppError.field("points", "本市政策配置没有 \(RuleName.label("R-4")) 规则（武汉市“以服务换积分”“以服务换福利”）：志愿服务积分和兑换不适用")
        }
        guard let rule = PointsRule.of(profile) else {
            throw AppError.field("points", "本市尚未设置 \(RuleName.label("R-4")) 的参数（\(RuleParameter.label("pointsPerHour"))、\(RuleParameter.label("pointsRounding"))）："
                                 + "请市民政局在政策配置中设置后再使用积分")
        }
        return rule
    }

    static func balance(_ volunteer: UUID, on db: any Database) async throws -> Int {
        try await (db as! any SQLDatabase).raw("SELECT CAST(COALESCE(SUM(delta), 0) AS BIGINT) AS n FROM volunteer_points WHERE volunteer_id = \(bind: volunteer)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Points earned when an entry is confirmed (inside the confirming transaction).
    static func earn(_ h: VolunteerHours, rule: PointsRule?, on db: any Database) async throws {
        guard let rule else { return }
        let points = rule.points(halfHours: h.halfHours)
        if points == 0 { return }
        try await VolunteerPointsEntry(volunteer: h.$volunteer.id, delta: points, kind: .earned, hours: h.id,
                                       note: "\(h.activityName) \(VolunteerFormat.hours(h.hours))").create(on: db)
    }

    /// After a confirmed entry is corrected: the difference between what it earned and what it earns
    /// now. A correction that would take the balance below zero (the points were spent) is a 409.
    static func adjust(_ h: VolunteerHours, rule: PointsRule?, on db: any Database) async throws {
        guard let rule, h.status == .confirmed else { return }
        let earned = try await (db as! any SQLDatabase).raw("SELECT CAST(COALESCE(SUM(delta), 0) AS BIGINT) AS n FROM volunteer_points WHERE hours_id = \(bind: h.id!)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        let delta = rule.points(halfHours: h.halfHours) - earned
        if delta == 0 { return }
        let balance = try await balance(h.$volunteer.id, on: db)
        if balance + delta < 0 {
            throw AppError.field("ends_at", "更正后该记录的积分减少 \(-delta) 分，而积分余额只有 \(balance) 分（已兑换）：积分余额不能为负", status: .conflict)
        }
        try await VolunteerPointsEntry(volunteer: h.$volunteer.id, delta: delta, kind: .adjusted, hours: h.id,
                                       note: "\(h.activityName) 更正为 \(VolunteerFormat.hours(h.hours))").create(on: db)
    }

    static func station(_ id: UUID?, req: Request) async throws -> Station {
        // A role without the volunteer library (a supervisor) is not told the catalogue exists.
        guard !Access.readScope(try req.requireCaller().assignments, VolunteerService.kind).isEmpty else {
            throw Abort(.notFound, reason: "未找到该社工站，或不在您的管辖范围内")
        }
        let s = try await StationQueries.find(id, .read, req: req)
        try req.authorize(.read, VolunteerService.resource(s))
        return s
    }

    static func rewards(_ station: Station, req: Request) async throws -> RewardList {
        let rule = try await require(station, req: req)
        let items = try await VolunteerReward.query(on: req.db).filter(\.$station.$id == station.id!).sort(\.$points).sort(\.$name).all()
        return RewardList(stationId: station.id!, stationName: station.name, pointsPerHour: rule.perHour, items: items.map(dto))
    }

    static func dto(_ r: VolunteerReward) -> RewardDTO {
        RewardDTO(id: r.id!, stationId: r.$station.id, name: r.name, points: r.points, stock: r.stock, createdAt: r.createdAt, updatedAt: r.updatedAt)
    }

    /// The most a reward's stock may hold.
    static let maxStock = 100_000

    /// A reward of the station's catalogue; its name is unique in the station (409).
    static func addReward(_ station: Station, _ input: RewardInput, req: Request) async throws -> VolunteerReward {
        let caller = try req.requireCaller()
        try req.authorize(.create, VolunteerService.resource(station))
        _ = try await require(station, req: req)
        var v = Validator()
        let name = v.text(input.name, field: "name", label: "奖励名称", max: TextLimit.name, required: true)
        if input.points == nil { v.add("points", "请填写兑换所需积分") } else if !(1...1_000_000).contains(input.points!) { v.add("points", "兑换所需积分应在 1–1000000 之间") }
        if input.stock == nil { v.add("stock", "请填写库存数量") } else if !(0...maxStock).contains(input.stock!) { v.add("stock", "库存数量应在 0–\(maxStock) 之间") }
        try v.check()
        let reward = VolunteerReward()
        reward.id = UUID()
        reward.$station.id = station.id!
        reward.name = name!
        reward.points = input.points!
        reward.stock = input.stock!
        reward.createdBy = caller.userID
        try await req.audit.transaction { db, audit in
            if try await VolunteerReward.query(on: db).filter(\.$station.$id == station.id!).filter(\.$name == reward.name).count() > 0 {
                throw AppError.field("name", "本站已有名为“\(reward.name)”的奖励", status: .conflict)
            }
            try await reward.create(on: db)
            audit.change(entityType: "volunteer_reward", entityID: reward.id, old: nil, new: reward.auditFields)
        }
        return reward
    }

    static func account(_ volunteer: Volunteer, req: Request) async throws -> PointsAccount {
        _ = try await require(volunteer.station, req: req)
        let entries = try await VolunteerPointsEntry.query(on: req.db).filter(\.$volunteerID == volunteer.id!).sort(\.$createdAt, .descending).all()
        let redemptions = try await VolunteerRedemption.query(on: req.db).filter(\.$volunteerID == volunteer.id!).sort(\.$createdAt, .descending).all()
        let rewardIDs = Set(redemptions.map(\.rewardID))
        let names = rewardIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await VolunteerReward.query(on: req.db).filter(\.$id ~~ Array(rewardIDs)).all()
            .map { ($0.id!, $0.name) })
        let cancelled = Set(entries.filter { $0.kind == .cancelled }.compactMap(\.redemptionID))
        return PointsAccount(volunteerId: volunteer.id!, balance: entries.reduce(0) { $0 + $1.delta },
                             entries: entries.map { PointsEntryDTO(delta: $0.delta, kind: $0.kind, kindLabel: $0.kind.label, note: $0.note,
                                                                   redemptionId: $0.redemptionID, createdAt: $0.createdAt) },
                             redemptions: redemptions.map { RedemptionDTO(id: $0.id!, rewardId: $0.rewardID, rewardName: names[$0.rewardID] ?? "", quantity: $0.quantity,
                                                                          points: $0.points, redeemedOn: $0.redeemedOn, recordedByName: $0.recordedByName,
                                                                          cancelled: cancelled.contains($0.id!)) })
    }

    /// Spends points on a reward of the volunteer's station. Balance and stock are read and written
    /// inside the serialised write: of two redemptions at once that the balance covers only once,
    /// one succeeds and the other is a 409.
    static func redeem(_ volunteer: Volunteer, _ input: RedemptionInput, req: Request) async throws -> VolunteerRedemption {
        let caller = try req.requireCaller()
        try req.authorize(.update, VolunteerService.resource(volunteer.station))
        _ = try await require(volunteer.station, req: req)
        var v = Validator()
        let quantity = input.quantity ?? 1
        if !(1...100).contains(quantity) { v.add("quantity", "兑换数量应在 1–100 之间") }
        if input.rewardId == nil { v.add("reward_id", "请选择奖励") }
        try v.check()
        guard let reward = try await VolunteerReward.query(on: req.db).filter(\.$id == input.rewardId!).filter(\.$station.$id == volunteer.$station.id).first() else {
            throw AppError.field("reward_id", "奖励应为本站奖励目录中的一项")
        }
        if volunteer.status != .active { throw AppError.field("volunteer_id", "\(volunteer.name)的状态为“\(volunteer.status.label)”，不能兑换") }
        let redemption = VolunteerRedemption()
        redemption.id = UUID()
        redemption.volunteerID = volunteer.id!
        redemption.rewardID = reward.id!
        redemption.stationID = volunteer.$station.id
        redemption.quantity = quantity
        redemption.redeemedOn = req.today.description
        redemption.recordedBy = caller.userID
        redemption.recordedByName = caller.displayName
        try await req.audit.transaction { db, audit in
            guard let current = try await VolunteerReward.find(reward.id, on: db) else { throw Abort(.notFound) }
            if current.stock < quantity {
                throw AppError.field("quantity", "“\(current.name)”库存不足：剩 \(current.stock) 件，需 \(quantity) 件", status: .conflict)
            }
            let cost = current.points * quantity
            let balance = try await balance(volunteer.id!, on: db)
            if balance < cost {
                throw AppError.field("reward_id", "\(volunteer.name)的积分不足：余额 \(balance) 分，兑换“\(current.name)”×\(quantity) 需 \(cost) 分", status: .conflict)
            }
            redemption.points = cost
            try await redemption.create(on: db)
            current.stock -= quantity
            try await current.save(on: db)
            try await VolunteerPointsEntry(volunteer: volunteer.id!, delta: -cost, kind: .redeemed, redemption: redemption.id,
                                           note: "\(current.name)×\(quantity)").create(on: db)
            audit.change(entityType: "volunteer_redemption", entityID: redemption.id, old: nil,
                         new: ["volunteer_id": volunteer.id!.uuidString, "reward_id": current.id!.uuidString, "quantity": String(quantity), "points": String(cost),
                               "balance_after": String(balance - cost), "stock_after": String(current.stock)])
        }
        return redemption
    }
}
