import Domain
import Fluent
import Vapor

/// Hours from an activity's sign-in sheet (签到表, .xlsx or .csv; issue 11 §1): every row checked and
/// shown (a dry run is the preview), then all rows written in one transaction or none. The file is
/// read as the recipient import reads it (`RecipientImporter.table`: `XLSXReader`, or CSV in UTF-8 or
/// GB18030). Columns by header: 姓名, 身份证号, 开始时间, 结束时间 (yyyy-MM-dd HH:mm, or a date-time cell).
enum VolunteerHoursImport {
    static let columns = ["姓名", "身份证号", "开始时间", "结束时间"]
    static let maxRows = 2_000

    struct RowDTO: Content {
        var line: Int
        var name: String
        /// Masked, as on every page.
        var residentId: String
        var startsAt: String
        var endsAt: String
        var hours: Double?
        var valid: Bool
        var problems: [FieldError]
    }

    struct PreviewDTO: Content {
        var activityName: String
        var stationId: UUID
        var total: Int
        var invalid: Int
        var rows: [RowDTO]
    }

    struct ImportedDTO: Content {
        var activityName: String
        var count: Int
        var hours: Double
    }

    struct RefusedDTO: Content {
        var type = "about:blank"
        var title = "输入有误"
        var status: UInt = 422
        var detail: String
        var errors: [FieldError]
        var rows: [RowDTO]
    }

    struct Row {
        var dto: RowDTO
        var volunteer: VolunteerHoursService.Person?
        var span: (VolunteerHoursService.Moment, VolunteerHoursService.Moment, halfHours: Int)?
    }

    /// A date-time cell as the form writes it: Excel's serial (`45678.375`) becomes `yyyy-MM-ddTHH:mm`.
    static func time(_ raw: String) -> String {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let day = Day.excelSerial(String(parts[0])) else { return text }
        let fraction = parts.count == 2 ? Double("0." + parts[1]) ?? 0 : 0
        let minutes = Int((fraction * 1440).rounded())
        return "\(day)T\(String(format: "%02d:%02d", minutes / 60, minutes % 60))"
    }

    /// Every row of the sheet checked: the volunteer by resident ID among those the caller reads (the
    /// name must match), the times, the activity's day, overlaps with recorded hours and within the sheet.
    static func preview(_ table: [[String]], target: VolunteerHoursService.Target, req: Request) async throws -> [Row] {
        guard let header = table.first?.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw AppError.field("file", "文件是空的：第一行应为表头（\(columns.joined(separator: "、"))）")
        }
        let index = columns.map { header.firstIndex(of: $0) }
        let missing = zip(columns, index).filter { $0.1 == nil }.map(\.0)
        if !missing.isEmpty { throw AppError.field("file", "表头缺少：\(missing.joined(separator: "、"))（第一行应为 \(columns.joined(separator: "、"))）") }
        let body = table.dropFirst().enumerated().filter { !$0.element.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        if body.isEmpty { throw AppError.field("file", "表中没有数据行") }
        if body.count > maxRows { throw AppError.field("file", "一次最多导入 \(maxRows) 行（本文件 \(body.count) 行）") }
        let key = req.application.settings.dataKey
        let caller = try req.requireCaller()
        let scope = Access.readScope(caller.assignments, VolunteerService.kind)
        let now = req.application.clock.now
        var rows: [Row] = []
        for (offset, cells) in body {
            func cell(_ i: Int) -> String { let c = index[i]!; return c < cells.count ? cells[c].trimmingCharacters(in: .whitespaces) : "" }
            var v = Validator()
            let name = cell(0), rawID = cell(1).uppercased()
            let span = VolunteerHoursService.span(time(cell(2)), time(cell(3)), now: now, into: &v)
            if let span { VolunteerHoursService.checkDay(target, start: span.0, into: &v) }
            var volunteer: VolunteerHoursService.Person?
            if rawID.isEmpty {
                v.add("resident_id", "身份证号不能为空")
            } else if !scope.isEmpty, let found = try await Volunteer.query(on: req.db).filter(\.$residentIDHash == key.lookupHash(rawID))
                        .filter(\.$cityID == target.station.cityID).with(\.$station).all()
                        .first(where: { caller.may(.read, VolunteerService.resource($0.station)) }) {
                if found.name != name { v.add("name", "姓名“\(name)”与该身份证号登记的志愿者“\(found.name)”不一致") }
                let person = VolunteerHoursService.Person(found)
                do { try VolunteerHoursService.refuseUnable(person, at: target.station, field: "resident_id") } catch let error as AppError {
                    for e in error.fieldErrors { v.add(e.field, e.message) }
                }
                volunteer = person
            } else {
                v.add("resident_id", "未找到该身份证号的志愿者：请先在志愿服务资源库登记")
            }
            rows.append(Row(dto: RowDTO(line: offset + 2, name: name, residentId: ImportPage.masked(rawID), startsAt: span?.0.text ?? cell(2),
                                        endsAt: span?.1.text ?? cell(3), hours: span.map { Double($0.halfHours) / 2 }, valid: v.errors.isEmpty,
                                        problems: v.errors),
                            volunteer: volunteer, span: span))
        }
        // Overlaps: with hours already recorded (one query for the sheet; checked again inside the
        // write) and between rows.
        let checked = rows.indices.filter { rows[$0].volunteer != nil && rows[$0].span != nil }
        let recorded = try await VolunteerHoursService.overlaps(checked.map {
            VolunteerHoursService.Span(volunteer: rows[$0].volunteer!, from: rows[$0].span!.0.text, to: rows[$0].span!.1.text)
        }, on: req.db)
        for (k, i) in checked.enumerated() {
            let volunteer = rows[i].volunteer!, span = rows[i].span!
            if let clash = rows[..<i].first(where: { $0.volunteer?.id == volunteer.id && $0.span.map { $0.0.text < span.1.text && $0.1.text > span.0.text } == true }) {
                rows[i].dto.problems.append(FieldError(field: "starts_at", message: "与第\(clash.dto.line)行同一志愿者的时间重叠"))
            }
            if let found = recorded[k], let error = VolunteerHoursService.overlapError(volunteer, found) as? AppError {
                rows[i].dto.problems += error.fieldErrors
            }
        }
        for i in rows.indices where rows[i].volunteer != nil && rows[i].span != nil { rows[i].dto.valid = rows[i].dto.problems.isEmpty }
        return rows
    }

    /// All rows in one transaction, each overlap checked again inside the serialised write (409 then,
    /// nothing written).
    static func commit(_ rows: [Row], target: VolunteerHoursService.Target, req: Request) async throws -> [VolunteerHours] {
        let caller = try req.requireCaller()
        let entries = rows.map { VolunteerHoursService.entry($0.volunteer!, target: target, span: $0.span!, caller: caller) }
        let volunteers = rows.map { $0.volunteer! }
        let now = req.application.clock.now
        try await req.audit.transaction { db, audit in
            let recorded = try await VolunteerHoursService.overlaps(zip(entries, volunteers).map {
                VolunteerHoursService.Span(volunteer: $1, from: $0.startsAt, to: $0.endsAt)
            }, on: db)
            if let first = recorded.keys.min() { throw VolunteerHoursService.overlapError(volunteers[first], recorded[first]!) }
            for h in entries {
                audit.change(entityType: "volunteer_hours", entityID: h.id, old: nil, new: h.auditFields.merging(["source": "sign_in_sheet"]) { a, _ in a })
            }
            try await VolunteerHoursService.insert(entries, now: now, on: db)
        }
        return entries
    }

    /// `POST /api/v1/volunteer-hour-imports?activity_kind=&record_id=|station_id=&activity_name=&place=&dry_run=`, the sheet as the body.
    static func api(req: Request) async throws -> Response {
        _ = try req.requireCaller()   // a stranger gets 401 before the query is read
        var v = Validator()
        let dryRun: Bool
        switch try req.queryValue(String.self, "dry_run") ?? "" {
        case "", "false": dryRun = false
        case "true": dryRun = true
        default: dryRun = false; v.add("dry_run", "dry_run 应为 true 或 false")
        }
        func uuid(_ name: String) throws -> UUID? {
            guard let raw = try req.queryValue(String.self, name), !raw.isEmpty else { return nil }
            guard let id = UUID(uuidString: raw) else { v.add(name, "\(name) 应为 UUID"); return nil }
            return id
        }
        let record = try uuid("record_id"), station = try uuid("station_id")
        if !v.errors.isEmpty { throw AppError.invalid(v.errors, status: .badRequest) }
        let target = try await VolunteerHoursService.target(kind: try req.queryValue(String.self, "activity_kind"), recordID: record, stationID: station,
                                                            name: try req.queryValue(String.self, "activity_name"), place: try req.queryValue(String.self, "place"),
                                                            req: req, into: &v)
        try v.check()
        try req.authorize(.create, VolunteerService.resource(target!.station))
        if req.headers.first(name: EmptyBody.marker) != nil || (req.body.data?.readableBytes ?? 0) == 0 {
            throw AppError.malformed("请求体为空：应为签到表的 .xlsx 文件或 .csv 文件本身")
        }
        let type = req.headers.contentType.map { "\($0.type)/\($0.subType)".lowercased() } ?? ""
        guard type == ImportController.xlsxType || type == "text/csv" else {
            throw Abort(.unsupportedMediaType, reason: "请求体的类型应为 \(ImportController.xlsxType)（.xlsx）或 text/csv（UTF-8 或 GB18030）")
        }
        let table = try RecipientImporter.table(Data(buffer: req.body.data!), filename: type == "text/csv" ? "上传的 CSV" : "上传的 .xlsx")
        let rows = try await preview(table, target: target!, req: req)
        let bad = rows.filter { !$0.dto.valid }
        if dryRun {
            return try await PreviewDTO(activityName: target!.name, stationId: target!.station.id, total: rows.count, invalid: bad.count,
                                        rows: rows.map(\.dto)).encodeResponse(for: req)
        }
        if !bad.isEmpty {
            let errors = bad.flatMap { r in r.dto.problems.map { FieldError(field: $0.field, message: "第\(r.dto.line)行：\($0.message)") } }
            let refused = RefusedDTO(detail: "有 \(bad.count) 行存在问题，未导入任何数据", errors: errors, rows: bad.map(\.dto))
            let res = try await refused.encodeResponse(status: .unprocessableEntity, for: req)
            res.headers.contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
            return res
        }
        let written = try await commit(rows, target: target!, req: req)
        return try await ImportedDTO(activityName: target!.name, count: written.count, hours: Double(written.reduce(0) { $0 + $1.halfHours }) / 2)
            .encodeResponse(status: .created, for: req)
    }
}
