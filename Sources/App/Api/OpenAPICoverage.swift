import Domain

/// The OpenAPI part of village coverage (rule R-2, issue 11 §3).
extension OpenAPI {
    static var coverageOperations: [Operation] {
        [.init(method: .GET, route: .coverage,
               summary: "村居覆盖（R-2）：社工站所在街道（station）或街道、区县、市（unit）的每个村（社区）的社工室（点）与本年度到达的服务（按服务类别）；都不给出时为调用者本人的站点或单位",
               query: ["station", "unit", "year"], body: nil, status: 200)]
    }

    static var coverageSchemas: [String: Any] {
        let count: [String: Any] = ["type": "integer"]
        let village = object([
            "id": uuid, "name": string, "street_id": uuid, "street_name": string, "post": oneOf(VillagePost.self), "post_label": string,
            "team": nullable(string), "team_registered": ["type": "boolean"], "has_post_or_team": ["type": "boolean"],
            "services": ["type": "object", "additionalProperties": count], "services_total": count, "has_post": ["type": "boolean"],
            "reached": ["type": "boolean"],
        ], required: ["id", "name", "street_id", "street_name", "post", "post_label", "team_registered", "services", "services_total", "has_post",
                     "has_post_or_team", "reached"], closed: false)
        return ["Coverage": object([
            "place": object(["kind": string, "id": uuid, "name": string], required: ["kind", "id", "name"], closed: false), "year": count,
            "villages": ["type": "array", "items": village],
            "counts": object(["villages": count, "with_post": count, "with_team": count, "reached": count, "covered": count],
                             required: ["villages", "with_post", "with_team", "reached", "covered"], closed: false),
        ], required: ["place", "year", "villages", "counts"], closed: false)]
    }

    static var coverageResponses: [String: String] { [key(.GET, .coverage): "Coverage"] }
}
