import Crypto
import Domain
import Fluent
import Vapor

/// The steps of an import shared by the page and the API (issue 9 §4): which station, the file read
/// and every row checked, and the write of all rows or none — in the background for the page, so
/// that its progress can be shown, in the request for the API.
enum ImportRun {
    /// The station the caller imports into: the one asked for, or their only one. Only a caller who
    /// may register recipients there (`.create`: its social workers, its operator's manager); a
    /// station outside the caller's scope answers 404, a role that may only read answers 403.
    static func station(_ id: UUID?, req: Request) async throws -> Station {
        let caller = try req.requireCaller()
        if id == nil, try await RecipientService.stationsForCreate(caller, on: req.db).isEmpty {
            throw Abort(.forbidden, reason: "您的角色无权导入服务对象")
        }
        return try await RecipientService.station(for: id, req: req)
    }

    /// Every row of the file checked against the form's rules, the station's villages and the register.
    static func preview(_ data: Data, filename: String, station: Station, req: Request) async throws -> [RecipientImport.Row] {
        let table = try RecipientImporter.table(data, filename: filename)
        return try await RecipientImporter.preview(table, station: station, profile: try await RecipientService.profile(of: station, req: req),
                                                   today: req.today, key: req.application.settings.dataKey, on: req.db)
    }

    static func digest(_ data: Data) -> String {
        SHA256.hash(data: data).hexString
    }

    /// Starts writing a confirmed file in the background and returns the job's id at once. The rows
    /// are checked again first (the register may have changed since the preview): an ID registered
    /// meanwhile fails the job with 409 and nothing is written, as does one registered while the
    /// rows are written (`RecipientImporter.commit` checks again inside the write lock).
    static func start(_ pending: ImportRegistry.Pending, station: Station, req: Request, registry: ImportRegistry) async throws -> UUID {
        let caller = try req.requireCaller()
        let app = req.application
        let profile = try await RecipientService.profile(of: station, req: req)
        let today = req.today
        let key = app.settings.dataKey
        let audit = AuditLog(db: app.db, lock: app.writeLock, key: key.auditKey, actorID: caller.userID,
                             actorName: caller.username, clientIP: req.clientIP, clock: app.clock,
                             committed: app.noteWrites(by: caller.userID))
        let job = ImportRegistry.Job(id: UUID(), userID: caller.userID, stationID: station.id!, stationName: station.name,
                                     filename: pending.filename, total: pending.rows, startedAt: app.clock.now, state: .running(written: 0))
        registry.start(job, now: app.clock.now)
        let id = job.id
        Task {
            do {
                // Read and checked again here, not in the request: 10,000 rows take a moment, and the
                // page that follows the job is already showing.
                let table = try RecipientImporter.table(pending.data, filename: pending.filename)
                let rows = try await RecipientImporter.preview(table, station: station, profile: profile, today: today, key: key, on: app.db)
                let stale = rows.filter { $0.draft == nil }
                if !stale.isEmpty {
                    let lines = stale.prefix(10).map { "第\($0.line)行" + ($0.problems.first.map { "（\($0.field.label)\($0.message)）" } ?? "") }
                    throw AppError.field("file", "预览之后有 \(stale.count) 行不再符合要求：\(lines.joined(separator: "；"))。请重新上传预览；未导入任何数据",
                                         status: stale.contains { $0.problems.contains { $0.message.hasPrefix("已在") } } ? .conflict : .unprocessableEntity)
                }
                let outcome = try await RecipientImporter.commit(rows, station: station, caller: caller, key: key, today: today,
                                                                 audit: audit, fileDigest: pending.digest) { written in
                    registry.update(id, .running(written: written))
                }
                registry.update(id, .finished(importID: outcome.importID, count: outcome.count))
            } catch let error as AppError {
                registry.update(id, .failed(status: error.status.code, message: error.fieldErrors.map(\.message).joined(separator: "；")))
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // The unique index caught an ID registered in the last instant: still a conflict.
                registry.update(id, .failed(status: 409, message: "导入期间有身份证号已被登记，请重新上传预览；未导入任何数据"))
            } catch {
                app.logger.report(error: error)
                registry.update(id, .failed(status: 500, message: "导入时发生内部错误，未导入任何数据；请稍后重试"))
            }
        }
        return id
    }
}
