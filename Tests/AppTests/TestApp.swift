@testable import App
import Domain
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Crypto
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Where a test's app keeps its data.
enum TestDatabase: Sendable {
    /// An in-memory SQLite database; with `SHEGONG_TEST_POSTGRES_URL` set, a new PostgreSQL schema;
    /// with `SHEGONG_TEST_PGBOUNCER_URL` set too, a new database on that server used only through
    /// the pooler (as `.pooled`).
    case fromEnvironment
    /// A new schema on a primary, read also from its hot standbys (`ReplicaTests`).
    case replicated(primary: String, standbys: [String])
    /// A new database made on `admin` and used only through the pooler at `pooler` (pgbouncer in
    /// transaction mode: no `search_path` set per connection, so no schema per test).
    case pooled(admin: String, pooler: String)
}

/// The one helper that builds the app for a test: a fresh database per test (`TestDatabase`),
/// migrated, with the demo city loaded and a second city ("外市") that no Jinan account may see.
/// - Parameter recipients: the demo's key-population library too (about 5,000 people, `DemoRecipients`);
///   left out by default, so that each test starts with an empty library and stays fast.
func withApp(demo: Bool = true, recipients: Bool = false, database: TestDatabase = .fromEnvironment,
             _ body: (TestWorld) async throws -> Void) async throws {
    let app = try await Application.make(.testing)
    // Files the test stores (evidence, photos of the demo's events) go to a directory of its own.
    let files = NSTemporaryDirectory() + "shegong-test-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: files) }
    app.settings = Settings(databaseURL: nil, dataDirectory: files, demo: false, demoPassword: nil, secureCookies: false, bcryptCost: 4,
                            dataKey: DataKey(key: SymmetricKey(size: .bits256)))
    let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    var database = database
    if case .fromEnvironment = database, let url = testEnvironment("SHEGONG_TEST_POSTGRES_URL") {
        database = testEnvironment("SHEGONG_TEST_PGBOUNCER_URL").map { .pooled(admin: url, pooler: $0) } ?? .replicated(primary: url, standbys: [])
    }
    // Set once the schema or database exists: what the teardown removes.
    var cleanup: TestCleanup = .none
    do {
        switch database {
        case .fromEnvironment:
            app.databases.use(.sqlite(.memory), as: .sqlite)
        case .replicated(let primary, let standbys):
            var config = try SQLPostgresConfiguration(url: primary)
            config.searchPath = [name]
            app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: 2), as: .psql)
            if !standbys.isEmpty { try app.useStandbys(standbys, maxLag: 30, searchPath: [name]) }
            try await (app.db as! any SQLDatabase).raw("CREATE SCHEMA \(unsafeRaw: name)").run()
            cleanup = .schema(name)
        case .pooled(let admin, let pooler):
            app.databases.use(try .postgres(url: admin), as: .testAdmin, isDefault: false)
            var config = try SQLPostgresConfiguration(url: pooler)
            config.coreConfiguration.database = name
            app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: 2), as: .psql)
            try await (app.db(.testAdmin) as! any SQLDatabase).raw("CREATE DATABASE \(unsafeRaw: name)").run()
            cleanup = .database(name)
        }
        try await configureCommon(app)
        try await app.autoMigrate()
        if demo { _ = try await DemoData.loadIfEmpty(app: app, password: TestWorld.password, recipients: recipients) }
        let world = try await TestWorld(app: app, demo: demo)
        try await body(world)
    } catch {
        try await teardown(app, cleanup)
        throw error
    }
    try await teardown(app, cleanup)
}

/// A test setting; set but empty counts as unset.
func testEnvironment(_ name: String) -> String? {
    Environment.get(name).flatMap { $0.isEmpty ? nil : $0 }
}

private enum TestCleanup { case none, schema(String), database(String) }

extension DatabaseID {
    /// The PostgreSQL server itself, beside the pooler (`TestDatabase.pooled`).
    static let testAdmin = DatabaseID(string: "test-admin")
}

private func teardown(_ app: Application, _ cleanup: TestCleanup) async throws {
    do {
        switch cleanup {
        case .none: break
        case .schema(let schema): try await (app.db as! any SQLDatabase).raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run()
        // FORCE: the pooler still holds server connections to it.
        case .database(let db): try await (app.db(.testAdmin) as! any SQLDatabase).raw("DROP DATABASE \(unsafeRaw: db) WITH (FORCE)").run()
        }
    } catch {
        try await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}

/// Handles on the demo data that tests refer to, and request helpers.
struct TestWorld {
    static let password = "demo-pass-123"
    let app: Application
    let ids: [String: UUID]

    init(app: Application, demo: Bool) async throws {
        self.app = app
        guard demo else { ids = [:]; return }
        var ids: [String: UUID] = [:]
        for unit in try await OrgUnit.query(on: app.db).all() where unit.level != .village { ids[unit.name] = unit.id }
        for s in try await Station.query(on: app.db).all() { ids["station:" + (ids.first { $0.value == s.streetID }?.key ?? "")] = s.id }
        for u in try await User.query(on: app.db).all() { ids["user:" + u.username] = u.id }
        for op in try await OperatorOrg.query(on: app.db).all() {
            ids["operator:\(op.name == DemoData.operatorNames[0] ? 0 : 1)"] = op.id
        }
        // A second city nobody in Jinan may see, with a station and an account.
        let other = OrgUnit(name: "外市", level: .city, parent: nil, divisionCode: "420100")
        try await other.create(on: app.db)
        let district = OrgUnit(name: "外区", level: .district, parent: other, divisionCode: "420102")
        try await district.create(on: app.db)
        let street = OrgUnit(name: "外街道", level: .street, parent: district, divisionCode: nil)
        try await street.create(on: app.db)
        let station = Station(street: street, districtID: district.id!, cityID: other.id!)
        station.name = "外区外街道社会工作服务站"
        try await station.create(on: app.db)
        let user = User(username: "outsider", displayName: "外市用户", passwordHash: try app.password.hash(Self.password))
        try await user.create(on: app.db)
        try await RoleAssignment(userID: user.id!, role: .cityAdmin, unitID: other.id, operatorID: nil).create(on: app.db)
        // The deployment's administrator (national calendar), as `shegong user create --role platform_admin` makes one.
        let platform = User(username: "platform", displayName: "平台管理员", passwordHash: try app.password.hash(Self.password))
        try await platform.create(on: app.db)
        try await RoleAssignment(userID: platform.id!, role: .platformAdmin, unitID: nil, operatorID: nil).create(on: app.db)
        // A street in 历下区 with no station yet, for create tests.
        let lixia = try await OrgUnit.find(ids["历下区"], on: app.db)!
        let free = OrgUnit(name: "新建街道", level: .street, parent: lixia, divisionCode: nil)
        try await free.create(on: app.db)
        ids["外市"] = other.id
        ids["外区"] = district.id
        ids["外街道"] = street.id
        ids["station:外街道"] = station.id
        ids["user:outsider"] = user.id
        ids["新建街道"] = free.id
        self.ids = ids
    }

    var auditKey: SymmetricKey { app.settings.dataKey.auditKey }

    /// What someone with write access to the database can do first: drop the append-only triggers.
    func dropAppendOnlyTriggers() async throws {
        try await M005_AuditHardening(auditKey: auditKey).revert(on: app.db)
    }

    func id(_ key: String) -> UUID {
        guard let id = ids[key] else { fatalError("no test id \(key)") }
        return id
    }

    /// A bearer token for a demo account, through the real token endpoint.
    func token(_ username: String) async throws -> String {
        let res = try await api(.POST, "/api/v1/auth/token", json: ["username": username, "password": Self.password])
        #expect(res.status == .created, "token for \(username)")
        return try res.json()["token"] as! String
    }

    func api(_ method: HTTPMethod, _ path: String, token: String? = nil, json: [String: Any]? = nil, raw: String? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = .init(token: token) }
        var body: ByteBuffer?
        if let json {
            headers.contentType = .json
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
        } else if let raw {
            headers.contentType = .json
            body = ByteBuffer(string: raw)
        }
        return try await app.testing().sendRequest(method, path, headers: headers, body: body)
    }
}

/// A browser-like session for page tests: keeps the cookie and the CSRF token.
final class Browser: @unchecked Sendable {
    let world: TestWorld
    var cookie: String?
    var csrf: String = ""

    init(_ world: TestWorld) { self.world = world }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let cookie { headers.add(name: .cookie, value: cookie) }
        let res = try await world.app.testing().sendRequest(.GET, path, headers: headers)
        remember(res)
        return res
    }

    @discardableResult
    func post(_ path: String, form: [String: String], csrf overrideCSRF: String? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let cookie { headers.add(name: .cookie, value: cookie) }
        headers.contentType = .urlEncodedForm
        var fields = form
        fields["_csrf"] = overrideCSRF ?? csrf
        let encoded = fields.map { "\(escape($0.key))=\(escape($0.value))" }.joined(separator: "&")
        let res = try await world.app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: encoded))
        remember(res)
        return res
    }

    func login(_ username: String, password: String = TestWorld.password) async throws -> TestingHTTPResponse {
        try await get("/login")
        return try await post("/login", form: ["username": username, "password": password, "next": "/"])
    }

    private func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    private func remember(_ res: TestingHTTPResponse) {
        if let set = res.headers.first(name: .setCookie), let pair = set.split(separator: ";").first {
            cookie = String(pair)
        }
        if let range = res.body.string.range(of: #"name="_csrf" value="[^"]*""#, options: .regularExpression) {
            csrf = String(res.body.string[range].dropFirst(#"name="_csrf" value=""#.count).dropLast())
        }
    }
}

extension TestingHTTPResponse {
    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
    }

    func jsonArray() throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [[String: Any]] ?? []
    }

    /// The Chinese messages of a problem document, by field.
    func problemFields() throws -> [String: String] {
        let errors = try json()["errors"] as? [[String: Any]] ?? []
        return Dictionary(errors.map { ($0["field"] as! String, $0["message"] as! String) }, uniquingKeysWith: { a, _ in a })
    }
}
