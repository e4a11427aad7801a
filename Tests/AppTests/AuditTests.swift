@testable import App
import Fluent
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Audit trail")
struct AuditTests {
    @Test func updateRecordsOldAndNewValuesWithActorAndTime() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            let id = world.id("station:解放路街道")
            let res = try await world.api(.PATCH, "/api/v1/stations/\(id)", token: token, json: ["address": "泉城路1号"])
            #expect(res.status == .ok)
            let event = try await AuditEvent.query(on: world.app.db).filter(\.$entityID == id.uuidString).filter(\.$action == .update).first()
            #expect(event?.actorName == "admin")
            #expect(event?.changes.contains("泉城路1号") == true)
            #expect(event?.changes.contains("便民服务中心") == true, "old value kept")
            #expect(try await AuditChain.verify(on: world.app.db) == .intact(count: try await AuditEvent.query(on: world.app.db).count()))
        }
    }

    @Test func editingARowIsDetectedAtThatRow() async throws {
        try await withApp { world in
            // setup
            _ = try await world.token("admin")
            let sql = world.app.db as! any SQLDatabase
            let count = try await AuditEvent.query(on: world.app.db).count()
            #expect(count > 10)
            // act: someone rewrites history directly in the database
            try await sql.raw("UPDATE audit_events SET actor_name = 'nobody' WHERE seq = 7").run()
            // check
            #expect(try await AuditChain.verify(on: world.app.db) == .broken(seq: 7, reason: "第 7 条记录的内容已被改动（哈希不符）"))
        }
    }

    @Test func removingARowIsDetected() async throws {
        try await withApp { world in
            let sql = world.app.db as! any SQLDatabase
            try await sql.raw("DELETE FROM audit_events WHERE seq = 5").run()
            #expect(try await AuditChain.verify(on: world.app.db) == .broken(seq: 5, reason: "第 5 条记录缺失（下一条为第 6 条）"))
        }
    }

    @Test func cityAdminBrowsesAndFiltersTheTrail() async throws {
        try await withApp { world in
            let token = try await world.token("admin")
            _ = try await world.api(.PATCH, "/api/v1/stations/\(world.id("station:解放路街道"))", token: token, json: ["address": "经十路9号"])
            let filtered = try await world.api(.GET, "/api/v1/audit-events?actor=admin&entity=station", token: token)
            #expect(filtered.status == .ok)
            let items = try filtered.json()["items"] as! [[String: Any]]
            #expect(items.count == 1)
            #expect((items.first?["changes"] as? String)?.contains("经十路9号") == true)
            let browser = Browser(world)
            _ = try await browser.login("admin")
            let page = try await browser.get("/audit?actor=admin&entity=station")
            #expect(page.body.string.contains("经十路9号"))
            let street = try await world.token("jiefanglu")
            #expect(try await world.api(.GET, "/api/v1/audit-events", token: street).status == .forbidden)
        }
    }
}
