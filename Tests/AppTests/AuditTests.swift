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
            #expect(try await AuditChain.verify(on: world.app.db, key: world.auditKey) == .intact(count: try await AuditEvent.query(on: world.app.db).count()))
        }
    }

    @Test func editingARowIsDetectedAtThatRow() async throws {
        try await withApp { world in
            // setup
            _ = try await world.token("admin")
            let sql = world.app.db as! any SQLDatabase
            let count = try await AuditEvent.query(on: world.app.db).count()
            #expect(count > 10)
            // act: someone with write access drops the guard and rewrites history directly in the database
            try await world.dropAppendOnlyTriggers()
            try await sql.raw("UPDATE audit_events SET actor_name = 'nobody' WHERE seq = 7").run()
            // check
            #expect(try await AuditChain.verify(on: world.app.db, key: world.auditKey) == .broken(seq: 7, reason: "第 7 条记录的内容已被改动（哈希不符）"))
        }
    }

    @Test func removingARowIsDetected() async throws {
        try await withApp { world in
            let sql = world.app.db as! any SQLDatabase
            try await world.dropAppendOnlyTriggers()
            try await sql.raw("DELETE FROM audit_events WHERE seq = 5").run()
            #expect(try await AuditChain.verify(on: world.app.db, key: world.auditKey) == .broken(seq: 5, reason: "第 5 条记录缺失（下一条为第 6 条）"))
        }
    }

    @Test func theDatabaseRefusesUpdateAndDeleteOfEvents() async throws {
        try await withApp { world in
            // setup
            let sql = world.app.db as! any SQLDatabase
            let count = try await AuditEvent.query(on: world.app.db).count()
            // act and check: both engines refuse, through SQL and through the model
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE audit_events SET actor_name = 'nobody' WHERE seq = 7").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM audit_events WHERE seq = 5").run() }
            await #expect(throws: (any Error).self) { try await AuditEvent.query(on: world.app.db).delete() }
            #expect(try await AuditEvent.query(on: world.app.db).count() == count)
            #expect(try await AuditEvent.query(on: world.app.db).filter(\.$seq == 7).first()?.actorName != "nobody")
            #expect(try await AuditChain.verify(on: world.app.db, key: world.auditKey) == .intact(count: count))
        }
    }

    @Test func recomputingTheChainWithPlainSHA256IsDetected() async throws {
        try await withApp { world in
            // setup
            try await world.dropAppendOnlyTriggers()
            // act: what an attacker could do to the unkeyed chain: edit a row, then recompute every hash
            try await (world.app.db as! any SQLDatabase).raw("UPDATE audit_events SET actor_name = 'nobody' WHERE seq = 7").run()
            try await rewriteWithSHA256(world.app.db)
            // check: the old verification would have passed; the keyed one fails at the first row
            let count = try await AuditEvent.query(on: world.app.db).count()
            #expect(try await AuditChain.walk(on: world.app.db, hash: AuditChain.legacyHash) == .intact(count: count))
            #expect(try await AuditChain.verify(on: world.app.db, key: world.auditKey) == .broken(seq: 1, reason: "第 1 条记录的内容已被改动（哈希不符）"))
        }
    }

    @Test func anAnchorDetectsTheRemovalOfTheNewestRows() async throws {
        try await withApp { world in
            // setup: the operator keeps the newest SEQ:HASH elsewhere
            let anchor = try await AuditChain.anchor(on: world.app.db)
            #expect(AuditChain.Anchor(anchor.description) == anchor)
            #expect(try await AuditChain.verify(on: world.app.db, key: world.auditKey, anchor: anchor) == .intact(count: anchor.seq))
            // act: the two newest rows disappear
            try await world.dropAppendOnlyTriggers()
            try await (world.app.db as! any SQLDatabase).raw("DELETE FROM audit_events WHERE seq > \(bind: anchor.seq - 2)").run()
            // check: the chain alone still looks whole; against the anchor it does not
            #expect(try await AuditChain.verify(on: world.app.db, key: world.auditKey) == .intact(count: anchor.seq - 2))
            #expect(try await AuditChain.verify(on: world.app.db, key: world.auditKey, anchor: anchor)
                    == .broken(seq: anchor.seq, reason: "锚点所指的第 \(anchor.seq) 条记录缺失（审计链只有 \(anchor.seq - 2) 条）：最新的记录可能已被删除"))
            let other = AuditChain.Anchor(seq: 3, hash: String(repeating: "a", count: 64))
            #expect(try await AuditChain.verify(on: world.app.db, key: world.auditKey, anchor: other) == .broken(seq: 3, reason: "第 3 条记录的哈希与锚点不符"))
            #expect(AuditChain.Anchor("12:xyz") == nil)
            #expect(AuditChain.Anchor("-1:" + String(repeating: "a", count: 64)) == nil)
        }
    }

    @Test func anUnkeyedTrailIsVerifiedAndResealedOnUpgrade() async throws {
        try await withApp { world in
            // setup: the trail as the code before M005 wrote it
            let migration = M005_AuditHardening(auditKey: world.auditKey)
            try await migration.revert(on: world.app.db)
            try await rewriteWithSHA256(world.app.db)
            let count = try await AuditEvent.query(on: world.app.db).count()
            let legacyNewest = try await AuditChain.anchor(on: world.app.db).hash
            // act
            try await migration.prepare(on: world.app.db)
            // check: every row keyed, one event saying so, and the guard back in place
            #expect(try await AuditChain.verify(on: world.app.db, key: world.auditKey) == .intact(count: count + 1))
            let resealed = try #require(try await AuditEvent.query(on: world.app.db).filter(\.$seq == count + 1).first())
            #expect(resealed.action == .chainResealed)
            #expect(resealed.changes.contains(legacyNewest))
            await #expect(throws: (any Error).self) { try await (world.app.db as! any SQLDatabase).raw("DELETE FROM audit_events").run() }
        }
    }

    @Test func anUnkeyedTrailAlreadyBrokenStopsTheUpgrade() async throws {
        try await withApp { world in
            // setup: an old trail whose row 4 was edited without recomputing
            let migration = M005_AuditHardening(auditKey: world.auditKey)
            try await migration.revert(on: world.app.db)
            try await rewriteWithSHA256(world.app.db)
            try await (world.app.db as! any SQLDatabase).raw("UPDATE audit_events SET actor_name = 'nobody' WHERE seq = 4").run()
            let before = try await AuditEvent.query(on: world.app.db).sort(\.$seq).all().map(\.hash)
            // act and check: the upgrade names the row and re-seals nothing
            do {
                try await migration.prepare(on: world.app.db)
                Issue.record("the upgrade re-sealed a broken trail")
            } catch {
                #expect("\(error)".contains("第 4 条记录的内容已被改动"), "\(error)")
            }
            #expect(try await AuditEvent.query(on: world.app.db).sort(\.$seq).all().map(\.hash) == before)
        }
    }

    /// Rewrites every row's hash with unkeyed SHA-256, as the code before M005 chained them.
    private func rewriteWithSHA256(_ db: any Database) async throws {
        var prev = AuditChain.genesis
        for row in try await AuditEvent.query(on: db).sort(\.$seq).all() {
            row.prevHash = prev
            row.hash = AuditChain.legacyHash(of: row)
            try await row.update(on: db)
            prev = row.hash
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
