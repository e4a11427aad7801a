import Domain
import Fluent
import Plot
import Vapor

/// User administration for city admins, in pages and the API.
struct UsersController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.users, use: listPage)
        routes.get(SiteURL.usersNew, use: newPage)
        routes.post(SiteURL.usersNew, use: createFromForm)
        routes.get(SiteURL.user(.key), use: showPage)
        routes.post(SiteURL.user(.key), use: updateFromForm)
        routes.post(SiteURL.userSignOut(.key), use: signOutFromForm)

        routes.get(ApiRoute.users, use: apiList)
        routes.post(ApiRoute.users, use: apiCreate)
        routes.get(ApiRoute.user(.key), use: apiShow)
        routes.patch(ApiRoute.user(.key), use: apiUpdate)
        routes.post(ApiRoute.userSignOut(.key), use: apiSignOut)
    }

    struct AssignmentDTO: Content {
        var role: Role
        var roleLabel: String
        var orgUnitId: UUID?
        var orgUnitName: String?
        var operatorId: UUID?
        var operatorName: String?
    }

    struct UserDTO: Content {
        var id: UUID
        var username: String
        var displayName: String
        var active: Bool
        var lockedUntil: Date?
        var assignments: [AssignmentDTO]
    }

    /// The assignments of users; with `visibleTo`, only those inside that caller's scope (an admin does
    /// not learn a user's roles in another city).
    static func assignmentRows(of userIDs: [UUID], visibleTo caller: Caller? = nil, on db: any Database) async throws -> [UUID: [AssignmentDTO]] {
        guard !userIDs.isEmpty else { return [:] }
        var rows = try await RoleAssignment.query(on: db).filter(\.$user.$id ~~ userIDs).with(\.$unit).with(\.$operatorOrg).all()
        if let caller {
            // Decided from the rows as loaded: one query for the operators' cities, not one per row.
            var units: [UUID: OrgUnit] = [:]
            for unit in rows.compactMap(\.unit) { if let id = unit.id { units[id] = unit } }
            let cityIDs = Set(rows.compactMap { $0.operatorOrg?.cityID })
            let cityPaths = cityIDs.isEmpty ? [:] : Dictionary(try await OrgUnit.query(on: db).filter(\.$id ~~ cityIDs).all()
                .compactMap { c in c.id.map { ($0, c.path) } }, uniquingKeysWith: { a, _ in a })
            var operators: [UUID: (OperatorOrg, String)] = [:]
            for op in rows.compactMap(\.operatorOrg) { if let id = op.id { operators[id] = (op, cityPaths[op.cityID] ?? "") } }
            rows = rows.filter { row in
                let resource = UserService.resource(assignments: [row], units: units, operators: operators)
                return Access.decide(caller.assignments, .create, resource, userID: caller.userID.uuidString) == .allowed
            }
        }
        return Dictionary(grouping: rows, by: { $0.$user.id }).mapValues { list in
            list.map { AssignmentDTO(role: $0.role, roleLabel: $0.role.label, orgUnitId: $0.$unit.id, orgUnitName: $0.unit?.name,
                                     operatorId: $0.$operatorOrg.id, operatorName: $0.operatorOrg?.name) }
        }
    }

    /// Users whose assignments fall inside the caller's user-readable scope.
    static func visibleUsers(_ caller: Caller, on db: any Database) async throws -> [User] {
        let all = try await RoleAssignment.query(on: db).all()
        var visible = Set<UUID>()
        for (userID, rows) in Dictionary(grouping: all, by: { $0.$user.id }) {
            let resource = try await UserService.resource(rows, on: db)
            if Access.decide(caller.assignments, .read, resource) == .allowed { visible.insert(userID) }
        }
        return visible.isEmpty ? [] : try await User.query(on: db).filter(\.$id ~~ visible).sort(\.$username).all()
    }

    private func dto(_ user: User, _ req: Request) async throws -> UserDTO {
        let id = try user.requireID()
        let rows = try await Self.assignmentRows(of: [id], visibleTo: try req.requireCaller(), on: req.db)
        return UserDTO(id: id, username: user.username, displayName: user.displayName, active: user.active,
                       lockedUntil: user.lockedUntil.flatMap { $0 > req.now ? $0 : nil }, assignments: rows[id] ?? [])
    }

    private func find(_ req: Request, _ action: Access.Action) async throws -> User {
        guard let id = req.parameters.get("id", as: UUID.self), let user = try await User.find(id, on: req.db) else {
            throw Abort(.notFound, reason: "未找到该用户，或不在您的管辖范围内")
        }
        try req.authorize(action, try await UserService.resource(of: id, on: req.db))
        return user
    }

    private func requireUserAdmin(_ req: Request) throws -> Caller {
        let caller = try req.requireCaller()
        guard caller.has(.cityAdmin) || caller.has(.platformAdmin) else { throw Abort(.forbidden, reason: "只有市民政局管理员可以管理用户") }
        return caller
    }

    // MARK: API

    func apiList(req: Request) async throws -> [UserDTO] {
        let caller = try requireUserAdmin(req)
        let users = try await Self.visibleUsers(caller, on: req.db)
        let rows = try await Self.assignmentRows(of: try users.map { try $0.requireID() }, visibleTo: caller, on: req.db)
        let now = req.now
        return try users.map { u in
            let id = try u.requireID()
            return UserDTO(id: id, username: u.username, displayName: u.displayName, active: u.active,
                           lockedUntil: u.lockedUntil.flatMap { $0 > now ? $0 : nil }, assignments: rows[id] ?? [])
        }
    }

    func apiShow(req: Request) async throws -> UserDTO {
        _ = try req.requireCaller()
        return try await dto(try await find(req, .read), req)
    }

    func apiCreate(req: Request) async throws -> Response {
        // No role pre-check: each assignment is authorised where it lies, so that one outside the
        // caller's scope answers 404 like every other unseen resource.
        _ = try req.requireCaller()
        let user = try await UserService.create(try req.content.decode(UserInput.self), req: req)
        return try await dto(user, req).encodeResponse(status: .created, for: req)
    }

    func apiUpdate(req: Request) async throws -> UserDTO {
        _ = try req.requireCaller()
        let user = try await find(req, .read)
        return try await dto(try await UserService.update(user, try req.content.decode(UserInput.self), req: req), req)
    }

    /// Ends every session and revokes every API token of a user (a lost phone, a leaver).
    func apiSignOut(req: Request) async throws -> HTTPStatus {
        _ = try req.requireCaller()
        try await Self.signOut(try await find(req, .update), req)
        return .noContent
    }

    func signOutFromForm(req: Request) async throws -> Response {
        _ = try requireUserAdmin(req)
        let user = try await find(req, .update)
        try await Self.signOut(user, req)
        return req.redirect(to: SiteURL.user(.value(try user.requireID())).relativeURL(["signed_out": "1"]))
    }

    private static func signOut(_ user: User, _ req: Request) async throws {
        let id = try user.requireID()
        let app = req.application
        try await req.audit.transaction { db, audit in
            try await SignOut.everywhere(id, keep: nil, app: app, on: db)
            audit.record(.signedOut, entityType: "user", entityID: id.uuidString, changes: [:])
        }
    }

    // MARK: pages

    func listPage(req: Request) async throws -> Response {
        let caller = try requireUserAdmin(req)
        let users = try await Self.visibleUsers(caller, on: req.db)
        let rows = try await Self.assignmentRows(of: try users.map { try $0.requireID() }, visibleTo: caller, on: req.db)
        return UserPages.list(users: users, assignments: rows, now: req.now, caller: caller, csrf: req.csrfToken).response()
    }

    func newPage(req: Request) async throws -> Response {
        let caller = try requireUserAdmin(req)
        return UserPages.form(user: nil, units: try await scopeUnits(caller, req), operators: try await OperatorService.visible(to: caller, on: req.db),
                              values: [:], errors: Validator(), caller: caller, csrf: req.csrfToken).response()
    }

    func createFromForm(req: Request) async throws -> Response {
        let caller = try requireUserAdmin(req)
        let form = try req.content.decode([String: String].self)
        do {
            let user = try await UserService.create(UserPages.input(from: form, isCreate: true), req: req)
            return req.redirect(to: SiteURL.user(.value(user.id!)).relativeURL())
        } catch let error as AppError {
            let errors = UserPages.formErrors(error)
            return UserPages.form(user: nil, units: try await scopeUnits(caller, req), operators: try await OperatorService.visible(to: caller, on: req.db),
                                  values: form, errors: errors, caller: caller, csrf: req.csrfToken).response(status: error.status)
        }
    }

    func showPage(req: Request) async throws -> Response {
        let caller = try requireUserAdmin(req)
        let user = try await find(req, .read)
        return UserPages.form(user: try await dto(user, req), units: try await scopeUnits(caller, req),
                              operators: try await OperatorService.visible(to: caller, on: req.db),
                              values: ["display_name": user.displayName, "active": user.active ? "on" : ""], errors: Validator(), caller: caller, csrf: req.csrfToken,
                              notice: req.query[String.self, at: "signed_out"] == nil ? nil : "已强制下线：该用户需重新登录，其 API 令牌已作废。").response()
    }

    func updateFromForm(req: Request) async throws -> Response {
        let caller = try requireUserAdmin(req)
        let user = try await find(req, .read)
        let form = try req.content.decode([String: String].self)
        var input = UserPages.input(from: form, isCreate: false)
        // The form adds one assignment at a time and removes by checkbox; the rest are kept.
        // Only the assignments inside the caller's scope are shown and resubmitted; others are kept by the service.
        let current = try await Self.assignmentRows(of: [try user.requireID()], visibleTo: caller, on: req.db)[try user.requireID()] ?? []
        var list = current.enumerated().filter { form["remove_\($0.offset)"] == nil }
            .map { UserInput.AssignmentInput(role: $0.element.role.rawValue, orgUnitId: $0.element.orgUnitId, operatorId: $0.element.operatorId) }
        list += input.assignments ?? []
        input.assignments = list
        do {
            _ = try await UserService.update(user, input, req: req)
            return req.redirect(to: SiteURL.user(.value(user.id!)).relativeURL())
        } catch let error as AppError {
            let errors = UserPages.formErrors(error)
            return UserPages.form(user: try await dto(user, req), units: try await scopeUnits(caller, req),
                                  operators: try await OperatorService.visible(to: caller, on: req.db),
                                  values: form, errors: errors, caller: caller, csrf: req.csrfToken).response(status: error.status)
        }
    }

    /// The units a new assignment may point at: the admin's subtree above village level.
    private func scopeUnits(_ caller: Caller, _ req: Request) async throws -> [OrgQueries.UnitRef] {
        try await OrgQueries.list(caller, level: nil, parentID: nil, on: req.db).filter { $0.level != .village }
    }
}

enum UserPages {
    /// The service names assignment errors as the API does (`assignments[0].role`); the form has one
    /// role, one scope and one operator field to show them beside.
    static func formErrors(_ error: AppError) -> Validator {
        var v = Validator()
        for e in error.fieldErrors {
            let field = e.field.hasSuffix(".role") ? "role"
                : (e.field.hasSuffix(".org_unit_id") || e.field == "assignments") ? "scope"
                : e.field.hasSuffix(".operator_id") ? "operator" : e.field
            v.add(field, e.message)
        }
        return v
    }

    static func input(from form: [String: String], isCreate: Bool) -> UserInput {
        var input = UserInput()
        if isCreate {
            input.username = form["username"] ?? ""
            input.password = form["password"] ?? ""
        } else if let password = form["password"], !password.isEmpty {
            input.password = password
        }
        input.displayName = form["display_name"] ?? ""
        input.active = form["active"] != nil
        if let role = form["role"], !role.isEmpty {
            let scope = form["scope"] ?? ""
            let isOperator = Role(rawValue: role)?.isOperatorScoped == true
            input.assignments = [UserInput.AssignmentInput(role: role, orgUnitId: isOperator ? nil : UUID(uuidString: scope),
                                                           operatorId: isOperator ? UUID(uuidString: form["operator"] ?? "") : nil)]
        } else {
            input.assignments = isCreate ? [] : nil
        }
        return input
    }

    static func list(users: [User], assignments: [UUID: [UsersController.AssignmentDTO]], now: Date, caller: Caller, csrf: String) -> HTML {
        Layout.page(title: "用户管理", path: SiteURL.users.relativeURL(), caller: caller, csrf: csrf,
            .div(.class("title-row"), .h1("用户管理"), .a(.class("button"), .href(SiteURL.usersNew.relativeURL()), .plain("新建用户"))),
            .table(.class("list"),
                .thead(.tr(.th("用户名"), .th("姓名"), .th("角色与管辖范围"), .th("状态"))),
                .tbody(.forEach(users) { u in
                    .tr(.td(.a(.href(SiteURL.user(.value(u.id!)).relativeURL()), .plain(u.username))),
                        .td(.plain(u.displayName)),
                        .td(.plain((assignments[u.id!] ?? []).map(describe).joined(separator: "；"))),
                        .td(.plain(!u.active ? "已停用" : (u.lockedUntil.map { $0 > now } == true ? "已锁定" : "正常"))))
                })))
    }

    static func describe(_ a: UsersController.AssignmentDTO) -> String {
        "\(a.roleLabel)（\(a.orgUnitName ?? a.operatorName ?? "—")）"
    }

    static func form(user: UsersController.UserDTO?, units: [OrgQueries.UnitRef], operators: [OperatorOrg], values: [String: String],
                     errors: Validator, caller: Caller, csrf: String, notice: String? = nil) -> HTML {
        let title = user.map { "用户：\($0.username)" } ?? "新建用户"
        return Layout.page(title: title, path: SiteURL.users.relativeURL(), caller: caller, csrf: csrf,
            .h1(.plain(title)),
            .unwrap(notice) { .p(.class("notice"), .plain($0)) },
            FormField.summary(errors.errors),
            .form(.method(.post), .action(user.map { SiteURL.user(.value($0.id)).relativeURL() } ?? SiteURL.usersNew.relativeURL()), .class("edit"),
                FormField.csrf(csrf),
                .if(user == nil, FormField.text("username", label: "用户名", value: values["username"], error: errors.message(for: "username"), required: true)),
                FormField.text("display_name", label: "姓名", value: values["display_name"], error: errors.message(for: "display_name"), required: true),
                FormField.text("password", label: user == nil ? "初始密码" : "重设密码（不改请留空）", value: nil,
                               error: errors.message(for: "password"), type: .password, required: user == nil),
                FormField.checkbox("active", label: "启用", checked: user == nil || values["active"] == "on"),
                .unwrap(user) { u in
                    .fieldset(.element(named: "legend", text: "现有角色"),
                        .forEach(Array(u.assignments.enumerated())) { i, a in
                            FormField.checkbox("remove_\(i)", label: "移除 " + describe(a), checked: false)
                        })
                },
                .fieldset(.element(named: "legend", text: user == nil ? "角色与管辖范围" : "增加角色"),
                    FormField.select("role", label: "角色", options: (user == nil ? [] : [("", "不增加")]) + Role.allCases.filter { !$0.isPlatformScoped || caller.has(.platformAdmin) }.map { ($0.rawValue, $0.label) },
                                     selected: values["role"], error: errors.message(for: "role")),
                    FormField.groupedSelect("scope", label: "管辖单位（承接机构负责人不用选）", groups: OrgQueries.groupedByDistrict(units),
                                     selected: values["scope"], error: errors.message(for: "scope")),
                    FormField.select("operator", label: "承接机构（仅承接机构负责人）", options: [("", "—")] + operators.map { ($0.id!.uuidString, $0.name) },
                                     selected: values["operator"], error: errors.message(for: "operator"))),
                .div(.class("actions"), .button(.type(.submit), .plain("保存")), .a(.href(SiteURL.users.relativeURL()), .plain("返回列表")))),
            .unwrap(user) { u in
                .form(.method(.post), .action(SiteURL.userSignOut(.value(u.id)).relativeURL()), .class("inline"),
                      FormField.csrf(csrf),
                      .p(.plain("结束该用户在所有浏览器上的登录，并作废其全部 API 令牌（如手机丢失、人员离职）。")),
                      .button(.type(.submit), .plain("强制下线")))
            })
    }
}
