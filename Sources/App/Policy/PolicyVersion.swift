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
    @Field(key: "note") var note: String
    /// Set when the version took effect before the day it was made (within that year only).
    @OptionalField(key: "backdate_reason") var backdateReason: String?
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var overrideValues: [String: [String: Double]] {
        (try? JSONDecoder().decode([String: [String: Double]].self, from: Data(overrides.utf8))) ?? [:]
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
        return InForce(profile: base.applying(latest.overrideValues), version: latest.version, effectiveFrom: latest.effectiveFrom)
    }
}

/// The profile in force per (city, year), kept for `CallerCache.lifetime`: every compliance page
/// needs it. This process forgets it on a parameter change; another process sees it within that time.
final class PolicyCache: Sendable {
    private let entries = NIOLockedValueBox<[String: (value: PolicyService.InForce, at: NIODeadline)]>([:])

    func inForce(cityID: UUID, year: Int, on db: any Database) async throws -> PolicyService.InForce {
        let key = "\(cityID)|\(year)"
        if let hit = entries.withLockedValue({ $0[key] }), CallerCache.isFresh(hit.at) { return hit.value }
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
