import Domain
import Vapor

/// The OpenAPI part of featured projects (V-3's "N") and of a city's catalogue additions (issue 10 §1).
extension OpenAPI {
    /// A service's featured project, in the inputs that tag a service.
    static var featuredProject: [String: Any] {
        nullable(["type": "string", "format": "uuid", "description": "本站该年度的特色项目（V-3 “1+4+N”中的“N”），代替服务内容（item 留空）；服务领域可省略，取项目所属领域"])
    }

    static var featuredOperations: [Operation] {
        [
            .init(method: .GET, route: .stationFeaturedProjects(.key), summary: "站点某年度的特色项目（V-3 的“N”）及各项目已记入的服务记录数和服务人次",
                  query: ["year"], body: nil, status: 200),
            .init(method: .POST, route: .stationFeaturedProjects(.key),
                  summary: "设立特色项目（本站社工、承接机构）：本市政策配置未开放特色项目时 422；同站同年名称重复 409；本市政策未规定数量，不设上限",
                  query: [], body: "FeaturedProjectInput", status: 201),
            .init(method: .GET, route: .featuredProject(.key), summary: "一个特色项目", query: [], body: nil, status: 200),
            .init(method: .PATCH, route: .featuredProject(.key), summary: "更正特色项目的名称、简介、开展期（开展期须包含已记入的服务日期）；服务领域和年度不能更改",
                  query: [], body: "FeaturedProjectPatch", status: 200),
            .init(method: .POST, route: .policyCatalogue,
                  summary: "新增服务目录项目、开放特色项目，形成带生效日期的政策配置新版本（市民政局）；原有和已新增的项目不能替换、改名、改变领域或删除（422），同一项目再次新增 409",
                  query: [], body: "CatalogueChange", status: 201),
        ]
    }

    static var featuredSchemas: [String: Any] {
        let name: [String: Any] = ["type": "string", "minLength": 1, "maxLength": TextLimit.name]
        let description: [String: Any] = ["type": "string", "minLength": 1, "maxLength": TextLimit.short]
        let project = object(["id": uuid, "station_id": uuid, "year": ["type": "integer"], "name": string, "field": string, "field_label": string,
                              "description": string, "active_from": date, "active_to": date, "records": ["type": "integer"], "people": ["type": "integer"],
                              "created_by_name": string],
                             required: ["id", "station_id", "year", "name", "field", "description", "active_from", "active_to", "records", "people"], closed: false)
        return [
            "FeaturedProjectInput": object(["year": nullable(["type": "integer", "description": "默认今年；可为去年、今年或明年"]), "name": name,
                                            "field": ["type": "string", "description": "本市政策配置中的服务领域代码"], "description": description,
                                            "active_from": nullable(dateOrEmpty), "active_to": nullable(dateOrEmpty)],
                                           required: ["name", "field", "description"]),
            "FeaturedProjectPatch": object(["name": nullable(name), "description": nullable(description),
                                            "active_from": nullable(dateOrEmpty), "active_to": nullable(dateOrEmpty)]),
            "FeaturedProject": project,
            "FeaturedProjectList": object(["station_id": uuid, "station_name": string, "year": ["type": "integer"], "enabled": bool,
                                           "items": ["type": "array", "items": ["$ref": "#/components/schemas/FeaturedProject"]]],
                                          required: ["station_id", "year", "enabled", "items"], closed: false),
            "CatalogueChange": object([
                "items": nullable(["type": "array", "maxItems": PolicyCatalogue.maxItems, "items": object([
                    "code": ["type": "string", "pattern": PolicyProfile.itemCodePattern],
                    "label": ["type": "string", "minLength": 1, "maxLength": PolicyProfile.itemLabelLimit],
                    "field": ["type": "string", "description": "本市政策配置中的服务领域代码"]], required: ["code", "label", "field"])]),
                "featured_projects": nullable(["type": "boolean", "description": "true：开放特色项目（开放后不能关闭）"]),
                "effective_from": date, "note": nullable(string), "backdate_reason": nullable(string),
            ], required: ["effective_from"]),
        ]
    }

    static var featuredResponses: [String: String] {
        [key(.GET, .stationFeaturedProjects(.key)): "FeaturedProjectList", key(.POST, .stationFeaturedProjects(.key)): "FeaturedProject",
         key(.GET, .featuredProject(.key)): "FeaturedProject", key(.PATCH, .featuredProject(.key)): "FeaturedProject",
         key(.POST, .policyCatalogue): "PolicyVersion"]
    }
}
