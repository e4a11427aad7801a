import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor

/// Sets up the database, sessions, middleware, routes and commands.
public func configure(_ app: Application, demo: Bool = false) async throws {
    app.settings = try Settings.fromEnvironment(demo: demo)
    if let port = app.settings.port { app.http.server.configuration.port = port }
    try configureDatabase(app)
    try await configureCommon(app)
}

func configureDatabase(_ app: Application) throws {
    let settings = app.settings
    if let url = settings.databaseURL {
        app.databases.use(try .postgres(url: url), as: .psql)
        if !settings.readURLs.isEmpty {
            try app.useStandbys(settings.readURLs, maxLag: settings.readMaxLag)
            app.lifecycle.use(ReadReplicaMonitor())
        }
    } else {
        try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
        let path = settings.dataDirectory + "/shegong.sqlite"
        // Readers run in parallel under WAL; writes are serialised by `WriteLock`.
        app.databases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 4), as: .sqlite)
    }
}

/// Everything except the database choice, shared by the server and the tests.
func configureCommon(_ app: Application) async throws {
    let settings = app.settings
    if app.storage[AppClockKey.self] == nil { app.clock = AppClock() }
    app.writeLock = WriteLock()
    app.volunteerHoursWriter = VolunteerHoursWriter(app: app)
    app.callers = CallerCache()
    app.recipientTotals = ListTotals(clock: app.clock)
    app.filterOptions = OrgQueries.FilterOptions()
    // With standbys, a policy missing from the cache is read from the primary: filled from a
    // lagging standby, the cache would keep the old version — even for the user who just changed it.
    var policySource: (@Sendable () -> any Database)?
    if app.readReplicas != nil { policySource = { [unowned app] in app.db } }
    app.policies = PolicyCache(primary: policySource)

    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.dateEncodingStrategy = .iso8601
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    decoder.dateDecodingStrategy = .iso8601
    ContentConfiguration.global.use(encoder: encoder, for: .json)
    ContentConfiguration.global.use(decoder: StrictJSONDecoder(json: decoder), for: .json)

    app.passwords.use(.bcrypt(cost: settings.bcryptCost))

    app.migrations.add(M001_Foundation())
    app.migrations.add(M002_Workforce())
    app.migrations.add(M003_DeadlineFilings())
    app.migrations.add(M004_Hardening())
    app.migrations.add(M005_AuditHardening(auditKey: settings.dataKey.auditKey))
    app.migrations.add(M006_OperatorPeriods())
    app.migrations.add(M007_CalendarVersions())
    app.migrations.add(M008_Onboarding())
    app.migrations.add(M009_CityOnboardedOn())
    app.migrations.add(M010_Recipients())
    app.migrations.add(M011_ServiceLedger())
    app.migrations.add(M012_GroupWork())
    app.migrations.add(M013_ServiceTallies())
    app.migrations.add(M014_CommunityEvents())
    app.migrations.add(M015_FocusFields())
    app.migrations.add(M016_Referrals())
    app.migrations.add(M017_AssistanceRequests())
    app.migrations.add(M018_ServiceCorrections())
    app.migrations.add(M019_SupervisionCasesAndWorkLists())
    app.migrations.add(M020_FeaturedProjects())
    app.migrations.add(M021_ServiceTotals())
    app.migrations.add(M022_Volunteers())
    app.migrations.add(M023_VolunteerPoints())
    app.migrations.add(M024_CharityResources())
    app.migrations.add(M025_PolicyLibrary())
    app.migrations.add(M026_VillageServices())
    app.migrations.add(M027_VolunteerPerson())
    app.migrations.add(M028_RedemptionCancellation())
    app.migrations.add(M029_VillageTeamIndex())
    app.ledgerPartitions = LedgerPartitions()

    let sessions = StoredSessions(db: { [weak app] in app!.db }, lock: app.writeLock, clock: app.clock, policy: settings.sessionPolicy)
    app.sessionStore = sessions
    app.sessions.use { _ in sessions }
    app.sessions.configuration = SessionsConfiguration(cookieName: "shegong_session") { id in
        HTTPCookies.Value(string: id.string, path: "/", isSecure: settings.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    // The static stylesheet comes before sessions so the framework's ceiling can be measured on it.
    app.middleware = Middlewares()
    app.middleware.use(SecurityHeaders())
    app.middleware.use(ErrorRenderer())
    app.middleware.use(MethodNotAllowed())
    app.middleware.use(EmptyBody())
    app.get(SiteURL.stylesheet, use: { _ in Stylesheet.response() })
    app.get(SiteURL.health, use: Health.check)

    var routes = app.grouped(app.sessions.middleware).grouped(CallerMiddleware()).grouped(CSRFMiddleware())
    if app.readReplicas != nil { routes = routes.grouped(ReadRoutingMiddleware()) }
    OpenAPI.register(routes)
    try routes.register(collection: AccountController())
    try routes.register(collection: HomeController())
    try routes.register(collection: OrgController())
    try routes.register(collection: StationsController())
    try routes.register(collection: OperatorsController())
    try routes.register(collection: UsersController())
    try routes.register(collection: AuditController())
    try routes.register(collection: PolicyController())
    try routes.register(collection: CalendarController())
    try routes.register(collection: WorkforceController())
    try routes.register(collection: StaffPages())
    try routes.register(collection: ComplianceController())
    try routes.register(collection: DeadlinesController())
    try routes.register(collection: OnboardingController())
    try routes.register(collection: RecipientsController())
    try routes.register(collection: ImportController())
    try routes.register(collection: RecipientRecordsController())
    try routes.register(collection: RecipientEditController())
    try routes.register(collection: CasesController())
    try routes.register(collection: VisitsController())
    try routes.register(collection: ServiceRecordsController())
    try routes.register(collection: GroupsController())
    try routes.register(collection: DashboardController())
    try routes.register(collection: CoverageController())
    try routes.register(collection: CommunityEventsController())
    try routes.register(collection: FocusFieldsController())
    try routes.register(collection: ReferralsController())
    try routes.register(collection: AssistanceController())
    try routes.register(collection: FeaturedProjectsController())
    try routes.register(collection: VolunteersController())
    try routes.register(collection: VolunteerPagesController())
    try routes.register(collection: VolunteerHoursImportController())
    try routes.register(collection: CharityResourcesController())
    try routes.register(collection: PolicyLibraryController())

    app.asyncCommands.use(UserCommand(), as: "user")
    app.asyncCommands.use(AuditCommand(), as: "audit")
    app.asyncCommands.use(ProvinceCommand(), as: "province")
    app.asyncCommands.use(CityCommand(), as: "city")
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(RestoreCommand(), as: "restore")
    app.asyncCommands.use(GenerateCommand(), as: "generate")
    app.asyncCommands.use(BenchRecipientsCommand(), as: "bench-recipients")
    app.asyncCommands.use(BenchDashboardsCommand(), as: "bench-dashboards")
    app.asyncCommands.use(BenchVolunteersCommand(), as: "bench-volunteers")
}

/// Before `serve`: migrate, switch SQLite to WAL, and load the demo city into an empty database.
public func prepareForServing(_ app: Application) async throws {
    let command = app.environment.arguments.dropFirst().first ?? "serve"
    guard command == "serve" || command.hasPrefix("-") else { return }
    let settings = app.settings
    if let warning = DataKey.locationWarning(keyFile: settings.dataKeyFile, dataDirectory: settings.dataDirectory, demo: settings.demo) {
        app.logger.warning("\(warning)")
    }
    try await app.autoMigrate()
    if let sql = app.db as? any SQLDatabase, sql.dialect.name == "sqlite" {
        try await sql.raw("PRAGMA journal_mode=WAL").run()
    }
    if app.settings.demo, let password = try await DemoData.loadIfEmpty(app: app, password: app.settings.demoPassword) {
        var lines = ["已载入演示数据：济南市 15 个区县、\(DemoData.districts.reduce(0) { $0 + $1.streets.count }) 个社工站。演示账户（密码均为 \(password)）："]
        for account in DemoData.accounts {
            lines.append("  \(account.username.padding(toLength: 11, withPad: " ", startingAt: 0)) \(account.role.label)（\(account.unit ?? (account.role.isOperatorScoped ? "济南市泉心社会工作服务中心" : "济南市"))）")
        }
        app.logger.notice("\(lines.joined(separator: "\n"))")
    }
}
