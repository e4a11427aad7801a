@testable import App
import Domain
import Fluent
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 3 §3 and §6: workforce records, their refusals, and personal data.
@Suite("Workforce")
struct WorkforceTests {
    func ids(_ world: TestWorld) async throws -> (station: UUID, workers: [UUID], supervisor: UUID) {
        let station = world.id("station:解放路街道")
        let workers = try await WorkerAssignment.query(on: world.app.db).filter(\.$station.$id == station).all().map { $0.$worker.id }
        let supervisor = try await SupervisorAssignment.query(on: world.app.db).filter(\.$station.$id == station).first()!.$supervisor.id
        return (station, workers, supervisor)
    }

    func counts(_ world: TestWorld) async throws -> [Int] {
        [try await SupervisionRecord.query(on: world.app.db).count(), try await TrainingRecord.query(on: world.app.db).count(),
         try await WorkerAssignment.query(on: world.app.db).count(), try await SocialWorker.query(on: world.app.db).count()]
    }

    @Test func refusedInputStoresNothing() async throws {
        try await withApp { world in
            // setup
            let token = try await world.token("operator")
            let (station, workers, supervisor) = try await ids(world)
            let before = try await counts(world)
            let supervision: [String: Any] = ["station_id": station.uuidString, "supervisor_id": supervisor.uuidString, "held_on": "2026-03-02",
                                              "hours": 2, "form": "group", "topic": "主题", "issues": "问题", "advice": "建议",
                                              "supervisee_ids": workers.map(\.uuidString)]
            // act and check, one refusal at a time
            var negative = supervision; negative["hours"] = -2
            let r1 = try await world.api(.POST, "/api/v1/supervision-records", token: token, json: negative)
            #expect(r1.status == .unprocessableEntity)
            #expect(try r1.problemFields()["hours"] == "督导时长不能小于 0.1 小时（应在 0.1–24 小时 之间）")

            var future = supervision; future["held_on"] = "2099-01-01"
            let r2 = try await world.api(.POST, "/api/v1/supervision-records", token: token, json: future)
            #expect(try r2.problemFields()["held_on"]?.hasPrefix("督导日期不能晚于今天") == true)

            let r3 = try await world.api(.POST, "/api/v1/workers/\(workers[0])/assignments", token: token,
                                         json: ["station_id": station.uuidString, "started_on": "2026-05-01", "ended_on": "2026-04-01"])
            #expect(r3.status == .unprocessableEntity)
            #expect(try r3.problemFields()["ended_on"] == "结束日期不能早于开始日期")

            let r4 = try await world.api(.PATCH, "/api/v1/workers/\(workers[0])", token: token, json: ["certificate_level": "master_social_worker"])
            #expect(r4.status == .unprocessableEntity)
            #expect(try r4.problemFields()["certificate_level"]?.hasPrefix("证书等级“master_social_worker”不存在") == true)

            // the other 历下区 station the same operator runs: a second posting at the same time
            let other = world.id("station:千佛山街道")
            let r5 = try await world.api(.POST, "/api/v1/workers/\(workers[0])/assignments", token: token,
                                         json: ["station_id": other.uuidString, "started_on": "2024-01-01", "ended_on": "2024-12-31"])
            #expect(r5.status == .conflict)
            #expect(try r5.problemFields()["started_on"]?.contains("同一时间不能驻两个站点") == true)
            #expect(try await counts(world) == before)
        }
    }

    @Test func trainingEvidenceMustBeAPDFOrImageOfAtMost20MB() async throws {
        try await withApp { world in
            let token = try await world.token("operator")
            let (_, workers, _) = try await ids(world)
            let before = try await counts(world)
            func upload(_ name: String, _ type: String, _ bytes: [UInt8]) async throws -> TestingHTTPResponse {
                let boundary = "shegong-test-boundary"
                var body = ByteBuffer()
                for (k, v) in ["worker_id": workers[0].uuidString, "held_on": "2026-06-01", "hours": "4", "title": "危机干预培训", "organiser": "市民政局"] {
                    body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n")
                }
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"\(name)\"\r\nContent-Type: \(type)\r\n\r\n")
                body.writeBytes(bytes)
                body.writeString("\r\n--\(boundary)--\r\n")
                var headers = HTTPHeaders()
                headers.bearerAuthorization = .init(token: token)
                headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                return try await world.app.testing().sendRequest(.POST, "/api/v1/training-records", headers: headers, body: body)
            }
            let exe = try await upload("certificate.pdf", "application/x-msdownload", Array("MZ\u{90}\u{0}".utf8))
            #expect(exe.status == .unprocessableEntity)
            #expect(try exe.problemFields()["attachment"]?.hasPrefix("佐证材料只接受 PDF 文件或 JPEG、PNG 图片") == true)
            let disguised = try await upload("certificate.pdf", "application/pdf", Array("MZ not a pdf".utf8))
            #expect(disguised.status == .unprocessableEntity)
            let big = try await upload("scan.pdf", "application/pdf", Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0x20, count: 20 * 1024 * 1024 + 1))
            #expect(big.status == .unprocessableEntity)
            #expect(try big.problemFields()["attachment"]?.hasPrefix("佐证材料不能超过 20 MB") == true)
            #expect(try await counts(world) == before)
            // a real PDF is stored, content-addressed, and counts toward the hours
            let ok = try await upload("certificate.pdf", "application/pdf", Array("%PDF-1.4\n%%EOF\n".utf8))
            #expect(ok.status == .created, "\(ok.body.string)")
            let attachment = try await Attachment.query(on: world.app.db).first()
            #expect(attachment?.contentType == "application/pdf")
            #expect(attachment?.retentionClass == "evaluation_5y")
        }
    }

    @Test func phoneIsSealedMaskedAndEveryFullReadIsAudited() async throws {
        try await withApp { world in
            // setup
            let operatorToken = try await world.token("operator")
            let created = try await world.api(.POST, "/api/v1/workers", token: operatorToken, json: [
                "name": "新社工", "gender": "female", "birth_date": "1995-05-05", "phone": "13812345678", "education": "bachelor",
                "major": "social_work", "certificate_level": "assistant", "certificate_date": "2022-06-18", "experience_years": 3,
                "station_id": world.id("station:解放路街道").uuidString, "started_on": "2026-01-05",
            ])
            #expect(created.status == .created, "\(created.body.string)")
            let id = try created.json()["id"] as! String
            // check: at rest the number is not readable, on screen it is masked
            let raw = try await (world.app.db as! any SQLDatabase).raw("SELECT phone_sealed, phone_hash FROM social_workers WHERE name = '新社工'").first()!
            #expect(try !raw.decode(column: "phone_sealed", as: String.self).contains("13812345678"))
            #expect(try created.json()["phone"] as? String == "138****5678")
            // the operator may see it in full, and that read is recorded
            let reveal = try await world.api(.POST, "/api/v1/workers/\(id)/phone", token: operatorToken)
            #expect(try reveal.json()["phone"] as? String == "13812345678")
            let reads = try await AuditEvent.query(on: world.app.db).filter(\.$action == .sensitiveRead).all()
            #expect(reads.map(\.actorName) == ["operator"])
            // a street officer sees the masked number only
            let street = try await world.token("jiefanglu")
            #expect(try await world.api(.POST, "/api/v1/workers/\(id)/phone", token: street).status == .forbidden)
            // the same number cannot be registered for a second person
            let dup = try await world.api(.POST, "/api/v1/workers", token: operatorToken, json: [
                "name": "另一人", "gender": "male", "birth_date": "1990-01-01", "phone": "13812345678", "education": "bachelor",
                "major": "other", "station_id": world.id("station:解放路街道").uuidString, "started_on": "2026-01-05",
            ])
            #expect(dup.status == .conflict)
        }
    }

    @Test func aSocialWorkerEditsOwnRecordOnly() async throws {
        try await withApp { world in
            let token = try await world.token("worker")
            let (_, workers, _) = try await ids(world)
            let own = try await SocialWorker.query(on: world.app.db).filter(\.$userID == world.id("user:worker")).first()!
            let ownEdit = try await world.api(.PATCH, "/api/v1/workers/\(own.id!)", token: token, json: ["experience_years": 6])
            #expect(ownEdit.status == .ok)
            let colleague = workers.first { $0 != own.id }!
            #expect(try await world.api(.PATCH, "/api/v1/workers/\(colleague)", token: token, json: ["experience_years": 9]).status == .forbidden)
            #expect(try await world.api(.GET, "/api/v1/workers/\(colleague)", token: token).status == .ok)
            let outsider = try await world.token("outsider")
            #expect(try await world.api(.GET, "/api/v1/workers/\(colleague)", token: outsider).status == .notFound)
        }
    }

    @Test func movingAWorkerEndsTheOldPostingTheDayBefore() async throws {
        try await withApp { world in
            let token = try await world.token("operator")
            let (_, workers, _) = try await ids(world)
            let other = world.id("station:千佛山街道")
            let res = try await world.api(.POST, "/api/v1/workers/\(workers[1])/assignments", token: token,
                                          json: ["station_id": other.uuidString, "started_on": "2026-09-01"])
            #expect(res.status == .created, "\(res.body.string)")
            let postings = try res.json()["postings"] as! [[String: Any]]
            #expect(postings.map { $0["ended_on"] as? String } == ["2026-08-31", nil])
        }
    }

    @Test func supervisorAndSuperviseeConfirmARecord() async throws {
        try await withApp { world in
            // setup: the supervisor (account `supervisor`) writes a record for the station assigned to them
            let (station, workers, supervisor) = try await ids(world)
            let token = try await world.token("supervisor")
            let res = try await world.api(.POST, "/api/v1/supervision-records", token: token, json: [
                "station_id": station.uuidString, "supervisor_id": supervisor.uuidString, "held_on": "2026-11-02", "hours": 2, "form": "group",
                "topic": "危机个案复盘", "issues": "风险评估不完整", "advice": "使用风险评估量表", "supervisee_ids": workers.map(\.uuidString),
            ])
            #expect(res.status == .created, "\(res.body.string)")
            let id = try res.json()["id"] as! String
            // act
            #expect(try await world.api(.POST, "/api/v1/supervision-records/\(id)/confirm", token: token).status == .noContent)
            #expect(try await world.api(.POST, "/api/v1/supervision-records/\(id)/confirm", token: try await world.token("worker")).status == .noContent)
            #expect(try await world.api(.POST, "/api/v1/supervision-records/\(id)/confirm", token: try await world.token("lixia")).status == .forbidden)
            // check
            let record = try await SupervisionRecord.find(UUID(uuidString: id), on: world.app.db)!
            #expect(record.supervisorConfirmedAt != nil)
            let confirmed = try await SupervisionAttendee.query(on: world.app.db).filter(\.$record.$id == record.id!).all().filter { $0.confirmedAt != nil }
            #expect(confirmed.count == 1)
        }
    }
}
