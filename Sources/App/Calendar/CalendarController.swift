import Domain
import Fluent
import Plot
import Vapor

/// A year's holiday arrangement entered by a city admin when the State Council publishes it.
final class CalendarYear: Model, @unchecked Sendable {
    static let schema = "calendar_years"

    @ID(key: .id) var id: UUID?
    @Field(key: "year") var year: Int
    /// JSON of `WorkingCalendar.Year`.
    @Field(key: "arrangement") var arrangement: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// One arrangement a year has had: version 1 as entered, each correction the next number.
final class CalendarYearVersion: Model, @unchecked Sendable {
    static let schema = "calendar_year_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "year") var year: Int
    @Field(key: "version") var version: Int
    /// JSON of `WorkingCalendar.Year`.
    @Field(key: "arrangement") var arrangement: String
    /// Why it was entered or corrected.
    @Field(key: "reason") var reason: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    func decoded() throws -> WorkingCalendar.Year {
        try JSONDecoder().decode(WorkingCalendar.Year.self, from: Data(arrangement.utf8))
    }
}

enum CalendarService {
    /// Every version of the entered years, newest first within a year.
    static func versions(on db: any Database) async throws -> [Int: [CalendarYearVersion]] {
        Dictionary(grouping: try await CalendarYearVersion.query(on: db).sort(\.$year).sort(\.$version, .descending).all(), by: \.year)
    }

    /// The shipped years (2020–2026) and every year entered since.
    static func load(on db: any Database) async throws -> WorkingCalendar {
        var calendar = try WorkingCalendar.bundled()
        for row in try await CalendarYear.query(on: db).sort(\.$year).all() {
            try calendar.add(year: row.year, try JSONDecoder().decode(WorkingCalendar.Year.self, from: Data(row.arrangement.utf8)))
        }
        return calendar
    }
}

struct CalendarController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.calendar, use: page)
        routes.post(SiteURL.calendar, use: addFromForm)
        routes.get(ApiRoute.calendarYear(.key), use: apiYear)
        routes.get(ApiRoute.workingDays, use: apiWorkingDays)
        routes.post(ApiRoute.calendar, use: apiAdd)
        routes.put(ApiRoute.calendarYear(.key), use: apiCorrect)
        routes.post(SiteURL.calendarYear(.key), use: correctFromForm)
    }

    struct YearInput: Content {
        var year: Int
        var holidays: [WorkingCalendar.Year.Holiday]
        var workdays: [Day]
    }

    /// A correction of an entered year: its whole arrangement again, and why.
    struct CorrectionInput: Content {
        var holidays: [WorkingCalendar.Year.Holiday]
        var workdays: [Day]
        var reason: String
    }

    struct VersionDTO: Content {
        var year: Int
        var version: Int
    }

    func apiYear(req: Request) async throws -> WorkingCalendar.Year {
        _ = try req.requireCaller()
        let calendar = try await CalendarService.load(on: req.db)
        guard let year = req.parameters.get("year", as: Int.self), let arrangement = calendar.years[year] else {
            throw Abort(.notFound, reason: "工作日历中没有该年度的安排")
        }
        return arrangement
    }

    /// `?from=YYYY-MM-DD&days=N&start_counts=false`: the due date and the days passed over.
    func apiWorkingDays(req: Request) async throws -> WorkingDays.Result {
        _ = try req.requireCaller()
        let (input, v) = WorkingDays.read(from: req.query["from"], days: req.query["days"], startCounts: req.query["start_counts"])
        guard let input else { throw AppError.invalid(v.errors, status: .badRequest) }
        return try WorkingDays.count(input, calendar: try await CalendarService.load(on: req.db))
    }

    func apiAdd(req: Request) async throws -> Response {
        let input = try req.content.decode(YearInput.self)
        try await add(input, req: req)
        return Response(status: .created)
    }

    func apiCorrect(req: Request) async throws -> VersionDTO {
        let year = try Self.pathYear(req)
        let input = try req.content.decode(CorrectionInput.self)
        return VersionDTO(year: year, version: try await correct(year, input, req: req))
    }

    /// The year in the path, named when it is not one (never the framework's English sentence).
    static func pathYear(_ req: Request) throws -> Int {
        if let shadowed = MethodNotAllowed.shadowed(req) { throw shadowed }
        guard let raw = req.parameters.get("year"), let year = Int(raw), Day.validYears.contains(year) else {
            throw Abort(.notFound, reason: "工作日历中没有该年度：年份应为 \(Day.validYears.lowerBound)–\(Day.validYears.upperBound) 之间的整数")
        }
        return year
    }

    /// Checks an arrangement and refuses it with every problem at once, each on the field it is
    /// about (make-up days: `workdays`); a holiday is named as the API sent it (its position in the list).
    private static func checked(_ year: Int, _ arrangement: WorkingCalendar.Year) throws {
        let issues = WorkingCalendar.issues(year: year, arrangement)
        guard !issues.isEmpty else { return }
        throw AppError.invalid(issues.map { issue in
            FieldError(field: issue.field, message: issue.message(in: arrangement))
        })
    }

    /// Who "entered" a year that ships with Shegong (holidays.json), in its version history.
    static let shippedBy = "随系统发布"

    /// A year that exists already — shipped with Shegong or entered since — is refused (409) and
    /// pointed to its correction, which keeps what was there as the earlier version.
    private static func refuseExisting(_ year: Int, shipped: Bool) -> AppError {
        AppError.field("year", "\(year) 年的安排已存在（\(shipped ? "随系统发布" : "已录入")），不能重复录入；如需更正，请在该年度下选择“更正”（接口：PUT /api/v1/calendar/\(year)），原安排保留为上一版",
                       status: .conflict)
    }

    private static func encoded(_ arrangement: WorkingCalendar.Year) throws -> String {
        String(decoding: try JSONEncoder().encode(arrangement), as: UTF8.self)
    }

    /// Platform administrators only: the calendar is national data, entered once for the deployment.
    func add(_ input: YearInput, req: Request) async throws {
        let caller = try req.requireCaller()
        try req.authorize(.create, Access.nationalCalendar)
        guard Day.validYears.contains(input.year) else {
            throw AppError.field("year", "年份应在 \(Day.validYears.lowerBound)–\(Day.validYears.upperBound) 之间")
        }
        // A shipped year (2020–2026) has no row, but exists all the same: entering it again would
        // silently replace the arrangement every city counts on, with no earlier version kept.
        let shipped = try WorkingCalendar.bundled().years[input.year] != nil
        if shipped { throw Self.refuseExisting(input.year, shipped: true) }
        if try await CalendarYear.query(on: req.db).filter(\.$year == input.year).first() != nil {
            throw Self.refuseExisting(input.year, shipped: false)
        }
        let arrangement = WorkingCalendar.Year(holidays: input.holidays, workdays: input.workdays)
        try Self.checked(input.year, arrangement)
        let row = CalendarYear()
        row.year = input.year
        row.arrangement = try Self.encoded(arrangement)
        row.createdBy = caller.username
        let first = CalendarYearVersion()
        first.year = input.year
        first.version = 1
        first.arrangement = row.arrangement
        first.reason = "首次录入"
        first.createdBy = caller.username
        try await req.audit.transaction { db, audit in
            // Checked inside the write lock, so two saves of the same year cannot both pass.
            if try await CalendarYear.query(on: db).filter(\.$year == input.year).first() != nil {
                throw Self.refuseExisting(input.year, shipped: false)
            }
            try await row.create(on: db)
            try await first.create(on: db)
            audit.record(.create, entityType: "calendar_year", entityID: String(input.year), changes: ["arrangement": [nil, row.arrangement], "version": [nil, "1"]])
        }
    }

    /// A correction of a year becomes its next version; the earlier ones are kept (a shipped year's
    /// arrangement as version 1), and the working-day arithmetic and deadlines use the newest from now on.
    func correct(_ year: Int, _ input: CorrectionInput, req: Request) async throws -> Int {
        let caller = try req.requireCaller()
        try req.authorize(.update, Access.nationalCalendar)
        var v = Validator()
        let reason = v.text(input.reason, field: "reason", label: "更正原因", max: TextLimit.short, required: true)
        let shipped = try WorkingCalendar.bundled().years[year]
        // A year neither shipped nor entered is not found before anything about the arrangement is said.
        if shipped == nil, try await CalendarYear.query(on: req.db).filter(\.$year == year).first() == nil {
            throw Abort(.notFound, reason: "\(year) 年的安排尚未录入，不能更正：请先录入该年度")
        }
        try v.check()
        let arrangement = WorkingCalendar.Year(holidays: input.holidays, workdays: input.workdays)
        try Self.checked(year, arrangement)
        let text = try Self.encoded(arrangement)
        return try await req.audit.transaction { db, audit in
            var found = try await CalendarYear.query(on: db).filter(\.$year == year).first()
            if found == nil, let shipped {
                // The first correction of a shipped year: the shipped arrangement becomes its row and version 1.
                let row = CalendarYear()
                row.year = year
                row.arrangement = try Self.encoded(shipped)
                row.createdBy = Self.shippedBy
                try await row.create(on: db)
                found = row
            }
            guard let row = found else {
                throw Abort(.notFound, reason: "\(year) 年的安排尚未录入，不能更正：请先录入该年度")
            }
            if row.arrangement == text { throw AppError.field("holidays", "与现行安排相同，没有需要更正的内容") }
            let versions = try await CalendarYearVersion.query(on: db).filter(\.$year == year).all()
            let next = (versions.map(\.version).max() ?? 1) + 1
            if versions.isEmpty {
                // A year entered before versions were kept: its arrangement becomes version 1 first.
                let first = CalendarYearVersion()
                first.year = year
                first.version = 1
                first.arrangement = row.arrangement
                first.reason = row.createdBy == Self.shippedBy ? "随系统发布的国务院办公厅安排" : "首次录入"
                first.createdBy = row.createdBy
                try await first.create(on: db)
            }
            let version = CalendarYearVersion()
            version.year = year
            version.version = next
            version.arrangement = text
            version.reason = reason!
            version.createdBy = caller.username
            try await version.create(on: db)
            let old = row.arrangement
            row.arrangement = text
            try await row.save(on: db)
            audit.record(.update, entityType: "calendar_year", entityID: String(year),
                         changes: ["arrangement": [old, text], "version": [String(next - 1), String(next)], "reason": [nil, reason!]])
            return next
        }
    }

    /// Form lines: "2027-01-01,2027-01-03,元旦" for holidays, one date per line for make-up working days.
    /// Every bad line is reported at once, by its line number and why (format, a date that does not
    /// exist, end before start, outside the year, overlapping another line).
    static func parse(year: String, holidays: String, workdays: String) -> (YearInput?, Validator) {
        var v = Validator()
        let y = Int(year.trimmingCharacters(in: .whitespaces))
        if y == nil { v.add("year", "年份应为整数") }
        var ranges: [WorkingCalendar.Year.Holiday] = []
        var lineOf: [Int] = []
        for (i, line) in holidays.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
            where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3 else {
                v.add("holidays", "假期第 \(i + 1) 行应为“起始日期,结束日期,名称”，例如 2027-01-01,2027-01-03,元旦")
                continue
            }
            let first = v.day(parts[0], field: "holidays", label: "假期第 \(i + 1) 行的起始日期")
            let last = v.day(parts[1], field: "holidays", label: "假期第 \(i + 1) 行的结束日期")
            if parts[0].isEmpty || parts[1].isEmpty { v.add("holidays", "假期第 \(i + 1) 行的起始日期和结束日期都要填写，格式 年-月-日") }
            if parts[2].isEmpty { v.add("holidays", "假期第 \(i + 1) 行的假期名称不能为空（如“元旦”）") }
            guard let first, let last, !parts[2].isEmpty else { continue }
            ranges.append(.init(first: first, last: last, name: parts[2]))
            lineOf.append(i + 1)
        }
        var days: [Day] = []
        for line in workdays.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.isEmpty {
            guard let d = v.day(line, field: "workdays", label: "调休上班日“\(line.prefix(20))”") else { continue }
            days.append(d)
        }
        if ranges.isEmpty && v.message(for: "holidays") == nil { v.add("holidays", "至少填写一个假期") }
        if let y {
            // The arrangement's own rules, said of the lines that were read, in the same answer.
            for issue in WorkingCalendar.issues(year: y, .init(holidays: ranges, workdays: days)) {
                if let i = issue.holiday {
                    v.add("holidays", "假期第 \(lineOf[i]) 行：\(issue.reason)" + (issue.overlaps.map { "（第 \(lineOf[$0]) 行）" } ?? ""))
                } else {
                    v.add(issue.field, issue.reason)
                }
            }
        }
        guard let y, v.errors.isEmpty else { return (nil, v) }
        return (YearInput(year: y, holidays: ranges, workdays: days), v)
    }

    func addFromForm(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let (input, parseErrors) = Self.parse(year: form["year"] ?? "", holidays: form["holidays"] ?? "", workdays: form["workdays"] ?? "")
        var errors = parseErrors
        if let input {
            do {
                try await add(input, req: req)
                return req.redirect(to: SiteURL.calendar.relativeURL())
            } catch let error as AppError {
                for e in error.fieldErrors { errors.add(e.field, e.message) }
                return try await render(req, errors: errors, values: form, status: error.status)
            }
        }
        return try await render(req, errors: errors, values: form, status: .unprocessableEntity)
    }

    /// The correction form of one entered year: its lines again and the reason.
    func correctFromForm(req: Request) async throws -> Response {
        let year = try Self.pathYear(req)
        // Each year's correction form names its fields after the year (one page holds several forms).
        let form = try req.content.decode([String: String].self)
        let prefix = CalendarPage.correctionPrefix(year)
        var (input, errors) = Self.parse(year: String(year), holidays: form[prefix + "holidays"] ?? "", workdays: form[prefix + "workdays"] ?? "")
        let reason = errors.text(form[prefix + "reason"], field: "reason", label: "更正原因", max: TextLimit.short, required: true)
        func shown(_ errors: Validator) -> Validator {
            var out = Validator()
            for e in errors.errors { out.add(prefix + e.field, e.message) }
            return out
        }
        if let input, let reason, errors.errors.isEmpty {
            do {
                _ = try await correct(year, CorrectionInput(holidays: input.holidays, workdays: input.workdays, reason: reason), req: req)
                return req.redirect(to: SiteURL.calendar.relativeURL() + "#year-\(year)")
            } catch let error as AppError {
                errors = Validator(error)
                return try await render(req, errors: Validator(), values: [:], correction: .init(year: year, values: form, errors: shown(errors)), status: error.status)
            }
        }
        return try await render(req, errors: Validator(), values: [:], correction: .init(year: year, values: form, errors: shown(errors)), status: .unprocessableEntity)
    }

    func page(req: Request) async throws -> Response {
        try await render(req, errors: Validator(), values: [:])
    }

    private func render(_ req: Request, errors: Validator, values: [String: String], correction: CalendarPage.Correction? = nil,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let caller = try req.requireCaller()
        let calendar = try await CalendarService.load(on: req.db)
        // The calculator: a GET form; its answer or its errors on the same page.
        var query: [String: String] = [:]
        for name in ["from", "days", "start_counts"] { query[name] = req.query[String.self, at: name] }
        var result: WorkingDays.Result?
        var queryErrors = Validator()
        var pageStatus = status
        if query["from"] != nil || query["days"] != nil {
            let (input, v) = WorkingDays.read(from: query["from"], days: query["days"], startCounts: query["start_counts"])
            queryErrors = v
            if let input {
                do { result = try WorkingDays.count(input, calendar: calendar) } catch let error as AppError {
                    queryErrors = Validator(error)
                    pageStatus = error.status
                }
            } else {
                pageStatus = .badRequest
            }
        }
        // The platform administrator belongs to no city, so has no profile.
        let profile = caller.assignments.contains { $0.scope == .platform } ? nil
            : try await DeadlineService.profile(caller, year: req.today.year, on: req.db)
        let conventions = (profile?.rules ?? []).compactMap { rule in rule.dayCountNote.map { (rule: rule, note: $0) } }
        let model = CalendarPage.Model(calendar: calendar, conventions: conventions, query: query, queryErrors: queryErrors, result: result,
                                       canAdd: caller.may(.create, Access.nationalCalendar), values: values, errors: errors,
                                       versions: try await CalendarService.versions(on: req.db), correction: correction)
        return CalendarPage.view(model, caller: caller, csrf: req.csrfToken).response(status: pageStatus)
    }
}

extension WorkingCalendar.Year: Content {}
