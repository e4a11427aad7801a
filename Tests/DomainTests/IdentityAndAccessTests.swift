import Domain
import Testing

@Suite("GB 32100 credit code")
struct CreditCodeTests {
    @Test(arguments: ["91370100MA3C5XBR5E", "52370102MJ5000001D", "91370100ma3c5xbr5e"])
    func validCodes(_ code: String) throws {
        #expect(try CreditCode(code).value == code.uppercased())
    }

    @Test func wrongCheckCharacterNamesTheExpectedOne() {
        #expect(throws: CreditCode.Problem.wrongCheckCharacter(expected: "D")) { try CreditCode("52370102MJ50000010") }
    }

    @Test func wrongLengthAndForbiddenLetters() {
        #expect(throws: CreditCode.Problem.wrongLength(17)) { try CreditCode("52370102MJ5000001") }
        #expect(throws: CreditCode.Problem.invalidCharacter("I")) { try CreditCode("52370102MJI000001D") }
    }

    @Test func completingMakesAValidCode() throws {
        let code = try #require(CreditCode.completing("12370000004920123"))
        #expect(try CreditCode(code).value == code)
    }
}

@Suite("Access decision")
struct AccessTests {
    let city = OrgPath.root(id: "C")
    var district: String { OrgPath.child(of: city, id: "D") }
    var street: String { OrgPath.child(of: district, id: "S") }
    var otherStreet: String { OrgPath.child(of: district, id: "T") }

    @Test func insideScopeAllowedOrForbiddenOutsideNotFound() {
        let officer = [Assignment(role: .streetOfficer, scope: .unit(path: street))]
        let own = Access.Resource(kind: .station, paths: [street])
        let other = Access.Resource(kind: .station, paths: [otherStreet])
        #expect(Access.decide(officer, .read, own) == .allowed)
        #expect(Access.decide(officer, .update, own) == .allowed)
        #expect(Access.decide(officer, .create, own) == .forbidden)
        #expect(Access.decide(officer, .read, other) == .notFound)
    }

    @Test func operatorSeesTheStationsItRuns() {
        let manager = [Assignment(role: .operatorManager, scope: .operatorOrg(id: "OP", cityPath: city))]
        #expect(Access.decide(manager, .update, Access.Resource(kind: .station, paths: [street], operatorIDs: ["OP"])) == .allowed)
        #expect(Access.decide(manager, .read, Access.Resource(kind: .station, paths: [street], operatorIDs: ["OTHER"])) == .notFound)
    }

    @Test func anyAssignmentThatAllowsWins() {
        let both = [Assignment(role: .socialWorker, scope: .unit(path: street)), Assignment(role: .districtOfficer, scope: .unit(path: district))]
        #expect(Access.decide(both, .update, Access.Resource(kind: .station, paths: [street])) == .allowed)
    }

    @Test func onlyTheCityAdminDesignatesDemonstrationStations() {
        // The demonstration-only rules read the mark; the city accepts demonstration stations (design role table).
        let mark = Access.Resource(kind: .demonstration, paths: [street])
        #expect(Access.decide([Assignment(role: .cityAdmin, scope: .unit(path: city))], .update, mark) == .allowed)
        for (role, path) in [(Role.districtOfficer, district), (.streetOfficer, street)] {
            #expect(Access.decide([Assignment(role: role, scope: .unit(path: path))], .read, mark) == .allowed)
            #expect(Access.decide([Assignment(role: role, scope: .unit(path: path))], .update, mark) == .forbidden, "\(role)")
        }
        // the platform administrator does not even see a city's stations (404)
        #expect(Access.decide([Assignment(role: .platformAdmin, scope: .platform)], .update, mark) == .notFound)
    }

    @Test func thePlatformAdminSeesNothingInsideACityButItsAdminAccounts() {
        // setup
        let platform = [Assignment(role: .platformAdmin, scope: .platform)]
        // act + check: a city's units, stations and records are out of sight (404), whatever the action
        for kind in [Access.Kind.orgUnit, .station, .staff, .record, .policy, .operatorOrg, .demonstration] {
            for path in [city, district, street] {
                for action in Access.Action.allCases {
                    #expect(Access.decide(platform, action, Access.Resource(kind: kind, paths: [path])) == .notFound, "\(kind) \(action) \(path)")
                }
            }
        }
        #expect(Access.readScope(platform, .orgUnit).isEmpty && Access.readScope(platform, .station).isEmpty)
        // accounts at deployment level: another platform administrator (no unit), a city's admin (the city's unit)
        #expect(Access.decide(platform, .create, Access.Resource(kind: .user, paths: ["/"])) == .allowed)
        #expect(Access.decide(platform, .update, Access.Resource(kind: .user, paths: [city])) == .allowed)
        // but not a district officer's, nor an operator's staff
        #expect(Access.decide(platform, .read, Access.Resource(kind: .user, paths: [district])) == .notFound)
        #expect(Access.decide(platform, .read, Access.Resource(kind: .user, paths: [city], operatorIDs: ["op"])) == .notFound)
        // the deployment and the calendar stay its own
        #expect(Access.decide(platform, .create, Access.deployment) == .allowed)
        #expect(Access.decide(platform, .update, Access.nationalCalendar) == .allowed)
    }

    @Test func pathPrefixIsNotConfusedBySiblingIDs() {
        // "/C/D1/" must not contain "/C/D10/…"
        let d1 = OrgPath.child(of: city, id: "D1")
        let d10 = OrgPath.child(of: city, id: "D10")
        #expect(!OrgPath.contains(d1, OrgPath.child(of: d10, id: "S")))
        #expect(OrgPath.contains(d1, OrgPath.child(of: d1, id: "S")))
    }
}
