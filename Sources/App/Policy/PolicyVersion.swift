import Domain
import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// A city's change to its profile's parameters. Every change is a new version with an effective
/// date; an evaluation of a year uses the version in force on that year's last day.
final class PolicyVersion: Model, @unchecked Sendable {
    static let schema = "policy_versions"

    @ID(key: .id) var id: UUID?
    @Field(key: "city_id") var cityID: UUID
    @Field(key: "profile_id") var profileID: String
    @Field(key: "version") var version: Int
    @Field(key: "effective_from") var effectiveFrom: String
    /// JSON: rule id → parameter → value; all changes so far, not only this version's.
    @Field(key: "overrides") var overrides: String
    /// JSON of `CatalogueAdditions`: every item and featured-project opening added so far; nil for none.
    @OptionalField(key: "catalogue") var catalogue: String?
    @Field(key: "note") var note: String
    /// Set when the version took effect before the day it was made (within that year only).
    @OptionalField(key: "backdate_reason") var backdateReason: String?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var overrideValues: [String: [String: Double]] {
        (try? JSONDecoder().decode([String: [String: Double]].self, from: Data(overrides.utf8))) ?? [:]
    }

    var catalogueAdditions: CatalogueAdditions {
        catalogue.flatMap { try? JSONDecoder().decode(CatalogueAdditions.self, from: Data($0.utf8)) } ?? .none
    }
}

/// Writing a new version of a city's profile: the effective date's checks and the version built on
/// the one in force on that date, shared by parameter changes and catalogue additions.
enum PolicyVersions {
    /// The effective date: required; before today only within this year and with a reason.
    static func effectiveDate(_ raw: String, reason: String, today: Day, into v: inout Validator) -> Day? {
        let effective = v.day(raw, field: "effective_from", label: "生效日期")
        if raw.trimmingCharacters(in: .whitespaces).isEmpty { v.add("effective_from", "生效日期不能为空") }
        // Backdating rewrites findings that officers have already seen: only within the current year,
        // and only with a stated reason, which the policy page shows in red.
        if let effective, effective < today {
            if effective.year != today.year {
                v.add("effective_from", "生效日期 \(effective) 早于今年：参数修改最多追溯到本年 1 月 1 日")
            } else if reason.isEmpty {
                v.add("backdate_reason", "生效日期早于今天（\(today)），须填写追溯理由")
            }
        }
        return effective
    }

    /// Records a new version in force from `effective`: the parameters and catalogue in force on that
    /// date, changed by `build`, which returns the audit's changes (or throws to refuse). Read and
    /// written inside the write lock: two changes saved at once get versions n and n+1, the second
    /// built on the first, none lost.
    static func record(city: OrgUnit, profileID: String, effective: Day, note: String, reason: String, req: Request,
                       build: @escaping @Sendable (_ overrides: inout [String: [String: Double]], _ catalogue: inout CatalogueAdditions, _ db: any Database) async throws
                           -> AuditLog.Changes) async throws -> PolicyVersion {
        let cityID = try city.requireID()
        let today = req.today
        let createdBy = req.caller?.username ?? ""
        let version = try await req.audit.transaction { db, audit in
            // Never before the version in force today: that would silently rewrite the years it governs.
            if let current = try await PolicyVersion.query(on: db).filter(\.$cityID == cityID)
                .filter(\.$effectiveFrom <= today.description).sort(\.$effectiveFrom, .descending).first(),
               effective.description < current.effectiveFrom {
                throw AppError.field("effective_from", "生效日期不能早于现行第 \(current.version) 版的生效日期 \(current.effectiveFrom)")
            }
            let inForce = try await PolicyVersion.query(on: db)
                .filter(\.$cityID == cityID).filter(\.$profileID == profileID)
                .filter(\.$effectiveFrom <= effective.description)
                .sort(\.$effectiveFrom, .descending).sort(\.$version, .descending).first()
            var overrides = inForce?.overrideValues ?? [:]
            var catalogue = inForce?.catalogueAdditions ?? .none
            var changes = try await build(&overrides, &catalogue, db)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let last = try await PolicyVersion.query(on: db).filter(\.$cityID == cityID).sort(\.$version, .descending).first()
            let version = PolicyVersion()
            version.cityID = cityID
            version.profileID = profileID
            version.version = (last?.version ?? 0) + 1
            version.effectiveFrom = effective.description
            version.overrides = String(decoding: try encoder.encode(overrides), as: UTF8.self)
            version.catalogue = catalogue == .none ? nil : String(decoding: try encoder.encode(catalogue), as: UTF8.self)
            version.note = note
            version.backdateReason = effective < today ? reason : nil
            version.createdBy = createdBy
            try await version.create(on: db)
            changes["effective_from"] = [nil, version.effectiveFrom]
            changes["version"] = [nil, String(version.version)]
            changes["backdate_reason"] = [nil, version.backdateReason]
            audit.record(.update, entityType: "policy", entityID: version.id?.uuidString, changes: changes)
            return version
        }
        req.application.policies.forgetAll()
        return version
    }
}

/// Which profile, with which parameters, applies to a city in a year.
enum PolicyService {
    struct InForce: Sendable {
        let profile: PolicyProfile
        /// nil: the profile as shipped.
        let version: Int?
        let effectiveFrom: String?
    }

    static func city(of unitPath: String, on db: any Database) async throws -> OrgUnit {
        guard let id = OrgPath.ids(unitPath).first.flatMap(UUID.init(uuidString:)), let city = try await OrgUnit.find(id, on: db) else {
            throw Abort(.notFound, reason: "未找到所属城市")
        }
        return city
    }

    static func inForce(city: OrgUnit, year: Int, on db: any Database) async throws -> InForce {
        guard let profileID = city.policyProfile else {
            throw AppError.field("policy_profile", "\(city.name)尚未指定政策配置（jinan、wuhan 或 guangzhou）")
        }
        let base = try PolicyProfile.shipped(profileID)
        let latest = try await PolicyVersion.query(on: db)
            .filter(\.$cityID == city.requireID())
            .filter(\.$profileID == profileID)
            .filter(\.$effectiveFrom <= "\(year)-12-31")
            .sort(\.$effectiveFrom, .descending).sort(\.$version, .descending)
            .first()
        guard let latest else { return InForce(profile: base, version: nil, effectiveFrom: nil) }
        return InForce(profile: base.applying(latest.overrideValues, catalogue: latest.catalogueAdditions), version: latest.version,
                       effectiveFrom: latest.effectiveFrom)
    }
}

/// The profile in force per (city, year), kept for `CallerCache.lifetime`: every compliance page
/// needs it. This process forgets it on a parameter change; another process sees it within that time.
final class PolicyCache: Sendable {
    private let entries = NIOLockedValueBox<[String: (value: PolicyService.InForce, at: NIODeadline)]>([:])
    /// Set with standbys: a miss outside a transaction reads the primary, whatever `db` a page reads.
    private let primary: (@Sendable () -> any Database)?

    init(primary: (@Sendable () -> any Database)? = nil) { self.primary = primary }

    func inForce(cityID: UUID, year: Int, on db: any Database) async throws -> PolicyService.InForce {
        let key = "\(cityID)|\(year)"
        if let hit = entries.withLockedValue({ $0[key] }), CallerCache.isFresh(hit.at) { return hit.value }
        let db = db.inTransaction ? db : primary?() ?? db
        guard let city = try await OrgUnit.find(cityID, on: db) else { throw Abort(.notFound, reason: "未找到所属城市") }
        let value = try await PolicyService.inForce(city: city, year: year, on: db)
        entries.withLockedValue { $0[key] = (value, .now()) }
        return value
    }

    func forgetAll() { entries.withLockedValue { $0.removeAll() } }
}

extension Application {
    private struct PolicyCacheKey: StorageKey { typealias Value = PolicyCache }

    /// Set once in `configure`.
    var policies: PolicyCache {
        get { storage[PolicyCacheKey.self]! }
        set { storage[PolicyCacheKey.self] = newValue }
    }
}
