import Domain
import Fluent
import SQLKit
import Vapor

struct MergeInput: Content {
    /// The duplicate record that is absorbed into the one named in the path.
    var otherId: UUID?
    var reason: String?
}

/// Two records of the same person (one imported without an ID, say) become one (issue 9 §3).
///
/// The caller must be able to update both (404 for either outside scope). The kept record (the one
/// in the path) takes the other's categories it lacks, its needs, consents and timeline (re-pointed,
/// nothing copied or lost), and the fields it is missing (ID with the birth date and sex it implies,
/// phone, address, village, follow-up level, guardian). The absorbed record keeps its row for the
/// trail with `merged_into_id` set, gives up its ID hash (the unique index), keeps its status, and is
/// hidden from lists; its page says where it went. Both get a `merge` event; both rows are audited.
/// Two merges at once: the second finds a record already merged inside the write lock and gets 409.
enum RecipientMerge {
    static func merge(_ kept: Recipient, station: Station, _ input: MergeInput, req: Request) async throws {
        let caller = try req.requireCaller()
        try req.authorize(.update, RecipientService.resource(station))
        var v = Validator()
        let reason = v.text(input.reason, field: "reason", label: "合并原因", max: TextLimit.short, required: true) ?? ""
        guard let otherID = input.otherId else {
            v.add("other_id", "请选择要并入的重复记录")
            try v.check()
            return
        }
        // The other record, in the caller's scope for updating: 404 outside it.
        let (other, _) = try await RecipientService.find(otherID, .update, req: req)
        if otherID == kept.id { v.add("other_id", "不能把记录与自身合并") }
        try v.check()
        let keptID = kept.id!
        let day = req.today.description
        try await req.audit.transaction { db, audit in
            let sql = db as! any SQLDatabase
            // Both read again inside the lock: of two merges at once, the second sees the first.
            guard let k = try await Recipient.find(keptID, on: db), let o = try await Recipient.find(otherID, on: db) else {
                throw Abort(.notFound, reason: "未找到该服务对象，或不在您的管辖范围内")
            }
            if k.mergedIntoID != nil || o.mergedIntoID != nil {
                throw AppError.field("other_id", "其中一条记录已被合并，请刷新后再试", status: .conflict)
            }
            if let a = k.residentIDHash, let b = o.residentIDHash, a != b {
                throw AppError.field("other_id", "两条记录的身份证号不同，不是同一人，不能合并")
            }
            let keptBefore = k.auditFields, otherBefore = o.auditFields
            // The absorbed record gives its ID hash up first: the unique index allows one holder.
            let hash = o.residentIDHash
            o.mergedIntoID = keptID
            o.residentIDHash = nil
            if o.householdID == otherID { o.householdID = nil }
            try await o.update(on: db)
            var filled: [String] = []
            if k.residentIDHash == nil, let hash {
                k.residentIDHash = hash
                k.residentIDSealed = o.residentIDSealed
                k.residentIDMasked = o.residentIDMasked
                // The ID fixes birth date and sex (GB 11643); a record typed without one takes them.
                k.birthDate = o.birthDate
                k.sex = o.sex
                filled.append("身份证号")
            }
            if k.phoneSealed == nil, o.phoneSealed != nil {
                k.phoneSealed = o.phoneSealed
                k.phoneHash = o.phoneHash
                k.phoneMasked = o.phoneMasked
                filled.append("联系电话")
            }
            if k.address.isEmpty, !o.address.isEmpty { k.address = o.address; filled.append("住址") }
            if k.villageID == nil, o.villageID != nil, o.$station.id == k.$station.id { k.villageID = o.villageID; filled.append("村（社区）") }
            if k.followUpLevel == nil, o.followUpLevel != nil { k.followUpLevel = o.followUpLevel; filled.append("跟进级别") }
            if k.guardianID == nil, k.guardianName == nil, o.guardianID != nil || o.guardianName != nil {
                k.guardianID = o.guardianID
                k.guardianName = o.guardianName
                k.guardianPhoneSealed = o.guardianPhoneSealed
                k.guardianPhoneMasked = o.guardianPhoneMasked
                filled.append("监护人")
            }
            try await k.update(on: db)
            let keptStation = k.$station.id
            // Categories the kept record lacks move over; duplicates stay on the absorbed record's row.
            try await sql.raw("""
                UPDATE recipient_categories SET recipient_id = \(bind: keptID), station_id = \(bind: keptStation)
                WHERE recipient_id = \(bind: otherID) AND (ended_on IS NOT NULL OR category NOT IN
                    (SELECT c.category FROM recipient_categories c WHERE c.recipient_id = \(bind: keptID) AND c.ended_on IS NULL))
                """).run()
            for table in ["recipient_needs", "recipient_consents", "recipient_events"] {
                try await sql.raw("UPDATE \(unsafeRaw: table) SET recipient_id = \(bind: keptID) WHERE recipient_id = \(bind: otherID)").run()
            }
            // Links from other records follow the person.
            try await sql.raw("UPDATE recipients SET household_id = \(bind: keptID) WHERE household_id = \(bind: otherID) AND id <> \(bind: otherID)").run()
            try await sql.raw("UPDATE recipients SET guardian_id = \(bind: keptID) WHERE guardian_id = \(bind: otherID)").run()
            let keptEvent = RecipientEvent(recipient: keptID, kind: .merge, on: day,
                                           detail: "并入重复记录“\(o.name)”" + (filled.isEmpty ? "" : "，补全\(filled.joined(separator: "、"))"),
                                           reason: reason, actor: caller)
            keptEvent.otherRecipientID = otherID
            let otherEvent = RecipientEvent(recipient: otherID, kind: .merge, on: day, detail: "已合并至“\(k.name)”", reason: reason, actor: caller)
            otherEvent.otherRecipientID = keptID
            try await keptEvent.create(on: db)
            try await otherEvent.create(on: db)
            audit.change(entityType: "recipient", entityID: keptID, old: keptBefore, new: k.auditFields)
            audit.change(entityType: "recipient", entityID: otherID, old: otherBefore, new: o.auditFields)
        }
        _ = other
    }
}
