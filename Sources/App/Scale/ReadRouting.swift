import AsyncKit
import Fluent
import FluentPostgresDriver
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO
import Vapor

extension Application {
    private struct ReadReplicasKey: StorageKey { typealias Value = ReadReplicas }

    /// The hot standbys; nil without `DATABASE_READ_URL` (and always on SQLite).
    var readReplicas: ReadReplicas? {
        get { storage[ReadReplicasKey.self] }
        set { storage[ReadReplicasKey.self] = newValue }
    }

    /// Registers each `DATABASE_READ_URL` as a database of its own (`standby-1`, …) beside the primary.
    func useStandbys(_ urls: [String], maxLag: TimeInterval, searchPath: [String]? = nil) throws {
        var standbys: [ReadReplicas.Standby] = []
        for (index, url) in urls.enumerated() {
            var config = try SQLPostgresConfiguration(url: url)
            config.searchPath = searchPath
            // A standby that does not answer is skipped; a page must not wait the default 10 s for it.
            config.coreConfiguration.options.connectTimeout = .seconds(2)
            let id = DatabaseID(string: "standby-\(index + 1)")
            databases.use(.postgres(configuration: config, connectionPoolTimeout: .seconds(2)), as: id, isDefault: false)
            let address = config.coreConfiguration.host.map { "\($0):\(config.coreConfiguration.port ?? 5432)" } ?? "unix socket"
            standbys.append(.init(id: id, name: id.string, address: address))
        }
        readReplicas = ReadReplicas(standbys: standbys, maxLag: maxLag)
    }

    /// One check of the primary and the standbys now (the background task calls it every second).
    func refreshReadReplicas() async {
        guard let replicas = readReplicas else { return }
        await replicas.refresh(primary: db, standby: { [unowned self] in self.db($0) }, now: { [clock] in clock.now }, logger: logger)
    }
}

extension Request {
    private struct RouteKey: StorageKey { typealias Value = ReadReplicas.Route }

    /// Where this request's read-only queries went: decided at the first `readDB`, kept for the
    /// rest of the request so that a page reads one consistent database.
    var readRoute: ReadReplicas.Route? {
        get { storage[RouteKey.self] }
        set { storage[RouteKey.self] = newValue }
    }

    /// The database a read-only page reads from: a hot standby that is up, within the lag limit and
    /// has replayed this user's own newest write; otherwise — and always without standbys — the
    /// primary (`db`). Never for a read that decides a write: that reads `db` or the write's
    /// transaction.
    var readDB: any Database {
        guard let replicas = application.readReplicas else { return db }
        let route = readRoute ?? replicas.route(for: caller?.userID, now: now)
        readRoute = route
        switch route {
        case .primary: return db
        case .standby(let index, _): return db(replicas.standbys[index].id)
        }
    }
}

/// With standbys: a page whose standby failed under it is read again from the primary (the user
/// sees no error), and a page read from a standby whose data is older than
/// `ReadReplicas.noticeAfter` says so in a line under the header.
struct ReadRoutingMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            guard request.method == .GET || request.method == .HEAD, case .standby(let index, _)? = request.readRoute,
                  let replicas = request.application.readReplicas, Self.isDatabaseFailure(error) else { throw error }
            // A query cancelled by the standby (a conflict with recovery) is a reason to read again,
            // not to stop using the standby; a connection that failed is.
            if (error as? PSQLError)?.code != .server { replicas.markDown(index, error) }
            request.logger.warning("备库 \(replicas.standbys[index].name)（\(replicas.standbys[index].address)）读取失败，改由主库读取：\(String(reflecting: error))")
            request.readRoute = .primary
            return try await next.respond(to: request)
        }
        if case .standby(_, let age)? = request.readRoute, age > ReadReplicas.noticeAfter,
           response.headers.contentType == .html, let page = response.body.string,
           let main = page.range(of: "<main>") {
            response.body = .init(string: page.replacingCharacters(in: main, with: "<main>" + Layout.dataAgeNotice(seconds: age)))
        }
        return response
    }

    private static func isDatabaseFailure(_ error: any Error) -> Bool {
        error is PSQLError || error is ConnectionPoolTimeoutError || error is NIOConnectionError || error is IOError || error is ChannelError
    }
}

/// Checks the standbys every second while the application runs.
struct ReadReplicaMonitor: LifecycleHandler {
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    func didBoot(_ application: Application) throws {
        task.withLockedValue { task in
            task = Task { [weak application] in
                while !Task.isCancelled, let app = application {
                    await app.refreshReadReplicas()
                    try? await Task.sleep(nanoseconds: 1_000_000_000)
                }
            }
        }
    }

    func shutdown(_ application: Application) {
        task.withLockedValue { $0?.cancel() }
    }

    /// Waits for a check under way (at most `checkTimeout`) before the databases close.
    func shutdownAsync(_ application: Application) async {
        let running = task.withLockedValue { $0 }
        running?.cancel()
        await running?.value
    }
}

extension Application {
    /// For `AuditLog.committed`: remembers the user's write, with standbys (nothing otherwise).
    func noteWrites(by user: UUID?) -> (@Sendable () -> Void)? {
        guard let replicas = readReplicas, let user else { return nil }
        return { [clock] in replicas.noteWrite(by: user, now: clock.now) }
    }
}
