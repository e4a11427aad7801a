import Domain
import Fluent
import Foundation

/// A node of the administrative tree (rule H-1).
final class OrgUnit: Model, @unchecked Sendable {
    static let schema = "org_units"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "level") var level: OrgLevel
    @OptionalField(key: "parent_id") var parentID: UUID?
    /// Materialised path, see `OrgPath`.
    @Field(key: "path") var path: String
    /// National division code; nil for functional zones (高新区, 南部山区, 起步区).
    @OptionalField(key: "division_code") var divisionCode: String?
    /// For villages/communities: the station's 社工室 or 社工点 there, if any.
    @Field(key: "village_post") var villagePost: VillagePost
    /// For cities: the policy profile its stations are checked against (jinan, wuhan, guangzhou).
    @OptionalField(key: "policy_profile") var policyProfile: String?
    /// For cities: the province it belongs to (`Province`); nil for cities set up before onboarding.
    @OptionalField(key: "province_id") var provinceID: UUID?
    /// For cities onboarded with a copy of another city's profile: which city and version it came from.
    @OptionalField(key: "profile_copied_from") var profileCopiedFrom: String?
    /// For cities onboarded through `OnboardingService`: the day (YYYY-MM-DD) it was onboarded, from
    /// which it answers for its dated deadlines; nil for cities set up before onboarding existed.
    @OptionalField(key: "onboarded_on") var onboardedOn: String?
    /// For districts: central urban or new urban (rule S-2).
    @OptionalField(key: "district_kind") var districtKind: DistrictKind?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    init(id: UUID = UUID(), name: String, level: OrgLevel, parent: OrgUnit?, divisionCode: String?) {
        self.id = id
        self.name = name
        self.level = level
        self.parentID = parent?.id
        self.path = parent.map { OrgPath.child(of: $0.path, id: id.uuidString) } ?? OrgPath.root(id: id.uuidString)
        self.divisionCode = divisionCode
        self.villagePost = .none
    }

    /// Ids of this unit's ancestors and itself, root first.
    var lineageIDs: [UUID] { OrgPath.ids(path).compactMap(UUID.init(uuidString:)) }

    var auditFields: [String: String] {
        var fields = ["name": name, "level": level.rawValue, "parent_id": parentID?.uuidString ?? "",
                      "division_code": divisionCode ?? "", "village_post": villagePost.rawValue]
        if level == .district { fields["district_kind"] = districtKind?.rawValue ?? "" }   // rule S-2
        return fields
    }
}

/// A district's quota of demonstration stations for a year (rule D-1).
final class DemonstrationQuota: Model, @unchecked Sendable {
    static let schema = "demonstration_quotas"

    @ID(key: .id) var id: UUID?
    @Parent(key: "org_unit_id") var unit: OrgUnit
    @Field(key: "year") var year: Int
    @Field(key: "quota") var quota: Int

    init() {}
    init(unitID: UUID, year: Int, quota: Int) {
        self.$unit.id = unitID
        self.year = year
        self.quota = quota
    }
}
