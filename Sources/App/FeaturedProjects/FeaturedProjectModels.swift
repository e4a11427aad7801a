import Domain
import Fluent
import Vapor

/// A station's featured project (特色项目) for one year: the "N" of Wuhan's "1+4+N" (V-3), "根据辖区居民
/// 群众需求，探索拓展多领域的特色社会工作服务". A service of the station in that year may be given under
/// it instead of a catalogue item. See `M020_FeaturedProjects`.
final class FeaturedProject: Model, @unchecked Sendable {
    static let schema = "featured_projects"

    @ID(key: .id) var id: UUID?
    @Field(key: "year") var year: Int
    @Parent(key: "station_id") var station: Station
    @Field(key: "city_id") var cityID: UUID
    @Field(key: "district_id") var districtID: UUID
    /// Unique within the station and year.
    @Field(key: "name") var name: String
    /// The service field of the profile it belongs to; fixed once defined.
    @Field(key: "field") var field: String
    @Field(key: "description") var summary: String
    /// The days within `year` it runs (both included): services outside them are refused.
    @Field(key: "active_from") var activeFrom: String
    @Field(key: "active_to") var activeTo: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_by_name") var createdByName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var ref: FeaturedProjectRef { FeaturedProjectRef(id: id!, name: name, field: field) }

    func covers(_ day: Day) -> Bool { activeFrom <= day.description && day.description <= activeTo }

    var auditFields: [String: String] {
        ["station_id": $station.id.uuidString, "year": String(year), "name": name, "field": field, "description": summary,
         "active_from": activeFrom, "active_to": activeTo]
    }
}

/// A new featured project, from the form or the API.
struct FeaturedProjectInput: Content {
    /// This year when not given.
    var year: Int?
    var name: String?
    var field: String?
    var description: String?
    /// Default to the first and last day of the year.
    var activeFrom: String?
    var activeTo: String?
}

/// A correction of a project: its field and year stay (its services were counted under them).
struct FeaturedProjectPatch: Content {
    var name: String?
    var description: String?
    var activeFrom: String?
    var activeTo: String?
}

struct FeaturedProjectDTO: Content {
    var id: UUID
    var stationId: UUID
    var year: Int
    var name: String
    var field: String
    var fieldLabel: String
    var description: String
    var activeFrom: String
    var activeTo: String
    /// The services given under it so far, and their 服务人次.
    var records: Int
    var people: Int
    var createdByName: String
}

/// A station's featured projects of a year, and whether its city's profile has them at all.
struct FeaturedProjectList: Content {
    var stationId: UUID
    var stationName: String
    var year: Int
    var enabled: Bool
    var items: [FeaturedProjectDTO]
}
