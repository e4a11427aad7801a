@testable import App
import Domain
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Issue 8 §6: the station-scope SQL filter is written once (`StationScope`) and used by the station lists,
/// the compliance matrix and the deadline units; it selects exactly the stations each role may see.
@Suite("Station scope: one filter for every station list")
struct StationScopeTests {
    @Test func eachRoleSeesExactlyItsStations() async throws {
        try await withApp { world in
            // setup: a second station in 历下区 on another street (新建街道, run by the other operator), and a
            // deleted station in 历下区 that nobody sees.
            let db = world.app.db
            let lixia = try #require(try await OrgUnit.find(world.id("历下区"), on: db))
            let jinan = world.id("济南市")
            let otherStreet = try #require(try await OrgUnit.find(world.id("新建街道"), on: db))
            let sameDistrict = Station(street: otherStreet, districtID: lixia.id!, cityID: jinan)
            sameDistrict.name = "历下区新建街道社会工作服务站"
            sameDistrict.$operator.id = world.id("operator:1")
            try await sameDistrict.create(on: db)
            let closedStreet = OrgUnit(name: "已撤销街道", level: .street, parent: lixia, divisionCode: nil)
            try await closedStreet.create(on: db)
            let deleted = Station(street: closedStreet, districtID: lixia.id!, cityID: jinan)
            deleted.name = "历下区已撤销街道社会工作服务站"
            deleted.$operator.id = world.id("operator:0")
            try await deleted.create(on: db)
            try await deleted.delete(on: db)

            // What each account may see, from the stations' own columns (not from the filter under test).
            let stations = try await Station.query(on: db).all()
            let wuhan = try #require(try await OrgUnit.query(on: db).filter(\.$name == "武汉市").first()).id!
            func ids(_ where: (Station) -> Bool) -> Set<UUID> { Set(stations.filter(`where`).map { $0.id! }) }
            let inLixia = ids { $0.districtID == lixia.id }
            let onJiefanglu = ids { $0.streetID == world.id("解放路街道") }
            let expected: [String: Set<UUID>] = [
                "admin": ids { $0.cityID == jinan },
                "wuhan": ids { $0.cityID == wuhan },
                "outsider": ids { $0.cityID == world.id("外市") },
                "lixia": inLixia, "supervisor": inLixia, "evaluator": inLixia,
                "jiefanglu": onJiefanglu, "worker": onJiefanglu,
                "operator": ids { $0.$operator.id == world.id("operator:0") },
                "platform": [],
            ]
            #expect(onJiefanglu.count == 1 && inLixia.count == 4)

            for (username, want) in expected.sorted(by: { $0.key < $1.key }) {
                let user = try #require(try await User.query(on: db).filter(\.$username == username).first())
                let caller = try await Caller.load(user, on: db)

                // act: the filter itself, and the three lists that use it
                var seen: Set<UUID> = []
                if let condition = StationScope.condition(caller, on: db) {
                    seen = Set(try await (db as! any SQLDatabase).raw("SELECT s.id FROM stations s WHERE " + condition).all()
                        .map { try $0.decode(column: "id", as: UUID.self) })
                }
                let listed = Set(try await StationQueries.list(caller, .init(per: 100), on: db).rows.map(\.id))
                let units = Set(try await DeadlineService.units(.station, caller, on: db).map(\.id))
                var evaluated: Set<UUID> = []
                // (外市 has no policy profile to evaluate with.)
                if username != "outsider", let condition = StationScope.condition(caller, on: db) {
                    evaluated = Set(try await ComplianceQueries.evaluate(where: condition, year: 2025, today: Day("2025-06-30")!,
                                                                         policies: world.app.policies, on: db).map(\.station.id))
                }

                // check
                let want = want.subtracting([deleted.id!])
                #expect(seen == want, "\(username)")
                #expect(listed == want, "\(username): station list")
                #expect(units == want, "\(username): deadline units")
                if username != "outsider" { #expect(evaluated == want, "\(username): compliance matrix") }
                #expect(!seen.contains(deleted.id!), "\(username): a deleted station")
                if ["jiefanglu", "worker"].contains(username) {
                    #expect(!seen.contains(world.id("station:千佛山街道")), "\(username): another station of the same district")
                    #expect(!seen.contains(sameDistrict.id!), "\(username): another street of the same district")
                }
                if ["lixia", "supervisor", "evaluator"].contains(username) {
                    #expect(seen.contains(sameDistrict.id!) && !seen.contains(world.id("station:大观园街道")), "\(username): only 历下区")
                }
                if username == "operator" {
                    #expect(!seen.contains(sameDistrict.id!), "operator: a station of another operator in its district")
                }
            }

            // A district filter narrows, never widens: 历下区 asked by the 解放路 officer is still one station.
            let street = try #require(try await User.query(on: db).filter(\.$username == "jiefanglu").first())
            let narrowed = StationScope.condition(try await Caller.load(street, on: db), district: lixia.id, on: db)!
            let rows = try await (db as! any SQLDatabase).raw("SELECT s.id FROM stations s WHERE " + narrowed).all()
            #expect(Set(try rows.map { try $0.decode(column: "id", as: UUID.self) }) == onJiefanglu)
        }
    }
}
