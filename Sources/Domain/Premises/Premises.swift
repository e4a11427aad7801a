/// Functional rooms of a station (rule P-1).
public enum RoomKind: String, Codable, CaseIterable, Sendable {
    case office
    case caseWork = "case_work"
    case groupWork = "group_work"
    case activity
    case archive

    public var label: String {
        switch self {
        case .office: "社工办公室"
        case .caseWork: "个案工作室"
        case .groupWork: "小组工作室"
        case .activity: "多功能活动室"
        case .archive: "档案室"
        }
    }
}

/// Office equipment of the checklist (rule P-5).
public enum Equipment: String, Codable, CaseIterable, Sendable {
    case desks
    case chairs
    case cabinets
    case computer
    case printer
    case telephone
    case caseRoomFurnishing = "case_room_furnishing"
    case groupRoomFurnishing = "group_room_furnishing"

    public var label: String {
        switch self {
        case .desks: "办公桌"
        case .chairs: "办公椅"
        case .cabinets: "文件柜"
        case .computer: "电脑"
        case .printer: "打印机"
        case .telephone: "电话"
        case .caseRoomFurnishing: "个案室所需设备"
        case .groupRoomFurnishing: "小组室所需设备"
        }
    }
}

/// What a village or community has for social work (rules H-1, R-2).
public enum VillagePost: String, Codable, CaseIterable, Sendable {
    case none
    case room
    case point

    public var label: String {
        switch self {
        case .none: "无"
        case .room: "社工室"
        case .point: "社工点"
        }
    }
}

/// The default station name of rule P-4: "XX区XX街道社会工作服务站".
public enum StationNaming {
    public static func defaultName(district: String, street: String) -> String {
        district + street + "社会工作服务站"
    }
}
