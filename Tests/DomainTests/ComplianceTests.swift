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
               records: StationFacts.SupervisionRecords = .init(total: 1, incomplete: 0, unconfirmed: 0),
               focus: StationFacts.FocusWork = .init(fields: [.init(code: "elderly", label: "养老服务", caseWork: 2, groupWork: 2, communityWork: 2),
                                                              .init(code: "child_welfare", label: "儿童福利", caseWork: 3, groupWork: 2, communityWork: 4)])) -> StationFacts {
        StationFacts(rooms: [.office: .init(area: office, shared: false), .caseWork: .init(area: caseRoom, shared: false),
                             .groupWork: .init(area: 40, shared: true), .activity: .init(area: 80, shared: true), .archive: .init(area: 10, shared: true)],
                     equipment: Set(Equipment.allCases), outdoorSign: true, indoorSign: true, isDemonstration: demo, districtKind: kind,
                     contractStart: contract.flatMap(Day.init), annualContractAmount: 400_000, annualPersonnelBudget: 330_000,
                     workers: workers, supervisors: supervisors, supervisionRecords: records, focusWork: focus).withResources()
    }

    func state(_ findings: [Finding], _ id: String) -> FindingState? { findings.first { $0.ruleID == id }?.state }

    @Test func profilesShipEveryRuleWithParametersAndSources() throws {
        #expect(jinan.rule("S-1")?.params["minWorkers"] == 3)
        #expect(jinan.rule("T-2")?.params["hoursPerWorker"] == 24)
        #expect(jinan.rule("E-2")?.params["excellent"] == 90)
        #expect(wuhan.rule("S-2")?.params == ["minFullTimeCentral": 3, "minFullTimeNew": 2])
        #expect(guangzhou.rule("S-8")?.params["yuanPerWorker"] == 120_000)
        #expect(jinan.rules.allSatisfy { !$0.sources.isEmpty })
        #expect(jinan.rule("S-2") == nil, "S-2 is Wuhan's")
    }

    @Test func aCompliantDemonstrationStationPassesEveryEvaluatedJinanRule() {
        let findings = ComplianceEngine.evaluate(jinan, facts(workers: [worker("甲"), worker("乙"), worker("丙")]), year: 2025, today: endOf2025)
        #expect(findings.map(\.ruleID).sorted() == ["P-1", "P-2", "P-3", "P-4", "P-5", "R-1", "R-2", "R-3", "S-1", "S-3", "S-4", "T-1", "T-2", "T-3", "T-5", "V-5", "V-6"])
        #expect(findings.filter { $0.state != .pass }.map(\.ruleID) == [])
    }

    /// V-5: 2–3 focus fields a year; V-6 (demonstration): per focus field ≥ 2 case-work, group-work and
    /// community-work cases — progress in the current year, a failure once the year is closed.
    @Test func focusFieldsAndTheirCasesAreFindings() {
        // setup
        let three = [worker("甲"), worker("乙"), worker("丙")]
        let one = StationFacts.FocusWork(fields: [.init(code: "elderly", label: "养老服务", caseWork: 2, groupWork: 1, communityWork: 0)])
        // act
        let none = ComplianceEngine.evaluate(jinan, facts(workers: three, focus: .init(fields: [])), year: 2026, today: Day("2026-06-01")!)
        let current = ComplianceEngine.evaluate(jinan, facts(workers: three, focus: one), year: 2026, today: Day("2026-06-01")!)
        let closed = ComplianceEngine.evaluate(jinan, facts(workers: three, focus: one), year: 2025, today: Day("2026-06-01")!)
        let ordinary = ComplianceEngine.evaluate(jinan, facts(workers: three, demo: false, focus: one), year: 2026, today: Day("2026-06-01")!)
        // check
        #expect(state(none, "V-5") == .failure && state(none, "V-6") == .missingData)
        let v5 = current.first { $0.ruleID == "V-5" }!
        #expect(v5.state == .failure && v5.measured == "1 个：养老服务" && v5.advice == "再选定 1 个重点服务领域")
        let v6 = current.first { $0.ruleID == "V-6" }!
        #expect(v6.state == .progress)
        #expect(v6.measured == "养老服务：个案 2/2、小组 1/2、社区工作 0/2")
        #expect(v6.advice.hasPrefix("还需：养老服务：小组差 1、社区工作差 2"))
        #expect(state(closed, "V-6") == .failure)
        #expect(state(ordinary, "V-6") == .notApplicable && state(ordinary, "V-5") == .failure)
    }

    /// all four libraries exist and were updated in the year; a closed year's stale library fails,
    /// the current year's is progress.
    @Test func r1WantsFourLibrariesEachUpdatedInTheYear() {
        // setup
        let three = [worker("甲"), worker("乙"), worker("丙")]
        var noCharity = facts(workers: three)
        noCharity.libraries.charity = .init()
        var stale = facts(workers: three)
        stale.keyPopulation = .init(active: 120, lastUpdated: Day("2024-06-30"))
        let r1 = { (f: StationFacts, year: Int, today: Day) in ComplianceEngine.evaluate(self.jinan, f, year: year, today: today).first { $0.ruleID == "R-1" }! }
        // act
        let missing = r1(noCharity, 2025, endOf2025)
        let closed = r1(stale, 2025, endOf2025)
        let current = r1(stale, 2026, Day("2026-03-01")!)
        let kept = r1(facts(workers: three), 2025, endOf2025)
        // check
        #expect(missing.state == .failure && missing.measured.contains("社会慈善库未建立") && missing.advice.contains("慈善资源库"))
        #expect(closed.state == .failure && closed.advice.contains("辖区重点人群库") && closed.advice.contains("2025 年尚未更新"))
        #expect(current.state == .progress)
        #expect(kept.state == .pass && kept.measured.contains("辖区重点人群库 120 人") && kept.measured.contains("政策库 8 条"))
    }

    /// a village with neither a social-work post nor a volunteer team fails at once; one no service
    /// has reached is progress until the year closes.
    @Test func r2NamesTheVillagesWithoutAPostOrTeamAndThoseNotReached() {
        // setup
        let three = [worker("甲"), worker("乙"), worker("丙")]
        var bare = facts(workers: three)
        bare.villages[1] = .init(name: "燕子山社区", hasPost: false, hasTeam: false, reached: true)
        var teamOnly = facts(workers: three)
        teamOnly.villages[1] = .init(name: "燕子山社区", hasPost: false, hasTeam: true, reached: true)
        var unreached = facts(workers: three)
        unreached.villages[0].reached = false
        let r2 = { (f: StationFacts, year: Int, today: Day) in ComplianceEngine.evaluate(self.jinan, f, year: year, today: today).first { $0.ruleID == "R-2" }! }
        // act, check
        let failed = r2(bare, 2025, endOf2025)
        #expect(failed.state == .failure && failed.measured.contains("无社工室（点）也无志愿服务队：燕子山社区"))
        #expect(r2(teamOnly, 2025, endOf2025).state == .pass)
        #expect(r2(unreached, 2026, Day("2026-03-01")!).state == .progress)
        let closed = r2(unreached, 2025, endOf2025)
        #expect(closed.state == .failure && closed.measured.contains("2025 年尚无服务到达：甸柳庄社区"))
        var none = facts(workers: three)
        none.villages = []
        #expect(r2(none, 2025, endOf2025).state == .missingData)
        #expect(r2(facts(workers: three, demo: false), 2025, endOf2025).state == .notApplicable)
    }

    /// teams registered on the national volunteer site, hours recorded; the platform's records are
    /// said not to be the national system's certificates.
    @Test func r3WantsRegisteredTeamsAndRecordedHours() {
        // setup
        let three = [worker("甲"), worker("乙"), worker("丙")]
        var unregistered = facts(workers: three)
        unregistered.volunteering.teams.append(.init(name: "燕子山志愿服务队", registered: false))
        var noHours = facts(workers: three)
        noHours.volunteering.confirmedHours = 0
        var noTeams = facts(workers: three)
        noTeams.volunteering = .init()
        let r3 = { (f: StationFacts, year: Int, today: Day) in ComplianceEngine.evaluate(self.jinan, f, year: year, today: today).first { $0.ruleID == "R-3" }! }
        // act, check
        #expect(r3(unregistered, 2025, endOf2025).state == .failure && r3(unregistered, 2025, endOf2025).measured.contains("未注册：燕子山志愿服务队"))
        #expect(r3(noHours, 2026, Day("2026-03-01")!).state == .progress)
        #expect(r3(noHours, 2025, endOf2025).state == .failure)
        #expect(r3(noTeams, 2025, endOf2025).state == .failure && r3(noTeams, 2025, endOf2025).measured == "未建立志愿服务队")
        let kept = r3(facts(workers: three), 2025, endOf2025)
        #expect(kept.state == .pass && kept.measured.contains("36.5 小时") && kept.measured.contains("非全国志愿服务信息系统证明"))
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

    /// Issue "Honest findings": the current year is progress toward the annual requirement, never a pass before it is met.
    @Test func theCurrentYearShowsHoursAsProgressTowardTheAnnualRequirement() {
        // setup: 24 November 2026; 甲 on duty all year with 20 of 24 supervision hours (T-2), 40 of 40 training hours (T-3)
        let today = Day("2026-11-24")!
        let staff = [worker("甲", supervision: 20, training: 40)]
        // act
        let f = ComplianceEngine.evaluate(jinan, facts(workers: staff), year: 2026, today: today)
        // check: T-2 is in progress with what is still to do; T-3, already met, passes
        #expect(state(f, "T-2") == .progress)
        #expect(f.first { $0.ruleID == "T-2" }?.measured == "进行中：甲 20/24 小时，还差 4 小时，截至 12 月 31 日")
        #expect(state(f, "T-3") == .pass)
        // the same hours in a closed year are a failure
        let closed = ComplianceEngine.evaluate(jinan, facts(workers: staff), year: 2026, today: Day("2027-01-02")!)
        #expect(state(closed, "T-2") == .failure)
        #expect(closed.first { $0.ruleID == "T-2" }?.measured == "未达标：甲 20/24 小时")
        // a worker whose posting here ended in June is judged on that posting at once: 24 × 181/365 → 12 h
        let left = ComplianceEngine.evaluate(jinan, facts(workers: [worker("乙", to: "2026-06-30", supervision: 10)]), year: 2026, today: today)
        #expect(state(left, "T-2") == .failure)
        // no supervision record yet in the current year is progress for T-5, a failure once the year is closed
        let none = StationFacts.SupervisionRecords(total: 0, incomplete: 0, unconfirmed: 0)
        #expect(state(ComplianceEngine.evaluate(jinan, facts(workers: staff, records: none), year: 2026, today: today), "T-5") == .progress)
        #expect(state(ComplianceEngine.evaluate(jinan, facts(workers: staff, records: none), year: 2025, today: today), "T-5") == .failure)
    }

    @Test func wuhansRoomsAreTheFourItsNoticeNames() {
        // 001 二(四) names office, case, group and activity rooms "等", no archive room, and "因地制宜" (should)
        var noArchive = facts(workers: [worker("甲")])
        noArchive.rooms[.archive] = nil
        #expect(state(ComplianceEngine.evaluate(wuhan, noArchive, year: 2025, today: endOf2025), "P-1") == .pass)
        #expect(state(ComplianceEngine.evaluate(jinan, noArchive, year: 2025, today: endOf2025), "P-1") == .failure)
        noArchive.rooms[.groupWork] = nil
        #expect(state(ComplianceEngine.evaluate(wuhan, noArchive, year: 2025, today: endOf2025), "P-1") == .warning)
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

    let calendar = try! WorkingCalendar.bundled()

    @Test func datesComeFromTheProfile() {
        let all = Deadlines.all(jinan, years: 2026...2026, calendar: calendar)
        #expect(all.first { $0.ruleID == "D-2" }?.due == Day("2026-04-10"))
        #expect(all.first { $0.ruleID == "D-3" }?.due == Day("2026-10-10"))
        #expect(all.first { $0.ruleID == "A-7" }?.due == Day("2026-11-30"), "end of November")
        #expect(all.filter { $0.ruleID == "A-6" }.count == 12)
    }

    @Test func eachRoleSeesItsOwnWithinThirtyDays() {
        let district = Deadlines.around(jinan, today: Day("2026-11-23")!, roles: [.districtOfficer], calendar: calendar)
        #expect(district.upcoming.map(\.ruleID) == ["A-7", "A-6"])   // 30 Nov annual report, 5 Dec briefing (a Saturday: 7 Dec)
        #expect(district.recent.map(\.ruleID) == ["A-6"])             // 5 Nov briefing
        let worker = Deadlines.around(jinan, today: Day("2026-11-23")!, roles: [.socialWorker], calendar: calendar)
        #expect(!worker.upcoming.contains { $0.ruleID == "A-7" })
        let city = Deadlines.around(jinan, today: Day("2026-04-01")!, roles: [.cityAdmin], calendar: calendar)
        #expect(city.upcoming.map(\.ruleID) == ["D-2"])
    }
}

@Suite("Deadlines on working days")
struct WorkingDayDeadlineTests {
    let jinan = try! PolicyProfile.shipped("jinan")
    let calendar = try! WorkingCalendar.bundled()

    @Test func aBriefingDueDuringNationalDayMovesToTheNextWorkingDay() {
        // setup: 1–8 October 2025 are off (国庆节、中秋节); A-6 has rollToWorkingDay = 1
        let september = Deadlines.all(jinan, years: 2025...2025, calendar: calendar).first { $0.title.hasSuffix("（2025年9月）") }!
        // check: due on 5 October, moved to Thursday 9 October, and it says so
        #expect(september.nominal == Day("2025-10-05"))
        #expect(september.due == Day("2025-10-09"))
        #expect(september.counting == "原定 2025-10-05（国庆节、中秋节），顺延至 2025-10-09")
        // a date that is a working day does not read as moved (A-6 due Wednesday 5 November 2025)
        let october = Deadlines.all(jinan, years: 2025...2025, calendar: calendar).first { $0.title.hasSuffix("（2025年10月）") }!
        #expect(october.due == Day("2025-11-05") && october.nominal == nil)
        #expect(october.counting == "2025-11-05 为工作日，无需顺延（规则：逢周末或法定节假日顺延）")
        #expect(!october.counting.contains("顺延至"))
        // with the parameter at 0 the named date stands
        let fixed = Deadlines.all(jinan.applying(["A-6": ["rollToWorkingDay": 0]]), years: 2025...2025, calendar: calendar)
            .first { $0.title.hasSuffix("（2025年9月）") }!
        #expect(fixed.due == Day("2025-10-05"))
        #expect(fixed.nominal == nil)
        // a year the calendar does not hold keeps the named date and says why
        let unknown = calendar.years.keys.max()! + 1
        let later = Deadlines.all(jinan, years: unknown...unknown, calendar: calendar).first { $0.ruleID == "D-2" }!
        #expect(later.due == Day(year: unknown, month: 4, day: 10))
        #expect(later.counting.contains("尚未录入工作日历"))
    }

    @Test func aHandoverIsDueThirtyWorkingDaysAfterTheExit() throws {
        // exit on Monday 30 September 2024, the exit day not counted → 15 November 2024
        let due = try #require(try Deadlines.handover(jinan, exit: Day("2024-09-30")!, station: "解放路站", operatorName: "甲机构", calendar: calendar))
        #expect(due.due == Day("2024-11-15"))
        #expect(due.roles == [.operatorManager, .districtOfficer, .cityAdmin])
        #expect(due.counting == "2024-09-30 退出；退出之日不计入，自次日起算第 30 个工作日")
        // Wuhan's notice sets no handover period
        #expect(try Deadlines.handover(try PolicyProfile.shipped("wuhan"), exit: Day("2024-09-30")!, station: "", operatorName: "", calendar: calendar) == nil)
    }
}

extension StationFacts {
    /// Complete facts for 2025: four libraries updated in the year, two villages covered,
    /// one registered team with hours.
    func withResources() -> StationFacts {
        var f = self
        f.keyPopulation = .init(active: 120, lastUpdated: Day("2025-03-01"))
        f.libraries = .init(policies: .init(count: 8, lastUpdated: Day("2025-02-01")), charity: .init(count: 3, lastUpdated: Day("2025-05-01")),
                            volunteers: .init(count: 40, lastUpdated: Day("2025-04-01")))
        f.villages = [.init(name: "甸柳庄社区", hasPost: true, hasTeam: true, reached: true), .init(name: "燕子山社区", hasPost: true, hasTeam: false, reached: true)]
        f.volunteering = .init(teams: [.init(name: "甸柳庄志愿服务队", registered: true)], confirmedHours: 36.5)
        return f
    }
}
