import Domain
import Fluent
import Vapor

/// `shegong province add --name 山东省 --code 370000` and `shegong province list`: scripted set-up
/// of a deployment's provinces (the same checks as the onboarding page, audited as "命令行").
struct ProvinceCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "add | list") var action: String
        @Option(name: "name", help: "province name, e.g. 山东省") var name: String?
        @Option(name: "code", help: "GB/T 2260 code: 37 or 370000") var code: String?
    }

    var help: String { "Add or list provinces (onboarding a new city)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        switch signature.action {
        case "add":
            let province = try await OnboardingService.createProvince(ProvinceInput(name: signature.name, divisionCode: signature.code),
                                                                      audit: OnboardingCommandSupport.audit(app))
            context.console.print("已登记省级行政区 \(province.name)（\(province.divisionCode)）")
        case "list":
            for p in try await OnboardingService.provinces(on: app.db) { context.console.print("\(p.divisionCode) \(p.name)") }
        default:
            throw Abort(.badRequest, reason: "未知操作：\(signature.action)（可用：add、list）")
        }
    }
}

/// `shegong city add --province 370000 --name 济南市 --code 370100 --profile jinan --admin jinan_admin
/// [--admin-name 王芳] [--password P]` (or `--copy-of 370100` instead of `--profile`): the city, its
/// profile and its first city admin in one transaction. Without `--password` a one-time password is
/// printed once. `shegong city list` prints the cities with their profile.
struct CityCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "add | list") var action: String
        @Option(name: "province", help: "province: division code or exact name") var province: String?
        @Option(name: "name", help: "city name, e.g. 济南市") var name: String?
        @Option(name: "code", help: "the city's 6-digit division code") var code: String?
        @Option(name: "profile", help: "shipped profile: jinan, wuhan or guangzhou") var profile: String?
        @Option(name: "copy-of", help: "copy the profile in force of this city (division code or exact name)") var copyOf: String?
        @Option(name: "admin", help: "username of the city's first city admin") var admin: String?
        @Option(name: "admin-name", help: "display name of the first city admin") var adminName: String?
        @Option(name: "password", help: "initial password; a one-time password is generated when omitted") var password: String?
    }

    var help: String { "Add a city with its policy profile and first city admin, or list cities (onboarding)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        switch signature.action {
        case "list":
            for c in try await OnboardingService.cities(on: app.db) {
                context.console.print("\(c.divisionCode ?? "—") \(c.name)\t\(c.provinceName ?? "未登记省份")\t\(c.profile ?? "未指定")" + (c.copiedFrom.map { "\t\($0)" } ?? ""))
            }
        case "add":
            var input = CityInput(name: signature.name, divisionCode: signature.code, profile: signature.profile, adminUsername: signature.admin,
                                  adminDisplayName: signature.adminName, adminPassword: signature.password)
            guard let key = signature.province, let province = try await Province.query(on: app.db)
                .group(.or, { $0.filter(\.$divisionCode == key).filter(\.$name == key) }).first() else {
                throw Abort(.badRequest, reason: "--province 未找到；请给出已登记省级行政区的代码或全称（先运行 shegong province add）")
            }
            input.provinceId = province.id
            if let key = signature.copyOf {
                guard let source = try await OrgUnit.query(on: app.db).filter(\.$level == .city)
                    .group(.or, { $0.filter(\.$divisionCode == key).filter(\.$name == key) }).first() else {
                    throw Abort(.badRequest, reason: "--copy-of 未找到该市；请给出市的行政区划代码或全称")
                }
                input.copyOfCityId = source.id
            }
            let password = app.password
            let created: CityCreated
            do {
                created = try await OnboardingService.createCity(input, today: app.clock.today, actorName: "命令行", audit: OnboardingCommandSupport.audit(app)) {
                    try password.hash($0)
                }
            } catch let error as AppError {
                // The same Chinese messages as the page, one line per field.
                throw Abort(error.status, reason: error.fieldErrors.map { "\($0.field)：\($0.message)" }.joined(separator: "\n"))
            }
            context.console.print("已开通 \(created.city.name)（\(created.city.divisionCode ?? "")，\(province.name)），政策配置 \(created.city.profile ?? "")"
                                  + (created.city.copiedFrom.map { "：\($0)" } ?? ""))
            context.console.print("首位市民政局管理员：\(created.admin.username)（\(created.admin.displayName)）")
            if let otp = created.oneTimePassword { context.console.print("一次性密码（只显示这一次）：\(otp)") }
        default:
            throw Abort(.badRequest, reason: "未知操作：\(signature.action)（可用：add、list）")
        }
    }
}

enum OnboardingCommandSupport {
    static func audit(_ app: Application) -> AuditLog {
        AuditLog(db: app.db, lock: app.writeLock, key: app.settings.dataKey.auditKey, actorID: nil, actorName: "命令行", clientIP: "local", clock: app.clock)
    }
}
