import Domain
import Fluent
import SQLKit
import Vapor

/// Featured projects (特色项目, V-3's "N"; issue 10 §1): a station's social workers and operator
/// define them per year where the city's profile has them; the street, district and city read them.
/// Each change is one audited transaction; a name is unique within the station and year (409).
enum FeaturedProjectService {
    /// The years a project may be defined for: last year (late records), this year and next.
    static func year(_ raw: Int?, today: Day) throws -> Int {
        let year = raw ?? today.year
        guard (today.year - 1...today.year + 1).contains(year) else {
            throw AppError.field("year", "特色项目可设立的年度为 \(today.year - 1)–\(today.year + 1) 年", status: .badRequest)
        }
        return year
    }

    /// The station, read through the caller's scope of the service ledger (404 outside it).
    static func station(_ id: UUID?, req: Request) async throws -> Station {
        let s = try await StationQueries.find(id, .read, req: req)
        try req.authorize(.read, StationScope.resource(s, .service))
        return s
    }

    /// A project for an action, looked up inside the caller's scope: 404 outside it, 403 where the
    /// caller only reads.
    static func find(_ id: UUID?, _ action: Access.Action, req: Request) async throws -> (FeaturedProject, Station) {
        guard let id, let p = try await FeaturedProject.query(on: req.db).filter(\.$id == id).with(\.$station).first() else {
            throw Abort(.notFound, reason: "未找到该特色项目，或不在您的管辖范围内")
        }
        try req.authorize(action, StationScope.resource(p.station, .service))
        return (p, p.station)
    }

    /// The station's projects of a year, with what the ledger's summary counts under each.
    static func list(_ station: Station, year: Int, req: Request) async throws -> FeaturedProjectList {
        let profile = try await CaseService.profile(of: station, year: year, req: req)
        let projects = try await FeaturedProject.query(on: req.db).filter(\.$station.$id == station.id!).filter(\.$year == year).sort(\.$activeFrom).sort(\.$name).all()
        let counts = try await tallies(projects.map { $0.id! }, station: station.id!, year: year, on: req.db)
        return FeaturedProjectList(stationId: station.id!, stationName: station.name, year: year, enabled: profile.featuredProjects,
                                   items: projects.map { dto($0, profile: profile, counts: counts[$0.id!]) })
    }

    static func dto(_ p: FeaturedProject, profile: PolicyProfile, counts: (records: Int, people: Int)?) -> FeaturedProjectDTO {
        FeaturedProjectDTO(id: p.id!, stationId: p.$station.id, year: p.year, name: p.name, field: p.field, fieldLabel: profile.serviceField(p.field)?.label ?? p.field,
                           description: p.summary, activeFrom: p.activeFrom, activeTo: p.activeTo, records: counts?.records ?? 0, people: counts?.people ?? 0,
                           createdByName: p.createdByName)
    }

    /// Services and 服务人次 per project of a station's year, from `service_totals` (M021; a project is
    /// an item code there, `ServiceTotals.featuredCode`).
    static func tallies(_ ids: [UUID], station: UUID, year: Int, on db: any Database) async throws -> [UUID: (records: Int, people: Int)] {
        if ids.isEmpty { return [:] }
        var counts: [UUID: (records: Int, people: Int)] = [:]
        for row in try await (db as! any SQLDatabase).raw("""
            SELECT code, records, people FROM service_totals WHERE station_id = \(bind: station) AND year = \(bind: year) AND dimension = 'item'
            AND code IN (\(binds: ids.map(ServiceTotals.featuredCode)))
            """).all() {
            guard let id = UUID(uuidString: String(try row.decode(column: "code", as: String.self).dropFirst(ServiceTotals.featuredPrefix.count))) else { continue }
            counts[id] = (try row.decode(column: "records", as: Int.self), try row.decode(column: "people", as: Int.self))
        }
        return counts
    }

    /// Refuses a year whose profile has no featured projects (422 naming V-3).
    private static func requireEnabled(_ profile: PolicyProfile, year: Int) throws {
        if !profile.featuredProjects {
            throw AppError.field("year", "本市\(year)年适用的政策配置没有特色项目（\(RuleName.label("V-3"))中的“N”，见武汉市“1+4+N”服务体系）；"
                                 + "如需设立，须由市民政局在政策配置中以新版本开放特色项目")
        }
    }

    /// The days a project runs: within its year, the first not after the last; the whole year when not given.
    private static func window(from rawFrom: String?, to rawTo: String?, year: Int, into v: inout Validator) -> (Day, Day)? {
        let from = v.day(rawFrom, field: "active_from", label: "开展起始日期") ?? ((rawFrom ?? "").isEmpty ? Day(year: year, month: 1, day: 1) : nil)
        let to = v.day(rawTo, field: "active_to", label: "开展截止日期") ?? ((rawTo ?? "").isEmpty ? Day(year: year, month: 12, day: 31) : nil)
        if let from, from.year != year { v.add("active_from", "开展起始日期应在 \(year) 年内（特色项目按年度设立）") }
        if let to, to.year != year { v.add("active_to", "开展截止日期应在 \(year) 年内（特色项目按年度设立）") }
        if let from, let to, from > to { v.add("active_to", "开展截止日期不能早于起始日期（\(from)）") }
        guard let from, let to else { return nil }
        return (from, to)
    }

    static func create(_ station: Station, _ input: FeaturedProjectInput, req: Request) async throws -> FeaturedProject {
        let caller = try req.requireCaller()
        try req.authorize(.create, StationScope.resource(station, .service))
        let year = try year(input.year, today: req.today)
        let profile = try await CaseService.profile(of: station, year: year, req: req)
        try requireEnabled(profile, year: year)
        var v = Validator()
        let name = v.text(input.name, field: "name", label: "项目名称", max: TextLimit.name, required: true)
        let description = v.text(input.description, field: "description", label: "项目简介", max: TextLimit.short, required: true)
        let field = profile.serviceField(input.field ?? "")
        if field == nil {
            let choices = profile.serviceFields.map { "\($0.code)（\($0.label)）" }.joined(separator: "、")
            v.add("field", (input.field ?? "").isEmpty ? "请选择项目所属的服务领域" : "“\(input.field!)”不是本市\(year)年服务目录中的服务领域（可选：\(choices)）")
        }
        let window = window(from: input.activeFrom, to: input.activeTo, year: year, into: &v)
        try v.check()
        let p = FeaturedProject()
        p.id = UUID()
        p.year = year
        p.$station.id = station.id!
        p.cityID = station.cityID
        p.districtID = station.districtID
        p.name = name!
        p.field = field!.code
        p.summary = description!
        p.activeFrom = window!.0.description
        p.activeTo = window!.1.description
        p.createdBy = caller.userID
        p.createdByName = caller.displayName
        try await req.audit.transaction { db, audit in
            // Inside the serialised write, so that two at once cannot both pass (the index backs it).
            try await refuseTakenName(p.name, station: station, year: year, except: nil, on: db)
            try await p.create(on: db)
            audit.change(entityType: "featured_project", entityID: p.id, old: nil, new: p.auditFields)
        }
        return p
    }

    /// Name, description and days; the days must still hold every service already given under it.
    /// Returns the project as saved.
    @discardableResult
    static func update(_ p: FeaturedProject, station: Station, _ patch: FeaturedProjectPatch, req: Request) async throws -> FeaturedProject {
        try req.authorize(.update, StationScope.resource(station, .service))
        var v = Validator()
        let patchedName = patch.name == nil ? nil : v.text(patch.name, field: "name", label: "项目名称", max: TextLimit.name, required: true)
        let patchedDescription = patch.description == nil ? nil : v.text(patch.description, field: "description", label: "项目简介", max: TextLimit.short, required: true)
        _ = window(from: patch.activeFrom ?? p.activeFrom, to: patch.activeTo ?? p.activeTo, year: p.year, into: &v)
        try v.check()
        return try await req.audit.transaction { db, audit in
            // Read again inside the serialised write: a patch of the name and one of the days at once
            // each change what they name, neither puts back what the other changed.
            guard let current = try await FeaturedProject.find(p.id, on: db) else { throw Abort(.notFound) }
            var v = Validator()
            let name = patchedName ?? current.name, description = patchedDescription ?? current.summary
            let window = window(from: patch.activeFrom ?? current.activeFrom, to: patch.activeTo ?? current.activeTo, year: current.year, into: &v)
            try v.check()
            let before = current.auditFields
            if name != current.name { try await refuseTakenName(name, station: station, year: current.year, except: current.id, on: db) }
            let span = try await (db as! any SQLDatabase).raw("""
                SELECT MIN(served_on) AS first, MAX(served_on) AS last FROM service_records WHERE featured_project_id = \(bind: current.id!) AND year = \(bind: current.year)
                """).first()
            if let first = try span?.decode(column: "first", as: String?.self), let last = try span?.decode(column: "last", as: String?.self),
               first < window!.0.description || last > window!.1.description {
                throw AppError.field("active_from", "已有 \(first) 至 \(last) 的服务记入“\(current.name)”，开展期须包含这些日期")
            }
            current.name = name
            current.summary = description
            current.activeFrom = window!.0.description
            current.activeTo = window!.1.description
            try await current.save(on: db)
            audit.change(entityType: "featured_project", entityID: current.id, old: before, new: current.auditFields)
            return current
        }
    }

    private static func refuseTakenName(_ name: String, station: Station, year: Int, except: UUID?, on db: any Database) async throws {
        var query = FeaturedProject.query(on: db).filter(\.$station.$id == station.id!).filter(\.$year == year).filter(\.$name == name)
        if let except { query = query.filter(\.$id != except) }
        if try await query.count() > 0 {
            throw AppError.field("name", "本站\(year)年已有名为“\(name)”的特色项目", status: .conflict)
        }
    }

    /// The tag of a service given at `station` on `day`: its field and catalogue item, or one of the
    /// station's featured projects of that year in the item's place (V-3). A project of another
    /// station, another year, or outside its days is refused beside `featured_project_id`.
    static func tag(_ profile: PolicyProfile, station: Station, on day: Day?, field: String?, item: String?, method: String?,
                    featured: UUID?, db: any Database, into v: inout Validator) async throws -> ServiceTag? {
        guard let featured else { return CaseService.tag(profile, field: field, item: item, method: method, into: &v) }
        guard let project = try await FeaturedProject.query(on: db).filter(\.$id == featured).filter(\.$station.$id == station.id!).first() else {
            v.add("featured_project_id", "未找到该特色项目：服务只能记入本站本年度设立的特色项目")
            return nil
        }
        if let day {
            if project.year != day.year {
                v.add("featured_project_id", "特色项目“\(project.name)”是本站 \(project.year) 年的项目，\(day) 的服务不能记入")
            } else if !project.covers(day) {
                v.add("featured_project_id", "特色项目“\(project.name)”的开展期为 \(project.activeFrom) 至 \(project.activeTo)，\(day) 不在其内")
            }
        }
        return CaseService.tag(profile, field: field, item: item, method: method, featured: project.ref, into: &v)
    }

    /// A featured project's id as a form sends it ("" for none); a malformed one is an error beside the field.
    static func formValue(_ raw: String?, field: String, into v: inout Validator) -> UUID? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let id = UUID(uuidString: raw) else {
            v.add(field, "特色项目的编号无效")
            return nil
        }
        return id
    }

    /// The choices a service form offers at a station: its projects of the year (none where the
    /// city's profile has no featured projects).
    static func choices(_ station: Station, year: Int, profile: PolicyProfile, on db: any Database) async throws -> [(value: String, label: String)] {
        guard profile.featuredProjects else { return [] }
        return try await FeaturedProject.query(on: db).filter(\.$station.$id == station.id!).filter(\.$year == year).sort(\.$name).all()
            .map { ($0.id!.uuidString, "\($0.name)（\(profile.serviceField($0.field)?.label ?? $0.field)，\($0.activeFrom) 至 \($0.activeTo)）") }
    }
}
