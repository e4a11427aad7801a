import Vapor

/// A new group, from the form or the API.
struct GroupInput: Content {
    var stationId: UUID?
    var name: String?
    var field: String?
    var item: String?
    /// One of the station's featured projects of the year, in place of the item (V-3): its
    /// sessions are given under it, on the project's days.
    var featuredProjectId: UUID?
    var goals: String?
    /// Who it is for (目标组员).
    var target: String?
    var plannedSessions: Int?
    var startsOn: String?
    /// The caller when omitted and a social worker of the station.
    var responsibleId: UUID?
    /// Members to enrol at once; more can join later.
    var memberIds: [UUID]?
    /// The date of the first session, if planned (issue 10 §5).
    var nextSessionOn: String?
}

struct GroupMembersInput: Content {
    var recipientIds: [UUID]?
    var joinedOn: String?
}

/// One session: date, length, content, who came (members by id, plus a count of others) and,
/// optionally, a pre/post measure per member who came.
struct GroupSessionInput: Content {
    struct Measure: Content {
        var recipientId: UUID?
        var pre: Int?
        var post: Int?
    }

    var on: String?
    var minutes: Int?
    var content: String?
    var attendeeIds: [UUID]?
    var othersCount: Int?
    var measures: [Measure]?
}

/// The date of a group's next planned session, or none (nil or empty clears it).
struct GroupNextSessionInput: Content {
    var on: String?
}

/// The end of a group and its summary (小组总结).
struct GroupEndInput: Content {
    var on: String?
    var summary: String?
}
