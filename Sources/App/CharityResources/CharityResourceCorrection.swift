import Domain
import Fluent
import SQLKit
import Vapor

/// A correction of what was recorded of a resource: the fields given are set; an empty `expires_on`
/// clears the expiry. What was used is not changed here (a use is corrected by its reversal).
struct CharityResourcePatch: Content {
    var donorName: String?
    var donorKind: String?
    var kind: String?
    var description: String?
    var unit: String?
    var value: Double?
    var receivedOn: String?
    var expiresOn: String?
}

extension CharityResourceService {
    /// Corrects a resource's donor, kind, content, unit, value and dates, audited with the values before
    /// and after. What remains stays consistent with the uses: the value may not go below what has
    /// been used (409 naming `value`) and what remains becomes the new value less that; the received
    /// date may not be after a use, nor the expiry before one (409 naming the date). Checked on the
    /// row re-read inside the serialised write, as a use is.
    static func correct(_ r: CharityResource, _ patch: CharityResourcePatch, req: Request) async throws -> CharityResource {
        try req.authorize(.update, StationScope.resource(r.station, .service))
        var v = Validator()
        let donor = patch.donorName == nil ? nil : v.text(patch.donorName, field: "donor_name", label: "捐赠方", max: TextLimit.short, required: true)
        let donorKind = WorkforceService.enumValue(patch.donorKind, DonorKind.self, field: "donor_kind", label: "捐赠方类别", into: &v)
        let kind = WorkforceService.enumValue(patch.kind, CharityKind.self, field: "kind", label: "资源类别", into: &v) ?? r.kind
        let description = patch.description == nil ? nil : v.text(patch.description, field: "description", label: "资源内容", max: TextLimit.short, required: true)
        let typedUnit = patch.unit == nil ? r.unit : v.text(patch.unit, field: "unit", label: "计量单位", max: 10)
        if kind == .money, patch.unit != nil, let u = typedUnit, u != "元" { v.add("unit", "资金以元计，计量单位应为“元”或留空，收到“\(u)”") }
        // Goods that were recorded as money need their own unit.
        if kind != .money && (typedUnit == nil || (r.kind == .money && patch.unit == nil)) {
            v.add("unit", "请填写物资、服务或场地的计量单位（如：箱、件、小时、次）")
        }
        let unit = kind == .money ? "元" : typedUnit ?? r.unit
        let amount = patch.value == nil ? nil : CharityAmount.parse(patch.value, field: "value", label: "数量或金额", into: &v)
        let received = patch.receivedOn == nil ? Day(r.receivedOn) : v.day(patch.receivedOn, field: "received_on", label: "接收日期", notAfter: req.today)
        if let raw = patch.receivedOn, raw.trimmingCharacters(in: .whitespaces).isEmpty { v.add("received_on", "接收日期不能为空") }
        let expires = patch.expiresOn == nil ? r.expiresOn.flatMap(Day.init) : v.day(patch.expiresOn, field: "expires_on", label: "有效期至")
        if let received, let expires, expires < received { v.add("expires_on", "有效期至（\(expires)）不能早于接收日期（\(received)）") }
        if patch.donorName == nil && patch.donorKind == nil && patch.kind == nil && patch.description == nil && patch.unit == nil && patch.value == nil
            && patch.receivedOn == nil && patch.expiresOn == nil {
            v.add("description", "没有要更正的内容")
        }
        try v.check()
        return try await req.audit.transaction { db, audit in
            guard let current = try await CharityResource.find(r.id, on: db) else { throw Abort(.notFound, reason: "未找到该慈善资源") }
            let before = current.auditFields
            let used = current.amount - current.remaining
            if let amount, amount < used {
                throw AppError.field("value", "数量或金额不能少于已使用的 \(CharityAmount.shown(used, kind: kind, unit: unit))（使用记录不在此更正，可先冲正）",
                                     status: .conflict)
            }
            let dates = try await (db as! any SQLDatabase).raw("""
                SELECT MIN(used_on) AS first, MAX(used_on) AS last FROM charity_resource_uses WHERE resource_id = \(bind: current.id!) AND reverses_id IS NULL
                """).first()
            if let first = try dates?.decode(column: "first", as: String?.self), let received, received.description > first {
                throw AppError.field("received_on", "接收日期（\(received)）不能晚于最早的使用日期（\(first)）", status: .conflict)
            }
            if let last = try dates?.decode(column: "last", as: String?.self), let expires, expires.description < last {
                throw AppError.field("expires_on", "有效期至（\(expires)）不能早于最近一次使用的日期（\(last)）", status: .conflict)
            }
            if let donor { current.donorName = donor }
            if let donorKind { current.donorKind = donorKind }
            current.kind = kind
            if let description { current.description = description }
            current.unit = unit
            if let amount {
                current.amount = amount
                current.remaining = amount - used
            }
            current.receivedOn = received!.description
            current.year = received!.year
            current.expiresOn = expires?.description
            try await current.save(on: db)
            audit.change(entityType: "charity_resource", entityID: current.id, old: before, new: current.auditFields)
            return current
        }
    }
}
