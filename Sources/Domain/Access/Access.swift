/// The one place where access is decided (design: Domain/Access).
///
/// A resource outside every scope of the caller is invisible: the answer is `.notFound`,
/// so that a URL guessed for another street's station reveals nothing. A visible resource
/// whose action the caller's roles do not allow is `.forbidden`.
public enum Access {
    public enum Action: String, CaseIterable, Sendable {
        case read, create, update
        /// Show a recipient's full resident ID or phone number, given a reason (PIPL; issue 9 §2).
        case reveal
    }

    public enum Kind: String, CaseIterable, Sendable {
        case orgUnit, station, user
        /// Social workers and supervisors with their station assignments.
        case staff
        /// Supervision (MZ/T 166) and training records.
        case record
        /// A city's policy profile parameters.
        case policy
        /// An operator organisation (承接机构), registered in one city.
        case operatorOrg
        /// The national working-day calendar (statutory holidays and make-up days): everyone reads
        /// it, only a platform administrator enters or corrects a year.
        case calendar
        /// The provinces and cities of the deployment (onboarding a new city): national data that
        /// only a platform administrator reads and creates. A city's own records stay out of reach.
        case deployment
        /// Whether a station is a demonstration station (示范点), which the demonstration-only rules
        /// read: the city accepts demonstration stations (design: role table), everyone else reads it.
        case demonstration
        /// A person in the station's key-population library (辖区重点人群, R-1/R-6) and their needs (V-8).
        /// Kept by the station's social workers and their operator; the street, district and city read
        /// them with ID and phone masked; an evaluator reads them without ID or phone at all.
        case recipient
        /// A case (个案, MZ/T 094) with its assessments, plans, interventions and evaluations (issue 10).
        /// Kept by the station's social workers and their operator; the street, district, city and
        /// evaluator read; a supervisor reads the cases of the stations assigned to them only.
        case casework
        /// The service ledger's other records: home and phone visits (issue 10).
        case service
    }

    /// How much of a recipient's resident ID and phone number a caller may see (PIPL; issue 9 §2).
    public enum PersonalData: Int, Comparable, Sendable {
        /// Not even masked: an evaluator sees neither.
        case hidden
        /// `3701**********123X`, `138****5678`.
        case masked
        /// Masked on screen, the full value after a reason is given (each reveal audited).
        case revealable
        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    /// What a list of recipients shows of ID and phone: masked, or nothing when the caller reads
    /// recipients only as an evaluator. Full values come only from a reveal on one record.
    public static func personalDataInLists(_ assignments: [Assignment]) -> PersonalData {
        let readers = assignments.filter { permitted($0.role, .recipient).contains(.read) }
        return readers.isEmpty || readers.allSatisfy({ $0.role == .evaluator }) ? .hidden : .masked
    }

    /// The most a caller may see of a recipient's ID and phone; nil when the recipient is out of scope.
    public static func personalData(_ assignments: [Assignment], _ resource: Resource) -> PersonalData? {
        let seeing = assignments.filter { sees($0, resource) && permitted($0.role, resource.kind).contains(.read) }
        if seeing.isEmpty { return nil }
        if seeing.contains(where: { permitted($0.role, resource.kind).contains(.reveal) }) { return .revealable }
        if seeing.allSatisfy({ $0.role == .evaluator }) { return .hidden }
        return .masked
    }

    /// Whether any of the caller's roles may ever take `action` on `kind`, wherever the resource
    /// sits: a page asks this before loading the resources to decide on one by one.
    public static func mayAny(_ assignments: [Assignment], _ action: Action, _ kind: Kind) -> Bool {
        assignments.contains { permitted($0.role, kind).contains(action) || permittedOwn($0.role, kind).contains(action) }
    }

    public enum Decision: Equatable, Sendable { case allowed, forbidden, notFound }

    /// What a decision needs to know about a resource: where it sits in the tree, which operator
    /// organisations run it (for stations, and the units of their streets), and which user accounts
    /// it belongs to (a social worker's own record, a supervisor's own supervision record).
    public struct Resource: Sendable {
        public let kind: Kind
        public let paths: [String]
        public let operatorIDs: Set<String>
        public let ownerUserIDs: Set<String>
        public init(kind: Kind, paths: [String], operatorIDs: Set<String> = [], ownerUserIDs: Set<String> = []) {
            self.kind = kind
            self.paths = paths
            self.operatorIDs = operatorIDs
            self.ownerUserIDs = ownerUserIDs
        }
    }

    /// The national working-day calendar as a resource.
    public static let nationalCalendar = Resource(kind: .calendar, paths: [])

    /// The deployment's provinces and cities as a resource (onboarding).
    public static let deployment = Resource(kind: .deployment, paths: [])

    /// Which actions each role may take on each kind of resource it can see.
    static func permitted(_ role: Role, _ kind: Kind) -> Set<Action> {
        switch (role, kind) {
        // The platform administrator runs the deployment: the calendar, onboarding cities, and the
        // accounts at that level (another platform administrator, a city's admin; see `sees`). It has
        // no org-unit rights: a city's districts, streets and stations are the city's (the district
        // kind, S-2, is the city admin's), and onboarding creates a city without them.
        case (.platformAdmin, .calendar), (.platformAdmin, .user): [.read, .create, .update]
        case (.platformAdmin, .deployment): [.read, .create]
        case (.platformAdmin, _): []
        case (_, .deployment): []
        // Recipients: the station's workers and their operator keep the library and may reveal;
        // the street, district, city and evaluator read. Supervisors wait for cases (issue 10).
        case (.socialWorker, .recipient), (.operatorManager, .recipient): [.read, .create, .update, .reveal]
        case (.supervisor, .recipient): []
        case (_, .recipient): [.read]
        case (.socialWorker, .casework), (.operatorManager, .casework), (.socialWorker, .service), (.operatorManager, .service):
            [.read, .create, .update]
        // A supervisor's cases are those of their assigned stations (`ownerUserIDs`; see `decide`).
        case (.supervisor, .casework), (.supervisor, .service): []
        // The street, district, city and evaluator read services; they do not record them.
        case (_, .casework), (_, .service): [.read]
        case (.cityAdmin, .calendar): [.read]
        case (.cityAdmin, _): [.read, .create, .update]
        case (.districtOfficer, .station): [.read, .create, .update]
        case (.streetOfficer, .station), (.operatorManager, .station): [.read, .update]
        // The operator employs the staff and keeps their records.
        case (.operatorManager, .staff), (.operatorManager, .record): [.read, .create, .update]
        case (_, .user): []
        default: [.read]
        }
    }

    /// What a role may do to resources that are its own (rule: a social worker edits own records;
    /// a supervisor writes the supervision records of the stations assigned to them).
    static func permittedOwn(_ role: Role, _ kind: Kind) -> Set<Action> {
        switch (role, kind) {
        case (.socialWorker, .staff): [.update]
        case (.socialWorker, .record), (.supervisor, .record): [.create, .update]
        case (.supervisor, .casework): [.read]
        default: []
        }
    }

    static func sees(_ assignment: Assignment, _ resource: Resource) -> Bool {
        if resource.kind == .calendar || resource.kind == .deployment { return true }   // national data
        switch assignment.scope {
        case .platform:
            // Only deployment-level accounts: platform administrators (no unit) and those whose every
            // role is at a city's top unit (a city admin, as onboarding creates). Everything inside a
            // city — its units, stations, staff, records, policy, operators and their accounts — is
            // out of sight (404), as for any other scope.
            return resource.kind == .user && resource.operatorIDs.isEmpty && resource.paths.allSatisfy { OrgPath.ids($0).count <= 1 }
        case .unit(let scopePath):
            return resource.paths.contains { OrgPath.contains(scopePath, $0) }
        case .operatorOrg(let id, let cityPath):
            // Users are managed per city; an operator's staff see the stations it runs.
            if resource.kind == .user { return resource.paths.contains { OrgPath.contains(cityPath, $0) } && resource.operatorIDs.contains(id) }
            return resource.operatorIDs.contains(id)
        }
    }

    public static func decide(_ assignments: [Assignment], _ action: Action, _ resource: Resource, userID: String? = nil) -> Decision {
        let seeing = assignments.filter { sees($0, resource) && !unassignedSupervisor($0, resource, userID: userID) }
        if seeing.isEmpty { return .notFound }
        if seeing.contains(where: { permitted($0.role, resource.kind).contains(action) }) { return .allowed }
        if let userID, resource.ownerUserIDs.contains(userID),
           seeing.contains(where: { permittedOwn($0.role, resource.kind).contains(action) }) { return .allowed }
        return .forbidden
    }

    /// A supervisor's unit scope reaches every station of it, but their casework is only that of the
    /// stations assigned to them (the resource names those supervisors' accounts as its owners): the
    /// other stations' cases are out of sight (404), as another street's are. The rest of the service
    /// ledger (visits, groups) is never a supervisor's: out of sight too, rather than a 403 that
    /// would confirm the record exists.
    static func unassignedSupervisor(_ assignment: Assignment, _ resource: Resource, userID: String?) -> Bool {
        guard assignment.role == .supervisor else { return false }
        return resource.kind == .service || (resource.kind == .casework && !(userID.map(resource.ownerUserIDs.contains) ?? false))
    }

    /// The part of the tree in which the caller may read resources of a kind, for list queries.
    public struct ReadScope: Equatable, Sendable {
        public var pathPrefixes: [String] = []
        public var operatorIDs: [String] = []
        public var isEmpty: Bool { pathPrefixes.isEmpty && operatorIDs.isEmpty }
    }

    public static func readScope(_ assignments: [Assignment], _ kind: Kind) -> ReadScope {
        var scope = ReadScope()
        for a in assignments where permitted(a.role, kind).contains(.read) {
            switch a.scope {
            case .unit(let path): scope.pathPrefixes.append(path)
            case .operatorOrg(let id, _): scope.operatorIDs.append(id)
            case .platform: scope.pathPrefixes.append("/")
            }
        }
        return scope
    }
}
