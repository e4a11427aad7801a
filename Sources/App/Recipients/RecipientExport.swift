import Domain
import Fluent
import SQLKit
import Vapor

/// What an export asks for: the list's filters, the columns, and whether full ID/phone values are
/// wanted (with the reason). The page posts the same names as a form.
struct ExportInput: Content {
    /// `csv` or `xlsx`.
    var format: String?
    /// Column codes (`RecipientExport.Column`); empty means every column the caller may have.
    var fields: [String]?
    var full: Bool?
    var reason: String?
    var q: String?
    var residentId: String?
    var category: String?
    var village: UUID?
    var status: String?
    var level: Int?
    var station: UUID?

    var filter: RecipientQueries.Filter {
        .init(q: q, residentId: residentId, category: category, village: village?.uuidString, status: status, level: level.map(String.init), station: station)
    }
}

/// The recipient list as .csv or .xlsx (issue 9 §4, §2): the columns the user picks, the list's
/// filters applied, ID and phone masked as on screen. Full values only when every exported record
/// is one the caller may reveal (a worker or the operator manager of its station) and a reason is
/// given; an evaluator's export never has the ID and phone columns. Every export is audited
/// (`sensitive_read`, with the columns, the row count, masked or full, and the reason). Formula-like
/// text is neutralised by `Spreadsheet`.
enum RecipientExport {
    enum Column: String, CaseIterable, Sendable {
        case name, sex
        case birthDate = "birth_date"
        case age
        case residentId = "resident_id"
        case phone, address, village, station, street, categories
        case followUpLevel = "follow_up_level"
        case status
        case statusOn = "status_on"

        var label: String {
            switch self {
            case .name: "姓名"
            case .sex: "性别"
            case .birthDate: "出生日期"
            case .age: "年龄"
            case .residentId: "身份证号"
            case .phone: "联系电话"
            case .address: "住址"
            case .village: "村（社区）"
            case .station: "社工站"
            case .street: "街道"
            case .categories: "人群类别"
            case .followUpLevel: "跟进级别"
            case .status: "状态"
            case .statusOn: "状态日期"
            }
        }

        var isPersonal: Bool { self == .residentId || self == .phone }
    }

    /// At most this many rows in one file; a larger list is narrowed with the filters first.
    static let maxRows = 100_000

    enum Format: String { case csv, xlsx }

    struct Download {
        var data: Data
        var contentType: String
        var filename: String
    }

    /// The columns the caller may export: without ID and phone for a caller who sees them nowhere.
    static func columns(for caller: Caller) -> [Column] {
        Access.personalDataInLists(caller.assignments) == .hidden ? Column.allCases.filter { !$0.isPersonal } : Column.allCases
    }

    static func export(_ input: ExportInput, req: Request) async throws -> Download {
        let caller = try req.requireCaller()
        let key = req.application.settings.dataKey
        var v = Validator()
        let format = Format(rawValue: (input.format ?? "csv").lowercased())
        if format == nil { v.add("format", "导出格式应为 csv 或 xlsx") }
        let allowed = columns(for: caller)
        var columns: [Column] = []
        for raw in input.fields ?? [] {
            guard let c = Column(rawValue: raw) else {
                v.add("fields", "未知的导出字段“\(raw.prefix(30))”（可选：\(Column.allCases.map(\.rawValue).joined(separator: "、"))）")
                continue
            }
            // An evaluator's export never has ID or phone columns, whatever was asked.
            if allowed.contains(c), !columns.contains(c) { columns.append(c) }
        }
        if (input.fields ?? []).isEmpty { columns = allowed }
        let full = input.full ?? false
        // The reason is checked whenever it is sent (its length), and required only for full values.
        let reason = v.text(input.reason, field: "reason", label: "导出完整号码的原因", max: TextLimit.short, required: full) ?? ""
        if full {
            if !reason.isEmpty && reason.count < 4 { v.add("reason", "导出完整号码的原因至少写 4 个字") }
            if !columns.contains(where: \.isPersonal) { v.add("full", "导出完整号码须勾选身份证号或联系电话") }
        }
        try v.check()
        guard let conditions = try RecipientQueries.conditions(caller, input.filter, key: key, on: req.db) else {
            throw Abort(.forbidden, reason: "您的角色无权导出服务对象名单")
        }
        let sql = req.db as! any SQLDatabase
        let whereClause = conditions.joined(separator: " AND ")
        if full {
            // Every station in the export must be one whose records the caller may reveal.
            let stations = try await sql.raw("""
                SELECT DISTINCT s.path, s.operator_id FROM recipients r JOIN stations s ON s.id = r.station_id WHERE
                """ + " " + whereClause).all()
            for s in stations {
                let resource = Access.Resource(kind: .recipient, paths: [try s.decode(column: "path", as: String.self)],
                                               operatorIDs: Set([try s.decode(column: "operator_id", as: UUID?.self)?.uuidString].compactMap { $0 }))
                if !caller.may(.reveal, resource) {
                    throw AppError.field("full", "完整身份证号和电话只能由服务对象所在社工站的社工或承接机构负责人导出；请导出脱敏名单", status: .forbidden)
                }
            }
        }
        let rows = try await sql.raw(RecipientQueries.select + " WHERE " + whereClause
                                     + " ORDER BY r.name, r.id LIMIT \(literal: maxRows + 1)").all()
        if rows.count > maxRows {
            throw AppError.field("fields", "符合条件的服务对象超过 \(maxRows) 人，请先按街道、类别或状态缩小范围再导出")
        }
        let dtos = try await RecipientQueries.dtos(rows, hidden: Access.personalDataInLists(caller.assignments) == .hidden, today: req.today, on: sql)
        var fullValues: [UUID: (id: String?, phone: String?)] = [:]
        if full {
            let ids = dtos.map(\.id)
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                for row in try await sql.raw("SELECT id, resident_id_sealed, phone_sealed FROM recipients WHERE id IN (\(binds: chunk))").all() {
                    let id = try row.decode(column: "id", as: UUID.self)
                    fullValues[id] = (try row.decode(column: "resident_id_sealed", as: String?.self).map { try key.open($0) },
                                      try row.decode(column: "phone_sealed", as: String?.self).map { try key.open($0) })
                }
            }
        }
        var sheet = Spreadsheet(sheetName: "服务对象", rows: [columns.map { .text($0.label) }])
        for r in dtos {
            sheet.rows.append(columns.map { c -> Spreadsheet.Cell in
                switch c {
                case .name: .text(r.name)
                case .sex: .text(r.sex)
                case .birthDate: .text(r.birthDate)
                case .age: .number(Double(r.age))
                case .residentId: .text(full ? (fullValues[r.id]?.id ?? "") : (r.residentId ?? (r.hasResidentId ? "" : "无证件号")))
                case .phone: .text(full ? (fullValues[r.id]?.phone ?? "") : (r.phone ?? ""))
                case .address: .text(r.address)
                case .village: .text(r.villageName ?? "")
                case .station: .text(r.stationName)
                case .street: .text(r.streetName)
                case .categories: .text(r.categoryLabels.joined(separator: "、"))
                case .followUpLevel: r.followUpLevel.map { Spreadsheet.Cell.number(Double($0)) } ?? .text("")
                case .status: .text(r.statusLabel)
                case .statusOn: .text(r.statusOn)
                }
            })
        }
        var changes: AuditLog.Changes = ["format": [nil, format!.rawValue], "fields": [nil, columns.map(\.rawValue).joined(separator: ",")],
                                         "rows": [nil, String(dtos.count)], "values": [nil, full ? "full" : "masked"]]
        if full { changes["reason"] = [nil, reason] }
        try await req.audit.record(.sensitiveRead, entityType: "recipient_export", entityID: nil, changes: changes,
                                   actor: caller.userID, actorName: caller.username)
        let name = "recipients-\(req.today.description)"
        switch format! {
        case .csv: return Download(data: sheet.csv(), contentType: "text/csv; charset=utf-8", filename: name + ".csv")
        case .xlsx: return Download(data: try sheet.xlsx(), contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename: name + ".xlsx")
        }
    }

    static func response(_ file: Download) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: file.contentType)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(file.filename)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(data: file.data))
    }
}
