import Domain
import Fluent
import Vapor

/// A new province, from the API, the onboarding page or `shegong province add`.
struct ProvinceInput: Content {
    var name: String?
    /// GB/T 2260: "37" or "370000".
    var divisionCode: String?
}

/// A new city with its policy profile and its first city admin, from the API, the onboarding page
/// or `shegong city add`: one transaction, so a city never exists without its profile and admin.
struct CityInput: Content {
    var provinceId: UUID?
    var name: String?
    /// Six digits starting with the province's two (济南市 370100).
    var divisionCode: String?
    /// A shipped profile (jinan, wuhan, guangzhou) …
    var profile: String?
    /// … or an existing city whose profile in force is copied: the same shipped base and its
    /// current parameter changes, as the new city's version 1.
    var copyOfCityId: UUID?
    var adminUsername: String?
    var adminDisplayName: String?
    /// Empty or absent: a one-time password is generated and answered once.
    var adminPassword: String?
}

struct ProvinceDTO: Content {
    var id: UUID
    var name: String
    var divisionCode: String

    init(_ p: Province) {
        id = p.id!
        name = p.name
        divisionCode = p.divisionCode
    }
}

struct CityDTO: Content {
    var id: UUID
    var name: String
    var divisionCode: String?
    var provinceId: UUID?
    var provinceName: String?
    /// The shipped profile the city's rules start from; nil if none was chosen.
    var profile: String?
    var profileName: String?
    /// Where the city's parameters came from when its profile was copied from another city.
    var copiedFrom: String?
}

/// What creating a city answers: the city, its first admin, and the generated password (once).
struct CityCreated: Content {
    struct Admin: Content { var id: UUID; var username: String; var displayName: String }
    var city: CityDTO
    var admin: Admin
    /// Only when no password was given: shown this once and never stored in clear.
    var oneTimePassword: String?
    /// The policy version copied from another city (1), if the profile was copied.
    var policyVersion: Int?
}

/// Onboarding a new city (platform administrator). Callers authorise first (`Access.deployment`);
/// `shegong` commands run with shell access and need no role.
enum OnboardingService {
    /// GB/T 2260 province-level codes run from 11 (北京) to 82 (澳门).
    static let provincePrefixes = 11...82

    static func checkProvince(_ input: ProvinceInput) throws -> (name: String, code: String) {
        var v = Validator()
        let name = v.text(input.name, field: "name", label: "省级行政区名称", max: TextLimit.name, required: true)
        var code: String?
        let raw = (input.divisionCode ?? "").trimmingCharacters(in: .whitespaces)
        if raw.isEmpty {
            v.add("division_code", "行政区划代码不能为空（省级为 6 位，后四位为 0000，如 370000）")
        } else if !raw.allSatisfy(\.isASCIIDigit) || !(raw.count == 2 || raw.count == 6) {
            v.add("division_code", "省级行政区划代码应为 2 位或 6 位数字（GB/T 2260，如 37 或 370000）")
        } else if raw.count == 6 && !raw.hasSuffix("0000") {
            v.add("division_code", "省级行政区划代码的后四位应为 0000（如 370000）；\(raw) 是市或区县的代码")
        } else if let two = Int(raw.prefix(2)), !provincePrefixes.contains(two) {
            v.add("division_code", "省级行政区划代码的前两位应在 \(provincePrefixes.lowerBound)–\(provincePrefixes.upperBound) 之间（GB/T 2260）")
        } else {
            code = String(raw.prefix(2)) + "0000"
        }
        try v.check()
        return (name!, code!)
    }

    static func createProvince(_ input: ProvinceInput, audit: AuditLog) async throws -> Province {
        let (name, code) = try checkProvince(input)
        let province = Province(name: name, divisionCode: code)
        return try await audit.transaction { db, recorder in
            // Inside the write lock (and the unique indexes behind it): two requests adding one province get one 409.
            if let existing = try await Province.query(on: db).filter(\.$divisionCode == code).first() {
                throw AppError.field("division_code", "行政区划代码 \(code) 已登记为“\(existing.name)”", status: .conflict)
            }
            if try await Province.query(on: db).filter(\.$name == name).first() != nil {
                throw AppError.field("name", "已有名为“\(name)”的省级行政区", status: .conflict)
            }
            try await province.create(on: db)
            recorder.change(entityType: "province", entityID: province.id, old: nil, new: province.auditFields)
            return province
        }
    }

    struct CheckedCity {
        var provinceID: UUID
        var name: String
        var code: String
        var profile: String?
        var copyOf: UUID?
        var username: String
        var displayName: String
        var password: String?
    }

    static func checkCity(_ input: CityInput) -> (CheckedCity?, Validator) {
        var v = Validator()
        if input.provinceId == nil { v.add("province_id", "请选择所属省级行政区") }
        let name = OrgValidation.name(input.name, into: &v)
        let rawCode = (input.divisionCode ?? "").trimmingCharacters(in: .whitespaces)
        if rawCode.isEmpty { v.add("division_code", "市的行政区划代码不能为空（6 位数字，如 370100）") }
        let code = OrgValidation.divisionCode(rawCode, level: .city, parent: nil, into: &v)
        if let code, code.hasSuffix("0000") { v.add("division_code", "\(code) 是省级代码；市的代码后两位之前不能全为 0（如 370100）") }
        let profile = (input.profile ?? "").trimmingCharacters(in: .whitespaces)
        switch (profile.isEmpty, input.copyOfCityId) {
        case (true, nil): v.add("profile", "请选择政策配置：\(PolicyProfile.shippedIDs.joined(separator: "、"))，或复制某市的现行配置")
        case (false, .some): v.add("profile", "政策配置只能选一种：出厂配置（profile）或复制某市（copy_of_city_id）")
        case (false, nil) where !PolicyProfile.shippedIDs.contains(profile):
            v.add("profile", "未知的政策配置“\(profile)”（可选 \(PolicyProfile.shippedIDs.joined(separator: "、"))）")
        default: break
        }
        let username = (input.adminUsername ?? "").trimmingCharacters(in: .whitespaces)
        if username.range(of: UserService.usernamePattern, options: .regularExpression) == nil {
            v.add("admin_username", "首位管理员的用户名须为 3–32 位字母、数字、下划线、点或短横线")
        }
        let displayName = v.text(input.adminDisplayName, field: "admin_display_name", label: "首位管理员姓名", max: TextLimit.name)
            ?? "\(name)民政局管理员"
        let password = input.adminPassword.flatMap { $0.isEmpty ? nil : $0 }
        if let password {
            if password.count < AccountController.minPasswordLength { v.add("admin_password", "初始密码至少 \(AccountController.minPasswordLength) 位（留空则生成一次性密码）") }
            else if password.utf8.count > AccountController.maxPasswordLength { v.add("admin_password", "密码不能超过 \(AccountController.maxPasswordLength) 个字节") }
        }
        guard v.errors.isEmpty, let provinceID = input.provinceId, let code else { return (nil, v) }
        return (CheckedCity(provinceID: provinceID, name: name, code: code, profile: profile.isEmpty ? nil : profile, copyOf: input.copyOfCityId,
                            username: username, displayName: displayName, password: password), v)
    }

    /// A password for a first admin when none is given: 16 characters from a random token.
    static func oneTimePassword() -> String { String(TokenHash.newToken().prefix(16)) }

    /// Creates the city, its profile (or the copy as version 1) and its first city admin in one audited transaction.
    /// `hash` turns the admin's password into its stored hash (bcrypt, before the write lock is taken).
    static func createCity(_ input: CityInput, today: Day, actorName: String, audit: AuditLog,
                           hash: (String) async throws -> String) async throws -> CityCreated {
        let (checkedOrNil, v) = checkCity(input)
        try v.check()
        let c = checkedOrNil!
        let generated = c.password == nil ? oneTimePassword() : nil
        let passwordHash = try await hash(c.password ?? generated!)
        let created = try await audit.transaction { db, recorder -> CityCreated in
            // Everything that could clash is read inside the write lock: two requests for one city get one 409.
            guard let province = try await Province.find(c.provinceID, on: db) else {
                throw AppError.field("province_id", "未找到该省级行政区（province_id: \(c.provinceID)）")
            }
            if !c.code.hasPrefix(province.prefix) {
                throw AppError.field("division_code", "\(province.name)的市级行政区划代码应以 \(province.prefix) 开头（GB/T 2260），\(c.code) 不是")
            }
            if let other = try await OrgUnit.query(on: db).filter(\.$level == .city).filter(\.$divisionCode == c.code).first() {
                throw AppError.field("division_code", "行政区划代码 \(c.code) 已由“\(other.name)”使用", status: .conflict)
            }
            if try await OrgUnit.query(on: db).filter(\.$level == .city).filter(\.$name == c.name).first() != nil {
                throw AppError.field("name", "已有名为“\(c.name)”的市", status: .conflict)
            }
            if try await User.query(on: db).filter(\.$username == c.username).first() != nil {
                throw AppError.field("admin_username", "用户名“\(c.username)”已被使用", status: .conflict)
            }
            var profileID = c.profile
            var copy: (source: OrgUnit, overrides: String, catalogue: String?, note: String)?
            if let sourceID = c.copyOf {
                guard let source = try await OrgUnit.find(sourceID, on: db), source.level == .city else {
                    throw AppError.field("copy_of_city_id", "未找到要复制政策配置的市（copy_of_city_id: \(sourceID)）")
                }
                guard let sourceProfile = source.policyProfile else {
                    throw AppError.field("copy_of_city_id", "\(source.name)尚未指定政策配置，无从复制")
                }
                profileID = sourceProfile
                // The source's version in force today, as PolicyService reads it for a year.
                let inForce = try await PolicyVersion.query(on: db).filter(\.$cityID == sourceID).filter(\.$profileID == sourceProfile)
                    .filter(\.$effectiveFrom <= today.description)
                    .sort(\.$effectiveFrom, .descending).sort(\.$version, .descending).first()
                let what = inForce.map { "第 \($0.version) 版（\($0.effectiveFrom) 起生效）" } ?? "出厂配置，未作修改"
                copy = (source, inForce?.overrides ?? "{}", inForce?.catalogue, "开通时复制自\(source.name)的现行政策配置：\(sourceProfile) \(what)")
            }
            let city = OrgUnit(name: c.name, level: .city, parent: nil, divisionCode: c.code)
            city.policyProfile = profileID
            city.provinceID = province.id
            city.profileCopiedFrom = copy?.note
            city.onboardedOn = today.description
            try await city.create(on: db)
            recorder.change(entityType: "org_unit", entityID: city.id, old: nil,
                            new: city.auditFields.merging(["policy_profile": profileID ?? "", "province_id": province.id!.uuidString,
                                                           "province": province.name,
                                                           "profile_copied_from": city.profileCopiedFrom ?? ""]) { a, _ in a })
            var versionNumber: Int?
            if let copy {
                let version = PolicyVersion()
                version.cityID = try city.requireID()
                version.profileID = profileID!
                version.version = 1
                // From the first day of this year: the new city's evaluations of this year use the copy.
                version.effectiveFrom = Day(year: today.year, month: 1, day: 1)!.description
                version.overrides = copy.overrides
                version.catalogue = copy.catalogue
                version.note = copy.note
                version.createdBy = actorName
                try await version.create(on: db)
                versionNumber = 1
                recorder.record(.create, entityType: "policy", entityID: version.id?.uuidString,
                                changes: ["city": [nil, city.name], "copied_from": [nil, copy.source.name], "profile": [nil, profileID],
                                          "overrides": [nil, copy.overrides], "catalogue": [nil, copy.catalogue], "version": [nil, "1"], "effective_from": [nil, version.effectiveFrom]])
            }
            let user = User(username: c.username, displayName: c.displayName, passwordHash: passwordHash)
            try await user.create(on: db)
            recorder.change(entityType: "user", entityID: user.id, old: nil, new: user.auditFields)
            let assignment = RoleAssignment(userID: try user.requireID(), role: .cityAdmin, unitID: city.id, operatorID: nil)
            try await assignment.create(on: db)
            recorder.change(entityType: "role_assignment", entityID: assignment.id, old: nil, new: assignment.auditFields)
            return CityCreated(city: cityDTO(city, province: province),
                               admin: .init(id: user.id!, username: user.username, displayName: user.displayName),
                               oneTimePassword: generated, policyVersion: versionNumber)
        }
        return created
    }

    static func cityDTO(_ city: OrgUnit, province: Province?) -> CityDTO {
        CityDTO(id: city.id!, name: city.name, divisionCode: city.divisionCode, provinceId: province?.id, provinceName: province?.name,
                profile: city.policyProfile, profileName: city.policyProfile.flatMap { try? PolicyProfile.shipped($0).name },
                copiedFrom: city.profileCopiedFrom)
    }

    /// Every province, by division code.
    static func provinces(on db: any Database) async throws -> [Province] {
        try await Province.query(on: db).sort(\.$divisionCode).all()
    }

    /// Every city with its province and where its profile came from, in official order.
    static func cities(on db: any Database) async throws -> [CityDTO] {
        let provinces = Dictionary(uniqueKeysWithValues: try await provinces(on: db).map { ($0.id!, $0) })
        let cities = try await OrgUnit.query(on: db).filter(\.$level == .city).all()
        return cities.sorted { ($0.divisionCode ?? "~", $0.name) < ($1.divisionCode ?? "~", $1.name) }
            .map { cityDTO($0, province: $0.provinceID.flatMap { provinces[$0] }) }
    }
}
