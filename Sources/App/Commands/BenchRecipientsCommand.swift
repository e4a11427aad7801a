import Domain
import Fluent
import SQLKit
import Vapor

/// `shegong bench-recipients import|fill` (issue 9 §6, run by bench/recipients.sh in a release build).
///
/// - `import --rows 100000`: writes one .xlsx of that many recipients (the app's own xlsx writer),
///   then times the page's path on it — read the file, `RecipientImporter.table`, `preview` (every
///   row checked, duplicates looked up in the register), `commit` (sealing, hashing, batched
///   inserts in one transaction) — and, in the same run, a bare batched INSERT of the same rows
///   into the same tables (the importer's own `write`: the same statements, batch size and keys,
///   the records sealed and hashed beforehand).
///   The bare insert runs first on empty tables; its rows are deleted (and the tables vacuumed)
///   before the import. Prints both rates and their ratio; the rows are deleted at the end.
/// - `fill --rows 500000`: that many recipients spread over the demo city's stations (the demo
///   generator's proportions), for the list page benchmark; accounts as in the demo.
///
/// Both load the demo city (without its recipients) into an empty database first.
struct BenchRecipientsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "what", help: "import | fill") var what: String
        @Option(name: "rows", help: "rows to import or to generate") var rows: Int?
        @Option(name: "password", help: "password of the demo accounts") var password: String?
    }

    var help: String { "Benchmark the recipient import (import) or fill a city with recipients (fill)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        if let sql = app.db as? any SQLDatabase, sql.dialect.name == "sqlite" {
            try await sql.raw("PRAGMA journal_mode=WAL").run()
        }
        _ = try await DemoData.loadIfEmpty(app: app, password: signature.password ?? "bench-password", recipients: false)
        switch signature.what {
        case "import": try await importBench(app, rows: signature.rows ?? 100_000, console: context.console)
        case "fill": try await fill(app, rows: signature.rows ?? 500_000, console: context.console)
        default: throw Abort(.badRequest, reason: "只支持 import 或 fill")
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    // MARK: - import

    /// A spreadsheet as a station would fill in the template: all eleven columns, IDs valid and
    /// unique (the demo's fake sequence range), birth date and sex left for the ID to give.
    static func sheet(rows: Int, villages: [String], today: Day) -> Spreadsheet {
        var rng = DemoRecipients.Generator(seed: "bench-import")
        let header = RecipientDraft.Field.allCases.map { Spreadsheet.Cell.text($0.label) }
        var out: [[Spreadsheet.Cell]] = [header]
        out.reserveCapacity(rows + 1)
        var taken = Set<String>()
        let codes = DemoData.districts.compactMap(\.code)
        let categories = ["低保", "低保", "低保、残疾人", "独居老人", "空巢老人", "残疾人", "低保边缘", "特困供养", "失能/半失能老人", "留守儿童", "困境儿童", "支出型困难"]
        while out.count <= rows {
            let birth = today.adding(days: -rng.int(3 * 365...95 * 365))
            let sex = rng.int(0...1)
            let seq = rng.int(450...499) * 2 + sex
            guard let id = ResidentID.completing(rng.pick(codes) + String(format: "%04d%02d%02d", birth.year, birth.month, birth.dayOfMonth) + String(seq)),
                  taken.insert(id).inserted else { continue }
            let category = rng.pick(categories)
            let disabled = category.contains("残疾人")
            let n = out.count
            out.append([.text(rng.pick(DemoRecipients.surnames) + rng.pick(DemoRecipients.adultFemale + DemoRecipients.adultMale)),
                        .text(id), .text(""), .text(""), .text("1700" + String(format: "%07d", n)),
                        .text("解放路\(n % 300 + 1)号"), .text(villages[n % villages.count]), .text(category),
                        .text(disabled ? DisabilityGrade.allCases[n % 4].label : ""), .text(disabled ? DisabilityType.physical.label : ""),
                        .text(String(n % 3 + 1))])
        }
        return Spreadsheet(sheetName: "服务对象", rows: out)
    }

    func importBench(_ app: Application, rows count: Int, console: any Console) async throws {
        let db = app.db
        let sql = db as! any SQLDatabase
        guard let street = try await OrgUnit.query(on: db).filter(\.$name == "解放路街道").first(),
              let station = try await Station.query(on: db).filter(\.$streetID == street.id!).first(),
              let worker = try await User.query(on: db).filter(\.$username == "worker").first(),
              let caller = try await app.callers.caller(worker.id!, on: db) else {
            throw Abort(.internalServerError, reason: "演示数据不完整")
        }
        let key = app.settings.dataKey
        let today = app.clock.today
        let profile = try PolicyProfile.shipped("jinan")
        let villages = try await StationQueries.villages(ofStreet: station.streetID, on: db).map(\.name)
        let file = URL(fileURLWithPath: app.settings.dataDirectory.isEmpty ? NSTemporaryDirectory() : app.settings.dataDirectory)
            .appendingPathComponent("bench-import-\(count).xlsx")
        var started = ContinuousClock.now
        try Self.sheet(rows: count, villages: villages, today: today).xlsx().write(to: file)
        let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int ?? 0
        console.print("生成 \(file.lastPathComponent)：\(count) 行，\(size / 1024) KiB，用时 \(String(format: "%.1f", Self.seconds(since: started))) s")

        // Bare: the same rows, sealed and hashed beforehand, written by the importer's own `write`.
        let checked = try await RecipientImporter.preview(try RecipientImporter.table(try Data(contentsOf: file), filename: file.lastPathComponent),
                                                          station: station, profile: profile, today: today, key: key, on: db)
        let villageIDs = Dictionary(try await StationQueries.villages(ofStreet: station.streetID, on: db).map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
        let now = app.clock.now
        let ids = OrderedIDs(at: now)
        let records = try RecipientImporter.records(ArraySlice(checked.map { $0.draft! }), villages: villageIDs, ids: ids, importID: nil,
                                                    station: station, caller: caller, key: key, today: today)
        started = ContinuousClock.now
        try await db.transaction { db in
            try await RecipientImporter.write(count: records.count, ids: ids, today: today, caller: caller, now: now,
                                              on: db as! any SQLDatabase) { Array(records[$0]) }
        }
        let bare = Self.seconds(since: started)
        try await Self.clear(sql)

        // The page's path, from the file on disk to the committed transaction.
        let audit = AuditLog(db: db, lock: app.writeLock, key: key.auditKey, actorID: caller.userID, actorName: caller.username, clientIP: "local", clock: app.clock)
        started = ContinuousClock.now
        let data = try Data(contentsOf: file)
        let table = try RecipientImporter.table(data, filename: file.lastPathComponent)
        let read = Self.seconds(since: started)
        let rows = try await RecipientImporter.preview(table, station: station, profile: profile, today: today, key: key, on: db)
        let previewed = Self.seconds(since: started)
        let outcome = try await RecipientImporter.commit(rows, station: station, caller: caller, key: key, today: today, audit: audit,
                                                         fileDigest: RecordsService.sha256(data))
        let total = Self.seconds(since: started)
        try await Self.clear(sql)
        try? FileManager.default.removeItem(at: file)

        let engine = sql.dialect.name == "sqlite" ? "SQLite" : "PostgreSQL"
        func rate(_ s: Double) -> String { String(format: "%.0f", Double(count) / s) }
        console.print("""
            \(engine)：导入 \(outcome.count) 行（.xlsx → table → preview → commit）
              read+parse \(String(format: "%.2f", read)) s, preview \(String(format: "%.2f", previewed - read)) s, commit \(String(format: "%.2f", total - previewed)) s
              end to end: \(String(format: "%.2f", total)) s = \(rate(total)) rows/s
              bare batched INSERT (same rows, same statements, batch \(RecipientImporter.batchSize)): \(String(format: "%.2f", bare)) s = \(rate(bare)) rows/s
              import / bare: \(String(format: "%.0f", 100 * bare / total)) %
            """)
    }

    /// Empties the recipient tables (the benchmark's own rows) and gives their space back.
    static func clear(_ sql: any SQLDatabase) async throws {
        for table in ["recipient_needs", "recipient_events", "recipient_categories", "recipients"] {
            try await sql.raw("DELETE FROM \(ident: table)").run()
        }
        try await sql.raw("VACUUM").run()
        if sql.dialect.name != "sqlite" { try await sql.raw("ANALYZE").run() }
    }

    // MARK: - fill

    func fill(_ app: Application, rows target: Int, console: any Console) async throws {
        let db = app.db
        let sql = db as! any SQLDatabase
        let started = ContinuousClock.now
        guard let city = try await OrgUnit.query(on: db).filter(\.$name == "济南市").first() else { throw Abort(.internalServerError, reason: "演示数据不完整") }
        let seeds = try await DemoRecipients.seeds(on: db).filter { $0.cityID == city.id }
        let profile = try PolicyProfile.shipped("jinan")
        let written = try await DemoRecipients.add(seeds: seeds, rounds: max(1, target / (DemoRecipients.perStation * seeds.count)),
                                                   events: false, today: app.clock.today, now: app.clock.now, key: app.settings.dataKey,
                                                   profiles: [city.id!: profile], db: db)
        // PostgreSQL's autovacuum analyses a table after a bulk load; done here so the run does not
        // depend on when it wakes. SQLite has no statistics unless asked, and the app never asks.
        if sql.dialect.name != "sqlite" { try await sql.raw("ANALYZE").run() }
        console.print("已生成 \(written) 名服务对象，分布于济南市 \(seeds.count) 个社工站，用时 \(String(format: "%.1f", Self.seconds(since: started))) s")
    }
}
