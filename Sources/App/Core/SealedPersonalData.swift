import Domain
import Vapor

/// Personal data sealed at rest (PIPL): the value sealed with the data key, its lookup hash for
/// duplicates and exact search, and the masked form lists show. Recipients and volunteers keep their
/// resident ID and phone this way; a full value is shown only after a reason, and each reveal is audited.
struct SealedValue: Sendable {
    let sealed: String
    let hash: String
    let masked: String

    init(_ value: String, masked: String, key: DataKey) throws {
        sealed = try key.seal(value)
        hash = key.lookupHash(value)
        self.masked = masked
    }
}

enum SealedPersonalData {
    /// The reason a full value is asked for: required, at least four characters.
    static func reason(_ raw: String?, into v: inout Validator) -> String {
        let reason = v.text(raw, field: "reason", label: "查看原因", max: TextLimit.short, required: true) ?? ""
        if !reason.isEmpty && reason.count < 4 { v.add("reason", "查看原因至少写 4 个字，说明为何需要完整号码") }
        return reason
    }

    /// Opens a sealed value and records the reveal with its reason (`sensitive_read`); nil when none is stored.
    static func reveal(_ sealed: String?, field: String, entityType: String, entityID: UUID?, reason: String, req: Request) async throws -> String? {
        guard let sealed else { return nil }
        let caller = try req.requireCaller()
        let value = try req.application.settings.dataKey.open(sealed)
        try await req.audit.record(.sensitiveRead, entityType: entityType, entityID: entityID?.uuidString,
                                   changes: ["field": [nil, field], "reason": [nil, reason]],
                                   actor: caller.userID, actorName: caller.username)
        return value
    }
}
