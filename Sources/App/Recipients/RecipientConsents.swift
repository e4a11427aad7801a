import Domain
import Fluent
import Vapor

/// A consent as posted: JSON without a file, or multipart (the page's form, or an API client) with
/// the scanned form as `attachment`. Every field is read as text so that a form with gaps gets each
/// missing field named.
struct ConsentInput: Content {
    /// `services` or `data_sharing`.
    var kind: String?
    var givenOn: String?
}

struct ConsentForm: Content {
    var kind: String?
    var given_on: String?
    var attachment: File?
}

struct ConsentDTO: Content {
    var id: UUID
    var kind: String
    var kindLabel: String
    var givenOn: String
    var recordedByName: String
    var hasForm: Bool
    var formName: String?
}

/// Consent to services and to sharing data with other departments (issue 9 §1): the date, who
/// recorded it, and the scanned signed form, stored like training evidence (PDF/JPEG/PNG checked by
/// type and first bytes, at most 20 MB, content-addressed) and served by `ConsentForms`.
enum RecipientConsents {
    static func read(_ req: Request) throws -> (ConsentInput, File?) {
        guard req.headers.contentType?.type == "multipart" else { return (try req.content.decode(ConsentInput.self), nil) }
        let form = try req.content.decode(ConsentForm.self)
        return (ConsentInput(kind: form.kind, givenOn: form.given_on), form.attachment)
    }

    static func add(_ r: Recipient, _ input: ConsentInput, file: File?, req: Request) async throws -> RecipientConsent {
        let caller = try req.requireCaller()
        var v = Validator()
        let kind: ConsentKind? = WorkforceService.enumValue(input.kind ?? "", ConsentKind.self, field: "kind", label: "同意类型", into: &v)
        let day = v.day(input.givenOn, field: "given_on", label: "签署日期", notAfter: req.today)
        if (input.givenOn ?? "").trimmingCharacters(in: .whitespaces).isEmpty { v.add("given_on", "签署日期不能为空") }
        let upload = RecordsService.checkedUpload(file, label: "知情同意书扫描件", into: &v)
        try v.check()
        var attachment: Attachment?
        if let upload {
            let app = req.application
            attachment = try await app.threadPool.runIfActive { try RecordsService.storeAttachment(upload.data, type: upload.type, name: upload.name, app: app) }
            attachment?.retentionClass = "recipient_consent"
        }
        let consent = RecipientConsent()
        consent.id = UUID()
        consent.$recipient.id = r.id!
        consent.kind = kind!
        consent.givenOn = day!.description
        consent.recordedBy = caller.userID
        consent.recordedByName = caller.displayName
        let event = RecipientEvent(recipient: r.id!, kind: .consent, on: day!.description,
                                   detail: "登记\(kind!.label)" + (attachment == nil ? "（未上传扫描件）" : "（附扫描件）"), actor: caller)
        let stored = attachment
        try await req.audit.transaction { db, audit in
            if let stored {
                try await stored.create(on: db)
                consent.$attachment.id = stored.id
                audit.record(.create, entityType: "attachment", entityID: stored.id?.uuidString,
                             changes: ["sha256": [nil, stored.sha256], "size": [nil, String(stored.size)], "content_type": [nil, stored.contentType]])
            }
            try await consent.create(on: db)
            try await event.create(on: db)
            audit.record(.create, entityType: "recipient_consent", entityID: consent.id?.uuidString,
                         changes: ["recipient_id": [nil, r.id!.uuidString], "kind": [nil, kind!.rawValue], "given_on": [nil, day!.description],
                                   "attachment_id": [nil, stored?.id?.uuidString ?? ""]])
        }
        return consent
    }

    static func list(recipient: UUID, on db: any Database) async throws -> [ConsentDTO] {
        try await RecipientConsent.query(on: db).filter(\.$recipient.$id == recipient).with(\.$attachment)
            .sort(\.$givenOn, .descending).all().map { c in
                ConsentDTO(id: c.id!, kind: c.kind.rawValue, kindLabel: c.kind.label, givenOn: c.givenOn, recordedByName: c.recordedByName,
                           hasForm: c.$attachment.id != nil, formName: c.attachment?.originalName)
            }
    }
}

/// A consent's scanned form served back (page and API route): the same bytes as uploaded. The form
/// carries the person's full ID and signature, so it is given only to those who may see full values
/// (`.reveal`: the station's workers and its operator manager); others in scope get 403, outside it
/// 404. Every read is audited.
enum ConsentForms {
    static func serve(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        guard let id = req.parameters.get("id", as: UUID.self), let consent = try await RecipientConsent.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该知情同意记录，或不在您的管辖范围内")
        }
        let (r, station) = try await RecipientService.find(consent.$recipient.id, .read, req: req)
        try req.authorize(.reveal, RecipientService.resource(station))
        guard let attachmentID = consent.$attachment.id, let attachment = try await Attachment.find(attachmentID, on: req.db) else {
            throw Abort(.notFound, reason: "该知情同意记录没有上传扫描件")
        }
        return try await TrainingEvidence.send(attachment, what: "扫描件",
                                               changes: ["recipient_consent_id": [nil, id.uuidString], "recipient_id": [nil, r.id!.uuidString]],
                                               caller: caller, req: req)
    }
}
