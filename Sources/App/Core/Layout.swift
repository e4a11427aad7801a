import Domain
import Plot
import Vapor

/// The page frame shared by every screen: header, navigation for the caller's roles, content.
enum Layout {
    static func page(title: String, path: String, caller: Caller?, csrf: String? = nil, _ content: Node<HTML.BodyContext>...) -> HTML {
        HTML(
            .attribute(named: "lang", value: "zh-Hans"),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .raw("<title>" + HTMLEscape.escape(title + " · 社工站综合管理平台") + "</title>"),
                .link(.rel(.stylesheet), .href("/styles.css"))
            ),
            .body(
                .header(
                    .class("site"),
                    .a(.class("brand"), .href("/"), .plain("社工站综合管理平台")),
                    .unwrap(caller) { caller in
                        // A checkbox opens the menu on a phone, so navigation needs no script.
                        .group(
                            .input(.type(.checkbox), .id("menu-toggle"), .class("menu-toggle")),
                            .label(.for("menu-toggle"), .class("menu-button"), .plain("菜单")),
                            .div(
                                .class("menu"),
                                .nav(.ul(.forEach(links(for: caller)) { link in
                                    .li(.a(.href(link.href), .class(isCurrent(link.href, path) ? "current" : ""), .plain(link.label)))
                                })),
                                .div(.class("who"),
                                     .span(.plain(caller.displayName)),
                                     .form(.method(.post), .action("/logout"),
                                           .input(.type(.hidden), .name("_csrf"), .value(HTMLEscape.escape(csrf ?? ""))),
                                           .button(.type(.submit), .plain("退出"))))
                            )
                        )
                    }
                ),
                .main(.group(content))
            )
        )
    }

    struct Link { let href: String; let label: String }

    static func links(for caller: Caller) -> [Link] {
        var links = [Link(href: "/", label: "首页"), Link(href: "/org", label: "组织架构"), Link(href: "/stations", label: "社工站"),
                     Link(href: "/compliance", label: "合规总览"), Link(href: "/policy", label: "政策配置"), Link(href: "/calendar", label: "工作日历")]
        if caller.has(.platformAdmin) && !caller.has(.cityAdmin) {
            links = [Link(href: "/", label: "首页"), Link(href: "/platform/cities", label: "城市开通"), Link(href: "/calendar", label: "工作日历"),
                     Link(href: "/users", label: "用户管理")]
        }
        if caller.has(.cityAdmin) {
            links += [Link(href: "/operators", label: "承接机构"), Link(href: "/users", label: "用户管理"), Link(href: "/audit", label: "审计日志")]
            // Also the deployment's administrator: onboarding stays one click away.
            if caller.has(.platformAdmin) { links.append(Link(href: "/platform/cities", label: "城市开通")) }
        }
        links.append(Link(href: "/account/password", label: "修改密码"))
        return links
    }

    static func isCurrent(_ href: String, _ path: String) -> Bool {
        href == "/" ? path == "/" : path.hasPrefix(href)
    }
}

extension HTML {
    func response(status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.add(name: .cacheControl, value: "no-store")
        return Response(status: status, headers: headers, body: .init(string: render()))
    }
}

/// Form building blocks: a labelled field with its error beside it.
enum FormField {
    static func text(_ name: String, label: String, value: String?, error: String?, type: HTMLInputType = .text,
                     required: Bool = false, hint: String? = nil) -> Node<HTML.FormContext> {
        .div(
            .class(error == nil ? "field" : "field invalid"),
            .label(.for(name), .plain(label)),
            .input(.id(name), .name(name), .type(type), .value(HTMLEscape.escape(value ?? "")), .required(required)),
            .unwrap(hint) { .small(.class("hint"), .plain($0)) },
            .unwrap(error) { .p(.class("error"), .plain($0)) }
        )
    }

    static func select(_ name: String, label: String, options: [(value: String, label: String)], selected: String?, error: String?) -> Node<HTML.FormContext> {
        .div(
            .class(error == nil ? "field" : "field invalid"),
            .label(.for(name), .plain(label)),
            .select(.id(name), .attribute(named: "name", value: name), .forEach(options) { option in
                .element(named: "option", nodes: [
                    .attribute(named: "value", value: HTMLEscape.escape(option.value), ignoreIfValueIsEmpty: false),
                    .if(option.value == selected, .attribute(named: "selected", value: "selected")),
                    .plain(option.label),
                ])
            }),
            .unwrap(error) { .p(.class("error"), .plain($0)) }
        )
    }

    static func textarea(_ name: String, label: String, value: String?, error: String?) -> Node<HTML.FormContext> {
        .div(
            .class(error == nil ? "field" : "field invalid"),
            .label(.for(name), .plain(label)),
            .element(named: "textarea", nodes: [.id(name), .attribute(named: "name", value: name), .attribute(named: "rows", value: "6"), .plain(value ?? "")]),
            .unwrap(error) { .p(.class("error"), .plain($0)) }
        )
    }

    static func checkbox(_ name: String, label: String, checked: Bool, value: String = "on") -> Node<HTML.FormContext> {
        .label(.class("check"), .input(.type(.checkbox), .name(name), .value(value), .checked(checked)), .plain(label))
    }

    static func csrf(_ token: String) -> Node<HTML.FormContext> {
        .input(.type(.hidden), .name("_csrf"), .value(HTMLEscape.escape(token)))
    }

    static func summary<Context: HTML.BodyContext>(_ errors: [FieldError]) -> Node<Context> {
        .if(!errors.isEmpty, .div(.class("alert"), .attribute(named: "role", value: "alert"),
            .p(.plain("请更正以下问题后再提交：")),
            .ul(.forEach(errors) { .li(.plain($0.message)) })))
    }
}

/// Page numbers for long lists.
struct Paging: Sendable {
    let page: Int
    let per: Int
    let total: Int
    var pages: Int { max(1, (total + per - 1) / per) }
    var offset: Int { (page - 1) * per }

    init(page: Int?, per: Int?, total: Int, defaultPer: Int = 20) {
        self.per = min(max(per ?? defaultPer, 1), 200)
        self.total = total
        // Capped so that the offset cannot overflow (a trap would end the process): a page past the
        // last simply comes back empty.
        self.page = min(max(page ?? 1, 1), 1_000_000)
    }

    func nav(link: (Int) -> String) -> Node<HTML.BodyContext> {
        .if(pages > 1, .nav(.class("paging"),
            .if(page > 1, .a(.href(link(page - 1)), .plain("上一页"))),
            .span(.plain("第 \(page) / \(pages) 页，共 \(total) 条")),
            .if(page < pages, .a(.href(link(page + 1)), .plain("下一页")))))
    }
}
