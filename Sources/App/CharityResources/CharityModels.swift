import Domain
import Fluent
import Vapor

/// Who gave a charity resource (捐赠方).
enum DonorKind: String, Codable, Sendable, CaseIterable {
    case person
    case company
    case foundation
    case governmentProgramme = "government_programme"

    var label: String {
        switch self {
        case .person: "个人"
        case .company: "企业"
        case .foundation: "基金会、慈善组织"
        case .governmentProgramme: "政府项目"
        }
    }
}

/// What a charity resource is (资源类别).
enum CharityKind: String, Codable, Sendable, CaseIterable {
    case money
    case goods
    case services
    case venue

    var label: String {
        switch self {
        case .money: "资金"
        case .goods: "物资"
        case .services: "服务"
        case .venue: "场地"
        }
    }
}

/// A charity resource a station received (社会慈善资源库). See `M024_CharityResources`.
final class CharityResource: Model, @unchecked Sendable {
    static let schema = "charity_resources"

    @ID(key: .id) var id: UUID?
    /// The year it was received.
    @Field(key: "year") var year: Int
    @Parent(key: "station_id") var station: Station
    @Field(key: "city_id") var cityID: UUID
    @Field(key: "district_id") var districtID: UUID
    @Field(key: "donor_name") var donorName: String
    @Field(key: "donor_kind") var donorKind: DonorKind
    @Field(key: "kind") var kind: CharityKind
    @Field(key: "description") var description: String
    /// 元 for money; the goods' or service's own unit otherwise (箱、件、小时、次).
    @Field(key: "unit") var unit: String
    /// Hundredths of the unit (分 for money).
    @Field(key: "amount") var amount: Int64
    @Field(key: "remaining") var remaining: Int64
    @Field(key: "received_on") var receivedOn: String
    @OptionalField(key: "expires_on") var expiresOn: String?
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_by_name") var createdByName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["station_id": $station.id.uuidString, "donor_name": donorName, "donor_kind": donorKind.rawValue, "kind": kind.rawValue,
         "description": description, "unit": unit, "amount": CharityAmount.text(amount), "remaining": CharityAmount.text(remaining),
         "received_on": receivedOn, "expires_on": expiresOn ?? ""]
    }
}

/// One use of a charity resource, or the entry that reverses one (amount negative).
final class CharityResourceUse: Model, @unchecked Sendable {
    static let schema = "charity_resource_uses"

    @ID(key: .id) var id: UUID?
    @Field(key: "resource_id") var resourceID: UUID
    @Field(key: "station_id") var stationID: UUID
    @Field(key: "year") var year: Int
    @Field(key: "amount") var amount: Int64
    @Field(key: "used_on") var usedOn: String
    @Field(key: "purpose") var purpose: String
    @OptionalField(key: "case_id") var caseID: UUID?
    @OptionalField(key: "recipient_id") var recipientID: UUID?
    @OptionalField(key: "event_id") var eventID: UUID?
    @OptionalField(key: "reverses_id") var reversesID: UUID?
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_by_name") var createdByName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["resource_id": resourceID.uuidString, "amount": CharityAmount.text(amount), "used_on": usedOn, "purpose": purpose,
         "case_id": caseID?.uuidString ?? "", "recipient_id": recipientID?.uuidString ?? "", "event_id": eventID?.uuidString ?? "",
         "reverses_id": reversesID?.uuidString ?? ""]
    }
}

/// Amounts are kept in hundredths of their unit: 1234.5 元 is 123450.
enum CharityAmount {
    /// The largest value a resource may have (in its unit): a billion.
    static let maxValue = 1_000_000_000.0

    /// A value typed or sent, with at most two decimals, in hundredths; nil (and the error added) otherwise.
    static func parse(_ value: Double?, field: String, label: String, into v: inout Validator) -> Int64? {
        guard let value else {
            v.add(field, "\(label)不能为空")
            return nil
        }
        guard v.number(value, field: field, label: label, bounds: NumberBounds(range: 0.01...maxValue, unit: "")) != nil else { return nil }
        let hundredths = (value * 100).rounded()
        if abs(hundredths - value * 100) > 1e-6 {
            v.add(field, "\(label)最多保留两位小数，收到 \(value)")
            return nil
        }
        return Int64(hundredths)
    }

    /// 1234.5 → "1234.50"; 12 → "12" for goods in whole units.
    static func text(_ hundredths: Int64) -> String {
        let sign = hundredths < 0 ? "-" : ""
        let m = hundredths.magnitude
        return m % 100 == 0 ? "\(sign)\(m / 100)" : sign + String(format: "%d.%02d", Int(m / 100), Int(m % 100))
    }

    /// Money always with two decimals (元), other units as they are.
    static func shown(_ hundredths: Int64, kind: CharityKind, unit: String) -> String {
        if kind == .money {
            let m = hundredths.magnitude
            return (hundredths < 0 ? "-" : "") + String(format: "%d.%02d", Int(m / 100), Int(m % 100)) + " 元"
        }
        return text(hundredths) + " " + unit
    }

    static func decimal(_ hundredths: Int64) -> Double { Double(hundredths) / 100 }
}

struct CharityResourceInput: Content {
    var stationId: UUID?
    var donorName: String?
    var donorKind: String?
    var kind: String?
    var description: String?
    /// The unit of goods and services (箱、件、小时); money is always 元.
    var unit: String?
    var value: Double?
    var receivedOn: String?
    var expiresOn: String?
}

/// A use: what it served is exactly one of a case, a recipient or a community event of the station.
struct CharityUseInput: Content {
    var amount: Double?
    var on: String?
    var purpose: String?
    var caseId: UUID?
    var recipientId: UUID?
    var eventId: UUID?
}

struct CharityReversalInput: Content {
    var reason: String?
}

struct CharityUseDTO: Content {
    var id: UUID
    var resourceId: UUID
    var amount: Double
    var amountText: String
    var on: String
    var purpose: String
    /// `case`, `recipient` or `event`.
    var servedKind: String
    var servedId: UUID
    var servedLabel: String
    var reversesId: UUID?
    /// Reversed by a later entry.
    var reversed: Bool
    var recordedByName: String
}

struct CharityResourceDTO: Content {
    var id: UUID
    var stationId: UUID
    var stationName: String
    var donorName: String
    var donorKind: DonorKind
    var donorKindLabel: String
    var kind: CharityKind
    var kindLabel: String
    var description: String
    var unit: String
    var value: Double
    var remaining: Double
    var valueText: String
    var remainingText: String
    var receivedOn: String
    var expiresOn: String?
    var expired: Bool
    var recordedByName: String
    var uses: [CharityUseDTO]
    var createdAt: Date?
    var updatedAt: Date?
}
