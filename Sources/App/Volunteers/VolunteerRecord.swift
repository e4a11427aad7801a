import Domain
import Foundation
import Plot
import SQLKit
import Vapor

/// `/volunteers/{id}/record`: a volunteer's record of service (志愿服务记录, R-3): confirmed hours by
/// year and by activity, the total, signed by the volunteer's station; printable (print CSS) and as a
/// PDF that headless Chromium prints from the same page. Until the platform is connected to the
/// national volunteer service system it says that these are the platform's records, not its certificate.
enum VolunteerRecordPage {
    static let disclaimer = "本记录为社工站综合管理平台的记录（平台记录，非全国志愿服务信息系统证明）。"

    struct Line {
        var day: String
        var kindLabel: String
        var activity: String
        var organiser: String
        var hours: Double
    }

    struct Model {
        var volunteer: VolunteerDTO
        var lines: [Line] = []
        var byYear: [(year: Int, hours: Double)] = []
        var total: Double = 0
        var signedOn = ""
    }

    /// Confirmed hours only, whichever station organised them (they are all the platform's records of this volunteer).
    static func query(_ v: Volunteer, req: Request) async throws -> Model {
        var m = Model(volunteer: try await VolunteerService.dto(v, req: req))
        m.signedOn = req.today.description
        let rows = try await (req.db as! any SQLDatabase).raw("""
            SELECT h.starts_at, h.activity_kind, h.activity_name, h.half_hours, s.name AS station_name
            FROM volunteer_hours h JOIN stations s ON s.id = h.station_id
            WHERE h.volunteer_id = \(bind: v.id!) AND h.status = 'confirmed' ORDER BY h.starts_at
            """).all()
        var years: [Int: Int] = [:]
        for row in rows {
            let start = try row.decode(column: "starts_at", as: String.self)
            let half = try row.decode(column: "half_hours", as: Int.self)
            let kind = VolunteerActivityKind(rawValue: try row.decode(column: "activity_kind", as: String.self)) ?? .standalone
            m.lines.append(Line(day: String(start.prefix(10)), kindLabel: kind.label, activity: try row.decode(column: "activity_name", as: String.self),
                                organiser: try row.decode(column: "station_name", as: String.self), hours: Double(half) / 2))
            years[Int(start.prefix(4)) ?? 0, default: 0] += half
        }
        m.byYear = years.keys.sorted().map { ($0, Double(years[$0]!) / 2) }
        m.total = Double(years.values.reduce(0, +)) / 2
        return m
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let v = m.volunteer
        return Layout.page(title: "志愿服务记录：\(v.name)", path: SiteURL.volunteerRecord(.value(v.id)).relativeURL(), caller: caller, csrf: csrf,
            .div(.class("service-record"), .id("service-record"),
                .h1(.plain("志愿服务记录")),
                .p(.class("disclaimer"), .id("disclaimer"), .strong(.plain(disclaimer))),
                .p(.class("no-print"), .a(.href(SiteURL.volunteer(.value(v.id)).relativeURL()), .plain("返回志愿者")), .plain(" · "),
                   .a(.class("button"), .id("record-pdf"), .href(SiteURL.volunteerRecordPDF(.value(v.id)).relativeURL()), .plain("下载 PDF"))),
                .dl(.class("facts"),
                    .dt("姓名"), .dd(.plain(v.name)),
                    .unwrap(v.residentId) { .group(.dt("身份证号"), .dd(.plain($0))) },
                    .dt("所属社工站"), .dd(.plain(v.stationName)),
                    .dt("村（社区）"), .dd(.plain(v.villageName)),
                    .dt("全国志愿服务信息系统注册编号"), .dd(.plain(v.nationalRegistration ?? "未注册")),
                    .dt("累计服务时长"), .dd(.id("record-total"), .plain(VolunteerFormat.hours(m.total)))),
                .h2("按年度"),
                .table(.class("list"), .id("record-years"),
                    .thead(.tr(.th("年度"), .th("服务时长"))),
                    .tbody(.forEach(m.byYear) { y in .tr(.td(.plain("\(y.year)年")), .td(.class("num"), .plain(VolunteerFormat.hours(y.hours)))) })),
                .h2("按活动"),
                .if(m.lines.isEmpty, .p(.class("empty"), .plain("尚无已确认的服务时长。"))),
                .if(!m.lines.isEmpty, .table(.class("list"), .id("record-activities"),
                    .thead(.tr(.th("日期"), .th("类型"), .th("活动"), .th("组织方"), .th("时长"))),
                    .tbody(.forEach(m.lines) { l in
                        .tr(.td(.plain(l.day)), .td(.plain(l.kindLabel)), .td(.plain(l.activity)), .td(.plain(l.organiser)),
                            .td(.class("num"), .plain(VolunteerFormat.hours(l.hours))))
                    }))),
                .p(.class("hint"), .plain("只计已由组织方社工站确认的服务时长（谁组织谁记录）。")),
                .div(.class("signature"), .id("signature"),
                     .p(.plain("出具：\(v.stationName)")),
                     .p(.plain("日期：\(m.signedOn)")))))
    }
}

/// Prints a page to PDF with headless Chromium: the page's HTML with the stylesheet inlined, from a
/// temporary file, so that the PDF is exactly what the print CSS makes of the page.
enum PDFPrinter {
    static func pdf(html: String, chromium: String) async throws -> Data {
        guard FileManager.default.isExecutableFile(atPath: chromium) else {
            throw AppError.field("pdf", "服务器未安装 Chromium（\(chromium)），暂不能生成 PDF：请管理员安装 chromium 或以 SHEGONG_CHROMIUM 指定其路径；也可在页面上用浏览器打印",
                                 status: .serviceUnavailable)
        }
        let page = html.replacingOccurrences(of: #"<link rel="stylesheet"[^>]*>"#, with: "<style>" + Stylesheet.css + "</style>", options: .regularExpression)
        let dir = NSTemporaryDirectory() + "shegong-pdf-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/page.html", output = dir + "/page.pdf"
        try Data(page.utf8).write(to: URL(fileURLWithPath: input))
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: chromium)
            process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=" + dir + "/profile",
                                 "--print-to-pdf=" + output, "file://" + input]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        guard status == 0, let data = FileManager.default.contents(atPath: output), data.starts(with: Array("%PDF".utf8)) else {
            throw AppError.field("pdf", "Chromium 未能生成 PDF（退出码 \(status)）；可在页面上用浏览器打印", status: .serviceUnavailable)
        }
        return data
    }
}
