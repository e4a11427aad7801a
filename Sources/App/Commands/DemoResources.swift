import Domain
import Fluent
import Foundation

/// The demo's policy library and charity resources (issue 11 §2). The policies are real documents
/// with the numbers and dates they carry (the source documents in `shared/seeds` cite the Jinan ones);
/// where a number or date could not be checked the document is left out rather than invented. The
/// station's local policy is a demo example.
enum DemoResources {
    struct DemoPolicy {
        let title: String
        let issuer: String
        let number: String?
        let field: String?
        let effective: String
        let expires: String?
        let summary: String
        let eligibility: String
    }

    static let cityPolicies: [DemoPolicy] = [
        .init(title: "社会救助暂行办法", issuer: "国务院", number: "国务院令第649号", field: "social_assistance", effective: "2014-05-01", expires: nil,
              summary: "最低生活保障、特困人员供养、受灾人员救助、医疗救助、教育救助、住房救助、就业救助和临时救助八项制度，以及社会力量参与。",
              eligibility: "共同生活的家庭成员人均收入低于当地最低生活保障标准且符合财产状况规定的家庭；无劳动能力、无生活来源、无法定赡养抚养扶养义务人的老年人、残疾人和未成年人；遭遇突发困难的家庭或个人。"),
        .init(title: "关于改革完善社会救助制度的意见", issuer: "中共中央办公厅、国务院办公厅", number: "中办发〔2020〕18号", field: "social_assistance",
              effective: "2020-08-25", expires: nil,
              summary: "建立分层分类的社会救助体系，强化急难社会救助功能，鼓励社会力量参与，通过政府购买服务对社会救助家庭中生活不能自理的老年人、未成年人、残疾人等提供服务。",
              eligibility: "最低生活保障家庭、特困人员、低保边缘家庭、支出型困难家庭，以及遭遇急难情形的家庭和个人。"),
        // The seeds give the measures' issuers and dates but not their document number: left empty rather than guessed.
        .init(title: "济南市社会工作服务站管理办法（试行）", issuer: "济南市民政局、济南市财政局", number: nil, field: nil,
              effective: "2021-03-08", expires: "2023-03-07",
              summary: "社工站的建设、运营和管理：服务内容、场所、标识、报告、档案和交接、投诉，年度第三方评估和资金保障。",
              eligibility: "全市街道（镇）社会工作服务站及其承接机构。"),
        .init(title: "街道（镇）社工站服务指南", issuer: "济南市市场监督管理局", number: "DB3701/T 36—2023", field: nil, effective: "2023-09-11", expires: nil,
              summary: "济南市地方标准：政策宣传咨询、社会救助、精神慰藉、能力提升、社会支持、危机干预、权益维护、社会融入、社区参与、文体健康、环境保护等 11 项服务内容，服务方法、管理和保障。",
              eligibility: "济南市街道（镇）社工站开展的服务。"),
    ]

    /// The city's policies and one local policy of the demonstration station.
    static func addPolicies(city: OrgUnit, station: Station?, admin: (id: UUID, name: String), worker: (id: UUID, name: String)?, today: Day,
                            db: any Database, recorder: AuditLog.Recorder) async throws {
        for d in cityPolicies {
            try await add(d, city: city.id!, station: nil, by: admin, db: db, recorder: recorder)
        }
        if let station, let worker {
            try await add(.init(title: "解放路街道困难群众临时帮扶资金使用办法（演示）", issuer: "解放路街道办事处", number: nil, field: "social_assistance",
                                effective: "\(today.year)-01-01", expires: "\(today.year)-12-31",
                                summary: "街道慈善帮扶资金用于低保边缘家庭和遭遇突发困难的居民，由社工站评估需要、街道审批后发放。",
                                eligibility: "辖区内收入略高于低保标准、因病因灾临时陷入困难的家庭。"),
                          city: city.id!, station: station.id, by: worker, db: db, recorder: recorder)
        }
    }

    private static func add(_ d: DemoPolicy, city: UUID, station: UUID?, by who: (id: UUID, name: String), db: any Database, recorder: AuditLog.Recorder) async throws {
        let p = LibraryPolicy()
        p.id = UUID()
        p.cityID = city
        p.stationID = station
        p.title = d.title
        p.issuer = d.issuer
        p.docNumber = d.number
        p.field = d.field
        p.effectiveOn = d.effective
        p.expiresOn = d.expires
        p.summary = d.summary
        p.eligibility = d.eligibility
        p.createdBy = who.id
        p.createdByName = who.name
        try await p.create(on: db)
        recorder.change(entityType: "library_policy", entityID: p.id, old: nil, new: p.auditFields)
    }

    /// Charity resources of the station used by its demo cases, people and events (one use reversed,
    /// one resource expired), and the policies named by its first assessment and assistance request.
    static func addCharity(station: Station, worker: (id: UUID, name: String), today: Day, db: any Database, recorder: AuditLog.Recorder) async throws {
        let cases = try await ServiceCase.query(on: db).filter(\.$station.$id == station.id!).sort(\.$number).all()
        let events = try await CommunityEvent.query(on: db).filter(\.$station.$id == station.id!).sort(\.$heldOn).all()
        let people = try await Recipient.query(on: db).filter(\.$station.$id == station.id!).filter(\.$status == .active).sort(\.$name).range(30..<33).all()
        func resource(_ donor: String, _ donorKind: DonorKind, _ kind: CharityKind, _ description: String, unit: String, value: Int64,
                      received: Int, expires: Int? = nil) async throws -> CharityResource {
            let r = CharityResource()
            r.id = UUID()
            let day = today.adding(days: received)
            r.year = day.year
            r.$station.id = station.id!
            r.cityID = station.cityID
            r.districtID = station.districtID
            r.donorName = donor
            r.donorKind = donorKind
            r.kind = kind
            r.description = description
            r.unit = unit
            r.amount = value * 100
            r.remaining = value * 100
            r.receivedOn = day.description
            r.expiresOn = expires.map { today.adding(days: $0).description }
            r.createdBy = worker.id
            r.createdByName = worker.name
            try await r.create(on: db)
            return r
        }
        func use(_ r: CharityResource, _ amount: Int64, on offset: Int, _ purpose: String, case c: ServiceCase? = nil, person: Recipient? = nil,
                 event: CommunityEvent? = nil, reverses: CharityResourceUse? = nil) async throws -> CharityResourceUse {
            let u = CharityResourceUse()
            u.id = UUID()
            u.resourceID = r.id!
            u.stationID = station.id!
            let day = today.adding(days: offset)
            u.year = day.year
            u.amount = amount * 100
            u.usedOn = day.description
            u.purpose = purpose
            u.caseID = c?.id
            u.recipientID = person?.id
            u.eventID = event?.id
            u.reversesID = reverses?.id
            u.createdBy = worker.id
            u.createdByName = worker.name
            try await u.create(on: db)
            r.remaining -= u.amount
            recorder.change(entityType: "charity_resource_use", entityID: u.id, old: nil, new: u.auditFields)
            return u
        }
        let fund = try await resource("济南市慈善总会", .foundation, .money, "困难家庭助学助困金", unit: "元", value: 20000, received: -120)
        let parcels = try await resource("历下区爱心企业联合会", .company, .goods, "米面油慰问包", unit: "箱", value: 100, received: -60, expires: 60)
        let clinic = try await resource("山东大学齐鲁医院志愿医疗队", .foundation, .services, "社区义诊", unit: "次", value: 12, received: -90, expires: 275)
        let room = try await resource("解放路街道办事处", .governmentProgramme, .venue, "街道党群服务中心多功能厅（周末免费使用）", unit: "次", value: 24, received: -150)
        let quilts = try await resource("王先生", .person, .goods, "冬季棉被", unit: "床", value: 30, received: -300, expires: -10)
        if let first = cases.first { _ = try await use(fund, 3000, on: -100, "助学金：子女学费", case: first) }
        if let person = people.first {
            let wrong = try await use(fund, 1500, on: -80, "临时生活补助", person: person)
            _ = try await use(fund, -1500, on: -79, "冲正：金额录入有误，应为 1200 元", person: person, reverses: wrong)
            _ = try await use(fund, 1200, on: -79, "临时生活补助", person: person)
        }
        if let event = events.last {
            _ = try await use(parcels, 40, on: -20, "邻里节慰问独居老人", event: event)
            _ = try await use(room, 1, on: -20, "邻里节活动场地", event: event)
            _ = try await use(clinic, 1, on: -20, "活动现场义诊", event: event)
        }
        for person in people.dropFirst() { _ = try await use(quilts, 10, on: -200, "冬季送暖", person: person) }
        for r in [fund, parcels, clinic, room, quilts] {
            try await r.save(on: db)
            recorder.change(entityType: "charity_resource", entityID: r.id, old: nil, new: r.auditFields)
        }
        // V-10: the first assessment and the first assistance request name the national assistance rules.
        let assistance = try await LibraryPolicy.query(on: db).filter(\.$cityID == station.cityID).filter(\.$title ~~ ["社会救助暂行办法", "关于改革完善社会救助制度的意见"])
            .all().compactMap(\.id)
        if let a = try await CaseAssessment.query(on: db).filter(\.$caseID ~~ cases.compactMap(\.id)).sort(\.$assessedOn).first() {
            try await PolicyLibrary.link(assistance, station: station.id!, caseID: a.caseID, assessmentID: a.id, on: Day(a.assessedOn) ?? today, db: db)
        }
        if let request = try await AssistanceRequest.query(on: db).filter(\.$station.$id == station.id!).sort(\.$requestedOn).first() {
            try await PolicyLibrary.link(assistance, station: station.id!, caseID: request.caseID, assistanceID: request.id,
                                         on: Day(request.requestedOn) ?? today, db: db)
        }
    }
}
