import Domain
import Fluent
import SQLKit
import Vapor

/// A recipient as the list and the API show them: ID and phone masked, or left out for a caller who
/// may not see them at all (an evaluator). Full values only come from a reveal.
struct RecipientDTO: Content {
    var id: UUID
    var stationId: UUID
    var stationName: String
    var streetName: String
    var villageId: UUID?
    var villageName: String?
    var name: String
    /// Masked (`3701**********123X`); absent for an evaluator and for a record without an ID.
    var residentId: String?
    var hasResidentId: Bool
    var birthDate: String
    var age: Int
    var sex: String
    var phone: String?
    var address: String
    var followUpLevel: Int?
    var status: String
    var statusLabel: String
    var statusOn: String
    /// Current category codes, and 高龄老人 when the person is 80 or over today (derived, never stored).
    var categories: [String]
    var categoryLabels: [String]
    var elderly: Bool
    var mergedIntoId: UUID?
}

/// Scoped recipient queries shared by the pages and the API.
enum RecipientQueries {
    struct Filter: Content {
        var q: String?
        /// Exact resident ID (matched by its keyed hash).
        var residentId: String?
        var category: String?
        /// Village and level as text: a search form sends "" for 全部, which is no filter.
        var village: String?
        var status: String?
        var level: String?
        var station: UUID?
        var page: Int?
        var per: Int?

        enum CodingKeys: String, CodingKey {
            case q, category, village, status, station, page, per
            case residentId = "resident_id"
            case level = "follow_up_level"
        }
    }

    static let columns: SQLQueryString = """
        r.id, r.station_id, r.village_id, r.name, r.resident_id_masked, r.resident_id_hash, r.birth_date, r.sex, r.phone_masked,
               r.address, r.follow_up_level, r.status, r.status_on, r.merged_into_id,
               s.name AS station_name, st.name AS street_name, v.name AS village_name
        """
    static let names: SQLQueryString = " JOIN org_units st ON st.id = s.street_id LEFT JOIN org_units v ON v.id = r.village_id"
    static let select: SQLQueryString = "SELECT " + columns + " FROM recipients r JOIN stations s ON s.id = r.station_id" + names

    /// The category filter as a condition on the recipient row `r`.
    static func inCategory(_ category: RecipientCategory) -> SQLQueryString {
        "EXISTS (SELECT 1 FROM recipient_categories c WHERE c.recipient_id = r.id AND c.category = \(bind: category.rawValue) AND c.ended_on IS NULL)"
    }

    /// A category filter answered from the category's side: the stations in scope, their rows of
    /// the category (index `recipient_categories_station`), then each recipient by its key. CROSS
    /// JOIN fixes that order on SQLite (which keeps no statistics); PostgreSQL plans it itself.
    /// Walking the city in name order instead reads the whole city when the category is rare
    /// (孤儿: 1.9 s a page at 500,000 recipients), and so did counting it.
    static func byCategory(_ category: RecipientCategory) -> (from: SQLQueryString, conditions: [SQLQueryString]) {
        ("FROM stations s CROSS JOIN recipient_categories c CROSS JOIN recipients r",
         ["c.station_id = s.id", "c.category = \(bind: category.rawValue)", "c.ended_on IS NULL", "r.id = c.recipient_id", "r.station_id = s.id"])
    }

    /// Up to this many matches, a category's page is sorted from the category's side; above it the
    /// name-ordered walk finds a page of them within a few thousand rows. A rare category clusters
    /// in name order (孤儿, 2,082 of 500,000: children's names), so walking for it read 122,000 rows
    /// on PostgreSQL (645 ms a page) where sorting it from its side took 34 ms. The same bound as
    /// `ListTotals.threshold`: below it a total is counted exactly on every request.
    static let fewInCategory = ListTotals.threshold

    static func category(_ filter: Filter) throws -> RecipientCategory? {
        guard let raw = filter.category, !raw.isEmpty else { return nil }
        guard let category = RecipientCategory.parse(raw) else {
            throw AppError.field("category", "未知的人群类别“\(raw)”（可选：\(RecipientCategory.allCases.map(\.rawValue).joined(separator: "、"))）", status: .badRequest)
        }
        return category
    }

    /// The WHERE conditions of the caller's scope and the filter (merged-away records left out);
    /// nil when the caller reads no recipients. Shared by the list and the export.
    /// - Parameter categoryAsExists: false when the query joins the category itself (`byCategory`).
    static func conditions(_ caller: Caller, _ filter: Filter, key: DataKey, categoryAsExists: Bool = true, on db: any Database) throws -> [SQLQueryString]? {
        let readScope = Access.readScope(caller.assignments, .recipient)
        guard let scope = StationScope.condition(readScope, on: db) else { return nil }
        var conditions: [SQLQueryString] = [scope, "r.merged_into_id IS NULL"]
        if let unit = recipientScope(readScope) { conditions.append(unit) }
        if let station = filter.station { conditions.append("r.station_id = \(bind: station)") }
        if let q = filter.q?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            conditions.append("r.name LIKE \(bind: "%" + StationQueries.escapeLike(q) + "%") ESCAPE '\\'")
        }
        if let id = filter.residentId?.trimmingCharacters(in: .whitespaces).uppercased(), !id.isEmpty {
            conditions.append("r.resident_id_hash = \(bind: key.lookupHash(id))")
        }
        if categoryAsExists, let category = try category(filter) { conditions.append(inCategory(category)) }
        if let raw = filter.village, !raw.isEmpty {
            guard let village = UUID(uuidString: raw) else {
                throw AppError.field("village", "村（社区）“\(raw)”不是有效的编号", status: .badRequest)
            }
            conditions.append("r.village_id = \(bind: village)")
        }
        if let raw = filter.status, !raw.isEmpty {
            guard let status = RecipientStatus(rawValue: raw) else {
                throw AppError.field("status", "未知的状态“\(raw)”（可选：\(RecipientStatus.allCases.map(\.rawValue).joined(separator: "、"))）", status: .badRequest)
            }
            conditions.append("r.status = \(bind: status.rawValue)")
        }
        if let raw = filter.level, !raw.isEmpty {
            guard let level = Int(raw) else {
                throw AppError.field("follow_up_level", "跟进级别“\(raw)”应为整数", status: .badRequest)
            }
            conditions.append("r.follow_up_level = \(bind: level)")
        }
        return conditions
    }

    /// One page of the recipients the caller may read, and the total. One query for the rows, one
    /// for their categories.
    /// - Parameter totals: where the totals of big lists are kept (`ListTotals`); without it every total is counted.
    /// - Parameter few: `fewInCategory`, lowered by a test to take the other plan.
    static func list(_ caller: Caller, _ filter: Filter, key: DataKey, today: Day, totals: ListTotals? = nil, few: Int = fewInCategory,
                     on db: any Database) async throws -> (rows: [RecipientDTO], paging: Paging) {
        let requested = Paging(page: filter.page, per: filter.per, total: 0)
        let category = try category(filter)
        guard let conditions = try conditions(caller, filter, key: key, categoryAsExists: category == nil, on: db) else { return ([], requested) }
        let sql = db as! any SQLDatabase
        var whereClause = conditions.joined(separator: " AND ")
        var from: SQLQueryString = "FROM recipients r JOIN stations s ON s.id = r.station_id"
        if let category {
            let side = byCategory(category)
            from = side.from
            whereClause = (side.conditions + conditions).joined(separator: " AND ")
        }
        // DISTINCT: a merge can leave two current rows of one category on the record it kept.
        let countQuery: SQLQueryString = "SELECT COUNT(DISTINCT r.id) AS total " + from + " WHERE " + whereClause
        let count: @Sendable () async throws -> Int = { try await sql.raw(countQuery).first()?.decode(column: "total", as: Int.self) ?? 0 }
        let total: Int
        if let totals {
            let readScope = Access.readScope(caller.assignments, .recipient)
            let cacheKey = [readScope.pathPrefixes.sorted().joined(separator: ","), readScope.operatorIDs.sorted().joined(separator: ","),
                            filter.q ?? "", filter.residentId ?? "", filter.category ?? "", filter.village ?? "",
                            filter.status ?? "", filter.level ?? "", filter.station?.uuidString ?? ""].joined(separator: "|")
            total = try await totals.total(cacheKey, count: count)
        } else {
            total = try await count()
        }
        let page: SQLQueryString = " ORDER BY r.name, r.id LIMIT \(literal: requested.per) OFFSET \(literal: requested.offset)"
        let rows: [any SQLRow]
        if category != nil, total <= few {
            rows = try await sql.raw("SELECT DISTINCT " + columns + " " + from + names + " WHERE " + whereClause + page).all()
        } else if let category {
            rows = try await sql.raw(select + " WHERE " + (conditions + [inCategory(category)]).joined(separator: " AND ") + page).all()
        } else {
            rows = try await sql.raw(select + " WHERE " + whereClause + page).all()
        }
        let dtos = try await dtos(rows, hidden: Access.personalDataInLists(caller.assignments) == .hidden, today: today, on: sql)
        return (dtos, Paging(page: filter.page, per: filter.per, total: total))
    }

    /// The caller's one unit as a condition on the recipient's own columns (issue 9 §6), beside the
    /// stations' condition that decides: it lets both engines walk `recipients_city`,
    /// `recipients_district` or `recipients_path` in name order and stop after one page, where
    /// joining from the stations first sorted the whole city (500,000 rows) for every page.
    /// Nil for several units or an operator's stations (the stations' condition alone then).
    static func recipientScope(_ scope: Access.ReadScope) -> SQLQueryString? {
        guard scope.operatorIDs.isEmpty, scope.pathPrefixes.count == 1, let prefix = scope.pathPrefixes.first else { return nil }
        let ids = OrgPath.ids(prefix)
        switch ids.count {
        case 1: return UUID(uuidString: ids[0]).map { "r.city_id = \(bind: $0)" }
        case 2: return UUID(uuidString: ids[1]).map { "r.district_id = \(bind: $0)" }
        case 3: return "r.path = \(bind: prefix)"
        default: return nil
        }
    }

    /// The rows as DTOs with their current categories.
    static func dtos(_ rows: [any SQLRow], hidden: Bool, today: Day, on sql: any SQLDatabase) async throws -> [RecipientDTO] {
        let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
        var categories: [UUID: [RecipientCategory]] = [:]
        if !ids.isEmpty {
            for row in try await sql.raw("""
                SELECT recipient_id, category FROM recipient_categories WHERE ended_on IS NULL AND recipient_id IN (\(binds: ids)) ORDER BY created_at
                """).all() {
                categories[try row.decode(column: "recipient_id", as: UUID.self), default: []]
                    .append(try row.decode(column: "category", as: RecipientCategory.self))
            }
        }
        return try rows.map { row in
            let id = try row.decode(column: "id", as: UUID.self)
            let birth = try row.decode(column: "birth_date", as: String.self)
            let age = Day(birth).map { $0.age(on: today) } ?? 0
            let status = try row.decode(column: "status", as: RecipientStatus.self)
            let cats = categories[id] ?? []
            let elderly = age >= RecipientCategory.elderlyAge
            return RecipientDTO(
                id: id, stationId: try row.decode(column: "station_id", as: UUID.self),
                stationName: try row.decode(column: "station_name", as: String.self),
                streetName: try row.decode(column: "street_name", as: String.self),
                villageId: try row.decode(column: "village_id", as: UUID?.self),
                villageName: try row.decode(column: "village_name", as: String?.self),
                name: try row.decode(column: "name", as: String.self),
                residentId: hidden ? nil : try row.decode(column: "resident_id_masked", as: String?.self),
                hasResidentId: try row.decode(column: "resident_id_hash", as: String?.self) != nil,
                birthDate: birth, age: age, sex: try row.decode(column: "sex", as: ResidentID.Sex.self).label,
                phone: hidden ? nil : try row.decode(column: "phone_masked", as: String?.self),
                address: try row.decode(column: "address", as: String.self),
                followUpLevel: try row.decode(column: "follow_up_level", as: Int?.self),
                status: status.rawValue, statusLabel: status.label, statusOn: try row.decode(column: "status_on", as: String.self),
                categories: cats.map(\.rawValue),
                categoryLabels: cats.map(\.label) + (elderly ? ["高龄老人"] : []),
                elderly: elderly,
                mergedIntoId: try row.decode(column: "merged_into_id", as: UUID?.self))
        }
    }

    /// One recipient as a DTO, for a caller already authorised to read it.
    static func dto(_ id: UUID, caller: Caller, today: Day, on db: any Database) async throws -> RecipientDTO {
        let sql = db as! any SQLDatabase
        let rows = try await sql.raw(select + " WHERE r.id = \(bind: id)").all()
        guard let dto = try await dtos(rows, hidden: Access.personalDataInLists(caller.assignments) == .hidden, today: today, on: sql).first else {
            throw Abort(.notFound, reason: "未找到该服务对象，或不在您的管辖范围内")
        }
        return dto
    }

    /// The villages the list can be filtered by: those of the streets whose stations the caller reads
    /// (one station's street when the list is narrowed to a station), labelled with the street when
    /// there are several. None when there are more than `limit` (a city's list is narrowed by station first).
    static func villageOptions(_ caller: Caller, station: UUID?, limit: Int = 300, on db: any Database) async throws -> [(id: UUID, label: String)] {
        guard let scope = StationScope.condition(Access.readScope(caller.assignments, .recipient), on: db) else { return [] }
        let sql = db as! any SQLDatabase
        let onlyStation: SQLQueryString = station.map { " AND s.id = \(bind: $0)" } ?? ""
        let rows = try await sql.raw("""
            SELECT v.id, v.name, st.name AS street FROM org_units v JOIN org_units st ON st.id = v.parent_id
            WHERE v.deleted_at IS NULL AND v.parent_id IN (SELECT s.street_id FROM stations s WHERE \(scope)\(onlyStation))
            ORDER BY st.name, COALESCE(v.division_code, '~'), v.name LIMIT \(unsafeRaw: String(limit + 1))
            """).all()
        guard rows.count <= limit else { return [] }
        let options = try rows.map { (id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self),
                                      street: try $0.decode(column: "street", as: String.self)) }
        let oneStreet = Set(options.map(\.street)).count <= 1
        return options.map { (id: $0.id, label: oneStreet ? $0.name : "\($0.street) · \($0.name)") }
    }

    /// Counts by category and by village for a station's page (R-1's key-population library).
    struct StationCounts: Sendable {
        var active = 0
        var byCategory: [(RecipientCategory, Int)] = []
        /// Village id (nil: none recorded), name, count.
        var byVillage: [(UUID?, String, Int)] = []
        /// The last day the library was written to (registration, import, status or category change).
        var lastUpdated: String?
    }
}
