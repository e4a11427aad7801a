import Domain
import Fluent
import Foundation

/// A social worker (社工). The phone number is sealed with the data key; `phoneHash` allows
/// exact-match search and duplicate detection without decrypting.
final class SocialWorker: Model, @unchecked Sendable {
    static let schema = "social_workers"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "gender") var gender: Gender
    @Field(key: "birth_date") var birthDate: String
    @OptionalField(key: "phone_sealed") var phoneSealed: String?
    @OptionalField(key: "phone_hash") var phoneHash: String?
    @Field(key: "education") var education: Education
    @Field(key: "major") var major: Major
    @Field(key: "certificate_level") var certificateLevel: CertificateLevel
    @OptionalField(key: "certificate_number") var certificateNumber: String?
    @OptionalField(key: "certificate_date") var certificateDate: String?
    @Field(key: "experience_years") var experienceYears: Double
    @Field(key: "full_time") var fullTime: Bool
    /// Registered on the national social work network (中国社会工作网).
    @Field(key: "registered_national") var registeredNational: Bool
    /// The worker's own account, if any: a social worker edits their own record.
    @OptionalField(key: "user_id") var userID: UUID?
    /// The city whose bureau oversees this worker; scope while the worker has no station.
    @Field(key: "city_id") var cityID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["name": name, "gender": gender.rawValue, "birth_date": birthDate, "phone": phoneHash.map { "hmac:" + $0.prefix(12) } ?? "",
         "education": education.rawValue, "major": major.rawValue, "certificate_level": certificateLevel.rawValue,
         "certificate_number": certificateNumber ?? "", "certificate_date": certificateDate ?? "", "experience_years": String(experienceYears),
         "full_time": String(fullTime), "registered_national": String(registeredNational), "user_id": userID?.uuidString ?? ""]
    }
}

/// A worker's posting to a station; history is kept, so a worker moves without retyping.
final class WorkerAssignment: StationPosting, @unchecked Sendable {
    static let schema = "worker_assignments"
    static var person: KeyPath<WorkerAssignment, Parent<SocialWorker>> { \.$worker }
    static var station: KeyPath<WorkerAssignment, Parent<Station>> { \.$station }

    @ID(key: .id) var id: UUID?
    @Parent(key: "worker_id") var worker: SocialWorker
    @Parent(key: "station_id") var station: Station
    @Field(key: "started_on") var startedOn: String
    /// Inclusive last day; nil while the posting lasts.
    @OptionalField(key: "ended_on") var endedOn: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// A supervisor (督导) and the pool they were hired from (rule T-1).
final class Supervisor: Model, @unchecked Sendable {
    static let schema = "supervisors"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "pool") var pool: SupervisorPool
    /// Years of social-work service experience (rule T-4).
    @Field(key: "experience_years") var experienceYears: Double
    @OptionalField(key: "phone_sealed") var phoneSealed: String?
    @OptionalField(key: "phone_hash") var phoneHash: String?
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "city_id") var cityID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["name": name, "pool": pool.rawValue, "experience_years": String(experienceYears),
         "phone": phoneHash.map { "hmac:" + $0.prefix(12) } ?? "", "user_id": userID?.uuidString ?? ""]
    }
}

/// A supervisor's assignment to a station (the same shape as a worker's posting).
final class SupervisorAssignment: StationPosting, @unchecked Sendable {
    static let schema = "supervisor_assignments"
    static var person: KeyPath<SupervisorAssignment, Parent<Supervisor>> { \.$supervisor }
    static var station: KeyPath<SupervisorAssignment, Parent<Station>> { \.$station }

    @ID(key: .id) var id: UUID?
    @Parent(key: "supervisor_id") var supervisor: Supervisor
    @Parent(key: "station_id") var station: Station
    @Field(key: "started_on") var startedOn: String
    @OptionalField(key: "ended_on") var endedOn: String?

    init() {}
}

/// A supervision record following MZ/T 166 (督导记录表). Carries the station and year so the table
/// can be partitioned by year.
final class SupervisionRecord: Model, @unchecked Sendable {
    static let schema = "supervision_records"

    @ID(key: .id) var id: UUID?
    @Parent(key: "station_id") var station: Station
    @Field(key: "year") var year: Int
    @Field(key: "held_on") var heldOn: String
    @Field(key: "hours") var hours: Double
    @Parent(key: "supervisor_id") var supervisor: Supervisor
    @Field(key: "form") var form: SupervisionForm
    @Field(key: "topic") var topic: String
    @Field(key: "issues") var issues: String
    @Field(key: "advice") var advice: String
    @OptionalField(key: "supervisor_confirmed_at") var supervisorConfirmedAt: Date?
    @Children(for: \.$record) var attendees: [SupervisionAttendee]
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    var isComplete: Bool { !topic.isEmpty && !issues.isEmpty && !advice.isEmpty && hours > 0 }

    var auditFields: [String: String] {
        ["station_id": $station.id.uuidString, "held_on": heldOn, "hours": String(hours), "supervisor_id": $supervisor.id.uuidString,
         "form": form.rawValue, "topic": topic, "issues": issues, "advice": advice]
    }
}

/// A supervisee of a supervision record, who confirms it.
final class SupervisionAttendee: Model, @unchecked Sendable {
    static let schema = "supervision_attendees"

    @ID(key: .id) var id: UUID?
    @Parent(key: "record_id") var record: SupervisionRecord
    @Parent(key: "worker_id") var worker: SocialWorker
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?

    init() {}
    init(recordID: UUID, workerID: UUID) {
        self.id = UUID()
        self.$record.id = recordID
        self.$worker.id = workerID
    }
}

/// Training hours (学时) of a worker, with an optional evidence attachment.
final class TrainingRecord: Model, @unchecked Sendable {
    static let schema = "training_records"

    @ID(key: .id) var id: UUID?
    @Parent(key: "worker_id") var worker: SocialWorker
    /// The station the worker was posted to on that day.
    @Parent(key: "station_id") var station: Station
    @Field(key: "year") var year: Int
    @Field(key: "held_on") var heldOn: String
    @Field(key: "hours") var hours: Double
    @Field(key: "title") var title: String
    @Field(key: "organiser") var organiser: String
    @OptionalParent(key: "attachment_id") var attachment: Attachment?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["worker_id": $worker.id.uuidString, "station_id": $station.id.uuidString, "held_on": heldOn, "hours": String(hours),
         "title": title, "organiser": organiser, "attachment_id": $attachment.id?.uuidString ?? ""]
    }
}

/// A stored file, content-addressed under the data directory.
final class Attachment: Model, @unchecked Sendable {
    static let schema = "attachments"

    @ID(key: .id) var id: UUID?
    @Field(key: "sha256") var sha256: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "original_name") var originalName: String
    /// How long it is kept: evaluation evidence ≥ 5 years (rule A-3).
    @Field(key: "retention_class") var retentionClass: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}
