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
        /// Fell due in the last 30 days and not filed by every unit.
        var overdue: [Status]
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
        guard let path = caller.assignments.first?.placePath else { return nil }
        let city = try await PolicyService.city(of: path, on: db)
        if city.policyProfile == nil { return nil }
        return try await PolicyService.inForce(city: city, year: year, on: db).profile
    }

    /// The units in the caller's scope that file deadlines of this kind.
    static func units(_ filer: Filer, _ caller: Caller, on db: any Database) async throws -> [Unit] {
        switch filer {
        case .city, .district:
            return try await OrgQueries.list(caller, level: filer == .city ? .city : .district, parentID: nil, on: db).map { Unit(id: $0.id, name: $0.name) }
        case .station:
            guard let condition = ComplianceQueries.scopeCondition(caller, district: nil, on: db) else { return [] }
            let rows = try await (db as! any SQLDatabase).raw("SELECT s.id, s.name FROM stations s WHERE " + condition + " ORDER BY s.name").all()
            return try rows.map { Unit(id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self)) }
        }
    }

    static func board(_ caller: Caller, today: Day, on db: any Database) async throws -> Board {
        guard let profile = try await profile(caller, year: today.year, on: db) else { return Board(upcoming: [], overdue: []) }
        let (upcoming, recent) = Deadlines.around(profile, today: today, roles: caller.roles)
        let all = upcoming + recent
        if all.isEmpty { return Board(upcoming: [], overdue: []) }
        var unitsByFiler: [Filer: [Unit]] = [:]
        for filer in Set(all.map(\.filer)) { unitsByFiler[filer] = try await units(filer, caller, on: db) }
        let filings = try await DeadlineFiling.query(on: db).filter(\.$dueOn ~~ Set(all.map(\.due.description))).all()
        let filed = Set(filings.map { "\($0.ruleID)|\($0.dueOn)|\($0.unitID)" })
        func status(_ d: Deadline) -> Status {
            let units = unitsByFiler[d.filer] ?? []
            let unfiled = units.filter { !filed.contains("\(d.ruleID)|\(d.due)|\($0.id)") }
            return Status(ruleId: d.ruleID, title: d.title, dueOn: d.due.description, filer: d.filer, daysLeft: today.days(until: d.due),
                          units: units.count, filed: units.count - unfiled.count, unfiled: unfiled, mayFile: !units.isEmpty)
        }
        return Board(upcoming: upcoming.map(status), overdue: recent.map(status).filter { !$0.done })
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

        guard let profile = try await profile(caller, year: due.year, on: req.db),
              let deadline = Deadlines.all(profile, years: (due.year - 1)...due.year).first(where: { $0.ruleID == input.ruleId && $0.due == due }) else {
            throw AppError.field("rule_id", "本市政策配置中没有规则 \(input.ruleId) 于 \(due) 到期的报送事项")
        }
        guard !deadline.roles.isDisjoint(with: caller.roles) else {
            throw Abort(.forbidden, reason: "您的角色不负责“\(deadline.title)”（\(deadline.ruleID)）")
        }
        guard let unit = try await units(deadline.filer, caller, on: req.db).first(where: { $0.id == input.unitId }) else {
            throw Abort(.forbidden, reason: "该\(deadline.filer.label)不在您的管辖范围内，不能代为登记报送")
        }
        let filing = DeadlineFiling()
        filing.id = UUID()
        filing.ruleID = deadline.ruleID
        filing.dueOn = due.description
        filing.filer = deadline.filer
        filing.unitID = unit.id
        filing.filedOn = filedOn.description
        filing.note = note
        filing.createdBy = caller.username
        // Checked inside the write lock, so two quick clicks get a 409, not a unique-index failure.
        try await req.audit.transaction { db, audit in
            if let existing = try await DeadlineFiling.query(on: db).filter(\.$ruleID == filing.ruleID)
                .filter(\.$dueOn == filing.dueOn).filter(\.$unitID == unit.id).first() {
                throw AppError.field("unit_id", "\(unit.name)已于 \(existing.filedOn) 登记报送“\(deadline.title)”", status: .conflict)
            }
            try await filing.create(on: db)
            audit.change(entityType: "deadline_filing", entityID: filing.id, old: nil, new: filing.auditFields)
        }
        return filing
    }
}
