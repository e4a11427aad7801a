import Domain
import Fluent
import SQLKit
import Vapor

/// `shegong bench-dashboards fill|sql` (issue 10 §6, run by bench/dashboards.sh in a release build).
///
/// - `fill`: the demo city (济南市, without its demo recipients) grown to 150 stations over its 15
///   districts, about 60,000 recipients (the demo generator's people, three lists per station), and
///   five years of service records up to today — interventions and follow-ups in cases, home and
///   phone visits, group sessions with their attendance, community events with named participants
///   and others — about 6,000,000 rows in the ledger, with their recipients and the cases they belong
///   to, in batched inserts; then the summary tables (`ServiceTotals`) counted from the whole ledger,
///   as the ledger's writes keep them one record at a time.
/// - `sql --place city|district [--ledger]`: the statements the dashboard of 济南市 or 历下区 runs for
///   this year (`DashboardQueries.statements`), with their values written in, for sqlite3 or psql
///   to run bare; with `--ledger`, the same totals counted from the ledger itself instead of the
///   summary tables (what a dashboard would cost without them).
struct BenchDashboardsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "what", help: "fill | sql") var what: String
        @Option(name: "stations", help: "stations in the city (fill; default 150)") var stations: Int?
        @Option(name: "records", help: "service records over the five years (fill; default 6000000)") var records: Int?
        @Option(name: "place", help: "city | district (sql)") var place: String?
        @Flag(name: "ledger", help: "count from the ledger instead of the summary tables (sql)") var ledger: Bool
        @Option(name: "password", help: "password of the demo accounts (fill)") var password: String?
    }

    var help: String { "Fill a city with five years of service records (fill) or print a dashboard's SQL (sql)" }

    static let years = 5
    /// Three demo lists of about 150 people per station: about 67,500 recipients at 150 stations.
    static let recipientRounds = 3

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        switch signature.what {
        case "fill":
            if let sql = app.db as? any SQLDatabase, sql.dialect.name == "sqlite" { try await sql.raw("PRAGMA journal_mode=WAL").run() }
            _ = try await DemoData.loadIfEmpty(app: app, password: signature.password ?? "bench-password", recipients: false)
            try await fill(app, stations: signature.stations ?? 150, records: signature.records ?? 6_000_000, console: context.console)
        case "sql":
            try await printStatements(app, place: signature.place ?? "city", ledger: signature.ledger, console: context.console)
        default:
            throw Abort(.badRequest, reason: "只支持 fill 或 sql")
        }
    }

    // MARK: - fill

    func fill(_ app: Application, stations target: Int, records total: Int, console: any Console) async throws {
        let db = app.db
        let started = ContinuousClock.now
        guard let city = try await OrgUnit.query(on: db).filter(\.$name == "济南市").filter(\.$level == .city).first() else {
            throw Abort(.internalServerError, reason: "演示数据不完整")
        }
        guard try await ServiceRecord.query(on: db).count() == 0 else { throw Abort(.conflict, reason: "数据库里已有服务记录；请在空库上生成") }
        try await addStations(app, city: city, upTo: target)
        let seeds = try await DemoRecipients.seeds(on: db).filter { $0.cityID == city.id }
        let profile = try PolicyProfile.shipped("jinan")
        let people = try await DemoRecipients.add(seeds: seeds, rounds: Self.recipientRounds, events: false, today: app.clock.today,
                                                  now: app.clock.now, key: app.settings.dataKey, profiles: [city.id!: profile], db: db)
        console.print("社工站 \(seeds.count) 个，服务对象 \(people) 名（\(String(format: "%.0f", BenchRecipientsCommand.seconds(since: started))) s）")
        let written = try await services(app, seeds: seeds, profile: profile, total: total, console: console)
        let sql = db as! any SQLDatabase
        // PostgreSQL's autovacuum analyses a table after a bulk load; done here so that the run does not
        // depend on when it wakes. SQLite keeps no statistics unless asked, and the app never asks.
        if sql.dialect.name != "sqlite" { try await sql.raw("ANALYZE").run() }
        console.print("""
            已生成 \(written.records) 条服务记录（\(written.links) 条服务对象关联，\(written.cases) 件个案），\
            \(Self.years) 年，用时 \(String(format: "%.0f", BenchRecipientsCommand.seconds(since: started))) s
            """)
    }

    /// New streets, each with three villages and a station run by the district's operator, spread over
    /// the city's districts until the city has `target` stations.
    private func addStations(_ app: Application, city: OrgUnit, upTo target: Int) async throws {
        let db = app.db
        let existing = try await Station.query(on: db).filter(\.$cityID == city.id!).all()
        let districts = try await OrgUnit.query(on: db).filter(\.$parentID == city.id!).filter(\.$level == .district).sort(\.$name).all()
        guard existing.count < target, !districts.isEmpty else { return }
        let now = app.clock.now
        var units: [[any Encodable & Sendable]] = [], stations: [[any Encodable & Sendable]] = []
        for n in 0..<(target - existing.count) {
            let district = districts[n % districts.count]
            let operatorID = existing.first { $0.districtID == district.id } .flatMap { $0.$operator.id } ?? existing.first?.$operator.id
            let streetID = UUID(), stationID = UUID()
            let streetName = "压测\(n + 1)街道"
            let streetPath = OrgPath.child(of: district.path, id: streetID.uuidString)
            units.append([streetID, streetName, OrgLevel.street.rawValue, district.id!, streetPath, nil as String?, VillagePost.none.rawValue, now, now])
            for v in 1...3 {
                let villageID = UUID()
                units.append([villageID, "\(streetName)第\(v)社区", OrgLevel.village.rawValue, streetID, OrgPath.child(of: streetPath, id: villageID.uuidString),
                              nil as String?, VillagePost.none.rawValue, now, now])
            }
            stations.append([stationID, StationNaming.defaultName(district: district.name, street: streetName), streetID, district.id!, city.id!,
                             streetPath, "\(streetName)便民服务中心", "2021-06-30", operatorID, Equipment.allCases.map(\.rawValue).sorted().joined(separator: ","),
                             true, true, now, now])
        }
        let (newUnits, newStations) = (units, stations)
        try await db.transaction { db in
            let sql = db as! any SQLDatabase
            try await GenerateCommand.insert(sql, "org_units", ["id", "name", "level", "parent_id", "path", "division_code", "village_post", "created_at", "updated_at"], newUnits)
            try await GenerateCommand.insert(sql, "stations", ["id", "name", "street_id", "district_id", "city_id", "path", "address", "opened_on", "operator_id",
                                                              "equipment", "outdoor_sign", "indoor_sign", "created_at", "updated_at"], newStations)
        }
    }

    private struct Written {
        var records = 0
        var links = 0
        var cases = 0
    }

    /// What a station does in a year, as shares of its service records: case work (interventions and
    /// follow-ups), visits, group sessions (5–12 members present) and community events (up to 5 named
    /// participants among 10–80 people).
    private static let mix: [(ServiceKind, ServiceMethod, share: Int)] = [
        (.intervention, .caseWork, 20), (.followUp, .caseWork, 3), (.homeVisit, .caseWork, 30), (.phoneVisit, .caseWork, 25),
        (.groupSession, .groupWork, 14), (.communityEvent, .communityWork, 8),
    ]
    private static let casesPerStationYear = 30

    private static let recordColumns = ["id", "year", "station_id", "city_id", "district_id", "path", "served_on", "kind", "field", "item", "method",
                                        "minutes", "worker_id", "worker_name", "people_count", "others_count", "content", "case_id", "created_by", "created_at"]
    private static let linkColumns = ["record_id", "year", "recipient_id", "station_id", "served_on"]
    private static let caseColumns = ["id", "year", "station_id", "city_id", "district_id", "path", "number", "source", "problem", "consent_on", "field", "item",
                                      "stage", "risk_level", "responsible_id", "responsible_name", "opened_on", "closed_on", "close_reason", "outcome",
                                      "created_by", "created_at", "updated_at"]

    /// Five years of each station's services up to today, a year per transaction.
    private func services(_ app: Application, seeds: [DemoRecipients.StationSeed], profile: PolicyProfile, total: Int,
                          console: any Console) async throws -> Written {
        let db = app.db
        let sql = db as! any SQLDatabase
        let sqlite = sql.dialect.name == "sqlite"
        let today = app.clock.today
        let first = Day(year: today.year - Self.years + 1, month: 1, day: 1)!
        let span = first.days(until: today) + 1
        var byStation: [UUID: [UUID]] = [:]
        for row in try await sql.raw("SELECT id, station_id FROM recipients WHERE status = 'active'").all() {
            byStation[try row.decode(column: "station_id", as: UUID.self), default: []].append(try row.decode(column: "id", as: UUID.self))
        }
        let people = byStation
        let fields = profile.serviceFields.filter { $0.forNeeds != false }.map(\.code)
        let items = profile.serviceItems.map(\.code)
        let share = Self.mix.reduce(0) { $0 + $1.share }
        let ids = OrderedIDs(at: app.clock.now)
        var sequence = 0
        var written = Written()
        let creator = UUID()
        let now = app.clock.now
        for year in first.year...today.year {
            let from = max(first, Day(year: year, month: 1, day: 1)!), to = min(today, Day(year: year, month: 12, day: 31)!)
            let days = from.days(until: to) + 1
            // The year's statements are made first, then written in one transaction.
            var statements: [BulkInsert.Statement] = []
            do {
                var records = BulkInsert(into: "service_records", columns: Self.recordColumns)
                var links = BulkInsert(into: "service_record_recipients", columns: Self.linkColumns)
                var cases = BulkInsert(into: "cases", columns: Self.caseColumns)
                func flush(_ insert: inout BulkInsert, force: Bool = false) throws {
                    if insert.isEmpty || (!force && insert.values.count < 30_000) { return }
                    statements.append(try insert.statement(sqlite: sqlite))
                    insert = BulkInsert(into: insert.table, columns: insert.columns)
                }
                for seed in seeds {
                    var rng = DemoRecipients.Generator(seed: "bench-services:\(year):\(seed.id)")
                    let members = people[seed.id] ?? []
                    guard !members.isEmpty else { continue }
                    let workers = (0..<3).map { (id: rng.uuid(), name: "社工\(seed.streetName.prefix(6))\($0 + 1)") }
                    // The station's cases of the year: closed in past years; in this one, at every stage.
                    var caseIDs: [(UUID, String)] = []
                    for n in 1...Self.casesPerStationYear {
                        let id = ids.id(sequence); sequence += 1
                        let opened = from.adding(days: rng.int(0...max(0, days - 1)))
                        let stage: CaseStage = year < today.year ? .closed : rng.pick(CaseStage.allCases)
                        let risk: RiskLevel? = stage == .intake ? nil : rng.pick([RiskLevel.low, .low, .medium, .medium, .high, .crisis])
                        let field = rng.pick(fields)
                        let worker = rng.pick(workers)
                        let closed = stage == .closed ? min(to, opened.adding(days: rng.int(30...120))) : nil
                        cases.append([.uuid(id), .int(year), .uuid(seed.id), .uuid(seed.cityID), .uuid(seed.districtID), .text(seed.path),
                                      .text("\(year)-\(String(format: "%04d", n))"), .text(rng.pick(CaseSource.allCases).rawValue), .text("生活困难，需要支持"),
                                      .text(opened.description), .text(field), .text(rng.pick(items)), .text(stage.rawValue), .text(risk?.rawValue),
                                      .uuid(worker.id), .text(worker.name), .text(opened.description), .text(closed?.description),
                                      .text(closed == nil ? nil : CaseCloseReason.goalsMet.rawValue), .text(closed == nil ? nil : "目标达成"),
                                      .uuid(creator), .date(now), .date(now)])
                        caseIDs.append((id, field))
                    }
                    written.cases += caseIDs.count
                    try flush(&cases)
                    let count = total * days / span / seeds.count
                    for _ in 0..<count {
                        var pick = rng.int(0...(share - 1))
                        let (kind, method, _) = Self.mix.first { pick -= $0.share; return pick < 0 }!
                        let on = from.adding(days: rng.int(0...(days - 1)))
                        let worker = rng.pick(workers)
                        var named: [UUID] = [], others = 0, minutes = 0
                        var caseID: UUID?, field = rng.pick(fields)
                        switch kind {
                        case .intervention, .followUp:
                            let c = rng.pick(caseIDs)
                            (caseID, field) = (c.0, c.1)
                            named = [rng.pick(members)]
                            minutes = rng.int(30...120)
                        case .homeVisit, .phoneVisit:
                            named = [rng.pick(members)]
                            others = rng.int(0...2)
                            minutes = kind == .homeVisit ? rng.int(30...90) : rng.int(5...30)
                        case .groupSession:
                            named = Array(Set((0..<rng.int(5...12)).map { _ in rng.pick(members) }))
                            minutes = rng.int(60...120)
                        case .communityEvent:
                            named = Array(Set((0..<rng.int(0...5)).map { _ in rng.pick(members) }))
                            others = rng.int(10...80)
                            minutes = rng.int(90...240)
                        }
                        let item = rng.pick(items)
                        let id = ids.id(sequence); sequence += 1
                        records.append([.uuid(id), .int(year), .uuid(seed.id), .uuid(seed.cityID), .uuid(seed.districtID), .text(seed.path),
                                        .text(on.description), .text(kind.rawValue), .text(field), .text(item), .text(method.rawValue), .int(minutes),
                                        .uuid(worker.id), .text(worker.name), .int(named.count + others), .int(others), .text(kind.label + "（压测数据）"),
                                        .uuid(caseID), .uuid(creator), .date(now)])
                        for r in named { links.append([.uuid(id), .int(year), .uuid(r), .uuid(seed.id), .text(on.description)]) }
                        written.records += 1
                        written.links += named.count
                        // A record goes before its recipients: SQLite checks their foreign key at once.
                        if records.values.count >= 30_000 || links.values.count >= 30_000 {
                            try flush(&records, force: true)
                            try flush(&links, force: true)
                        }
                    }
                }
                try flush(&cases, force: true)
                try flush(&records, force: true)
                try flush(&links, force: true)
            }
            let batch = statements
            try await db.transaction { tx in
                for statement in batch { try await BulkInsert.run(statement, on: tx as! any SQLDatabase) }
            }
            console.print("  \(year) 年：累计 \(written.records) 条服务记录")
        }
        // The summary tables as the ledger's writes keep them, counted once from the whole ledger.
        let started = ContinuousClock.now
        try await db.transaction {
            try await ServiceTotals.rebuild(on: $0 as! any SQLDatabase)
            try await ServiceTotals.rebuildVillages(on: $0 as! any SQLDatabase)
        }
        console.print("  汇总表：\(String(format: "%.0f", BenchRecipientsCommand.seconds(since: started))) s")
        return written
    }

    // MARK: - sql

    /// The dashboard's statements for this year with their values written in, one per line, each
    /// ending in `;`.
    func printStatements(_ app: Application, place: String, ledger: Bool, console: any Console) async throws {
        let db = app.db
        let sql = db as! any SQLDatabase
        let name = place == "district" ? "历下区" : "济南市"
        guard let unit = try await OrgUnit.query(on: db).filter(\.$name == name).first() else { throw Abort(.notFound, reason: "未找到\(name)") }
        let year = app.clock.today.year
        let place = DashboardPlace.unit(unit)
        let statements: [SQLQueryString]
        if ledger {
            // The same totals counted from the ledger: what the summary tables save each request.
            let condition: SQLQueryString = unit.level == .city ? "sv.city_id = \(bind: unit.id!)" : "sv.district_id = \(bind: unit.id!)"
            statements = ServiceTotals.Dimension.allCases.map { d -> SQLQueryString in
                "SELECT \(unsafeRaw: d.sql) AS code, COUNT(*) AS records, SUM(sv.people_count) AS people, SUM(sv.minutes) AS minutes FROM service_records sv WHERE "
                    + condition + " AND sv.year = \(bind: year) GROUP BY \(unsafeRaw: d.sql)"
            } + [
                "SELECT COUNT(DISTINCT sr.recipient_id) AS n FROM service_record_recipients sr JOIN service_records sv ON sv.id = sr.record_id AND sv.year = sr.year WHERE "
                    + condition + " AND sv.year = \(bind: year) AND sr.year = \(bind: year)",
            ]
        } else {
            statements = DashboardQueries.statements(place, year: year).all
        }
        for statement in statements { console.print(Self.inline(statement, on: sql) + ";") }
    }

    /// A statement as text, its bound values written in as literals (UUIDs as each engine stores them).
    static func inline(_ statement: SQLQueryString, on sql: any SQLDatabase) -> String {
        var serializer = SQLSerializer(database: sql)
        statement.serialize(to: &serializer)
        let sqlite = sql.dialect.name == "sqlite"
        let literals = serializer.binds.map { value -> String in
            switch value {
            case let u as UUID: sqlite ? "'\(u.uuidString)'" : "'\(u.uuidString.lowercased())'"
            case let i as Int: String(i)
            case let s as String: "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
            default: "NULL"
            }
        }
        // Placeholders are ?1, ?2 … (SQLite) or $1, $2 … (PostgreSQL).
        var out = "", chars = Array(serializer.sql), i = 0
        while i < chars.count {
            if chars[i] == "?" || chars[i] == "$", i + 1 < chars.count, chars[i + 1].isNumber {
                var j = i + 1
                while j < chars.count, chars[j].isNumber { j += 1 }
                out += literals[Int(String(chars[(i + 1)..<j]))! - 1]
                i = j
            } else {
                out.append(chars[i])
                i += 1
            }
        }
        return out.replacingOccurrences(of: "\n", with: " ")
    }
}
