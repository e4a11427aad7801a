import Domain
import Fluent
import Vapor

/// Who a service is for and who is responsible for it, checked alike for cases and groups.
enum ServiceParties {
    /// The most recipients one service names (a group's attendance, an event's participants): the
    /// rest are counted as others. Also keeps a multi-row insert well inside the engines' bind limits.
    static let maxNamed = 500

    /// Recipients named for a service: at least one, none twice, all registered (在册) at the station.
    /// - Parameters:
    ///   - field: the input's name for them, as the errors name it.
    ///   - doing: what they are named for (开案, 加入小组), for the error on a person not in register.
    static func registered(_ ids: [UUID], station: Station, field: String = "recipient_ids", doing: String, on db: any Database,
                           into v: inout Validator) async throws -> [Recipient] {
        if ids.isEmpty {
            v.add(field, "请至少选择一名服务对象")
            return []
        }
        if Set(ids).count != ids.count { v.add(field, "同一服务对象选择了两次") }
        if ids.count > maxNamed {
            v.add(field, "一次最多登记 \(maxNamed) 名服务对象，收到 \(ids.count) 名；更多参加者请计入人数")
            return []
        }
        let found = try await Recipient.query(on: db).filter(\.$id ~~ ids).filter(\.$station.$id == station.id!).all()
        let byID = Dictionary(found.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        var result: [Recipient] = []
        for id in ids {
            guard let r = byID[id] else {
                v.add(field, "服务对象不在本社工站的重点人群信息库中（\(id.uuidString)）")
                continue
            }
            if r.status != .active || r.mergedIntoID != nil { v.add(field, "\(r.name)的状态为“\(r.status.label)”，只能为在册的服务对象\(doing)") }
            result.append(r)
        }
        return result
    }

    /// The social worker accounts posted to the stations' streets, for a form's choice of the
    /// responsible worker (an operator manager records for them): label "姓名（站点）".
    static func workers(of stations: [Station], on db: any Database) async throws -> [(value: String, label: String)] {
        let streets = Set(stations.map(\.streetID))
        let posted = try await RoleAssignment.query(on: db).filter(\.$role == .socialWorker).filter(\.$unit.$id ~~ streets).with(\.$user).all()
            .filter { $0.user.active }
        var result: [(String, String)] = []
        for s in stations {
            for r in posted.filter({ $0.$unit.id == s.streetID }).sorted(by: { $0.user.displayName < $1.user.displayName }) {
                result.append((r.user.id!.uuidString, "\(r.user.displayName)（\(s.name)）"))
            }
        }
        return result
    }

    /// The responsible worker: a social worker account whose street is the station's; the caller
    /// when omitted and the caller is one.
    static func responsible(_ id: UUID?, station: Station, caller: Caller, db: any Database, into v: inout Validator) async throws -> User? {
        let userID = id ?? caller.userID
        let assignments = try await RoleAssignment.query(on: db).filter(\.$user.$id == userID).filter(\.$role == .socialWorker).with(\.$unit).all()
        let posted = assignments.contains { $0.unit.map { OrgPath.contains($0.path, station.path) } ?? false }
        guard posted, let user = try await User.find(userID, on: db), user.active else {
            v.add("responsible_id", id == nil ? "请选择负责社工（本站驻站社工的账号）" : "负责社工应为本社工站驻站社工的账号")
            return nil
        }
        return user
    }
}
