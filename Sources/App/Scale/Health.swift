import SQLKit
import Vapor

/// `GET /healthz`, which a load balancer polls: 200 while the process serves, and each database's
/// state — with standbys, as the last check (`ReadReplicas`, every second) found it.
enum Health {
    struct Report: Content {
        var status = "ok"
        var databases: [Entry]
    }

    struct Entry: Content {
        var name: String
        var role: String
        var engine: String
        /// Not checked without standbys (the check would cost every poll a query).
        var state: ReadReplicas.State?
        var label: String?
        /// The primary's newest sampled position, or the standby's replayed position.
        var walPosition: String?
        /// How old the standby's data is, in seconds (it is checked every second, so up to about 1
        /// when it keeps up); none for a standby that is down.
        var lagSeconds: Double?
        var error: String?
    }

    @Sendable static func check(req: Request) async throws -> Report {
        let engine = (req.application.db as? any SQLDatabase)?.dialect.name ?? "unknown"
        guard let replicas = req.application.readReplicas else {
            return Report(databases: [Entry(name: "primary", role: "primary", engine: engine)])
        }
        let report = replicas.report(now: req.now)
        var databases = [Entry(name: "primary", role: "primary", engine: engine, state: report.primary, label: report.primary.label,
                                  walPosition: report.primaryPosition?.description, error: report.primaryError)]
        for (standby, status, age) in report.standbys {
            databases.append(Entry(name: standby.name, role: "standby", engine: engine, state: status.state, label: status.state.label,
                                      walPosition: status.replay?.description,
                                      lagSeconds: age.map { ($0 * 10).rounded() / 10 }, error: status.error))
        }
        return Report(databases: databases)
    }
}
