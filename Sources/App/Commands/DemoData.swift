import Domain
import Fluent
import Vapor

/// The demo city: Jinan with the 15 districts, counties and zones of the 2022 demonstration quota
/// table (济民发〔2022〕7号 附件1, rule D-1), streets with a station each, villages/communities
/// under them, and one account per role.
enum DemoData {
    struct District {
        let name: String
        let code: String?
        let quota: Int
        let streets: [String]
    }

    /// Street division codes are not filled in: the demo does not pretend to carry the official list.
    static let districts: [District] = [
        .init(name: "历下区", code: "370102", quota: 4, streets: ["解放路街道", "千佛山街道", "趵突泉街道"]),
        .init(name: "市中区", code: "370103", quota: 4, streets: ["大观园街道", "杆石桥街道", "四里村街道"]),
        .init(name: "槐荫区", code: "370104", quota: 4, streets: ["振兴街街道", "中大槐树街道"]),
        .init(name: "天桥区", code: "370105", quota: 4, streets: ["天桥东街街道", "北村街道"]),
        .init(name: "历城区", code: "370112", quota: 4, streets: ["山大路街道", "洪家楼街道"]),
        .init(name: "长清区", code: "370113", quota: 1, streets: ["文昌街道", "平安街道"]),
        .init(name: "章丘区", code: "370114", quota: 1, streets: ["明水街道", "双山街道"]),
        .init(name: "济阳区", code: "370115", quota: 1, streets: ["济阳街道", "济北街道"]),
        .init(name: "莱芜区", code: "370116", quota: 1, streets: ["凤城街道", "张家洼街道"]),
        .init(name: "钢城区", code: "370117", quota: 1, streets: ["艾山街道", "里辛街道"]),
        .init(name: "平阴县", code: "370124", quota: 1, streets: ["榆山街道", "锦水街道"]),
        .init(name: "商河县", code: "370126", quota: 1, streets: ["许商街道", "殷巷镇"]),
        .init(name: "高新区", code: nil, quota: 1, streets: ["舜华路街道", "孙村街道"]),
        .init(name: "南部山区", code: nil, quota: 1, streets: ["西营街道", "柳埠街道"]),
        .init(name: "起步区", code: nil, quota: 1, streets: ["太平街道", "孙耿街道"]),
    ]

    /// The provinces of the demo's cities (GB/T 2260).
    static let demoProvinces = [("山东省", "370000"), ("湖北省", "420000"), ("广东省", "440000")]

    static let operatorNames = ["济南市泉心社会工作服务中心", "济南市众和社会工作服务中心"]

    static let communityStems = ["和平", "建设", "文化", "幸福", "光明", "新华", "朝阳", "丰收", "兴隆", "永安", "青年", "东关", "西苑", "南山", "北园", "花园", "福泉", "龙泉"]

    struct Account {
        let username: String
        let name: String
        let role: Role
        /// District, street, or nil for the city.
        let unit: String?
    }

    static let accounts: [Account] = [
        .init(username: "admin", name: "市民政局 王芳", role: .cityAdmin, unit: nil),
        .init(username: "lixia", name: "历下区民政局 张伟", role: .districtOfficer, unit: "历下区"),
        .init(username: "jiefanglu", name: "解放路街道 李娜", role: .streetOfficer, unit: "解放路街道"),
        .init(username: "operator", name: "泉心社工中心 刘强", role: .operatorManager, unit: nil),
        .init(username: "worker", name: "驻站社工 陈静", role: .socialWorker, unit: "解放路街道"),
        .init(username: "supervisor", name: "督导 赵敏", role: .supervisor, unit: "历下区"),
        .init(username: "evaluator", name: "评估机构 孙磊", role: .evaluator, unit: "历下区"),
        .init(username: "wuhan", name: "武汉市民政局 周洁", role: .cityAdmin, unit: "武汉市"),
    ]

    /// Loads the demo when the database has no org units yet. Returns the accounts' password, or nil if skipped.
    /// - Parameter recipients: with the key-population library of every demo station (`DemoRecipients`,
    ///   about 5,000 people); `serve --demo` loads it, the tests' `withApp` only when a test asks.
    static func loadIfEmpty(app: Application, password: String?, recipients: Bool = true) async throws -> String? {
        guard try await OrgUnit.query(on: app.db).count() == 0 else { return nil }
        let password = password ?? TokenHash.newToken().prefix(12).description
        let hash = try app.password.hash(password)
        let audit = AuditLog(db: app.db, lock: app.writeLock, key: app.settings.dataKey.auditKey, actorID: nil, actorName: "演示数据", clientIP: "local", clock: app.clock)
        try await audit.transaction { db, recorder in
            func add(_ unit: OrgUnit) async throws {
                try await unit.create(on: db)
                recorder.change(entityType: "org_unit", entityID: unit.id, old: nil, new: unit.auditFields)
            }
            // The demo's cities sit under their provinces (onboarding); 广东省 waits for a city to be added.
            var provinces: [String: Province] = [:]
            for (name, code) in demoProvinces {
                let province = Province(name: name, divisionCode: code)
                try await province.create(on: db)
                recorder.change(entityType: "province", entityID: province.id, old: nil, new: province.auditFields)
                provinces[name] = province
            }
            let city = OrgUnit(name: "济南市", level: .city, parent: nil, divisionCode: "370100")
            city.policyProfile = "jinan"
            city.provinceID = provinces["山东省"]?.id
            try await add(city)
            // Two operators: one runs the stations of 历下区 and 市中区, the other the rest.
            let operators = [
                OperatorOrg(name: operatorNames[0], creditCode: CreditCode.completing("52370102MJ5000001")!, cityID: city.id!),
                OperatorOrg(name: operatorNames[1], creditCode: CreditCode.completing("52370100MJ5000002")!, cityID: city.id!),
            ]
            for op in operators {
                try await op.create(on: db)
                recorder.change(entityType: "operator", entityID: op.id, old: nil, new: op.auditFields)
            }
            var units: [String: OrgUnit] = ["济南市": city]
            var stations: [String: Station] = [:]
            var stem = 0
            for (d, district) in districts.enumerated() {
                let dUnit = OrgUnit(name: district.name, level: .district, parent: city, divisionCode: district.code)
                try await add(dUnit)
                units[district.name] = dUnit
                try await DemonstrationQuota(unitID: dUnit.id!, year: 2022, quota: district.quota).create(on: db)
                for (s, streetName) in district.streets.enumerated() {
                    let street = OrgUnit(name: streetName, level: .street, parent: dUnit, divisionCode: nil)
                    try await add(street)
                    units[streetName] = street
                    let isTown = streetName.hasSuffix("镇")
                    var villages: [OrgUnit] = []
                    for v in 0..<3 {
                        let name = communityStems[stem % communityStems.count] + (isTown ? "村" : "社区")
                        stem += 1
                        let village = OrgUnit(name: name, level: .village, parent: street, divisionCode: nil)
                        village.villagePost = v == 0 ? .room : (v == 1 ? .point : .none)
                        try await add(village)
                        villages.append(village)
                    }
                    let station = Station(street: street, districtID: dUnit.id!, cityID: city.id!)
                    station.name = StationNaming.defaultName(district: district.name, street: streetName)
                    station.address = "济南市\(district.name)\(streetName)便民服务中心\(s + 2)楼"
                    station.openedOn = "2021-0\(3 + s)-1\(d % 9)"
                    station.$operator.id = d < 2 ? operators[0].id : operators[1].id
                    // A realistic spread: the first station of each district is fully equipped, others lack items.
                    station.equipment = s == 0 ? Equipment.allCases : [.desks, .chairs, .cabinets, .computer]
                    station.outdoorSign = true
                    // 解放路街道's station is a demonstration station that lacks only its indoor plaque (P-4).
                    station.indoorSign = s == 0 && streetName != "解放路街道"
                    station.isDemonstration = streetName == "解放路街道"
                    station.contractStartedOn = "2024-03-01"
                    station.annualContractAmount = 360_000
                    station.annualPersonnelBudget = 300_000
                    try await station.create(on: db)
                    stations[streetName] = station
                    try await StationOperatorPeriod(stationID: station.id!, operatorID: station.$operator.id!, startedOn: station.contractStartedOn, createdBy: "demo").create(on: db)
                    recorder.change(entityType: "station", entityID: station.id, old: nil, new: station.auditFields)
                    let rooms: [(RoomKind, Double, Bool)] = [
                        (.office, 30 + Double(d), false), (.caseWork, s == 0 ? 16 : 12, false), (.groupWork, 40, true),
                        (.activity, 80, true), (.archive, 10, s != 0),
                    ]
                    for (kind, area, shared) in rooms {
                        let room = StationRoom(stationID: station.id!, kind: kind, area: area, shared: shared)
                        try await room.create(on: db)
                        recorder.change(entityType: "station_room", entityID: room.id, old: nil, new: room.auditFields)
                    }
                }
            }
            units["武汉市"] = try await addWuhan(province: provinces["湖北省"], db: db, recorder: recorder)
            var users: [String: UUID] = [:]
            for account in accounts {
                let user = User(username: account.username, displayName: account.name, passwordHash: hash)
                try await user.create(on: db)
                users[account.username] = user.id
                recorder.change(entityType: "user", entityID: user.id, old: nil, new: user.auditFields)
                let row = account.role.isOperatorScoped
                    ? RoleAssignment(userID: user.id!, role: account.role, unitID: nil, operatorID: operators[0].id)
                    : RoleAssignment(userID: user.id!, role: account.role, unitID: units[account.unit ?? "济南市"]!.id, operatorID: nil)
                try await row.create(on: db)
                recorder.change(entityType: "role_assignment", entityID: row.id, old: nil, new: row.auditFields)
            }
            try await addWorkforce(stations: stations, users: users, key: app.settings.dataKey, year: app.clock.today.year, now: app.clock.now, db: db, recorder: recorder)
            func account(_ username: String) -> (id: UUID, name: String)? {
                guard let id = users[username], let name = accounts.first(where: { $0.username == username })?.name else { return nil }
                return (id, name)
            }
            try await DemoResources.addPolicies(city: city, station: stations["解放路街道"], admin: account("admin")!, worker: account("worker"),
                                                today: app.clock.today, db: db, recorder: recorder)
            if recipients {
                var profiles: [UUID: PolicyProfile] = [:]
                for unit in [city, units["武汉市"]!] {
                    if let id = unit.policyProfile { profiles[unit.id!] = try PolicyProfile.shipped(id) }
                }
                try await DemoRecipients.add(seeds: try await DemoRecipients.seeds(on: db), today: app.clock.today, now: app.clock.now, key: app.settings.dataKey, profiles: profiles, db: db, recorder: recorder)
                if let station = stations["解放路街道"], let worker = users["worker"], let profile = profiles[station.cityID],
                   let name = accounts.first(where: { $0.username == "worker" })?.name {
                    _ = try await DemoCasework.add(station: station, worker: (worker, name), profile: profile, today: app.clock.today, db: db, recorder: recorder)
                    try await DemoGroups.add(station: station, worker: (worker, name), profile: profile, today: app.clock.today, db: db, recorder: recorder)
                    try await DemoCommunityWork.add(station: station, worker: (worker, name), profile: profile, today: app.clock.today, app: app, db: db,
                                                    recorder: recorder)
                    try await DemoReferrals.add(from: station, worker: (worker, name), today: app.clock.today, db: db, recorder: recorder)
                    try await DemoAssistance.add(station: station, worker: (worker, name), today: app.clock.today, db: db, recorder: recorder)
                    let dazhiStreet = try await OrgUnit.query(on: db).filter(\.$name == "大智街道").first()
                    let dazhi = try await Station.query(on: db).filter(\.$streetID == dazhiStreet?.id ?? UUID()).first()
                    try await DemoVolunteers.add(jinan: station, wuhan: dazhi, recorder: (worker, name), wuhanAdmin: users["wuhan"], today: app.clock.today,
                                                 key: app.settings.dataKey, db: db, audit: recorder)
                    try await DemoResources.addCharity(station: station, worker: (worker, name), today: app.clock.today, db: db, recorder: recorder)
                }
            }
        }
        return password
    }

    /// Workers on every Jinan station; the demonstration station 解放路 also has a supervisor from
    /// the city expert pool and a year of supervision and training, so its findings are mostly passes.
    static func addWorkforce(stations: [String: Station], users: [String: UUID], key: DataKey, year: Int, now: Date, db: any Database, recorder: AuditLog.Recorder) async throws {
        let names = ["陈静", "刘洋", "王磊", "张敏", "李华", "赵丽", "孙强", "周婷", "吴刚", "郑芳", "冯涛", "朱琳"]
        var n = 0
        for (streetName, station) in stations.sorted(by: { $0.key < $1.key }) {
            let isDemo = streetName == "解放路街道"
            var workerIDs: [UUID] = []
            for i in 0..<(isDemo ? 3 : 2 + n % 2) {
                let w = SocialWorker.blank(cityID: station.cityID)
                w.name = names[n % names.count] + (n >= names.count ? String(n / names.count + 1) : "")
                w.gender = n % 3 == 0 ? .male : .female
                w.birthDate = "19\(88 + n % 10)-0\(1 + n % 9)-1\(n % 9)"
                let phone = "139" + String(format: "%08d", 10_000_000 + n * 7919)
                w.phoneSealed = try key.seal(phone)
                w.phoneHash = key.lookupHash(phone)
                w.education = i == 2 ? .associate : .bachelor
                w.major = isDemo || i == 0 ? .socialWork : .other
                w.certificateLevel = isDemo || i == 0 ? .assistant : .none
                w.certificateDate = w.certificateLevel == .none ? nil : "2021-06-20"
                w.experienceYears = Double(2 + n % 5)
                w.registeredNational = true
                if isDemo && i == 0 { w.userID = users["worker"] }
                try await w.create(on: db)
                recorder.change(entityType: "social_worker", entityID: w.id, old: nil, new: w.auditFields)
                let posting = WorkerAssignment(person: w.id!, station: station.id!, startedOn: "2024-03-01", endedOn: nil)
                try await posting.create(on: db)
                recorder.change(entityType: "worker_assignment", entityID: posting.id, old: nil, new: posting.auditFields)
                workerIDs.append(w.id!)
                n += 1
            }
            guard isDemo else { continue }
            let supervisor = Supervisor()
            supervisor.id = UUID()
            supervisor.name = "赵敏"
            supervisor.pool = .cityExpert
            supervisor.experienceYears = 8
            supervisor.userID = users["supervisor"]
            supervisor.cityID = station.cityID
            try await supervisor.create(on: db)
            recorder.change(entityType: "supervisor", entityID: supervisor.id, old: nil, new: supervisor.auditFields)
            let assignment = SupervisorAssignment(person: supervisor.id!, station: station.id!, startedOn: "2024-03-01", endedOn: nil)
            try await assignment.create(on: db)
            // Two group sessions of 1.5 hours a month, January to October; 8 training hours five times.
            for month in 1...10 {
                for day in [8, 22] {
                    let r = SupervisionRecord()
                    r.id = UUID()
                    r.$station.id = station.id!
                    r.year = year
                    r.heldOn = String(format: "%04d-%02d-%02d", year, month, day)
                    r.hours = 1.5
                    r.$supervisor.id = supervisor.id!
                    r.form = .group
                    r.topic = "个案工作中的需求评估（第 \(month) 月）"
                    r.issues = "困难老人需求评估不够细致"
                    r.advice = "按 MZ/T 094 补充家庭支持与社区资源评估"
                    r.supervisorConfirmedAt = now
                    try await r.create(on: db)
                    for id in workerIDs {
                        let a = SupervisionAttendee(recordID: r.id!, workerID: id)
                        a.confirmedAt = now
                        try await a.create(on: db)
                    }
                }
            }
            for (i, id) in workerIDs.enumerated() {
                for k in 0..<5 {
                    let t = TrainingRecord()
                    t.id = UUID()
                    t.$worker.id = id
                    t.$station.id = station.id!
                    t.year = year
                    t.heldOn = String(format: "%04d-%02d-15", year, 2 * k + 1)
                    t.hours = 8
                    t.title = ["社会救助政策", "危机干预实务", "小组工作方法", "社区治理与五社联动", "督导与档案管理"][k]
                    t.organiser = i == 0 ? "济南市民政局" : "历下区民政局"
                    try await t.create(on: db)
                }
            }
            recorder.record(.create, entityType: "demo_records", entityID: station.id?.uuidString, changes: ["supervision_records": [nil, "20"], "training_records": [nil, "15"]])
        }
    }

    /// A small Wuhan for the wuhan profile: one central-urban and one new-urban district (rule S-2).
    static func addWuhan(province: Province?, db: any Database, recorder: AuditLog.Recorder) async throws -> OrgUnit {
        let wuhan = OrgUnit(name: "武汉市", level: .city, parent: nil, divisionCode: "420100")
        wuhan.policyProfile = "wuhan"
        wuhan.provinceID = province?.id
        try await wuhan.create(on: db)
        recorder.change(entityType: "org_unit", entityID: wuhan.id, old: nil, new: wuhan.auditFields)
        for (district, code, kind, street) in [("江岸区", "420102", DistrictKind.centralUrban, "大智街道"), ("蔡甸区", "420114", DistrictKind.newUrban, "蔡甸街道")] {
            let d = OrgUnit(name: district, level: .district, parent: wuhan, divisionCode: code)
            d.districtKind = kind
            try await d.create(on: db)
            recorder.change(entityType: "org_unit", entityID: d.id, old: nil, new: d.auditFields)
            let s = OrgUnit(name: street, level: .street, parent: d, divisionCode: nil)
            try await s.create(on: db)
            for v in ["一社区", "二社区", "三社区"] {
                try await OrgUnit(name: street.replacingOccurrences(of: "街道", with: "") + v, level: .village, parent: s, divisionCode: nil).create(on: db)
            }
            let station = Station(street: s, districtID: d.id!, cityID: wuhan.id!)
            station.name = StationNaming.defaultName(district: district, street: street)
            station.address = "武汉市\(district)\(street)社区服务中心"
            station.contractStartedOn = "2025-01-01"
            try await station.create(on: db)
            recorder.change(entityType: "station", entityID: station.id, old: nil, new: station.auditFields)
        }
        return wuhan
    }
}
