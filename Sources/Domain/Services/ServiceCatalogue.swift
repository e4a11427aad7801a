import Foundation

/// How a service is tagged: a field (V-2, V-3), an item of the catalogue (V-1 content area or V-3
/// catalogue item) or one of its station's featured projects (V-3's "N"), and a method (V-4), all
/// from the profile in force on the service's date.
public struct ServiceTag: Equatable, Sendable {
    public let field: ServiceField
    public let item: ServiceItem?
    public let featuredProject: FeaturedProjectRef?
    public let method: ServiceMethod
}

/// A station's featured project (特色项目) as a service names it: the project stands in the service's
/// tag where a catalogue item would, under the project's own field.
public struct FeaturedProjectRef: Equatable, Sendable {
    public let id: UUID
    public let name: String
    public let field: String

    public init(id: UUID, name: String, field: String) {
        self.id = id
        self.name = name
        self.field = field
    }
}

extension PolicyProfile {
    /// The catalogue items that may go with a field.
    public func serviceItems(for field: String) -> [ServiceItem] {
        serviceItems.filter { $0.field == nil || $0.field == field }
    }

    public func serviceItem(_ code: String) -> ServiceItem? { serviceItems.first { $0.code == code } }

    /// Checks a tag against this profile's catalogue; the problems name the input field they belong to
    /// (`field`, `item`, `featured_project_id`, `method`) in Chinese. An item is required where the
    /// profile lists any for the field, unless a featured project takes its place: then the field is
    /// the project's (given or not) and no item is chosen besides, so that each service counts once
    /// under one entry of "1+4+N" (V-3).
    public func tag(field: String?, item: String?, method: String?, featured: FeaturedProjectRef? = nil) -> Result<ServiceTag, TagProblems> {
        var problems: [(field: String, message: String)] = []
        let field = (field ?? "").isEmpty ? featured?.field : field
        let chosenField = field.flatMap { code in serviceFields.first { $0.code == code } }
        if let featured {
            if !featuredProjects {
                problems.append(("featured_project_id", "本市服务目录未开放特色项目（\(RuleName.label("V-3"))中的“N”），服务请选择服务目录中的项目"))
            }
            if let chosenField, chosenField.code != featured.field {
                let own = serviceField(featured.field)?.label ?? featured.field
                problems.append(("field", "特色项目“\(featured.name)”属于“\(own)”，服务领域应为“\(own)”，不是“\(chosenField.label)”"))
            }
            if let item, !item.isEmpty {
                problems.append(("item", "已选择特色项目“\(featured.name)”，服务内容请留空：一次服务只记入服务目录项目或特色项目之一（\(RuleName.label("V-3"))）"))
            }
        }
        if chosenField == nil {
            let choices = serviceFields.map { "\($0.code)（\($0.label)）" }.joined(separator: "、")
            problems.append(("field", (field ?? "").isEmpty ? "请选择服务领域" : "服务领域“\(field!)”不在本市服务目录中（可选：\(choices)）"))
        }
        var chosenItem: ServiceItem?
        if let chosenField, featured == nil {
            let allowed = serviceItems(for: chosenField.code)
            if let code = item, !code.isEmpty {
                chosenItem = allowed.first { $0.code == code }
                if chosenItem == nil {
                    let choices = allowed.map { "\($0.code)（\($0.label)）" }.joined(separator: "、")
                    problems.append(("item", allowed.isEmpty ? "本市服务目录在“\(chosenField.label)”下没有服务内容项目，请留空"
                                                            : "服务内容“\(code)”不属于“\(chosenField.label)”（可选：\(choices)）"))
                }
            } else if !allowed.isEmpty {
                problems.append(("item", "请选择服务内容（本市服务目录中“\(chosenField.label)”下的项目）"))
            }
        }
        let chosenMethod = method.flatMap(ServiceMethod.init(rawValue:))
        if chosenMethod == nil {
            let choices = ServiceMethod.allCases.map { "\($0.rawValue)（\($0.label)）" }.joined(separator: "、")
            problems.append(("method", (method ?? "").isEmpty ? "请选择服务方法" : "服务方法“\(method!)”不存在（可选：\(choices)）"))
        }
        guard problems.isEmpty, let chosenField, let chosenMethod else { return .failure(TagProblems(problems: problems)) }
        return .success(ServiceTag(field: chosenField, item: chosenItem, featuredProject: featured, method: chosenMethod))
    }
}

public struct TagProblems: Error, Sendable {
    public let problems: [(field: String, message: String)]
}
