/// The state of one rule for one station and year. Missing data is its own state, never a pass.
public enum FindingState: String, Codable, CaseIterable, Sendable {
    case pass
    /// The current year, toward an annual requirement not yet met (hours rules, annual counts): never a pass.
    case progress
    case warning
    case failure
    case notApplicable = "not_applicable"
    case missingData = "missing_data"

    public var label: String {
        switch self {
        case .pass: "符合"
        case .progress: "进行中"
        case .warning: "警示"
        case .failure: "不符合"
        case .notApplicable: "不适用"
        case .missingData: "缺少数据"
        }
    }
}

public struct Finding: Codable, Sendable, Equatable {
    public var ruleID: String
    public var title: String
    public var group: RuleGroup
    public var state: FindingState
    /// What was measured, in words and numbers a civil-affairs officer reads.
    public var measured: String
    public var required: String
    public var source: String
    /// What to do to fix it; empty when it passes.
    public var advice: String
}

/// What the engine knows about one station in one year.
public struct StationFacts: Sendable {
    public struct Room: Sendable {
        public var area: Double
        public var shared: Bool
        public init(area: Double, shared: Bool) { self.area = area; self.shared = shared }
    }

    public struct Worker: Sendable {
        public var name: String
        /// The part of the year this worker was stationed here (inclusive days, clipped to the year).
        public var stationedFrom: Day
        public var stationedTo: Day
        public var fullTime: Bool
        public var education: Education?
        public var major: Major?
        public var certificate: CertificateLevel?
        public var certificateDate: Day?
        public var experienceYears: Double?
        /// Hours of supervision received at this station in the year (a group session counts in full for each supervisee).
        public var supervisionHours: Double
        public var trainingHours: Double

        public init(name: String, stationedFrom: Day, stationedTo: Day, fullTime: Bool, education: Education?, major: Major?,
                    certificate: CertificateLevel?, certificateDate: Day?, experienceYears: Double?, supervisionHours: Double, trainingHours: Double) {
            self.name = name
            self.stationedFrom = stationedFrom
            self.stationedTo = stationedTo
            self.fullTime = fullTime
            self.education = education
            self.major = major
            self.certificate = certificate
            self.certificateDate = certificateDate
            self.experienceYears = experienceYears
            self.supervisionHours = supervisionHours
            self.trainingHours = trainingHours
        }
    }

    public struct Supervisor: Sendable {
        public var name: String
        public var pool: SupervisorPool?
        public var experienceYears: Double?
        public init(name: String, pool: SupervisorPool?, experienceYears: Double?) {
            self.name = name
            self.pool = pool
            self.experienceYears = experienceYears
        }
    }

    /// The year's supervision records (MZ/T 166 督导记录表) at the station, counted.
    public struct SupervisionRecords: Sendable {
        public var total: Int
        /// Records with an MZ/T 166 field left empty (hours, topic, issues raised or advice).
        public var incomplete: Int
        /// Records not yet confirmed by the supervisor or by one of the supervisees.
        public var unconfirmed: Int
        public init(total: Int, incomplete: Int, unconfirmed: Int) {
            self.total = total
            self.incomplete = incomplete
            self.unconfirmed = unconfirmed
        }
    }

    /// The station's key-population library (辖区重点人群, R-1): active recipients, and the last day
    /// anything in it was recorded (registration, import, status, category, need).
    public struct KeyPopulation: Sendable {
        public var active: Int
        public var lastUpdated: Day?
        public init(active: Int, lastUpdated: Day?) {
            self.active = active
            self.lastUpdated = lastUpdated
        }
    }

    /// The year's focus service fields (V-5) and, for each, the case-work, group-work and
    /// community-work cases of the year in it (V-6). What counts as "a case" (README: V-6):
    /// - case work: a case of the field with at least one intervention dated in the year;
    /// - group work: a group of the field with at least one session held in the year;
    /// - community work: a community event of the field held in the year.
    public struct FocusWork: Sendable, Equatable {
        public struct Field: Sendable, Equatable {
            public var code: String
            public var label: String
            public var caseWork: Int
            public var groupWork: Int
            public var communityWork: Int
            public init(code: String, label: String, caseWork: Int, groupWork: Int, communityWork: Int) {
                self.code = code
                self.label = label
                self.caseWork = caseWork
                self.groupWork = groupWork
                self.communityWork = communityWork
            }
        }

        /// Empty when the station has chosen none for the year.
        public var fields: [Field]
        public init(fields: [Field]) { self.fields = fields }
    }

    public var rooms: [RoomKind: Room]
    public var equipment: Set<Equipment>
    public var outdoorSign: Bool
    public var indoorSign: Bool
    public var isDemonstration: Bool
    public var districtKind: DistrictKind?
    public var contractStart: Day?
    public var annualContractAmount: Double?
    public var annualPersonnelBudget: Double?
    public var workers: [Worker]
    public var supervisors: [Supervisor]
    public var supervisionRecords: SupervisionRecords
    public var keyPopulation: KeyPopulation
    public var focusWork: FocusWork
    /// R-1's three other libraries (`ResourceFindings.swift`).
    public var libraries = Libraries()
    /// The villages and communities of the station's street.
    public var villages: [Village] = []
    /// The station's volunteer teams and the year's confirmed hours.
    public var volunteering = Volunteering()

    public init(rooms: [RoomKind: Room], equipment: Set<Equipment>, outdoorSign: Bool, indoorSign: Bool, isDemonstration: Bool,
                districtKind: DistrictKind?, contractStart: Day?, annualContractAmount: Double?, annualPersonnelBudget: Double?,
                workers: [Worker], supervisors: [Supervisor], supervisionRecords: SupervisionRecords,
                keyPopulation: KeyPopulation = KeyPopulation(active: 0, lastUpdated: nil), focusWork: FocusWork = FocusWork(fields: [])) {
        self.keyPopulation = keyPopulation
        self.focusWork = focusWork
        self.rooms = rooms
        self.equipment = equipment
        self.outdoorSign = outdoorSign
        self.indoorSign = indoorSign
        self.isDemonstration = isDemonstration
        self.districtKind = districtKind
        self.contractStart = contractStart
        self.annualContractAmount = annualContractAmount
        self.annualPersonnelBudget = annualPersonnelBudget
        self.workers = workers
        self.supervisors = supervisors
        self.supervisionRecords = supervisionRecords
    }
}
