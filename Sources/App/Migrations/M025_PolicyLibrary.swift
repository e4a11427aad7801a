import Fluent
import SQLKit

/// The policy library (政策资源库, R-1, V-10; issue 11 §2): a city's policies, read by everyone in the
/// city; the city adds city-wide ones and a station may add its own local ones. Attachments are
/// stored as training evidence is. A case assessment or an assistance request names the policies
/// that apply (`policy_applications`), so that the policy's page lists where it was applied.
struct M025_PolicyLibrary: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("library_policies")
            .id()
            .field("city_id", .uuid, .required, .references("org_units", "id"))
            // A station's local policy; nil for the city's own.
            .field("station_id", .uuid, .references("stations", "id"))
            .field("title", .string, .required)
            .field("issuer", .string, .required)
            .field("doc_number", .string)
            .field("field", .string)
            .field("effective_on", .string, .required)
            .field("expires_on", .string)
            .field("summary", .string, .required)
            .field("eligibility", .string, .required)
            .field("created_by", .uuid, .required)
            .field("created_by_name", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("library_policy_attachments")
            .field("policy_id", .uuid, .required, .references("library_policies", "id"))
            .field("attachment_id", .uuid, .required, .references("attachments", "id"))
            .field("position", .int, .required)
            .field("added_by", .uuid, .required)
            .compositeIdentifier(over: "policy_id", "attachment_id")
            .create()
        try await db.schema("policy_applications")
            .id()
            .field("policy_id", .uuid, .required, .references("library_policies", "id"))
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("case_id", .uuid, .references("cases", "id"))
            .field("assessment_id", .uuid, .references("case_assessments", "id"))
            .field("assistance_request_id", .uuid, .references("assistance_requests", "id"))
            .field("applied_on", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "policy_id", "assessment_id")
            .unique(on: "policy_id", "assistance_request_id")
            .create()
        let sql = db as! any SQLDatabase
        try await sql.raw("CREATE INDEX library_policies_city ON library_policies (city_id, effective_on)").run()
        try await sql.raw("CREATE INDEX policy_applications_policy ON policy_applications (policy_id)").run()
        try await sql.raw("CREATE INDEX policy_applications_assessment ON policy_applications (assessment_id)").run()
        try await sql.raw("CREATE INDEX policy_applications_assistance ON policy_applications (assistance_request_id)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("policy_applications").delete()
        try await db.schema("library_policy_attachments").delete()
        try await db.schema("library_policies").delete()
    }
}
