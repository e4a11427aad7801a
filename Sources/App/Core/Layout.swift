import Domain
import Plot
import Vapor

/// The page frame shared by every screen: header, navigation for the caller's roles, content.
enum Layout {
    /// - Parameter refreshSeconds: reloads the page on its own (a running import's progress), without script.
    static func page(title: String, path: String, caller: Caller?, csrf: String? = nil, refreshSeconds: Int? = nil,
                     _ content: Node<HTML.BodyContext>...) -> HTML {
        HTML(
            .attribute(named: "lang", value: "zh-Hans"),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .unwrap(refreshSeconds) { .meta(.attribute(named: "http-equiv", value: "refresh"), .content(String($0))) },
                .raw("<title>" + HTMLEscape.escape(title + " · 社工站综合管理平台") + "</title>"),
                .link(.rel(.stylesheet), .href(SiteURL.stylesheet.relativeURL()))
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
                                     .form(.method(.post), .action(SiteURL.logout.relativeURL()),
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

    /// The line under the header of a page read from a standby that is behind (`ReadRoutingMiddleware`).
    static func dataAgeNotice(seconds: TimeInterval) -> String {
        let age = seconds < 90 ? "\(Int(seconds.rounded())) 秒" : "\(Int((seconds / 60).rounded())) 分钟"
        return Node<HTML.BodyContext>.p(.class("data-age"), .plain("本页数据约为 \(age)前的状态，最近的变动可能尚未显示。")).render()
    }

    static func links(for caller: Caller) -> [Link] {
        // 服务对象 only for a role that reads recipients (not a supervisor until cases exist).
        let recipients = Access.readScope(caller.assignments, .recipient).isEmpty ? [] : [Link(href: SiteURL.recipients.relativeURL(), label: "服务对象"),
                                                                                          Link(href: SiteURL.volunteers.relativeURL(), label: "志愿者")]
        // 个案 for a role that reads casework (a supervisor reads the cases of their stations).
        let cases = Access.readScope(caller.assignments, .casework).isEmpty && !caller.has(.supervisor) ? [] : [Link(href: SiteURL.cases.relativeURL(), label: "个案")]
        // 小组 for a role that reads the service ledger.
        let groups = Access.readScope(caller.assignments, .service).isEmpty ? [] : [Link(href: SiteURL.groups.relativeURL(), label: "小组"),
                                                                                    Link(href: SiteURL.events.relativeURL(), label: "社区活动"),
                                                                                    Link(href: SiteURL.charityResources.relativeURL(), label: "慈善资源"),
                                                                                    Link(href: SiteURL.dashboard.relativeURL(), label: "服务统计")]
        var links = [Link(href: SiteURL.home.relativeURL(), label: "首页"), Link(href: SiteURL.org.relativeURL(), label: "组织架构"),
                     Link(href: SiteURL.stations.relativeURL(), label: "社工站")] + recipients + cases + groups + [
                     Link(href: SiteURL.compliance.relativeURL(), label: "合规总览"),
                     Link(href: SiteURL.policyLibrary.relativeURL(), label: "政策资源库"),
                     Link(href: SiteURL.policy.relativeURL(), label: "政策配置"), Link(href: SiteURL.calendar.relativeURL(), label: "工作日历")]
        if caller.has(.platformAdmin) && !caller.has(.cityAdmin) {
            links = [Link(href: SiteURL.home.relativeURL(), label: "首页"), Link(href: SiteURL.platformCities.relativeURL(), label: "城市开通"), Link(href: SiteURL.calendar.relativeURL(), label: "工作日历"),
                     Link(href: SiteURL.users.relativeURL(), label: "用户管理")]
        }
        if caller.has(.cityAdmin) {
            links += [Link(href: SiteURL.operators.relativeURL(), label: "承接机构"), Link(href: SiteURL.users.relativeURL(), label: "用户管理"),
                      Link(href: SiteURL.audit.relativeURL(), label: "审计日志")]
            // Also the deployment's administrator: onboarding stays one click away.
            if caller.has(.platformAdmin) { links.append(Link(href: SiteURL.platformCities.relativeURL(), label: "城市开通")) }
        }
        links.append(Link(href: SiteURL.accountPassword.relativeURL(), label: "修改密码"))
        return links
    }

    static func isCurrent(_ href: String, _ path: String) -> Bool {
        // By whole segments: /policy is not current on /policy-library.
        href == "/" ? path == "/" : path == href || path.hasPrefix(href + "/") || path.hasPrefix(href + "?")
    }
}

extension HTML {
    func response(status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.add(name: .cacheControl, value: "no-store")
        return Response(status: status, headers: headers, body: .init(string: FormField.focusFirstError(render())))
    }
}

/// Form building blocks: a labelled field with its error beside it.
///
/// How a refused form brings the user to its first mistake, without script (the CSP forbids it):
/// a field with an error is marked `aria-invalid="true"` and names its message (`aria-describedby`);
/// `summary` lists every error at the top of the form, each a link to its field (`#name`); and
/// `HTML.response` puts `autofocus` on the first marked field of the page, so the browser focuses
/// it and scrolls it into view. Every form uses these helpers, so every form behaves the same.
enum FormField {
    static let invalidMarker = #"aria-invalid="true""#

    /// `aria-invalid="true"` on an input with an error (nothing without one).
    static func invalidMark(_ error: String?) -> Attribute<HTML.InputContext> {
        .attribute(named: "aria-invalid", value: error == nil ? nil : "true")
    }

    /// `aria-describedby` naming the error message under an input.
    static func describedBy(_ name: String, _ error: String?) -> Attribute<HTML.InputContext> {
        .attribute(named: "aria-describedby", value: error == nil ? nil : name + "-error")
    }

    static func errorText<Context: HTML.BodyContext>(_ name: String, _ error: String?) -> Node<Context> {
        .unwrap(error) { .p(.class("error"), .id(name + "-error"), .plain($0)) }
    }

    static func text(_ name: String, label: String, value: String?, error: String?, type: HTMLInputType = .text,
                     required: Bool = false, hint: String? = nil) -> Node<HTML.FormContext> {
        .div(
            .class(error == nil ? "field" : "field invalid"),
            .label(.for(name), .plain(label)),
            // A password typed into a refused form is never sent back.
            .input(.id(name), .name(name), .type(type), .value(type == .password || type == .file ? "" : HTMLEscape.escape(value ?? "")),
                   .required(required), invalidMark(error), describedBy(name, error)),
            .unwrap(hint) { .small(.class("hint"), .plain($0)) },
            errorText(name, error)
        )
    }

    static func select(_ name: String, label: String, options: [(value: String, label: String)], selected: String?, error: String?) -> Node<HTML.FormContext> {
        .div(
            .class(error == nil ? "field" : "field invalid"),
            .label(.for(name), .plain(label)),
            .select(.id(name), .attribute(named: "name", value: name),
                    .if(error != nil, .group(.attribute(named: "aria-invalid", value: "true"), .attribute(named: "aria-describedby", value: name + "-error"))),
                    .forEach(options) { option in
                .element(named: "option", nodes: [
                    .attribute(named: "value", value: HTMLEscape.escape(option.value), ignoreIfValueIsEmpty: false),
                    .if(option.value == selected, .attribute(named: "selected", value: "selected")),
                    .plain(option.label),
                ])
            }),
            errorText(name, error)
        )
    }

    static func textarea(_ name: String, label: String, value: String?, error: String?) -> Node<HTML.FormContext> {
        .div(
            .class(error == nil ? "field" : "field invalid"),
            .label(.for(name), .plain(label)),
            .element(named: "textarea", nodes: [.id(name), .attribute(named: "name", value: name), .attribute(named: "rows", value: "6"),
                                                .if(error != nil, .group(.attribute(named: "aria-invalid", value: "true"),
                                                                         .attribute(named: "aria-describedby", value: name + "-error"))),
                                                .plain(value ?? "")]),
            errorText(name, error)
        )
    }

    static func checkbox(_ name: String, label: String, checked: Bool, value: String = "on", invalid error: String? = nil, id: String? = nil) -> Node<HTML.FormContext> {
        .label(.class("check"), .input(.type(.checkbox), .attribute(named: "id", value: id), .name(name), .value(value), .checked(checked),
                                       invalidMark(error), describedBy(id ?? name, error)), .plain(label))
    }

    /// A group of checkboxes with one error (e.g. "choose at least one"): the first box carries the
    /// anchor `id` and the invalid mark, the message sits under the group.
    static func checkboxGroup(_ id: String, legend: String, boxes: [(name: String, label: String, checked: Bool)], error: String?) -> Node<HTML.FormContext> {
        .fieldset(.class(error == nil ? "" : "invalid"), .element(named: "legend", text: legend),
                  .forEach(Array(boxes.enumerated())) { i, box in
                      checkbox(box.name, label: box.label, checked: box.checked, invalid: i == 0 ? error : nil, id: i == 0 ? id : nil)
                  },
                  .if(boxes.isEmpty && error != nil, .input(.type(.hidden), .id(id), invalidMark(error))),
                  .unwrap(error) { .p(.class("error"), .id(id + "-error"), .plain($0)) })
    }

    static func csrf(_ token: String) -> Node<HTML.FormContext> {
        .input(.type(.hidden), .name("_csrf"), .value(HTMLEscape.escape(token)))
    }

    /// Every error of a refused form at its top, each linking to its field.
    static func summary<Context: HTML.BodyContext>(_ errors: [FieldError]) -> Node<Context> {
        .if(!errors.isEmpty, .div(.class("alert"), .attribute(named: "role", value: "alert"),
            .p(.plain("请更正以下 \(errors.count) 处问题后再提交：")),
            .ul(.forEach(errors) { e in .li(.a(.href("#" + anchor(e.field)), .plain(e.message))) })))
    }

    /// The id of a field's input: the form's field names are the API's, so they match.
    static func anchor(_ field: String) -> String {
        field.replacingOccurrences(of: #"[^A-Za-z0-9_-]"#, with: "_", options: .regularExpression)
    }

    /// `autofocus` on the first field marked invalid, and on no other: the browser focuses it and
    /// scrolls it into view when the refused form comes back. The summaries list their errors in
    /// the order of the fields on the page (the checks that found them ran in another order).
    static func focusFirstError(_ html: String) -> String {
        // Found by a plain scan of the bytes: every page passes here, and both `String.range(of:)`
        // (through NSString on Linux) and a generic search of the UTF-8 view cost a fifth of a
        // recipient list page.
        var page = html
        let marker = Array(invalidMarker.utf8)
        let offset = page.withUTF8 { bytes -> Int? in
            guard bytes.count >= marker.count else { return nil }
            for i in 0...(bytes.count - marker.count) where bytes[i] == marker[0] {
                if marker.indices.allSatisfy({ bytes[i + $0] == marker[$0] }) { return i }
            }
            return nil
        }
        guard let offset else { return html }
        let start = html.utf8.index(html.startIndex, offsetBy: offset)
        let range = start..<html.utf8.index(start, offsetBy: invalidMarker.utf8.count)
        return orderSummaries(html.replacingCharacters(in: range, with: invalidMarker + " autofocus"))
    }

    static let summaryList = #"<div class="alert" role="alert"><p>"#

    private static func orderSummaries(_ html: String) -> String {
        var out = html
        var searchFrom = out.startIndex
        while let alert = out.range(of: summaryList, range: searchFrom..<out.endIndex),
              let open = out.range(of: "<ul>", range: alert.upperBound..<out.endIndex),
              let close = out.range(of: "</ul>", range: open.upperBound..<out.endIndex) {
            let items = out[open.upperBound..<close.lowerBound].components(separatedBy: "</li>").filter { !$0.isEmpty }
            func position(_ item: String) -> Int {
                guard let href = item.range(of: ##"href="#[^"]*""##, options: .regularExpression) else { return Int.max }
                let id = item[href].dropFirst(7).dropLast()
                return out.range(of: #"id="\#(id)""#).map { out.distance(from: out.startIndex, to: $0.lowerBound) } ?? Int.max
            }
            let sorted = items.enumerated().sorted { (position($0.element), $0.offset) < (position($1.element), $1.offset) }.map { $0.element + "</li>" }
            out.replaceSubrange(open.upperBound..<close.lowerBound, with: sorted.joined())
            searchFrom = out.range(of: "</ul>", range: open.upperBound..<out.endIndex)?.upperBound ?? out.endIndex
        }
        return out
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
        .if(pages > 1 || page > pages, .nav(.class("paging"),
            .if(page > pages, .a(.href(link(pages)), .plain("最后一页"))),
            .if(page > 1 && page <= pages, .a(.href(link(page - 1)), .plain("上一页"))),
            .span(.plain(page > pages ? "没有第 \(page) 页（共 \(pages) 页，\(total) 条）" : "第 \(page) / \(pages) 页，共 \(total) 条")),
            .if(page < pages, .a(.href(link(page + 1)), .plain("下一页")))))
    }
}
