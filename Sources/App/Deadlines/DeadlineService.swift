import Domain
import Fluent
import SQLKit
import Vapor

/// What each role must file and by when, which of its units have filed, and the filing itself.
enum DeadlineService {
    struct Unit: Content, Equatable {
        var id: UUID
        var name: String
    }

    /// One deadline as the caller sees it: the units in their scope that file it, and which have.
    struct Status: Content {
        var ruleId: String
        var title: String
        var dueOn: String
        var filer: Filer
        /// How the due date was counted (the rule's day-count convention, or a move off a rest day).
        var counting: String
        /// Days until the due date; negative once it has passed.
        var daysLeft: Int
        var units: Int
        var filed: Int
        var unfiled: [Unit]
        /// The caller has units that file it (deadlines are already those their roles act on).
        var mayFile: Bool

        var done: Bool { units > 0 && unfiled.isEmpty }
    }

    struct Board: Content {
        /// Due in the next 30 days.
        var upcoming: [Status]
        /// Fell due since 1 January of last year and not filed by every unit (all overdue filings).
        var overdue: [Status]
        /// Duties whose due date cannot be counted yet (a year missing from the working-day calendar).
        var uncounted: [String] = []
    }

    struct FilingInput: Content {
        var ruleId: String
        var dueOn: String
        var unitId: UUID
        var filedOn: String?
        var note: String?
    }

    /// The profile of the caller's city in a year; nil for an account without a city, or a city without a profile.
    static func profile(_ caller: Caller, year: Int, on db: any Database) async throws -> PolicyProfile? {
        guard let city = try await city(of: caller, on: db) else { return nil }
        return try await profile(of: city, year: year, on: db)
    }

    /// The caller's city; nil for the platform administrator, who belongs to no city and files nothing.
    static func city(of caller: Caller, on db: any Database) async throws -> OrgUnit? {
        guard let path = caller.assignments.first(where: { if case .platform = $0.scope { false } else { true } })?.placePath else { return nil }
        return try await PolicyService.city(of: path, on: db)
    }

    static func profile(of city: OrgUnit, year: Int, on db: any Database) async throws -> PolicyProfile? {
        if city.policyProfile == nil { return nil }
        return try await PolicyService.inForce(city: city, year: year, on: db).profile
    }

    /// The units in the caller's scope that file deadlines of this kind.
    static func units(_ filer: Filer, _ caller: Caller, on db: any Database) async throws -> [Unit] {
        switch filer {
        case .city, .district:
            return try await OrgQueries.list(caller, level: filer == .city ? .city : .district, parentID: nil, on: db).map { Unit(id: $0.id, name: $0.name) }
        case .station:
            guard let condition = StationScope.condition(caller, on: db) else { return [] }
            let rows = try await (db as! any SQLDatabase).raw("SELECT s.id, s.name FROM stations s JOIN org_units d ON d.id = s.district_id WHERE " + condition
                                                                 + " ORDER BY " + PlaceOrder.stations).all()
            return try rows.map { Unit(id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self)) }
        }
    }

    static func board(_ caller: Caller, today: Day, on db: any Database) async throws -> Board {
        guard let city = try await city(of: caller, on: db), let profile = try await profile(of: city, year: today.year, on: db) else {
            return Board(upcoming: [], overdue: [])
        }
        let calendar = try await CalendarService.load(on: db)
        // Overdue filings since 1 January of last year — or since the city was onboarded (a city set up
        // before onboarding has no date), if later: a city answers for no deadline dated before it existed.
        var since = Day(year: today.year - 1, month: 1, day: 1)!
        if let onboarded = try Day.stored(city.onboardedOn, table: "org_units", id: city.id, column: "onboarded_on"), onboarded > since { since = onboarded }
        var (upcoming, recent) = Deadlines.around(profile, today: today, roles: caller.roles, calendar: calendar, overdueSince: since)
        // handovers after operators' exits, overdue or due within 30 days.
        let window = since...today.adding(days: 30)
        let (duties, uncounted) = try await handovers(caller, profile, calendar: calendar, exitedSince: since, on: db)
        var handoverUnits: [String: Unit] = [:]
        for (deadline, unit) in duties where window.contains(deadline.due) {
            handoverUnits["\(deadline.ruleID)|\(deadline.due)|\(deadline.title)"] = unit
            if deadline.due >= today { upcoming.append(deadline) } else { recent.append(deadline) }
        }
        let all = upcoming + recent
        if all.isEmpty { return Board(upcoming: [], overdue: [], uncounted: uncounted) }
        var unitsByFiler: [Filer: [Unit]] = [:]
        for filer in Set(all.filter { $0.ruleID != "A-5" }.map(\.filer)) { unitsByFiler[filer] = try await units(filer, caller, on: db) }
        let filings = try await DeadlineFiling.query(on: db).filter(\.$dueOn ~~ Set(all.flatMap { [$0.due.description, $0.nominal?.description].compactMap { $0 } })).all()
        let filed = Set(filings.map { "\($0.ruleID)|\($0.dueOn)|\($0.unitID)" })
        func status(_ d: Deadline) -> Status {
            let units = d.ruleID == "A-5" ? [handoverUnits["\(d.ruleID)|\(d.due)|\(d.title)"]].compactMap { $0 } : unitsByFiler[d.filer] ?? []
            // A filing made on the named date before the calendar moved it still counts.
            let unfiled = units.filter { unit in ![d.due, d.nominal].compactMap { $0 }.contains { filed.contains("\(d.ruleID)|\($0)|\(unit.id)") } }
            return Status(ruleId: d.ruleID, title: d.title, dueOn: d.due.description, filer: d.filer, counting: d.counting, daysLeft: today.days(until: d.due),
                          units: units.count, filed: units.count - unfiled.count, unfiled: unfiled, mayFile: !units.isEmpty)
        }
        return Board(upcoming: upcoming.sorted { $0.due < $1.due }.map(status), overdue: recent.sorted { $0.due < $1.due }.map(status).filter { !$0.done },
                     uncounted: uncounted)
    }

    /// A-5 handover duties the caller acts on: exits recorded at stations in a district or city
    /// officer's scope, or by the caller's own operator (which no longer runs the station), since
    /// `exitedSince`, or of one station. A due date the calendar cannot count yet is reported instead.
    static func handovers(_ caller: Caller, _ profile: PolicyProfile, calendar: WorkingCalendar, exitedSince: Day? = nil, station: UUID? = nil,
                          on db: any Database) async throws -> (duties: [(Deadline, Unit)], uncounted: [String]) {
        guard profile.rule("A-5") != nil else { return ([], []) }
        let sql = db as! any SQLDatabase
        // The caller's A-5 roles' scope; an operator sees the exits it made (it no longer runs the station).
        let scope = Access.readScope(caller.assignments.filter { Deadlines.roles("A-5").contains($0.role) }, .station)
        guard let stations = StationScope.condition(scope, operatorColumn: "p.operator_id", on: db) else { return ([], []) }
        var condition: SQLQueryString = "p.ended_on IS NOT NULL AND " + stations
        if let exitedSince { condition = condition + " AND p.ended_on >= \(bind: exitedSince.description)" }
        if let station { condition = condition + " AND p.station_id = \(bind: station)" }
        let rows = try await sql.raw("""
            SELECT p.id, p.station_id, p.ended_on, s.name AS station_name, o.name AS operator_name
            FROM station_operator_periods p JOIN stations s ON s.id = p.station_id JOIN operators o ON o.id = p.operator_id WHERE
            """ + " " + condition + " ORDER BY p.ended_on").all()
        var duties: [(Deadline, Unit)] = []
        var uncounted: [String] = []
        for r in rows {
            let id = try r.decode(column: "id", as: UUID.self)
            let exit = try Day.stored(try r.decode(column: "ended_on", as: String.self), table: "station_operator_periods", id: id, column: "ended_on")
            let unit = Unit(id: try r.decode(column: "station_id", as: UUID.self), name: try r.decode(column: "station_name", as: String.self))
            let operatorName = try r.decode(column: "operator_name", as: String.self)
            do {
                if let deadline = try Deadlines.handover(profile, exit: exit, station: unit.name, operatorName: operatorName, calendar: calendar) {
                    duties.append((deadline, unit))
                }
            } catch let problem as WorkingCalendar.Problem {
                uncounted.append("\(unit.name)：\(operatorName)于 \(exit) 退出，档案移交期限（A-5）暂无法计算：\(problem.description)")
            }
        }
        return (duties, uncounted)
    }

    /// Records that a unit filed what a deadline asks for; refused for a deadline the caller's roles do not act
    /// on, a unit outside their scope, a date in the future, or a second filing.
    static func file(_ input: FilingInput, req: Request) async throws -> DeadlineFiling {
        let caller = try req.requireCaller()
        let today = req.today
        var v = Validator()
        let due = v.day(input.dueOn, field: "due_on", label: "到期日")
        if input.dueOn.trimmingCharacters(in: .whitespaces).isEmpty { v.add("due_on", "到期日不能为空") }
        var filedOn: Day? = today
        if let raw = input.filedOn, !raw.isEmpty {
            filedOn = v.day(raw, field: "filed_on", label: "报送日期", notAfter: today)
        }
        let note = (input.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if note.count > 500 { v.add("note", "备注不超过 500 字") }
        guard let due, let filedOn, v.errors.isEmpty else { throw AppError.invalid(v.errors) }

        guard let profile = try await profile(caller, year: due.year, on: req.db) else {
            throw AppError.field("rule_id", "本市政策配置中没有规则 \(RuleName.label(input.ruleId)) 于 \(due) 到期的报送事项")
        }
        let calendar = try await CalendarService.load(on: req.db)
        let deadline: Deadline
        let unit: Unit
        if input.ruleId == "A-5" && profile.rule("A-5") != nil {
            // The handover of one station's archives after an exit: the caller must act on A-5 and see the exit.
            guard !Deadlines.roles("A-5").isDisjoint(with: caller.roles) else {
                throw Abort(.forbidden, reason: "您的角色不负责移交服务档案（A-5）")
            }
            let duties = try await handovers(caller, profile, calendar: calendar, station: input.unitId, on: req.db).duties
            guard !duties.isEmpty else { throw Abort(.forbidden, reason: "该社工站不在您的管辖范围内，或没有承接机构退出记录，不能代为登记报送") }
            guard let duty = duties.first(where: { $0.0.due == due }) else {
                throw AppError.field("due_on", "该社工站没有于 \(due) 到期的档案移交事项（A-5：应为 \(duties.map(\.0.due.description).joined(separator: "、"))）")
            }
            deadline = duty.0
            unit = duty.1
        } else {
            guard let found = Deadlines.all(profile, years: (due.year - 1)...due.year, calendar: calendar)
                .first(where: { $0.ruleID == input.ruleId && ($0.due == due || $0.nominal == due) }) else {
                throw AppError.field("rule_id", "本市政策配置中没有规则 \(RuleName.label(input.ruleId)) 于 \(due) 到期的报送事项")
            }
            deadline = found
            guard !deadline.roles.isDisjoint(with: caller.roles) else {
                throw Abort(.forbidden, reason: "您的角色不负责“\(deadline.title)”（\(RuleName.label(deadline.ruleID))）")
            }
            guard let mine = try await units(deadline.filer, caller, on: req.db).first(where: { $0.id == input.unitId }) else {
                throw Abort(.forbidden, reason: "该\(deadline.filer.label)不在您的管辖范围内，不能代为登记报送")
            }
            unit = mine
        }
        let filing = DeadlineFiling()
        filing.id = UUID()
        filing.ruleID = deadline.ruleID
        filing.dueOn = deadline.due.description
        filing.filer = deadline.filer
        filing.unitID = unit.id
        filing.filedOn = filedOn.description
        filing.note = note
        filing.createdBy = caller.username
        // Checked inside the write lock, so two quick clicks get a 409, not a unique-index failure.
        try await req.audit.transaction { db, audit in
            if let existing = try await DeadlineFiling.query(on: db).filter(\.$ruleID == filing.ruleID)
                .filter(\.$dueOn ~~ [deadline.due, deadline.nominal].compactMap { $0?.description }).filter(\.$unitID == unit.id).first() {
                throw AppError.field("unit_id", "\(unit.name)已于 \(existing.filedOn) 登记报送“\(deadline.title)”", status: .conflict)
            }
            try await filing.create(on: db)
            audit.change(entityType: "deadline_filing", entityID: filing.id, old: nil, new: filing.auditFields)
        }
        return filing
    }
}
