import Domain
import Vapor

/// A station as the JSON API returns it.
struct StationDTO: Content {
    struct OperatorDTO: Content { var id: UUID; var name: String; var creditCode: String }
    struct RoomDTO: Content { var kind: RoomKind; var kindLabel: String; var area: Double; var shared: Bool }
    struct VillageDTO: Content { var id: UUID; var name: String; var post: VillagePost; var postLabel: String }

    var id: UUID
    var name: String
    var streetId: UUID
    var streetName: String?
    var districtId: UUID
    var districtName: String?
    var address: String
    var openedOn: String?
    var `operator`: OperatorDTO?
    var rooms: [RoomDTO]?
    var equipment: [Equipment]?
    var outdoorSign: Bool
    var indoorSign: Bool
    var villages: [VillageDTO]?
    /// Contract facts the rules read: S-6's contract start, S-8's annual amount, S-7's personnel budget (yuan).
    var contractStartedOn: String?
    var annualContractAmount: Double?
    var annualPersonnelBudget: Double?
    /// A demonstration station (示范点): the demonstration-only rules apply. Only a city admin sets it.
    var isDemonstration: Bool

    init(_ s: StationQueries.Summary) {
        id = s.id
        name = s.name
        streetId = s.streetId
        streetName = s.streetName
        districtId = s.districtId
        districtName = s.districtName
        address = s.address
        openedOn = s.openedOn
        if let opID = s.operatorId, let opName = s.operatorName {
            self.operator = OperatorDTO(id: opID, name: opName, creditCode: s.operatorCreditCode ?? "")
        }
        outdoorSign = s.outdoorSign
        indoorSign = s.indoorSign
        contractStartedOn = s.contractStartedOn
        annualContractAmount = s.annualContractAmount
        annualPersonnelBudget = s.annualPersonnelBudget
        isDemonstration = s.isDemonstration
    }

    /// With rooms, equipment and villages, for one station.
    init(_ s: StationQueries.Summary, rooms: [RoomKind: StationQueries.RoomRow], villages: [OrgQueries.UnitRef]) {
        self.init(s)
        self.rooms = RoomKind.allCases.compactMap { rooms[$0] }.map { RoomDTO(kind: $0.kind, kindLabel: $0.kind.label, area: $0.area, shared: $0.shared) }
        equipment = s.equipment
        self.villages = villages.map { VillageDTO(id: $0.id, name: $0.name, post: $0.villagePost, postLabel: $0.villagePost.label) }
    }
}

struct Page<T: Content>: Content {
    var items: [T]
    var page: Int
    var per: Int
    var total: Int
}

extension RoomKind {
    var order: Int { Self.allCases.firstIndex(of: self)! }
}
