import Domain
import Vapor

/// The sign-in sheet's page (issue 11 §1): upload → preview → confirm, as the recipient import. The
/// file waits for the confirmation in this process's memory (`ImportRegistry`: it holds resident IDs
/// in clear, so it never touches the disk), tied to the user and the organising station.
struct VolunteerHoursImportController: RouteCollection {
    let registry = ImportRegistry()

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.volunteerHoursImport, use: page)
        routes.upload(SiteURL.volunteerHoursImport, use: upload)
        routes.post(SiteURL.volunteerHoursImportConfirm, use: confirm)
    }

    func page(req: Request) async throws -> Response {
        VolunteerHoursImportPage.view(try await VolunteerHoursImportPage.query(req), caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    struct UploadForm: Content {
        var station_id: String?
        var activity_name: String?
        var place: String?
        var file: File?
    }

    /// The activity the form names, in the caller's scope, where the caller may record hours.
    private func target(_ m: VolunteerHoursImportPage.Model, req: Request) async throws -> VolunteerHoursService.Target {
        var v = Validator()
        let rawStation = m.values["station_id"] ?? ""
        let stationID = UUID(uuidString: rawStation)
        if !rawStation.isEmpty && stationID == nil { v.add("station_id", "社工站的标识无效，请重新选择") }
        let target = try await VolunteerHoursService.target(kind: m.kind.rawValue, recordID: m.recordID, stationID: stationID,
                                                            name: m.values["activity_name"], place: m.values["place"], req: req, into: &v)
        try v.check()
        // 谁组织谁记录: only the organiser's station records (403 for a reader of it).
        try req.authorize(.create, VolunteerService.resource(target!.station))
        return target!
    }

    func upload(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        var m = try await VolunteerHoursImportPage.query(req)
        let form = try req.content.decode(UploadForm.self)
        m.values = ["station_id": form.station_id ?? "", "activity_name": form.activity_name ?? "", "place": form.place ?? ""]
        do {
            let target = try await target(m, req: req)
            guard let file = form.file, file.data.readableBytes > 0 else { throw AppError.field("file", "请选择签到表文件（.xlsx 或 .csv）") }
            let data = Data(buffer: file.data)
            let rows = try await VolunteerHoursImport.preview(try RecipientImporter.table(data, filename: file.filename), target: target, req: req)
            m.filename = file.filename
            m.rows = rows.map(\.dto)
            if m.bad == 0 {
                let digest = ImportRun.digest(data)
                registry.keep(data, filename: file.filename, digest: digest, rows: rows.count, user: caller.userID, station: target.station.id, now: req.now)
                m.digest = digest
            }
            return VolunteerHoursImportPage.view(m, caller: caller, csrf: req.csrfToken).response(status: m.bad == 0 ? .ok : .unprocessableEntity)
        } catch let error as AppError {
            m.errors = Validator(error)
            return VolunteerHoursImportPage.view(m, caller: caller, csrf: req.csrfToken).response(status: error.status)
        }
    }

    /// The file previewed, checked again (hours may have been recorded since) and written in one
    /// transaction; each overlap is checked once more inside the serialised write (409 then).
    func confirm(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        var m = try await VolunteerHoursImportPage.query(req)
        let form = try req.content.decode([String: String].self)
        m.values = ["station_id": form["station_id"] ?? "", "activity_name": form["activity_name"] ?? "", "place": form["place"] ?? ""]
        do {
            let target = try await target(m, req: req)
            guard let pending = registry.take(digest: form["digest"] ?? "", station: target.station.id, user: caller.userID, now: req.now) else {
                throw AppError.field("file", "没有找到待确认的签到表（已确认过、超过 1 小时或服务重启）。请重新上传预览")
            }
            let rows = try await VolunteerHoursImport.preview(try RecipientImporter.table(pending.data, filename: pending.filename), target: target, req: req)
            m.filename = pending.filename
            m.rows = rows.map(\.dto)
            if m.bad > 0 { return VolunteerHoursImportPage.view(m, caller: caller, csrf: req.csrfToken).response(status: .unprocessableEntity) }
            let written = try await VolunteerHoursImport.commit(rows, target: target, req: req)
            m.rows = []
            m.imported = (written.count, Double(written.reduce(0) { $0 + $1.halfHours }) / 2)
            return VolunteerHoursImportPage.view(m, caller: caller, csrf: req.csrfToken).response(status: .created)
        } catch let error as AppError {
            m.errors = Validator(error)
            return VolunteerHoursImportPage.view(m, caller: caller, csrf: req.csrfToken).response(status: error.status)
        }
    }
}
