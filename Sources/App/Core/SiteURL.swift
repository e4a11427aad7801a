import Domain
import Foundation
import Vapor

/// Routes written once (issue 8 §6, after SwiftPackageIndex-Server's `SiteURL`): a route is an enum case
/// that lists its path segments; registration (`pathComponents`), links (`relativeURL`) and the OpenAPI
/// document (`openAPIPath`) all derive from that one list.

/// A path parameter: `.key` where a route is registered, `.value(x)` where it is linked to.
enum Parameter<Value: Sendable>: Sendable {
    case key
    case value(Value)
}

/// One segment of a route's path: fixed text, or a named parameter with its value when linking.
enum PathSegment: ExpressibleByStringLiteral, Equatable, Sendable {
    case constant(String)
    case parameter(String, value: String?)

    init(stringLiteral value: String) { self = .constant(value) }

    /// The `id` parameter (a record's UUID).
    static func id(_ p: Parameter<UUID>) -> PathSegment {
        if case .value(let id) = p { return .parameter("id", value: id.uuidString) }
        return .parameter("id", value: nil)
    }

    static func year(_ p: Parameter<Int>) -> PathSegment {
        if case .value(let year) = p { return .parameter("year", value: String(year)) }
        return .parameter("year", value: nil)
    }
}

protocol Routable: Sendable {
    /// The path, segment by segment: the one place it is written.
    var segments: [PathSegment] { get }
}

extension Routable {
    /// For registration: parameters by name (`:id`).
    var pathComponents: [PathComponent] {
        segments.map { (segment) -> PathComponent in
            switch segment {
            case .constant(let text): .constant(text)
            case .parameter(let name, _): .parameter(name)
            }
        }
    }

    /// As the OpenAPI document writes it: `/api/v1/stations/{id}`.
    var openAPIPath: String {
        "/" + segments.map { (segment) -> String in
            switch segment {
            case .constant(let text): text
            case .parameter(let name, _): "{\(name)}"
            }
        }.joined(separator: "/")
    }

    /// For links: `/stations/<uuid>/staff`, with an optional query (`nil` values are left out).
    /// A route built with `.key` is a programming error; its parameters show as `:name`.
    func relativeURL(_ query: KeyValuePairs<String, String?> = [:]) -> String {
        let path = "/" + segments.map { (segment) -> String in
            switch segment {
            case .constant(let text): return text
            case .parameter(let name, let value):
                assert(value != nil, "relativeURL of a route registered with .key: \(name)")
                return value.map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? $0 } ?? ":\(name)"
            }
        }.joined(separator: "/")
        let items = query.compactMap { (key, value) -> String? in
            value.map { "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? $0)" }
        }
        return items.isEmpty ? path : path + "?" + items.joined(separator: "&")
    }
}

private extension CharacterSet {
    static var urlQueryValueAllowed: CharacterSet {
        var set = CharacterSet.urlQueryAllowed
        set.remove(charactersIn: "&=+#")
        return set
    }
}

/// Every route of the JSON API, under `/api/v1`.
enum ApiRoute: Routable {
    typealias ID = Parameter<UUID>

    case authToken
    case me
    case orgUnits
    case orgUnit(ID)
    case stations
    case station(ID)
    case stationWorkers(ID)
    case stationSupervisionRecords(ID)
    case stationTrainingRecords(ID)
    case stationCompliance(ID)
    case users
    case user(ID)
    case userSignOut(ID)
    case operators
    case operatorOrg(ID)
    case auditEvents
    case openAPI
    case policy
    case policyVersions
    case calendar
    case calendarYear(Parameter<Int>)
    case workingDays
    case deadlines
    case deadlineFilings
    case workers
    case worker(ID)
    case workerAssignments(ID)
    case workerPhone(ID)
    case supervisors
    case supervisionRecords
    case supervisionRecordConfirm(ID)
    case trainingRecords
    case trainingEvidence(ID)
    case compliance
    /// A station's list imported from a spreadsheet (issue 9 §4): dry run, or all rows or none.
    case recipientImports
    case provinces
    case cities
    /// The key-population library (issue 9).
    case recipients
    case recipient(ID)
    case recipientStatus(ID)
    case recipientReveal(ID)
    case recipientNeeds(ID)
    case recipientCategories(ID)
    case need(ID)
    case stationNeeds(ID)
    /// Issue 9 §1/§3/§4: transfer, merge, household, consents and export of recipients.
    case recipientTransfer(ID)
    case recipientMerge(ID)
    case recipientHousehold(ID)
    case recipientConsents(ID)
    case consentForm(ID)
    case recipientsExport
    case recipientTransfersOut
    /// Case work (issue 10 §2): the list and intake, a case, and each step of its workflow.
    case cases
    case serviceCase(ID)
    case caseStep(ID, CaseStep)
    /// Home and phone visits, and everything the ledger holds for one recipient (issue 10 §3, §5).
    case visits
    /// A visit's follow-up marked done (issue 10 §5).
    case visitFollowUp(ID)
    case recipientServices(ID)
    /// One service in the ledger with its versions, and its corrections (issue 10 §5).
    case serviceRecord(ID)
    case serviceRecordCorrections(ID)
    /// Group work (issue 10 §3): groups, their members, sessions and end.
    case groups
    case group(ID)
    case groupMembers(ID)
    case groupSessions(ID)
    case groupEnding(ID)
    /// The date of a group's next planned session (issue 10 §5).
    case groupNextSession(ID)
    /// Service dashboards (issue 10 §5): a station's, street's, district's or city's year.
    case dashboard
    /// Village coverage (rule R-2, issue 11 §3).
    case coverage
    /// Community work (issue 10 §3): events, their photos, one photo's file.
    case communityEvents
    case communityEvent(ID)
    case communityEventPhotos(ID)
    case communityEventPhoto(ID)
    /// A station's focus service fields for a year (V-5) and the V-6 counts in each.
    case stationFocusFields(ID)
    /// Referrals (V-11): sent, received, one referral and its answers.
    case referrals
    case referral(ID)
    case referralAnswers(ID)
    /// Social-assistance requests (V-10) and their outcome.
    case assistanceRequests
    case assistanceRequest(ID)
    case assistanceOutcome(ID)
    /// A station's featured projects of a year (V-3's "N"), and one project.
    case stationFeaturedProjects(ID)
    case featuredProject(ID)
    /// Items (and featured projects) a city adds to its service catalogue, as a policy version.
    case policyCatalogue
    /// The volunteer library (issue 11 §1): volunteers, teams (R-2, R-3) and hours.
    case volunteers
    case volunteer(ID)
    case volunteerReveal(ID)
    case volunteerHoursOf(ID)
    case volunteerTeams
    case volunteerTeam(ID)
    case volunteerTeamMembers(ID)
    /// A member's row: the day a current member left.
    case volunteerTeamMember(ID)
    case volunteerHours
    case volunteerHoursEntry(ID)
    case volunteerHoursConfirm(ID)
    case volunteerHoursCorrections(ID)
    /// Hours from an activity's sign-in sheet (.xlsx/.csv): a dry run, or all rows or none.
    case volunteerHoursImports
    /// Points and rewards (R-4).
    case stationRewards(ID)
    /// One reward: stock added, price changed from now on.
    case volunteerReward(ID)
    case volunteerPoints(ID)
    case volunteerRedemptions(ID)
    /// A mistaken redemption reversed (points and stock back).
    case volunteerRedemptionCancellation(ID)
    /// The social charity resources library (issue 11 §2): resources, their uses, a use's reversal,
    /// and the five-society linkage counts (R-5).
    case charityResources
    case charityResource(ID)
    case charityResourceUses(ID)
    case charityUseReversal(ID)
    case fiveSocietyLinkage
    /// The policy library (政策资源库, issue 11 §2): policies, one policy, its attachments, one file.
    case libraryPolicies
    case libraryPolicy(ID)
    case libraryPolicyAttachments(ID)
    case libraryPolicyFile(ID)

    var segments: [PathSegment] { ["api", "v1"] + tail }

    private var tail: [PathSegment] {
        switch self {
        case .authToken: ["auth", "token"]
        case .me: ["me"]
        case .orgUnits: ["org-units"]
        case .orgUnit(let id): ["org-units", .id(id)]
        case .stations: ["stations"]
        case .station(let id): ["stations", .id(id)]
        case .stationWorkers(let id): ["stations", .id(id), "workers"]
        case .stationSupervisionRecords(let id): ["stations", .id(id), "supervision-records"]
        case .stationTrainingRecords(let id): ["stations", .id(id), "training-records"]
        case .stationCompliance(let id): ["stations", .id(id), "compliance"]
        case .users: ["users"]
        case .user(let id): ["users", .id(id)]
        case .userSignOut(let id): ["users", .id(id), "sign-out"]
        case .operators: ["operators"]
        case .operatorOrg(let id): ["operators", .id(id)]
        case .auditEvents: ["audit-events"]
        case .openAPI: ["openapi.json"]
        case .policy: ["policy"]
        case .policyVersions: ["policy", "versions"]
        case .calendar: ["calendar"]
        case .calendarYear(let year): ["calendar", .year(year)]
        case .workingDays: ["calendar", "working-days"]
        case .deadlines: ["deadlines"]
        case .deadlineFilings: ["deadline-filings"]
        case .workers: ["workers"]
        case .worker(let id): ["workers", .id(id)]
        case .workerAssignments(let id): ["workers", .id(id), "assignments"]
        case .workerPhone(let id): ["workers", .id(id), "phone"]
        case .supervisors: ["supervisors"]
        case .supervisionRecords: ["supervision-records"]
        case .supervisionRecordConfirm(let id): ["supervision-records", .id(id), "confirm"]
        case .trainingRecords: ["training-records"]
        case .trainingEvidence(let id): ["training-records", .id(id), "evidence"]
        case .compliance: ["compliance"]
        case .recipientImports: ["recipient-imports"]
        case .provinces: ["provinces"]
        case .cities: ["cities"]
        case .recipients: ["recipients"]
        case .recipient(let id): ["recipients", .id(id)]
        case .recipientStatus(let id): ["recipients", .id(id), "status"]
        case .recipientReveal(let id): ["recipients", .id(id), "reveal"]
        case .recipientNeeds(let id): ["recipients", .id(id), "needs"]
        case .recipientCategories(let id): ["recipients", .id(id), "categories"]
        case .need(let id): ["needs", .id(id)]
        case .stationNeeds(let id): ["stations", .id(id), "needs"]
        case .recipientTransfer(let id): ["recipients", .id(id), "transfer"]
        case .recipientMerge(let id): ["recipients", .id(id), "merge"]
        case .recipientHousehold(let id): ["recipients", .id(id), "household"]
        case .recipientConsents(let id): ["recipients", .id(id), "consents"]
        case .consentForm(let id): ["consents", .id(id), "form"]
        case .recipientsExport: ["recipient-exports"]
        case .recipientTransfersOut: ["recipient-transfers"]
        case .cases: ["cases"]
        case .serviceCase(let id): ["cases", .id(id)]
        case .caseStep(let id, let step): ["cases", .id(id), .constant(step.pathName)]
        case .visits: ["visits"]
        case .visitFollowUp(let id): ["visits", .id(id), "follow-up"]
        case .recipientServices(let id): ["recipients", .id(id), "services"]
        case .serviceRecord(let id): ["services", .id(id)]
        case .serviceRecordCorrections(let id): ["services", .id(id), "corrections"]
        case .groups: ["groups"]
        case .group(let id): ["groups", .id(id)]
        case .groupMembers(let id): ["groups", .id(id), "members"]
        case .groupSessions(let id): ["groups", .id(id), "sessions"]
        case .groupEnding(let id): ["groups", .id(id), "ending"]
        case .groupNextSession(let id): ["groups", .id(id), "next-session"]
        case .dashboard: ["dashboard"]
        case .coverage: ["coverage"]
        case .communityEvents: ["community-events"]
        case .communityEvent(let id): ["community-events", .id(id)]
        case .communityEventPhotos(let id): ["community-events", .id(id), "photos"]
        case .communityEventPhoto(let id): ["community-event-photos", .id(id)]
        case .stationFocusFields(let id): ["stations", .id(id), "focus-fields"]
        case .referrals: ["referrals"]
        case .referral(let id): ["referrals", .id(id)]
        case .referralAnswers(let id): ["referrals", .id(id), "answers"]
        case .assistanceRequests: ["assistance-requests"]
        case .assistanceRequest(let id): ["assistance-requests", .id(id)]
        case .assistanceOutcome(let id): ["assistance-requests", .id(id), "outcome"]
        case .stationFeaturedProjects(let id): ["stations", .id(id), "featured-projects"]
        case .featuredProject(let id): ["featured-projects", .id(id)]
        case .policyCatalogue: ["policy", "catalogue"]
        case .volunteers: ["volunteers"]
        case .volunteer(let id): ["volunteers", .id(id)]
        case .volunteerReveal(let id): ["volunteers", .id(id), "reveal"]
        case .volunteerHoursOf(let id): ["volunteers", .id(id), "hours"]
        case .volunteerTeams: ["volunteer-teams"]
        case .volunteerTeam(let id): ["volunteer-teams", .id(id)]
        case .volunteerTeamMembers(let id): ["volunteer-teams", .id(id), "members"]
        case .volunteerTeamMember(let id): ["volunteer-team-members", .id(id)]
        case .volunteerHours: ["volunteer-hours"]
        case .volunteerHoursEntry(let id): ["volunteer-hours", .id(id)]
        case .volunteerHoursConfirm(let id): ["volunteer-hours", .id(id), "confirm"]
        case .volunteerHoursCorrections(let id): ["volunteer-hours", .id(id), "corrections"]
        case .volunteerHoursImports: ["volunteer-hour-imports"]
        case .stationRewards(let id): ["stations", .id(id), "rewards"]
        case .volunteerReward(let id): ["volunteer-rewards", .id(id)]
        case .volunteerPoints(let id): ["volunteers", .id(id), "points"]
        case .volunteerRedemptions(let id): ["volunteers", .id(id), "redemptions"]
        case .volunteerRedemptionCancellation(let id): ["volunteer-redemptions", .id(id), "cancellation"]
        case .charityResources: ["charity-resources"]
        case .charityResource(let id): ["charity-resources", .id(id)]
        case .charityResourceUses(let id): ["charity-resources", .id(id), "uses"]
        case .charityUseReversal(let id): ["charity-resource-uses", .id(id), "reversal"]
        case .fiveSocietyLinkage: ["five-society-linkage"]
        case .libraryPolicies: ["policy-library"]
        case .libraryPolicy(let id): ["policy-library", .id(id)]
        case .libraryPolicyAttachments(let id): ["policy-library", .id(id), "attachments"]
        case .libraryPolicyFile(let id): ["policy-files", .id(id)]
        }
    }
}

extension RoutesBuilder {
    /// Registers a handler for a typed route (the one place its path is written).
    @discardableResult
    func on<R: AsyncResponseEncodable>(_ method: HTTPMethod, _ route: some Routable,
                                       use closure: @Sendable @escaping (Request) async throws -> R) -> Route {
        on(method, route.pathComponents, use: closure)
    }

    @discardableResult
    func get<R: AsyncResponseEncodable>(_ route: some Routable, use closure: @Sendable @escaping (Request) async throws -> R) -> Route {
        on(.GET, route, use: closure)
    }

    @discardableResult
    func post<R: AsyncResponseEncodable>(_ route: some Routable, use closure: @Sendable @escaping (Request) async throws -> R) -> Route {
        on(.POST, route, use: closure)
    }

    @discardableResult
    func put<R: AsyncResponseEncodable>(_ route: some Routable, use closure: @Sendable @escaping (Request) async throws -> R) -> Route {
        on(.PUT, route, use: closure)
    }

    @discardableResult
    func patch<R: AsyncResponseEncodable>(_ route: some Routable, use closure: @Sendable @escaping (Request) async throws -> R) -> Route {
        on(.PATCH, route, use: closure)
    }

    @discardableResult
    func delete<R: AsyncResponseEncodable>(_ route: some Routable, use closure: @Sendable @escaping (Request) async throws -> R) -> Route {
        on(.DELETE, route, use: closure)
    }
}

/// The pages (server-rendered HTML and the forms they post to).
enum SiteURL: Routable {
    typealias ID = Parameter<UUID>

    case home
    /// The one stylesheet, and the health check a load balancer polls.
    case stylesheet
    case health
    case login
    case logout
    case accountPassword
    case org
    case orgUnit(ID)
    case orgUnitChildren(ID)
    /// A district's kind (rule S-2), set by the city admin.
    case orgUnitDistrictKind(ID)
    case operators
    case operatorOrg(ID)
    case users
    case usersNew
    case user(ID)
    case userSignOut(ID)
    case stations
    case stationsNew
    case station(ID)
    case stationEdit(ID)
    case stationCompliance(ID)
    /// The station's workers and supervisors, and the forms that register them.
    case stationStaff(ID)
    case stationWorkers(ID)
    case stationSupervisors(ID)
    case stationSupervision(ID)
    case stationTraining(ID)
    case worker(ID)
    case workerPhone(ID)
    case workerAssign(ID)
    case supervisionConfirm(ID)
    case trainingEvidence(ID)
    case compliance
    case complianceExportCSV
    case complianceExportXLSX
    /// Bulk import of recipients (issue 9 §4): the template, the upload and its preview, the
    /// confirmation, and the page that follows the import while it runs.
    case recipientsImport
    case recipientsImportTemplateXLSX
    case recipientsImportTemplateCSV
    case recipientsImportConfirm
    case recipientsImportJob(ID)
    case audit
    case policy
    case calendar
    /// A correction of an entered year (a new version).
    case calendarYear(Parameter<Int>)
    case deadlineFilings
    /// Onboarding (platform administrator): provinces, cities and their first city admins.
    case platformCities
    case platformProvinces
    /// The key-population library (issue 9): list, registration, a record, its status, a reveal, needs.
    case recipients
    case recipientsNew
    case recipient(ID)
    case recipientStatus(ID)
    case recipientReveal(ID)
    case recipientNeeds(ID)
    case recipientDetails(ID)
    case recipientCategories(ID)
    case needStatus(ID)
    case stationNeeds(ID)
    /// Issue 9 §1/§3/§4: transfer, merge, household, consents and export of recipients.
    case recipientTransfer(ID)
    case recipientMerge(ID)
    case recipientHousehold(ID)
    case recipientConsents(ID)
    case consentForm(ID)
    case recipientsExport
    /// Case work (issue 10 §2): the list, intake, a case and the forms of its steps.
    case cases
    case casesNew
    case serviceCase(ID)
    case caseStep(ID, CaseStep)
    /// A home or phone visit to a recipient, and a station's visits (issue 10 §3).
    case recipientVisits(ID)
    case stationVisits(ID)
    /// A visit's follow-up marked done, from the worker's home page (issue 10 §5).
    case visitFollowUp(ID)
    /// One service in the ledger with its versions, and the form that corrects it (issue 10 §5).
    case serviceRecord(ID)
    case serviceRecordCorrections(ID)
    /// Group work (issue 10 §3): the list, a new group, a group and the forms on its page.
    case groups
    case groupsNew
    case group(ID)
    case groupMembers(ID)
    case groupSessions(ID)
    case groupEnding(ID)
    case groupNextSession(ID)
    /// Service dashboards (issue 10 §5), and the same numbers as a workbook.
    case dashboard
    case dashboardXLSX
    /// Village coverage (rule R-2, issue 11 §3).
    case coverage
    /// Community work (issue 10 §3): the list, a new event, an event with its photo upload, a photo.
    case events
    case eventsNew
    case event(ID)
    case eventPhotos(ID)
    case eventPhoto(ID)
    /// A station's focus service fields for a year (V-5, V-6).
    case stationFocusFields(ID)
    /// Referrals (V-11): the boxes, a new referral, an answer.
    case referrals
    case referralsNew
    case referralAnswers(ID)
    /// Social-assistance requests (V-10): the list, a new one, its outcome.
    case assistance
    case assistanceNew
    case assistanceOutcome(ID)
    /// A station's featured projects of a year (V-3's "N"), and one project with its correction form.
    case stationFeaturedProjects(ID)
    case featuredProject(ID)
    /// The policy page's form that adds items to the city's service catalogue.
    case policyCatalogue
    /// The volunteer library (issue 11 §1): volunteers, their teams (R-2) and hours.
    case volunteers
    case volunteer(ID)
    case volunteerReveal(ID)
    case volunteerTeams
    case volunteerTeam(ID)
    case volunteerTeamMembers(ID)
    /// The form that records the day a current member left.
    case volunteerTeamMember(ID)
    /// The hours form: `?kind=&record=` for a ledger activity, `?volunteer=` to preselect.
    case volunteerHoursNew
    /// Hours from an activity's sign-in sheet (same `?kind=&record=`): the upload and its preview,
    /// then the confirmation.
    case volunteerHoursImport
    case volunteerHoursImportConfirm
    /// Entries awaiting their station's confirmation (`?record=` for one activity's), and the
    /// confirmation of those ticked.
    case volunteerHoursPending
    case volunteerHoursConfirmations
    case volunteerHoursEntry(ID)
    case volunteerHoursConfirm(ID)
    case volunteerHoursCorrections(ID)
    /// A station's reward catalogue (R-4) with each reward's restock form, a volunteer's redemption
    /// and its cancellation.
    case stationRewards(ID)
    case volunteerReward(ID)
    case volunteerRedemptions(ID)
    case volunteerRedemptionCancellation(ID)
    /// A volunteer's record of service (志愿服务记录), printable, and as a PDF.
    case volunteerRecord(ID)
    case volunteerRecordPDF(ID)
    /// The social charity resources library (issue 11 §2): the list, a new one, a resource with its
    /// uses and its correction form (posted to the resource), the form of a use and of a use's reversal.
    case charityResources
    case charityResourcesNew
    case charityResource(ID)
    case charityResourceUses(ID)
    case charityUseReversal(ID)
    /// The policy library (政策资源库, issue 11 §2): the list, a new policy, a policy with its
    /// correction form, its attachments' upload, one file.
    case policyLibrary
    case policyLibraryNew
    case libraryPolicy(ID)
    case libraryPolicyAttachments(ID)
    case libraryPolicyFile(ID)

    var segments: [PathSegment] {
        switch self {
        case .home: []
        case .stylesheet: ["styles.css"]
        case .health: ["healthz"]
        case .login: ["login"]
        case .logout: ["logout"]
        case .accountPassword: ["account", "password"]
        case .org: ["org"]
        case .orgUnit(let id): ["org", .id(id)]
        case .orgUnitChildren(let id): ["org", .id(id), "children"]
        case .orgUnitDistrictKind(let id): ["org", .id(id), "district-kind"]
        case .operators: ["operators"]
        case .operatorOrg(let id): ["operators", .id(id)]
        case .users: ["users"]
        case .usersNew: ["users", "new"]
        case .user(let id): ["users", .id(id)]
        case .userSignOut(let id): ["users", .id(id), "sign-out"]
        case .stations: ["stations"]
        case .stationsNew: ["stations", "new"]
        case .station(let id): ["stations", .id(id)]
        case .stationEdit(let id): ["stations", .id(id), "edit"]
        case .stationCompliance(let id): ["stations", .id(id), "compliance"]
        case .stationStaff(let id): ["stations", .id(id), "staff"]
        case .stationWorkers(let id): ["stations", .id(id), "workers"]
        case .stationSupervisors(let id): ["stations", .id(id), "supervisors"]
        case .stationSupervision(let id): ["stations", .id(id), "supervision"]
        case .stationTraining(let id): ["stations", .id(id), "training"]
        case .worker(let id): ["workers", .id(id)]
        case .workerPhone(let id): ["workers", .id(id), "phone"]
        case .workerAssign(let id): ["workers", .id(id), "assign"]
        case .supervisionConfirm(let id): ["supervision", .id(id), "confirm"]
        case .trainingEvidence(let id): ["training-records", .id(id), "evidence"]
        case .compliance: ["compliance"]
        case .complianceExportCSV: ["compliance", "export.csv"]
        case .complianceExportXLSX: ["compliance", "export.xlsx"]
        case .recipientsImport: ["recipients", "import"]
        case .recipientsImportTemplateXLSX: ["recipients", "import", "template.xlsx"]
        case .recipientsImportTemplateCSV: ["recipients", "import", "template.csv"]
        case .recipientsImportConfirm: ["recipients", "import", "confirm"]
        case .recipientsImportJob(let id): ["recipients", "import", "jobs", .id(id)]
        case .audit: ["audit"]
        case .policy: ["policy"]
        case .calendar: ["calendar"]
        case .calendarYear(let year): ["calendar", .year(year)]
        case .deadlineFilings: ["deadline-filings"]
        case .platformCities: ["platform", "cities"]
        case .platformProvinces: ["platform", "provinces"]
        case .recipients: ["recipients"]
        case .recipientsNew: ["recipients", "new"]
        case .recipient(let id): ["recipients", .id(id)]
        case .recipientStatus(let id): ["recipients", .id(id), "status"]
        case .recipientReveal(let id): ["recipients", .id(id), "reveal"]
        case .recipientNeeds(let id): ["recipients", .id(id), "needs"]
        case .recipientDetails(let id): ["recipients", .id(id), "details"]
        case .recipientCategories(let id): ["recipients", .id(id), "categories"]
        case .needStatus(let id): ["needs", .id(id), "status"]
        case .stationNeeds(let id): ["stations", .id(id), "needs"]
        case .recipientTransfer(let id): ["recipients", .id(id), "transfer"]
        case .recipientMerge(let id): ["recipients", .id(id), "merge"]
        case .recipientHousehold(let id): ["recipients", .id(id), "household"]
        case .recipientConsents(let id): ["recipients", .id(id), "consents"]
        case .consentForm(let id): ["consents", .id(id), "form"]
        case .recipientsExport: ["recipients", "export"]
        case .cases: ["cases"]
        case .casesNew: ["cases", "new"]
        case .serviceCase(let id): ["cases", .id(id)]
        case .caseStep(let id, let step): ["cases", .id(id), .constant(step.pathName)]
        case .recipientVisits(let id): ["recipients", .id(id), "visits"]
        case .stationVisits(let id): ["stations", .id(id), "visits"]
        case .visitFollowUp(let id): ["visits", .id(id), "follow-up"]
        case .serviceRecord(let id): ["services", .id(id)]
        case .serviceRecordCorrections(let id): ["services", .id(id), "corrections"]
        case .groups: ["groups"]
        case .groupsNew: ["groups", "new"]
        case .group(let id): ["groups", .id(id)]
        case .groupMembers(let id): ["groups", .id(id), "members"]
        case .groupSessions(let id): ["groups", .id(id), "sessions"]
        case .groupEnding(let id): ["groups", .id(id), "ending"]
        case .groupNextSession(let id): ["groups", .id(id), "next-session"]
        case .dashboard: ["dashboard"]
        case .dashboardXLSX: ["dashboard", "export.xlsx"]
        case .coverage: ["coverage"]
        case .events: ["events"]
        case .eventsNew: ["events", "new"]
        case .event(let id): ["events", .id(id)]
        case .eventPhotos(let id): ["events", .id(id), "photos"]
        case .eventPhoto(let id): ["event-photos", .id(id)]
        case .stationFocusFields(let id): ["stations", .id(id), "focus-fields"]
        case .referrals: ["referrals"]
        case .referralsNew: ["referrals", "new"]
        case .referralAnswers(let id): ["referrals", .id(id), "answers"]
        case .assistance: ["assistance"]
        case .assistanceNew: ["assistance", "new"]
        case .assistanceOutcome(let id): ["assistance", .id(id), "outcome"]
        case .stationFeaturedProjects(let id): ["stations", .id(id), "featured-projects"]
        case .featuredProject(let id): ["featured-projects", .id(id)]
        case .policyCatalogue: ["policy", "catalogue"]
        case .volunteers: ["volunteers"]
        case .volunteer(let id): ["volunteers", .id(id)]
        case .volunteerReveal(let id): ["volunteers", .id(id), "reveal"]
        case .volunteerTeams: ["volunteer-teams"]
        case .volunteerTeam(let id): ["volunteer-teams", .id(id)]
        case .volunteerTeamMembers(let id): ["volunteer-teams", .id(id), "members"]
        case .volunteerTeamMember(let id): ["volunteer-team-members", .id(id)]
        case .volunteerHoursNew: ["volunteer-hours", "new"]
        case .volunteerHoursImport: ["volunteer-hours", "import"]
        case .volunteerHoursImportConfirm: ["volunteer-hours", "import", "confirm"]
        case .volunteerHoursPending: ["volunteer-hours", "pending"]
        case .volunteerHoursConfirmations: ["volunteer-hours", "confirmations"]
        case .volunteerHoursEntry(let id): ["volunteer-hours", .id(id)]
        case .volunteerHoursConfirm(let id): ["volunteer-hours", .id(id), "confirm"]
        case .volunteerHoursCorrections(let id): ["volunteer-hours", .id(id), "corrections"]
        case .stationRewards(let id): ["stations", .id(id), "rewards"]
        case .volunteerReward(let id): ["volunteer-rewards", .id(id)]
        case .volunteerRedemptions(let id): ["volunteers", .id(id), "redemptions"]
        case .volunteerRedemptionCancellation(let id): ["volunteer-redemptions", .id(id), "cancellation"]
        case .volunteerRecord(let id): ["volunteers", .id(id), "record"]
        case .volunteerRecordPDF(let id): ["volunteers", .id(id), "record.pdf"]
        case .charityResources: ["charity-resources"]
        case .charityResourcesNew: ["charity-resources", "new"]
        case .charityResource(let id): ["charity-resources", .id(id)]
        case .charityResourceUses(let id): ["charity-resources", .id(id), "uses"]
        case .charityUseReversal(let id): ["charity-resource-uses", .id(id), "reversal"]
        case .policyLibrary: ["policy-library"]
        case .policyLibraryNew: ["policy-library", "new"]
        case .libraryPolicy(let id): ["policy-library", .id(id)]
        case .libraryPolicyAttachments(let id): ["policy-library", .id(id), "attachments"]
        case .libraryPolicyFile(let id): ["policy-files", .id(id)]
        }
    }
}

extension CaseStep {
    /// The step's path under a case: `/cases/{id}/assessments`.
    var pathName: String {
        switch self {
        case .assess: "assessments"
        case .plan: "plans"
        case .intervene: "interventions"
        case .evaluate: "evaluations"
        case .close: "closure"
        case .followUp: "follow-ups"
        case .reopen: "reopening"
        }
    }
}
