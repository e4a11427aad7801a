import Domain
import Fluent
import Vapor

/// A policy of a city's library (政策资源库). See `M025_PolicyLibrary`.
final class LibraryPolicy: Model, @unchecked Sendable {
    static let schema = "library_policies"

    @ID(key: .id) var id: UUID?
    @Field(key: "city_id") var cityID: UUID
    /// The station that added it as a local policy; nil for the city's own.
    @OptionalField(key: "station_id") var stationID: UUID?
    @Field(key: "title") var title: String
    /// 发文机关.
    @Field(key: "issuer") var issuer: String
    /// 文号, when the document has one (empty rather than invented).
    @OptionalField(key: "doc_number") var docNumber: String?
    /// A service field of the city's policy profile.
    @OptionalField(key: "field") var field: String?
    @Field(key: "effective_on") var effectiveOn: String
    @OptionalField(key: "expires_on") var expiresOn: String?
    @Field(key: "summary") var summary: String
    /// 适用对象: who is eligible.
    @Field(key: "eligibility") var eligibility: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_by_name") var createdByName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["city_id": cityID.uuidString, "station_id": stationID?.uuidString ?? "", "title": title, "issuer": issuer, "doc_number": docNumber ?? "",
         "field": field ?? "", "effective_on": effectiveOn, "expires_on": expiresOn ?? "", "summary": summary, "eligibility": eligibility]
    }
}

/// A policy a case assessment or an assistance request named as applying (V-10).
final class PolicyApplication: Model, @unchecked Sendable {
    static let schema = "policy_applications"

    @ID(key: .id) var id: UUID?
    @Field(key: "policy_id") var policyID: UUID
    @Field(key: "station_id") var stationID: UUID
    @OptionalField(key: "case_id") var caseID: UUID?
    @OptionalField(key: "assessment_id") var assessmentID: UUID?
    @OptionalField(key: "assistance_request_id") var assistanceRequestID: UUID?
    @Field(key: "applied_on") var appliedOn: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// A new policy, or (every field optional) a correction of one.
struct LibraryPolicyInput: Content {
    /// For a station's local policy: the station; omitted for the city's own.
    var stationId: UUID?
    var title: String?
    var issuer: String?
    var docNumber: String?
    var field: String?
    var effectiveOn: String?
    var expiresOn: String?
    var summary: String?
    var eligibility: String?
}

struct LibraryPolicyDTO: Content {
    struct File: Content {
        var id: UUID
        var name: String
    }

    /// Where it was applied (in the caller's scope).
    struct Applied: Content {
        /// `assessment` or `assistance`.
        var kind: String
        var on: String
        var stationName: String
        var caseId: UUID?
        var caseNumber: String?
        var assistanceRequestId: UUID?
        var recipientName: String?
    }

    var id: UUID
    var stationId: UUID?
    /// 本市 or the station's name.
    var keptBy: String
    var title: String
    var issuer: String
    var docNumber: String?
    var field: String?
    var fieldLabel: String?
    var effectiveOn: String
    var expiresOn: String?
    var inForce: Bool
    /// `in_force`, `not_yet` or `expired`, today.
    var validity: String
    var validityLabel: String
    var summary: String
    var eligibility: String
    var attachments: [File]
    var applied: [Applied]
    var createdAt: Date?
    var updatedAt: Date?
}

/// A named policy, as an assessment or assistance request shows it.
struct PolicyRef: Content, Sendable {
    var id: UUID
    var title: String
    var docNumber: String?
}
