import Domain
import Fluent
import Plot
import Vapor

/// Login, logout, own password, API tokens and `/api/v1/me`.
struct AccountController: RouteCollection {
    static let tokenLifetime: TimeInterval = 12 * 3600
    static let minPasswordLength = 8
    /// bcrypt reads at most 72 bytes; a longer password would silently lose its tail.
    static let maxPasswordLength = 72

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.login, use: loginPage)
        routes.post(SiteURL.login, use: login)
        routes.post(SiteURL.logout, use: logout)
        routes.get(SiteURL.accountPassword, use: passwordPage)
        routes.post(SiteURL.accountPassword, use: changePassword)
        routes.post(ApiRoute.authToken, use: issueToken)
        routes.delete(ApiRoute.authToken, use: revokeToken)
        routes.get(ApiRoute.me, use: me)
    }

    func loginPage(req: Request) async throws -> Response {
        if req.caller != nil { return req.redirect(to: SiteURL.home.relativeURL()) }
        return LoginPage.view(username: "", error: nil, next: LocalRedirect.path(req.query["next"]), csrf: req.csrfToken).response()
    }

    struct LoginForm: Content {
        var username: String?
        var password: String?
        var next: String?
    }

    func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let username = (form.username ?? "").trimmingCharacters(in: .whitespaces), password = form.password ?? ""
        // An empty field is named beside it; only a real attempt counts against the account.
        var v = Validator()
        if username.isEmpty { v.add("username", "请输入用户名") }
        if password.isEmpty { v.add("password", "请输入密码") }
        if !v.errors.isEmpty {
            return LoginPage.view(username: username, error: nil, errors: v, next: LocalRedirect.path(form.next), csrf: req.csrfToken)
                .response(status: .unprocessableEntity)
        }
        switch try await Login.attempt(username: form.username ?? "", password: password, on: req) {
        case .success(let user):
            try await req.startSession(for: try user.requireID())
            try await req.application.writeLock.run { try await req.application.sessionStore.purgeExpired(on: req.db) }
            return req.redirect(to: LocalRedirect.path(form.next))
        case .refused:
            return LoginPage.view(username: username, error: Login.refusal, next: LocalRedirect.path(form.next), csrf: req.csrfToken)
                .response(status: .unauthorized)
        }
    }

    func logout(req: Request) async throws -> Response {
        req.session.destroy()
        return req.redirect(to: SiteURL.login.relativeURL())
    }

    func passwordPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        return PasswordPage.view(caller: caller, csrf: req.csrfToken, errors: Validator(), done: false).response()
    }

    func changePassword(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        let form = try req.content.decode([String: String].self)
        guard let user = try await User.find(caller.userID, on: req.db) else { throw Abort(.unauthorized) }
        var v = Validator()
        let current = form["current"] ?? "", new = form["new"] ?? "", repeated = form["repeat"] ?? ""
        if !(try await req.password.async.verify(current, created: user.passwordHash)) { v.add("current", "当前密码不正确") }
        if new.count < Self.minPasswordLength { v.add("new", "新密码至少 \(Self.minPasswordLength) 位") }
        else if new.utf8.count > Self.maxPasswordLength { v.add("new", "新密码不能超过 \(Self.maxPasswordLength) 个字节") }
        if new != repeated { v.add("repeat", "两次输入的新密码不一致") }
        if !v.errors.isEmpty {
            return PasswordPage.view(caller: caller, csrf: req.csrfToken, errors: v, done: false).response(status: .unprocessableEntity)
        }
        user.passwordHash = try await req.password.async.hash(new)
        let app = req.application, keep = req.session.id
        try await req.audit.transaction { db, audit in
            try await user.save(on: db)
            // Whoever else knew the old password is signed out: other sessions end, every token is revoked.
            try await SignOut.everywhere(try user.requireID(), keep: keep, app: app, on: db)
            audit.record(.passwordChanged, entityType: "user", entityID: user.id?.uuidString, changes: ["other_sessions": [nil, "ended"]])
        }
        return PasswordPage.view(caller: caller, csrf: req.csrfToken, errors: Validator(), done: true).response()
    }

    struct TokenRequest: Content {
        var username: String
        var password: String
    }

    struct TokenResponse: Content {
        var token: String
        var tokenType = "Bearer"
        var expiresAt: Date
    }

    func issueToken(req: Request) async throws -> Response {
        let body = try req.content.decode(TokenRequest.self)
        switch try await Login.attempt(username: body.username, password: body.password, on: req) {
        case .success(let user):
            let token = TokenHash.newToken()
            let expires = req.now.addingTimeInterval(Self.tokenLifetime)
            try await req.audit.transaction { db, audit in
                try await APIToken(userID: user.id!, tokenHash: TokenHash.of(token), expiresAt: expires).create(on: db)
                audit.record(.tokenIssued, entityType: "user", entityID: user.id?.uuidString, changes: ["expires_at": [nil, ISO8601DateFormatter().string(from: expires)]],
                             actor: user.id, actorName: user.username)
            }
            return try await TokenResponse(token: token, expiresAt: expires).encodeResponse(status: .created, for: req)
        case .refused:
            throw Abort(.unauthorized, reason: Login.refusal)
        }
    }

    /// Signs an API client out: the bearer token of this request stops working at once.
    func revokeToken(req: Request) async throws -> HTTPStatus {
        let caller = try req.requireCaller()
        guard let bearer = req.headers.bearerAuthorization else { throw Abort(.unauthorized, reason: "请提供要注销的访问令牌") }
        let hash = TokenHash.of(bearer.token)
        try await req.audit.transaction { db, audit in
            try await APIToken.query(on: db).filter(\.$tokenHash == hash).filter(\.$user.$id == caller.userID).delete()
            audit.record(.tokenRevoked, entityType: "user", entityID: caller.userID.uuidString, changes: [:])
        }
        req.application.callers.forgetToken(hash: hash)
        return .noContent
    }

    struct MeDTO: Content {
        var id: UUID
        var username: String
        var displayName: String
        var assignments: [UsersController.AssignmentDTO]
    }

    func me(req: Request) async throws -> MeDTO {
        let caller = try req.requireCaller()
        let rows = try await UsersController.assignmentRows(of: [caller.userID], on: req.db)
        return MeDTO(id: caller.userID, username: caller.username, displayName: caller.displayName, assignments: rows[caller.userID] ?? [])
    }
}

enum LoginPage {
    static func view(username: String, error: String?, errors: Validator = Validator(), next: String?, csrf: String) -> HTML {
        Layout.page(title: "登录", path: SiteURL.login.relativeURL(), caller: nil,
            .section(.class("login"),
                .h1("登录"),
                .p(.class("lead"), .plain("社工站综合管理平台：街道（乡镇）社工站、承接机构、街道办事处、区县和市民政局、第三方评估机构共用的工作平台。")),
                .unwrap(error) { .div(.class("alert"), .attribute(named: "role", value: "alert"), .plain($0)) },
                FormField.summary(errors.errors),
                .form(.method(.post), .action(SiteURL.login.relativeURL()),
                      FormField.csrf(csrf),
                      .input(.type(.hidden), .name("next"), .value(HTMLEscape.escape(next ?? "/"))),
                      FormField.text("username", label: "用户名", value: username, error: errors.message(for: "username"), required: true),
                      FormField.text("password", label: "密码", value: nil, error: errors.message(for: "password"), type: .password, required: true),
                      .button(.type(.submit), .plain("登录")))))
    }
}

enum PasswordPage {
    static func view(caller: Caller, csrf: String, errors: Validator, done: Bool) -> HTML {
        Layout.page(title: "修改密码", path: SiteURL.accountPassword.relativeURL(), caller: caller, csrf: csrf,
            .h1("修改密码"),
            .if(done, .p(.class("notice"), .plain("密码已修改。"))),
            FormField.summary(errors.errors),
            .form(.method(.post), .action(SiteURL.accountPassword.relativeURL()), .class("edit"),
                  FormField.csrf(csrf),
                  FormField.text("current", label: "当前密码", value: nil, error: errors.message(for: "current"), type: .password, required: true),
                  FormField.text("new", label: "新密码", value: nil, error: errors.message(for: "new"), type: .password, required: true,
                                 hint: "至少 \(AccountController.minPasswordLength) 位"),
                  FormField.text("repeat", label: "再次输入新密码", value: nil, error: errors.message(for: "repeat"), type: .password, required: true),
                  .button(.type(.submit), .plain("保存"))))
    }
}
