import Domain
import Fluent
import SQLKit
import Vapor

/// A correction of one service in the ledger: what changes (fields left out stay as they are), the
/// version it corrects, and why.
struct ServiceCorrectionInput: Content {
    /// The version the corrector saw: a correction of an older version is a 409.
    var version: Int?
    /// The date: home and phone visits only, within the same year.
    var on: String?
    var minutes: Int?
    var content: String?
    var field: String?
    var item: String?
    /// Home and phone visits only: other kinds have the method of their kind.
    var method: String?
    var othersCount: Int?
    var reason: String?
}

/// One version of a service, as the record page and the API show it.
struct ServiceVersionDTO: Content {
    var version: Int
    var on: String
    var field: String
    var fieldLabel: String
    var item: String?
    var itemLabel: String?
    var method: ServiceMethod
    var methodLabel: String
    var minutes: Int
    var othersCount: Int
    var peopleCount: Int
    var content: String
    /// Who replaced this version, when and why; none for the version in force.
    var correctedByName: String?
    var correctedAt: Date?
    var reason: String?
}

struct ServiceRecordDTO: Content {
    struct Person: Content {
        var id: UUID
        var name: String
    }

    var id: UUID
    var stationId: UUID
    var stationName: String
    var kind: ServiceKind
    var kindLabel: String
    var workerName: String
    var caseId: UUID?
    var recipients: [Person]
    /// The version in force.
    var current: ServiceVersionDTO
    /// Earlier versions, newest first.
    var earlier: [ServiceVersionDTO]
}

/// Corrections are versions (issue 10 §5; design: the service ledger): the ledger row holds the version
/// in force, so every count and list reads it unchanged, and the version it replaces is kept in
/// `service_record_versions` with who corrected it, when and why. The dashboards' summary rows move
/// with it in the same transaction. The station's workers and operator correct; the others read.
enum ServiceCorrections {
    /// The kinds whose date is the ledger's own. A case's intervention or follow-up, a group session and
    /// a community event are dated by their case, group or event, which check the date against them.
    static let dateCorrectable: Set<ServiceKind> = [.homeVisit, .phoneVisit]

    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> ServiceRecord {
        guard let id, let r = try await ServiceRecord.query(on: req.db).filter(\.$id == id).with(\.$station).first() else {
            throw Abort(.notFound, reason: "未找到该服务记录，或不在您的管辖范围内")
        }
        try req.authorize(action, StationScope.resource(r.station, .service))
        return r
    }

    static func correct(_ record: ServiceRecord, _ input: ServiceCorrectionInput, req: Request) async throws {
        let caller = try req.requireCaller()
        var v = Validator()
        guard let version = input.version else { throw AppError.field("version", "缺少必填字段 version（所更正的版本号）") }
        var day = Day(record.servedOn)!
        if let raw = input.on, raw != record.servedOn {
            if !dateCorrectable.contains(record.kind) {
                v.add("on", "\(record.kind.label)的日期随其个案、小组或活动记录，不能在服务记录上更正")
            } else if let corrected = v.day(raw, field: "on", label: "服务日期", notAfter: req.today) {
                if corrected.year != record.year { v.add("on", "更正后的日期应仍在 \(record.year) 年内；跨年度请作废重录") }
                day = corrected
            }
        }
        let minutes = input.minutes.map { v.serviceMinutes($0, label: "服务时长") } ?? record.minutes
        let content = input.content.map { v.text($0, field: "content", label: "服务内容", max: TextLimit.long, required: true) } ?? record.content
        let others = input.othersCount.map { v.othersCount($0) } ?? record.othersCount
        let reason = v.text(input.reason, field: "reason", label: "更正原因", max: TextLimit.short, required: true)
        if let method = input.method, method != record.method.rawValue, !dateCorrectable.contains(record.kind) {
            v.add("method", "\(record.kind.label)的服务方法由服务类型决定（\(record.method.label)），不能更正")
        }
        // The tag is checked against the profile in force in the service's year, as when it was recorded.
        let profile = try await CaseService.profile(of: record.station, year: record.year, req: req)
        let field = input.field ?? record.field
        let item = input.item.map { $0.isEmpty ? nil : $0 } ?? (field == record.field ? record.item : nil)
        // A service given under a featured project (V-3) stays under it, on a day the project runs, with no item besides.
        let tag = try await FeaturedProjectService.tag(profile, station: record.station, on: day, field: field, item: item,
                                                       method: input.method ?? record.method.rawValue, featured: record.featuredProjectID,
                                                       db: req.db, into: &v)
        if input.othersCount != nil, record.peopleCount - record.othersCount + others == 0 {
            v.add("others_count", "\(record.kind.label)没有登记在册的参加者，其他受益人数至少为 1（服务人次不能为 0）")
        }
        if let tag, v.errors.isEmpty, day.description == record.servedOn, minutes == record.minutes, content == record.content, others == record.othersCount,
           tag.field.code == record.field, tag.item?.code == record.item, tag.method == record.method {
            v.add("content", "没有要更正的内容：各项与第 \(record.version) 版相同")
        }
        try v.check()
        let named = record.peopleCount - record.othersCount
        let servedOn = day.description
        try await req.audit.transaction { db, audit in
            // Read again inside the serialised write: two correctors of the same version, one 409.
            guard let current = try await ServiceRecord.query(on: db).filter(\.$id == record.id!).filter(\.$year == record.year).first() else {
                throw Abort(.notFound)
            }
            if current.version != version {
                throw AppError.field("version", "该服务记录已被更正为第 \(current.version) 版（您更正的是第 \(version) 版），请刷新后再更正", status: .conflict)
            }
            let before = current.auditFields
            let old = ServiceRecordVersion(of: current, correctedBy: caller, reason: reason!, at: req.application.clock.now)
            try await old.create(on: db)
            try await ServiceTotals.add(current, sign: -1, on: db)
            current.servedOn = servedOn
            current.field = tag!.field.code
            current.item = tag!.item?.code
            current.method = tag!.method
            current.minutes = minutes
            current.othersCount = others
            current.peopleCount = named + others
            current.content = content!
            current.version = version + 1
            try await current.update(on: db)
            try await ServiceTotals.add(current, sign: 1, on: db)
            let sql = db as! any SQLDatabase
            if current.kind == .homeVisit || current.kind == .phoneVisit {
                // A visit followed up already cannot move after its follow-up.
                let done = try await sql.raw("SELECT follow_up_done_on FROM visits WHERE record_id = \(bind: current.id!)").first()?
                    .decode(column: "follow_up_done_on", as: String?.self)
                if let done, done < current.servedOn {
                    throw AppError.field("on", "该走访已于 \(done) 跟进完成，走访日期不能晚于跟进日期")
                }
                // The visit keeps a copy of its date for its own list.
                try await sql.raw("UPDATE visits SET visited_on = \(bind: current.servedOn) WHERE record_id = \(bind: current.id!)").run()
            }
            // So does each person's link to the record.
            try await sql.raw("""
                UPDATE service_record_recipients SET served_on = \(bind: current.servedOn) WHERE record_id = \(bind: current.id!) AND year = \(bind: current.year)
                """).run()
            audit.change(entityType: "service_record", entityID: current.id, old: before,
                         new: current.auditFields.merging(["reason": reason!]) { a, _ in a })
        }
    }

    /// The record as the page and the API show it, with its earlier versions.
    static func dto(_ r: ServiceRecord, req: Request) async throws -> ServiceRecordDTO {
        let profile = try await CaseService.profile(of: r.station, year: r.year, req: req)
        let sql = req.db as! any SQLDatabase
        let people = try await sql.raw("""
            SELECT p.id, p.name FROM service_record_recipients sr JOIN recipients p ON p.id = sr.recipient_id
            WHERE sr.record_id = \(bind: r.id!) AND sr.year = \(bind: r.year) ORDER BY p.name
            """).all().map { ServiceRecordDTO.Person(id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self)) }
        let earlier = try await ServiceRecordVersion.query(on: req.db).filter(\.$recordID == r.id!).filter(\.$year == r.year)
            .sort(\.$version, .descending).all()
        func version(_ n: Int, on: String, field: String, item: String?, method: ServiceMethod, minutes: Int, others: Int, people: Int, content: String,
                     by: String? = nil, at: Date? = nil, reason: String? = nil) -> ServiceVersionDTO {
            ServiceVersionDTO(version: n, on: on, field: field, fieldLabel: profile.serviceField(field)?.label ?? field, item: item,
                              itemLabel: item.map { profile.serviceItem($0)?.label ?? $0 }, method: method, methodLabel: method.label, minutes: minutes,
                              othersCount: others, peopleCount: people, content: content, correctedByName: by, correctedAt: at, reason: reason)
        }
        return ServiceRecordDTO(
            id: r.id!, stationId: r.station.id!, stationName: r.station.name, kind: r.kind, kindLabel: r.kind.label, workerName: r.workerName,
            caseId: r.caseID, recipients: people,
            current: version(r.version, on: r.servedOn, field: r.field, item: r.item, method: r.method, minutes: r.minutes, others: r.othersCount,
                             people: r.peopleCount, content: r.content),
            earlier: earlier.map {
                version($0.version, on: $0.servedOn, field: $0.field, item: $0.item, method: $0.method, minutes: $0.minutes, others: $0.othersCount,
                        people: $0.peopleCount, content: $0.content, by: $0.correctedByName, at: $0.correctedAt, reason: $0.reason)
            })
    }
}

/// A version of a service that a correction replaced (M018).
final class ServiceRecordVersion: Model, @unchecked Sendable {
    static let schema = "service_record_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "record_id") var recordID: UUID
    @Field(key: "year") var year: Int
    @Field(key: "station_id") var stationID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "served_on") var servedOn: String
    @Field(key: "field") var field: String
    @OptionalField(key: "item") var item: String?
    @Field(key: "method") var method: ServiceMethod
    @Field(key: "minutes") var minutes: Int
    @Field(key: "others_count") var othersCount: Int
    @Field(key: "people_count") var peopleCount: Int
    @Field(key: "content") var content: String
    @Field(key: "corrected_by") var correctedBy: UUID
    @Field(key: "corrected_by_name") var correctedByName: String
    @Field(key: "reason") var reason: String
    @Field(key: "corrected_at") var correctedAt: Date

    init() {}

    init(of r: ServiceRecord, correctedBy caller: Caller, reason: String, at now: Date) {
        id = UUID()
        recordID = r.id!
        year = r.year
        stationID = r.$station.id
        version = r.version
        servedOn = r.servedOn
        field = r.field
        item = r.item
        method = r.method
        minutes = r.minutes
        othersCount = r.othersCount
        peopleCount = r.peopleCount
        content = r.content
        correctedBy = caller.userID
        correctedByName = caller.displayName
        self.reason = reason
        correctedAt = now
    }
}
