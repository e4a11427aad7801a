@testable import App
import Foundation
import Testing

@Suite("Bulk insert")
struct BulkInsertTests {
    @Test func eachEngineGetsOneStatementWithEveryValueBoundInItsOwnForm() throws {
        // setup: two rows with every kind of value, text that would need quoting in SQL among them
        let id = UUID(uuidString: "0195F3C2-7A10-7ABC-8DEF-0123456789AB")!
        let at = Date(timeIntervalSince1970: 1_795_525_314.25)
        var insert = BulkInsert(into: "recipients", columns: ["id", "address", "follow_up_level", "guardian_name", "created_at"])
        insert.append([.uuid(id), .text("解放路'1号\"; --"), .int(3), .null, .date(at)])
        insert.append([.uuid(id), .text("和平社区"), .int(nil), .text(nil as String?), .date(at)])
        // action
        let sqlite = try insert.statement(sqlite: true)
        let postgres = try insert.statement(sqlite: false)
        // assertion: the text is bound, never spliced; SQLite gets the forms the Fluent driver writes
        guard case .sqlite(let text, let binds) = sqlite, case .postgres(let query) = postgres else {
            Issue.record("wrong statement kinds")
            return
        }
        #expect(text == #"INSERT INTO "recipients" ("id", "address", "follow_up_level", "guardian_name", "created_at") VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)"#)
        #expect(binds == [.text(id.uuidString), .text("解放路'1号\"; --"), .integer(3), .null, .float(1_795_525_314.25),
                          .text(id.uuidString), .text("和平社区"), .null, .null, .float(1_795_525_314.25)])
        #expect(query.sql == #"INSERT INTO "recipients" ("id", "address", "follow_up_level", "guardian_name", "created_at") VALUES ($1, $2, $3, $4, $5), ($6, $7, $8, $9, $10)"#)
        #expect(query.binds.count == 10)
    }
}
