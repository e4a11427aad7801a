import Domain
import Vapor

/// Bulk import of recipients (issue 9 §4): the template, the page (upload → preview → confirm →
/// progress → summary) and `POST /api/v1/recipient-imports`.
struct ImportController: RouteCollection {
    /// Uploads awaiting confirmation and running imports, for this application.
    let registry = ImportRegistry()

    static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.recipientsImportTemplateXLSX, use: templateXLSX)
        routes.get(SiteURL.recipientsImportTemplateCSV, use: templateCSV)
        routes.get(SiteURL.recipientsImport, use: page)
        routes.upload(SiteURL.recipientsImport, use: upload)
        routes.post(SiteURL.recipientsImportConfirm, use: confirm)
        routes.get(SiteURL.recipientsImportJob(.key), use: jobPage)
        routes.upload(ApiRoute.recipientImports, use: api)
    }

    // MARK: template

    func templateXLSX(req: Request) async throws -> Response {
        _ = try req.requireCaller()
        return download(try ImportTemplate.sheet.xlsx(), type: Self.xlsxType, ext: "xlsx")
    }

    func templateCSV(req: Request) async throws -> Response {
        _ = try req.requireCaller()
        return download(ImportTemplate.sheet.csv(), type: "text/csv; charset=utf-8", ext: "csv")
    }

    private func download(_ data: Data, type: String, ext: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type)
        headers.replaceOrAdd(name: .contentDisposition, value: TrainingEvidence.disposition(inline: false, name: "服务对象导入模板." + ext, ext: ext))
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    // MARK: page

    private func model(_ req: Request) async throws -> ImportPage.Model {
        let caller = try req.requireCaller()
        var m = ImportPage.Model()
        m.stations = try await RecipientService.stationsForCreate(caller, on: req.db)
        guard !m.stations.isEmpty else { throw Abort(.forbidden, reason: "您的角色无权导入服务对象") }
        if m.stations.count == 1 { m.stationID = m.stations[0].id }
        return m
    }

    func page(req: Request) async throws -> Response {
        ImportPage.view(try await model(req), caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    struct UploadForm: Content {
        var station_id: String?
        var file: File?
    }

    func upload(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        var m = try await model(req)
        let form = try req.content.decode(UploadForm.self)
        do {
            var v = Validator()
            let stationID = form.station_id.flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }
            if let raw = form.station_id, !raw.isEmpty, stationID == nil { v.add("station_id", "社工站的标识无效，请重新选择") }
            guard let file = form.file, file.data.readableBytes > 0 else {
                v.add("file", "请选择要上传的 .xlsx 或 .csv 文件")
                try v.check()
                throw Abort(.badRequest)
            }
            try v.check()
            let station = try await ImportRun.station(stationID ?? m.stationID, req: req)
            m.stationID = station.id
            let data = Data(buffer: file.data)
            let rows = try await ImportRun.preview(data, filename: file.filename, station: station, req: req)
            m.filename = file.filename
            m.rows = rows.map(ImportPage.row)
            if m.bad == 0 {
                let digest = ImportRun.digest(data)
                registry.keep(data, filename: file.filename, digest: digest, rows: rows.count, user: caller.userID, station: station.id!, now: req.now)
                m.digest = digest
            }
            return ImportPage.view(m, caller: caller, csrf: req.csrfToken).response(status: m.bad == 0 ? .ok : .unprocessableEntity)
        } catch let error as AppError {
            m.errors = Validator(error)
            return ImportPage.view(m, caller: caller, csrf: req.csrfToken).response(status: error.status)
        }
    }

    func confirm(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        let form = try req.content.decode([String: String].self)
        let stationID = form["station_id"].flatMap(UUID.init(uuidString:))
        let station = try await ImportRun.station(stationID, req: req)
        guard let pending = registry.take(digest: form["digest"] ?? "", station: station.id!, user: caller.userID, now: req.now) else {
            var m = try await model(req)
            m.stationID = station.id
            m.errors.add("file", "没有找到待确认的文件（已确认过、超过 1 小时或服务重启）。请重新上传预览")
            return ImportPage.view(m, caller: caller, csrf: req.csrfToken).response(status: .unprocessableEntity)
        }
        let id = try await ImportRun.start(pending, station: station, req: req, registry: registry)
        return req.redirect(to: SiteURL.recipientsImportJob(.value(id)).relativeURL(), redirectType: .normal)
    }

    func jobPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        guard let id = req.parameters.get("id", as: UUID.self), let job = registry.job(id, user: caller.userID) else {
            throw Abort(.notFound, reason: "未找到该导入任务（只有发起导入的用户可以查看）")
        }
        return ImportJobPage.view(job, caller: caller).response()
    }

    // MARK: API

    struct ProblemDTO: Content {
        var field: String
        var label: String
        var message: String
    }

    struct RowDTO: Content {
        var line: Int
        var name: String
        /// Masked, as on every page.
        var residentId: String
        var valid: Bool
        var problems: [ProblemDTO]
    }

    struct PreviewDTO: Content {
        var stationId: UUID
        var total: Int
        var invalid: Int
        var rows: [RowDTO]
    }

    struct ImportedDTO: Content {
        var importId: UUID
        var stationId: UUID
        var count: Int
    }

    /// A refused file: the problem document with every row's problems (`errors` for generic clients,
    /// `rows` with their lines).
    struct RefusedDTO: Content {
        var type = "about:blank"
        var title = "输入有误"
        var status: UInt = 422
        var detail: String
        var errors: [FieldError]
        var rows: [RowDTO]
    }

    static func rows(_ rows: [RecipientImport.Row]) -> [RowDTO] {
        rows.map { r in
            RowDTO(line: r.line, name: (r.values[.name] ?? "").trimmingCharacters(in: .whitespaces),
                   residentId: ImportPage.masked((r.values[.residentID] ?? "").trimmingCharacters(in: .whitespaces)), valid: r.draft != nil,
                   problems: r.problems.map { ProblemDTO(field: $0.field.rawValue, label: $0.field.label, message: $0.message) })
        }
    }

    /// `POST /api/v1/recipient-imports?station_id=…&dry_run=true|false`, the file as the body.
    func api(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        var v = Validator()
        let rawStation = req.query[String.self, at: "station_id"] ?? ""
        let stationID = UUID(uuidString: rawStation)
        if !rawStation.isEmpty && stationID == nil { v.add("station_id", "station_id 应为社工站的 UUID") }
        let dryRun: Bool
        switch req.query[String.self, at: "dry_run"] ?? "" {
        case "", "false": dryRun = false
        case "true": dryRun = true
        default: dryRun = false; v.add("dry_run", "dry_run 应为 true 或 false")
        }
        if !v.errors.isEmpty { throw AppError.invalid(v.errors, status: .badRequest) }
        let station = try await ImportRun.station(stationID, req: req)
        if req.headers.first(name: EmptyBody.marker) != nil || (req.body.data?.readableBytes ?? 0) == 0 {
            throw AppError.malformed("请求体为空：应为 .xlsx 文件或 .csv 文件本身")
        }
        let type = req.headers.contentType.map { "\($0.type)/\($0.subType)".lowercased() } ?? ""
        guard type == Self.xlsxType || type == "text/csv" else {
            throw Abort(.unsupportedMediaType, reason: "请求体的类型应为 \(Self.xlsxType)（.xlsx）或 text/csv（UTF-8 或 GB18030）")
        }
        let data = Data(buffer: req.body.data!)
        let rows = try await ImportRun.preview(data, filename: type == "text/csv" ? "上传的 CSV" : "上传的 .xlsx", station: station, req: req)
        let bad = rows.filter { $0.draft == nil }
        if dryRun {
            return try await PreviewDTO(stationId: station.id!, total: rows.count, invalid: bad.count, rows: Self.rows(rows)).encodeResponse(for: req)
        }
        if !bad.isEmpty {
            let errors = bad.flatMap { r in r.problems.map { FieldError(field: $0.field.rawValue, message: "第\(r.line)行：\($0.description)") } }
            let refused = RefusedDTO(detail: "有 \(bad.count) 行存在问题，未导入任何数据", errors: errors, rows: Self.rows(bad))
            let res = try await refused.encodeResponse(status: .unprocessableEntity, for: req)
            res.headers.contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
            return res
        }
        let outcome = try await RecipientImporter.commit(rows, station: station, caller: caller, key: req.application.settings.dataKey,
                                                         today: req.today, audit: req.audit, fileDigest: ImportRun.digest(data))
        return try await ImportedDTO(importId: outcome.importID, stationId: station.id!, count: outcome.count).encodeResponse(status: .created, for: req)
    }
}
