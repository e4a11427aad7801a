import Domain
import Fluent
import Vapor

/// A unit's record that it filed (报送) what a deadline asks for, and when.
final class DeadlineFiling: Model, @unchecked Sendable {
    static let schema = "deadline_filings"

    @ID(key: .id) var id: UUID?
    @Field(key: "rule_id") var ruleID: String
    @Field(key: "due_on") var dueOn: String
    @Field(key: "filer") var filer: Filer
    @Field(key: "unit_id") var unitID: UUID
    @Field(key: "filed_on") var filedOn: String
    @Field(key: "note") var note: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var auditFields: [String: String] {
        ["rule_id": ruleID, "due_on": dueOn, "filer": filer.rawValue, "unit_id": unitID.uuidString, "filed_on": filedOn, "note": note]
    }
}
