@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 11 §2, R-1 and V-10: the policy library. A city's library that all its accounts read and
/// search; the city admin keeps the city's policies, a station adds its own local ones; attachments
/// come back byte for byte; case assessments and assistance requests name the policies that apply,
/// and a policy's page lists where it was applied, in the reader's scope.
@Suite("Policy library (R-1, V-10)")
struct PolicyLibraryTests {
    static let pdf = Array("%PDF-1.4\n".utf8) + (0..<1500).map { UInt8(truncatingIfNeeded: $0 &* 13) } + Array("\n%%EOF\n".utf8)

    static func policy(_ title: String = "济南市临时救助实施办法", number: String = "", station: UUID? = nil) -> [String: Any] {
        var json: [String: Any] = ["title": title, "issuer": "济南市民政局", "doc_number": number, "field": "social_assistance",
                                   "effective_on": CaseworkTests.day(-400), "summary": "对遭遇突发性、紧迫性、临时性困难的家庭给予临时救助",
                                   "eligibility": "因火灾、交通事故等意外事件导致基本生活暂时出现严重困难的家庭"]
        if let station { json["station_id"] = station.uuidString }
        return json
    }

    static func create(_ world: TestWorld, token: String, _ json: [String: Any]) async throws -> String {
        let res = try await world.api(.POST, "/api/v1/policy-library", token: token, json: json)
        #expect(res.status == .created, "\(res.body.string)")
        return try res.json()["id"] as! String
    }

    static func upload(_ world: TestWorld, policy: String, token: String) async throws -> TestingHTTPResponse {
        let boundary = "shegong-policy-boundary"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"临时救助实施办法.pdf\"\r\nContent-Type: application/pdf\r\n\r\n")
        body.writeBytes(Self.pdf)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await world.app.testing().sendRequest(.POST, "/api/v1/policy-library/\(policy)/attachments", headers: headers, body: body)
    }

    @Test func theCityKeepsItsLibraryWhichEveryoneInTheCitySearchesAndNoOtherCitySees() async throws {
        try await withApp { world in
            // setup
            let admin = try await world.token("admin")
            let worker = try await world.token("worker")
            let street = try await world.token("jiefanglu")
            let outsider = try await world.token("outsider")
            // act
            let id = try await Self.create(world, token: admin, Self.policy(number: "济民发〔2099〕1号"))
            let twice = try await world.api(.POST, "/api/v1/policy-library", token: admin, json: Self.policy(number: "济民发〔2099〕1号"))
            let byWorker = try await world.api(.POST, "/api/v1/policy-library", token: worker, json: Self.policy("另一项政策"))
            let byTitle = try await world.api(.GET, "/api/v1/policy-library?q=临时救助实施", token: worker).json()
            let byNumber = try await world.api(.GET, "/api/v1/policy-library?q=2099", token: street).json()
            let byEligibility = try await world.api(.GET, "/api/v1/policy-library?q=交通事故 火灾", token: worker).json()
            let nothing = try await world.api(.GET, "/api/v1/policy-library?q=交通事故 不存在的词", token: worker).json()
            // check
            #expect(twice.status == .conflict)
            #expect(byWorker.status == .forbidden)
            #expect(try byWorker.problemFields()["station_id"]?.contains("补充本站政策请选择社工站") == true)
            for found in [byTitle, byNumber, byEligibility] {
                #expect((found["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            }
            #expect(nothing["total"] as? Int == 0)
            let one = try await world.api(.GET, "/api/v1/policy-library/\(id)", token: street).json()
            #expect(one["kept_by"] as? String == "本市")
            #expect(one["field_label"] as? String == "社会救助")
            #expect(one["validity"] as? String == "in_force")
            #expect(try await world.api(.GET, "/api/v1/policy-library/\(id)", token: outsider).status == .notFound)
            #expect(try await world.api(.PATCH, "/api/v1/policy-library/\(id)", token: outsider, json: ["title": "改名"]).status == .notFound)
            #expect(try await world.api(.GET, "/api/v1/policy-library?q=2099", token: outsider).json()["total"] as? Int == 0)
            #expect(try await world.api(.PATCH, "/api/v1/policy-library/\(id)", token: street, json: ["title": "改名"]).status == .forbidden)
            let other = try await Self.create(world, token: admin, Self.policy("济南市困难群众医疗救助办法"))
            let twin = try await world.api(.PATCH, "/api/v1/policy-library/\(other)", token: admin,
                                           json: ["title": "济南市临时救助实施办法", "doc_number": "济民发〔2099〕1号"])
            #expect(twin.status == .conflict)
            let corrected = try await world.api(.PATCH, "/api/v1/policy-library/\(id)", token: admin, json: ["expires_on": CaseworkTests.day(-1)])
            #expect(corrected.status == .ok)
            #expect(try corrected.json()["validity"] as? String == "expired")
        }
    }

    @Test func aStationAddsALocalPolicyThatOnlyItKeepsAndTheCityReads() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let neighbour = try await RecipientTests.neighbourWorker(world)
            let station = world.id("station:解放路街道")
            // act
            let id = try await Self.create(world, token: worker, Self.policy("解放路街道困难群众帮扶办法", station: station))
            let elsewhere = try await world.api(.POST, "/api/v1/policy-library", token: neighbour, json: Self.policy("借用", station: station))
            // check: 千佛山街道's worker reads it (the city's library) but may not change it
            let name = try await Station.find(station, on: world.app.db)!.name
            #expect(try await world.api(.GET, "/api/v1/policy-library/\(id)", token: neighbour).json()["kept_by"] as? String == name + "（本站补充）")
            #expect(try await world.api(.PATCH, "/api/v1/policy-library/\(id)", token: neighbour, json: ["summary": "改"]).status == .forbidden)
            #expect(try await world.api(.PATCH, "/api/v1/policy-library/\(id)", token: worker, json: ["summary": "修订后的内容"]).status == .ok)
            #expect(try await world.api(.PATCH, "/api/v1/policy-library/\(id)", token: worker, json: ["station_id": station.uuidString]).status
                    == .unprocessableEntity)
            #expect(elsewhere.status == .notFound)
        }
    }

    @Test func badInputIsRefusedNamingTheField() async throws {
        try await withApp { world in
            // setup
            let admin = try await world.token("admin")
            var json = Self.policy()
            json["field"] = "space_travel"
            json["expires_on"] = CaseworkTests.day(-500)
            json["eligibility"] = ""
            // act
            let refused = try await world.api(.POST, "/api/v1/policy-library", token: admin, json: json)
            let badValidity = try await world.api(.GET, "/api/v1/policy-library?validity=forever", token: admin)
            // check
            #expect(refused.status == .unprocessableEntity)
            let fields = try refused.problemFields()
            #expect(fields["field"]?.hasPrefix("服务领域“space_travel”不在本市政策配置中（可选：social_assistance 社会救助") == true)
            #expect(fields["eligibility"] == "适用对象不能为空")
            #expect(badValidity.status == .badRequest)
            #expect(try await LibraryPolicy.query(on: world.app.db).filter(\.$title == "济南市临时救助实施办法").count() == 0)
        }
    }

    @Test func anAttachmentComesBackByteForByteToReadersOfTheCityOnly() async throws {
        try await withApp { world in
            // setup
            let admin = try await world.token("admin")
            let worker = try await world.token("worker")
            let id = try await Self.create(world, token: admin, Self.policy())
            // act
            let byWorker = try await Self.upload(world, policy: id, token: worker)
            let uploaded = try await Self.upload(world, policy: id, token: admin)
            let file = (try uploaded.json()["attachments"] as? [[String: Any]])?.first?["id"] as? String ?? ""
            let download = try await world.api(.GET, "/api/v1/policy-files/\(file)", token: worker)
            let outside = try await world.api(.GET, "/api/v1/policy-files/\(file)", token: try await world.token("outsider"))
            // check
            #expect(byWorker.status == .forbidden)
            #expect(uploaded.status == .created, "\(uploaded.body.string)")
            #expect(download.status == .ok)
            #expect(Array(download.body.readableBytesView) == Self.pdf)
            #expect(download.headers.contentType?.description == "application/pdf")
            #expect(outside.status == .notFound)
        }
    }

    @Test func anAssessmentAndAnAssistanceRequestNameThePolicyWhichListsWhereItApplied() async throws {
        try await withApp { world in
            // setup
            let admin = try await world.token("admin")
            let worker = try await world.token("worker")
            let neighbour = try await RecipientTests.neighbourWorker(world)
            let policy = try await Self.create(world, token: admin, Self.policy())
            let (caseID, person) = try await CaseworkTests.openCase(world, token: worker)
            // 外市 has no policy profile yet: its policy is filed under no service field
            let foreign = try await world.api(.POST, "/api/v1/policy-library", token: try await world.token("outsider"),
                                              json: Self.policy().merging(["field": ""]) { $1 })
            let foreignID = try foreign.json()["id"] as! String
            // act
            let wrong = try await CaseworkTests.step(world, caseID, "assessments", token: worker, [
                "assessed_on": CaseworkTests.day(-20), "risk_level": "medium", "strengths": "女儿每周探望", "resources": "社区助餐", "policy_ids": [foreignID]])
            let assessed = try await CaseworkTests.step(world, caseID, "assessments", token: worker, [
                "assessed_on": CaseworkTests.day(-20), "risk_level": "medium", "strengths": "女儿每周探望", "resources": "社区助餐", "policy_ids": [policy]])
            let assisted = try await world.api(.POST, "/api/v1/assistance-requests", token: worker, json: [
                "recipient_id": person.uuidString, "situation": "civil_affairs", "need": "家中失火", "action": "协助申请临时救助", "policy_ids": [policy]])
            // check
            #expect(foreign.status == .created)
            #expect(wrong.status == .unprocessableEntity)
            #expect(try wrong.problemFields()["policy_ids"] == "所选政策应为本市政策资源库中的政策（本市的或本站补充的）")
            #expect(assessed.status == .ok || assessed.status == .created, "\(assessed.body.string)")
            #expect(assisted.status == .created, "\(assisted.body.string)")
            #expect(((try assisted.json()["policies"] as? [[String: Any]])?.first)?["id"] as? String == policy)
            let detail = try await world.api(.GET, "/api/v1/cases/\(caseID)", token: worker).json()
            #expect((((detail["assessment"] as? [String: Any])?["policies"] as? [[String: Any]])?.first)?["title"] as? String == "济南市临时救助实施办法")
            let applied = try await world.api(.GET, "/api/v1/policy-library/\(policy)", token: worker).json()["applied"] as? [[String: Any]] ?? []
            #expect(Set(applied.compactMap { $0["kind"] as? String }) == ["assessment", "assistance"])
            // 千佛山街道 reads the policy, not where 解放路街道 applied it
            #expect((try await world.api(.GET, "/api/v1/policy-library/\(policy)", token: neighbour).json()["applied"] as? [[String: Any]])?.isEmpty == true)
            let browser = Browser(world)
            _ = try await browser.login("worker")
            #expect(try await browser.get("/cases/\(caseID)").body.string.contains("/policy-library/\(policy)"))
            #expect(try await browser.get("/assistance").body.string.contains("/policy-library/\(policy)"))
            let page = try await browser.get("/policy-library/\(policy)").body.string
            #expect(page.contains("适用记录（2）") && page.contains("/cases/\(caseID)"))
        }
    }

    @Test func theCityAdminAddsAPolicyOnTheFormAndAWorkerFindsIt() async throws {
        try await withApp { world in
            // setup
            let admin = Browser(world)
            _ = try await admin.login("admin")
            #expect(try await admin.get("/policy-library").body.string.contains("/policy-library/new"))
            #expect(try await admin.get("/policy-library/new").body.string.contains("本市政策资源库"))
            // act
            var form = Self.policy().mapValues { "\($0)" }
            form["station_id"] = ""
            form["summary"] = ""
            let refused = try await admin.post("/policy-library/new", form: form)
            form["summary"] = "临时救助的对象、标准和程序"
            let saved = try await admin.post("/policy-library/new", form: form)
            let worker = Browser(world)
            _ = try await worker.login("worker")
            let list = try await worker.get("/policy-library?q=" + "临时救助".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!).body.string
            // check
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("主要内容不能为空"))
            #expect(saved.status == .seeOther)
            #expect(list.contains("《济南市临时救助实施办法》"))
        }
    }
}
