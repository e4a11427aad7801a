import Domain
import Fluent
import SQLKit
import NIOPosix
import Vapor

/// Bulk import of a station's existing list (issue 9 §4): the file read into rows, every row
/// checked (`RecipientImport.preview`) plus the duplicates only the register shows, and then all
/// rows written in one transaction or none. The page, the API, the demo and the benchmark all
/// come through here.
enum RecipientImporter {
    /// Rows per INSERT statement: 27 columns × 500 stays under SQLite's 32,766 bound parameters.
    static let batchSize = 500

    /// The first sheet of an .xlsx, or a .csv in UTF-8 or GB18030, as rows of text.
    static func table(_ data: Data, filename: String) throws -> [[String]] {
        let isXLSX = data.starts(with: [0x50, 0x4B, 0x03, 0x04])   // a zip archive
        if isXLSX {
            do { return try XLSXReader.rows(data) } catch let problem as XLSXReader.Problem {
                throw AppError.field("file", "无法读取“\(filename)”：\(problem.label)")
            }
        }
        do { return try CSVTable.rows(data) } catch {
            throw AppError.field("file", "无法读取“\(filename)”：\(error.label)（应为 .xlsx，或 UTF-8 / GB18030 编码的 .csv）")
        }
    }

    /// Every row checked, including against the register: an ID already registered is named with
    /// the street it is registered in (never the record, which may be outside the caller's scope).
    static func preview(_ table: [[String]], station: Station, profile: PolicyProfile, today: Day, key: DataKey,
                        on db: any Database) async throws -> [RecipientImport.Row] {
        let villages = try await StationQueries.villages(ofStreet: station.streetID, on: db).map(\.name)
        var rows: [RecipientImport.Row]
        do {
            rows = try RecipientImport.preview(table, today: today, followUpLevels: profile.followUpRange, villages: Set(villages))
        } catch {
            throw AppError.field("file", error.label)
        }
        let hashes = rows.map { $0.draft?.residentID.map { key.lookupHash($0.value) } }
        let registered = try await registeredStreets(hashes.compactMap { $0 }, on: db)
        for i in rows.indices {
            guard let hash = hashes[i], let street = registered[hash] else { continue }
            rows[i].problems.append(.init(field: .residentID, message: "已在\(street)登记"))
            rows[i].draft = nil
        }
        return rows
    }

    /// The street of each hash already registered.
    static func registeredStreets(_ hashes: [String], on db: any Database) async throws -> [String: String] {
        let sql = db as! any SQLDatabase
        var found: [String: String] = [:]
        for start in stride(from: 0, to: hashes.count, by: batchSize) {
            let chunk = Array(hashes[start..<min(start + batchSize, hashes.count)])
            for row in try await sql.raw("""
                SELECT r.resident_id_hash, st.name FROM recipients r JOIN stations s ON s.id = r.station_id JOIN org_units st ON st.id = s.street_id
                WHERE r.resident_id_hash IN (\(binds: chunk))
                """).all() {
                found[try row.decode(column: "resident_id_hash", as: String.self)] = try row.decode(column: "name", as: String.self)
            }
        }
        return found
    }

    struct Outcome: Sendable {
        let importID: UUID
        let count: Int
    }

    /// Writes every row, or none. Refused (nothing written) when any row has a problem, or when an
    /// ID was registered by someone else between the preview and now: the check runs again inside
    /// the write lock, with the unique index behind it.
    static func commit(_ rows: [RecipientImport.Row], station: Station, caller: Caller, key: DataKey, today: Day,
                       audit: AuditLog, fileDigest: String, progress: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> Outcome {
        let bad = rows.filter { $0.draft == nil }
        guard bad.isEmpty else {
            throw AppError.field("file", "有 \(bad.count) 行存在问题（第 \(bad.prefix(10).map { String($0.line) }.joined(separator: "、")) 行…），请修改后重新上传；未导入任何数据",
                                 status: .unprocessableEntity)
        }
        let importID = UUID()
        let villages = Dictionary(try await StationQueries.villages(ofStreet: station.streetID, on: audit.db).map { ($0.name, $0.id) },
                                  uniquingKeysWith: { a, _ in a })
        let now = audit.clock.now
        let ids = OrderedIDs(at: now)
        let drafts = rows.map { $0.draft! }
        let count = drafts.count
        let hashes = drafts.concurrentMap(chunk: 5_000) { $0.residentID.map { key.lookupHash($0.value) } }.compactMap { $0 }
        try await audit.transaction { db, recorder in
            let sql = db as! any SQLDatabase
            let clash = try await registeredStreets(hashes, on: db)
            if !clash.isEmpty {
                throw AppError.field("file", "导入期间有 \(clash.count) 个身份证号已被登记（如已在\(clash.values.first!)登记），请重新上传预览；未导入任何数据",
                                     status: .conflict)
            }
            // Sealing and hashing a batch happen beside the database writing the one before it.
            try await write(count: count, ids: ids, today: today, caller: caller, now: now, on: sql, progress: progress) { range in
                try records(drafts[range], villages: villages, ids: ids, importID: importID, station: station, caller: caller, key: key, today: today)
            }
            recorder.record(.create, entityType: "recipient_import", entityID: importID.uuidString,
                            changes: ["station_id": [nil, station.id!.uuidString], "rows": [nil, String(count)], "file_sha256": [nil, fileDigest]])
        }
        return Outcome(importID: importID, count: count)
    }

    /// A record to import and its category rows.
    typealias Built = (record: Recipient, categories: [RecipientCategoryRow])

    /// The records and category rows of checked drafts (sealed, hashed). Keys follow the rows'
    /// order (`OrderedIDs`): the n-th draft's record gets `ids.id(n)`, its categories `ids.id(16n + k)`.
    static func records(_ drafts: ArraySlice<RecipientDraft>, villages: [String: UUID], ids: OrderedIDs, importID: UUID?, station: Station,
                        caller: Caller, key: DataKey, today: Day) throws -> [Built] {
        try zip(drafts.indices, drafts).map { n, draft in
            let r = try RecipientService.build(draft, id: ids.id(n), villageID: villages[draft.village]!, station: station, key: key, today: today,
                                               by: caller.userID)
            r.importID = importID
            let categories = RecipientService.categoryRows(draft, recipient: r.id!, station: station.id!, today: today, caller: caller)
            for (k, c) in categories.enumerated() { c.id = ids.id(16 * n + k) }
            return (record: r, categories: categories)
        }
    }

    /// Writes `count` records in batches inside the caller's transaction; the benchmark's bare
    /// insert (bench/recipients.sh) runs the same with records made beforehand. A batch's records
    /// (`records(range)`) and statements are made on a thread of NIO's pool while the database
    /// writes the batch before: Swift's tasks run on NIO's event loops here (Run/main.swift), and
    /// the event loop and SQLite's thread would otherwise take turns on two cores.
    static func write(count: Int, ids: OrderedIDs, today: Day, caller: Caller, now: Date, on sql: any SQLDatabase,
                      progress: @escaping @Sendable (Int) -> Void = { _ in },
                      records: @escaping @Sendable (Range<Int>) throws -> [Built]) async throws {
        try await widenCache(sql)
        let batches = stride(from: 0, to: count, by: batchSize).map { $0..<min($0 + batchSize, count) }
        let sqlite = sql.dialect.name == "sqlite"
        func statements(_ range: Range<Int>) -> Task<[BulkInsert.Statement], any Error> {
            Task {
                try await NIOThreadPool.singleton.runIfActive {
                    let built = try records(range)
                    return try [recipientRows(built.map(\.record), now: now), categoryRows(built.flatMap(\.categories), now: now),
                                eventRows(built.map(\.record), ids: ids, from: range.lowerBound, today: today, caller: caller, now: now)]
                        .filter { !$0.isEmpty }.map { try $0.statement(sqlite: sqlite) }
                }
            }
        }
        var next = batches.first.map(statements)
        for (i, range) in batches.enumerated() {
            let current = try await next!.value
            next = i + 1 < batches.count ? statements(batches[i + 1]) : nil
            for statement in current { try await BulkInsert.run(statement, on: sql) }
            progress(range.upperBound)
        }
    }

    /// SQLite's page cache (2 MB by default) is too small for a bulk insert into tables with this
    /// many indexes: pages spill to the WAL mid-transaction and are read back. The connection that
    /// writes an import gets 64 MB. PostgreSQL sizes its own buffers.
    static func widenCache(_ sql: any SQLDatabase) async throws {
        if sql.dialect.name == "sqlite" { try await sql.raw("PRAGMA cache_size = -65536").run() }
    }

    static func recipientRows(_ batch: [Recipient], now: Date) -> BulkInsert {
        var insert = BulkInsert(into: Recipient.schema, columns: [
            "id", "station_id", "city_id", "district_id", "path", "village_id", "name", "resident_id_sealed", "resident_id_hash", "resident_id_masked",
            "birth_date", "sex", "phone_sealed", "phone_hash", "phone_masked", "address", "follow_up_level", "status", "status_on", "import_id",
            "created_by", "created_at", "updated_at"])
        for r in batch {
            insert.append([.uuid(r.id!), .uuid(r.$station.id), .uuid(r.cityID), .uuid(r.districtID), .text(r.path), .uuid(r.villageID), .text(r.name),
                           .text(r.residentIDSealed), .text(r.residentIDHash), .text(r.residentIDMasked), .text(r.birthDate), .text(r.sex.rawValue),
                           .text(r.phoneSealed), .text(r.phoneHash), .text(r.phoneMasked), .text(r.address), .int(r.followUpLevel),
                           .text(r.status.rawValue), .text(r.statusOn), .uuid(r.importID), .uuid(r.createdBy), .date(now), .date(now)])
        }
        return insert
    }

    static func categoryRows(_ batch: [RecipientCategoryRow], now: Date) -> BulkInsert {
        var insert = BulkInsert(into: RecipientCategoryRow.schema, columns: [
            "id", "recipient_id", "station_id", "category", "disability_grade", "disability_type", "verified_on", "verified_by", "verified_by_name",
            "created_at"])
        for c in batch {
            insert.append([.uuid(c.id!), .uuid(c.$recipient.id), .uuid(c.stationID), .text(c.category.rawValue), .int(c.disabilityGrade?.rawValue),
                           .text(c.disabilityType?.rawValue), .text(c.verifiedOn), .uuid(c.verifiedBy), .text(c.verifiedByName), .date(now)])
        }
        return insert
    }

    /// One 导入 event per record; the n-th record's event gets `ids.id(n)`.
    static func eventRows(_ batch: [Recipient], ids: OrderedIDs, from first: Int, today: Day, caller: Caller, now: Date) -> BulkInsert {
        var insert = BulkInsert(into: RecipientEvent.schema, columns: [
            "id", "recipient_id", "kind", "happened_on", "detail", "reason", "actor_id", "actor_name", "created_at"])
        let day = today.description
        for (n, r) in zip(first..., batch) {
            insert.append([.uuid(ids.id(n)), .uuid(r.id!), .text(RecipientEventKind.imported.rawValue), .text(day), .text("由表格批量导入"), .text(""),
                           .uuid(caller.userID), .text(caller.displayName), .date(now)])
        }
        return insert
    }
}
