import Domain
import Fluent
import SQLKit
import Vapor

/// Group work (小组, MZ/T 095; issue 10 §3): a group with goals, target members and planned
/// sessions; its members; each session with attendance and optional pre/post measures, written to
/// the service ledger; and its end with a summary. Every change is one transaction, audited.
enum GroupService {
    /// The group for an action, looked up inside the caller's scope: 404 outside it, 403 where the
    /// caller only reads.
    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> (WorkGroup, Station) {
        guard let id, let g = try await WorkGroup.query(on: req.db).filter(\.$id == id).with(\.$station).first() else {
            throw Abort(.notFound, reason: "未找到该小组，或不在您的管辖范围内")
        }
        try req.authorize(action, StationScope.resource(g.station, .service))
        return (g, g.station)
    }

    static func create(_ input: GroupInput, req: Request) async throws -> WorkGroup {
        let caller = try req.requireCaller()
        let station = try await StationScope.stationForCreate(input.stationId, kind: .service, label: "开设小组", req: req)
        var v = Validator()
        let name = v.text(input.name, field: "name", label: "小组名称", max: TextLimit.short, required: true)
        let goals = v.text(input.goals, field: "goals", label: "小组目标", max: TextLimit.long, required: true)
        let target = v.text(input.target, field: "target", label: "目标组员", max: TextLimit.short, required: true)
        if let n = input.plannedSessions {
            if !(1...100).contains(n) { v.add("planned_sessions", "计划节数应在 1–100 之间") }
        } else {
            v.add("planned_sessions", "请填写计划节数")
        }
        let starts = v.day(input.startsOn, field: "starts_on", label: "开始日期")
        if (input.startsOn ?? "").isEmpty { v.add("starts_on", "开始日期不能为空") }
        let next = nextSession(input.nextSessionOn, startsOn: starts, today: req.today, into: &v)
        let profile = try await CaseService.profile(of: station, year: (starts ?? req.today).year, req: req)
        let tag = try await FeaturedProjectService.tag(profile, station: station, on: starts, field: input.field, item: input.item,
                                                       method: ServiceMethod.groupWork.rawValue, featured: input.featuredProjectId, db: req.db, into: &v)
        let responsible = try await ServiceParties.responsible(input.responsibleId, station: station, caller: caller, db: req.db, into: &v)
        let members = (input.memberIds ?? []).isEmpty ? [] :
            try await ServiceParties.registered(input.memberIds!, station: station, field: "member_ids", doing: "加入小组", on: req.db, into: &v)
        try v.check()
        let g = WorkGroup()
        g.id = UUID()
        g.year = starts!.year
        g.$station.id = station.id!
        g.cityID = station.cityID
        g.districtID = station.districtID
        g.path = station.path
        g.name = name!
        g.field = tag!.field.code
        g.item = tag!.item?.code
        g.featuredProjectID = tag!.featuredProject?.id
        g.goals = goals!
        g.target = target!
        g.plannedSessions = input.plannedSessions!
        g.phase = .planned
        g.responsibleID = responsible!.id!
        g.responsibleName = responsible!.displayName
        g.startsOn = starts!.description
        g.nextSessionOn = next?.description
        g.createdBy = caller.userID
        try await req.audit.transaction { db, audit in
            // Inside the serialised write, so that two at once cannot both pass (the index backs it).
            if try await WorkGroup.query(on: db).filter(\.$station.$id == station.id!).filter(\.$year == g.year).filter(\.$name == g.name).count() > 0 {
                throw AppError.field("name", "本站\(g.year)年已有名为“\(g.name)”的小组", status: .conflict)
            }
            try await g.create(on: db)
            try await enrol(members.map { $0.id! }, in: g, on: starts!, caller: caller, db: db)
            audit.change(entityType: "work_group", entityID: g.id, old: nil,
                         new: g.auditFields.merging(["members": members.map { $0.id!.uuidString }.joined(separator: ",")]) { a, _ in a })
        }
        return g
    }

    /// Members who join a running or planned group.
    static func addMembers(_ g: WorkGroup, station: Station, _ input: GroupMembersInput, req: Request) async throws {
        let caller = try req.requireCaller()
        try refuseEnded(g, doing: "添加组员")
        var v = Validator()
        let joined = v.day(input.joinedOn, field: "joined_on", label: "入组日期", notAfter: nil) ?? ((input.joinedOn ?? "").isEmpty ? req.today : nil)
        let people = try await ServiceParties.registered(input.recipientIds ?? [], station: station, doing: "加入小组", on: req.db, into: &v)
        try v.check()
        try await req.audit.transaction { db, audit in
            _ = try await reread(g, doing: "添加组员", on: db)
            let already = Set(try await memberIDs(g.id!, on: db))
            if let twice = people.first(where: { already.contains($0.id!) }) {
                throw AppError.field("recipient_ids", "\(twice.name)已是本小组组员", status: .conflict)
            }
            try await enrol(people.map { $0.id! }, in: g, on: joined!, caller: caller, db: db)
            audit.change(entityType: "work_group", entityID: g.id, old: nil,
                         new: ["members_added": people.map { $0.id!.uuidString }.joined(separator: ","), "joined_on": joined!.description])
        }
    }

    private static func enrol(_ ids: [UUID], in g: WorkGroup, on day: Day, caller: Caller, db: any Database) async throws {
        if ids.isEmpty { return }
        var insert = (db as! any SQLDatabase).insert(into: "work_group_members").columns("group_id", "recipient_id", "station_id", "joined_on", "added_by")
        for id in ids {
            insert = insert.values(SQLBind(g.id!), SQLBind(id), SQLBind(g.$station.id), SQLBind(day.description), SQLBind(caller.userID))
        }
        try await insert.run()
    }

    static func memberIDs(_ group: UUID, on db: any Database) async throws -> [UUID] {
        try await (db as! any SQLDatabase).raw("SELECT recipient_id FROM work_group_members WHERE group_id = \(bind: group)")
            .all().map { try $0.decode(column: "recipient_id", as: UUID.self) }
    }

    /// The group as it stands inside the serialised write: a session and the group's end, or two
    /// ends, at once get one 409 rather than a session in an ended group.
    private static func reread(_ g: WorkGroup, doing: String, on db: any Database) async throws -> WorkGroup {
        guard let current = try await WorkGroup.find(g.id, on: db) else { throw Abort(.notFound, reason: "未找到该小组") }
        try refuseEnded(current, doing: doing)
        return current
    }

    private static func refuseEnded(_ g: WorkGroup, doing: String) throws {
        if g.phase == .ended {
            throw AppError.field("phase", "小组已于\(g.endedOn ?? "")结束，不能再\(doing)", status: .conflict)
        }
    }

    /// One session: a ledger row (kind 小组活动, method 小组工作, the group's field and item) whose
    /// recipients are the members who came, the session's number, and the measures given.
    static func recordSession(_ g: WorkGroup, station: Station, _ input: GroupSessionInput, req: Request) async throws -> GroupSession {
        let caller = try req.requireCaller()
        try refuseEnded(g, doing: "记录活动")
        var v = Validator()
        let day = v.day(input.on, field: "on", label: "活动日期", notAfter: req.today)
        if (input.on ?? "").isEmpty { v.add("on", "活动日期不能为空") }
        if let day, let starts = Day(g.startsOn), day < starts { v.add("on", "活动日期不能早于小组开始日期（\(g.startsOn)）") }
        let minutes = v.serviceMinutes(input.minutes, label: "活动时长")
        let content = v.text(input.content, field: "content", label: "活动内容", max: TextLimit.long, required: true)
        let others = v.othersCount(input.othersCount)
        let attendees = input.attendeeIds ?? []
        if Set(attendees).count != attendees.count { v.add("attendee_ids", "同一组员登记了两次出席") }
        let members = try await (req.db as! any SQLDatabase).raw("""
            SELECT m.recipient_id, m.joined_on, r.name, r.status, r.merged_into_id FROM work_group_members m JOIN recipients r ON r.id = m.recipient_id
            WHERE m.group_id = \(bind: g.id!)
            """).all().reduce(into: [UUID: (joined: String, name: String, active: Bool)]()) { result, row in
            result[try row.decode(column: "recipient_id", as: UUID.self)] = (try row.decode(column: "joined_on", as: String.self), try row.decode(column: "name", as: String.self),
                try row.decode(column: "status", as: String.self) == RecipientStatus.active.rawValue && row.decode(column: "merged_into_id", as: UUID?.self) == nil)
        }
        if attendees.count > ServiceParties.maxNamed { v.add("attendee_ids", "一次最多登记 \(ServiceParties.maxNamed) 名出席者") }
        if attendees.contains(where: { members[$0] == nil }) { v.add("attendee_ids", "出席者须为本小组组员；其他参加者请计入“其他参加人数”") }
        for id in attendees {
            guard let m = members[id] else { continue }
            // A member who left the register (moved out, deceased, merged into another record) is not counted twice.
            if !m.active { v.add("attendee_ids", "\(m.name)已不在册（迁出、去世或已合并），不能登记出席") }
            if let day, let joined = Day(m.joined), day < joined { v.add("attendee_ids", "\(m.name)于 \(m.joined) 入组，不能登记此前活动的出席") }
        }
        let measured = (input.measures ?? []).compactMap(\.recipientId)
        if Set(measured).count != measured.count { v.add("measures", "同一组员的前后测填写了两次") }
        if attendees.isEmpty && others == 0 { v.add("attendee_ids", "请至少登记一名出席的组员，或填写其他参加人数") }
        var measures: [(UUID, Int?, Int?)] = []
        for (i, m) in (input.measures ?? []).enumerated() {
            guard let id = m.recipientId, attendees.contains(id) else {
                v.add("measures[\(i)].recipient_id", "前后测只能为出席本次活动的组员填写")
                continue
            }
            for (value, name, label) in [(m.pre, "pre", "前测"), (m.post, "post", "后测")] {
                if let value, !(0...100).contains(value) { v.add("measures[\(i)].\(name)", "\(label)分数应在 0–100 之间") }
            }
            if m.pre != nil || m.post != nil { measures.append((id, m.pre, m.post)) }
        }
        // The group's field and item (or featured project), as the profile in force in the session's
        // year tags them; a featured project only on its own days.
        var tag: ServiceTag?
        if let day {
            let profile = try await CaseService.profile(of: station, year: day.year, req: req)
            var problems = Validator()
            tag = try await FeaturedProjectService.tag(profile, station: station, on: day, field: g.field, item: g.item, method: ServiceMethod.groupWork.rawValue,
                                                       featured: g.featuredProjectID, db: req.db, into: &problems)
            // The session form has no project to choose: its date is what does not fit.
            for e in problems.errors { v.add(e.field == "featured_project_id" ? "on" : e.field, e.message) }
        }
        try v.check()
        let scores = measures
        let entry = LedgerEntry(station: station, kind: .groupSession, tag: tag!, on: day!, minutes: minutes, workerID: caller.userID,
                                workerName: caller.displayName, recipientIDs: attendees, othersCount: others, content: content!, caseID: nil)
        let session = GroupSession()
        session.id = UUID()
        session.year = day!.year
        session.groupID = g.id!
        session.stationID = station.id!
        session.heldOn = day!.description
        session.createdBy = caller.userID
        try await req.application.ledgerPartitions.ensure(year: day!.year, on: req.db)
        try await req.audit.transaction { db, audit in
            let current = try await reread(g, doing: "记录活动", on: db)
            // A second click on the same form: the same group, day and content (with or without
            // named attendees, which the ledger's own check needs).
            let repeats = try await (db as! any SQLDatabase).raw("""
                SELECT COUNT(*) AS n FROM group_sessions gs JOIN service_records sv ON sv.id = gs.record_id AND sv.year = gs.year
                WHERE gs.group_id = \(bind: g.id!) AND gs.held_on = \(bind: session.heldOn) AND sv.content = \(bind: content!)
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            if repeats > 0 { throw AppError.field("content", "\(session.heldOn) 已记录过内容相同的小组活动，请勿重复提交", status: .conflict) }
            let record = try await Ledger.write(entry, createdBy: caller.userID, on: db, audit: audit)
            session.recordID = record.id!
            session.number = try await GroupSession.query(on: db).filter(\.$groupID == g.id!).count() + 1
            try await session.create(on: db)
            if !scores.isEmpty {
                var insert = (db as! any SQLDatabase).insert(into: "group_session_measures").columns("session_id", "recipient_id", "pre", "post")
                for (id, pre, post) in scores { insert = insert.values(SQLBind(session.id!), SQLBind(id), SQLBind(pre), SQLBind(post)) }
                try await insert.run()
            }
            // The session planned for this day or earlier has been held: no longer on the home page.
            let heldPlanned = current.nextSessionOn.flatMap(Day.init).map { $0 <= day! } ?? false
            if current.phase == .planned || heldPlanned {
                let before = current.auditFields
                current.phase = .running
                if heldPlanned { current.nextSessionOn = nil }
                try await current.save(on: db)
                audit.change(entityType: "work_group", entityID: current.id, old: before, new: current.auditFields)
            }
            audit.change(entityType: "group_session", entityID: session.id, old: nil,
                         new: ["group_id": g.id!.uuidString, "number": String(session.number), "record_id": record.id!.uuidString,
                               "measures": scores.map { "\($0.0.uuidString):\($0.1.map(String.init) ?? "")/\($0.2.map(String.init) ?? "")" }.joined(separator: ",")])
        }
        return session
    }

    /// A next session's date: not before the group starts nor before today (it is a plan).
    private static func nextSession(_ raw: String?, startsOn: Day?, today: Day, into v: inout Validator) -> Day? {
        guard let day = v.day(raw, field: "next_session_on", label: "下次活动日期") else { return nil }
        if day < today { v.add("next_session_on", "下次活动日期不能早于今天（\(today)）") }
        if let startsOn, day < startsOn { v.add("next_session_on", "下次活动日期不能早于小组开始日期（\(startsOn)）") }
        return day
    }

    /// Sets or clears the date of the next planned session; a group that has ended has none (409).
    static func planNext(_ g: WorkGroup, _ input: GroupNextSessionInput, req: Request) async throws {
        try refuseEnded(g, doing: "安排活动")
        var v = Validator()
        let day = nextSession(input.on, startsOn: Day(g.startsOn), today: req.today, into: &v)
        try v.check()
        try await req.audit.transaction { db, audit in
            let current = try await reread(g, doing: "安排活动", on: db)
            let before = current.auditFields
            current.nextSessionOn = day?.description
            try await current.save(on: db)
            audit.change(entityType: "work_group", entityID: current.id, old: before, new: current.auditFields)
        }
    }

    static func end(_ g: WorkGroup, _ input: GroupEndInput, req: Request) async throws {
        try refuseEnded(g, doing: "结束")
        var v = Validator()
        let day = v.day(input.on, field: "on", label: "结束日期", notAfter: req.today)
        if (input.on ?? "").isEmpty { v.add("on", "结束日期不能为空") }
        if let day, let starts = Day(g.startsOn), day < starts { v.add("on", "结束日期不能早于小组开始日期（\(g.startsOn)）") }
        let summary = v.text(input.summary, field: "summary", label: "小组总结", max: TextLimit.long, required: true)
        try v.check()
        try await req.audit.transaction { db, audit in
            let current = try await reread(g, doing: "结束", on: db)
            if let last = try await GroupSession.query(on: db).filter(\.$groupID == g.id!).sort(\.$heldOn, .descending).first(),
               let lastDay = Day(last.heldOn), lastDay > day! {
                throw AppError.field("on", "结束日期不能早于最后一次活动（\(last.heldOn)）")
            }
            let before = current.auditFields
            current.phase = .ended
            current.endedOn = day!.description
            current.summary = summary!
            current.nextSessionOn = nil
            try await current.save(on: db)
            audit.change(entityType: "work_group", entityID: current.id, old: before, new: current.auditFields)
        }
    }
}
