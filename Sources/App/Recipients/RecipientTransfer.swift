import Domain
import Fluent
import SQLKit
import Vapor

struct TransferInput: Content {
    /// The receiving station, in the same city.
    var stationId: UUID?
    /// The village or community under the receiving station's street (optional).
    var villageName: String?
    var on: String?
    var reason: String?
}

/// A recipient who moved house is transferred to the station of their new street (issue 9 §3), not
/// registered twice. The sending side decides (a worker or the operator manager of the recipient's
/// station); the receiving station is looked up by id among the stations of the same city only, so
/// a station id of another city answers 404 like a station that does not exist.
///
/// What moves: the record's station, street path, district and village; its current categories
/// (they count for the station that serves the person); its open and being-served needs (the new
/// station carries on the work). What stays: needs already met, referred or that cannot be met stay
/// in the sending station's needs list, as the work it did; ended categories; the whole timeline.
/// A household link is undone (households are within one station): the person's own, and, if they
/// headed one, their members' links to them.
///
/// After the move the sending station no longer sees the record (its scope is the station's street);
/// it sees the transfer in its "已转出" list (`transfersOut`): name, date and receiving street only.
enum RecipientTransfer {
    static func transfer(_ r: Recipient, from station: Station, _ input: TransferInput, req: Request) async throws -> Station {
        let caller = try req.requireCaller()
        try req.authorize(.update, RecipientService.resource(station))
        if r.mergedIntoID != nil {
            throw AppError.field("station_id", "该记录已合并到另一条记录，请在保留的记录上办理转移", status: .conflict)
        }
        var v = Validator()
        var target: Station?
        if let id = input.stationId {
            // Same city only; anything else is "not found", never "exists elsewhere".
            target = try await Station.query(on: req.db).filter(\.$id == id).filter(\.$cityID == station.cityID).first()
            if target == nil || target?.deletedAt != nil {
                throw AppError.field("station_id", "接收社工站不存在，或不在本市", status: .notFound)
            }
            if target?.id == station.id { v.add("station_id", "接收社工站不能是服务对象现在所在的社工站") }
        } else {
            v.add("station_id", "请选择接收的社工站")
        }
        let day = v.day(input.on, field: "on", label: "转移日期", notAfter: req.today)
        if (input.on ?? "").trimmingCharacters(in: .whitespaces).isEmpty { v.add("on", "转移日期不能为空") }
        let reason = v.text(input.reason, field: "reason", label: "转移原因", max: TextLimit.short, required: true) ?? ""
        var villageID: UUID?
        if let target, let name = input.villageName?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            let found = try await StationQueries.village(named: name, ofStreet: target.streetID, on: req.db)
            villageID = found.id
            if villageID == nil {
                v.add("village_name", "村（社区）“\(name)”不在接收社工站所在街道下（可选：\(found.choices.joined(separator: "、"))）")
            }
        }
        try v.check()
        let to = target!
        let street = try await OrgUnit.find(to.streetID, on: req.db)?.name ?? to.name
        let old = r.auditFields
        let recipientID = r.id!
        let fromID = station.id!, toID = to.id!
        let event = RecipientEvent(recipient: recipientID, kind: .transfer, on: day!.description,
                                   detail: "由\(station.name)转至\(to.name)（\(street)）", reason: reason, actor: caller)
        event.fromStationID = fromID
        event.toStationID = toID
        let open = [NeedStatus.open.rawValue, NeedStatus.beingServed.rawValue]
        let village = villageID
        try await req.audit.transaction { db, audit in
            let sql = db as! any SQLDatabase
            // Read again inside the lock: a merge or another transfer may have happened meanwhile.
            guard let current = try await Recipient.find(recipientID, on: db), current.mergedIntoID == nil, current.$station.id == fromID else {
                throw AppError.field("station_id", "该记录刚被他人转移或合并，请刷新后再试", status: .conflict)
            }
            let wasHead = current.householdID == recipientID
            current.$station.id = toID
            current.cityID = to.cityID
            current.districtID = to.districtID
            current.path = to.path
            current.villageID = village
            current.householdID = nil
            current.householdRelation = nil
            try await current.update(on: db)
            if wasHead {
                let members = try await Recipient.query(on: db).filter(\.$householdID == recipientID).filter(\.$id != recipientID).all()
                for m in members {
                    let before = m.auditFields
                    m.householdID = nil
                    m.householdRelation = nil
                    try await m.update(on: db)
                    audit.change(entityType: "recipient", entityID: m.id, old: before, new: m.auditFields)
                }
            }
            try await sql.raw("""
                UPDATE recipient_categories SET station_id = \(bind: toID) WHERE recipient_id = \(bind: recipientID) AND ended_on IS NULL
                """).run()
            try await sql.raw("""
                UPDATE recipient_needs SET station_id = \(bind: toID) WHERE recipient_id = \(bind: recipientID) AND status IN (\(binds: open))
                """).run()
            try await event.create(on: db)
            audit.change(entityType: "recipient", entityID: recipientID, old: old, new: current.auditFields)
        }
        return to
    }

    /// A transfer out of one of the caller's stations, as the sending side sees it after the record left.
    struct TransferOutDTO: Content {
        var recipientName: String
        var on: String
        var fromStationName: String
        /// The receiving street only: not the station's record, not the person's new village.
        var toStreetName: String
    }

    /// The transfers out of the stations whose recipients the caller reads, newest first.
    static func transfersOut(_ caller: Caller, limit: Int = 50, on db: any Database) async throws -> [TransferOutDTO] {
        guard let scope = StationScope.condition(Access.readScope(caller.assignments, .recipient), on: db) else { return [] }
        let sql = db as! any SQLDatabase
        return try await sql.raw("""
            SELECT r.name, e.happened_on, s.name AS from_name, tst.name AS to_street
            FROM recipient_events e
            JOIN stations s ON s.id = e.from_station_id
            JOIN stations ts ON ts.id = e.to_station_id
            JOIN org_units tst ON tst.id = ts.street_id
            JOIN recipients r ON r.id = e.recipient_id
            WHERE e.kind = 'transfer' AND
            """ + " " + scope + " ORDER BY e.happened_on DESC, e.created_at DESC LIMIT \(literal: limit)").all().map {
            TransferOutDTO(recipientName: try $0.decode(column: "name", as: String.self), on: try $0.decode(column: "happened_on", as: String.self),
                           fromStationName: try $0.decode(column: "from_name", as: String.self),
                           toStreetName: try $0.decode(column: "to_street", as: String.self))
        }
    }

    /// The stations of the caller's city a recipient may be transferred to (the form's choice), by
    /// street name; every station of the city, since a resident may move anywhere in it.
    static func targets(from station: Station, on db: any Database) async throws -> [(id: UUID, label: String)] {
        let sql = db as! any SQLDatabase
        return try await sql.raw("""
            SELECT s.id, s.name, d.name AS district, st.name AS street FROM stations s
            JOIN org_units st ON st.id = s.street_id JOIN org_units d ON d.id = s.district_id
            WHERE s.city_id = \(bind: station.cityID) AND s.deleted_at IS NULL AND s.id <> \(bind: station.id!)
            ORDER BY d.name, st.name
            """).all().map { (try $0.decode(column: "id", as: UUID.self),
                              "\(try $0.decode(column: "district", as: String.self)) \(try $0.decode(column: "street", as: String.self))") }
    }
}
