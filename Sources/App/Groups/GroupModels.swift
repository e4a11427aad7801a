import Domain
import Fluent
import Foundation

/// A group (小组, MZ/T 095) of one station in one year. See `M012_GroupWork`.
final class WorkGroup: Model, @unchecked Sendable {
    static let schema = "work_groups"

    @ID(key: .id) var id: UUID?
    /// The year it starts in: its name is unique within the station and year.
    @Field(key: "year") var year: Int
    @Parent(key: "station_id") var station: Station
    @Field(key: "city_id") var cityID: UUID
    @Field(key: "district_id") var districtID: UUID
    @Field(key: "path") var path: String
    @Field(key: "name") var name: String
    @Field(key: "field") var field: String
    @OptionalField(key: "item") var item: String?
    /// A featured project of the station (V-3) its sessions are given under, in place of an item.
    @OptionalField(key: "featured_project_id") var featuredProjectID: UUID?
    @Field(key: "goals") var goals: String
    /// Who it is for (目标组员), e.g. "辖区独居老人 8–10 名".
    @Field(key: "target") var target: String
    @Field(key: "planned_sessions") var plannedSessions: Int
    @Field(key: "phase") var phase: GroupPhase
    @Field(key: "responsible_id") var responsibleID: UUID
    @Field(key: "responsible_name") var responsibleName: String
    @Field(key: "starts_on") var startsOn: String
    @OptionalField(key: "ended_on") var endedOn: String?
    /// The date of the next planned session, if set (issue 10 §5, M019); cleared by a session held on or after it.
    @OptionalField(key: "next_session_on") var nextSessionOn: String?
    /// The closing summary (小组总结), written when it ends.
    @OptionalField(key: "summary") var summary: String?
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["station_id": $station.id.uuidString, "name": name, "field": field, "item": item ?? "",
         "featured_project_id": featuredProjectID?.uuidString ?? "", "goals": goals, "target": target,
         "planned_sessions": String(plannedSessions), "phase": phase.rawValue, "responsible_id": responsibleID.uuidString,
         "starts_on": startsOn, "ended_on": endedOn ?? "", "summary": summary ?? "", "next_session_on": nextSessionOn ?? ""]
    }
}

/// One session of a group; what it did and who came are its ledger row (`recordID`).
final class GroupSession: Model, @unchecked Sendable {
    static let schema = "group_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "year") var year: Int
    @Field(key: "group_id") var groupID: UUID
    @Field(key: "station_id") var stationID: UUID
    /// 第 n 次, within the group.
    @Field(key: "number") var number: Int
    @Field(key: "held_on") var heldOn: String
    @Field(key: "record_id") var recordID: UUID
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}
