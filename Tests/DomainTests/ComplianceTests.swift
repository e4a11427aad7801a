import Domain
import Testing

@Suite("Compliance engine")
struct ComplianceTests {
    let jinan = try! PolicyProfile.shipped("jinan")
    let wuhan = try! PolicyProfile.shipped("wuhan")
    let guangzhou = try! PolicyProfile.shipped("guangzhou")
    let endOf2025 = Day("2026-06-01")!

    func worker(_ name: String, from: String = "2024-01-01", to: String = "2099-12-31", fullTime: Bool = true, major: Major? = .socialWork,
                education: Education? = .bachelor, certificate: CertificateLevel? = .assistant, certified: String? = "2020-06-20",
                years: Double? = 5, supervision: Double = 30, training: Double = 45) -> StationFacts.Worker {
        .init(name: name, stationedFrom: Day(from)!, stationedTo: Day(to)!, fullTime: fullTime, education: education, major: major,
              certificate: certificate, certificateDate: certified.flatMap(Day.init), experienceYears: years,
              supervisionHours: supervision, trainingHours: training)
    }

    func facts(workers: [StationFacts.Worker], demo: Bool = true, kind: DistrictKind? = .centralUrban, office: Double = 30, caseRoom: Double = 16,
               contract: String? = "2024-03-01", supervisors: [StationFacts.Supervisor] = [.init(name: "赵督导", pool: .cityExpert, experienceYears: 8)],
               records: StationFacts.SupervisionRecords = .init(total: 1, incomplete: 0, unconfirmed: 0)) -> StationFacts {
        StationFacts(rooms: [.office: .init(area: office, shared: false), .caseWork: .init(area: caseRoom, shared: false),
                             .groupWork: .init(area: 40, shared: true), .activity: .init(area: 80, shared: true), .archive: .init(area: 10, shared: true)],
                     equipment: Set(Equipment.allCases), outdoorSign: true, indoorSign: true, isDemonstration: demo, districtKind: kind,
                     contractStart: contract.flatMap(Day.init), annualContractAmount: 400_000, annualPersonnelBudget: 330_000,
                     workers: workers, supervisors: supervisors, supervisionRecords: records)
    }

    func state(_ findings: [Finding], _ id: String) -> FindingState? { findings.first { $0.ruleID == id }?.state }

    @Test func profilesShipEveryRuleWithParametersAndSources() throws {
        #expect(jinan.rule("S-1")?.params["minWorkers"] == 3)
        #expect(jinan.rule("T-2")?.params["hoursPerWorker"] == 24)
        #expect(jinan.rule("E-2")?.params["excellent"] == 90)
        #expect(wuhan.rule("S-2")?.params == ["minFullTimeCentral": 3, "minFullTimeNew": 2])
        #expect(guangzhou.rule("S-8")?.params["yuanPerWorker"] == 120_000)
        #expect(jinan.rules.allSatisfy { !$0.source.document.isEmpty })
        #expect(jinan.rule("S-2") == nil, "S-2 is Wuhan's")
    }

    @Test func aCompliantDemonstrationStationPassesEveryEvaluatedJinanRule() {
        let findings = ComplianceEngine.evaluate(jinan, facts(workers: [worker("甲"), worker("乙"), worker("丙")]), year: 2025, today: endOf2025)
        #expect(findings.map(\.ruleID).sorted() == ["P-1", "P-2", "P-3", "P-4", "P-5", "S-1", "S-3", "S-4", "T-1", "T-2", "T-3", "T-5"])
        #expect(findings.filter { $0.state != .pass }.map(\.ruleID) == [])
    }

    @Test func shouldRulesWarnAndMustRulesFail() {
        let f = ComplianceEngine.evaluate(jinan, facts(workers: [worker("甲"), worker("乙")], office: 8), year: 2025, today: endOf2025)
        #expect(state(f, "S-1") == .warning)       // should: 2 of 3 workers
        #expect(state(f, "P-2") == .failure)       // must: 8 m² for 2 people
        #expect(f.first { $0.ruleID == "P-2" }?.measured == "8 平方米 ÷ 2 人 = 4 平方米")
        #expect(f.first { $0.ruleID == "P-2" }?.advice == "扩大社工办公室至不少于 10 平方米")
    }

    /// Issue 8: rounding never makes a failing value look passing.
    @Test func aFailingValueIsNeverShownRoundedUpToTheRequirement() {
        #expect(ComplianceEngine.shown(14.99) == "14.99")
        #expect(ComplianceEngine.shown(14.999) == "14.99")
        #expect(ComplianceEngine.shown(15) == "15")
        #expect(ComplianceEngine.shown(2.5) == "2.5")
        // P-2 at 5 m² a head: 14.99 m² for 3 people is 4.996… m² each, which fails and must not read "5.0"
        let f = ComplianceEngine.evaluate(jinan, facts(workers: [worker("甲"), worker("乙"), worker("丙")], office: 14.99), year: 2025, today: endOf2025)
        #expect(state(f, "P-2") == .failure)
        #expect(f.first { $0.ruleID == "P-2" }?.measured == "14.99 平方米 ÷ 3 人 = 4.99 平方米")
    }

    @Test func demonstrationRulesDoNotApplyToOrdinaryStations() {
        let f = ComplianceEngine.evaluate(jinan, facts(workers: [worker("甲", supervision: 0)], demo: false), year: 2025, today: endOf2025)
        #expect(state(f, "T-2") == .notApplicable)
        #expect(state(f, "P-3") == .notApplicable)
    }

    @Test func missingDataIsNeverAPass() {
        let unknown = worker("甲", major: nil, education: nil, certificate: nil, certified: nil)
        let f = ComplianceEngine.evaluate(jinan, facts(workers: [unknown]), year: 2025, today: endOf2025)
        #expect(state(f, "S-3") == .missingData)
        let none = ComplianceEngine.evaluate(jinan, facts(workers: []), year: 2025, today: endOf2025)
        #expect(state(none, "P-2") == .missingData)
        #expect(state(none, "T-2") == .missingData)
    }

    @Test func partYearWorkerIsHeldToAProRatedShare() {
        // Stationed from 1 July 2025 (184 of 365 days): 24 h × 184/365 = 12.1 → 12.5 h.
        let f = ComplianceEngine.evaluate(jinan, facts(workers: [worker("新人", from: "2025-07-01", supervision: 12.5, training: 20.5)]), year: 2025, today: endOf2025)
        #expect(state(f, "T-2") == .pass)
        #expect(state(f, "T-3") == .pass)   // 40 × 184/365 = 20.2 → 20.5
        let short = ComplianceEngine.evaluate(jinan, facts(workers: [worker("新人", from: "2025-07-01", supervision: 12)]), year: 2025, today: endOf2025)
        #expect(short.first { $0.ruleID == "T-2" }?.measured == "未达标：新人 12/12.5 小时")
        // Stationed for the last 20 days of the year: not held to the hours rules.
        let brief = ComplianceEngine.evaluate(jinan, facts(workers: [worker("短期", from: "2025-12-12", supervision: 0, training: 0)]), year: 2025, today: endOf2025)
        #expect(state(brief, "T-2") == .missingData)
    }

    @Test func aCertificateCountsFromItsDate() {
        let midYear = worker("乙", major: .other, certificate: .assistant, certified: "2025-06-20")
        let atYearEnd = ComplianceEngine.evaluate(jinan, facts(workers: [midYear]), year: 2025, today: endOf2025)
        #expect(state(atYearEnd, "S-4") == .pass)
        // Evaluated on 1 May 2025 (the current year then), the certificate is not yet held.
        let inMay = ComplianceEngine.evaluate(jinan, facts(workers: [midYear]), year: 2025, today: Day("2025-05-01")!)
        #expect(state(inMay, "S-4") == .failure)
    }

    @Test func wuhanFullTimeDependsOnTheDistrictKind() {
        let two = [worker("甲"), worker("乙"), worker("丙", fullTime: false)]
        #expect(state(ComplianceEngine.evaluate(wuhan, facts(workers: two, kind: .centralUrban), year: 2025, today: endOf2025), "S-2") == .failure)
        #expect(state(ComplianceEngine.evaluate(wuhan, facts(workers: two, kind: .newUrban), year: 2025, today: endOf2025), "S-2") == .pass)
        #expect(state(ComplianceEngine.evaluate(wuhan, facts(workers: two, kind: nil), year: 2025, today: endOf2025), "S-2") == .missingData)
        #expect(state(ComplianceEngine.evaluate(wuhan, facts(workers: two), year: 2025, today: endOf2025), "S-7") == .missingData, "wage parameter not set")
    }

    @Test func guangzhouCertifiedRatioFollowsTheContractYear() {
        let staff = [worker("甲"), worker("乙", certificate: CertificateLevel.none), worker("丙", certificate: CertificateLevel.none)]
        // Contract from 1 March 2025: on 31 Dec 2025 it is year 1 → 1/2 of 3 = 2 needed, 1 held.
        let y1 = ComplianceEngine.evaluate(guangzhou, facts(workers: staff, contract: "2025-03-01"), year: 2025, today: endOf2025)
        #expect(y1.first { $0.ruleID == "S-6" }?.required == "合同第 1 年持证比例不低于 50%")
        #expect(state(y1, "S-6") == .failure)
        let two = [worker("甲"), worker("乙"), worker("丙", certificate: CertificateLevel.none)]
        #expect(state(ComplianceEngine.evaluate(guangzhou, facts(workers: two, contract: "2025-03-01"), year: 2025, today: endOf2025), "S-6") == .pass)
        // Contract from 1 March 2023: 31 Dec 2025 is in year 3 → 2/3.
        let y3 = ComplianceEngine.evaluate(guangzhou, facts(workers: two, contract: "2023-03-01"), year: 2025, today: endOf2025)
        #expect(y3.first { $0.ruleID == "S-6" }?.required == "合同第 3 年持证比例不低于 67%")
        #expect(state(y3, "S-6") == .pass)
        #expect(state(ComplianceEngine.evaluate(guangzhou, facts(workers: two, contract: nil), year: 2025, today: endOf2025), "S-6") == .missingData)
    }

    @Test func supervisionRecordsMustBeCompleteAndConfirmed() {
        func t5(_ records: StationFacts.SupervisionRecords) -> Finding? {
            ComplianceEngine.evaluate(jinan, facts(workers: [worker("甲")], records: records), year: 2025, today: endOf2025).first { $0.ruleID == "T-5" }
        }
        #expect(t5(.init(total: 24, incomplete: 0, unconfirmed: 0))?.state == .pass)
        #expect(t5(.init(total: 24, incomplete: 0, unconfirmed: 1))?.state == .warning)
        #expect(t5(.init(total: 24, incomplete: 0, unconfirmed: 1))?.measured == "1/24 条记录未经双方确认")
        // An incomplete record is a failure even when every record is also unconfirmed.
        #expect(t5(.init(total: 24, incomplete: 2, unconfirmed: 24))?.state == .failure)
        #expect(t5(.init(total: 24, incomplete: 2, unconfirmed: 24))?.measured == "2/24 条记录不完整")
        #expect(t5(.init(total: 0, incomplete: 0, unconfirmed: 0))?.state == .failure)
    }

    @Test func changedParametersAreUsed() {
        let stricter = jinan.applying(["S-1": ["minWorkers": 5]])
        let f = ComplianceEngine.evaluate(stricter, facts(workers: [worker("甲"), worker("乙"), worker("丙")]), year: 2025, today: endOf2025)
        #expect(f.first { $0.ruleID == "S-1" }?.required == "不少于 5 人")
        #expect(state(f, "S-1") == .warning)
    }
}

@Suite("Deadlines")
struct DeadlineTests {
    let jinan = try! PolicyProfile.shipped("jinan")

    @Test func datesComeFromTheProfile() {
        let all = Deadlines.all(jinan, years: 2026...2026)
        #expect(all.first { $0.ruleID == "D-2" }?.due == Day("2026-04-10"))
        #expect(all.first { $0.ruleID == "D-3" }?.due == Day("2026-10-10"))
        #expect(all.first { $0.ruleID == "A-7" }?.due == Day("2026-11-30"), "end of November")
        #expect(all.filter { $0.ruleID == "A-6" }.count == 12)
    }

    @Test func eachRoleSeesItsOwnWithinThirtyDays() {
        let district = Deadlines.around(jinan, today: Day("2026-11-23")!, roles: [.districtOfficer])
        #expect(district.upcoming.map(\.ruleID) == ["A-7", "A-6"])   // 30 Nov annual report, 5 Dec briefing
        #expect(district.recent.map(\.ruleID) == ["A-6"])             // 5 Nov briefing
        let worker = Deadlines.around(jinan, today: Day("2026-11-23")!, roles: [.socialWorker])
        #expect(!worker.upcoming.contains { $0.ruleID == "A-7" })
        let city = Deadlines.around(jinan, today: Day("2026-04-01")!, roles: [.cityAdmin])
        #expect(city.upcoming.map(\.ruleID) == ["D-2"])
    }
}
