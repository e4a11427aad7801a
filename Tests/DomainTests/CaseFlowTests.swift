import Domain
import Testing

/// Issue 10 §1–§2: the case workflow (MZ/T 094) and the service catalogue of each profile (V-1 … V-4).
@Suite("Case flow and service catalogue")
struct CaseFlowTests {
    @Test func eachStepIsAllowedOnlyInItsStagesAndMovesTheCaseOn() {
        // setup / act / check: the path of a case from intake to closure
        var stage = CaseStage.intake
        for (step, expected) in [(CaseStep.assess, CaseStage.assessment), (.plan, .planning), (.intervene, .intervention),
                                 (.evaluate, .evaluation), (.close, .closed), (.followUp, .closed), (.reopen, .assessment)] {
            let next = try? CaseFlow.next(stage, step, interventions: 1, closeReason: .goalsMet).get()
            #expect(next == expected, "\(step) from \(stage)")
            stage = next ?? stage
        }
        // a step outside its stages is refused, with the stages it needs
        #expect(throws: CaseFlow.Refusal(message: "个案当前处于“接案”阶段，不能评估（只能在“介入”、“评估”阶段评估）")) {
            try CaseFlow.next(.intake, .evaluate).get()
        }
        #expect((try? CaseFlow.next(.closed, .intervene).get()) == nil)
        #expect((try? CaseFlow.next(.intervention, .reopen).get()) == nil)
    }

    @Test func anEvaluationNeedsAnInterventionAndAClosureOnGoalsNeedsTheEvaluation() {
        #expect(throws: CaseFlow.Refusal(message: "尚未记录任何介入服务，不能评估")) { try CaseFlow.next(.intervention, .evaluate, interventions: 0).get() }
        #expect((try? CaseFlow.next(.intervention, .close, closeReason: .goalsPartlyMet).get()) == nil)
        // a person who moved away closes the case at any stage
        #expect((try? CaseFlow.next(.intake, .close, closeReason: .movedOut).get()) == .closed)
        // a re-assessment or a revised plan keeps the case where it is
        #expect((try? CaseFlow.next(.intervention, .assess).get()) == .intervention)
        #expect((try? CaseFlow.next(.intervention, .plan).get()) == .intervention)
    }

    @Test func theCataloguesAreTheCitiesOwn() throws {
        // setup
        let jinan = try PolicyProfile.shipped("jinan")
        let wuhan = try PolicyProfile.shipped("wuhan")
        let guangzhou = try PolicyProfile.shipped("guangzhou")
        // check: V-1's eleven content areas in any of V-2's six fields (DB3701/T 36 §4)
        #expect(jinan.serviceItems.count == 11 && jinan.serviceFields.count == 6)
        #expect((try? jinan.tag(field: "child_welfare", item: "crisis_intervention", method: "case_work").get()) != nil)
        // V-3: 1 + 4 fields, each catalogue item under its own field only
        #expect(wuhan.serviceFields.map(\.code) == ["party_building", "social_assistance", "child_welfare", "community_governance", "elderly"])
        #expect(wuhan.serviceItems(for: "elderly").map(\.label) == ["关怀服务", "社会支持网络建立", "为老助老"])
        #expect((try? wuhan.tag(field: "elderly", item: "el_care", method: "group_work").get())?.item?.label == "关怀服务")
        guard case .failure(let wrong) = wuhan.tag(field: "child_welfare", item: "el_care", method: "case_work") else {
            Issue.record("an elderly item was accepted under child welfare")
            return
        }
        #expect(wrong.problems.map(\.field) == ["item"])
        // the core project is a direction of service, never an area of need (V-8)
        #expect(!wuhan.needAreas.contains { $0.code == "party_building" })
        // Guangzhou's documents list fields only: no item is asked for, an unknown method is named
        #expect((try? guangzhou.tag(field: "elderly", item: nil, method: "community_work").get()) != nil)
        guard case .failure(let method) = guangzhou.tag(field: "elderly", item: nil, method: "therapy") else {
            Issue.record("an unknown method was accepted")
            return
        }
        #expect(method.problems.first?.message.hasPrefix("服务方法“therapy”不存在") == true)
    }
}
