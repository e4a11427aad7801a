import Foundation

/// What a city's policy versions added to its shipped service catalogue (issue 10 §1: "a city may add
/// items through the policy versions it already has"): items under one of its fields, and featured
/// projects opened where the shipped profile has none (V-3's "N"). Each version holds every addition
/// so far, as it holds every parameter change so far.
public struct CatalogueAdditions: Codable, Sendable, Equatable {
    public var items: [ServiceItem]
    /// true once the city opened featured projects; nil when it never did.
    public var featuredProjects: Bool?

    public init(items: [ServiceItem] = [], featuredProjects: Bool? = nil) {
        self.items = items
        self.featuredProjects = featuredProjects
    }

    public static let none = CatalogueAdditions()
}

/// Why an item may not be added, by the input field it is about. `isRepeat`: the very same item is
/// in the catalogue already (a second click: 409); otherwise the addition breaks a rule (422).
public struct CatalogueRefusal: Sendable, Equatable {
    public let field: String
    public let message: String
    public let isRepeat: Bool
}

extension PolicyProfile {
    /// An item's code: lower-case letters, digits and underscores, starting with a letter.
    public static let itemCodePattern = "^[a-z][a-z0-9_]{1,39}$"
    public static let itemLabelLimit = 30

    /// Checks items a city wants to add to this profile (the one in force, with the city's earlier
    /// additions) against the profile as `shipped`: an item of the shipped catalogue cannot be
    /// replaced, renamed or moved to another field, nor can an item the city added before. The
    /// problems name the input (`items[0].code` …) and say why in Chinese.
    public func refusals(adding items: [ServiceItem], shipped: PolicyProfile) -> [CatalogueRefusal] {
        var refusals: [CatalogueRefusal] = []
        func refuse(_ i: Int, _ field: String, _ message: String, repeat isRepeat: Bool = false) {
            refusals.append(CatalogueRefusal(field: "items[\(i)].\(field)", message: message, isRepeat: isRepeat))
        }
        var seen: Set<String> = []
        for (i, item) in items.enumerated() {
            let code = item.code, label = item.label.trimmingCharacters(in: .whitespacesAndNewlines)
            if code.range(of: Self.itemCodePattern, options: .regularExpression) == nil {
                refuse(i, "code", "项目代码“\(code.prefix(40))”应以小写字母开头，由小写字母、数字和下划线组成，共 2–40 位")
            }
            if !seen.insert(code).inserted { refuse(i, "code", "项目代码“\(code)”在本次新增中出现了两次") }
            if label.isEmpty { refuse(i, "label", "项目名称不能为空") }
            if label.count > Self.itemLabelLimit { refuse(i, "label", "项目名称不能超过 \(Self.itemLabelLimit) 字") }
            let field = item.field.flatMap(serviceField)
            if field == nil {
                let choices = serviceFields.map { "\($0.code)（\($0.label)）" }.joined(separator: "、")
                refuse(i, "field", (item.field ?? "").isEmpty ? "请选择项目所属的服务领域" : "“\(item.field!)”不是本市服务目录中的服务领域（可选：\(choices)）")
            }
            if let original = shipped.serviceItem(code) {
                refuse(i, "code", "项目代码“\(code)”是原始服务目录中的“\(original.label)”：原有项目不能通过政策版本替换、改名、改变所属领域或删除，请换一个代码")
            } else if let added = serviceItem(code) {
                let place = added.field.flatMap(serviceField)?.label ?? "各领域"
                if added.label == label && added.field == item.field {
                    refuse(i, "code", "“\(added.label)”（\(code)）已在本市服务目录中（\(place)），无需再次新增", repeat: true)
                } else {
                    refuse(i, "code", "项目代码“\(code)”已是本市新增的“\(added.label)”（\(place)）：新增的项目不能改名、改变所属领域或删除")
                }
            } else if let field, serviceItems(for: field.code).isEmpty {
                // A field with items asks every service for one (`tag`): a first item would refuse, from
                // its version's year on, the sessions of running groups and cases recorded without one.
                refuse(i, "field", "“\(field.label)”在本市服务目录中没有服务内容项目，其服务不选项目：新增第一个项目会使该领域已开展的小组、个案无法继续记录，"
                       + "不能通过政策版本新增；请选择已有项目的领域")
            } else if let field, let same = serviceItems(for: field.code).first(where: { $0.label == label }) {
                refuse(i, "label", "“\(field.label)”下已有服务内容“\(same.label)”（\(same.code)）")
            }
        }
        return refusals
    }
}
