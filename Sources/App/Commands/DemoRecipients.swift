import Domain
import Fluent
import SQLKit
import Vapor

/// The demo's key-population library (issue 9 §5): about 150 recipients per demo station, in the
/// proportions a street's list has (低保 the largest group, then lone and empty-nest elders, people
/// with a disability with their grade and type, a few children with their guardians), some
/// households of two to four, needs in the city's service fields, and a few records that moved out,
/// died, were paused or closed, each with its status event.
///
/// Never a real person: resident IDs are the demo's real district codes (GB/T 2260, as in
/// `DemoData.districts`), a birth date, and a sequence number from 900 to 999 — a range the demo
/// keeps to itself — completed with a valid check character (`ResidentID.completing`). Phones are
/// all in 170 0000 xxxx, a virtual-operator block used here as a fake range.
///
/// The same input gives the same people: a seeded generator per station (SplitMix64 seeded from the
/// street's name), the day from the app clock, and the record ids drawn from that generator too.
enum DemoRecipients {
    /// Recipients per station: `perStation` ± `spread`.
    static let perStation = 150
    static let spread = 10
    /// The fake sequence-number range of demo resident IDs (GB 11643 positions 15–17).
    static let sequenceRange = 900...999
    /// 170 0000 0000 – 170 0000 9999.
    static let phonePrefix = "1700000"

    /// SplitMix64: small, fast, and the same sequence on every platform.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        init(seed text: String) {
            // FNV-1a: Swift's own `hashValue` changes from one process to the next.
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
            state = h
        }
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
        mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
        mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
        mutating func uuid() -> UUID {
            var bytes = [UInt8](repeating: 0, count: 16)
            for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &self) }
            bytes[6] = (bytes[6] & 0x0f) | 0x40   // version 4
            bytes[8] = (bytes[8] & 0x3f) | 0x80   // RFC 4122 variant
            return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                               bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        }
    }

    /// What the generator needs to know about a station.
    struct StationSeed: Sendable {
        let id: UUID
        let cityID: UUID
        let districtID: UUID
        let path: String
        let streetName: String
        /// The district's division code, or nil (a zone such as 高新区 issues no IDs of its own).
        let districtCode: String?
        /// The coded districts of the same city: where people who moved in, and a zone's residents, got their IDs.
        let cityCodes: [String]
        let villages: [(id: UUID, name: String)]
        let isTown: Bool
    }

    struct Category: Sendable, Equatable {
        var category: RecipientCategory
        var grade: DisabilityGrade?
        var type: DisabilityType?
    }

    struct Need: Sendable, Equatable {
        var id: UUID
        var area: ServiceField
        var description: String
        var urgency: NeedUrgency
        var identifiedOn: Day
        var status: NeedStatus
        var statusOn: Day
    }

    /// One generated person, before sealing.
    struct Person: Sendable, Equatable {
        var id: UUID
        var name: String
        var residentID: String?
        var birth: Day
        var sex: ResidentID.Sex
        var phone: String?
        var address: String
        var villageID: UUID
        var categories: [Category]
        var followUpLevel: Int?
        var registeredOn: Day
        var status: RecipientStatus = .active
        var statusOn: Day
        var statusReason = ""
        var householdID: UUID?
        var relation: HouseholdRelation?
        var guardianID: UUID?
        var guardianName: String?
        var guardianPhone: String?
        var needs: [Need] = []
    }

    // MARK: - Vocabulary

    static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺").map(String.init)
    static let elderMale = ["建国", "国庆", "德明", "春生", "长海", "振华", "志刚", "玉山", "福田", "洪亮", "树林", "家栋", "文斌", "庆丰", "宝林"]
    static let elderFemale = ["秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "淑珍", "玉珍", "凤兰", "素芳", "翠花", "秀珍", "淑芬", "桂芳", "玉梅"]
    static let adultMale = ["伟", "强", "磊", "军", "勇", "涛", "斌", "超", "明", "刚", "海波", "建军", "晓东", "志强", "立新"]
    static let adultFemale = ["芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "红梅", "晓燕", "丽娟", "海燕", "春梅", "雪梅"]
    static let childMale = ["浩然", "宇轩", "子墨", "俊熙", "梓豪", "一鸣", "博文", "皓轩", "嘉豪", "铭泽", "天佑", "子轩"]
    static let childFemale = ["子涵", "梓萱", "欣怡", "一诺", "诗涵", "雨桐", "可馨", "语嫣", "思彤", "梦瑶", "佳怡", "若汐"]

    static let needTexts: [String: [String]] = [
        "social_assistance": ["申请临时救助", "低保年审材料协助", "冬季取暖补贴申领", "医疗救助报销协助", "就业援助与技能培训"],
        "elderly": ["每周上门探访", "助餐服务（老年食堂送餐）", "居家适老化改造", "陪同就医", "紧急呼叫设备安装"],
        "child_welfare": ["课业辅导", "心理疏导", "监护情况评估", "假期托管", "助学金申请"],
        "social_affairs": ["残疾人两项补贴申领", "康复辅具申请", "残疾证换证协助", "殡葬补贴咨询"],
        "community_governance": ["邻里互助结对", "社区志愿者定期联络"],
        "workforce_building": ["社工定期个案跟进"],
    ]

    static let statusReasons: [RecipientStatus: [String]] = [
        .deceased: ["家属告知已于当日去世，户籍已注销", "医院病故，家属办理后事后告知"],
        .movedOut: ["随子女迁居外地", "房屋拆迁，已搬至其他街道"],
        .paused: ["住院治疗期间暂停入户探访", "外出务工期间暂停服务"],
        .closed: ["家庭收入提高，退出低保，结案", "困难情形已消除，经评估结束服务"],
    ]

    // MARK: - Planning (pure: no database, no clock of its own)

    /// The people of one station. `taken` holds the resident IDs already given out (to keep them unique
    /// across the stations of one district); `phones` counts the fake numbers given out.
    static func plan(_ station: StationSeed, round: Int = 0, today: Day, serviceFields: [ServiceField], followUpLevels: Int,
                     taken: inout Set<String>, phones: inout Int) -> [Person] {
        var rng = Generator(seed: round == 0 ? station.streetName : "\(station.streetName)#\(round)")
        let target = perStation + rng.int(-spread...spread)
        var people: [Person] = []
        var building = 1

        func newPhone() -> String {
            defer { phones += 1 }
            return phonePrefix + String(format: "%04d", phones % 10_000)
        }
        func birthDay(age: ClosedRange<Int>) -> Day {
            // A birthday between `age.upperBound + 1` and `age.lowerBound` years ago.
            let a = rng.int(age)
            return today.adding(days: -(a * 365 + a / 4) - rng.int(1...364))
        }
        func residentID(birth: Day, sex: ResidentID.Sex) -> String? {
            // One person in sixty has no ID on file (flagged 无身份证号, birth date and sex typed).
            if rng.chance(1.0 / 60) { return nil }
            let codes = station.cityCodes.isEmpty ? [station.districtCode ?? "370102"] : station.cityCodes
            let code = station.districtCode.map { rng.chance(0.85) ? $0 : rng.pick(codes) } ?? rng.pick(codes)
            let date = String(format: "%04d%02d%02d", birth.year, birth.month, birth.dayOfMonth)
            // The 17th digit is odd for men, even for women.
            var seq = rng.int(sequenceRange.lowerBound / 2...sequenceRange.upperBound / 2) * 2 + (sex == .male ? 1 : 0)
            for _ in 0..<60 {
                if seq > sequenceRange.upperBound { seq = sequenceRange.lowerBound + (sex == .male ? 1 : 0) }
                if let id = ResidentID.completing(code + date + String(seq)), !taken.contains(id) {
                    taken.insert(id)
                    return id
                }
                seq += 2
            }
            return nil
        }
        func name(_ sex: ResidentID.Sex, age: Int, surname: String? = nil) -> String {
            let given: [String] = switch (age, sex) {
            case (60..., .male): elderMale
            case (60..., .female): elderFemale
            case (18..., .male): adultMale
            case (18..., .female): adultFemale
            case (_, .male): childMale
            case (_, .female): childFemale
            }
            return (surname ?? rng.pick(surnames)) + rng.pick(given)
        }
        func address(_ village: (id: UUID, name: String)) -> String {
            defer { building += 1 }
            return station.isTown ? "\(village.name)\(building)号" : "\(village.name)\(building % 30 + 1)号楼\(rng.int(1...4))单元\(rng.int(1...6))0\(rng.int(1...3))室"
        }
        func person(age: ClosedRange<Int>, sex: ResidentID.Sex? = nil, surname: String? = nil, categories: [Category],
                    village: (id: UUID, name: String), address: String) -> Person {
            let sex = sex ?? (rng.chance(0.5) ? .male : .female)
            let birth = birthDay(age: age)
            let years = birth.age(on: today)
            let registered = today.adding(days: -rng.int(30...720))
            return Person(
                id: rng.uuid(), name: name(sex, age: years, surname: surname), residentID: residentID(birth: birth, sex: sex),
                birth: birth, sex: sex, phone: years >= 16 && rng.chance(0.85) ? newPhone() : nil, address: address, villageID: village.id,
                categories: categories, followUpLevel: rng.chance(0.7) ? rng.int(1...max(1, followUpLevels)) : nil,
                registeredOn: registered, statusOn: registered)
        }
        func disability() -> Category {
            // Grade 一级 is the most severe and the rarest; 肢体残疾 the most common type.
            let grade = rng.pick([DisabilityGrade.one, .two, .two, .three, .three, .three, .four, .four, .four, .four])
            let type = rng.pick([DisabilityType.physical, .physical, .physical, .physical, .visual, .visual, .hearing, .hearing,
                                 .intellectual, .mental, .mental, .speech, .multiple])
            return Category(category: .disabled, grade: grade, type: type)
        }
        func c(_ category: RecipientCategory) -> Category { Category(category: category) }
        func guardian(for child: inout Person, relation: String) {
            child.guardianName = rng.pick(surnames) + rng.pick(adultFemale + adultMale) + "（\(relation)）"
            child.guardianPhone = newPhone()
        }

        while people.count < target {
            let village = rng.pick(station.villages)
            let home = address(village)
            let roll = rng.int(1...100)
            switch roll {
            case 1...8:
                // An elderly couple living on their own: both 空巢老人, sometimes one needs care.
                let surname = rng.pick(surnames)
                var husband = person(age: 65...92, sex: .male, surname: surname, categories: [c(.emptyNest)], village: village, address: home)
                var wife = person(age: 63...90, sex: .female, categories: [c(.emptyNest)], village: village, address: home)
                if rng.chance(0.25) { husband.categories.append(c(.minimumLiving)); wife.categories.append(c(.minimumLiving)) }
                if rng.chance(0.2) { wife.categories.append(c(.disabledElder)) }
                husband.householdID = husband.id
                wife.householdID = husband.id
                wife.relation = .spouse
                wife.registeredOn = husband.registeredOn
                wife.statusOn = husband.statusOn
                people += [husband, wife]
            case 9...13:
                // A 低保 family: the head, often a spouse, and one or two children with the head as guardian.
                let surname = rng.pick(surnames)
                var head = person(age: 32...55, surname: surname, categories: [c(.minimumLiving)], village: village, address: home)
                if rng.chance(0.4) { head.categories.append(disability()) }
                head.householdID = head.id
                var family = [head]
                if rng.chance(0.6) {
                    var spouse = person(age: 30...55, sex: head.sex == .male ? .female : .male, categories: [c(.minimumLiving)], village: village, address: home)
                    spouse.householdID = head.id
                    spouse.relation = .spouse
                    family.append(spouse)
                }
                for _ in 0..<rng.int(1...2) {
                    var child = person(age: 3...16, surname: head.sex == .male ? surname : nil,
                                       categories: [c(.minimumLiving)] + (rng.chance(0.5) ? [c(.childInDistress)] : []), village: village, address: home)
                    child.householdID = head.id
                    child.relation = .child
                    child.guardianID = head.id
                    family.append(child)
                }
                for i in family.indices { family[i].registeredOn = head.registeredOn; family[i].statusOn = head.statusOn }
                people += family
            case 14...16:
                // A grandparent raising a left-behind grandchild whose parents work in another city.
                let surname = rng.pick(surnames)
                var grandparent = person(age: 58...75, surname: surname, categories: [c(.emptyNest)], village: village, address: home)
                grandparent.householdID = grandparent.id
                var family = [grandparent]
                for _ in 0..<rng.int(1...2) {
                    var child = person(age: 4...15, surname: grandparent.sex == .male ? surname : nil, categories: [c(.leftBehindChild)],
                                       village: village, address: home)
                    child.householdID = grandparent.id
                    child.relation = .grandchild
                    child.guardianID = grandparent.id
                    family.append(child)
                }
                for i in family.indices { family[i].registeredOn = grandparent.registeredOn; family[i].statusOn = grandparent.statusOn }
                people += family
            case 17...46:
                // 低保 adults, some with a disability.
                var p = person(age: 18...64, categories: [c(rng.chance(0.85) ? .minimumLiving : .nearMinimumLiving)], village: village, address: home)
                if rng.chance(0.2) { p.categories.append(disability()) }
                people.append(p)
            case 47...60:
                // Elders living alone; a quarter on 低保, some disabled or in need of care.
                var p = person(age: 65...96, categories: [c(.livingAlone)], village: village, address: home)
                if rng.chance(0.3) { p.categories.insert(c(.minimumLiving), at: 0) }
                if rng.chance(0.12) { p.categories.append(c(.disabledElder)) }
                people.append(p)
            case 61...67:
                // Empty-nest elders whose spouse is not on the list (or has died).
                var p = person(age: 62...92, categories: [c(.emptyNest)], village: village, address: home)
                if rng.chance(0.2) { p.categories.append(c(.disabledElder)) }
                people.append(p)
            case 68...79:
                // People with a disability, half of them on 低保.
                var p = person(age: 18...80, categories: [disability()], village: village, address: home)
                if rng.chance(0.5) { p.categories.insert(c(.minimumLiving), at: 0) }
                people.append(p)
            case 80...83:
                // 特困供养: no one to support them.
                var p = person(age: 45...90, categories: [c(.extremePoverty)], village: village, address: home)
                if rng.chance(0.3) { p.categories.append(disability()) }
                people.append(p)
            case 84...86:
                people.append(person(age: 30...70, categories: [c(.expenditurePoverty)], village: village, address: home))
            case 87...88:
                // A child in distress (困境儿童) with a relative as guardian; often disabled.
                var p = person(age: 2...17, categories: [c(.childInDistress)] + (rng.chance(0.4) ? [disability()] : []), village: village, address: home)
                guardian(for: &p, relation: rng.pick(["母亲", "父亲", "祖母", "外祖母"]))
                people.append(p)
            case 89...90:
                var p = person(age: 5...15, categories: [c(.leftBehindChild)], village: village, address: home)
                guardian(for: &p, relation: rng.pick(["祖父", "祖母", "外祖母"]))
                people.append(p)
            case 91:
                // Orphans and children in fact without support: rare, always with a named guardian.
                var p = person(age: 3...17, categories: [c(rng.chance(0.5) ? .orphan : .unsupportedChild)], village: village, address: home)
                guardian(for: &p, relation: rng.pick(["叔叔", "姑姑", "舅舅", "祖母"]))
                people.append(p)
            case 92...96:
                var p = person(age: 60...90, categories: [c(.disabledElder)], village: village, address: home)
                if rng.chance(0.4) { p.categories.insert(c(.minimumLiving), at: 0) }
                people.append(p)
            default:
                people.append(person(age: 20...75, categories: [c(.other)], village: village, address: home))
            }
        }
        people = Array(people.prefix(target + 3))   // a family may run a few past the target

        // A few records that are no longer active, each with the day and reason of the change.
        for i in people.indices where rng.chance(0.06) {
            let age = people[i].birth.age(on: today)
            let choices: [RecipientStatus] = age >= 75 ? [.deceased, .deceased, .movedOut, .paused, .closed] : [.movedOut, .paused, .closed, .closed]
            let status = rng.pick(choices)
            let on = people[i].registeredOn.adding(days: rng.int(1...max(1, people[i].registeredOn.days(until: today))))
            people[i].status = status
            people[i].statusOn = min(on, today)
            people[i].statusReason = rng.pick(statusReasons[status]!)
        }

        // Needs for about a third of the active records, in the areas of the city's profile.
        guard !serviceFields.isEmpty else { return people }
        for i in people.indices where people[i].status == .active && rng.chance(0.35) {
            let p = people[i]
            let minor = p.birth.age(on: today) < 18
            let elder = p.birth.age(on: today) >= 60
            var areas = [minor ? "child_welfare" : elder ? "elderly" : "social_assistance"]
            if p.categories.contains(where: { $0.category == .disabled }) { areas.append("social_affairs") }
            areas.append("social_assistance")
            for _ in 0..<rng.int(1...3) {
                let area = rng.pick(areas)
                let field = serviceFields.first { $0.code == area } ?? rng.pick(serviceFields)
                let identified = p.registeredOn.adding(days: rng.int(0...max(0, p.registeredOn.days(until: today))))
                let status = rng.pick([NeedStatus.open, .open, .beingServed, .beingServed, .met, .met, .met, .referred, .cannotBeMet])
                let statusOn = status == .open ? identified : min(today, identified.adding(days: rng.int(3...60)))
                people[i].needs.append(Need(id: rng.uuid(), area: field, description: rng.pick(needTexts[field.code] ?? ["定期跟进"]),
                                            urgency: rng.pick([NeedUrgency.urgent, .high, .high, .normal, .normal, .normal, .low]),
                                            identifiedOn: identified, status: status, statusOn: statusOn))
            }
        }
        return people
    }

    // MARK: - Writing

    /// The demo stations as seeds: every station of every demo city, in a fixed order.
    static func seeds(on db: any Database) async throws -> [StationSeed] {
        let units = try await OrgUnit.query(on: db).all()
        let byID = Dictionary(units.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        var seeds: [StationSeed] = []
        for station in try await Station.query(on: db).all() {
            guard let street = byID[station.streetID], let district = byID[station.districtID] else { continue }
            let cityCodes = units.filter { $0.level == .district && $0.parentID == station.cityID }.compactMap(\.divisionCode).sorted()
            let villages = units.filter { $0.parentID == street.id && $0.level == .village }.sorted { $0.name < $1.name }.map { (id: $0.id!, name: $0.name) }
            guard !villages.isEmpty else { continue }
            seeds.append(StationSeed(id: station.id!, cityID: station.cityID, districtID: station.districtID, path: station.path,
                                     streetName: street.name, districtCode: district.divisionCode, cityCodes: cityCodes,
                                     villages: villages, isTown: street.name.hasSuffix("镇")))
        }
        return seeds.sorted { ($0.districtCode ?? "~", $0.streetName) < ($1.districtCode ?? "~", $1.streetName) }
    }

    static let recipientColumns = ["id", "station_id", "city_id", "district_id", "path", "village_id", "name", "resident_id_sealed", "resident_id_hash",
                                   "resident_id_masked", "birth_date", "sex", "phone_sealed", "phone_hash", "phone_masked", "address", "follow_up_level",
                                   "status", "status_on", "household_id", "household_relation", "guardian_id", "guardian_name", "guardian_phone_sealed",
                                   "guardian_phone_masked", "import_id", "created_at", "updated_at"]

    /// Writes every demo station's recipients with batched inserts, inside the demo's transaction;
    /// one audit event per station records its list as an import. Returns how many were written.
    /// - Parameters:
    ///   - rounds: how many lists of about 150 per station (the benchmark's 500,000 in a city); each
    ///     round draws new people.
    ///   - events: with the timeline rows (imported, status, need events) and the needs.
    @discardableResult
    static func add(seeds: [StationSeed], rounds: Int = 1, events withEvents: Bool = true, today: Day, now: Date, key: DataKey,
                    profiles: [UUID: PolicyProfile], db: any Database, recorder: AuditLog.Recorder? = nil) async throws -> Int {
        let sql = db as! any SQLDatabase
        var taken = Set<String>()
        var phones = 0
        var written = 0
        var recipients: [[any Encodable & Sendable]] = []
        var categories: [[any Encodable & Sendable]] = []
        var events: [[any Encodable & Sendable]] = []
        var needs: [[any Encodable & Sendable]] = []
        func flush() async throws {
            // Heads of household come first in each list: a member's household_id and guardian_id point at them.
            try await GenerateCommand.insert(sql, Recipient.schema, recipientColumns, recipients)
            try await GenerateCommand.insert(sql, RecipientCategoryRow.schema,
                                             ["id", "recipient_id", "station_id", "category", "disability_grade", "disability_type", "verified_on",
                                              "verified_by_name", "created_at"], categories)
            try await GenerateCommand.insert(sql, RecipientEvent.schema,
                                             ["id", "recipient_id", "kind", "happened_on", "status", "detail", "reason", "actor_name", "created_at"], events)
            try await GenerateCommand.insert(sql, RecipientNeed.schema,
                                             ["id", "recipient_id", "station_id", "area", "description", "urgency", "identified_on", "status", "status_on",
                                              "created_at", "updated_at"], needs)
            written += recipients.count
            recipients = []; categories = []; events = []; needs = []
        }
        for round in 0..<rounds {
            for seed in seeds {
                let profile = profiles[seed.cityID]
                let people = plan(seed, round: round, today: today, serviceFields: profile?.needAreas ?? [],
                                  followUpLevels: profile?.followUpLevels ?? 3, taken: &taken, phones: &phones)
                var rng = Generator(seed: "events:\(round):" + seed.streetName)
                let importID = rng.uuid()
                let worker = "社工站（演示数据）"
                for p in people {
                    let id = p.residentID.flatMap { try? ResidentID($0, today: today) }
                    let phone = p.phone.flatMap(PhoneNumber.init)
                    let guardianPhone = p.guardianPhone.flatMap(PhoneNumber.init)
                    recipients.append([p.id, seed.id, seed.cityID, seed.districtID, seed.path, p.villageID, p.name,
                                       try id.map { try key.seal($0.value) }, id.map { key.lookupHash($0.value) }, id?.masked,
                                       p.birth.description, p.sex.rawValue, try phone.map { try key.seal($0.value) }, phone.map { key.lookupHash($0.value) },
                                       phone?.masked, p.address, p.followUpLevel, p.status.rawValue, p.statusOn.description,
                                       p.householdID, p.relation?.rawValue, p.guardianID, p.guardianName,
                                       try guardianPhone.map { try key.seal($0.value) }, guardianPhone?.masked, importID, now, now])
                    for cat in p.categories {
                        categories.append([rng.uuid(), p.id, seed.id, cat.category.rawValue, cat.grade?.rawValue, cat.type?.rawValue,
                                           p.registeredOn.description, worker, now])
                    }
                    guard withEvents else { continue }
                    events.append([rng.uuid(), p.id, RecipientEventKind.imported.rawValue, p.registeredOn.description, nil as String?,
                                   "由表格批量导入（演示数据）", "", "演示数据", now])
                    if p.status != .active {
                        events.append([rng.uuid(), p.id, RecipientEventKind.status.rawValue, p.statusOn.description, p.status.rawValue,
                                       "由“\(RecipientStatus.active.label)”改为“\(p.status.label)”", p.statusReason, worker, now])
                    }
                    for n in p.needs {
                        needs.append([n.id, p.id, seed.id, n.area.code, n.description, n.urgency.rawValue, n.identifiedOn.description,
                                      n.status.rawValue, n.statusOn.description, now, now])
                        events.append([rng.uuid(), p.id, RecipientEventKind.need.rawValue, n.identifiedOn.description, nil as String?,
                                       "\(n.area.label)：\(n.description)（\(n.urgency.label)）", "", worker, now])
                    }
                }
                recorder?.record(.create, entityType: "recipient_import", entityID: importID.uuidString,
                                 changes: ["station_id": [nil, seed.id.uuidString], "rows": [nil, String(people.count)], "source": [nil, "演示数据"]])
                if recipients.count >= 20_000 { try await flush() }
            }
        }
        try await flush()
        return written
    }
}
