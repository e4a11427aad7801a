@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 12 §1, §3: reads from hot standbys. `scripts/test` starts a primary with a streaming
/// standby (`pg_basebackup -R`) and a second standby that one test stops, and sets
/// `SHEGONG_TEST_PRIMARY_URL`, `SHEGONG_TEST_STANDBY_URL`, `SHEGONG_TEST_STANDBY2_URL` and
/// `SHEGONG_TEST_STANDBY2_STOP` (the command that stops the second); without them the suite is skipped.
/// The tests check the standbys themselves (`refreshReadReplicas`) instead of waiting for the
/// application's once-a-second check, and move the application's clock to make a lag of seconds.
@Suite("Reads from hot standbys", .serialized,
       .enabled(if: testEnvironment("SHEGONG_TEST_PRIMARY_URL") != nil && testEnvironment("SHEGONG_TEST_STANDBY_URL") != nil))
struct ReplicaTests {
    static var primary: String { testEnvironment("SHEGONG_TEST_PRIMARY_URL")! }
    static var topology: TestDatabase { .replicated(primary: primary, standbys: [testEnvironment("SHEGONG_TEST_STANDBY_URL")!]) }

    static func standby(_ world: TestWorld, _ index: Int = 0) -> any SQLDatabase {
        world.app.db(world.app.readReplicas!.standbys[index].id) as! any SQLDatabase
    }

    /// Checks until the standby has replayed everything the primary had written (within 20 s).
    static func caughtUp(_ world: TestWorld, _ index: Int = 0) async throws {
        for _ in 0..<200 {
            // A moment later each time: a standby that has passed only an older sample shows an age.
            world.app.clock.advance(by: 0.01)
            await world.app.refreshReadReplicas()
            let report = world.app.readReplicas!.report(now: world.app.clock.now)
            if report.standbys[index].1.state == .up, report.standbys[index].age == 0 { return }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        Issue.record("the standby did not catch up within 20 s")
    }

    /// Runs `body` with the standby's replay paused (`pg_wal_replay_pause()`), and resumes it
    /// afterwards, also when `body` fails: the standby serves the other tests.
    static func whileReplayPaused(_ world: TestWorld, _ body: () async throws -> Void) async throws {
        try await standby(world).raw("SELECT pg_wal_replay_pause()").run()
        do {
            try await body()
        } catch {
            try await standby(world).raw("SELECT pg_wal_replay_resume()").run()
            throw error
        }
        try await standby(world).raw("SELECT pg_wal_replay_resume()").run()
    }

    /// The service records counted on the caller's dashboard for a year.
    static func records(_ world: TestWorld, token: String, year: Int) async throws -> Int? {
        let res = try await world.api(.GET, "/api/v1/dashboard?year=\(year)", token: token)
        #expect(res.status == .ok, "\(res.body.string)")
        return try (res.json()["totals"] as? [String: Any])?["records"] as? Int
    }

    static func health(_ world: TestWorld) async throws -> [String: [String: Any]] {
        let res = try await world.app.testing().sendRequest(.GET, "/healthz")
        #expect(res.status == .ok)
        #expect(try res.json()["status"] as? String == "ok")
        let databases = try res.json()["databases"] as? [[String: Any]] ?? []
        return Dictionary(databases.map { ($0["name"] as! String, $0) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func aDashboardIsReadFromTheStandbyWhileTheWriterSeesTheirOwnWriteAtOnce() async throws {
        try await withApp(database: Self.topology) { world in
            // setup: a recipient at 解放路; a city administrator's browser; the standby caught up
            let worker = try await world.token("worker"), admin = try await world.token("admin")
            let recipient = try await RecipientTests.register(world, token: worker)
            let viewer = Browser(world)
            _ = try await viewer.login("admin")
            let writer = Browser(world)
            _ = try await writer.login("worker")
            let year = Day(Date()).adding(days: -3).year   // the visit's
            try await Self.caughtUp(world)
            let cityBefore = try #require(try await Self.records(world, token: admin, year: year))
            let stationBefore = try #require(try await Self.records(world, token: worker, year: year))
            #expect(!(try await viewer.get("/dashboard?year=\(year)")).body.string.contains("本页数据约为"))

            try await Self.whileReplayPaused(world) {
                // act: the standby stops replaying; the worker records a visit and registers a second
                // person; ten seconds pass
                let visit = try await world.api(.POST, "/api/v1/visits", token: worker, json: VisitsAndCasePagesTests.visit(recipient))
                #expect(visit.status == .created, "\(visit.body.string)")
                _ = try await RecipientTests.register(world, token: worker, id: GroupWorkTests.thirdID, name: "赵桂兰")
                world.app.clock.advance(by: 10)
                await world.app.refreshReadReplicas()

                // check: the worker's next reads show both writes (the primary serves them)
                #expect(try await Self.records(world, token: worker, year: year) == stationBefore + 1)
                let list = try await writer.get("/recipients")
                #expect(list.status == .ok)
                #expect(list.body.string.contains("赵桂兰"))
                #expect(!list.body.string.contains("本页数据约为"))
                // the administrator's dashboard comes from the standby: without the visit, saying how old it is
                #expect(try await Self.records(world, token: admin, year: year) == cityBefore)
                let page = try await viewer.get("/dashboard?year=\(year)")
                #expect(page.status == .ok)
                #expect(page.body.string.contains("本页数据约为 10 秒前的状态"), "\(page.body.string.prefix(2000))")
                // /healthz: the standby is in use, ten seconds behind
                let health = try await Self.health(world)
                #expect(health["primary"]?["state"] as? String == "up")
                #expect(health["standby-1"]?["state"] as? String == "up")
                #expect(health["standby-1"]?["lag_seconds"] as? Double == 10)
                #expect(health["standby-1"]?["wal_position"] as? String != nil)
            }

            // act: replay resumes
            try await Self.caughtUp(world)
            // check: the administrator's dashboard shows the visit now, with no line about its age
            #expect(try await Self.records(world, token: admin, year: year) == cityBefore + 1)
            let page = try await viewer.get("/dashboard?year=\(year)")
            #expect(!page.body.string.contains("本页数据约为"))
            #expect(try await Self.health(world)["standby-1"]?["lag_seconds"] as? Double == 0)
        }
    }

    @Test func aStandbyFurtherBehindThanTheLimitIsNotReadAndWritesAlwaysGoToThePrimary() async throws {
        try await withApp(database: Self.topology) { world in
            // setup
            let worker = try await world.token("worker"), admin = try await world.token("admin")
            let recipient = try await RecipientTests.register(world, token: worker)
            let year = Day(Date()).adding(days: -3).year
            try await Self.caughtUp(world)
            let before = try #require(try await Self.records(world, token: admin, year: year))
            try await Self.whileReplayPaused(world) {
                // act: a visit, then more than the 30-second limit passes without replay
                #expect(try await world.api(.POST, "/api/v1/visits", token: worker, json: VisitsAndCasePagesTests.visit(recipient)).status == .created)
                world.app.clock.advance(by: 31)
                await world.app.refreshReadReplicas()
                // check: everyone reads the primary; /healthz says why
                #expect(try await Self.records(world, token: admin, year: year) == before + 1)
                let health = try await Self.health(world)
                #expect(health["standby-1"]?["state"] as? String == "lagging")
                #expect((health["standby-1"]?["lag_seconds"] as? Double ?? 0) >= 31)
                // a write with the write lock and the audit trail still goes to the primary
                let second = try await RecipientTests.register(world, token: worker, id: GroupWorkTests.thirdID, name: "赵桂兰")
                #expect(try await Recipient.find(second, on: world.app.db) != nil)
                #expect(try await AuditChain.verify(on: world.app.db, key: world.auditKey) == .intact(count: try await AuditEvent.query(on: world.app.db).count()))
            }
        }
    }

    @Test func theApplicationChecksItsStandbysByItselfEverySecond() async throws {
        try await withApp(database: Self.topology) { world in
            // setup: the check `configure` starts with DATABASE_READ_URL, before the first request boots the application
            world.app.lifecycle.use(ReadReplicaMonitor())
            // act: a few seconds pass
            var states: [String?] = []
            for _ in 0..<50 {
                let health = try await Self.health(world)
                states.append(health["standby-1"]?["state"] as? String)
                if states.last == "up", health["primary"]?["state"] as? String == "up" { break }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            // check: unknown until the first check, then up
            #expect(states.last == "up", "\(states)")
            #expect(Set(states).isSubset(of: ["unknown", "up"]), "\(states)")
        }
    }

    @Test(.enabled(if: testEnvironment("SHEGONG_TEST_STANDBY2_URL") != nil && testEnvironment("SHEGONG_TEST_STANDBY2_STOP") != nil))
    func aStandbyThatStopsOrCannotBeReachedIsSkippedWithoutAnErrorToTheUser() async throws {
        // standby-1 is the second standby, which this test stops; standby-2 an address where nothing listens
        let topology = TestDatabase.replicated(primary: Self.primary, standbys: [testEnvironment("SHEGONG_TEST_STANDBY2_URL")!,
                                                                                 "postgres://shegong@127.0.0.1:1/postgres?tlsmode=disable"])
        try await withApp(database: topology) { world in
            // setup
            let admin = try await world.token("admin")
            let viewer = Browser(world)
            _ = try await viewer.login("admin")
            let year = Day(Date()).adding(days: -3).year
            try await Self.caughtUp(world)
            var health = try await Self.health(world)
            #expect(health["standby-1"]?["state"] as? String == "up")
            #expect(health["standby-2"]?["state"] as? String == "down")
            // a reason, without the address (anyone may read /healthz)
            #expect((health["standby-2"]?["error"] as? String ?? "").hasPrefix("连接失败"), "\(health)")
            #expect(!"\(health)".contains("127.0.0.1"))
            let before = try #require(try await Self.records(world, token: admin, year: year))
            #expect(world.app.readReplicas!.route(for: nil, now: world.app.clock.now) == .standby(0, age: 0))

            // act: the standby stops between two checks, and pages are read
            let stop = Process()
            stop.executableURL = URL(fileURLWithPath: "/bin/sh")
            stop.arguments = ["-c", testEnvironment("SHEGONG_TEST_STANDBY2_STOP")!]
            try stop.run()
            stop.waitUntilExit()
            #expect(stop.terminationStatus == 0)
            let records = try await Self.records(world, token: admin, year: year)
            let page = try await viewer.get("/dashboard?year=\(year)")

            // check: the same numbers, from the primary, and no error
            #expect(records == before)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("服务统计"))
            #expect(world.app.readReplicas!.route(for: nil, now: world.app.clock.now) == .primary)
            await world.app.refreshReadReplicas()
            health = try await Self.health(world)
            #expect(health["primary"]?["state"] as? String == "up")
            #expect(health["standby-1"]?["state"] as? String == "down")
            #expect(health["standby-1"]?["lag_seconds"] == nil)
            #expect(health["standby-2"]?["state"] as? String == "down")
            #expect(try await Self.records(world, token: admin, year: year) == before)
        }
    }
}

/// Without `DATABASE_READ_URL` (SQLite, or PostgreSQL alone) every read goes to the one database
/// as before, and /healthz names it without checking it.
@Suite("Health check")
struct HealthTests {
    @Test func withoutStandbysTheHealthCheckNamesTheOneDatabaseAndPagesSayNothingAboutAge() async throws {
        try await withApp { world in
            // setup
            let viewer = Browser(world)
            _ = try await viewer.login("admin")
            // act
            let res = try await world.app.testing().sendRequest(.GET, "/healthz")
            let page = try await viewer.get("/dashboard")
            // check
            #expect(res.status == .ok)
            #expect(res.headers.contentType == .json)
            let databases = try res.json()["databases"] as? [[String: Any]] ?? []
            #expect(try res.json()["status"] as? String == "ok")
            #expect(databases.count == 1)
            #expect(databases.first?["name"] as? String == "primary")
            #expect(databases.first?["engine"] as? String == (testEnvironment("SHEGONG_TEST_POSTGRES_URL") == nil ? "sqlite" : "postgresql"))
            #expect(databases.first?["state"] == nil)
            #expect(world.app.readReplicas == nil)
            #expect(page.status == .ok)
            #expect(!page.body.string.contains("本页数据约为"))
        }
    }
}

/// Issue 12 §2: the application behind pgbouncer in transaction mode. `scripts/test` starts one in
/// front of the primary and sets `SHEGONG_TEST_PGBOUNCER_URL`; without it the suite is skipped.
@Suite("Behind pgbouncer in transaction mode",
       .enabled(if: testEnvironment("SHEGONG_TEST_PRIMARY_URL") != nil && testEnvironment("SHEGONG_TEST_PGBOUNCER_URL") != nil))
struct PoolerTests {
    @Test func signingInConcurrentWritesAndTheAuditTrailWorkThroughThePooler() async throws {
        let database = TestDatabase.pooled(admin: testEnvironment("SHEGONG_TEST_PRIMARY_URL")!, pooler: testEnvironment("SHEGONG_TEST_PGBOUNCER_URL")!)
        try await withApp(database: database) { world in
            // setup
            let browser = Browser(world)
            let token = try await world.token("worker")
            // act: a sign-in, then twelve people registered at once (each a transaction under the
            // write lock and the advisory lock, with its audit event)
            let login = try await browser.login("worker")
            try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<12 {
                    group.addTask {
                        let id = ResidentID.completing("37010219600101" + String(format: "%03d", 100 + i))!
                        let res = try await world.api(.POST, "/api/v1/recipients", token: token, json: try await RecipientTests.input(world, id: id, name: "并发\(i)号"))
                        return res.status
                    }
                }
                for try await status in group { #expect(status == .created) }
            }
            let home = try await browser.get("/")
            let list = try await browser.get("/recipients")
            // the station's compliance page, whose queries are prepared statements on a direct
            // connection and text behind this pooler (`SHEGONG_PREPARED_STATEMENTS=off`), asked for
            // more often than there are server connections per client connection
            var compliance: [HTTPStatus] = []
            for _ in 0..<8 { compliance.append(try await browser.get("/stations/\(world.id("station:解放路街道"))/compliance").status) }
            // check
            #expect(compliance.allSatisfy { $0 == .ok }, "\(compliance)")
            #expect(login.status == .seeOther)
            #expect(home.status == .ok)
            #expect(list.body.string.contains("并发11号"))
            #expect(try await Recipient.query(on: world.app.db).count() == 12)
            let events = try await AuditEvent.query(on: world.app.db).count()
            #expect(try await AuditChain.verify(on: world.app.db, key: world.auditKey) == .intact(count: events))
            #expect(try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "recipient").count() >= 12)
        }
    }
}
