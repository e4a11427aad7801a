import Domain
import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// One act of service in the common ledger (design: the service ledger; M011). The kind's own table
/// holds what only that kind has; this row holds what every report counts.
final class ServiceRecord: Model, @unchecked Sendable {
    static let schema = "service_records"

    @ID(key: .id) var id: UUID?
    @Field(key: "year") var year: Int
    @Parent(key: "station_id") var station: Station
    @Field(key: "city_id") var cityID: UUID
    @Field(key: "district_id") var districtID: UUID
    @Field(key: "path") var path: String
    @Field(key: "served_on") var servedOn: String
    @Field(key: "kind") var kind: ServiceKind
    @Field(key: "field") var field: String
    @OptionalField(key: "item") var item: String?
    /// One of the station's featured projects of the year (V-3's "N"), in place of a catalogue item.
    @OptionalField(key: "featured_project_id") var featuredProjectID: UUID?
    @Field(key: "method") var method: ServiceMethod
    @Field(key: "minutes") var minutes: Int
    /// The user account of the worker who gave the service, and their name as it was then.
    @Field(key: "worker_id") var workerID: UUID
    @Field(key: "worker_name") var workerName: String
    /// 服务人次: the named recipients plus `othersCount`.
    @Field(key: "people_count") var peopleCount: Int
    /// People served who are not in the library (family members, neighbours at a visit).
    @Field(key: "others_count") var othersCount: Int
    @Field(key: "content") var content: String
    @OptionalField(key: "case_id") var caseID: UUID?
    @Field(key: "created_by") var createdBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// 1 when written, one more at each correction; earlier versions are in `service_record_versions` (M018).
    @Field(key: "version") var version: Int

    init() {}

    var auditFields: [String: String] {
        ["version": String(version), "station_id": $station.id.uuidString, "served_on": servedOn, "kind": kind.rawValue, "field": field, "item": item ?? "",
         "featured_project_id": featuredProjectID?.uuidString ?? "", "method": method.rawValue, "minutes": String(minutes),
         "worker_id": workerID.uuidString, "people_count": String(peopleCount), "others_count": String(othersCount), "content": content, "case_id": caseID?.uuidString ?? ""]
    }
}

/// What a service needs to be written to the ledger: where, when, how it is tagged, who gave it and
/// whom it reached.
struct LedgerEntry: Sendable {
    var station: Station
    var kind: ServiceKind
    var tag: ServiceTag
    var on: Day
    var minutes: Int
    var workerID: UUID
    var workerName: String
    var recipientIDs: [UUID]
    var othersCount: Int
    var content: String
    var caseID: UUID?
    /// The village or community where it was held (a community event); the people served bring their own.
    var village: UUID? = nil
}

extension Validator {
    /// A service's length in minutes (a day at most), named by `label` (服务时长, 走访时长); 0 when refused.
    mutating func serviceMinutes(_ minutes: Int?, label: String) -> Int {
        guard let minutes else {
            add("minutes", "请填写\(label)（分钟）")
            return 0
        }
        if !(1...1440).contains(minutes) { add("minutes", "\(label)应在 1–1440 分钟之间") }
        return minutes
    }

    /// People served beyond the named recipients (family members, neighbours); 0 when not given.
    mutating func othersCount(_ count: Int?) -> Int {
        let others = count ?? 0
        if !(0...10_000).contains(others) { add("others_count", "其他受益人数应在 0–10000 之间") }
        return others
    }
}

enum Ledger {
    /// Writes one row and its recipients, inside the caller's transaction (`db` is the transaction).
    /// The year's partition must exist already on PostgreSQL (`LedgerPartitions.ensure`, before the
    /// transaction: creating a table inside the audit's serialised transaction would hold its lock).
    static func write(_ entry: LedgerEntry, createdBy: UUID, on db: any Database, audit: AuditLog.Recorder) async throws -> ServiceRecord {
        try await refuseRepeat(entry, on: db)
        if let project = entry.tag.featuredProject {
            // Checked again inside the serialised write: a project's days narrowed meanwhile (whose own
            // check sees only the services already written) must not let this one fall outside them.
            guard let p = try await FeaturedProject.find(project.id, on: db), p.covers(entry.on) else {
                throw AppError.field("featured_project_id", "特色项目“\(project.name)”的开展期刚被修改，\(entry.on) 已不在其内，请刷新后重试", status: .conflict)
            }
        }
        let r = ServiceRecord()
        r.id = UUID()
        r.year = entry.on.year
        r.$station.id = entry.station.id!
        r.cityID = entry.station.cityID
        r.districtID = entry.station.districtID
        r.path = entry.station.path
        r.servedOn = entry.on.description
        r.kind = entry.kind
        r.field = entry.tag.field.code
        r.item = entry.tag.item?.code
        r.featuredProjectID = entry.tag.featuredProject?.id
        r.method = entry.tag.method
        r.minutes = entry.minutes
        r.workerID = entry.workerID
        r.workerName = entry.workerName
        r.othersCount = entry.othersCount
        r.peopleCount = entry.recipientIDs.count + entry.othersCount
        r.content = entry.content
        r.caseID = entry.caseID
        r.createdBy = createdBy
        r.version = 1
        try await r.create(on: db)
        if !entry.recipientIDs.isEmpty {
            let sql = db as! any SQLDatabase
            var insert = sql.insert(into: "service_record_recipients").columns("record_id", "year", "recipient_id", "station_id", "served_on")
            for id in entry.recipientIDs {
                insert = insert.values(SQLBind(r.id!), SQLBind(r.year), SQLBind(id), SQLBind(entry.station.id!), SQLBind(r.servedOn))
            }
            try await insert.run()
        }
        try await ServiceTotals.add(r, sign: 1, on: db)
        try await ServiceTotals.served(entry.recipientIDs, by: r, on: db)
        try await ServiceTotals.reached(entry.recipientIDs, at: entry.village, by: r, on: db)
        audit.change(entityType: "service_record", entityID: r.id, old: nil,
                     new: r.auditFields.merging(["recipients": entry.recipientIDs.map(\.uuidString).joined(separator: ",")]) { a, _ in a })
        return r
    }

    /// A second click, or an API call retried, sends the same service again: the same kind, day,
    /// minutes and content for the same person at the same station. It is a 409, checked inside the
    /// serialised write (the caller's transaction) so that two at once cannot both pass.
    private static func refuseRepeat(_ entry: LedgerEntry, on db: any Database) async throws {
        guard let first = entry.recipientIDs.first else { return }
        let sql = db as! any SQLDatabase
        let same = try await sql.raw("""
            SELECT COUNT(*) AS n FROM service_records sv JOIN service_record_recipients sr ON sr.record_id = sv.id AND sr.year = sv.year
            WHERE sv.year = \(bind: entry.on.year) AND sv.station_id = \(bind: entry.station.id!) AND sv.served_on = \(bind: entry.on.description)
              AND sv.kind = \(bind: entry.kind.rawValue) AND sv.minutes = \(bind: entry.minutes) AND sv.content = \(bind: entry.content)
              AND sr.recipient_id = \(bind: first)
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        if same > 0 {
            throw AppError.field("content", "\(entry.on) 已记录过内容相同的\(entry.kind.label)，请勿重复提交", status: .conflict)
        }
    }

    /// The services a recipient received, newest first, for their timeline.
    struct Line: Sendable {
        var id: UUID
        /// 1 unless corrected.
        var version: Int
        var servedOn: String
        var kind: ServiceKind
        var method: ServiceMethod
        var field: String
        var item: String?
        /// The name of the featured project the service was given under, if any.
        var featuredProject: String?
        var minutes: Int
        var workerName: String
        var content: String
        var caseID: UUID?
        var stationID: UUID
    }

    /// - Parameter scope: the stations whose services the caller reads (`StationScope`, alias `s`): a
    ///   person transferred to another station keeps their history, but each station sees only the
    ///   services given within its own reach (case notes are not the new station's to read).
    static func lines(recipient: UUID, scope: SQLQueryString, on db: any Database) async throws -> [Line] {
        let sql = db as! any SQLDatabase
        return try await sql.raw("""
            SELECT sv.id, sv.version, sv.served_on, sv.kind, sv.method, sv.field, sv.item, fp.name AS featured_name, sv.minutes, sv.worker_name,
                   sv.content, sv.case_id, sv.station_id
            FROM service_record_recipients sr JOIN service_records sv ON sv.id = sr.record_id AND sv.year = sr.year
            JOIN stations s ON s.id = sv.station_id LEFT JOIN featured_projects fp ON fp.id = sv.featured_project_id
            WHERE sr.recipient_id = \(bind: recipient) AND
            """ + " " + scope + " ORDER BY sv.served_on DESC, sv.created_at DESC").all().map { row in
            Line(id: try row.decode(column: "id", as: UUID.self), version: try row.decode(column: "version", as: Int.self),
                 servedOn: try row.decode(column: "served_on", as: String.self), kind: try row.decode(column: "kind", as: ServiceKind.self),
                 method: try row.decode(column: "method", as: ServiceMethod.self), field: try row.decode(column: "field", as: String.self),
                 item: try row.decode(column: "item", as: String?.self), featuredProject: try row.decode(column: "featured_name", as: String?.self),
                 minutes: try row.decode(column: "minutes", as: Int.self),
                 workerName: try row.decode(column: "worker_name", as: String.self), content: try row.decode(column: "content", as: String.self),
                 caseID: try row.decode(column: "case_id", as: UUID?.self), stationID: try row.decode(column: "station_id", as: UUID.self))
        }
    }
}

/// PostgreSQL's yearly partitions of the ledger tables (M011): a year's are made the first time a
/// record falls in it. SQLite has one table and nothing to do.
final class LedgerPartitions: Sendable {
    private let known = NIOLockedValueBox<Set<Int>>([])

    func ensure(year: Int, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        if known.withLockedValue({ $0.contains(year) }) { return }
        // Two processes may reach a new year at once: the advisory lock makes the second wait and
        // then find the partition there (IF NOT EXISTS), instead of failing on the catalogue's index.
        try await db.transaction { tx in
            let sql = tx as! any SQLDatabase
            try await sql.raw("SELECT pg_advisory_xact_lock(7310423)").run()
            try await Self.create(year: year, on: sql)
        }
        known.withLockedValue { _ = $0.insert(year) }
    }

    /// Makes a year's partitions (PostgreSQL; nothing on SQLite).
    static func create(year: Int, on sql: any SQLDatabase) async throws {
        guard sql.dialect.name == "postgresql" else { return }
        for table in ["service_records", "service_record_recipients"] {
            try await sql.raw("""
                CREATE TABLE IF NOT EXISTS \(unsafeRaw: table)_y\(unsafeRaw: String(year)) PARTITION OF \(unsafeRaw: table)
                FOR VALUES FROM (\(unsafeRaw: String(year))) TO (\(unsafeRaw: String(year + 1)))
                """).run()
        }
    }
}

extension Application {
    private struct LedgerPartitionsKey: StorageKey { typealias Value = LedgerPartitions }

    /// Set once in `configure`.
    var ledgerPartitions: LedgerPartitions {
        get { storage[LedgerPartitionsKey.self]! }
        set { storage[LedgerPartitionsKey.self] = newValue }
    }
}
