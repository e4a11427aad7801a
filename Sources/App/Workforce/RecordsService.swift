import Crypto
import Domain
import Fluent
import Vapor

struct SupervisionInput: Content {
    var stationId: UUID
    var supervisorId: UUID
    var heldOn: String
    var hours: Double
    var form: String
    var topic: String?
    var issues: String?
    var advice: String?
    var superviseeIds: [UUID]
    /// The cases of the station discussed (issue 10 §2); none when omitted.
    var caseIds: [UUID]? = nil
}

struct TrainingInput: Content {
    var workerId: UUID
    var heldOn: String
    var hours: Double
    var title: String?
    var organiser: String?
}

/// A training record as read from the JSON body or the form, with the errors found while reading
/// it (a form's hours that are not a number, no worker chosen), so that all are reported together.
struct TrainingDraft {
    var workerId: UUID?
    var heldOn: String
    var hours: Double?
    var title: String?
    var organiser: String?
    var errors = Validator()

    init(workerId: UUID?, heldOn: String, hours: Double?, title: String?, organiser: String?, errors: Validator = Validator()) {
        self.workerId = workerId
        self.heldOn = heldOn
        self.hours = hours
        self.title = title
        self.organiser = organiser
        self.errors = errors
    }

    init(_ input: TrainingInput) {
        self.init(workerId: input.workerId, heldOn: input.heldOn, hours: input.hours, title: input.title, organiser: input.organiser)
    }
}

/// Supervision (MZ/T 166) and training records, and their evidence files.
enum RecordsService {
    static let maxAttachmentBytes = 20 * 1024 * 1024
    static let allowedTypes = ["application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"]

    static func hours(_ value: Double, field: String = "hours", label: String, into v: inout Validator) {
        v.number(value, field: field, label: label, bounds: .sessionHours)
    }

    static func stationResource(_ station: Station, owners: Set<String> = []) -> Access.Resource {
        Access.Resource(kind: .record, paths: [station.path], operatorIDs: Set([station.$operator.id?.uuidString].compactMap { $0 }), ownerUserIDs: owners)
    }

    static func stationResourceFromSummary(_ s: StationQueries.Summary, owners: Set<String> = []) -> Access.Resource {
        Access.Resource(kind: .record, paths: [s.path], operatorIDs: Set([s.operatorId?.uuidString].compactMap { $0 }), ownerUserIDs: owners)
    }

    /// The workers posted to a station on a day.
    static func postedWorkers(station: UUID, on day: Day, db: any Database) async throws -> [UUID] {
        try await WorkerAssignment.at(station, on: db).all()
            .filter { try $0.covers(day) }
            .map { $0.$worker.id }
    }

    static func createSupervision(_ input: SupervisionInput, req: Request) async throws -> SupervisionRecord {
        try await createSupervision(input, supervisorChosen: true, hoursRead: true, prior: Validator(), req: req)
    }

    /// `prior`: errors found while reading a form (no supervisor chosen, hours not a number), reported
    /// together with the rest; the corresponding input values are then placeholders and not checked.
    static func createSupervision(_ input: SupervisionInput, supervisorChosen: Bool, hoursRead: Bool, prior: Validator,
                                  req: Request) async throws -> SupervisionRecord {
        guard let station = try await Station.find(input.stationId, on: req.db) else { throw AppError.field("station_id", "社工站不存在") }
        let supervisor = supervisorChosen ? try await Supervisor.find(input.supervisorId, on: req.db) : nil
        if supervisorChosen && supervisor == nil { throw AppError.field("supervisor_id", "督导不存在") }
        try req.authorize(.create, stationResource(station, owners: Set([supervisor?.userID?.uuidString].compactMap { $0 })))
        var v = prior
        let heldOn = v.day(input.heldOn, field: "held_on", label: "督导日期", notAfter: req.today)
        if input.heldOn.isEmpty { v.add("held_on", "督导日期不能为空") }
        if hoursRead { hours(input.hours, label: "督导时长", into: &v) }
        let form: SupervisionForm? = WorkforceService.enumValue(input.form, SupervisionForm.self, field: "form", label: "督导形式", into: &v)
        let topic = v.text(input.topic, field: "topic", label: "督导主题", max: TextLimit.short)
        if (input.topic ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { v.add("topic", "督导主题不能为空（MZ/T 166）") }
        let issues = v.text(input.issues, field: "issues", label: "提出的问题", max: TextLimit.long) ?? ""
        let advice = v.text(input.advice, field: "advice", label: "督导建议", max: TextLimit.long) ?? ""
        if input.superviseeIds.isEmpty { v.add("supervisee_ids", "至少选择一名被督导社工") }
        if form == .individual && input.superviseeIds.count > 1 { v.add("form", "个别督导只能有一名被督导社工；多人请选择团体督导") }
        if let heldOn, !input.superviseeIds.isEmpty {
            let posted = Set(try await postedWorkers(station: input.stationId, on: heldOn, db: req.db))
            if let stray = input.superviseeIds.first(where: { !posted.contains($0) }) {
                v.add("supervisee_ids", "社工（\(stray)）在 \(heldOn) 未驻本站")
            }
        }
        let assigned = try await SupervisorAssignment.of(input.supervisorId, on: req.db).filter(\.$station.$id == input.stationId).count()
        if supervisorChosen && assigned == 0 { v.add("supervisor_id", "该督导未被指派到本站") }
        let cases = try await SupervisionCases.lookup(input.caseIds ?? [], station: input.stationId, heldOn: heldOn, caller: try req.requireCaller(),
                                                      today: req.today, db: req.db, into: &v)
        try v.check()
        let record = SupervisionRecord()
        record.id = UUID()
        record.$station.id = input.stationId
        record.year = heldOn!.year
        record.heldOn = heldOn!.description
        record.hours = input.hours
        record.$supervisor.id = input.supervisorId
        record.form = form!
        record.topic = topic!
        record.issues = issues
        record.advice = advice
        let ids = Array(Set(input.superviseeIds))
        try await req.audit.transaction { db, audit in
            try await record.create(on: db)
            audit.change(entityType: "supervision_record", entityID: record.id, old: nil, new: record.auditFields)
            for id in ids {
                try await SupervisionAttendee(recordID: record.id!, workerID: id).create(on: db)
            }
            audit.record(.create, entityType: "supervision_attendee", entityID: record.id?.uuidString,
                         changes: ["worker_ids": [nil, ids.map(\.uuidString).sorted().joined(separator: ",")]])
            if !cases.isEmpty {
                try await SupervisionCases.link(cases, record: record.id!, station: input.stationId, db: db)
                audit.record(.create, entityType: "supervision_record_case", entityID: record.id?.uuidString,
                             changes: ["case_numbers": [nil, cases.map(\.number).joined(separator: "、")]])
            }
        }
        return record
    }

    /// The supervisor confirms as author; a supervisee confirms their own attendance.
    static func confirm(_ record: SupervisionRecord, req: Request) async throws {
        let caller = try req.requireCaller()
        let station = try await record.$station.get(on: req.db)
        try req.authorize(.read, stationResource(station))
        let supervisor = try await record.$supervisor.get(on: req.db)
        let attendees = try await record.$attendees.get(on: req.db)
        let workers = try await SocialWorker.query(on: req.db).filter(\.$id ~~ attendees.map { $0.$worker.id }).all()
        let mine = workers.filter { $0.userID == caller.userID }.compactMap(\.id)
        let isSupervisor = supervisor.userID == caller.userID
        guard isSupervisor || !mine.isEmpty else { throw Abort(.forbidden, reason: "只有该记录的督导和被督导社工可以确认") }
        let now = req.now
        try await req.audit.transaction { db, audit in
            if isSupervisor && record.supervisorConfirmedAt == nil {
                record.supervisorConfirmedAt = now
                try await record.save(on: db)
                audit.record(.update, entityType: "supervision_record", entityID: record.id?.uuidString, changes: ["supervisor_confirmed": [nil, "true"]])
            }
            for a in attendees where mine.contains(a.$worker.id) && a.confirmedAt == nil {
                a.confirmedAt = now
                try await a.save(on: db)
                audit.record(.update, entityType: "supervision_attendee", entityID: a.id?.uuidString, changes: ["confirmed": [nil, "true"]])
            }
        }
    }

    static func createTraining(_ input: TrainingInput, file: File?, req: Request) async throws -> TrainingRecord {
        try await createTraining(TrainingDraft(input), file: file, req: req)
    }

    /// Every error of the draft is reported at once (a form is not answered one mistake at a time).
    /// `station`: the page's station, for deciding access when the worker is not chosen yet.
    static func createTraining(_ input: TrainingDraft, file: File?, station page: Station? = nil, req: Request) async throws -> TrainingRecord {
        var v = input.errors
        let worker = try await input.workerId.asyncMap { try await SocialWorker.find($0, on: req.db) } ?? nil
        if input.workerId != nil && worker == nil { v.add("worker_id", "社工不存在，请从列表中选择") }
        let heldOn = v.day(input.heldOn, field: "held_on", label: "培训日期", notAfter: req.today)
        if input.heldOn.trimmingCharacters(in: .whitespaces).isEmpty { v.add("held_on", "培训日期不能为空") }
        // The record belongs to the station the worker was posted to that day.
        var stationID: UUID?
        if let heldOn, let worker {
            stationID = try await WorkerAssignment.of(worker.requireID(), on: req.db).all()
                .first { try $0.covers(heldOn) }?.$station.id
            if stationID == nil { v.add("held_on", "该社工在 \(heldOn) 未驻任何站点") }
        }
        let station = try await stationID.asyncMap { try await Station.find($0, on: req.db) } ?? nil
        let owners = Set([worker?.userID?.uuidString].compactMap { $0 })
        // Access is that of creating a record, wherever the station is known from: the posting on
        // the day, else the worker's postings (a missing date is a form error, never "may not create
        // this worker"), else the page's station.
        if let station {
            try req.authorize(.create, stationResource(station, owners: owners))
        } else if let worker {
            let staff = try await WorkforceService.resource(worker, on: req.db)
            try req.authorize(.create, Access.Resource(kind: .record, paths: staff.paths, operatorIDs: staff.operatorIDs, ownerUserIDs: staff.ownerUserIDs))
        } else if let page {
            try req.authorize(.create, stationResource(page))
        }
        if let hours = input.hours { self.hours(hours, label: "培训学时", into: &v) }
        let title = v.text(input.title, field: "title", label: "培训名称", max: TextLimit.short, required: true)
        let organiser = v.text(input.organiser, field: "organiser", label: "主办单位", max: TextLimit.short) ?? ""
        let upload = checkedUpload(file, into: &v)
        try v.check()
        var attachment: Attachment?
        if let (data, type, name) = upload {
            // Hashing and writing up to 20 MB would hold up the event loop's other requests.
            let app = req.application
            attachment = try await app.threadPool.runIfActive { try storeAttachment(data, type: type, name: name, app: app) }
        }
        let record = TrainingRecord()
        record.id = UUID()
        record.$worker.id = try worker!.requireID()
        record.$station.id = stationID!
        record.year = heldOn!.year
        record.heldOn = heldOn!.description
        record.hours = input.hours!
        record.title = title!
        record.organiser = organiser
        let stored = attachment
        try await req.audit.transaction { db, audit in
            if let stored {
                try await stored.create(on: db)
                record.$attachment.id = stored.id
                audit.record(.create, entityType: "attachment", entityID: stored.id?.uuidString,
                             changes: ["sha256": [nil, stored.sha256], "size": [nil, String(stored.size)], "content_type": [nil, stored.contentType]])
            }
            try await record.create(on: db)
            audit.change(entityType: "training_record", entityID: record.id, old: nil, new: record.auditFields)
        }
        return record
    }

    /// A posted file checked before it is stored: PDF, JPEG or PNG by declared type and by its first
    /// bytes, at most 20 MB. Nil for no file or an empty one; a refused file adds an error under `field`.
    /// Shared by training evidence and recipients' consent forms.
    static func checkedUpload(_ file: File?, field: String = "attachment", label: String = "佐证材料",
                              into v: inout Validator) -> (data: Data, type: String, name: String)? {
        guard let file, file.data.readableBytes > 0 else { return nil }
        let type = file.contentType.map { "\($0.type)/\($0.subType)" } ?? ""
        let head = Array(file.data.getBytes(at: file.data.readerIndex, length: min(8, file.data.readableBytes)) ?? [])
        if allowedTypes[type] == nil || !matchesSignature(head, type) {
            v.add(field, "\(label)只接受 PDF 文件或 JPEG、PNG 图片；收到的“\(String(file.filename.prefix(60)))”是\(describe(type: type, head: head))")
            return nil
        }
        if file.data.readableBytes > maxAttachmentBytes {
            v.add(field, "\(label)不能超过 20 MB（收到 \(String(format: "%.1f", Double(file.data.readableBytes) / 1024 / 1024)) MB）")
            return nil
        }
        return (Data(buffer: file.data), type, file.filename)
    }

    /// What a refused file is, in words: "Word 文档", "ZIP 压缩包", or "声称是 PDF 但内容不是 PDF".
    static func describe(type: String, head: [UInt8]) -> String {
        let kinds: [(String, String)] = [("application/pdf", "PDF 文件"), ("image/jpeg", "JPEG 图片"), ("image/png", "PNG 图片"),
            ("image/gif", "GIF 图片"), ("image/webp", "WebP 图片"), ("image/heic", "HEIC 图片（苹果手机照片）"), ("image/bmp", "BMP 图片"),
            ("image/tiff", "TIFF 图片"), ("application/msword", "Word 文档"), ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档"),
            ("application/vnd.ms-excel", "Excel 表格"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格"),
            ("application/zip", "ZIP 压缩包"), ("application/x-zip-compressed", "ZIP 压缩包"), ("text/plain", "纯文本文件"), ("text/html", "网页文件"),
            ("application/octet-stream", "未标明类型的文件"), ("video/mp4", "视频文件")]
        let named = kinds.first { $0.0 == type }?.1
        if allowedTypes[type] != nil, let named { return "\(named)的扩展名或类型，但内容不是\(named)" }
        if let named { return named }
        if type.hasPrefix("image/") { return "其他格式的图片" }
        if type.hasPrefix("video/") { return "视频文件" }
        if type.hasPrefix("audio/") { return "音频文件" }
        return type.isEmpty ? "未标明类型的文件" : "不支持的文件类型"
    }

    /// The file's first bytes must match its declared type, so a renamed executable is not stored as a PDF.
    static func matchesSignature(_ head: [UInt8], _ type: String) -> Bool {
        switch type {
        case "application/pdf": return head.starts(with: Array("%PDF".utf8))
        case "image/png": return head.starts(with: [0x89, 0x50, 0x4E, 0x47])
        case "image/jpeg": return head.starts(with: [0xFF, 0xD8, 0xFF])
        default: return false
        }
    }

    /// Content-addressed: the file lives at attachments/ab/abcdef… under the data directory.
    static func storeAttachment(_ data: Data, type: String, name: String, app: Application) throws -> Attachment {
        let hash = sha256(data)
        let path = attachmentPath(hash, app: app)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            // Written beside and renamed into place: a process killed mid-write must not leave a
            // truncated file under the hash, which a later upload of the same content would reuse.
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        }
        let a = Attachment()
        a.id = UUID()
        a.sha256 = hash
        a.contentType = type
        a.size = data.count
        a.originalName = String(name.prefix(200))
        a.retentionClass = "evaluation_5y"   // rule A-3: evaluation evidence kept ≥ 5 years
        return a
    }

    static func attachmentPath(_ sha256: String, app: Application) -> String {
        app.settings.dataDirectory + "/attachments/" + sha256.prefix(2) + "/" + sha256
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).hexString
    }
}
