@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 11 §1: hours from a community event's sign-in sheet — a dry run shows every row, a sheet
/// with any bad row writes nothing (422, each row's problem), a good one writes all rows at once.
@Suite("Volunteer hours from a sign-in sheet")
struct VolunteerHoursImportTests {
    static func upload(_ world: TestWorld, token: String, query: String, csv: String) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        headers.replaceOrAdd(name: .contentType, value: "text/csv")
        return try await world.app.testing().sendRequest(.POST, "/api/v1/volunteer-hour-imports" + query, headers: headers, body: ByteBuffer(string: csv))
    }

    @Test func aSignInSheetIsPreviewedAndWrittenAllOrNothing() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            _ = try await VolunteerTests.register(world, token: worker)
            _ = try await VolunteerTests.register(world, token: worker, id: VolunteerTests.otherID, name: "赵敏敏")
            let event = try await world.api(.POST, "/api/v1/community-events", token: worker, json: try await CommunityWorkTests.event(world))
            let record = try #require(try await CommunityEvent.find(UUID(uuidString: try event.json()["id"] as? String ?? ""), on: world.app.db)).recordID
            let day = CaseworkTests.day(-4)
            let query = "?activity_kind=community_event&record_id=\(record)"
            let bad = "姓名,身份证号,开始时间,结束时间\n李志强,\(VolunteerTests.volunteerID),\(day) 14:00,\(day) 16:00\n赵敏敏,\(VolunteerTests.otherID),\(day) 14:00,\(day) 14:40\n"
            let good = "姓名,身份证号,开始时间,结束时间\n李志强,\(VolunteerTests.volunteerID),\(day) 14:00,\(day) 16:00\n赵敏敏,\(VolunteerTests.otherID),\(day) 14:00,\(day) 15:30\n"
            // act
            let preview = try await Self.upload(world, token: worker, query: query + "&dry_run=true", csv: bad)
            let refused = try await Self.upload(world, token: worker, query: query, csv: bad)
            let nothing = try await VolunteerHours.query(on: world.app.db).count()
            let reader = try await Self.upload(world, token: try await world.token("jiefanglu"), query: query, csv: good)
            let imported = try await Self.upload(world, token: worker, query: query, csv: good)
            let again = try await Self.upload(world, token: worker, query: query, csv: good)
            // check
            #expect(preview.status == .ok)
            let rows = try preview.json()["rows"] as? [[String: Any]] ?? []
            #expect(rows.count == 2 && rows[0]["valid"] as? Bool == true && rows[1]["valid"] as? Bool == false)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("第3行") && refused.body.string.contains("0.5 小时"))
            #expect(nothing == 0)
            #expect(reader.status == .forbidden)
            #expect(imported.status == .created, "\(imported.body.string)")
            #expect(try imported.json()["count"] as? Int == 2)
            #expect(try imported.json()["hours"] as? Double == 3.5)
            #expect(again.status == .unprocessableEntity)
            #expect(again.body.string.contains("不能重叠"))
            #expect(try await VolunteerHours.query(on: world.app.db).filter(\.$recordID == record).count() == 2)
        }
    }
}
