import Fluent
import SQLKit

/// Whether the data key in use opens the sealed fields of a database (after a restore, or a key
/// that was replaced by mistake): a few sealed phone numbers are opened.
enum KeyCheck {
    enum Outcome: Equatable {
        case opened(Int)
        case nothingSealed
        case wrongKey
    }

    static func run(_ key: DataKey, on db: any Database, sample: Int = 5) async throws -> Outcome {
        let sql = db as! any SQLDatabase
        var sealed: [String] = []
        for table in ["social_workers", "supervisors"] {
            let rows = try await sql.raw("SELECT phone_sealed FROM \(ident: table) WHERE phone_sealed IS NOT NULL LIMIT \(unsafeRaw: String(sample))").all()
            sealed += try rows.map { try $0.decode(column: "phone_sealed", as: String.self) }
        }
        if sealed.isEmpty { return .nothingSealed }
        for value in sealed where (try? key.open(value)) == nil { return .wrongKey }
        return .opened(sealed.count)
    }
}
