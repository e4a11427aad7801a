import Domain
import Fluent
import SQLKit
import Vapor

struct VolunteerHoursInput: Content {
    var volunteerId: UUID?
    /// `community_event`, `group_session`, `visit` or `standalone`.
    var activityKind: String?
    /// The ledger's record of the event, session or visit (not for a standalone activity).
    var recordId: UUID?
    /// A standalone activity's station (the caller's only one when omitted), name and place.
    var stationId: UUID?
    var activityName: String?
    var place: String?
    /// Local time, `yyyy-MM-ddTHH:mm`.
    var startsAt: String?
    var endsAt: String?
}

/// A correction of an entry: a new version, the replaced one kept.
struct VolunteerHoursCorrection: Content {
    /// The version being corrected (a stale one is a 409).
    var version: Int?
    var startsAt: String?
    var endsAt: String?
    var activityName: String?
    var place: String?
    var reason: String?
}

struct VolunteerHoursVersionDTO: Content {
    var version: Int
    var activityName: String
    var place: String
    var startsAt: String
    var endsAt: String
    var hours: Double
    var status: VolunteerHoursStatus
    var correctedByName: String
    var reason: String
    var correctedAt: Date
}

struct VolunteerHoursDTO: Content {
    var id: UUID
    var volunteerId: UUID
    var volunteerName: String
    var stationId: UUID
    var activityKind: VolunteerActivityKind
    var activityKindLabel: String
    var recordId: UUID?
    var activityName: String
    var place: String
    var startsAt: String
    var endsAt: String
    var hours: Double
    var status: VolunteerHoursStatus
    var statusLabel: String
    var version: Int
    var recordedByName: String
    var confirmedByName: String?
    var versions: [VolunteerHoursVersionDTO]
    var createdAt: Date?
    var updatedAt: Date?
}

struct VolunteerHoursList: Content {
    var items: [VolunteerHoursDTO]
    /// Confirmed hours of the entries listed.
    var confirmedHours: Double
}

/// Volunteer hours (服务时长, issue 11 §1; R-3): recorded by the organiser (谁组织谁记录) — the station
/// that owns the community event, group session or visit, or runs the standalone activity — and
/// confirmed by it; only confirmed hours count. The same volunteer cannot serve twice at once: the
/// overlap check runs inside the serialised write (the audit transaction, a process lock and on
/// PostgreSQL an advisory lock), so two entries sent at once give one entry and one 409.
enum VolunteerHoursService {
    /// A moment as the form sends it (`yyyy-MM-ddTHH:mm`), with minutes since the epoch for arithmetic.
    struct Moment {
        var text: String
        var day: Day
        var minutes: Int
    }

    static func moment(_ raw: String?, field: String, label: String, into v: inout Validator) -> Moment? {
        let text = String((raw ?? "").trimmed.map { $0 == " " ? "T" : $0 })
        if text.isEmpty {
            v.add(field, "\(label)不能为空")
            return nil
        }
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        let clock = parts.count == 2 ? parts[1].split(separator: ":", omittingEmptySubsequences: false) : []
        guard parts.count == 2, clock.count == 2, clock.allSatisfy({ $0.count == 2 }), let h = Int(clock[0]), let m = Int(clock[1]), (0...23).contains(h), (0...59).contains(m) else {
            v.add(field, "\(label)应为 年-月-日 时:分 格式，如 2025-03-01 09:30")
            return nil
        }
        guard let day = v.day(String(parts[0]), field: field, label: label) else { return nil }
        return Moment(text: "\(day)T\(clock[0]):\(clock[1])", day: day, minutes: day.ordinal * 1440 + h * 60 + m)
    }

    /// Start and end: the end after the start, not after now, and the length actual service time in
    /// steps of 0.5 h (at most a day). Returns the half hours.
    static func span(_ startsAt: String?, _ endsAt: String?, now: Date, into v: inout Validator) -> (Moment, Moment, halfHours: Int)? {
        let start = moment(startsAt, field: "starts_at", label: "开始时间", into: &v)
        let end = moment(endsAt, field: "ends_at", label: "结束时间", into: &v)
        guard let start, let end else { return nil }
        let length = end.minutes - start.minutes
        let nowMinutes = Int((now.timeIntervalSince1970 + 8 * 3600) / 60)
        if end.minutes > nowMinutes { v.add("ends_at", "结束时间不能晚于现在：服务时长在服务结束后记录") }
        if length <= 0 {
            v.add("ends_at", "结束时间应晚于开始时间（\(start.text.replacingOccurrences(of: "T", with: " "))）")
            return nil
        }
        if length % 30 != 0 {
            v.add("ends_at", "服务时长按实际服务时间以 0.5 小时为单位记录：\(start.text) 至 \(end.text) 为 \(length) 分钟，不是 30 分钟的整数倍")
            return nil
        }
        if length > 24 * 60 { v.add("ends_at", "一条服务时长不能超过 24 小时（现为 \(length / 60) 小时）") }
        return (start, end, length / 30)
    }

    /// The ledger activity an entry names: its station and a name, looked up inside the caller's scope.
    static func activity(_ kind: VolunteerActivityKind, recordID: UUID, req: Request) async throws -> (station: StationRef, name: String, on: String)? {
        guard let row = try await (req.db as! any SQLDatabase).raw("""
            SELECT sv.kind, sv.served_on, ce.title, wg.name AS group_name, gs.number, \(StationRef.columns)
            FROM service_records sv JOIN stations s ON s.id = sv.station_id AND s.deleted_at IS NULL
            LEFT JOIN community_events ce ON ce.record_id = sv.id
            LEFT JOIN group_sessions gs ON gs.record_id = sv.id LEFT JOIN work_groups wg ON wg.id = gs.group_id
            WHERE sv.id = \(bind: recordID)
            """).first() else { return nil }
        let serviceKind = try row.decode(column: "kind", as: ServiceKind.self)
        guard kind.serviceKinds.contains(serviceKind) else { return nil }
        let station = try StationRef(row: row)
        let caller = try req.requireCaller()
        guard Access.decide(caller.assignments, .read, VolunteerService.resource(station), userID: caller.userID.uuidString) != .notFound else { return nil }
        let on = try row.decode(column: "served_on", as: String.self)
        let name: String = switch kind {
        case .communityEvent: try row.decode(column: "title", as: String?.self) ?? serviceKind.label
        case .groupSession: "\(try row.decode(column: "group_name", as: String?.self) ?? "小组") 第 \(try row.decode(column: "number", as: Int?.self) ?? 0) 次活动"
        default: "\(serviceKind.label)（\(on)）"
        }
        return (station, name, on)
    }

    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> VolunteerHours {
        guard let id else { throw Abort(.notFound, reason: "未找到该服务时长记录，或不在您的管辖范围内") }
        return try await find([id], action, req: req)[0]
    }

    /// Entries in one query, in the order asked; any of them missing or outside the caller's scope is a 404.
    static func find(_ ids: [UUID], _ action: Access.Action, req: Request) async throws -> [VolunteerHours] {
        let caller = try req.requireCaller()
        let found = Access.readScope(caller.assignments, VolunteerService.kind).isEmpty || ids.isEmpty ? [] :
            try await VolunteerHours.query(on: req.db).filter(\.$id ~~ ids).with(\.$station).with(\.$volunteer).all()
        let byID = Dictionary(uniqueKeysWithValues: found.map { ($0.id!, $0) })
        return try ids.map { id in
            guard let h = byID[id] else { throw Abort(.notFound, reason: "未找到该服务时长记录，或不在您的管辖范围内") }
            try req.authorize(action, VolunteerService.resource(h.station))
            return h
        }
    }

    /// What an entry (or a sign-in sheet's rows) is recorded against: a ledger activity looked up in
    /// the caller's scope, or a standalone activity of one of the caller's stations.
    struct Target {
        var kind: VolunteerActivityKind
        var recordID: UUID?
        var station: StationRef
        var name: String
        var place: String
        /// The ledger activity's day; nil for a standalone activity.
        var on: String?
    }

    /// The activity from its kind and record (or standalone name, place and station); problems are
    /// added to `v`, an activity outside the caller's scope is a 404.
    static func target(kind raw: String?, recordID: UUID?, stationID: UUID?, name rawName: String?, place rawPlace: String?,
                       req: Request, into v: inout Validator) async throws -> Target? {
        let kind = WorkforceService.enumValue(raw, VolunteerActivityKind.self, field: "activity_kind", label: "活动类型", into: &v)
        if raw == nil { v.add("activity_kind", "请选择活动类型（community_event 社区活动、group_session 小组活动、visit 走访、standalone 志愿服务活动）") }
        let place = v.text(rawPlace, field: "place", label: "服务地点", max: TextLimit.short) ?? ""
        guard let kind else { return nil }
        if kind == .standalone {
            if recordID != nil { v.add("record_id", "志愿服务活动不关联服务台账记录；社区活动、小组活动、走访请选择相应类型") }
            let name = v.text(rawName, field: "activity_name", label: "活动名称", max: TextLimit.short, required: true)
            if place.isEmpty { v.add("place", "志愿服务活动须填写服务地点") }
            guard v.errors.isEmpty, let name else { return nil }
            let station = try await StationScope.stationRefForCreate(stationID, kind: VolunteerService.kind, label: "记录志愿服务时长", req: req)
            return Target(kind: kind, recordID: nil, station: station, name: name, place: place, on: nil)
        }
        guard let recordID else {
            v.add("record_id", "请选择所服务的\(kind.label)")
            return nil
        }
        guard let found = try await activity(kind, recordID: recordID, req: req) else {
            throw AppError.field("record_id", "未找到该\(kind.label)，或不在您的管辖范围内", status: .notFound)
        }
        return Target(kind: kind, recordID: recordID, station: found.station, name: found.name, place: place, on: found.on)
    }

    /// A ledger activity's hours belong to its day.
    static func checkDay(_ target: Target, start: Moment, field: String = "starts_at", into v: inout Validator) {
        if let on = target.on, start.day.description != on { v.add(field, "\(target.kind.label)“\(target.name)”在 \(on)，服务时长应记在当天") }
    }

    /// Records one entry, by the organiser's station (谁组织谁记录). The busiest write of the volunteers'
    /// pages (bench/volunteers.sh): the station and the volunteer are read with plain SQL and the entry
    /// inserted as one statement, because Fluent's model reflection was most of its cost.
    static func record(_ input: VolunteerHoursInput, req: Request) async throws -> VolunteerHoursDTO {
        let caller = try req.requireCaller()
        var v = Validator()
        let target = try await target(kind: input.activityKind, recordID: input.recordId, stationID: input.stationId, name: input.activityName,
                                      place: input.place, req: req, into: &v)
        let span = span(input.startsAt, input.endsAt, now: req.application.clock.now, into: &v)
        if let target, let span { checkDay(target, start: span.0, into: &v) }
        try v.check()
        // 谁组织谁记录: only the organiser's station records (403 for a reader of it).
        try req.authorize(.create, VolunteerService.resource(target!.station))
        guard let volunteerID = input.volunteerId else { throw AppError.field("volunteer_id", "请选择志愿者") }
        let volunteer = try await Person.find(volunteerID, req: req)
        try refuseUnable(volunteer, at: target!.station)
        let h = entry(volunteer, target: target!, span: span!, caller: caller)
        // Checked and written with the entries other requests send meanwhile, in one transaction.
        try await req.application.volunteerHoursWriter.write(VolunteerHoursWriter.Pending(
            entry: h, volunteer: volunteer, actorID: caller.userID, actorName: caller.username, clientIP: req.clientIP))
        req.application.noteWrites(by: caller.userID)?()   // read-your-writes with standbys, as `AuditLog.transaction` does
        return try await dtos([h], volunteerName: volunteer.name, on: req.db)[0]
    }

    /// The volunteer an entry is for, as the checks before it need them.
    struct Person: Sendable {
        var id: UUID
        var name: String
        var cityID: UUID
        var residentIDHash: String
        var status: VolunteerStatus

        /// `VolunteerService.find(id, .read)` in one SQL query: 404 outside the caller's scope.
        static func find(_ id: UUID, req: Request) async throws -> Person {
            let caller = try req.requireCaller()
            guard !Access.readScope(caller.assignments, VolunteerService.kind).isEmpty,
                  let row = try await (req.db as! any SQLDatabase).raw("""
                      SELECT v.id, v.name, v.city_id, v.resident_id_hash, v.status, \(StationRef.columns)
                      FROM volunteers v JOIN stations s ON s.id = v.station_id AND s.deleted_at IS NULL WHERE v.id = \(bind: id)
                      """).first() else {
                throw Abort(.notFound, reason: "未找到该志愿者，或不在您的管辖范围内")
            }
            try req.authorize(.read, VolunteerService.resource(try StationRef(row: row)))
            return Person(id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                          cityID: try row.decode(column: "city_id", as: UUID.self), residentIDHash: try row.decode(column: "resident_id_hash", as: String.self),
                          status: try row.decode(column: "status", as: VolunteerStatus.self))
        }
    }

    /// A volunteer of another city, or one no longer active, records no hours.
    static func refuseUnable(_ volunteer: Person, at station: StationRef, field: String = "volunteer_id") throws {
        if volunteer.cityID != station.cityID { throw AppError.field(field, "志愿者与活动不在同一城市") }
        if volunteer.status != .active { throw AppError.field(field, "\(volunteer.name)的状态为“\(volunteer.status.label)”，不能记录服务时长") }
    }

    /// A new entry (version 1, awaiting confirmation).
    static func entry(_ volunteer: Person, target: Target, span: (Moment, Moment, halfHours: Int), caller: Caller) -> VolunteerHours {
        let h = VolunteerHours()
        h.id = UUID()
        h.$volunteer.id = volunteer.id
        h.$station.id = target.station.id
        h.cityID = target.station.cityID
        h.path = target.station.path
        h.activityKind = target.kind
        h.recordID = target.recordID
        h.activityName = target.name
        h.place = target.place
        h.startsAt = span.0.text
        h.endsAt = span.1.text
        h.halfHours = span.halfHours
        h.status = .recorded
        h.version = 1
        h.recordedBy = caller.userID
        h.recordedByName = caller.displayName
        return h
    }

    /// New entries in one INSERT (`BulkInsert`), stamped as Fluent would stamp them.
    static func insert(_ entries: [VolunteerHours], now: Date, on db: any Database) async throws {
        var insert = BulkInsert(into: VolunteerHours.schema, columns: [
            "id", "volunteer_id", "station_id", "city_id", "path", "activity_kind", "record_id", "activity_name", "place", "starts_at", "ends_at",
            "half_hours", "status", "version", "recorded_by", "recorded_by_name", "created_at", "updated_at"])
        for h in entries {
            h.createdAt = now
            h.updatedAt = now
            insert.append([.uuid(h.id), .uuid(h.$volunteer.id), .uuid(h.$station.id), .uuid(h.cityID), .text(h.path), .text(h.activityKind.rawValue),
                           .uuid(h.recordID), .text(h.activityName), .text(h.place), .text(h.startsAt), .text(h.endsAt), .int(h.halfHours),
                           .text(h.status.rawValue), .int(h.version), .uuid(h.recordedBy), .text(h.recordedByName), .date(now), .date(now)])
        }
        try await insert.run(on: db as! any SQLDatabase)
    }

    /// The same volunteer at two activities at once is refused, naming the other (409). Run inside the
    /// serialised write.
    static func refuseOverlap(volunteer: Person, from: String, to: String, except: UUID?, on db: any Database) async throws {
        if let found = try await overlaps([Span(volunteer: volunteer, from: from, to: to, except: except)], on: db)[0] {
            throw overlapError(volunteer, found)
        }
    }

    /// A time asked for a volunteer (`except`: the entry being corrected, which does not clash with itself).
    struct Span: Sendable {
        var volunteer: Person
        var from: String
        var to: String
        var except: UUID? = nil

        /// Whether another span of the same person overlaps this one.
        func overlaps(_ other: Span) -> Bool {
            volunteer.cityID == other.volunteer.cityID && volunteer.residentIDHash == other.volunteer.residentIDHash && from < other.to && to > other.from
        }
    }

    /// An entry already recorded in a span's time.
    struct Overlap: Sendable {
        var activityName: String
        var startsAt: String
        var endsAt: String
        var volunteerID: UUID
    }

    /// For each span (by position), the earliest recorded entry of the same person that overlaps it, in
    /// one statement for up to 100 spans (a group commit's, `VolunteerHoursWriter`).
    /// The same person is the same volunteer wherever they registered: a resident ID registered at two
    /// stations of the city (each keeps its own record) still cannot serve twice at once (M027's index).
    static func overlaps(_ spans: [Span], on db: any Database) async throws -> [Int: Overlap] {
        var found: [Int: Overlap] = [:]
        for start in stride(from: 0, to: spans.count, by: 100) {
            var sql: SQLQueryString = ""
            for k in start..<min(start + 100, spans.count) {
                let span = spans[k]
                // Each span is its own indexed lookup, as when checked alone; UNION ALL keeps them apart.
                sql = sql + (k == start ? "" : " UNION ALL ") + """
                    SELECT * FROM (SELECT \(unsafeRaw: String(k)) AS k, h.activity_name, h.starts_at, h.ends_at, h.volunteer_id FROM volunteer_hours h
                    WHERE h.volunteer_id IN (SELECT vo.id FROM volunteers vo WHERE vo.city_id = \(bind: span.volunteer.cityID) AND vo.resident_id_hash = \(bind: span.volunteer.residentIDHash))
                      AND h.starts_at < \(bind: span.to) AND h.ends_at > \(bind: span.from)
                    """
                if let except = span.except { sql = sql + " AND h.id <> \(bind: except)" }
                sql = sql + " ORDER BY h.starts_at LIMIT 1) AS o\(unsafeRaw: String(k))"
            }
            for row in try await (db as! any SQLDatabase).raw(sql).all() {
                found[try row.decode(column: "k", as: Int.self)] = Overlap(
                    activityName: try row.decode(column: "activity_name", as: String.self), startsAt: try row.decode(column: "starts_at", as: String.self),
                    endsAt: try row.decode(column: "ends_at", as: String.self), volunteerID: try row.decode(column: "volunteer_id", as: UUID.self))
            }
        }
        return found
    }

    /// The 409 for an overlap; another station's activity is not named to this one.
    static func overlapError(_ volunteer: Person, _ found: Overlap) -> any Error {
        let other = found.volunteerID != volunteer.id ? "另一社工站登记的志愿服务" : found.activityName
        return AppError.field("starts_at", "\(volunteer.name)在 \(found.startsAt.replacingOccurrences(of: "T", with: " ")) 至 "
                              + "\(found.endsAt.replacingOccurrences(of: "T", with: " ")) 已记录“\(other)”的服务时长，同一志愿者的服务时间不能重叠", status: .conflict)
    }

    /// The organiser's station confirms an entry (once; a second time is a 409). Only confirmed hours count.
    static func confirm(_ h: VolunteerHours, req: Request) async throws -> VolunteerHours {
        try await confirm([h], req: req)[0]
    }

    /// Entries confirmed together (a sign-in sheet's, from the list of entries awaiting confirmation):
    /// all in one transaction, or none when any of them was confirmed meanwhile (409 naming it).
    static func confirm(_ entries: [VolunteerHours], req: Request) async throws -> [VolunteerHours] {
        let caller = try req.requireCaller()
        var rules: [String: PointsRule?] = [:]
        for h in entries {
            try req.authorize(.update, VolunteerService.resource(h.station))
            let year = Int(h.startsAt.prefix(4)) ?? req.today.year, key = "\(h.$station.id) \(year)"
            if rules[key] == nil { rules[key] = .some(try await VolunteerPoints.rule(h.station, year: year, req: req)) }
        }
        let now = req.application.clock.now, pointsRules = rules
        return try await req.audit.transaction { db, audit in
            var confirmed: [VolunteerHours] = []
            for h in entries {
                guard let current = try await VolunteerHours.find(h.id, on: db) else { throw Abort(.notFound) }
                if current.status == .confirmed {
                    throw AppError.field("status", "\(h.volunteer.name) \(VolunteerFormat.time(current.startsAt)) 的服务时长已由\(current.confirmedByName ?? "本站")确认",
                                         status: .conflict)
                }
                let before = current.auditFields
                current.status = .confirmed
                current.confirmedBy = caller.userID
                current.confirmedByName = caller.displayName
                current.confirmedAt = now
                try await current.save(on: db)
                // R-4: confirmed hours earn points where the city's profile sets them.
                let year = Int(current.startsAt.prefix(4)) ?? 0
                try await VolunteerPoints.earn(current, rule: pointsRules["\(current.$station.id) \(year)"] ?? nil, on: db)
                audit.change(entityType: "volunteer_hours", entityID: current.id, old: before, new: current.auditFields)
                confirmed.append(current)
            }
            return confirmed
        }
    }

    /// A correction: the version in force is kept in `volunteer_hour_versions` with who, when and why,
    /// and the row takes the new values as the next version. A stale version, or a time that overlaps
    /// another entry of the volunteer, is a 409.
    static func correct(_ h: VolunteerHours, _ input: VolunteerHoursCorrection, req: Request) async throws -> VolunteerHours {
        let caller = try req.requireCaller()
        try req.authorize(.update, VolunteerService.resource(h.station))
        var v = Validator()
        if input.version == nil { v.add("version", "请注明更正的是第几版（version）") }
        let span = span(input.startsAt ?? h.startsAt, input.endsAt ?? h.endsAt, now: req.application.clock.now, into: &v)
        let reason = v.text(input.reason, field: "reason", label: "更正原因", max: TextLimit.short, required: true) ?? ""
        var name = h.activityName, place = h.place
        if h.activityKind == .standalone {
            if input.activityName != nil { name = v.text(input.activityName, field: "activity_name", label: "活动名称", max: TextLimit.short, required: true) ?? name }
            if input.place != nil { place = v.text(input.place, field: "place", label: "服务地点", max: TextLimit.short, required: true) ?? place }
        } else {
            if input.activityName != nil { v.add("activity_name", "\(h.activityKind.label)的名称取自服务台账，不能在此更正") }
            if input.place != nil { place = v.text(input.place, field: "place", label: "服务地点", max: TextLimit.short) ?? "" }
            if let span, let record = h.recordID, let found = try await activity(h.activityKind, recordID: record, req: req), span.0.day.description != found.on {
                v.add("starts_at", "\(h.activityKind.label)“\(found.name)”在 \(found.on)，服务时长应记在当天")
            }
        }
        try v.check()
        let volunteer = Person(h.volunteer), corrected = (name: name, place: place, span: span!)
        let points = try await VolunteerPoints.rule(h.station, year: corrected.span.0.day.year, req: req)
        return try await req.audit.transaction { db, audit in
            guard let current = try await VolunteerHours.find(h.id, on: db) else { throw Abort(.notFound) }
            if current.version != input.version {
                throw AppError.field("version", "该记录已被更正为第 \(current.version) 版，请刷新后在最新版本上更正", status: .conflict)
            }
            try await refuseOverlap(volunteer: volunteer, from: corrected.span.0.text, to: corrected.span.1.text, except: current.id, on: db)
            let before = current.auditFields
            let old = VolunteerHoursVersion()
            old.id = UUID()
            old.hoursID = current.id!
            old.version = current.version
            old.activityName = current.activityName
            old.place = current.place
            old.startsAt = current.startsAt
            old.endsAt = current.endsAt
            old.halfHours = current.halfHours
            old.status = current.status
            old.correctedBy = caller.userID
            old.correctedByName = caller.displayName
            old.reason = reason
            old.correctedAt = req.application.clock.now
            try await old.create(on: db)
            current.activityName = corrected.name
            current.place = corrected.place
            current.startsAt = corrected.span.0.text
            current.endsAt = corrected.span.1.text
            current.halfHours = corrected.span.halfHours
            current.version += 1
            try await current.save(on: db)
            try await VolunteerPoints.adjust(current, rule: points, on: db)
            audit.change(entityType: "volunteer_hours", entityID: current.id, old: before, new: current.auditFields.merging(["reason": reason]) { a, _ in a })
            return current
        }
    }

    /// A volunteer's entries at the stations the caller reads, newest first.
    static func list(volunteer: Volunteer, req: Request) async throws -> VolunteerHoursList {
        let caller = try req.requireCaller()
        guard let scope = StationScope.condition(Access.readScope(caller.assignments, VolunteerService.kind), on: req.db) else {
            return VolunteerHoursList(items: [], confirmedHours: 0)
        }
        let ids = try await (req.db as! any SQLDatabase).raw("SELECT h.id FROM volunteer_hours h JOIN stations s ON s.id = h.station_id WHERE h.volunteer_id = \(bind: volunteer.id!) AND "
                                                             + scope).all().map { try $0.decode(column: "id", as: UUID.self) }
        let rows = ids.isEmpty ? [] : try await VolunteerHours.query(on: req.db).filter(\.$id ~~ ids).sort(\.$startsAt, .descending).all()
        let items = try await dtos(rows, volunteerName: volunteer.name, on: req.db)
        return VolunteerHoursList(items: items, confirmedHours: items.filter { $0.status == .confirmed }.reduce(0) { $0 + $1.hours })
    }

    static func dtos(_ rows: [VolunteerHours], volunteerName: String, on db: any Database) async throws -> [VolunteerHoursDTO] {
        if rows.isEmpty { return [] }
        // An entry never corrected (version 1) has no earlier versions to look up.
        let corrected = rows.filter { $0.version > 1 }.map { $0.id! }
        let versions = corrected.isEmpty ? [] : try await VolunteerHoursVersion.query(on: db).filter(\.$hoursID ~~ corrected).sort(\.$version).all()
        return rows.map { h in
            VolunteerHoursDTO(id: h.id!, volunteerId: h.$volunteer.id, volunteerName: volunteerName, stationId: h.$station.id, activityKind: h.activityKind,
                              activityKindLabel: h.activityKind.label, recordId: h.recordID, activityName: h.activityName, place: h.place,
                              startsAt: h.startsAt, endsAt: h.endsAt, hours: h.hours, status: h.status, statusLabel: h.status.label, version: h.version,
                              recordedByName: h.recordedByName, confirmedByName: h.confirmedByName,
                              versions: versions.filter { $0.hoursID == h.id }.map {
                                  VolunteerHoursVersionDTO(version: $0.version, activityName: $0.activityName, place: $0.place, startsAt: $0.startsAt,
                                                           endsAt: $0.endsAt, hours: Double($0.halfHours) / 2, status: $0.status,
                                                           correctedByName: $0.correctedByName, reason: $0.reason, correctedAt: $0.correctedAt)
                              },
                              createdAt: h.createdAt, updatedAt: h.updatedAt)
        }
    }

    static func dto(_ h: VolunteerHours, req: Request) async throws -> VolunteerHoursDTO {
        var name = h.$volunteer.value?.name
        if name == nil { name = try await Volunteer.find(h.$volunteer.id, on: req.db)?.name }
        return try await dtos([h], volunteerName: name ?? "", on: req.db)[0]
    }
}

extension VolunteerHoursService.Person {
    init(_ volunteer: Volunteer) {
        self.init(id: volunteer.id!, name: volunteer.name, cityID: volunteer.cityID, residentIDHash: volunteer.residentIDHash, status: volunteer.status)
    }
}
