import Domain
import Fluent
import SQLKit
import Vapor

/// What a dashboard covers: one station, or a street, district or city.
enum DashboardPlace: Sendable {
    case station(Station)
    case unit(OrgUnit)

    var name: String {
        switch self {
        case .station(let s): s.name
        case .unit(let u): u.name
        }
    }

    var id: UUID {
        switch self {
        case .station(let s): s.id!
        case .unit(let u): u.id!
        }
    }

    var cityID: UUID {
        switch self {
        case .station(let s): s.cityID
        case .unit(let u): u.level == .city ? u.id! : UUID(uuidString: OrgPath.ids(u.path).first ?? "") ?? u.id!
        }
    }

    /// The rows of a summary table (`service_totals`, `served_recipients`, alias `t`) or of `cases`
    /// (alias `t` too) inside the place.
    var condition: SQLQueryString {
        switch self {
        case .station(let s): return "t.station_id = \(bind: s.id!)"
        case .unit(let u):
            switch u.level {
            case .city: return "t.city_id = \(bind: u.id!)"
            case .district: return "t.district_id = \(bind: u.id!)"
            default: return "t.station_id IN (SELECT id FROM stations WHERE street_id = \(bind: u.id!))"
            }
        }
    }
}

/// A dashboard's numbers (issue 10 §5), read from the ledger's summary tables (`ServiceTotals`).
struct DashboardDTO: Content {
    struct Place: Content {
        var kind: String
        var id: UUID
        var name: String
    }

    struct Totals: Content {
        /// Acts of service recorded.
        var records: Int
        /// 服务人次.
        var people: Int
        /// Distinct recipients served (a person served at two stations of the place counts once).
        var recipients: Int
        var minutes: Int
    }

    struct Line: Content {
        var code: String
        var label: String
        var records: Int
        var people: Int
    }

    struct Month: Content {
        var month: Int
        var records: Int
        var people: Int
    }

    struct Risk: Content {
        var riskLevel: RiskLevel?
        var label: String
        var count: Int
    }

    var place: Place
    var year: Int
    var totals: Totals
    var byMonth: [Month]
    var byField: [Line]
    /// By content area or catalogue item, then each featured project (V-3's "N", code
    /// `featured:<id>`, labelled by its name); services with neither are "未选择项目".
    var byItem: [Line]
    var byMethod: [Line]
    var byKind: [Line]
    /// Cases not closed today, by the risk level of their latest assessment.
    var openCasesByRisk: [Risk]
    /// The stations of a street or district, the districts of a city.
    var byPlace: [Line]
}

enum DashboardQueries {
    /// The place asked for, looked up in the caller's scope (404 outside it), or the caller's own:
    /// a worker's station, an officer's unit.
    static func place(station: UUID?, unit: UUID?, req: Request) async throws -> DashboardPlace {
        let caller = try req.requireCaller()
        if station != nil && unit != nil { throw AppError.field("unit", "station 与 unit 只能给出一个", status: .badRequest) }
        if let station {
            let s = try await StationQueries.find(station, .read, req: req)
            try req.authorize(.read, StationScope.resource(s, .service))
            return .station(s)
        }
        if let unit {
            guard let u = try await OrgUnit.find(unit, on: req.db) else { throw Abort(.notFound, reason: "未找到该单位，或不在您的管辖范围内") }
            try req.authorize(.read, Access.Resource(kind: .service, paths: [u.path], operatorIDs: []))
            if u.level == .village { throw AppError.field("unit", "服务统计按社工站、街道、区县或市查看，不按村（社区）", status: .badRequest) }
            return .unit(u)
        }
        // The widest unit the caller reads services in; a street with one station is that station.
        let paths = Access.readScope(caller.assignments, .service).pathPrefixes
        if let widest = paths.min(by: { OrgPath.ids($0).count < OrgPath.ids($1).count }), let id = OrgPath.ids(widest).last.flatMap(UUID.init(uuidString:)),
           let u = try await OrgUnit.find(id, on: req.db) {
            if u.level == .street {
                let stations = try await Station.query(on: req.db).filter(\.$streetID == u.id!).all()
                if stations.count == 1 { return .station(stations[0]) }
            }
            return .unit(u)
        }
        if let first = try await StationScope.stationsForCreate(caller, kind: .service, on: req.db).first { return .station(first) }
        throw Abort(.notFound, reason: "您的角色没有可查看的服务统计")
    }

    /// The year asked for (`year=`), this year by default.
    static func year(_ req: Request) throws -> Int {
        let year = try req.queryValue(Int.self, "year") ?? req.today.year
        if !(2000...req.today.year + 1).contains(year) {
            throw AppError.field("year", "年度应在 2000–\(req.today.year + 1) 之间", status: .badRequest)
        }
        return year
    }

    /// The statements a dashboard runs, written once: the page runs them, and bench/dashboards.sh runs
    /// the same text bare in sqlite3 or psql to compare (issue 10 §6).
    struct Statements {
        /// The place's year by each dimension (`ServiceTotals`).
        let totals: SQLQueryString
        /// Distinct recipients served in the place's year.
        let recipients: SQLQueryString
        /// Cases not closed, by risk level.
        let risks: SQLQueryString
        /// A unit's parts (a city's districts, a district's or street's stations) and their totals; none for a station.
        let parts: (list: SQLQueryString, totals: SQLQueryString)?

        var all: [SQLQueryString] { [totals, recipients, risks] + (parts.map { [$0.list, $0.totals] } ?? []) }
    }

    static func statements(_ place: DashboardPlace, year: Int) -> Statements {
        let totals: SQLQueryString = """
            SELECT t.dimension, t.code, SUM(t.records) AS records, SUM(t.people) AS people, SUM(t.minutes) AS minutes FROM service_totals t WHERE
            """ + " " + place.condition + " AND t.year = \(bind: year) GROUP BY t.dimension, t.code"
        // A station, district and city have their count kept; a street's stations are added up here
        // (a person served at two of them counts once).
        let recipients: SQLQueryString = switch place {
        case .unit(let u) where u.level == .street:
            "SELECT COUNT(DISTINCT t.recipient_id) AS n FROM served_recipients t WHERE " + place.condition + " AND t.year = \(bind: year)"
        default:
            "SELECT t.recipients AS n FROM served_counts t WHERE t.place_id = \(bind: place.id) AND t.year = \(bind: year)"
        }
        let risks: SQLQueryString = "SELECT t.risk_level, COUNT(*) AS n FROM cases t WHERE " + place.condition
            + " AND t.stage <> 'closed' GROUP BY t.risk_level"
        guard case .unit(let u) = place else { return Statements(totals: totals, recipients: recipients, risks: risks, parts: nil) }
        let list: SQLQueryString = switch u.level {
        case .city: "SELECT o.id, o.name FROM org_units o WHERE o.parent_id = \(bind: u.id!) AND o.level = 'district' AND o.deleted_at IS NULL ORDER BY o.name"
        case .district: "SELECT o.id, o.name FROM stations o WHERE o.district_id = \(bind: u.id!) AND o.deleted_at IS NULL ORDER BY o.name"
        default: "SELECT o.id, o.name FROM stations o WHERE o.street_id = \(bind: u.id!) AND o.deleted_at IS NULL ORDER BY o.name"
        }
        // Each record is counted once under each dimension: the kinds add up to the whole.
        let key: SQLQueryString = u.level == .city ? "t.district_id" : "t.station_id"
        let partTotals: SQLQueryString = "SELECT " + key + " AS id, SUM(t.records) AS records, SUM(t.people) AS people FROM service_totals t WHERE "
            + place.condition + " AND t.year = \(bind: year) AND t.dimension = 'kind' GROUP BY " + key
        return Statements(totals: totals, recipients: recipients, risks: risks, parts: (list, partTotals))
    }

    static func dashboard(_ place: DashboardPlace, year: Int, profile: PolicyProfile, on db: any Database) async throws -> DashboardDTO {
        let sql = db as! any SQLDatabase
        let statements = Self.statements(place, year: year)
        var months = Array(repeating: (0, 0), count: 12)
        var fields: [String: (Int, Int)] = [:], items: [String: (Int, Int)] = [:], methods: [String: (Int, Int)] = [:], kinds: [String: (Int, Int)] = [:]
        var totals = DashboardDTO.Totals(records: 0, people: 0, recipients: 0, minutes: 0)
        for row in try await sql.raw(statements.totals).all() {
            let code = try row.decode(column: "code", as: String.self)
            let counts = (try row.decode(column: "records", as: Int.self), try row.decode(column: "people", as: Int.self))
            switch ServiceTotals.Dimension(rawValue: try row.decode(column: "dimension", as: String.self)) {
            case .month: if let m = Int(code), (1...12).contains(m) { months[m - 1] = counts }
            case .field: fields[code] = counts
            case .item: items[code] = counts
            case .method: methods[code] = counts
            case .kind:
                kinds[code] = counts
                totals.records += counts.0
                totals.people += counts.1
                totals.minutes += try row.decode(column: "minutes", as: Int.self)
            case nil: break
            }
        }
        totals.recipients = try await sql.raw(statements.recipients).first()?.decode(column: "n", as: Int.self) ?? 0
        func lines(_ table: [String: (Int, Int)], order: [String], label: (String) -> String) -> [DashboardDTO.Line] {
            let known = order.filter { table[$0] != nil } + table.keys.filter { !order.contains($0) }.sorted()
            return known.map { DashboardDTO.Line(code: $0, label: label($0), records: table[$0]!.0, people: table[$0]!.1) }
        }
        let projects = try await featuredLabels(items.keys.filter { $0.hasPrefix(ServiceTotals.featuredPrefix) }, place: place, on: db)
        var byRisk: [RiskLevel?: Int] = [:]
        for row in try await sql.raw(statements.risks).all() {
            byRisk[try row.decode(column: "risk_level", as: RiskLevel?.self)] = try row.decode(column: "n", as: Int.self)
        }
        let openCases = (RiskLevel.allCases.reversed().map { Optional($0) } + [nil]).compactMap { risk -> DashboardDTO.Risk? in
            guard let n = byRisk[risk] else { return nil }
            return .init(riskLevel: risk, label: risk?.label ?? "未预估", count: n)
        }
        return DashboardDTO(
            place: place.dto, year: year, totals: totals,
            byMonth: months.enumerated().map { .init(month: $0.offset + 1, records: $0.element.0, people: $0.element.1) },
            byField: lines(fields, order: profile.serviceFields.map(\.code)) { profile.serviceField($0)?.label ?? $0 },
            byItem: lines(items, order: profile.serviceItems.map(\.code) + projects.keys.sorted { projects[$0]! < projects[$1]! }) {
                $0.isEmpty ? "未选择项目" : projects[$0] ?? profile.serviceItem($0)?.label ?? $0
            },
            byMethod: lines(methods, order: ServiceMethod.allCases.map(\.rawValue)) { ServiceMethod(rawValue: $0)?.label ?? $0 },
            byKind: lines(kinds, order: ServiceKind.allCases.map(\.rawValue)) { ServiceKind(rawValue: $0)?.label ?? $0 },
            openCasesByRisk: openCases, byPlace: try await byPlace(statements, on: sql))
    }

    /// "特色项目：银龄互助" for each featured project's code; beyond one station, with the station's name.
    private static func featuredLabels(_ codes: [String], place: DashboardPlace, on db: any Database) async throws -> [String: String] {
        let ids = codes.compactMap { UUID(uuidString: String($0.dropFirst(ServiceTotals.featuredPrefix.count))) }
        if ids.isEmpty { return [:] }
        var labels: [String: String] = [:]
        for p in try await FeaturedProject.query(on: db).filter(\.$id ~~ ids).with(\.$station).all() {
            let station: String
            if case .station = place { station = "" } else { station = "（\(p.station.name)）" }
            labels[ServiceTotals.featuredCode(p.id!)] = "特色项目：\(p.name)" + station
        }
        return labels
    }

    /// The place's parts, each listed even with nothing recorded (the station an officer most needs
    /// to see); none for a station.
    private static func byPlace(_ statements: Statements, on sql: any SQLDatabase) async throws -> [DashboardDTO.Line] {
        guard let parts = statements.parts else { return [] }
        var counts: [UUID: (Int, Int)] = [:]
        for row in try await sql.raw(parts.totals).all() {
            counts[try row.decode(column: "id", as: UUID.self)] = (try row.decode(column: "records", as: Int.self), try row.decode(column: "people", as: Int.self))
        }
        return try await sql.raw(parts.list).all().map {
            let id = try $0.decode(column: "id", as: UUID.self)
            return .init(code: id.uuidString, label: try $0.decode(column: "name", as: String.self), records: counts[id]?.0 ?? 0, people: counts[id]?.1 ?? 0)
        }
    }
}

extension DashboardPlace {
    var dto: DashboardDTO.Place {
        switch self {
        case .station(let s): .init(kind: "station", id: s.id!, name: s.name)
        case .unit(let u): .init(kind: u.level.rawValue, id: u.id!, name: u.name)
        }
    }
}
