import Domain
import Fluent
import Plot
import Vapor

/// User administration for city admins, in pages and the API.
struct UsersController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("users", use: listPage)
        routes.get("users", "new", use: newPage)
        routes.post("users", "new", use: createFromForm)
        routes.get("users", ":id", use: showPage)
        routes.post("users", ":id", use: updateFromForm)

        let api = routes.grouped("api", "v1", "users")
        api.get(use: apiList)
        api.post(use: apiCreate)
        api.get(":id", use: apiShow)
        api.patch(":id", use: apiUpdate)
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

    static func assignmentRows(of userIDs: [UUID], on db: any Database) async throws -> [UUID: [AssignmentDTO]] {
        guard !userIDs.isEmpty else { return [:] }
        let rows = try await RoleAssignment.query(on: db).filter(\.$user.$id ~~ userIDs).with(\.$unit).with(\.$operatorOrg).all()
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

    private func dto(_ user: User, on db: any Database) async throws -> UserDTO {
        let rows = try await Self.assignmentRows(of: [user.id!], on: db)
        return UserDTO(id: user.id!, username: user.username, displayName: user.displayName, active: user.active,
                       lockedUntil: user.lockedUntil.flatMap { $0 > Date() ? $0 : nil }, assignments: rows[user.id!] ?? [])
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
        guard caller.has(.cityAdmin) else { throw Abort(.forbidden, reason: "只有市民政局管理员可以管理用户") }
        return caller
    }

    // MARK: API

    func apiList(req: Request) async throws -> [UserDTO] {
        let caller = try requireUserAdmin(req)
        let users = try await Self.visibleUsers(caller, on: req.db)
        let rows = try await Self.assignmentRows(of: users.map { $0.id! }, on: req.db)
        return users.map { UserDTO(id: $0.id!, username: $0.username, displayName: $0.displayName, active: $0.active,
                                   lockedUntil: $0.lockedUntil.flatMap { $0 > Date() ? $0 : nil }, assignments: rows[$0.id!] ?? []) }
    }

    func apiShow(req: Request) async throws -> UserDTO {
        _ = try req.requireCaller()
        return try await dto(try await find(req, .read), on: req.db)
    }

    func apiCreate(req: Request) async throws -> Response {
        // No role pre-check: each assignment is authorised where it lies, so that one outside the
        // caller's scope answers 404 like every other unseen resource.
        _ = try req.requireCaller()
        let user = try await UserService.create(try req.content.decode(UserInput.self), req: req)
        return try await dto(user, on: req.db).encodeResponse(status: .created, for: req)
    }

    func apiUpdate(req: Request) async throws -> UserDTO {
        _ = try req.requireCaller()
        let user = try await find(req, .read)
        return try await dto(try await UserService.update(user, try req.content.decode(UserInput.self), req: req), on: req.db)
    }

    // MARK: pages

    func listPage(req: Request) async throws -> Response {
        let caller = try requireUserAdmin(req)
        let users = try await Self.visibleUsers(caller, on: req.db)
        let rows = try await Self.assignmentRows(of: users.map { $0.id! }, on: req.db)
        return UserPages.list(users: users, assignments: rows, caller: caller, csrf: req.csrfToken).response()
    }

    func newPage(req: Request) async throws -> Response {
        let caller = try requireUserAdmin(req)
        return UserPages.form(user: nil, units: try await scopeUnits(caller, req), operators: try await OperatorOrg.query(on: req.db).sort(\.$name).all(),
                              values: [:], errors: Validator(), caller: caller, csrf: req.csrfToken).response()
    }

    func createFromForm(req: Request) async throws -> Response {
        let caller = try requireUserAdmin(req)
        let form = try req.content.decode([String: String].self)
        do {
            let user = try await UserService.create(UserPages.input(from: form, isCreate: true), req: req)
            return req.redirect(to: "/users/\(user.id!)")
        } catch let error as AppError {
            let errors = Validator(error)
            return UserPages.form(user: nil, units: try await scopeUnits(caller, req), operators: try await OperatorOrg.query(on: req.db).sort(\.$name).all(),
                                  values: form, errors: errors, caller: caller, csrf: req.csrfToken).response(status: error.status)
        }
    }

    func showPage(req: Request) async throws -> Response {
        let caller = try requireUserAdmin(req)
        let user = try await find(req, .read)
        return UserPages.form(user: try await dto(user, on: req.db), units: try await scopeUnits(caller, req),
                              operators: try await OperatorOrg.query(on: req.db).sort(\.$name).all(),
                              values: ["display_name": user.displayName, "active": user.active ? "on" : ""], errors: Validator(), caller: caller, csrf: req.csrfToken).response()
    }

    func updateFromForm(req: Request) async throws -> Response {
        let caller = try requireUserAdmin(req)
        let user = try await find(req, .read)
        let form = try req.content.decode([String: String].self)
        var input = UserPages.input(from: form, isCreate: false)
        // The form adds one assignment at a time and removes by checkbox; the rest are kept.
        let current = try await Self.assignmentRows(of: [user.id!], on: req.db)[user.id!] ?? []
        var list = current.enumerated().filter { form["remove_\($0.offset)"] == nil }
            .map { UserInput.AssignmentInput(role: $0.element.role.rawValue, orgUnitId: $0.element.orgUnitId, operatorId: $0.element.operatorId) }
        list += input.assignments ?? []
        input.assignments = list
        do {
            _ = try await UserService.update(user, input, req: req)
            return req.redirect(to: "/users/\(user.id!)")
        } catch let error as AppError {
            let errors = Validator(error)
            return UserPages.form(user: try await dto(user, on: req.db), units: try await scopeUnits(caller, req),
                                  operators: try await OperatorOrg.query(on: req.db).sort(\.$name).all(),
                                  values: form, errors: errors, caller: caller, csrf: req.csrfToken).response(status: error.status)
        }
    }

    /// The units a new assignment may point at: the admin's subtree above village level.
    private func scopeUnits(_ caller: Caller, _ req: Request) async throws -> [OrgQueries.UnitRef] {
        try await OrgQueries.list(caller, level: nil, parentID: nil, on: req.db).filter { $0.level != .village }
    }
}

enum UserPages {
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

    static func list(users: [User], assignments: [UUID: [UsersController.AssignmentDTO]], caller: Caller, csrf: String) -> HTML {
        Layout.page(title: "用户管理", path: "/users", caller: caller, csrf: csrf,
            .div(.class("title-row"), .h1("用户管理"), .a(.class("button"), .href("/users/new"), .plain("新建用户"))),
            .table(.class("list"),
                .thead(.tr(.th("用户名"), .th("姓名"), .th("角色与管辖范围"), .th("状态"))),
                .tbody(.forEach(users) { u in
                    .tr(.td(.a(.href("/users/\(u.id!)"), .plain(u.username))),
                        .td(.plain(u.displayName)),
                        .td(.plain((assignments[u.id!] ?? []).map(describe).joined(separator: "；"))),
                        .td(.plain(!u.active ? "已停用" : (u.lockedUntil.map { $0 > Date() } == true ? "已锁定" : "正常"))))
                })))
    }

    static func describe(_ a: UsersController.AssignmentDTO) -> String {
        "\(a.roleLabel)（\(a.orgUnitName ?? a.operatorName ?? "—")）"
    }

    static func form(user: UsersController.UserDTO?, units: [OrgQueries.UnitRef], operators: [OperatorOrg], values: [String: String],
                     errors: Validator, caller: Caller, csrf: String) -> HTML {
        let title = user.map { "用户：\($0.username)" } ?? "新建用户"
        return Layout.page(title: title, path: "/users", caller: caller, csrf: csrf,
            .h1(.plain(title)),
            FormField.summary(errors.errors),
            .form(.method(.post), .action(user.map { "/users/\($0.id)" } ?? "/users/new"), .class("edit"),
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
                    FormField.select("role", label: "角色", options: (user == nil ? [] : [("", "不增加")]) + Role.allCases.map { ($0.rawValue, $0.label) },
                                     selected: values["role"], error: errors.errors.first { $0.field.hasSuffix(".role") }?.message),
                    FormField.select("scope", label: "管辖单位（承接机构负责人不用选）", options: units.map { ($0.id.uuidString, "\($0.name)（\($0.level.label)）") },
                                     selected: values["scope"], error: errors.errors.first { $0.field.hasSuffix(".org_unit_id") || $0.field == "assignments" }?.message),
                    FormField.select("operator", label: "承接机构（仅承接机构负责人）", options: [("", "—")] + operators.map { ($0.id!.uuidString, $0.name) },
                                     selected: values["operator"], error: errors.errors.first { $0.field.hasSuffix(".operator_id") }?.message)),
                .div(.class("actions"), .button(.type(.submit), .plain("保存")), .a(.href("/users"), .plain("返回列表")))))
    }
}
