@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 7, section 1: each defect the security review found, with the test that keeps it closed.
@Suite("Hardening: sign-in, sessions and tokens")
struct SignInHardeningTests {
    @Test(arguments: ["/\\evil.example", "//evil.example", "/\t/evil.example", "https://evil.example", "/\u{0}/x", "javascript:alert(1)", "evil.example", " /x"])
    func loginNeverRedirectsOffSite(next: String) async throws {
        #expect(LocalRedirect.path(next) == "/")
        try await withApp { world in
            let browser = Browser(world)
            try await browser.get("/login")
            let res = try await browser.post("/login", form: ["username": "admin", "password": TestWorld.password, "next": next])
            #expect(res.status == .seeOther)
            #expect(res.headers.first(name: .location) == "/")
        }
    }

    @Test func loginKeepsALocalDestination() {
        #expect(LocalRedirect.path("/stations?district=abc&page=2") == "/stations?district=abc&page=2")
        #expect(LocalRedirect.path("/compliance#S-2") == "/compliance#S-2")
        #expect(LocalRedirect.path(nil) == "/")
    }

    @Test func loginIssuesANewSessionID() async throws {
        try await withApp { world in
            let browser = Browser(world)
            try await browser.get("/login")
            let before = try #require(browser.cookie)
            _ = try await browser.post("/login", form: ["username": "admin", "password": TestWorld.password, "next": "/"])
            let after = try #require(browser.cookie)
            #expect(before != after)
            // the pre-login id no longer names any session
            let attacker = Browser(world)
            attacker.cookie = before
            let res = try await attacker.get("/stations")
            #expect(res.status == .seeOther)
            #expect(res.headers.first(name: .location)?.hasPrefix("/login") == true)
        }
    }

    @Test func ownPasswordChangeEndsOtherSessionsAndTokens() async throws {
        try await withApp { world in
            let here = Browser(world), elsewhere = Browser(world)
            _ = try await here.login("worker")
            _ = try await elsewhere.login("worker")
            let token = try await world.token("worker")
            try await here.get("/account/password")
            let changed = try await here.post("/account/password", form: ["current": TestWorld.password, "new": "a-new-password", "repeat": "a-new-password"])
            #expect(changed.status == .ok)
            #expect(try await here.get("/stations").status == .ok)
            #expect(try await elsewhere.get("/stations").status == .seeOther)
            #expect(try await world.api(.GET, "/api/v1/me", token: token).status == .unauthorized)
        }
    }

    @Test func passwordResetByAdminEndsEverySessionOfTheUser() async throws {
        try await withApp { world in
            let worker = Browser(world)
            _ = try await worker.login("worker")
            let workerToken = try await world.token("worker")
            let admin = try await world.token("admin")
            let res = try await world.api(.PATCH, "/api/v1/users/\(world.id("user:worker"))", token: admin, json: ["password": "reset-by-admin-1"])
            #expect(res.status == .ok)
            #expect(try await worker.get("/stations").status == .seeOther)
            #expect(try await world.api(.GET, "/api/v1/me", token: workerToken).status == .unauthorized)
        }
    }

    @Test func aTokenCanBeRevokedByItsHolderAndByACityAdmin() async throws {
        try await withApp { world in
            let first = try await world.token("worker"), second = try await world.token("worker")
            #expect(try await world.api(.DELETE, "/api/v1/auth/token", token: first).status == .noContent)
            #expect(try await world.api(.GET, "/api/v1/me", token: first).status == .unauthorized)
            #expect(try await world.api(.GET, "/api/v1/me", token: second).status == .ok)

            let browser = Browser(world)
            _ = try await browser.login("worker")
            let admin = try await world.token("admin")
            // another city's admin does not even see the user
            let outsider = try await world.token("outsider")
            #expect(try await world.api(.POST, "/api/v1/users/\(world.id("user:worker"))/sign-out", token: outsider).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/me", token: second).status == .ok)
            // a district officer may not
            let lixia = try await world.token("lixia")
            #expect(try await world.api(.POST, "/api/v1/users/\(world.id("user:worker"))/sign-out", token: lixia).status == .forbidden)
            #expect(try await world.api(.POST, "/api/v1/users/\(world.id("user:worker"))/sign-out", token: admin).status == .noContent)
            #expect(try await world.api(.GET, "/api/v1/me", token: second).status == .unauthorized)
            #expect(try await browser.get("/stations").status == .seeOther)
            #expect(try await AuditEvent.query(on: world.app.db).filter(\.$action == .signedOut).count() == 1)
        }
    }

    @Test func parallelWrongGuessesAreEachCounted() async throws {
        try await withApp { world in
            let attempts = 12
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<attempts {
                    group.addTask { try await world.api(.POST, "/api/v1/auth/token", json: ["username": "worker", "password": "wrong-password"]).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .unauthorized })
            let user = try #require(try await User.query(on: world.app.db).filter(\.$username == "worker").first())
            #expect(user.failedLogins == Login.maxFailures)
            #expect(user.lockedUntil != nil)
            // exactly five guesses were checked against the password; the rest met the lock
            let failures = try await AuditEvent.query(on: world.app.db).filter(\.$action == .loginFailure).all()
            #expect(failures.filter { $0.changes.contains("password") }.count == Login.maxFailures)
            #expect(failures.filter { $0.changes.contains("locked") }.count == attempts - Login.maxFailures)
            // and the right password is refused until the lock ends
            #expect(try await world.api(.POST, "/api/v1/auth/token", json: ["username": "worker", "password": TestWorld.password]).status == .unauthorized)
            world.app.clock.advance(by: Login.lockDuration + 1)
            #expect(try await world.api(.POST, "/api/v1/auth/token", json: ["username": "worker", "password": TestWorld.password]).status == .created)
        }
    }

    @Test func everyRefusalCostsOneBcryptCheckAndSaysTheSame() async throws {
        try await withApp { world in
            let counter = VerifyCounter()
            world.app.passwords.use { _ in CountingHasher(counter: counter) }
            let inactive = try #require(try await User.query(on: world.app.db).filter(\.$username == "evaluator").first())
            inactive.active = false
            try await inactive.save(on: world.app.db)
            let locked = try #require(try await User.query(on: world.app.db).filter(\.$username == "supervisor").first())
            locked.lockedUntil = world.app.clock.now.addingTimeInterval(600)
            try await locked.save(on: world.app.db)

            var answers: Set<String> = []
            for (name, password) in [("nobody-here", "whatever-1"), ("evaluator", TestWorld.password), ("supervisor", TestWorld.password), ("worker", "wrong-one")] {
                let before = counter.count
                let res = try await world.api(.POST, "/api/v1/auth/token", json: ["username": name, "password": password])
                #expect(res.status == .unauthorized, "\(name)")
                #expect(counter.count == before + 1, "\(name) costs exactly one bcrypt verification")
                answers.insert(try res.json()["detail"] as? String ?? "")
            }
            #expect(answers == [Login.refusal])
            let reasons = try await AuditEvent.query(on: world.app.db).filter(\.$action == .loginFailure).all().map(\.changes)
            for reason in ["unknown", "inactive", "locked", "password"] { #expect(reasons.contains { $0.contains(reason) }, "\(reason)") }
        }
    }

    @Test func idleSessionsEndAfterThirtyMinutesAndAllAfterTheLifetime() async throws {
        try await withApp { world in
            let clock = world.app.clock
            clock.pin(Date())
            let browser = Browser(world)
            _ = try await browser.login("admin")
            clock.advance(by: 29 * 60)
            #expect(try await browser.get("/stations").status == .ok)
            clock.advance(by: 31 * 60)
            let idle = try await browser.get("/stations")
            #expect(idle.status == .seeOther)
            #expect(idle.headers.first(name: .location)?.hasPrefix("/login") == true)

            // an active session still ends at the absolute lifetime
            let busy = Browser(world)
            _ = try await busy.login("admin")
            var elapsed: TimeInterval = 0
            while elapsed < SessionPolicy().lifetime - 20 * 60 {
                clock.advance(by: 20 * 60)
                elapsed += 20 * 60
                #expect(try await busy.get("/stations").status == .ok)
            }
            clock.advance(by: 25 * 60)
            #expect(try await busy.get("/stations").status == .seeOther)
        }
    }

    @Test func sessionKeysAreStoredHashed() async throws {
        try await withApp { world in
            let browser = Browser(world)
            _ = try await browser.login("admin")
            let key = try #require(browser.cookie?.split(separator: "=", maxSplits: 1).last.map(String.init))
            let rows = try await SessionRow.query(on: world.app.db).all()
            #expect(!rows.contains { $0.keyHash == key })
            #expect(rows.contains { $0.keyHash == StoredSessions.hash(SessionID(string: key)) && $0.userID == world.id("user:admin") })
        }
    }
}

@Suite("Hardening: cross-tenant writes, bodies, races")
struct TenantAndRaceTests {
    @Test func aStationCannotTakeOrRenameAnotherCitysOperator() async throws {
        try await withApp { world in
            // setup: an operator registered in the other city
            let outsider = try await world.token("outsider")
            let created = try await world.api(.POST, "/api/v1/operators", token: outsider, json: ["name": "外市社工中心", "credit_code": "91370100MA3C5XBR5E"])
            #expect(created.status == .created, "\(created.body.string)")
            let foreignID = try #require(try created.json()["id"] as? String)
            let station = world.id("station:解放路街道")
            // a district officer cannot attach it, and nothing is renamed
            let lixia = try await world.token("lixia")
            let attach = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: lixia, json: ["operator_id": foreignID])
            #expect(attach.status == .unprocessableEntity)
            #expect(try attach.problemFields()["operator_id"]?.contains("未找到该承接机构") == true)
            // neither the street nor a Jinan admin can rename it
            let street = try await world.token("jiefanglu")
            #expect(try await world.api(.PATCH, "/api/v1/operators/\(foreignID)", token: street, json: ["name": "被改名"]).status == .notFound)
            let admin = try await world.token("admin")
            #expect(try await world.api(.PATCH, "/api/v1/operators/\(foreignID)", token: admin, json: ["name": "被改名"]).status == .notFound)
            #expect(try await OperatorOrg.find(UUID(uuidString: foreignID), on: world.app.db)?.name == "外市社工中心")
            // the street officer may not hand its station to another operator of its own city either
            let change = try await world.api(.PATCH, "/api/v1/stations/\(station)", token: street, json: ["operator_id": world.id("operator:1").uuidString])
            #expect(change.status == .forbidden)
            // Jinan's admin lists only Jinan's operators and renames its own
            let list = try await world.api(.GET, "/api/v1/operators", token: admin)
            #expect(try list.jsonArray().map { $0["name"] as? String } .contains("外市社工中心") == false)
            let rename = try await world.api(.PATCH, "/api/v1/operators/\(world.id("operator:0"))", token: admin, json: ["name": "济南市泉心社工服务中心（更名）"])
            #expect(rename.status == .ok)
        }
    }

    @Test func replacingAssignmentsKeepsThoseOutsideTheCallersScope() async throws {
        try await withApp { world in
            // setup: one person who is Jinan 历下区's officer and the other city's admin
            let user = User(username: "twocities", displayName: "两地用户", passwordHash: try world.app.password.hash(TestWorld.password))
            try await user.create(on: world.app.db)
            try await RoleAssignment(userID: user.id!, role: .districtOfficer, unitID: world.id("历下区"), operatorID: nil).create(on: world.app.db)
            try await RoleAssignment(userID: user.id!, role: .cityAdmin, unitID: world.id("外市"), operatorID: nil).create(on: world.app.db)
            let admin = try await world.token("admin")
            // act: Jinan's admin replaces "the" assignments with a street role in Jinan
            let res = try await world.api(.PATCH, "/api/v1/users/\(user.id!)", token: admin, json: [
                "assignments": [["role": "street_officer", "org_unit_id": world.id("解放路街道").uuidString]],
            ])
            #expect(res.status == .ok, "\(res.body.string)")
            // the answer shows only Jinan's roles
            let shown = (try res.json()["assignments"] as? [[String: Any]] ?? []).map { $0["role"] as? String }
            #expect(shown == ["street_officer"])
            // and the other city's role survives
            let roles = try await RoleAssignment.query(on: world.app.db).filter(\.$user.$id == user.id!).all().map(\.role)
            #expect(Set(roles) == [.streetOfficer, .cityAdmin])
            // resetting the password or deactivating would take over the other city's role: refused
            #expect(try await world.api(.PATCH, "/api/v1/users/\(user.id!)", token: admin, json: ["password": "taken-over-1"]).status == .forbidden)
            #expect(try await world.api(.PATCH, "/api/v1/users/\(user.id!)", token: admin, json: ["active": false]).status == .forbidden)
        }
    }

    @Test func onlyAPlatformAdminEditsTheNationalCalendar() async throws {
        try await withApp { world in
            let year = try #require(try WorkingCalendar.bundled().years.keys.max()) + 1
            let body: [String: Any] = ["year": year, "holidays": [["first": "\(year)-01-01", "last": "\(year)-01-01", "name": "元旦"]], "workdays": []]
            let admin = try await world.token("admin")
            let refused = try await world.api(.POST, "/api/v1/calendar", token: admin, json: body)
            #expect(refused.status == .forbidden)
            let token = try await world.token("platform")
            #expect(try await world.api(.POST, "/api/v1/calendar", token: token, json: body).status == .created)
            // everybody reads it
            #expect(try await world.api(.GET, "/api/v1/calendar/\(year)", token: try await world.token("worker")).status == .ok)
            // the platform administrator reads no station data
            #expect(try await world.api(.GET, "/api/v1/stations/\(world.id("station:解放路街道"))", token: token).status == .notFound)
        }
    }

    @Test func anonymousBodiesAreBoundedBeforeTheyAreRead() async throws {
        try await withApp { world in
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            let big = ByteBuffer(string: "username=a&password=" + String(repeating: "x", count: 2 * 1024 * 1024))
            let login = try await world.app.testing().sendRequest(.POST, "/login", headers: headers, body: big)
            #expect(login.status == .payloadTooLarge)
            // an upload route answers an anonymous caller before reading anything
            let upload = try await world.app.testing().sendRequest(.POST, "/stations/\(world.id("station:解放路街道"))/training", headers: headers, body: big)
            #expect(upload.status == .seeOther)   // pages send the anonymous to the login form
            var api = HTTPHeaders()
            api.contentType = .json
            let apiUpload = try await world.app.testing().sendRequest(.POST, "/api/v1/training-records", headers: api, body: ByteBuffer(string: "{}"))
            #expect(apiUpload.status == .unauthorized)
        }
    }

    private func text(_ json: [String: Any]) throws -> String { String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self) }

    /// Sends `count` copies of a request at once and returns their statuses.
    private func together(_ count: Int, _ send: @escaping @Sendable () async throws -> TestingHTTPResponse) async throws -> [UInt] {
        try await withThrowingTaskGroup(of: UInt.self) { group in
            for _ in 0..<count { group.addTask { try await send().status.code } }
            return try await group.reduce(into: []) { $0.append($1) }.sorted()
        }
    }

    @Test func concurrentDuplicatesGetOne409AndNo500() async throws {
        try await withApp { world in
            let admin = try await world.token("admin")
            let op = try await world.token("operator")
            let lixia = try await world.token("lixia")
            let station = world.id("station:解放路街道").uuidString

            // a social worker's phone (and its unique keyed hash)
            let worker = try text(["name": "双击", "gender": "female", "birth_date": "1990-01-01", "phone": "13700000001", "education": "bachelor",
                                   "major": "social_work", "station_id": station, "started_on": "2025-01-01"])
            #expect(try await together(2) { try await world.api(.POST, "/api/v1/workers", token: op, raw: worker) } == [201, 409])

            // a username
            let user = try text(["username": "twice", "display_name": "两次", "password": "password-123",
                                 "assignments": [["role": "street_officer", "org_unit_id": world.id("解放路街道").uuidString]]])
            #expect(try await together(2) { try await world.api(.POST, "/api/v1/users", token: admin, raw: user) } == [201, 409])

            // one station per street
            let newStation = try text(["street_id": world.id("新建街道").uuidString, "address": "新街1号"])
            #expect(try await together(2) { try await world.api(.POST, "/api/v1/stations", token: lixia, raw: newStation) } == [201, 409])

            // overlapping postings of one worker
            let created = try await world.api(.POST, "/api/v1/workers", token: op, json: ["name": "调动", "gender": "male", "birth_date": "1991-01-01",
                "education": "bachelor", "major": "social_work", "station_id": station, "started_on": "2024-01-01"])
            #expect(created.status == .created, "\(created.body.string)")
            let workerID = try #require(try created.json()["id"] as? String)
            let other = try #require(try await Station.query(on: world.app.db).filter(\.$operator.$id == world.id("operator:0")).filter(\.$id != world.id("station:解放路街道")).first())
            let posting = try text(["station_id": other.id!.uuidString, "started_on": "2025-03-01", "ended_on": "2025-06-30"])
            #expect(try await together(2) { try await world.api(.POST, "/api/v1/workers/\(workerID)/assignments", token: op, raw: posting) } == [201, 409])

            // policy versions: both saved, numbered one after the other, the second built on the first
            let changes = try [6, 7].map { try text(["rule_id": "S-1", "param": "minWorkers", "value": $0, "effective_from": "2030-01-01"]) }
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for change in changes { group.addTask { try await world.api(.POST, "/api/v1/policy/versions", token: admin, raw: change).status.code } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == [201, 201])
            let versions = try await PolicyVersion.query(on: world.app.db).sort(\.$version).all()
            #expect(versions.map(\.version) == [1, 2])
        }
    }

    @Test func aCorruptStoredDateIsAnErrorNamingTheRecordNotACrash() async throws {
        try await withApp { world in
            let op = try await world.token("operator")
            let posting = try #require(try await WorkerAssignment.query(on: world.app.db).filter(\.$station.$id == world.id("station:解放路街道")).first())
            try await (world.app.db as! any SQLDatabase).raw("UPDATE worker_assignments SET started_on = 'garbage' WHERE id = \(bind: posting.id!)").run()
            let res = try await world.api(.POST, "/api/v1/workers/\(posting.$worker.id)/assignments", token: op,
                                          json: ["station_id": world.id("station:解放路街道").uuidString, "started_on": "2030-01-01"])
            #expect(res.status == .internalServerError)
            #expect((try res.json()["detail"] as? String)?.contains(posting.id!.uuidString) == true)
            // the server still answers
            #expect(try await world.api(.GET, "/api/v1/me", token: op).status == .ok)
        }
    }
}

@Suite("Hardening: one date parser, one year range")
struct DateInputTests {
    @Test func theParserTellsFormatFromNonexistentDates() {
        #expect(Day.parse("2025-02-30") == .failure(.nonexistent))
        #expect(Day.parse("2025-13-01") == .failure(.nonexistent))
        #expect(Day.parse("2025-2-3") == .failure(.format))
        #expect(Day.parse("2025-+2-03") == .failure(.format))
        #expect(Day.parse("２０２５-02-03") == .failure(.format))
        #expect(Day.parse("2024-02-29") == .success(Day(year: 2024, month: 2, day: 29)!))
    }

    @Test func messagesNameTheFieldAndTheRule() async throws {
        try await withApp { world in
            let op = try await world.token("operator")
            let station = world.id("station:解放路街道").uuidString
            let res = try await world.api(.POST, "/api/v1/workers", token: op, json: ["name": "日期", "gender": "female", "birth_date": "1990-02-30",
                "education": "bachelor", "major": "social_work", "station_id": station, "started_on": "2025/01/01"])
            #expect(res.status == .unprocessableEntity)
            let fields = try res.problemFields()
            #expect(fields["birth_date"]?.contains("不存在") == true)
            #expect(fields["started_on"]?.contains("年-月-日") == true)
            let year = try await world.api(.GET, "/api/v1/stations/\(station)/compliance?year=abc", token: op)
            #expect(year.status == .badRequest)
            #expect(try year.problemFields()["year"]?.contains("abc") == true)
            let far = try await world.api(.GET, "/api/v1/policy?year=1899", token: try await world.token("admin"))
            #expect(far.status == .badRequest)
            #expect(try far.problemFields()["year"]?.contains("\(Day.validYears.lowerBound)") == true)
        }
    }
}

/// Counts bcrypt verifications, to check that every refused sign-in costs the same work.
final class VerifyCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    var count: Int { lock.withLock { value } }
    func increment() { lock.withLock { value += 1 } }
}

struct CountingHasher: PasswordHasher {
    let counter: VerifyCounter

    func hash<Password: DataProtocol>(_ password: Password) throws -> [UInt8] {
        Array(try Bcrypt.hash(String(decoding: Array(password), as: UTF8.self), cost: 4).utf8)
    }

    func verify<Password: DataProtocol, Digest: DataProtocol>(_ password: Password, created digest: Digest) throws -> Bool {
        counter.increment()
        return try Bcrypt.verify(String(decoding: Array(password), as: UTF8.self), created: String(decoding: Array(digest), as: UTF8.self))
    }
}
