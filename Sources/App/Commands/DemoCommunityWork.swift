import Domain
import Fluent
import Foundation
import SQLKit
import Vapor

/// Demo community work and focus fields at 解放路 (issue 10 §7): events in its villages with their
/// partners and a photo each, and the year's two focus fields — 养老服务, which meets V-6 (cases,
/// groups and events of the demo), and 儿童福利, which does not (no case, one group, one event).
enum DemoCommunityWork {
    struct Plan {
        let title: String
        let field: String
        let item: String
        let daysAgo: Int
        let partners: [LinkagePartner]
        let others: Int
        let content: String
    }

    static let plans = [
        Plan(title: "重阳节敬老游园会", field: "elderly", item: "culture_sports_health", daysAgo: 34, partners: [.community, .volunteer, .charity],
             others: 85, content: "游园、义诊和长寿宴，爱心企业捐赠慰问品"),
        Plan(title: "邻里互助日·为独居老人包饺子", field: "elderly", item: "social_support", daysAgo: 12, partners: [.community, .socialWorker, .volunteer],
             others: 40, content: "志愿者与居民包饺子并送到独居老人家中"),
        Plan(title: "“护苗”儿童安全课堂", field: "child_welfare", item: "capacity_building", daysAgo: 20, partners: [.socialOrganisation, .socialWorker],
             others: 26, content: "防溺水、防拐骗和用电安全讲座"),
    ]

    /// A 1×1 PNG, standing in for an event's photo.
    static let photo = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!

    static func add(station: Station, worker: (id: UUID, name: String), profile: PolicyProfile, today: Day, app: Application, db: any Database,
                    recorder: AuditLog.Recorder) async throws {
        let villages = try await StationQueries.villages(ofStreet: station.streetID, on: db)
        guard !villages.isEmpty else { return }
        let people = try await Recipient.query(on: db).filter(\.$station.$id == station.id!).filter(\.$status == .active).sort(\.$name).limit(3).all()
        for (i, plan) in plans.enumerated() {
            let on = today.adding(days: -plan.daysAgo)
            let village = villages[i % villages.count].id
            let tag = try profile.tag(field: plan.field, item: plan.item, method: ServiceMethod.communityWork.rawValue).get()
            let entry = LedgerEntry(station: station, kind: .communityEvent, tag: tag, on: on, minutes: 150, workerID: worker.id, workerName: worker.name,
                                    recipientIDs: i == 1 ? people.map { $0.id! } : [], othersCount: plan.others, content: plan.content, caseID: nil, village: village)
            let record = try await Ledger.write(entry, createdBy: worker.id, on: db, audit: recorder)
            let e = CommunityEvent()
            e.id = UUID()
            e.year = on.year
            e.$station.id = station.id!
            e.cityID = station.cityID
            e.districtID = station.districtID
            e.recordID = record.id!
            e.title = plan.title
            e.heldOn = on.description
            e.placeID = village
            e.partnerCodes = plan.partners.map(\.rawValue).joined(separator: ",")
            e.createdBy = worker.id
            try await e.create(on: db)
            let stored = try RecordsService.storeAttachment(photo, type: "image/png", name: "\(plan.title).png", app: app)
            try await stored.create(on: db)
            try await (db as! any SQLDatabase).insert(into: "community_event_photos").columns("event_id", "attachment_id", "position", "added_by")
                .values(SQLBind(e.id!), SQLBind(stored.id!), SQLBind(1), SQLBind(worker.id)).run()
        }
        let choice = FocusChoice()
        choice.stationID = station.id!
        choice.year = today.year
        choice.version = 1
        choice.fieldCodes = "elderly,child_welfare"
        choice.chosenBy = worker.id
        choice.chosenByName = worker.name
        try await choice.create(on: db)
    }
}
