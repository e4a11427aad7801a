import Domain
import Vapor

struct WorkerDTO: Content {
    struct PostingDTO: Content { var stationId: UUID; var stationName: String; var startedOn: String; var endedOn: String? }
    var id: UUID
    var name: String
    var gender: Gender
    var birthDate: String
    /// Masked ("139****5678"); the full number only through the audited reveal call.
    var phone: String?
    var education: Education
    var major: Major
    var certificateLevel: CertificateLevel
    var certificateNumber: String?
    var certificateDate: String?
    var experienceYears: Double
    var fullTime: Bool
    var registeredNational: Bool
    var postings: [PostingDTO]
}

struct SupervisorInput: Content {
    var name: String?
    var pool: String?
    var experienceYears: Double?
    var phone: String?
    var stationId: UUID
    var startedOn: String
}

struct SupervisionDTO: Content {
    var id: UUID
    var heldOn: String
    var hours: Double
    var supervisorName: String
    var form: SupervisionForm
    var topic: String
    var issues: String
    var advice: String
    var supervisorConfirmed: Bool
    var supervisees: [String]
    var superviseesConfirmed: Int
    /// The station's cases it discussed, in the order named (issue 10 §2).
    var cases: [SupervisionCases.Named]
}

struct TrainingDTO: Content {
    var id: UUID
    var workerName: String
    var heldOn: String
    var hours: Double
    var title: String
    var organiser: String
    var attachmentId: UUID?
}
