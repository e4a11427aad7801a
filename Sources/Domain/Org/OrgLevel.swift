/// Levels of the administrative tree (rule H-1): city → district/county → street/town → village/community.
public enum OrgLevel: String, Codable, CaseIterable, Sendable, Comparable {
    case city
    case district
    case street
    case village

    public var label: String {
        switch self {
        case .city: "市"
        case .district: "区县"
        case .street: "街道/乡镇"
        case .village: "村/社区"
        }
    }

    public var depth: Int { Self.allCases.firstIndex(of: self)! }

    /// The level a child of this level must have; nil for villages, which have none.
    public var childLevel: OrgLevel? {
        let all = Self.allCases
        return depth + 1 < all.count ? all[depth + 1] : nil
    }

    public static func < (a: OrgLevel, b: OrgLevel) -> Bool { a.depth < b.depth }
}

/// The materialised path of an org unit: its ancestors' ids and its own, each followed by "/".
/// A unit is inside another's subtree exactly when its path starts with the other's path,
/// so subtree queries are one indexed prefix comparison instead of a walk up the tree.
public enum OrgPath {
    public static func child(of parentPath: String, id: String) -> String { parentPath + id + "/" }
    public static func root(id: String) -> String { "/" + id + "/" }
    public static func contains(_ ancestor: String, _ path: String) -> Bool { path.hasPrefix(ancestor) }
    /// The ids along the path, root first.
    public static func ids(_ path: String) -> [String] { path.split(separator: "/").map(String.init) }
}
