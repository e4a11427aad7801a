import Domain
import Fluent
import Foundation

/// A street/town social work station (社工站); at most one per street/town.
final class Station: Model, @unchecked Sendable {
    static let schema = "stations"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "street_id") var streetID: UUID
    /// Denormalised from the tree so that lists filter by an indexed equality.
    @Field(key: "district_id") var districtID: UUID
    @Field(key: "city_id") var cityID: UUID
    /// The street's materialised path, for scope checks.
    @Field(key: "path") var path: String
    @Field(key: "address") var address: String
    /// Calendar date, ISO 8601 "yyyy-MM-dd".
    @OptionalField(key: "opened_on") var openedOn: String?
    @OptionalParent(key: "operator_id") var `operator`: OperatorOrg?
    /// Equipment checklist (rule P-5), stored as comma-separated raw values to stay portable.
    @Field(key: "equipment") var equipmentList: String
    /// Signage of rule P-4.
    @Field(key: "outdoor_sign") var outdoorSign: Bool
    @Field(key: "indoor_sign") var indoorSign: Bool
    /// A demonstration station (示范点): the "jinan demo" rules apply to it.
    @Field(key: "is_demonstration") var isDemonstration: Bool
    /// Start of the current purchase-of-service contract (S-6 counts contract years from it).
    @OptionalField(key: "contract_started_on") var contractStartedOn: String?
    /// Yuan per year: the contract amount (S-8) and its personnel budget (S-7).
    @OptionalField(key: "annual_contract_amount") var annualContractAmount: Double?
    @OptionalField(key: "annual_personnel_budget") var annualPersonnelBudget: Double?
    @Children(for: \.$station) var rooms: [StationRoom]
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    init(street: OrgUnit, districtID: UUID, cityID: UUID) {
        self.id = UUID()
        self.streetID = street.id!
        self.districtID = districtID
        self.cityID = cityID
        self.path = street.path
        self.name = ""
        self.address = ""
        self.equipmentList = ""
        self.outdoorSign = false
        self.indoorSign = false
        self.isDemonstration = false
    }

    var equipment: [Equipment] {
        get { equipmentList.split(separator: ",").compactMap { Equipment(rawValue: String($0)) } }
        set { equipmentList = newValue.map(\.rawValue).sorted().joined(separator: ",") }
    }

    var auditFields: [String: String] {
        ["name": name, "street_id": streetID.uuidString, "address": address, "opened_on": openedOn ?? "",
         "operator_id": $operator.id?.uuidString ?? "",
         "equipment": equipmentList,
         "outdoor_sign": String(outdoorSign), "indoor_sign": String(indoorSign), "is_demonstration": String(isDemonstration),
         "contract_started_on": contractStartedOn ?? "", "annual_contract_amount": annualContractAmount.map { String($0) } ?? "",
         "annual_personnel_budget": annualPersonnelBudget.map { String($0) } ?? ""]
    }
}

/// A functional room of a station (rule P-1), with its area in m².
final class StationRoom: Model, @unchecked Sendable {
    static let schema = "station_rooms"

    @ID(key: .id) var id: UUID?
    @Parent(key: "station_id") var station: Station
    @Field(key: "kind") var kind: RoomKind
    @Field(key: "area") var area: Double
    /// Shared with other public facilities rather than set up independently (rule P-3).
    @Field(key: "shared") var shared: Bool

    init() {}
    init(stationID: UUID, kind: RoomKind, area: Double, shared: Bool) {
        self.$station.id = stationID
        self.kind = kind
        self.area = area
        self.shared = shared
    }
}

/// The organisation contracted to run stations (承接方, rule H-2).
final class OperatorOrg: Model, @unchecked Sendable {
    static let schema = "operators"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// 统一社会信用代码, validated with the GB 32100 check character.
    @Field(key: "credit_code") var creditCode: String
    /// The city the operator is registered with; its staff accounts are managed there.
    @Field(key: "city_id") var cityID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
    init(name: String, creditCode: String, cityID: UUID) {
        self.id = UUID()
        self.name = name
        self.creditCode = creditCode
        self.cityID = cityID
    }
}
