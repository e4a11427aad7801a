import Fluent
import Vapor

/// Ending a user's sign-ins: after a password change or reset, and when a city admin signs a user
/// out (a lost phone, a leaver).
enum SignOut {
    /// Ends the user's browser sessions, except `keep` (the caller's own when they change their own
    /// password), and revokes all their API tokens, on `db`: the transaction of the change that calls for it.
    static func everywhere(_ userID: UUID, keep: SessionID?, app: Application, on db: any Database) async throws {
        try await app.sessionStore.endSessions(of: userID, except: keep, on: db)
        try await APIToken.query(on: db).filter(\.$user.$id == userID).delete()
        app.callers.forgetTokens(of: userID)
        app.callers.forget(userID)
    }
}
