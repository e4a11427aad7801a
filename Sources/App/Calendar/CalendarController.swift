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

enum CalendarService {
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
        routes.get("calendar", use: page)
        routes.post("calendar", use: addFromForm)
        routes.get(ApiRoute.calendarYear(.key), use: apiYear)
        routes.get(ApiRoute.workingDays, use: apiWorkingDays)
        routes.post(ApiRoute.calendar, use: apiAdd)
    }

    struct YearInput: Content {
        var year: Int
        var holidays: [WorkingCalendar.Year.Holiday]
        var workdays: [Day]
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

    /// Platform administrators only: the calendar is national data, entered once for the deployment.
    func add(_ input: YearInput, req: Request) async throws {
        let caller = try req.requireCaller()
        try req.authorize(.create, Access.nationalCalendar)
        guard Day.validYears.contains(input.year) else {
            throw AppError.field("year", "年份应在 \(Day.validYears.lowerBound)–\(Day.validYears.upperBound) 之间")
        }
        var calendar = try await CalendarService.load(on: req.db)
        let arrangement = WorkingCalendar.Year(holidays: input.holidays, workdays: input.workdays)
        do { try calendar.add(year: input.year, arrangement) } catch let problem as WorkingCalendar.Problem {
            throw AppError.field("holidays", problem.description)
        }
        let row = CalendarYear()
        row.year = input.year
        row.arrangement = String(decoding: try JSONEncoder().encode(arrangement), as: UTF8.self)
        row.createdBy = caller.username
        try await req.audit.transaction { db, audit in
            // Checked inside the write lock, so two saves of the same year cannot both pass.
            if try await CalendarYear.query(on: db).filter(\.$year == input.year).first() != nil {
                throw AppError.field("year", "\(input.year) 年的安排已存在，不能重复录入", status: .conflict)
            }
            try await row.create(on: db)
            audit.record(.create, entityType: "calendar_year", entityID: String(input.year), changes: ["arrangement": [nil, row.arrangement]])
        }
    }

    /// Form lines: "2027-01-01,2027-01-03,元旦" for holidays, one date per line for make-up working days.
    static func parse(year: String, holidays: String, workdays: String) -> (YearInput?, Validator) {
        var v = Validator()
        let y = Int(year.trimmingCharacters(in: .whitespaces))
        if y == nil { v.add("year", "年份应为整数") }
        var ranges: [WorkingCalendar.Year.Holiday] = []
        for (i, line) in holidays.split(whereSeparator: \.isNewline).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3, let first = Day(parts[0]), let last = Day(parts[1]), !parts[2].isEmpty else {
                v.add("holidays", "假期第 \(i + 1) 行应为“起始日期,结束日期,名称”，例如 2027-01-01,2027-01-03,元旦")
                continue
            }
            ranges.append(.init(first: first, last: last, name: parts[2]))
        }
        var days: [Day] = []
        for line in workdays.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.isEmpty {
            guard let d = Day(line) else { v.add("workdays", "调休上班日“\(line)”不是 年-月-日 格式"); continue }
            days.append(d)
        }
        if ranges.isEmpty && v.message(for: "holidays") == nil { v.add("holidays", "至少填写一个假期") }
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
                return req.redirect(to: "/calendar")
            } catch let error as AppError {
                for e in error.fieldErrors { errors.add(e.field, e.message) }
                return try await render(req, errors: errors, values: form, status: error.status)
            }
        }
        return try await render(req, errors: errors, values: form, status: .unprocessableEntity)
    }

    func page(req: Request) async throws -> Response {
        try await render(req, errors: Validator(), values: [:])
    }

    private func render(_ req: Request, errors: Validator, values: [String: String], status: HTTPResponseStatus = .ok) async throws -> Response {
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
                                       canAdd: caller.may(.create, Access.nationalCalendar), values: values, errors: errors)
        return CalendarPage.view(model, caller: caller, csrf: req.csrfToken).response(status: pageStatus)
    }
}

extension WorkingCalendar.Year: Content {}
