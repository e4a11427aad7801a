@testable import App
import Fluent
import Testing
import Vapor
import VaporTesting

@Suite("Accounts and sessions")
struct AuthTests {
    @Test func loginSetsASafeCookieAndLogoutEndsTheSession() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            let page = try await browser.get("/login")
            // check: the cookie is HttpOnly and SameSite=Lax
            let setCookie = page.headers.first(name: .setCookie) ?? ""
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.lowercased().contains("samesite=lax"))
            // act
            let res = try await browser.post("/login", form: ["username": "admin", "password": TestWorld.password, "next": "/stations"])
            #expect(res.status == .seeOther)
            #expect(res.headers.first(name: .location) == "/stations")
            let list = try await browser.get("/stations")
            #expect(list.status == .ok)
            #expect(list.body.string.contains("历下区解放路街道社会工作服务站"))
            try await browser.post("/logout", form: [:])
            let after = try await browser.get("/stations")
            #expect(after.status == .seeOther)
            #expect(after.headers.first(name: .location)?.hasPrefix("/login") == true)
        }
    }

    @Test func wrongPasswordIsRefusedAndRecorded() async throws {
        try await withApp { world in
            let browser = Browser(world)
            let res = try await browser.login("admin", password: "not-the-password")
            #expect(res.status == .unauthorized)
            #expect(res.body.string.contains("用户名或密码错误"))
            let failures = try await AuditEvent.query(on: world.app.db).filter(\.$action == .loginFailure).all()
            #expect(failures.count == 1)
            #expect(failures.first?.actorName == "admin")
        }
    }

    @Test func fiveFailuresLockTheAccountForFifteenMinutes() async throws {
        try await withApp { world in
            // setup
            for _ in 0..<5 {
                let res = try await world.api(.POST, "/api/v1/auth/token", json: ["username": "worker", "password": "wrong-password"])
                #expect(res.status == .unauthorized)
            }
            // act: the right password now
            let locked = try await world.api(.POST, "/api/v1/auth/token", json: ["username": "worker", "password": TestWorld.password])
            // check
            // the answer does not reveal the lock (the audit trail keeps the reason)
            #expect(locked.status == .unauthorized)
            #expect((try locked.json()["detail"] as? String) == Login.refusal)
            let reasons = try await AuditEvent.query(on: world.app.db).filter(\.$action == .loginFailure).sort(\.$seq).all().map(\.changes)
            #expect(reasons.last?.contains("locked") == true)
            let user = try await User.query(on: world.app.db).filter(\.$username == "worker").first()!
            #expect(user.lockedUntil! > Date().addingTimeInterval(14 * 60))
            // after the lock expires the right password works again
            user.lockedUntil = Date().addingTimeInterval(-1)
            try await user.save(on: world.app.db)
            let again = try await world.api(.POST, "/api/v1/auth/token", json: ["username": "worker", "password": TestWorld.password])
            #expect(again.status == .created)
        }
    }

    @Test func formWithoutCSRFTokenIsRefused() async throws {
        try await withApp { world in
            let browser = Browser(world)
            _ = try await browser.login("admin")
            let id = world.id("station:解放路街道")
            let res = try await browser.post("/stations/\(id)/edit", form: ["name": "被伪造的名称"], csrf: "forged")
            #expect(res.status == .forbidden)
            #expect(res.body.string.contains("CSRF"))
            #expect(try await Station.find(id, on: world.app.db)!.name == "历下区解放路街道社会工作服务站")
        }
    }

    @Test func tokenAndMe() async throws {
        try await withApp { world in
            let token = try await world.token("jiefanglu")
            let me = try await world.api(.GET, "/api/v1/me", token: token)
            #expect(me.status == .ok)
            let body = try me.json()
            #expect(body["username"] as? String == "jiefanglu")
            let assignments = body["assignments"] as! [[String: Any]]
            #expect(assignments.first?["role"] as? String == "street_officer")
            #expect(assignments.first?["org_unit_name"] as? String == "解放路街道")
            let anonymous = try await world.api(.GET, "/api/v1/me")
            #expect(anonymous.status == .unauthorized)
            let bogus = try await world.api(.GET, "/api/v1/me", token: "not-a-token")
            #expect(bogus.status == .unauthorized)
            #expect(try await AuditEvent.query(on: world.app.db).filter(\.$action == .tokenIssued).count() == 1)
        }
    }

    @Test func usersChangeTheirOwnPassword() async throws {
        try await withApp { world in
            let browser = Browser(world)
            _ = try await browser.login("worker")
            try await browser.get("/account/password")
            let short = try await browser.post("/account/password", form: ["current": TestWorld.password, "new": "short", "repeat": "short"])
            #expect(short.status == .unprocessableEntity)
            #expect(short.body.string.contains("新密码至少 8 位"))
            let ok = try await browser.post("/account/password", form: ["current": TestWorld.password, "new": "a-new-password", "repeat": "a-new-password"])
            #expect(ok.status == .ok)
            #expect(ok.body.string.contains("密码已修改"))
            let token = try await world.api(.POST, "/api/v1/auth/token", json: ["username": "worker", "password": "a-new-password"])
            #expect(token.status == .created)
        }
    }

    @Test func cityAdminCreatesAUserInTheWebUI() async throws {
        try await withApp { world in
            let browser = Browser(world)
            _ = try await browser.login("admin")
            try await browser.get("/users/new")
            let res = try await browser.post("/users/new", form: [
                "username": "newworker", "display_name": "新社工", "password": "password-123", "active": "on",
                "role": "social_worker", "scope": world.id("解放路街道").uuidString,
            ])
            #expect(res.status == .seeOther)
            let user = try await User.query(on: world.app.db).filter(\.$username == "newworker").with(\.$assignments).first()
            #expect(user?.assignments.map(\.role) == [.socialWorker])
            // a street officer may not open user management
            let street = Browser(world)
            _ = try await street.login("jiefanglu")
            #expect(try await street.get("/users").status == .forbidden)
        }
    }
}
