import Domain
import Fluent
import Foundation

/// A volunteer's standing in the station's library.
enum VolunteerStatus: String, Codable, Sendable, CaseIterable {
    case active
    case paused
    case left
    var label: String {
        switch self {
        case .active: "在册"
        case .paused: "暂停服务"
        case .left: "已退出"
        }
    }
}

/// A volunteer of a station's volunteer library (志愿服务资源库, R-1; issue 11 §1). See `M022_Volunteers`.
/// Resident ID and phone are sealed with the data key exactly as a recipient's (`SealedPersonalData`).
final class Volunteer: Model, @unchecked Sendable {
    static let schema = "volunteers"

    @ID(key: .id) var id: UUID?
    @Parent(key: "station_id") var station: Station
    @Field(key: "city_id") var cityID: UUID
    @Field(key: "district_id") var districtID: UUID
    @Field(key: "path") var path: String
    @Field(key: "village_id") var villageID: UUID
    @Field(key: "name") var name: String
    @Field(key: "resident_id_sealed") var residentIDSealed: String
    @Field(key: "resident_id_hash") var residentIDHash: String
    @Field(key: "resident_id_masked") var residentIDMasked: String
    @OptionalField(key: "phone_sealed") var phoneSealed: String?
    @OptionalField(key: "phone_hash") var phoneHash: String?
    @OptionalField(key: "phone_masked") var phoneMasked: String?
    @Field(key: "skills") var skills: String
    @Field(key: "availability") var availability: String
    /// The number of the volunteer's registration on the national volunteer service site, when registered.
    @OptionalField(key: "national_registration") var nationalRegistration: String?
    @Field(key: "status") var status: VolunteerStatus
    /// The same person in the key-population library (a link, never a copy).
    @OptionalField(key: "recipient_id") var recipientID: UUID?
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    /// Hashes only: the audit trail never holds an ID or phone number.
    var auditFields: [String: String] {
        ["station_id": $station.id.uuidString, "village_id": villageID.uuidString, "name": name, "resident_id": "hmac:" + residentIDHash.prefix(12),
         "phone": phoneHash.map { "hmac:" + $0.prefix(12) } ?? "", "skills": skills, "availability": availability,
         "national_registration": nationalRegistration ?? "", "status": status.rawValue, "recipient_id": recipientID?.uuidString ?? ""]
    }
}

/// A village's or community's volunteer team (志愿服务队, R-2), registered on the national site.
final class VolunteerTeam: Model, @unchecked Sendable {
    static let schema = "volunteer_teams"

    @ID(key: .id) var id: UUID?
    @Parent(key: "station_id") var station: Station
    @Field(key: "city_id") var cityID: UUID
    @Field(key: "path") var path: String
    @Field(key: "village_id") var villageID: UUID
    @Field(key: "name") var name: String
    @OptionalField(key: "leader_id") var leaderID: UUID?
    @OptionalField(key: "national_registration") var nationalRegistration: String?
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["station_id": $station.id.uuidString, "village_id": villageID.uuidString, "name": name, "leader_id": leaderID?.uuidString ?? "",
         "national_registration": nationalRegistration ?? ""]
    }
}

/// A volunteer's membership of a team, from the day they joined to the day they left.
final class VolunteerTeamMember: Model, @unchecked Sendable {
    static let schema = "volunteer_team_members"

    @ID(key: .id) var id: UUID?
    @Field(key: "team_id") var teamID: UUID
    @Field(key: "volunteer_id") var volunteerID: UUID
    @Field(key: "joined_on") var joinedOn: String
    @OptionalField(key: "left_on") var leftOn: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["team_id": teamID.uuidString, "volunteer_id": volunteerID.uuidString, "joined_on": joinedOn, "left_on": leftOn ?? ""]
    }
}

/// What a volunteer served at: one of the ledger's activities, or a standalone volunteer activity.
enum VolunteerActivityKind: String, Codable, Sendable, CaseIterable {
    case communityEvent = "community_event"
    case groupSession = "group_session"
    case visit
    case standalone
    var label: String {
        switch self {
        case .communityEvent: "社区活动"
        case .groupSession: "小组活动"
        case .visit: "走访"
        case .standalone: "志愿服务活动"
        }
    }

    /// The ledger kinds an entry of this kind may name.
    var serviceKinds: [ServiceKind] {
        switch self {
        case .communityEvent: [.communityEvent]
        case .groupSession: [.groupSession]
        case .visit: [.homeVisit, .phoneVisit]
        case .standalone: []
        }
    }
}

/// 谁组织谁记录: the organiser records an entry, its station confirms it; only confirmed hours count.
enum VolunteerHoursStatus: String, Codable, Sendable, CaseIterable {
    case recorded
    case confirmed
    var label: String { self == .recorded ? "待确认" : "已确认" }
}

/// One volunteer's hours at one activity (服务时长). The row holds the version in force.
final class VolunteerHours: Model, @unchecked Sendable {
    static let schema = "volunteer_hours"

    @ID(key: .id) var id: UUID?
    @Parent(key: "volunteer_id") var volunteer: Volunteer
    /// The organiser's station, which records and confirms (谁组织谁记录).
    @Parent(key: "station_id") var station: Station
    @Field(key: "city_id") var cityID: UUID
    @Field(key: "path") var path: String
    @Field(key: "activity_kind") var activityKind: VolunteerActivityKind
    /// The ledger's record of the event, session or visit; nil for a standalone activity.
    @OptionalField(key: "record_id") var recordID: UUID?
    @Field(key: "activity_name") var activityName: String
    @Field(key: "place") var place: String
    /// Local time, `yyyy-MM-ddTHH:mm`.
    @Field(key: "starts_at") var startsAt: String
    @Field(key: "ends_at") var endsAt: String
    /// The length in half hours (hours are actual service time in steps of 0.5 h).
    @Field(key: "half_hours") var halfHours: Int
    @Field(key: "status") var status: VolunteerHoursStatus
    @OptionalField(key: "confirmed_by") var confirmedBy: UUID?
    @OptionalField(key: "confirmed_by_name") var confirmedByName: String?
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    @Field(key: "version") var version: Int
    @Field(key: "recorded_by") var recordedBy: UUID
    @Field(key: "recorded_by_name") var recordedByName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var hours: Double { Double(halfHours) / 2 }

    var auditFields: [String: String] {
        ["version": String(version), "volunteer_id": $volunteer.id.uuidString, "station_id": $station.id.uuidString, "activity_kind": activityKind.rawValue,
         "record_id": recordID?.uuidString ?? "", "activity_name": activityName, "place": place, "starts_at": startsAt, "ends_at": endsAt,
         "half_hours": String(halfHours), "status": status.rawValue]
    }
}

/// A replaced version of an hours entry, as it was, with who corrected it, when and why.
final class VolunteerHoursVersion: Model, @unchecked Sendable {
    static let schema = "volunteer_hour_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "hours_id") var hoursID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "activity_name") var activityName: String
    @Field(key: "place") var place: String
    @Field(key: "starts_at") var startsAt: String
    @Field(key: "ends_at") var endsAt: String
    @Field(key: "half_hours") var halfHours: Int
    @Field(key: "status") var status: VolunteerHoursStatus
    @Field(key: "corrected_by") var correctedBy: UUID
    @Field(key: "corrected_by_name") var correctedByName: String
    @Field(key: "reason") var reason: String
    @Field(key: "corrected_at") var correctedAt: Date

    init() {}
}
