import Domain
import Foundation
import Testing

/// Issue 10 §1: featured projects (V-3's "N") in a service's tag, and items a city adds to its
/// service catalogue.
@Suite("Service catalogue: featured projects and additions")
struct CatalogueTests {
    let jinan = try! PolicyProfile.shipped("jinan")
    let wuhan = try! PolicyProfile.shipped("wuhan")
    let guangzhou = try! PolicyProfile.shipped("guangzhou")
    let project = FeaturedProjectRef(id: UUID(), name: "银龄守护", field: "elderly")

    @Test func onlyWuhansDocumentsNameFeaturedProjects() {
        #expect(wuhan.featuredProjects)
        #expect(!jinan.featuredProjects && !guangzhou.featuredProjects)
        #expect(jinan.applying([:], catalogue: CatalogueAdditions(featuredProjects: true)).featuredProjects)
    }

    @Test func aFeaturedProjectTakesTheItemsPlaceUnderItsOwnField() throws {
        // the field may be left out: it is the project's
        let tag = try wuhan.tag(field: nil, item: nil, method: "case_work", featured: project).get()
        #expect(tag.field.code == "elderly" && tag.item == nil && tag.featuredProject == project)
        // another field, or an item besides, is refused beside the input it is about
        guard case .failure(let other) = wuhan.tag(field: "child_welfare", item: nil, method: "case_work", featured: project),
              case .failure(let both) = wuhan.tag(field: "elderly", item: "el_care", method: "case_work", featured: project),
              case .failure(let closed) = jinan.tag(field: "elderly", item: nil, method: "case_work", featured: project) else {
            Issue.record("accepted")
            return
        }
        #expect(other.problems.map(\.field) == ["field"])
        #expect(both.problems.map(\.field) == ["item"] && both.problems[0].message.contains("V-3"))
        #expect(closed.problems.map(\.field) == ["featured_project_id"] && closed.problems[0].message.contains("V-3"))
        // without a project, Wuhan still asks for an item of the field
        #expect(wuhan.tag(field: "elderly", item: nil, method: "case_work").problems.map(\.field) == ["item"])
    }

    @Test func aFirstItemForAFieldWithoutItemsIsRefused() {
        // Guangzhou's fields have no items, so its services carry none: a first one would make every
        // later service of the field need one, running groups included.
        let field = guangzhou.serviceFields[0].code
        let refusals = guangzhou.refusals(adding: [ServiceItem(code: "gz_first", label: "新项目", field: field)], shipped: guangzhou)
        #expect(refusals.map(\.field) == ["items[0].field"])
        #expect(guangzhou.tag(field: field, item: nil, method: "case_work").problems.isEmpty)
    }

    @Test func anAddedItemJoinsItsFieldAndNothingShippedCanBeReplaced() {
        let smart = ServiceItem(code: "el_smart_care", label: "智慧养老", field: "elderly")
        let current = wuhan.applying([:], catalogue: CatalogueAdditions(items: [smart]))
        #expect(current.serviceItems(for: "elderly").map(\.code).last == "el_smart_care")
        #expect((try? current.tag(field: "elderly", item: "el_smart_care", method: "group_work").get())?.item == smart)
        #expect(wuhan.refusals(adding: [smart], shipped: wuhan).isEmpty)
        // the same again is a repeat; a new label or field for it, or a shipped code, is refused
        let again = current.refusals(adding: [smart], shipped: wuhan)
        #expect(again.count == 1 && again[0].isRepeat)
        let renamed = current.refusals(adding: [ServiceItem(code: "el_smart_care", label: "智能养老", field: "elderly")], shipped: wuhan)
        #expect(renamed.map(\.field) == ["items[0].code"] && !renamed[0].isRepeat && renamed[0].message.contains("不能改名"))
        let shipped = current.refusals(adding: [ServiceItem(code: "el_care", label: "关怀服务", field: "elderly")], shipped: wuhan)
        #expect(shipped.map(\.field) == ["items[0].code"] && !shipped[0].isRepeat && shipped[0].message.contains("原始服务目录"))
        // a label already in the field, a bad code, a field the city does not have, the same code twice
        #expect(current.refusals(adding: [ServiceItem(code: "el_other", label: "为老助老", field: "elderly")], shipped: wuhan).map(\.field) == ["items[0].label"])
        #expect(current.refusals(adding: [ServiceItem(code: "X", label: "某项", field: "nowhere")], shipped: wuhan).map(\.field) == ["items[0].code", "items[0].field"])
        let twice = current.refusals(adding: [ServiceItem(code: "cw_a", label: "甲", field: "child_welfare"), ServiceItem(code: "cw_a", label: "乙", field: "child_welfare")],
                                     shipped: wuhan)
        #expect(twice.map(\.field) == ["items[1].code"])
    }
}

private extension Result where Failure == TagProblems {
    var problems: [(field: String, message: String)] {
        if case .failure(let p) = self { return p.problems }
        return []
    }
}
