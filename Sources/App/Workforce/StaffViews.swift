import Domain
import Fluent
import Plot
import Vapor

// The station's people as pages: each a `Model` built by its static `model(...)` query (used by the
// handlers in `StaffPages`), and a view that only receives values.

/// A station's workers and supervisors, with the forms that register new ones.
enum StaffPage {
    struct Worker {
        var id: UUID
        var name: String
        /// Masked ("139****5678"), nil when none is on file.
        var phone: String?
        var education: Education
        var major: Major
        var certificate: CertificateLevel
        var certificateDate: String?
        var fullTime: Bool
        var startedOn: String
        var endedOn: String?
    }

    struct Supervisor {
        var name: String
        var pool: SupervisorPool
        var experienceYears: Double
        var startedOn: String
    }

    struct Model {
        var station: StationQueries.Summary
        /// Current postings first, then past ones, each by name.
        var workers: [Worker]
        var supervisors: [Supervisor]
        var canAdd: Bool
        /// The forms as typed (`form` says which one was sent), and what was wrong with them.
        var values: [String: String]
        var errors: Validator
    }

    static func model(_ req: Request, values: [String: String], errors: Validator) async throws -> Model {
        let caller = try req.requireCaller()
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        let key = req.application.settings.dataKey
        let workers = try await WorkforceQueries.postings(station: summary.id, on: req.db).map { p in
            let w = p.worker
            return Worker(id: w.id!, name: w.name, phone: (try? w.phoneSealed.map { WorkforceService.mask(try key.open($0)) }) ?? nil,
                          education: w.education, major: w.major, certificate: w.certificateLevel, certificateDate: w.certificateDate,
                          fullTime: w.fullTime, startedOn: p.posting.startedOn, endedOn: p.posting.endedOn)
        }
        let supervisors = try await WorkforceQueries.supervisors(station: summary.id, on: req.db).map { s, a in
            Supervisor(name: s.name, pool: s.pool, experienceYears: s.experienceYears, startedOn: a.startedOn)
        }
        let canAdd = caller.may(.create, Access.Resource(kind: .staff, paths: [summary.path], operatorIDs: Set([summary.operatorId?.uuidString].compactMap { $0 })))
        return Model(station: summary, workers: workers, supervisors: supervisors, canAdd: canAdd, values: values, errors: errors)
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let summary = m.station, values = m.values, errors = m.errors
        return Layout.page(title: "\(summary.name) 人员", path: SiteURL.stations.relativeURL(), caller: caller, csrf: csrf,
            .nav(.class("crumbs"), .a(.href(SiteURL.station(.value(summary.id)).relativeURL()), .plain(summary.name)), .plain(" / 人员")),
            .h1("驻站社工与督导"),
            .p(.a(.href(SiteURL.stationSupervision(.value(summary.id)).relativeURL()), .plain("督导记录")), .plain("　"), .a(.href(SiteURL.stationTraining(.value(summary.id)).relativeURL()), .plain("培训记录")),
               .plain("　"), .a(.href(SiteURL.stationCompliance(.value(summary.id)).relativeURL()), .plain("合规检查"))),
            .table(.class("list"), .id("workers"),
                .thead(.tr(.th("姓名"), .th("手机"), .th("学历/专业"), .th("证书"), .th("专职"), .th("驻站时间"))),
                .tbody(.forEach(m.workers) { w in
                    .tr(.class(w.endedOn == nil ? "" : "past"),
                        .td(.a(.href(SiteURL.worker(.value(w.id)).relativeURL()), .plain(w.name))),
                        .td(.plain(w.phone ?? "—")),
                        .td(.plain("\(w.education.label)·\(w.major.label)")),
                        .td(.plain(w.certificate.label + (w.certificateDate.map { "（\($0)）" } ?? ""))),
                        .td(.plain(w.fullTime ? "是" : "否")),
                        .td(.plain("\(w.startedOn) 至 \(w.endedOn ?? "今")")))
                })),
            .h2("督导"),
            .ul(.forEach(m.supervisors) { s in .li(.plain("\(s.name)（\(s.pool.label)，服务经验 \(Format.area(s.experienceYears)) 年），\(s.startedOn) 起")) }),
            .if(m.canAdd, .group(
                FormField.summary(errors.errors),
                .details(.if(values["form"] == "worker", .attribute(named: "open", value: "open")),
                    .summary(.plain("登记新社工")),
                    .form(.method(.post), .action(SiteURL.stationWorkers(.value(summary.id)).relativeURL()), .class("edit"),
                          FormField.csrf(csrf), StaffPages.workerForm(values["form"] == "worker" ? values : [:],
                                                                      errors: values["form"] == "worker" ? errors : Validator(), withStart: true),
                          .button(.type(.submit), .plain("登记")))),
                .details(.if(values["form"] == "supervisor", .attribute(named: "open", value: "open")),
                    .summary(.plain("登记督导")),
                    StaffPages.supervisorForm(action: SiteURL.stationSupervisors(.value(summary.id)).relativeURL(), csrf: csrf,
                                              values: values["form"] == "supervisor" ? values : [:],
                                              errors: values["form"] == "supervisor" ? errors : Validator())))))
    }
}

/// One worker: contact, postings, and (for a role that may edit) the edit and transfer forms.
enum WorkerPage {
    struct Model {
        var worker: WorkerDTO
        /// The full number once revealed (an audited read), else nil.
        var revealedPhone: String?
        var canEdit: Bool
        /// The stations the caller may post the worker to.
        var stations: [(id: UUID, name: String)]
        /// The edit form's values: as typed after a refusal, else as stored.
        var values: [String: String]
        /// The transfer form as typed after a refusal.
        var assignValues: [String: String]
        var errors: Validator
    }

    static func model(_ req: Request, _ w: SocialWorker, values: [String: String]?, assignValues: [String: String] = [:], errors: Validator,
                      phone: String?) async throws -> Model {
        let caller = try req.requireCaller()
        let dto = try await WorkforceQueries.dto(w, key: req.application.settings.dataKey, on: req.db)
        let canEdit = caller.may(.update, try await WorkforceService.resource(w, on: req.db))
        let stations = try await StationQueries.list(caller, .init(page: 1, per: 200), on: req.db).rows.map { (id: $0.id, name: $0.name) }
        let current: [String: String] = ["name": w.name, "gender": w.gender.rawValue, "birth_date": w.birthDate, "education": w.education.rawValue,
                                         "major": w.major.rawValue, "certificate_level": w.certificateLevel.rawValue, "certificate_number": w.certificateNumber ?? "",
                                         "certificate_date": w.certificateDate ?? "", "experience_years": Format.area(w.experienceYears)]
            .merging(w.fullTime ? ["full_time": "on"] : [:]) { a, _ in a }.merging(w.registeredNational ? ["registered_national": "on"] : [:]) { a, _ in a }
        return Model(worker: dto, revealedPhone: phone, canEdit: canEdit, stations: stations, values: values ?? current, assignValues: assignValues, errors: errors)
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let dto = m.worker, phone = m.revealedPhone, errors = m.errors
        return Layout.page(title: dto.name, path: SiteURL.stations.relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain(dto.name)),
            .dl(.class("facts"),
                .dt("手机"), .dd(.plain(phone ?? dto.phone ?? "未填写"),
                    .if(m.canEdit && phone == nil && dto.phone != nil,
                        .form(.method(.post), .action(SiteURL.workerPhone(.value(dto.id)).relativeURL()), .class("inline-button"), FormField.csrf(csrf),
                              .button(.type(.submit), .plain("查看完整号码（将记录）"))))),
                .dt("驻站记录"), .dd(.ul(.forEach(dto.postings) { p in .li(.a(.href(SiteURL.stationStaff(.value(p.stationId)).relativeURL()), .plain(p.stationName)), .plain("：\(p.startedOn) 至 \(p.endedOn ?? "今")")) }))),
            .if(m.canEdit, .group(
                .h2("修改信息"),
                FormField.summary(errors.errors),
                .form(.method(.post), .action(SiteURL.worker(.value(dto.id)).relativeURL()), .class("edit"), FormField.csrf(csrf),
                      StaffPages.workerForm(m.values, errors: errors, withStart: false), .button(.type(.submit), .plain("保存"))),
                .h2("调动到其他站点"),
                .form(.method(.post), .action(SiteURL.workerAssign(.value(dto.id)).relativeURL()), .class("edit"), FormField.csrf(csrf),
                      FormField.select("station_id", label: "新站点", options: [("", "请选择")] + m.stations.map { ($0.id.uuidString, $0.name) },
                                       selected: m.assignValues["station_id"], error: errors.message(for: "station_id")),
                      FormField.text("assign_started_on", label: "到岗日期（原站点在前一天结束）", value: m.assignValues["assign_started_on"],
                                     error: errors.message(for: "assign_started_on"), type: .date),
                      .button(.type(.submit), .plain("调动"))))))
    }
}

/// A station's supervision records of a year (MZ/T 166), with the confirm buttons and the new-record form.
enum SupervisionPage {
    struct Model {
        var station: StationQueries.Summary
        var year: Int
        var records: [SupervisionDTO]
        /// The records that wait for this user's confirmation (T-5): only these offer 确认.
        var awaitingMe: Set<UUID>
        var supervisors: [(id: UUID, name: String)]
        /// Workers currently posted, who can be supervisees.
        var workers: [(id: UUID, name: String)]
        /// The station's open cases the caller reads, which a new record may name (issue 10 §2).
        var openCases: [SupervisionCases.Offer]
        /// Whether a record's case numbers link to the cases (the caller reads them).
        var linksCases: Bool
        var canAdd: Bool
        var values: [String: String]
        var errors: Validator
    }

    static func model(_ req: Request, values: [String: String], errors: Validator) async throws -> Model {
        let caller = try req.requireCaller()
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        let year = try req.yearQuery()
        let records = try await WorkforceQueries.supervision(station: summary.id, year: year, on: req.db)
        let mine = try await WorkforceQueries.awaitingConfirmation(by: caller.userID, station: summary.id, year: year, on: req.db)
        let supervisors = try await WorkforceQueries.supervisors(station: summary.id, on: req.db)
        let workers = try await WorkforceQueries.postings(station: summary.id, on: req.db).filter { $0.posting.endedOn == nil }
        // Only the supervisors the caller may write a record for are offered (a supervisor: themself);
        // with none, no form at all — never one whose valid submit is refused.
        let writable = supervisors.filter { s in
            caller.may(.create, RecordsService.stationResourceFromSummary(summary, owners: Set([s.0.userID?.uuidString].compactMap { $0 })))
        }
        let openCases = writable.isEmpty ? [] : try await SupervisionCases.offers(station: summary.id, caller: caller, today: req.today, on: req.db)
        return Model(station: summary, year: year, records: records, awaitingMe: mine, supervisors: writable.map { (id: $0.0.id!, name: $0.0.name) },
                     workers: workers.map { (id: $0.worker.id!, name: $0.worker.name) }, openCases: openCases,
                     linksCases: try await SupervisionCases.readsCases(caller, station: summary, today: req.today, on: req.db),
                     canAdd: !writable.isEmpty, values: values, errors: errors)
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let summary = m.station, values = m.values, errors = m.errors
        return Layout.page(title: "\(summary.name) 督导记录", path: SiteURL.stations.relativeURL(), caller: caller, csrf: csrf,
            .nav(.class("crumbs"), .a(.href(SiteURL.station(.value(summary.id)).relativeURL()), .plain(summary.name)), .plain(" / 督导记录")),
            .h1(.plain("\(m.year) 年督导记录（MZ/T 166）")),
            .table(.class("list"),
                .thead(.tr(.th("日期"), .th("时长"), .th("督导"), .th("形式"), .th("被督导社工"), .th("主题/问题/建议"), .th("讨论的个案"), .th("确认"))),
                .tbody(.forEach(m.records) { r in
                    .tr(.id("record-\(r.id)"), .td(.plain(r.heldOn)), .td(.plain("\(Format.area(r.hours)) 小时")), .td(.plain(r.supervisorName)), .td(.plain(r.form.label)),
                        .td(.plain(r.supervisees.joined(separator: "、"))),
                        .td(.plain("\(r.topic)；\(r.issues)；\(r.advice)")),
                        .td(.class("cases"), r.cases.isEmpty ? .plain("—") : .forEach(Array(r.cases.enumerated())) { i, c in
                            .group(.if(i > 0, .plain("、")),
                                   m.linksCases ? .a(.href(SiteURL.serviceCase(.value(c.id)).relativeURL()), .plain(c.number)) : .plain(c.number))
                        }),
                        .td(.plain("督导\(r.supervisorConfirmed ? "已" : "未")确认，社工 \(r.superviseesConfirmed)/\(r.supervisees.count)"),
                            .if(m.awaitingMe.contains(r.id),
                                .form(.method(.post), .action(SiteURL.supervisionConfirm(.value(r.id)).relativeURL()), FormField.csrf(csrf), .button(.type(.submit), .plain("确认"))))))
                })),
            .if(m.canAdd, .group(
                .h2("新增督导记录"),
                FormField.summary(errors.errors),
                .form(.method(.post), .action(SiteURL.stationSupervision(.value(summary.id)).relativeURL()), .class("edit"), FormField.csrf(csrf),
                      FormField.select("supervisor_id", label: "督导", options: m.supervisors.map { ($0.id.uuidString, $0.name) }, selected: values["supervisor_id"], error: errors.message(for: "supervisor_id")),
                      FormField.text("held_on", label: "日期", value: values["held_on"], error: errors.message(for: "held_on"), type: .date),
                      FormField.text("hours", label: "督导时长（小时，如 1.5）", value: values["hours"], error: errors.message(for: "hours")),
                      FormField.select("form", label: "形式", options: SupervisionForm.allCases.map { ($0.rawValue, $0.label) }, selected: values["form"], error: errors.message(for: "form")),
                      FormField.checkboxGroup("supervisee_ids", legend: "被督导社工",
                                              boxes: m.workers.map { w in ("supervisee_\(w.id)", w.name, values["supervisee_\(w.id)"] != nil) },
                                              error: errors.message(for: "supervisee_ids")),
                      .if(!m.openCases.isEmpty || errors.message(for: "case_ids") != nil,
                          FormField.checkboxGroup("case_ids", legend: "讨论的个案（本站未结案的个案，可不选）",
                                                  boxes: m.openCases.map { c in ("case_\(c.id)", c.label, values["case_\(c.id)"] != nil) },
                                                  error: errors.message(for: "case_ids"))),
                      .if(m.openCases.isEmpty, .p(.class("hint"), .plain("讨论的个案：本站目前没有您可查看的未结案个案。"))),
                      FormField.text("topic", label: "督导主题", value: values["topic"], error: errors.message(for: "topic")),
                      FormField.textarea("issues", label: "提出的问题", value: values["issues"], error: errors.message(for: "issues")),
                      FormField.textarea("advice", label: "督导建议", value: values["advice"], error: errors.message(for: "advice")),
                      .button(.type(.submit), .plain("保存"))))))
    }
}

/// A station's training records of a year, with their evidence, and the new-record form.
enum TrainingPage {
    struct Model {
        var station: StationQueries.Summary
        var year: Int
        var records: [TrainingDTO]
        /// Workers ever posted to the station.
        var workers: [(id: UUID, name: String)]
        var canAdd: Bool
        var values: [String: String]
        var errors: Validator
    }

    static func model(_ req: Request, values: [String: String], errors: Validator) async throws -> Model {
        let caller = try req.requireCaller()
        let summary = try await StationQueries.summary(req.parameters.get("id", as: UUID.self), .read, req: req)
        let year = try req.yearQuery()
        let records = try await WorkforceQueries.training(station: summary.id, year: year, on: req.db)
        let workers = try await WorkforceQueries.postings(station: summary.id, on: req.db)
        // Only the workers the caller may record training for are offered (a social worker: themself);
        // with none, no form at all — never one whose valid submit is refused.
        var seen = Set<UUID>()
        let writable = workers.filter { w in
            caller.may(.create, RecordsService.stationResourceFromSummary(summary, owners: Set([w.worker.userID?.uuidString].compactMap { $0 })))
                && seen.insert(w.worker.id!).inserted
        }
        return Model(station: summary, year: year, records: records, workers: writable.map { (id: $0.worker.id!, name: $0.worker.name) },
                     canAdd: !writable.isEmpty, values: values, errors: errors)
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let summary = m.station, values = m.values, errors = m.errors
        return Layout.page(title: "\(summary.name) 培训记录", path: SiteURL.stations.relativeURL(), caller: caller, csrf: csrf,
            .nav(.class("crumbs"), .a(.href(SiteURL.station(.value(summary.id)).relativeURL()), .plain(summary.name)), .plain(" / 培训记录")),
            .h1(.plain("\(m.year) 年培训记录")),
            .table(.class("list"),
                .thead(.tr(.th("日期"), .th("社工"), .th("学时"), .th("培训"), .th("主办"), .th("佐证"))),
                .tbody(.forEach(m.records) { r in
                    .tr(.td(.plain(r.heldOn)), .td(.plain(r.workerName)), .td(.plain(Format.area(r.hours))), .td(.plain(r.title)), .td(.plain(r.organiser)),
                        .td(r.attachmentId == nil ? .plain("—") : .group(
                            .a(.href(SiteURL.trainingEvidence(.value(r.id)).relativeURL(["inline": "1"])), .plain("查看")), .plain("　"),
                            .a(.href(SiteURL.trainingEvidence(.value(r.id)).relativeURL()), .plain("下载")))))
                })),
            .if(m.canAdd, .group(
                .h2("新增培训记录"),
                FormField.summary(errors.errors),
                .form(.method(.post), .action(SiteURL.stationTraining(.value(summary.id)).relativeURL()), .enctype(.multipartData), .class("edit"), FormField.csrf(csrf),
                      FormField.select("worker_id", label: "社工", options: m.workers.map { ($0.id.uuidString, $0.name) }, selected: values["worker_id"], error: errors.message(for: "worker_id")),
                      FormField.text("held_on", label: "日期", value: values["held_on"], error: errors.message(for: "held_on"), type: .date),
                      FormField.text("hours", label: "学时（如 2 或 0.5）", value: values["hours"], error: errors.message(for: "hours")),
                      FormField.text("title", label: "培训名称", value: values["title"], error: errors.message(for: "title")),
                      FormField.text("organiser", label: "主办单位", value: values["organiser"], error: errors.message(for: "organiser")),
                      FormField.text("attachment", label: "佐证材料（PDF 文件或 JPEG、PNG 图片，不超过 20 MB）", value: nil, error: errors.message(for: "attachment"), type: .file),
                      .button(.type(.submit), .plain("保存"))))))
    }
}
