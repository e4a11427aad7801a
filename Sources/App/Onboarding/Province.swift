import Fluent
import Foundation

/// A province (省、自治区、直辖市) of the deployment. Provinces are not part of the org tree: a
/// unit's materialised path still starts with its city; a city names its province by `provinceID`.
final class Province: Model, @unchecked Sendable {
    static let schema = "provinces"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// GB/T 2260: six digits, the province's two followed by "0000" (山东省 370000).
    @Field(key: "division_code") var divisionCode: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
    init(name: String, divisionCode: String) {
        self.id = UUID()
        self.name = name
        self.divisionCode = divisionCode
    }

    /// The two digits every city and district code of the province starts with.
    var prefix: String { String(divisionCode.prefix(2)) }

    var auditFields: [String: String] { ["name": name, "division_code": divisionCode] }
}
