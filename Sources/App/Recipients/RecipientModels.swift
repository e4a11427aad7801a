import Domain
import Fluent
import Foundation

/// A person in a station's key-population library (辖区重点人群, R-1/R-6). See `M010_Recipients`.
/// Resident ID and phone are sealed with the data key; the hash finds duplicates, the masked form
/// is what lists show.
final class Recipient: Model, @unchecked Sendable {
    static let schema = "recipients"

    @ID(key: .id) var id: UUID?
    @Parent(key: "station_id") var station: Station
    @Field(key: "city_id") var cityID: UUID
    @Field(key: "district_id") var districtID: UUID
    /// The station's street path, for scope checks.
    @Field(key: "path") var path: String
    @OptionalField(key: "village_id") var villageID: UUID?
    @Field(key: "name") var name: String
    @OptionalField(key: "resident_id_sealed") var residentIDSealed: String?
    @OptionalField(key: "resident_id_hash") var residentIDHash: String?
    @OptionalField(key: "resident_id_masked") var residentIDMasked: String?
    /// yyyy-MM-dd; derived from the resident ID when there is one.
    @Field(key: "birth_date") var birthDate: String
    @Field(key: "sex") var sex: ResidentID.Sex
    @OptionalField(key: "phone_sealed") var phoneSealed: String?
    @OptionalField(key: "phone_hash") var phoneHash: String?
    @OptionalField(key: "phone_masked") var phoneMasked: String?
    @Field(key: "address") var address: String
    @OptionalField(key: "follow_up_level") var followUpLevel: Int?
    @Field(key: "status") var status: RecipientStatus
    @Field(key: "status_on") var statusOn: String
    /// The household: the id of its head's record (the head's own record carries its own id).
    @OptionalField(key: "household_id") var householdID: UUID?
    /// Relation to the head of the household; nil for the head.
    @OptionalField(key: "household_relation") var householdRelation: HouseholdRelation?
    /// A minor's guardian: another recipient, or a name and phone.
    @OptionalField(key: "guardian_id") var guardianID: UUID?
    @OptionalField(key: "guardian_name") var guardianName: String?
    @OptionalField(key: "guardian_phone_sealed") var guardianPhoneSealed: String?
    @OptionalField(key: "guardian_phone_masked") var guardianPhoneMasked: String?
    /// Set when this record was merged into another (same person registered twice); it stays for the trail.
    @OptionalField(key: "merged_into_id") var mergedIntoID: UUID?
    @OptionalField(key: "import_id") var importID: UUID?
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var hasResidentID: Bool { residentIDHash != nil || residentIDSealed != nil }

    /// Hashes and lengths only: the audit trail never holds an ID or phone number.
    var auditFields: [String: String] {
        ["station_id": $station.id.uuidString, "village_id": villageID?.uuidString ?? "", "name": name,
         "resident_id": residentIDHash.map { "hmac:" + $0.prefix(12) } ?? "", "birth_date": birthDate, "sex": sex.rawValue,
         "phone": phoneHash.map { "hmac:" + $0.prefix(12) } ?? "", "address": address,
         "follow_up_level": followUpLevel.map(String.init) ?? "", "status": status.rawValue, "status_on": statusOn,
         "household_id": householdID?.uuidString ?? "", "household_relation": householdRelation?.rawValue ?? "",
         "guardian_id": guardianID?.uuidString ?? "", "guardian_name": guardianName ?? "",
         "merged_into_id": mergedIntoID?.uuidString ?? ""]
    }
}

/// One category of a recipient (低保, 残疾人 …) with who verified it and when; ended rather than deleted.
final class RecipientCategoryRow: Model, @unchecked Sendable {
    static let schema = "recipient_categories"

    @ID(key: .id) var id: UUID?
    @Parent(key: "recipient_id") var recipient: Recipient
    /// Copied from the recipient, for counts per station without a join.
    @Field(key: "station_id") var stationID: UUID
    @Field(key: "category") var category: RecipientCategory
    @OptionalField(key: "disability_grade") var disabilityGrade: DisabilityGrade?
    @OptionalField(key: "disability_type") var disabilityType: DisabilityType?
    @Field(key: "verified_on") var verifiedOn: String
    @OptionalField(key: "verified_by") var verifiedBy: UUID?
    @Field(key: "verified_by_name") var verifiedByName: String
    @OptionalField(key: "ended_on") var endedOn: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// What an entry of a recipient's timeline records.
enum RecipientEventKind: String, Codable, Sendable, CaseIterable {
    case registered, imported
    case status
    case category
    case transfer
    case merge
    case consent
    case need
    case household
    case details

    var label: String {
        switch self {
        case .registered: "登记"
        case .imported: "批量导入"
        case .status: "状态变更"
        case .category: "人群类别核实"
        case .transfer: "转移"
        case .merge: "合并重复记录"
        case .consent: "知情同意"
        case .need: "需求"
        case .household: "家庭关系"
        case .details: "信息修改"
        }
    }
}

/// One entry of a recipient's timeline.
final class RecipientEvent: Model, @unchecked Sendable {
    static let schema = "recipient_events"

    @ID(key: .id) var id: UUID?
    @Parent(key: "recipient_id") var recipient: Recipient
    @Field(key: "kind") var kind: RecipientEventKind
    @Field(key: "happened_on") var happenedOn: String
    @OptionalField(key: "status") var status: RecipientStatus?
    @OptionalField(key: "from_station_id") var fromStationID: UUID?
    @OptionalField(key: "to_station_id") var toStationID: UUID?
    @OptionalField(key: "other_recipient_id") var otherRecipientID: UUID?
    /// What happened, in words (e.g. "由 解放路街道社工站 转至 大观园街道社工站").
    @Field(key: "detail") var detail: String
    @Field(key: "reason") var reason: String
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_name") var actorName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(recipient: UUID, kind: RecipientEventKind, on day: String, detail: String, reason: String = "", actor: Caller?) {
        self.id = UUID()
        self.$recipient.id = recipient
        self.kind = kind
        self.happenedOn = day
        self.detail = detail
        self.reason = reason
        self.actorID = actor?.userID
        self.actorName = actor?.displayName ?? "系统"
    }
}

/// One need of the needs list (需求清单, V-8).
final class RecipientNeed: Model, @unchecked Sendable {
    static let schema = "recipient_needs"

    @ID(key: .id) var id: UUID?
    @Parent(key: "recipient_id") var recipient: Recipient
    @Field(key: "station_id") var stationID: UUID
    /// A service field of the city's profile (`ServiceField` code).
    @Field(key: "area") var area: String
    @Field(key: "description") var description: String
    @Field(key: "urgency") var urgency: NeedUrgency
    @Field(key: "identified_on") var identifiedOn: String
    @Field(key: "status") var status: NeedStatus
    @Field(key: "status_on") var statusOn: String
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["recipient_id": $recipient.id.uuidString, "area": area, "description": description, "urgency": urgency.rawValue,
         "identified_on": identifiedOn, "status": status.rawValue, "status_on": statusOn]
    }
}

/// Consent to services, or to sharing data with other departments.
enum ConsentKind: String, Codable, Sendable, CaseIterable {
    case services
    case dataSharing = "data_sharing"
    var label: String { self == .services ? "服务知情同意" : "信息共享同意" }
}

final class RecipientConsent: Model, @unchecked Sendable {
    static let schema = "recipient_consents"

    @ID(key: .id) var id: UUID?
    @Parent(key: "recipient_id") var recipient: Recipient
    @Field(key: "kind") var kind: ConsentKind
    @Field(key: "given_on") var givenOn: String
    @OptionalParent(key: "attachment_id") var attachment: Attachment?
    @OptionalField(key: "recorded_by") var recordedBy: UUID?
    @Field(key: "recorded_by_name") var recordedByName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}
