import Domain
import Fluent
import SQLKit
import Vapor

/// A referral (转介, V-11). See `M016_Referrals`.
final class Referral: Model, @unchecked Sendable {
    static let schema = "referrals"

    @ID(key: .id) var id: UUID?
    @Field(key: "year") var year: Int
    @Parent(key: "station_id") var station: Station
    @Field(key: "city_id") var cityID: UUID
    @Field(key: "district_id") var districtID: UUID
    @Field(key: "recipient_id") var recipientID: UUID
    @OptionalField(key: "case_id") var caseID: UUID?
    @Field(key: "target") var target: ReferralTarget
    @OptionalField(key: "target_station_id") var targetStationID: UUID?
    /// The department's or agency's name; the station's name for a station.
    @Field(key: "target_name") var targetName: String
    @Field(key: "reason") var reason: String
    @Field(key: "status") var status: ReferralStatus
    @Field(key: "sent_on") var sentOn: String
    @OptionalField(key: "answered_on") var answeredOn: String?
    @OptionalField(key: "answer") var answer: String?
    @OptionalField(key: "done_on") var doneOn: String?
    @OptionalField(key: "outcome") var outcome: String?
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_by_name") var createdByName: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["station_id": $station.id.uuidString, "recipient_id": recipientID.uuidString, "case_id": caseID?.uuidString ?? "", "target": target.rawValue,
         "target_station_id": targetStationID?.uuidString ?? "", "target_name": targetName, "reason": reason, "status": status.rawValue,
         "sent_on": sentOn, "answered_on": answeredOn ?? "", "answer": answer ?? "", "done_on": doneOn ?? "", "outcome": outcome ?? ""]
    }
}

struct ReferralInput: Content {
    var recipientId: UUID?
    var caseId: UUID?
    var target: String?
    /// For a referral to another station.
    var targetStationId: UUID?
    /// For a street department or an agency.
    var targetName: String?
    var reason: String?
    var on: String?
}

/// An answer to a referral: accepted or declined with a note, or done with its outcome.
struct ReferralAnswerInput: Content {
    /// `accepted`, `declined` or `done`.
    var status: String?
    var on: String?
    var note: String?
}

/// Referrals (V-11): sent by a station's workers or operator; a referral to another station is
/// answered by that station (its inbox), one to a department or agency by the sending station, which
/// records the answer it got. Each change is one audited transaction, checked against the status as
/// it stands inside the serialised write (two answers at once: one 409).
enum ReferralService {
    /// Who may read a referral: both stations' readers. Who may answer: the receiving station for a
    /// station, the sending station otherwise.
    static func find(_ id: UUID?, req: Request) async throws -> (Referral, Station, Station?) {
        guard let id, let r = try await Referral.query(on: req.db).filter(\.$id == id).with(\.$station).first() else {
            throw Abort(.notFound, reason: "未找到该转介，或不在您的管辖范围内")
        }
        let target = try await r.targetStationID.asyncMap { try await Station.find($0, on: req.db) } ?? nil
        let caller = try req.requireCaller()
        let readable = [r.station, target].compactMap { $0 }.contains { caller.may(.read, StationScope.resource($0, .service)) }
        guard readable else { throw Abort(.notFound, reason: "未找到该转介，或不在您的管辖范围内") }
        return (r, r.station, target)
    }

    static func answeringStation(_ r: Referral, from: Station, to: Station?) -> Station { r.target == .station ? (to ?? from) : from }

    static func send(_ input: ReferralInput, req: Request) async throws -> Referral {
        let caller = try req.requireCaller()
        guard let recipientID = input.recipientId else { throw AppError.field("recipient_id", "缺少必填字段 recipient_id（转介的服务对象）") }
        // The person is looked up in the caller's scope (404 outside it); the referral is their station's.
        let (person, station) = try await RecipientService.find(recipientID, .read, req: req)
        try req.authorize(.create, StationScope.resource(station, .service))
        var v = Validator()
        let target: ReferralTarget? = WorkforceService.enumValue(input.target, ReferralTarget.self, field: "target", label: "转介去向", into: &v)
        if input.target == nil { v.add("target", "请选择转介去向（street_department 街道部门、agency 其他机构、station 其他社工站）") }
        let day = v.day(input.on, field: "on", label: "转介日期", notAfter: req.today) ?? ((input.on ?? "").isEmpty ? req.today : nil)
        let reason = v.text(input.reason, field: "reason", label: "转介原因", max: TextLimit.long, required: true)
        var targetStation: Station?
        var targetName: String?
        switch target {
        case .station:
            // Any station of the same city: referring is not reading, so the target need not be in scope.
            if let id = input.targetStationId, let s = try await Station.find(id, on: req.db), s.deletedAt == nil, s.cityID == station.cityID, s.id != station.id {
                targetStation = s
                targetName = s.name
            } else {
                v.add("target_station_id", "请选择本市的另一个社工站")
            }
        case .streetDepartment, .agency:
            targetName = v.text(input.targetName, field: "target_name", label: "接收单位名称", max: TextLimit.short, required: true)
        case nil: break
        }
        if let caseID = input.caseId {
            let inCase = try await (req.db as! any SQLDatabase).raw("""
                SELECT COUNT(*) AS n FROM case_recipients WHERE case_id = \(bind: caseID) AND recipient_id = \(bind: person.id!) AND station_id = \(bind: station.id!)
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            if inCase == 0 { v.add("case_id", "该个案不是本站为\(person.name)开的个案") }
        }
        try v.check()
        let r = Referral()
        r.id = UUID()
        r.year = day!.year
        r.$station.id = station.id!
        r.cityID = station.cityID
        r.districtID = station.districtID
        r.recipientID = person.id!
        r.caseID = input.caseId
        r.target = target!
        r.targetStationID = targetStation?.id
        r.targetName = targetName!
        r.reason = reason!
        r.status = .sent
        r.sentOn = day!.description
        r.createdBy = caller.userID
        r.createdByName = caller.displayName
        try await req.audit.transaction { db, audit in
            let open = try await Referral.query(on: db).filter(\.$recipientID == person.id!).filter(\.$target == r.target)
                .filter(\.$targetName == r.targetName).filter(\.$status ~~ [.sent, .accepted]).count()
            if open > 0 { throw AppError.field("target", "\(person.name)已有转介至“\(r.targetName)”的转介尚未办结，请勿重复转介", status: .conflict) }
            try await r.create(on: db)
            audit.change(entityType: "referral", entityID: r.id, old: nil, new: r.auditFields)
        }
        return r
    }

    static func answer(_ r: Referral, from: Station, to: Station?, _ input: ReferralAnswerInput, req: Request) async throws {
        // The caller reads the referral (`find`); answering is the receiving station's, or the sender's for an outside body.
        guard try req.requireCaller().may(.update, StationScope.resource(answeringStation(r, from: from, to: to), .service)) else {
            throw Abort(.forbidden, reason: r.target == .station ? "转给社工站的转介由接收的社工站答复" : "只有转出的社工站可以记录对方的答复")
        }
        var v = Validator()
        let status: ReferralStatus? = WorkforceService.enumValue(input.status, ReferralStatus.self, field: "status", label: "转介状态", into: &v)
        if input.status == nil { v.add("status", "请选择接收（accepted）、拒绝（declined）或办结（done）") }
        let day = v.day(input.on, field: "on", label: "日期", notAfter: req.today) ?? ((input.on ?? "").isEmpty ? req.today : nil)
        if let day, let sent = Day(r.sentOn), day < sent { v.add("on", "日期不能早于转介日期（\(r.sentOn)）") }
        let note = v.text(input.note, field: "note", label: status == .done ? "办结结果" : "说明", max: TextLimit.long, required: status != .accepted)
        try v.check()
        try await req.audit.transaction { db, audit in
            guard let current = try await Referral.find(r.id, on: db) else { throw Abort(.notFound) }
            guard current.status.next.contains(status!) else {
                throw AppError.field("status", "转介当前为“\(current.status.label)”，不能改为“\(status!.label)”", status: .conflict)
            }
            let before = current.auditFields
            current.status = status!
            if status == .done {
                current.doneOn = day!.description
                current.outcome = note
            } else {
                current.answeredOn = day!.description
                current.answer = note ?? ""
            }
            try await current.save(on: db)
            audit.change(entityType: "referral", entityID: current.id, old: before, new: current.auditFields)
        }
    }
}
