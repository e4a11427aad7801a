import Crypto
import Fluent
import Vapor

/// A training record's evidence file served back: a download, or with `?inline=1` a preview in the
/// browser, for whoever may read the record (outside their scope: 404). Every read is audited.
/// The same handler serves the page route and the API route.
enum TrainingEvidence {
    /// No script, no plugin, no requests of its own: the file is shown, nothing in it runs with the
    /// site's origin. Images and the PDF viewer's own page need their inline styles and the image.
    static let filePolicy = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"

    static func serve(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        guard let id = req.parameters.get("id", as: UUID.self), let record = try await TrainingRecord.find(id, on: req.db),
              let station = try await Station.find(record.$station.id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该培训记录，或不在您的管辖范围内")
        }
        try req.authorize(.read, RecordsService.stationResource(station))
        guard let attachmentID = record.$attachment.id, let attachment = try await Attachment.find(attachmentID, on: req.db) else {
            throw Abort(.notFound, reason: "该培训记录没有上传佐证材料")
        }
        return try await send(attachment, what: "佐证材料", changes: ["training_record_id": [nil, id.uuidString]], caller: caller, req: req)
    }

    /// A stored attachment's bytes as a download (or with `?inline=1` shown in the browser), after
    /// checking its type and that the file still matches its hash; the read is audited with `changes`
    /// and the disposition. Shared with recipients' consent forms (`ConsentForms`).
    static func send(_ attachment: Attachment, what: String, changes: AuditLog.Changes, caller: Caller, req: Request) async throws -> Response {
        let attachmentID = try attachment.requireID()
        // Checked again here, not only on upload: only these types are ever served.
        guard let ext = RecordsService.allowedTypes[attachment.contentType] else {
            throw Abort(.unsupportedMediaType, reason: "\(what)的类型（\(attachment.contentType)）不是 PDF 或 JPG/PNG 图片，不予提供")
        }
        let path = RecordsService.attachmentPath(attachment.sha256, app: req.application)
        let data = try await req.application.threadPool.runIfActive { FileManager.default.contents(atPath: path) }
        // Content-addressed: the name is the hash of the bytes, so a swapped or damaged file shows.
        guard let data, RecordsService.sha256(data) == attachment.sha256,
              RecordsService.matchesSignature(Array(data.prefix(8)), attachment.contentType) else {
            req.logger.error("attachment \(attachmentID): file missing or not matching its hash at \(path)")
            throw Abort(.internalServerError, reason: "\(what)文件缺失或已损坏，请联系管理员")
        }
        let inline = req.query[String.self, at: "inline"] == "1"
        var changes = changes
        changes["disposition"] = [nil, inline ? "inline" : "attachment"]
        try await req.audit.record(.attachmentRead, entityType: "attachment", entityID: attachmentID.uuidString,
                                   changes: changes, actor: caller.userID, actorName: caller.username)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: attachment.contentType)
        headers.replaceOrAdd(name: .contentDisposition, value: disposition(inline: inline, name: attachment.originalName, ext: ext))
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: filePolicy)
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    /// RFC 6266 with the original (usually Chinese) name as RFC 5987 `filename*`, and a plain ASCII
    /// `filename` for old clients. The name always ends in the extension of the served type, so a
    /// PDF uploaded as "x.html" is not saved as a page.
    static func disposition(inline: Bool, name: String, ext: String) -> String {
        let extensions = ext == "jpg" ? ["jpg", "jpeg"] : [ext]
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        var full = trimmed.isEmpty ? "evidence" : trimmed
        if !extensions.contains((full as NSString).pathExtension.lowercased()) { full += "." + ext }
        let plain = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let fallback = full.unicodeScalars.allSatisfy(plain.contains) ? full : "evidence." + ext
        // RFC 5987 attr-char: everything else is percent-encoded as UTF-8.
        let attrChar = plain.union(CharacterSet(charactersIn: "!#$&+^`|~"))
        let encoded = full.addingPercentEncoding(withAllowedCharacters: attrChar) ?? fallback
        return "\(inline ? "inline" : "attachment"); filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}
