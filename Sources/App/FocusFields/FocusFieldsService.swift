import Domain
import Fluent
import SQLKit
import Vapor

/// A station's focus service fields for a year (V-5): chosen by its workers or operator, read by
/// the street, district and city. A change is a new version, in one audited transaction.
enum FocusFieldsService {
    /// The years a choice may be made for: last year (late records), this year and next.
    static func year(_ raw: Int?, today: Day) throws -> Int {
        let year = raw ?? today.year
        guard (today.year - 1...today.year + 1).contains(year) else {
            throw AppError.field("year", "重点服务领域可选定的年度为 \(today.year - 1)–\(today.year + 1) 年", status: .badRequest)
        }
        return year
    }

    static func current(_ station: Station, year: Int, req: Request) async throws -> FocusFieldsDTO {
        let profile = try await CaseService.profile(of: station, year: year, req: req)
        let rule = profile.rule("V-5")
        let choice = try await FocusChoice.query(on: req.db).filter(\.$stationID == station.id!).filter(\.$year == year)
            .sort(\.$version, .descending).first()
        let work = try await FocusWork.load(station: station.id!, year: year, on: req.db) { profile.serviceField($0)?.label ?? $0 }
        return FocusFieldsDTO(stationId: station.id!, year: year, version: choice?.version ?? 0, chosenByName: choice?.chosenByName,
                              fields: work.fields.map { .init(code: $0.code, label: $0.label, caseWork: $0.caseWork, groupWork: $0.groupWork,
                                                                       communityWork: $0.communityWork) },
                              minFields: rule?.param("minFocusFields").map { Int($0) }, maxFields: rule?.param("maxFocusFields").map { Int($0) })
    }

    /// Records the year's choice: fields of the profile in force that year, none twice, at least one
    /// and no more than V-5's maximum (422 naming the rule). The same set again changes nothing.
    static func choose(_ station: Station, _ input: FocusFieldsInput, req: Request) async throws {
        let caller = try req.requireCaller()
        try req.authorize(.create, StationScope.resource(station, .service))
        let year = try year(input.year, today: req.today)
        let profile = try await CaseService.profile(of: station, year: year, req: req)
        let codes = input.fields ?? []
        var v = Validator()
        for code in codes where profile.serviceField(code) == nil {
            v.add("fields", "“\(code)”不是本市\(year)年服务目录中的服务领域（可选：\(profile.serviceFields.map { "\($0.code) \($0.label)" }.joined(separator: "、"))）")
        }
        if Set(codes).count != codes.count { v.add("fields", "同一服务领域选择了两次") }
        if codes.isEmpty { v.add("fields", "请至少选择一个重点服务领域") }
        if let max = profile.rule("V-5")?.param("maxFocusFields"), Double(codes.count) > max {
            v.add("fields", "每年最多选定 \(Int(max)) 个重点服务领域（\(RuleName.label("V-5"))），选择了 \(codes.count) 个")
        }
        try v.check()
        try await req.audit.transaction { db, audit in
            let latest = try await FocusChoice.query(on: db).filter(\.$stationID == station.id!).filter(\.$year == year).sort(\.$version, .descending).first()
            if latest?.fields == codes { return }
            let choice = FocusChoice()
            choice.id = UUID()
            choice.stationID = station.id!
            choice.year = year
            choice.version = (latest?.version ?? 0) + 1
            choice.fieldCodes = codes.joined(separator: ",")
            choice.chosenBy = caller.userID
            choice.chosenByName = caller.displayName
            try await choice.create(on: db)
            audit.change(entityType: "station_focus_choice", entityID: choice.id, old: latest.map { ["fields": $0.fieldCodes, "version": String($0.version)] },
                         new: ["station_id": station.id!.uuidString, "year": String(year), "version": String(choice.version), "fields": choice.fieldCodes])
        }
    }
}
