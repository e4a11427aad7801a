import Domain
import Fluent
import SQLKit
import Vapor

/// `shegong bench-volunteers fill` (issue 11 §5, bench/volunteers.sh): the demo city 济南市 grown to
/// 150 stations with a year-spread service ledger (`bench-dashboards fill` with fewer records: the
/// coverage page reads only its village summary), then 20,000 volunteers over the stations' villages,
/// a registered team in every village with its members, and 2,000,000 confirmed hour entries over five
/// years (100 per volunteer, 09:00–11:00 every 18 days, never overlapping).
/// `shegong bench-volunteers targets --username U` prints, one per line, `volunteer_id station_id` of the
/// active volunteers whose station U may record hours for: the wrk script's choices.
struct BenchVolunteersCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "what", help: "fill | targets") var what: String
        @Option(name: "volunteers", help: "volunteers in the city (fill; default 20000)") var volunteers: Int?
        @Option(name: "hours", help: "hour entries over five years (fill; default 2000000)") var hours: Int?
        @Option(name: "records", help: "service records over five years (fill; default 600000)") var records: Int?
        @Option(name: "password", help: "password of the demo accounts (fill)") var password: String?
        @Option(name: "username", help: "the account that records hours (targets)") var username: String?
    }

    var help: String { "volunteers benchmark data (issue 11 §5)" }

    static let years = 5

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        switch signature.what {
        case "fill":
            if let sql = app.db as? any SQLDatabase, sql.dialect.name == "sqlite" { try await sql.raw("PRAGMA journal_mode=WAL").run() }
            _ = try await DemoData.loadIfEmpty(app: app, password: signature.password ?? "bench-password", recipients: false)
            try await BenchDashboardsCommand().fill(app, stations: 150, records: signature.records ?? 600_000, console: context.console)
            try await fill(app, volunteers: signature.volunteers ?? 20_000, hours: signature.hours ?? 2_000_000, console: context.console)
        case "targets":
            try await targets(app, username: signature.username ?? "operator", console: context.console)
        default:
            throw Abort(.badRequest, reason: "只支持 fill 或 targets")
        }
    }

    private static let volunteerColumns = ["id", "station_id", "city_id", "district_id", "path", "village_id", "name", "resident_id_sealed", "resident_id_hash",
                                           "resident_id_masked", "skills", "availability", "status", "created_by", "created_at", "updated_at"]
    private static let teamColumns = ["id", "station_id", "city_id", "path", "village_id", "name", "leader_id", "national_registration", "created_by",
                                      "created_at", "updated_at"]
    private static let memberColumns = ["id", "team_id", "volunteer_id", "joined_on", "created_at"]
    private static let hourColumns = ["id", "volunteer_id", "station_id", "city_id", "path", "activity_kind", "activity_name", "place", "starts_at", "ends_at",
                                      "half_hours", "status", "confirmed_by", "confirmed_by_name", "confirmed_at", "version", "recorded_by", "recorded_by_name",
                                      "created_at", "updated_at"]

    func fill(_ app: Application, volunteers total: Int, hours totalHours: Int, console: any Console) async throws {
        let db = app.db
        let sql = db as! any SQLDatabase
        let sqlite = sql.dialect.name == "sqlite"
        let started = ContinuousClock.now
        guard let city = try await OrgUnit.query(on: db).filter(\.$name == "济南市").filter(\.$level == .city).first() else {
            throw Abort(.internalServerError, reason: "演示数据不完整")
        }
        let seeds = try await DemoRecipients.seeds(on: db).filter { $0.cityID == city.id && !$0.villages.isEmpty }
        let now = app.clock.now, today = app.clock.today
        let first = today.adding(days: -(Self.years * 365))
        let key = app.settings.dataKey
        let ids = OrderedIDs(at: now)
        var sequence = 0
        let creator = UUID()
        let perStation = total / seeds.count
        let perVolunteer = max(1, totalHours / (perStation * seeds.count))
        let step = max(1, first.days(until: today) / perVolunteer)
        var written = (volunteers: 0, teams: 0, hours: 0)
        for (n, seed) in seeds.enumerated() {
            var rng = DemoRecipients.Generator(seed: "bench-volunteers:\(seed.id)")
            var volunteers = BulkInsert(into: "volunteers", columns: Self.volunteerColumns)
            var teams = BulkInsert(into: "volunteer_teams", columns: Self.teamColumns)
            var members = BulkInsert(into: "volunteer_team_members", columns: Self.memberColumns)
            var hours = BulkInsert(into: "volunteer_hours", columns: Self.hourColumns)
            var statements: [BulkInsert.Statement] = []
            var byVillage: [UUID: [UUID]] = [:]
            for i in 0..<perStation {
                let village = seed.villages[i % seed.villages.count]
                let id = ids.id(sequence); sequence += 1
                // A valid ID, unique within the station (the unique index): the volunteer's number in the sequence code.
                let birth = Day(year: 1960 + rng.int(0...45), month: rng.int(1...12), day: rng.int(1...28))!
                let body = (seed.districtCode ?? "370102") + birth.description.replacingOccurrences(of: "-", with: "")
                guard let residentID = ResidentID.completing(body + String(format: "%03d", (n * perStation + i) % 1000)) else { continue }
                volunteers.append([.uuid(id), .uuid(seed.id), .uuid(seed.cityID), .uuid(seed.districtID), .text(seed.path), .uuid(village.id),
                                   .text("志愿者\(n + 1)-\(i + 1)"), .text(try key.seal(residentID)), .text(key.lookupHash(residentID)),
                                   .text(String(residentID.prefix(4)) + "**********" + String(residentID.suffix(4))), .text("陪伴、探访"), .text("周末"),
                                   .text(VolunteerStatus.active.rawValue), .uuid(creator), .date(now), .date(now)])
                byVillage[village.id, default: []].append(id)
                for k in 0..<perVolunteer {
                    let day = first.adding(days: k * step + i % step)
                    if day >= today { break }
                    hours.append([.uuid(ids.id(sequence)), .uuid(id), .uuid(seed.id), .uuid(seed.cityID), .text(seed.path),
                                  .text(VolunteerActivityKind.standalone.rawValue), .text("社区志愿服务（压测数据）"), .text(village.name),
                                  .text("\(day)T09:00"), .text("\(day)T11:00"), .int(4), .text(VolunteerHoursStatus.confirmed.rawValue),
                                  .uuid(creator), .text("压测"), .date(now), .int(1), .uuid(creator), .text("压测"), .date(now), .date(now)])
                    sequence += 1
                    written.hours += 1
                }
                // Statements of a bounded size (bound parameters are limited per statement).
                if hours.values.count >= 28_000 {
                    statements.append(try hours.statement(sqlite: sqlite))
                    hours = BulkInsert(into: hours.table, columns: hours.columns)
                }
            }
            for village in seed.villages {
                guard let people = byVillage[village.id], let leader = people.first else { continue }
                let team = ids.id(sequence); sequence += 1
                teams.append([.uuid(team), .uuid(seed.id), .uuid(seed.cityID), .text(seed.path), .uuid(village.id), .text("\(village.name)志愿服务队"),
                              .uuid(leader), .text("BENCH\(n)-\(written.teams)"), .uuid(creator), .date(now), .date(now)])
                for p in people {
                    members.append([.uuid(ids.id(sequence)), .uuid(team), .uuid(p), .text(first.description), .date(now)])
                    sequence += 1
                }
                written.teams += 1
            }
            if !hours.isEmpty { statements.append(try hours.statement(sqlite: sqlite)) }
            // A volunteer goes before their hours and team: SQLite checks foreign keys at once.
            let batch = [try volunteers.statement(sqlite: sqlite), try teams.statement(sqlite: sqlite), try members.statement(sqlite: sqlite)] + statements
            try await db.transaction { tx in
                for statement in batch { try await BulkInsert.run(statement, on: tx as! any SQLDatabase) }
            }
            written.volunteers += perStation
            if n % 25 == 24 { console.print("  \(n + 1) 个站：志愿者 \(written.volunteers) 名，服务时长 \(written.hours) 条") }
        }
        if !sqlite { try await sql.raw("ANALYZE").run() }
        console.print("已生成志愿者 \(written.volunteers) 名、志愿服务队 \(written.teams) 支、服务时长 \(written.hours) 条，用时 \(String(format: "%.0f", BenchRecipientsCommand.seconds(since: started))) s")
    }

    func targets(_ app: Application, username: String, console: any Console) async throws {
        guard let user = try await User.query(on: app.db).filter(\.$username == username).first() else { throw Abort(.notFound, reason: "没有账号 \(username)") }
        let caller = try await Caller.load(user, on: app.db)
        let stations = try await StationScope.stationsForCreate(caller, kind: VolunteerService.kind, on: app.db).map { $0.id! }
        let rows = try await Volunteer.query(on: app.db).filter(\.$station.$id ~~ stations).filter(\.$status == .active).all()
        for v in rows { console.print("\(v.id!.uuidString) \(v.$station.id.uuidString)") }
    }
}
