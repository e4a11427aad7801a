import Domain
import Fluent
import Vapor

struct HouseholdInput: Content {
    /// The head of the household (a recipient of the same station); the recipient's own id makes
    /// them the head; null takes them out of any household.
    var headId: UUID?
    /// Relation to the head (`HouseholdRelation`), for a member other than the head.
    var relation: String?
}

/// Households (issue 9 §1): `household_id` is the head's record id (the head carries its own id),
/// `household_relation` the member's relation to the head. A household is within one station.
enum RecipientHousehold {
    struct Member: Content {
        var id: UUID
        var name: String
        /// "户主" for the head, else the relation's label.
        var relationLabel: String
        var isHead: Bool
    }

    static func set(_ r: Recipient, _ input: HouseholdInput, req: Request) async throws {
        let rid = r.id!
        var v = Validator()
        var relation: HouseholdRelation?
        var head: Recipient?
        if let headID = input.headId {
            if headID != rid {
                head = try await Recipient.query(on: req.db).filter(\.$id == headID).filter(\.$station.$id == r.$station.id).first()
                if head == nil || head?.mergedIntoID != nil {
                    v.add("head_id", "户主应为本社工站已登记的服务对象")
                } else if let h = head, let hh = h.householdID, hh != headID {
                    v.add("head_id", "“\(h.name)”是另一户的成员，请选择该户的户主")
                }
                let raw = (input.relation ?? "").trimmingCharacters(in: .whitespaces)
                relation = HouseholdRelation(rawValue: raw) ?? HouseholdRelation.allCases.first { $0.label == raw }
                if relation == nil {
                    v.add("relation", raw.isEmpty ? "请选择与户主的关系" : "与户主的关系“\(raw.prefix(20))”无效（可选：\(HouseholdRelation.allCases.map(\.label).joined(separator: "、"))）")
                }
            }
        }
        // A head with members stays head: moving them elsewhere would split the household silently.
        if r.householdID == rid, input.headId != rid,
           try await Recipient.query(on: req.db).filter(\.$householdID == rid).filter(\.$id != rid).count() > 0 {
            v.add("head_id", "该服务对象是户主，且户内还有其他成员；请先调整其他成员")
        }
        try v.check()
        let old = r.auditFields
        let headBefore = head?.auditFields
        let chosenHead = head, chosenRelation = relation
        let caller = try req.requireCaller()
        let detail = switch input.headId {
        case nil: r.householdID == nil ? nil : "不再关联家庭"
        case rid?: r.householdID == rid ? nil : "设为户主"
        default: "户主 \(head!.name)，关系：\(relation!.label)"
        }
        let event = detail.map { RecipientEvent(recipient: rid, kind: .household, on: req.today.description, detail: $0, actor: caller) }
        try await req.audit.transaction { db, audit in
            try await event?.create(on: db)
            if let head = chosenHead, head.householdID == nil {
                head.householdID = head.id
                try await head.update(on: db)
                audit.change(entityType: "recipient", entityID: head.id, old: headBefore, new: head.auditFields)
            }
            r.householdID = input.headId
            r.householdRelation = input.headId == rid ? nil : chosenRelation
            try await r.update(on: db)
            audit.change(entityType: "recipient", entityID: rid, old: old, new: r.auditFields)
        }
    }

    /// The household the recipient belongs to: the head first, then the members by name.
    static func members(of r: Recipient, on db: any Database) async throws -> [Member] {
        guard let head = r.householdID else { return [] }
        let rows = try await Recipient.query(on: db).group(.or) { $0.filter(\.$id == head).filter(\.$householdID == head) }
            .filter(\.$mergedIntoID == nil).sort(\.$name).all()
        let sorted = rows.filter { $0.id == head } + rows.filter { $0.id != head }
        return sorted.map { m in
            Member(id: m.id!, name: m.name, relationLabel: m.id == head ? "户主" : (m.householdRelation?.label ?? "成员"), isHead: m.id == head)
        }
    }
}
