import Domain
import Fluent
import Vapor

/// A community event (社区活动, MZ/T 071) of one station; what it did and whom it reached are its
/// ledger row (`recordID`). See `M014_CommunityEvents`.
final class CommunityEvent: Model, @unchecked Sendable {
    static let schema = "community_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "year") var year: Int
    @Parent(key: "station_id") var station: Station
    @Field(key: "city_id") var cityID: UUID
    @Field(key: "district_id") var districtID: UUID
    @Field(key: "record_id") var recordID: UUID
    @Field(key: "title") var title: String
    @Field(key: "held_on") var heldOn: String
    /// The village or community (an org unit under the station's street) where it was held.
    @Field(key: "place_id") var placeID: UUID
    /// The five-society partners, comma-separated raw values of `LinkagePartner`.
    @Field(key: "partners") var partnerCodes: String
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var partners: [LinkagePartner] { partnerCodes.split(separator: ",").compactMap { LinkagePartner(rawValue: String($0)) } }
}

/// A new community event, from the form or the API.
struct CommunityEventInput: Content {
    var stationId: UUID?
    var title: String?
    var on: String?
    var minutes: Int?
    /// The village or community where it was held.
    var placeId: UUID?
    var content: String?
    var field: String?
    var item: String?
    /// One of the station's featured projects of the event's year, in place of the item (V-3).
    var featuredProjectId: UUID?
    /// Participants beyond the named recipients (居民、志愿者 …).
    var othersCount: Int?
    /// Recipients of the station's library who took part, where relevant.
    var recipientIds: [UUID]?
    /// Raw values of `LinkagePartner`.
    var partners: [String]?
}

struct CommunityEventDTO: Content {
    struct Photo: Content {
        var id: UUID
        var name: String
    }

    var id: UUID
    var stationId: UUID
    var stationName: String
    var title: String
    var on: String
    var minutes: Int
    var placeId: UUID
    var placeName: String
    var content: String
    var fieldLabel: String
    var itemLabel: String?
    var partners: [LinkagePartner]
    var partnerLabels: [String]
    /// 服务人次: named recipients plus others.
    var peopleCount: Int
    var othersCount: Int
    var recipients: [CaseDetail.Member]
    var workerName: String
    var photos: [Photo]
}
