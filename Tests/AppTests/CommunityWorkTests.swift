@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 10 §3: community work (MZ/T 071). An event is a ledger row (社区活动, 社区工作) held in a
/// village of the station's street, with its five-society partners (R-5) and photos that can be
/// downloaded again by whoever reads the event.
@Suite("Community work")
struct CommunityWorkTests {
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("JFIF-demo-photo".utf8) + [0xFF, 0xD9]

    static func event(_ world: TestWorld, street: String = "解放路街道", title: String = "邻里节·包饺子", people: [UUID] = []) async throws -> [String: Any] {
        ["title": title, "on": CaseworkTests.day(-4), "minutes": 120, "place_id": try await StationQueries.villages(ofStreet: world.id(street), on: world.app.db)[0].id.uuidString,
         "content": "居民与志愿者一起包饺子，为独居老人送餐", "field": "community_governance", "item": "community_participation", "others_count": 30,
         "recipient_ids": people.map(\.uuidString), "partners": ["community", "volunteer", "charity"]]
    }

    static func photo(_ world: TestWorld, event: String, token: String) async throws -> TestingHTTPResponse {
        let boundary = "shegong-photo-boundary"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"包饺子.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
        body.writeBytes(Self.jpeg)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await world.app.testing().sendRequest(.POST, "/api/v1/community-events/\(event)/photos", headers: headers, body: body)
    }

    @Test func anEventReachesTheLedgerAndItsPhotoComesBackByteForByte() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let person = try await RecipientTests.register(world, token: token)
            // act
            let res = try await world.api(.POST, "/api/v1/community-events", token: token, json: try await Self.event(world, people: [person]))
            #expect(res.status == .created, "\(res.body.string)")
            let id = try res.json()["id"] as! String
            let uploaded = try await Self.photo(world, event: id, token: token)
            let again = try await world.api(.POST, "/api/v1/community-events", token: token, json: try await Self.event(world, people: [person]))
            // check: the event, its partners and 人次; the ledger row; the photo downloads again
            #expect(uploaded.status == .created, "\(uploaded.body.string)")
            let body = try uploaded.json()
            #expect(body["partners"] as? [String] == ["community", "volunteer", "charity"])
            #expect(body["people_count"] as? Int == 31)
            let photos = try #require(body["photos"] as? [[String: Any]])
            #expect(photos.count == 1)
            let file = try await world.api(.GET, "/api/v1/community-event-photos/\(photos[0]["id"] as! String)", token: try await world.token("lixia"))
            #expect(file.status == .ok)
            #expect(Array(file.body.readableBytesView) == Self.jpeg)
            #expect(file.headers.first(name: .contentType) == "image/jpeg")
            let row = try #require(try await ServiceRecord.query(on: world.app.db).filter(\.$kind == .communityEvent).first())
            #expect(row.method == .communityWork && row.peopleCount == 31 && row.field == "community_governance")
            let timeline = try await world.api(.GET, "/api/v1/recipients/\(person)/services", token: token).jsonArray()
            #expect(timeline.map { $0["kind_label"] as? String } == ["社区活动"])
            #expect(again.status == .conflict)
            // the photo's read is audited
            let reads = try await AuditEvent.query(on: world.app.db).filter(\.$action == .attachmentRead).count()
            #expect(reads == 1)
        }
    }

    @Test func anEventIsRefusedWithReasonsNamingEachField() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            var wrong = try await Self.event(world, street: "千佛山街道")   // a village of another street
            wrong["partners"] = ["church"]
            var none = try await Self.event(world)
            none["partners"] = [String]()
            none["others_count"] = 0
            // act
            let refused = try await world.api(.POST, "/api/v1/community-events", token: token, json: wrong)
            let empty = try await world.api(.POST, "/api/v1/community-events", token: token, json: none)
            // check
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.problemFields()["place_id"] == "活动地点应为本街道（乡镇）的村或社区")
            #expect(try refused.problemFields()["partners"]?.hasPrefix("未知的联动主体“church”") == true)
            #expect(try empty.problemFields()["partners"] == "请至少选择一个参与的联动主体（五社联动，R-5）")
            #expect(try empty.problemFields()["others_count"] == "请填写参加人数")
            #expect(try await CommunityEvent.query(on: world.app.db).count() == 0)
            #expect(try await ServiceRecord.query(on: world.app.db).count() == 0)
        }
    }

    @Test func anotherStreetSeesNeitherTheEventNorItsPhoto() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("worker")
            let id = try await world.api(.POST, "/api/v1/community-events", token: token, json: try await Self.event(world)).json()["id"] as! String
            let photo = try (try await Self.photo(world, event: id, token: token).json()["photos"] as! [[String: Any]])[0]["id"] as! String
            let neighbour = try await RecipientTests.neighbourWorker(world)
            // act and check
            for outsider in [neighbour, try await world.token("supervisor")] {
                #expect(try await world.api(.GET, "/api/v1/community-events/\(id)", token: outsider).status == .notFound)
                #expect(try await world.api(.GET, "/api/v1/community-event-photos/\(photo)", token: outsider).status == .notFound)
                #expect(try await Self.photo(world, event: id, token: outsider).status == .notFound)
            }
            #expect(try await Self.photo(world, event: id, token: try await world.token("jiefanglu")).status == .forbidden)
            #expect(try await world.api(.GET, "/api/v1/community-events", token: neighbour).json()["total"] as? Int == 0)
            #expect(try await world.api(.GET, "/api/v1/community-events/\(id)", token: try await world.token("evaluator")).status == .ok)
        }
    }

    @Test func aWorkerRecordsAnEventOnItsForm() async throws {
        try await withApp { world in
            // setup
            let browser = Browser(world)
            _ = try await browser.login("worker")
            let village = try await StationQueries.villages(ofStreet: world.id("解放路街道"), on: world.app.db)[0].id.uuidString
            let form = try await browser.get("/events/new")
            #expect(form.body.string.contains("参与的联动主体（五社联动）"))
            // act: no place chosen, then a good one
            var values = ["title": "重阳节游园", "on": CaseworkTests.day(-1), "minutes": "150", "place_id": "", "field": "elderly", "item": "culture_sports_health",
                          "content": "游园与义诊", "others_count": "60", "partner_community": "on", "partner_social_worker": "on"]
            let refused = try await browser.post("/events/new", form: values)
            values["place_id"] = village
            let recorded = try await browser.post("/events/new", form: values)
            // check
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("请选择活动所在的村（社区）"))
            #expect(recorded.status == .seeOther)
            let list = try await browser.get("/events")
            #expect(list.body.string.contains("重阳节游园") && list.body.string.contains("社区、社会工作者"))
        }
    }
}
