@testable import App
import Testing
import Vapor
import VaporTesting

/// Every role × {read, create, update} × {inside, outside its scope} for org units, stations and
/// users, through the API. Outside the scope the answer is 404; inside, 403 where the role may not act.
/// The platform administrator sees nothing inside a city (404 everywhere).
@Suite("Access table")
struct AccessTableTests {
    enum Where: String { case inside, outside }

    struct Row: CustomTestStringConvertible {
        let user: String
        let kind: String
        let action: String
        let place: Where
        let expected: HTTPResponseStatus
        var testDescription: String { "\(user) \(action) \(kind) \(place.rawValue) → \(expected.code)" }
    }

    /// What each demo account sees as "inside": (org unit, station's street, user) keys of the test world.
    static let inside: [String: (unit: String, station: String, user: String)] = [
        "admin": ("历下区", "解放路街道", "user:worker"),
        "lixia": ("解放路街道", "解放路街道", "user:worker"),
        "jiefanglu": ("解放路街道", "解放路街道", "user:worker"),
        "operator": ("解放路街道", "解放路街道", "user:operator"),   // operator 0 runs 历下区's stations
        "worker": ("解放路街道", "解放路街道", "user:jiefanglu"),
        "supervisor": ("解放路街道", "解放路街道", "user:worker"),
        "evaluator": ("解放路街道", "解放路街道", "user:worker"),
        // The platform administrator's "inside" is a city's: none of it is in sight.
        "platform": ("历下区", "解放路街道", "user:worker"),
    ]
    /// Outside: the other city for everyone; for the operator, a station run by the other operator.
    static let outside: [String: (unit: String, station: String, user: String)] = [
        "operator": ("天桥区", "北村街道", "user:outsider"),
        // The other city's admin is an account the platform administrator manages: its "outside" user is a street officer.
        "platform": ("外区", "外街道", "user:jiefanglu"),
    ]

    static let allowed: [String: Set<String>] = [
        "admin": ["org.read", "org.create", "org.update", "station.read", "station.create", "station.update", "user.read", "user.create", "user.update"],
        "lixia": ["org.read", "station.read", "station.create", "station.update"],
        "jiefanglu": ["org.read", "station.read", "station.update"],
        "operator": ["org.read", "station.read", "station.update"],
        "worker": ["org.read", "station.read"],
        "supervisor": ["org.read", "station.read"],
        "evaluator": ["org.read", "station.read"],
        "platform": [],
    ]
    /// Roles that see nothing of a city's units, stations and staff accounts: 404 inside too.
    static let blind: Set<String> = ["platform"]

    static var rows: [Row] {
        var rows: [Row] = []
        for user in ["admin", "lixia", "jiefanglu", "operator", "worker", "supervisor", "evaluator", "platform"] {
            for kind in ["org", "station", "user"] {
                for action in ["read", "create", "update"] {
                    let ok = allowed[user]!.contains("\(kind).\(action)")
                    let success: HTTPResponseStatus = action == "create" ? .created : .ok
                    rows.append(Row(user: user, kind: kind, action: action, place: .inside,
                                    expected: ok ? success : blind.contains(user) ? .notFound : .forbidden))
                    rows.append(Row(user: user, kind: kind, action: action, place: .outside, expected: .notFound))
                }
            }
        }
        return rows
    }

    /// Volunteers (issue 11 §1) follow the recipients' rules: the station's workers and its operator
    /// register and reveal; street, district, city and evaluator read; a supervisor sees none (404);
    /// outside the scope 404. "update" is the one change to a volunteer's record a reader might try: a reveal.
    static let volunteerInside: [String: [String: HTTPResponseStatus]] = [
        "admin": ["read": .ok, "create": .forbidden, "update": .forbidden],
        "lixia": ["read": .ok, "create": .forbidden, "update": .forbidden],
        "jiefanglu": ["read": .ok, "create": .forbidden, "update": .forbidden],
        "operator": ["read": .ok, "create": .created, "update": .ok],
        "worker": ["read": .ok, "create": .created, "update": .ok],
        "supervisor": ["read": .notFound, "create": .forbidden, "update": .notFound],
        "evaluator": ["read": .ok, "create": .forbidden, "update": .forbidden],
        "platform": ["read": .notFound, "create": .notFound, "update": .notFound],
    ]

    static var volunteerRows: [Row] {
        volunteerInside.keys.sorted().flatMap { user in
            ["read", "create", "update"].flatMap { action in
                [Row(user: user, kind: "volunteer", action: action, place: .inside, expected: volunteerInside[user]![action]!),
                 Row(user: user, kind: "volunteer", action: action, place: .outside, expected: .notFound)]
            }
        }
    }

    @Test(arguments: volunteerRows)
    func volunteerDecision(_ row: Row) async throws {
        try await withApp { world in
            // setup: a volunteer of the station, written directly (the register's own checks are VolunteerTests')
            let token = try await world.token(row.user)
            let keys = row.place == .inside ? Self.inside[row.user]! : (Self.outside[row.user] ?? ("外区", "外街道", "user:outsider"))
            let station = try #require(try await Station.find(world.id("station:" + keys.station), on: world.app.db))
            let key = world.app.settings.dataKey
            let v = Volunteer()
            v.id = UUID()
            v.$station.id = station.id!
            v.cityID = station.cityID
            v.districtID = station.districtID
            v.path = station.path
            v.villageID = try await StationQueries.villages(ofStreet: station.streetID, on: world.app.db).first?.id ?? station.streetID
            v.name = "测试志愿者"
            let sealed = try SealedValue(VolunteerTests.volunteerID, masked: "3701**********0000", key: key)
            v.residentIDSealed = sealed.sealed
            v.residentIDHash = sealed.hash
            v.residentIDMasked = sealed.masked
            v.skills = ""
            v.availability = ""
            v.status = .active
            v.createdBy = world.id("user:worker")
            try await v.create(on: world.app.db)
            let village = try await StationQueries.villages(ofStreet: station.streetID, on: world.app.db).first?.name ?? "无"
            // act
            let res: TestingHTTPResponse
            switch row.action {
            case "read":
                res = try await world.api(.GET, "/api/v1/volunteers/\(v.id!)", token: token)
            case "create":
                res = try await world.api(.POST, "/api/v1/volunteers", token: token, json: [
                    "station_id": station.id!.uuidString, "name": "新志愿者", "resident_id": VolunteerTests.otherID, "village": village])
            default:
                res = try await world.api(.POST, "/api/v1/volunteers/\(v.id!)/reveal", token: token, json: ["field": "resident_id", "reason": "核对注册信息"])
            }
            // check
            #expect(res.status == row.expected, "\(row.testDescription): got \(res.status.code) \(res.body.string.prefix(200))")
        }
    }

    @Test(arguments: rows)
    func decision(_ row: Row) async throws {
        try await withApp { world in
            // setup
            let token = try await world.token(row.user)
            let keys = row.place == .inside ? Self.inside[row.user]! : (Self.outside[row.user] ?? ("外区", "外街道", "user:outsider"))
            // act
            let res: TestingHTTPResponse
            switch (row.kind, row.action) {
            case ("org", "read"):
                res = try await world.api(.GET, "/api/v1/org-units/\(world.id(keys.unit))", token: token)
            case ("org", "create"):
                res = try await world.api(.POST, "/api/v1/org-units", token: token, json: ["name": "测试新单位", "parent_id": world.id(keys.unit).uuidString])
            case ("org", "update"):
                res = try await world.api(.PATCH, "/api/v1/org-units/\(world.id(keys.unit))", token: token, json: ["name": "改名单位"])
            case ("station", "read"):
                res = try await world.api(.GET, "/api/v1/stations/\(world.id("station:" + keys.station))", token: token)
            case ("station", "create"):
                // Inside: 历下区's street without a station (for street-level roles, their own street: refused before any conflict).
                let street = row.place == .outside ? world.id(keys.station)
                    : (["admin", "lixia"].contains(row.user) ? world.id("新建街道") : world.id(keys.station))
                res = try await world.api(.POST, "/api/v1/stations", token: token, json: ["street_id": street.uuidString, "address": "新站地址"])
            case ("station", "update"):
                res = try await world.api(.PATCH, "/api/v1/stations/\(world.id("station:" + keys.station))", token: token, json: ["address": "新地址1号"])
            case ("user", "read"):
                res = try await world.api(.GET, "/api/v1/users/\(world.id(keys.user))", token: token)
            case ("user", "create"):
                let scope = row.place == .inside ? world.id("解放路街道") : world.id("外街道")
                // The operator's "inside" is its own organisation's staff.
                let assignment: [String: String] = row.user == "operator" && row.place == .inside
                    ? ["role": "operator_manager", "operator_id": world.id("operator:0").uuidString]
                    : ["role": "social_worker", "org_unit_id": scope.uuidString]
                res = try await world.api(.POST, "/api/v1/users", token: token, json: [
                    "username": "newuser", "display_name": "新用户", "password": "password-123", "assignments": [assignment],
                ])
            case ("user", "update"):
                res = try await world.api(.PATCH, "/api/v1/users/\(world.id(keys.user))", token: token, json: ["display_name": "改名"])
            default:
                Issue.record("unknown row"); return
            }
            // check
            #expect(res.status == row.expected, "\(row.testDescription): got \(res.status.code) \(res.body.string.prefix(200))")
        }
    }

    /// The resource libraries (issue 11 §2): a charity resource of 解放路街道's station and a policy of
    /// 济南's library, read and created (and the resource corrected) by every demo account and by another city's admin.
    struct LibraryRow: CustomTestStringConvertible {
        let user: String
        let kind: String
        let action: String
        let expected: HTTPResponseStatus
        var testDescription: String { "\(user) \(action) \(kind) → \(expected.code)" }
    }

    static let libraryRows: [LibraryRow] = {
        // A supervisor's view of the service ledger is its assigned cases only: charity resources are out of sight.
        let charityRead: [String: HTTPResponseStatus] = ["admin": .ok, "lixia": .ok, "jiefanglu": .ok, "operator": .ok, "worker": .ok, "supervisor": .notFound,
                                                         "evaluator": .ok, "platform": .notFound, "outsider": .notFound]
        let charityCreate: [String: HTTPResponseStatus] = ["admin": .forbidden, "lixia": .forbidden, "jiefanglu": .forbidden, "operator": .created,
                                                           "worker": .created, "supervisor": .notFound, "evaluator": .forbidden, "platform": .notFound,
                                                           "outsider": .notFound]
        // A correction of a resource (PATCH) is the station's, as a use is.
        let charityUpdate: [String: HTTPResponseStatus] = ["admin": .forbidden, "lixia": .forbidden, "jiefanglu": .forbidden, "operator": .ok, "worker": .ok,
                                                           "supervisor": .notFound, "evaluator": .forbidden, "platform": .notFound, "outsider": .notFound]
        // The policy library is the whole city's: everyone in it reads; only the city admin adds to the city's own.
        let policyRead: [String: HTTPResponseStatus] = ["admin": .ok, "lixia": .ok, "jiefanglu": .ok, "operator": .ok, "worker": .ok, "supervisor": .ok,
                                                        "evaluator": .ok, "platform": .notFound, "outsider": .notFound]
        let policyCreate: [String: HTTPResponseStatus] = ["admin": .created, "lixia": .forbidden, "jiefanglu": .forbidden, "operator": .forbidden,
                                                          "worker": .forbidden, "supervisor": .forbidden, "evaluator": .forbidden, "platform": .notFound,
                                                          "outsider": .notFound]
        var rows: [LibraryRow] = []
        for (kind, read, create) in [("charity", charityRead, charityCreate), ("policy", policyRead, policyCreate)] {
            for user in read.keys.sorted() {
                rows.append(LibraryRow(user: user, kind: kind, action: "read", expected: read[user]!))
                rows.append(LibraryRow(user: user, kind: kind, action: "create", expected: create[user]!))
            }
        }
        for user in charityUpdate.keys.sorted() { rows.append(LibraryRow(user: user, kind: "charity", action: "update", expected: charityUpdate[user]!)) }
        return rows
    }()

    @Test(arguments: libraryRows)
    func libraryDecision(_ row: LibraryRow) async throws {
        try await withApp { world in
            // setup
            let station = world.id("station:解放路街道").uuidString
            let resource = try await CharityResourceTests.record(world, token: try await world.token("worker"), CharityResourceTests.money())
            let policy = try await PolicyLibraryTests.create(world, token: try await world.token("admin"), PolicyLibraryTests.policy())
            let token = try await world.token(row.user)
            // act
            let res: TestingHTTPResponse
            switch (row.kind, row.action) {
            case ("charity", "read"):
                res = try await world.api(.GET, "/api/v1/charity-resources/\(resource)", token: token)
            case ("charity", "create"):
                res = try await world.api(.POST, "/api/v1/charity-resources", token: token,
                                          json: CharityResourceTests.money(description: "访问测试").merging(["station_id": station]) { $1 })
            case ("charity", "update"):
                res = try await world.api(.PATCH, "/api/v1/charity-resources/\(resource)", token: token, json: ["donor_name": "访问测试更正"])
            case ("policy", "read"):
                res = try await world.api(.GET, "/api/v1/policy-library/\(policy)", token: token)
            case ("policy", "create"):
                // Outside the city, the attempt is on 解放路街道's station (another city's admin would add to their own library).
                let outside = ["platform", "outsider"].contains(row.user)
                res = try await world.api(.POST, "/api/v1/policy-library", token: token,
                                          json: PolicyLibraryTests.policy("访问测试政策", station: outside ? world.id("station:解放路街道") : nil))
            default:
                Issue.record("unknown row"); return
            }
            // check
            #expect(res.status == row.expected, "\(row.testDescription): got \(res.status.code) \(res.body.string.prefix(200))")
        }
    }
}
