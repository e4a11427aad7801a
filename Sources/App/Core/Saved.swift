import Plot
import Vapor

/// What a form saved, said once on the page it redirects to: the redirect carries `?saved=<case>`
/// and the page's Model reads it into a short confirmation (no script, no session state).
enum Saved: String, CaseIterable {
    case province
    case districtKind = "district-kind"
    case policy
    case filing
    case station
    case followUp = "follow-up"

    static let key = "saved"

    var message: String {
        switch self {
        case .province: "已保存：省级行政区已登记。"
        case .districtKind: "已保存：城区类型（规则 S-2）已更新。"
        case .policy: "已保存：政策的新版本已记录，自其生效日期起适用（未到生效日期的，届时生效）。"
        case .filing: "已保存：报送已登记。"
        case .station: "已保存：社工站信息已更新。"
        case .followUp: "已保存：跟进完成已记录。"
        }
    }

    /// The confirmation for the page being shown, if it was reached from a successful save.
    static func notice(_ req: Request) -> String? {
        req.query[String.self, at: key].flatMap(Saved.init(rawValue:))?.message
    }

    /// The confirmation as pages show it (role=status, so a screen reader says it).
    static func node(_ notice: String?) -> Node<HTML.BodyContext> {
        .unwrap(notice) { .p(.class("notice"), .id("saved"), .attribute(named: "role", value: "status"), .plain($0)) }
    }
}
