import Domain
import Fluent
import Vapor

/// A reward restocked, or its price changed from now on (past redemptions keep what they cost).
struct RewardPatch: Content {
    /// Items added to the stock.
    var addStock: Int?
    /// The stock the caller saw when adding: if it has changed since (the same restock clicked twice,
    /// or a redemption in between), the restock is a 409 rather than counted again.
    var stockWas: Int?
    var points: Int?
}

struct RedemptionCancellationInput: Content {
    var reason: String?
}

/// Changes after the fact to a station's rewards: a reward restocked or repriced, and a mistaken
/// redemption cancelled by a reversing entry of the points ledger (the redemption and its entry stay).
/// Both run inside the serialised write, as redemptions do, so a stock never goes below zero and a
/// second click is a 409.
extension VolunteerPoints {
    /// A reward, looked up through its station inside the caller's scope (404 outside it).
    static func findReward(_ id: UUID?, req: Request) async throws -> (VolunteerReward, Station) {
        guard let id, let reward = try await VolunteerReward.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该奖励，或不在您的管辖范围内")
        }
        return (reward, try await station(reward.$station.id, req: req))
    }

    /// Adds stock to a reward and/or sets its price in points from now on; audited with the values
    /// before and after.
    static func changeReward(_ reward: VolunteerReward, of station: Station, _ patch: RewardPatch, req: Request) async throws -> VolunteerReward {
        try req.authorize(.update, VolunteerService.resource(station))
        _ = try await require(station, req: req)
        var v = Validator()
        if patch.addStock == nil && patch.points == nil { v.add("add_stock", "请填写补充的库存数量或新的兑换积分") }
        if let add = patch.addStock {
            if !(1...maxStock).contains(add) { v.add("add_stock", "补充数量应在 1–\(maxStock) 之间") }
            if patch.stockWas == nil { v.add("stock_was", "请同时提交补充前的库存（stock_was），以免同一次补充被计入两次") }
        }
        if let points = patch.points, !(1...1_000_000).contains(points) { v.add("points", "兑换所需积分应在 1–1000000 之间") }
        try v.check()
        return try await req.audit.transaction { db, audit in
            guard let current = try await VolunteerReward.find(reward.id, on: db) else { throw Abort(.notFound) }
            let before = current.auditFields
            if let add = patch.addStock, let was = patch.stockWas {
                if current.stock != was {
                    throw AppError.field("add_stock", "“\(current.name)”的库存已由 \(was) 件变为 \(current.stock) 件（刚补充过或有兑换）：请核对后重新提交",
                                         status: .conflict)
                }
                if current.stock + add > maxStock {
                    throw AppError.field("add_stock", "补充后库存 \(current.stock + add) 件，超过上限 \(maxStock) 件")
                }
                current.stock += add
            }
            if let points = patch.points { current.points = points }
            try await current.save(on: db)
            audit.change(entityType: "volunteer_reward", entityID: current.id, old: before, new: current.auditFields)
            return current
        }
    }

    /// A redemption, looked up through the station that recorded it inside the caller's scope.
    static func findRedemption(_ id: UUID?, req: Request) async throws -> (VolunteerRedemption, Station) {
        guard let id, let redemption = try await VolunteerRedemption.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该兑换记录，或不在您的管辖范围内")
        }
        return (redemption, try await station(redemption.stationID, req: req))
    }

    /// Cancels a mistaken redemption: a `cancelled` entry gives the points back to the volunteer and
    /// the items back to the reward's stock. Only the station that recorded it; once (409).
    static func cancel(_ redemption: VolunteerRedemption, of station: Station, _ input: RedemptionCancellationInput, req: Request) async throws {
        try req.authorize(.update, VolunteerService.resource(station))
        _ = try await require(station, req: req)
        var v = Validator()
        let reason = v.text(input.reason, field: "reason", label: "撤销原因", max: TextLimit.short, required: true)
        try v.check()
        try await req.audit.transaction { db, audit in
            if try await VolunteerPointsEntry.query(on: db).filter(\.$redemptionID == redemption.id!).filter(\.$kind == .cancelled).count() > 0 {
                throw AppError.field("reason", "这次兑换（\(redemption.redeemedOn)）已撤销过", status: .conflict)
            }
            guard let reward = try await VolunteerReward.find(redemption.rewardID, on: db) else { throw Abort(.notFound) }
            let rewardBefore = reward.auditFields
            let balance = try await balance(redemption.volunteerID, on: db)
            reward.stock += redemption.quantity
            try await reward.save(on: db)
            try await VolunteerPointsEntry(volunteer: redemption.volunteerID, delta: redemption.points, kind: .cancelled, redemption: redemption.id,
                                           note: "撤销兑换 \(reward.name)×\(redemption.quantity)：\(reason!)").create(on: db)
            audit.change(entityType: "volunteer_redemption", entityID: redemption.id,
                         old: ["status": "redeemed", "balance": String(balance)],
                         new: ["status": "cancelled", "reason": reason!, "points_returned": String(redemption.points), "balance": String(balance + redemption.points)])
            audit.change(entityType: "volunteer_reward", entityID: reward.id, old: rewardBefore, new: reward.auditFields)
        }
    }
}
