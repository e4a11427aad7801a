@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Hardening issue, item 5: uploaded training evidence can be read back by those who may read the
/// record, and by nobody else; every read is audited.
@Suite("Training evidence")
struct TrainingEvidenceTests {
    static let fileName = "培训证书（2026）.pdf"
    static let pdf = Array("%PDF-1.4\n".utf8) + (0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 31) } + Array("\n%%EOF\n".utf8)

    /// The operator uploads a PDF for a worker of 解放路街道's station; returns the training record id.
    func upload(_ world: TestWorld) async throws -> String {
        let station = world.id("station:解放路街道")
        let worker = try await WorkerAssignment.query(on: world.app.db).filter(\.$station.$id == station).first()!.$worker.id
        let boundary = "shegong-evidence-boundary"
        var body = ByteBuffer()
        for (k, v) in ["worker_id": worker.uuidString, "held_on": "2026-06-01", "hours": "4", "title": "危机干预培训", "organiser": "市民政局"] {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"\(Self.fileName)\"\r\nContent-Type: application/pdf\r\n\r\n")
        body.writeBytes(Self.pdf)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: try await world.token("operator"))
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        let res = try await world.app.testing().sendRequest(.POST, "/api/v1/training-records", headers: headers, body: body)
        #expect(res.status == .created, "\(res.body.string)")
        return try res.json()["id"] as! String
    }

    /// A street officer of 千佛山街道: the same district as 解放路街道, another street.
    func otherStreetOfficer(_ world: TestWorld) async throws -> String {
        let user = User(username: "qianfoshan", displayName: "千佛山街道", passwordHash: try world.app.password.hash(TestWorld.password))
        try await user.create(on: world.app.db)
        try await RoleAssignment(userID: user.id!, role: .streetOfficer, unitID: world.id("千佛山街道"), operatorID: nil).create(on: world.app.db)
        return try await world.token("qianfoshan")
    }

    /// A data directory of the test's own, so stored files do not land beside the working directory.
    func withDataDirectory(_ world: TestWorld, _ body: (String) async throws -> Void) async throws {
        let dir = NSTemporaryDirectory() + "shegong-evidence-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        world.app.settings.dataDirectory = dir
        try await body(dir)
    }

    @Test func theUploadersOperatorDownloadsExactlyTheUploadedBytes() async throws {
        try await withApp { world in
            try await withDataDirectory(world) { _ in
                // setup
                let id = try await upload(world)
                // act
                let res = try await world.api(.GET, "/api/v1/training-records/\(id)/evidence", token: try await world.token("operator"))
                // check
                #expect(res.status == .ok)
                #expect(Array(res.body.readableBytesView) == Self.pdf)
                #expect(res.headers.first(name: .contentType) == "application/pdf")
                #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(res.headers.first(name: "Content-Security-Policy")?.hasPrefix("sandbox;") == true)
                let disposition = try #require(res.headers.first(name: .contentDisposition))
                #expect(disposition.hasPrefix(#"attachment; filename="evidence.pdf"; filename*=UTF-8''"#), "\(disposition)")
                let encoded = try #require(disposition.components(separatedBy: "UTF-8''").last)
                #expect(!encoded.contains("（") && encoded.removingPercentEncoding == Self.fileName)
            }
        }
    }

    @Test func aWorkerOfTheStationPreviewsItInTheBrowser() async throws {
        try await withApp { world in
            try await withDataDirectory(world) { _ in
                // setup
                let id = try await upload(world)
                let browser = Browser(world)
                _ = try await browser.login("worker")
                // act: the training page links the evidence; the preview opens inline
                let list = try await browser.get("/stations/\(world.id("station:解放路街道"))/training?year=2026")
                let preview = try await browser.get("/training-records/\(id)/evidence?inline=1")
                // check
                #expect(list.body.string.contains("href=\"/training-records/\(id)/evidence?inline=1\""))
                #expect(list.body.string.contains("href=\"/training-records/\(id)/evidence\""))
                #expect(preview.status == .ok)
                #expect(Array(preview.body.readableBytesView) == Self.pdf)
                #expect(preview.headers.first(name: .contentDisposition)?.hasPrefix("inline; ") == true)
            }
        }
    }

    @Test func outsideTheRecordsScopeItIsNotFoundAndEveryReadIsAudited() async throws {
        try await withApp { world in
            try await withDataDirectory(world) { _ in
                // setup
                let id = try await upload(world)
                let path = "/api/v1/training-records/\(id)/evidence"
                // act and check: another street of the same district, another city, no login, no such record
                #expect(try await world.api(.GET, path, token: try await otherStreetOfficer(world)).status == .notFound)
                #expect(try await world.api(.GET, path, token: try await world.token("outsider")).status == .notFound)
                #expect(try await world.api(.GET, path).status == .unauthorized)
                #expect(try await world.api(.GET, "/api/v1/training-records/\(UUID())/evidence", token: try await world.token("admin")).status == .notFound)
                let browser = Browser(world)
                _ = try await browser.login("qianfoshan")
                #expect(try await browser.get("/training-records/\(id)/evidence").status == .notFound)
                // the reads that were served are in the trail, by whom and of what
                #expect(try await world.api(.GET, path, token: try await world.token("operator")).status == .ok)
                #expect(try await world.api(.GET, path + "?inline=1", token: try await world.token("worker")).status == .ok)
                let reads = try await AuditEvent.query(on: world.app.db).filter(\.$action == .attachmentRead).sort(\.$seq).all()
                #expect(reads.map(\.actorName) == ["operator", "worker"])
                let attachment = try #require(try await TrainingRecord.find(UUID(uuidString: id), on: world.app.db)?.$attachment.id)
                #expect(reads.allSatisfy { $0.entityType == "attachment" && $0.entityID == attachment.uuidString && $0.changes.contains(id) })
                #expect(reads.last?.changes.contains("inline") == true)
                #expect(try await AuditChain.verify(on: world.app.db, key: world.auditKey) == .intact(count: try await AuditEvent.query(on: world.app.db).count()))
            }
        }
    }

    @Test func onlyAnAllowedTypeWithItsOwnBytesIsServed() async throws {
        try await withApp { world in
            try await withDataDirectory(world) { dir in
                // setup
                let id = try await upload(world)
                let token = try await world.token("operator")
                let path = "/api/v1/training-records/\(id)/evidence"
                let attachment = try #require(try await Attachment.query(on: world.app.db).first())
                let sql = world.app.db as! any SQLDatabase
                // act and check: a row whose type was changed to HTML is refused
                try await sql.raw("UPDATE attachments SET content_type = 'text/html' WHERE id = \(bind: attachment.id!)").run()
                let html = try await world.api(.GET, path, token: token)
                #expect(html.status == .unsupportedMediaType)
                #expect(try html.json()["detail"] as? String == "佐证材料的类型（text/html）不是 PDF 或 JPG/PNG 图片，不予提供")
                // a file replaced on disk no longer matches its content address
                try await sql.raw("UPDATE attachments SET content_type = 'application/pdf' WHERE id = \(bind: attachment.id!)").run()
                let file = dir + "/attachments/" + attachment.sha256.prefix(2) + "/" + attachment.sha256
                try Data("%PDF-1.4\n<script>alert(1)</script>".utf8).write(to: URL(fileURLWithPath: file))
                let swapped = try await world.api(.GET, path, token: token)
                #expect(swapped.status == .internalServerError)
                #expect(try swapped.json()["detail"] as? String == "佐证材料文件缺失或已损坏，请联系管理员")
                #expect(try await AuditEvent.query(on: world.app.db).filter(\.$action == .attachmentRead).count() == 0)
            }
        }
    }

    @Test func theDownloadNameKeepsTheServedTypesExtension() {
        #expect(TrainingEvidence.disposition(inline: false, name: "scan.PDF", ext: "pdf") == #"attachment; filename="scan.PDF"; filename*=UTF-8''scan.PDF"#)
        #expect(TrainingEvidence.disposition(inline: true, name: "page.html", ext: "pdf") == #"inline; filename="page.html.pdf"; filename*=UTF-8''page.html.pdf"#)
        #expect(TrainingEvidence.disposition(inline: false, name: "photo.jpeg", ext: "jpg") == #"attachment; filename="photo.jpeg"; filename*=UTF-8''photo.jpeg"#)
        #expect(TrainingEvidence.disposition(inline: false, name: #"a"b;.png"#, ext: "png") == #"attachment; filename="evidence.png"; filename*=UTF-8''a%22b%3B.png"#)
        #expect(TrainingEvidence.disposition(inline: false, name: "", ext: "png") == #"attachment; filename="evidence.png"; filename*=UTF-8''evidence.png"#)
    }
}
