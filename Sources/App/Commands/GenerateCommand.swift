import Domain
import Fluent
import SQLKit
import Vapor

/// `shegong generate province`: a province-scale tree for benchmarks — 16 cities, 1,825 streets
/// with a station each (Shandong's count) and 20,000 villages — with 4 workers and a supervisor
/// per station, a year of supervision (2 sessions a month per station) and training records, plus
/// a city admin `bench` of the first city and `province`, who oversees all 16 cities. Bulk inserts
/// through SQLKit; one audit event records the import.
struct GenerateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "scale", help: "province") var scale: String
        @Option(name: "password", help: "password of the account `bench`") var password: String?
    }

    var help: String { "Generate benchmark data (province scale)" }

    static let cities = 16
    static let districtsPerCity = [9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8]   // 136 county-level units
    static let streets = 1_825
    static let villages = 20_000

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.scale == "province" else { throw Abort(.badRequest, reason: "只支持 province") }
        let app = context.application
        try await app.autoMigrate()
        guard try await OrgUnit.query(on: app.db).count() == 0 else { throw Abort(.conflict, reason: "数据库不为空；请在空库上生成") }
        let started = ContinuousClock.now
        var orgRows: [[any Encodable & Sendable]] = []
        var stationRows: [[any Encodable & Sendable]] = []
        var roomRows: [[any Encodable & Sendable]] = []
        var operatorRows: [[any Encodable & Sendable]] = []
        var workerRows: [[any Encodable & Sendable]] = []
        var postingRows: [[any Encodable & Sendable]] = []
        var supervisorRows: [[any Encodable & Sendable]] = []
        var supervisorPostingRows: [[any Encodable & Sendable]] = []
        var recordRows: [[any Encodable & Sendable]] = []
        var attendeeRows: [[any Encodable & Sendable]] = []
        var trainingRows: [[any Encodable & Sendable]] = []
        let year = context.application.clock.today.year - 1   // the last full year
        let key = app.settings.dataKey
        var cityIDs: [UUID] = []
        let now = context.application.clock.now
        func unit(_ id: UUID, _ name: String, _ level: OrgLevel, _ parent: UUID?, _ path: String, _ code: String?) {
            orgRows.append([id, name, level.rawValue, parent, path, code, VillagePost.none.rawValue, now, now])
        }
        let districtTotal = Self.districtsPerCity.reduce(0, +)
        var streetIndex = 0, villageIndex = 0, districtIndex = 0
        var firstCity: UUID?
        for c in 0..<Self.cities {
            let cityID = UUID()
            firstCity = firstCity ?? cityID
            let cityCode = String(format: "37%02d00", c + 1)
            let cityPath = OrgPath.root(id: cityID.uuidString)
            unit(cityID, "第\(c + 1)市", .city, nil, cityPath, cityCode)
            cityIDs.append(cityID)
            let operatorID = UUID()
            operatorRows.append([operatorID, "第\(c + 1)市社会工作服务中心", CreditCode.completing(String(format: "5237%02d00MJ50%05d", c + 1, c))!, cityID, now, now])
            for d in 0..<Self.districtsPerCity[c] {
                let districtID = UUID()
                let districtCode = String(format: "37%02d%02d", c + 1, d + 2)
                let districtPath = OrgPath.child(of: cityPath, id: districtID.uuidString)
                unit(districtID, "第\(c + 1)市第\(d + 1)区", .district, cityID, districtPath, districtCode)
                districtIndex += 1
                // Spread streets and villages evenly over all districts.
                let streetEnd = Self.streets * districtIndex / districtTotal
                while streetIndex < streetEnd {
                    let streetID = UUID()
                    let streetCode = districtCode + String(format: "%03d", streetIndex % 1000)
                    let streetPath = OrgPath.child(of: districtPath, id: streetID.uuidString)
                    let streetName = "第\(streetIndex + 1)街道"
                    unit(streetID, streetName, .street, districtID, streetPath, streetCode)
                    streetIndex += 1
                    let villageEnd = Self.villages * streetIndex / Self.streets
                    while villageIndex < villageEnd {
                        let villageID = UUID()
                        unit(villageID, "第\(villageIndex + 1)社区", .village, streetID, OrgPath.child(of: streetPath, id: villageID.uuidString), nil)
                        villageIndex += 1
                    }
                    let stationID = UUID()
                    stationRows.append([stationID, StationNaming.defaultName(district: "第\(c + 1)市第\(d + 1)区", street: streetName), streetID, districtID, cityID,
                                        streetPath, "\(streetName)便民服务中心", "2021-06-30", operatorID,
                                        Equipment.allCases.map(\.rawValue).sorted().joined(separator: ","), true, true, now, now])
                    for (kind, area, shared) in [(RoomKind.office, 30.0, false), (.caseWork, 16, false), (.groupWork, 40, true), (.activity, 80, true), (.archive, 10, true)] {
                        roomRows.append([UUID(), stationID, kind.rawValue, area, shared])
                    }
                    // Four workers, one supervisor, 24 supervision sessions and 20 training records.
                    var workerIDs: [UUID] = []
                    for w in 0..<4 {
                        let id = UUID()
                        let n = streetIndex * 4 + w
                        let phone = "13" + String(format: "%09d", n)
                        workerRows.append([id, "社工\(n)", w % 2 == 0 ? "female" : "male", "1990-01-01", try key.seal(phone), key.lookupHash(phone),
                                           "bachelor", w < 3 ? "social_work" : "other", w < 2 ? "assistant" : "none", (w < 2 ? "2020-06-20" : nil) as String?,
                                           Double(w + 1), true, true, cityID, now, now])
                        postingRows.append([UUID(), id, stationID, "\(year - 1)-01-01", now])
                        workerIDs.append(id)
                    }
                    let supervisorID = UUID()
                    supervisorRows.append([supervisorID, "督导\(streetIndex)", "city_expert", 6.0, cityID, now, now])
                    supervisorPostingRows.append([UUID(), supervisorID, stationID, "\(year - 1)-01-01"])
                    for month in 1...12 {
                        for day in [8, 22] {
                            let recordID = UUID()
                            recordRows.append([recordID, stationID, year, String(format: "%04d-%02d-%02d", year, month, day), 1.5, supervisorID,
                                               "group", "月度督导", "需求评估", "完善评估", now, now, now])
                            for w in workerIDs { attendeeRows.append([UUID(), recordID, w, now]) }
                        }
                    }
                    for w in workerIDs {
                        for k in 0..<5 {
                            trainingRows.append([UUID(), w, stationID, year, String(format: "%04d-%02d-15", year, 2 * k + 1), 8.0, "专业培训\(k + 1)", "市民政局", now, now])
                        }
                    }
                }
            }
        }
        let (orgs, operators, stations, rooms, cityID) = (orgRows, operatorRows, stationRows, roomRows, firstCity)
        let (workers, postings, supervisors, supervisorPostings) = (workerRows, postingRows, supervisorRows, supervisorPostingRows)
        let (records, attendees, trainings) = (recordRows, attendeeRows, trainingRows)
        try await app.db.transaction { db in
            let sql = db as! any SQLDatabase
            try await Self.insert(sql, "org_units", ["id", "name", "level", "parent_id", "path", "division_code", "village_post", "created_at", "updated_at"], orgs)
            try await Self.insert(sql, "operators", ["id", "name", "credit_code", "city_id", "created_at", "updated_at"], operators)
            try await Self.insert(sql, "stations", ["id", "name", "street_id", "district_id", "city_id", "path", "address", "opened_on", "operator_id",
                                                    "equipment", "outdoor_sign", "indoor_sign", "created_at", "updated_at"], stations)
            try await Self.insert(sql, "station_rooms", ["id", "station_id", "kind", "area", "shared"], rooms)
            try await Self.insert(sql, "social_workers", ["id", "name", "gender", "birth_date", "phone_sealed", "phone_hash", "education", "major",
                                                          "certificate_level", "certificate_date", "experience_years", "full_time", "registered_national",
                                                          "city_id", "created_at", "updated_at"], workers)
            try await Self.insert(sql, "worker_assignments", ["id", "worker_id", "station_id", "started_on", "created_at"], postings)
            try await Self.insert(sql, "supervisors", ["id", "name", "pool", "experience_years", "city_id", "created_at", "updated_at"], supervisors)
            try await Self.insert(sql, "supervisor_assignments", ["id", "supervisor_id", "station_id", "started_on"], supervisorPostings)
            try await Self.insert(sql, "supervision_records", ["id", "station_id", "year", "held_on", "hours", "supervisor_id", "form", "topic", "issues",
                                                               "advice", "supervisor_confirmed_at", "created_at", "updated_at"], records)
            try await Self.insert(sql, "supervision_attendees", ["id", "record_id", "worker_id", "confirmed_at"], attendees)
            try await Self.insert(sql, "training_records", ["id", "worker_id", "station_id", "year", "held_on", "hours", "title", "organiser",
                                                            "created_at", "updated_at"], trainings)
            try await sql.raw("UPDATE org_units SET policy_profile = 'jinan' WHERE level = 'city'").run()
        }
        let password = signature.password ?? "bench-password"
        let user = User(username: "bench", displayName: "压测管理员", passwordHash: try app.password.hash(password))
        let province = User(username: "province", displayName: "全省汇总（压测）", passwordHash: try app.password.hash(password))
        let allCities = cityIDs
        let audit = AuditLog(db: app.db, lock: app.writeLock, key: app.settings.dataKey.auditKey, actorID: nil, actorName: "命令行：shegong generate（生成压力测试数据）", clientIP: "local", clock: app.clock)
        try await audit.transaction { db, recorder in
            try await user.create(on: db)
            try await RoleAssignment(userID: user.id!, role: .cityAdmin, unitID: cityID, operatorID: nil).create(on: db)
            try await province.create(on: db)
            for city in allCities {
                try await RoleAssignment(userID: province.id!, role: .cityAdmin, unitID: city, operatorID: nil).create(on: db)
            }
            recorder.record(.create, entityType: "bulk_import", entityID: nil,
                            changes: ["org_units": [nil, String(orgs.count)], "stations": [nil, String(stations.count)],
                                      "social_workers": [nil, String(workers.count)], "supervision_records": [nil, String(records.count)],
                                      "training_records": [nil, String(trainings.count)]])
        }
        context.console.print("已生成：\(Self.cities) 市、\(districtTotal) 区县、\(Self.streets) 街道（各一站）、\(Self.villages) 村/社区、\(workerRows.count) 名社工、\(recordRows.count) 条督导记录、\(trainingRows.count) 条培训记录，用时 \(String(format: "%.1f", Double((ContinuousClock.now - started).components.seconds))) 秒；账户 bench 为第1市管理员。")
    }

    static func insert(_ sql: any SQLDatabase, _ table: String, _ columns: [String], _ rows: [[any Encodable & Sendable]]) async throws {
        // SQLite allows at most 32,766 bound parameters per statement.
        let batch = max(1, 30_000 / columns.count)
        for start in stride(from: 0, to: rows.count, by: batch) {
            let chunk = rows[start..<min(start + batch, rows.count)]
            var insert = sql.insert(into: table).columns(columns)
            for row in chunk {
                insert = insert.values(row.map { SQLBind($0) as any SQLExpression })
            }
            try await insert.run()
        }
    }
}
