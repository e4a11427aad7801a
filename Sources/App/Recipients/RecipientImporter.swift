import Domain
import Fluent
import SQLKit
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
        let hashes = rows.compactMap { $0.draft?.residentID.map { key.lookupHash($0.value) } }
        let registered = try await registeredStreets(hashes, on: db)
        for i in rows.indices {
            guard let id = rows[i].draft?.residentID, let street = registered[key.lookupHash(id.value)] else { continue }
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
        // Sealing and hashing happen before the write lock is taken: they are the slow part.
        var built: [(Recipient, [RecipientCategoryRow])] = []
        built.reserveCapacity(rows.count)
        for row in rows {
            let draft = row.draft!
            let r = try RecipientService.build(draft, villageID: villages[draft.village]!, station: station, key: key, today: today, by: caller.userID)
            r.importID = importID
            built.append((r, RecipientService.categoryRows(draft, recipient: r.id!, station: station.id!, today: today, caller: caller)))
        }
        let records = built
        let now = audit.clock.now
        let count = records.count
        let rowsToWrite = records
        try await audit.transaction { db, recorder in
            let sql = db as! any SQLDatabase
            try await widenCache(sql)
            let clash = try await registeredStreets(rowsToWrite.compactMap(\.0.residentIDHash), on: db)
            if !clash.isEmpty {
                throw AppError.field("file", "导入期间有 \(clash.count) 个身份证号已被登记（如已在\(clash.values.first!)登记），请重新上传预览；未导入任何数据",
                                     status: .conflict)
            }
            for start in stride(from: 0, to: count, by: batchSize) {
                let batch = rowsToWrite[start..<min(start + batchSize, count)]
                try await insertRecipients(batch.map(\.0), now: now, on: sql)
                try await insertCategories(batch.flatMap(\.1), now: now, on: sql)
                try await insertEvents(batch.map(\.0), today: today, caller: caller, now: now, on: sql)
                progress(min(start + batchSize, count))
            }
            recorder.record(.create, entityType: "recipient_import", entityID: importID.uuidString,
                            changes: ["station_id": [nil, station.id!.uuidString], "rows": [nil, String(count)], "file_sha256": [nil, fileDigest]])
        }
        return Outcome(importID: importID, count: count)
    }

    /// SQLite's page cache (2 MB by default) is too small for a bulk insert into tables whose
    /// indexes take random UUIDs: pages spill to the WAL mid-transaction and are read back. The
    /// connection that writes an import gets 64 MB. PostgreSQL sizes its own buffers.
    static func widenCache(_ sql: any SQLDatabase) async throws {
        if sql.dialect.name == "sqlite" { try await sql.raw("PRAGMA cache_size = -65536").run() }
    }

    static let recipientColumns = ["id", "station_id", "city_id", "district_id", "path", "village_id", "name", "resident_id_sealed", "resident_id_hash",
                                   "resident_id_masked", "birth_date", "sex", "phone_sealed", "phone_hash", "phone_masked", "address", "follow_up_level",
                                   "status", "status_on", "import_id", "created_by", "created_at", "updated_at"]

    /// Also the benchmark's bare insert (bench/recipients.sh), so both run the same statements.
    static func insertRecipients(_ batch: [Recipient], now: Date, on sql: any SQLDatabase) async throws {
        var insert = sql.insert(into: Recipient.schema).columns(recipientColumns)
        for r in batch {
            insert = insert.values([r.id!, r.$station.id, r.cityID, r.districtID, r.path, r.villageID, r.name, r.residentIDSealed, r.residentIDHash,
                                    r.residentIDMasked, r.birthDate, r.sex.rawValue, r.phoneSealed, r.phoneHash, r.phoneMasked, r.address, r.followUpLevel,
                                    r.status.rawValue, r.statusOn, r.importID, r.createdBy, now, now] as [any Encodable & Sendable])
        }
        try await insert.run()
    }

    static func insertCategories(_ batch: [RecipientCategoryRow], now: Date, on sql: any SQLDatabase) async throws {
        if batch.isEmpty { return }
        var insert = sql.insert(into: RecipientCategoryRow.schema)
            .columns("id", "recipient_id", "station_id", "category", "disability_grade", "disability_type", "verified_on", "verified_by", "verified_by_name", "created_at")
        for c in batch {
            insert = insert.values([c.id!, c.$recipient.id, c.stationID, c.category.rawValue, c.disabilityGrade?.rawValue, c.disabilityType?.rawValue,
                                    c.verifiedOn, c.verifiedBy, c.verifiedByName, now] as [any Encodable & Sendable])
        }
        try await insert.run()
    }

    static func insertEvents(_ batch: [Recipient], today: Day, caller: Caller, now: Date, on sql: any SQLDatabase) async throws {
        var insert = sql.insert(into: RecipientEvent.schema)
            .columns("id", "recipient_id", "kind", "happened_on", "detail", "reason", "actor_id", "actor_name", "created_at")
        for r in batch {
            insert = insert.values([UUID(), r.id!, RecipientEventKind.imported.rawValue, today.description, "由表格批量导入", "", caller.userID,
                                    caller.displayName, now] as [any Encodable & Sendable])
        }
        try await insert.run()
    }
}
