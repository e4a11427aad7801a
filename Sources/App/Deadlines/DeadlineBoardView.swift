import Domain
import Plot
import Vapor

/// The deadline board as a section of the home page: what is overdue (all of it) and what falls due
/// in the next 30 days, with who has filed and the button to record a filing.
enum DeadlineBoardView {
    /// The home page's section: what is overdue and what falls due in the next 30 days, with who has filed.
    static func section(_ board: DeadlineService.Board, csrf: String?) -> Node<HTML.BodyContext> {
        .section(.class("card"), .id("deadlines"),
            .h2("期限提醒"),
            .if(board.upcoming.isEmpty && board.overdue.isEmpty, .p(.class("empty"), .plain("30 天内没有到期事项。"))),
            .if(!board.uncounted.isEmpty, .ul(.class("uncounted"), .forEach(board.uncounted) { .li(.plain($0)) })),
            .if(!board.overdue.isEmpty, .group(
                .h3("已过期未报送"),
                .ul(.forEach(board.overdue) { .li(.class("overdue"), item($0, csrf: csrf)) }))),
            .if(!board.upcoming.isEmpty, .group(
                .h3("30 天内到期"),
                .ul(.forEach(board.upcoming) { .li(.class($0.done ? "filed" : ""), item($0, csrf: csrf)) }))))
    }

    private static func item(_ s: DeadlineService.Status, csrf: String?) -> Node<HTML.BodyContext> {
        let when = s.daysLeft >= 0 ? "还有 \(s.daysLeft) 天" : "已过 \(-s.daysLeft) 天"
        let progress: String
        if s.units == 0 {
            progress = "由\(s.filer.label)报送"
        } else if s.units == 1 {
            progress = s.done ? "已报送" : "未报送"
        } else {
            progress = "已报送 \(s.filed)/\(s.units) 个\(s.filer.label)"
        }
        return .group(
            .plain("\(s.dueOn) \(s.title)（\(RuleName.label(s.ruleId))，\(when)）："),
            .span(.class(s.done ? "badge pass" : "badge warning"), .plain(progress)),
            .small(.class("counting"), .plain(s.counting)),
            .if(s.mayFile && !s.done, .form(.class("file"), .method(.post), .action(SiteURL.deadlineFilings.relativeURL()),
                .input(.type(.hidden), .name("_csrf"), .value(HTMLEscape.escape(csrf ?? ""))),
                .input(.type(.hidden), .name("rule_id"), .value(HTMLEscape.escape(s.ruleId))),
                .input(.type(.hidden), .name("due_on"), .value(s.dueOn)),
                s.unfiled.count == 1
                    ? .input(.type(.hidden), .name("unit_id"), .value(s.unfiled[0].id.uuidString))
                    : .select(.attribute(named: "name", value: "unit_id"), .attribute(named: "aria-label", value: "报送单位"),
                              .forEach(s.unfiled) { unit in
                                  .element(named: "option", nodes: [.attribute(named: "value", value: unit.id.uuidString), .plain(unit.name)])
                              }),
                .button(.type(.submit), .plain("登记已报送")))))
    }
}
