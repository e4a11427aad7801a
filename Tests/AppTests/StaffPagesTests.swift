@testable import App
import Domain
import Fluent
import Foundation
import Plot
import Testing
import Vapor

/// Issue 8 §6: the Staff pages are each a `Model` built by a static query and a view that only receives values.
@Suite("Staff pages: model and view")
struct StaffPagesTests {
    /// A request as the router would hand it to a handler: the station in the path, the caller signed in.
    private func request(_ world: TestWorld, _ username: String, path: String, id: UUID) async throws -> Request {
        let req = Request(application: world.app, method: .GET, url: URI(path: path), on: world.app.eventLoopGroup.next())
        req.parameters.set("id", to: id.uuidString)
        let user = try #require(try await User.query(on: world.app.db).filter(\.$username == username).first())
        req.caller = try await Caller.load(user, on: world.app.db)
        return req
    }

    @Test func eachStaffPageIsAModelAndAViewOfIt() async throws {
        try await withApp { world in
            // setup
            let station = world.id("station:解放路街道")
            let worker = try await Caller.load(try #require(try await User.query(on: world.app.db).filter(\.$username == "worker").first()), on: world.app.db)
            let posted = try await WorkerAssignment.at(station, on: world.app.db).with(\.$worker).all().filter { $0.endedOn == nil }.map(\.worker.name).sorted()

            // act: the static queries build the models
            var staff = try await StaffPage.model(try await request(world, "operator", path: "/stations/\(station)/staff", id: station), values: [:], errors: Validator())
            let supervision = try await SupervisionPage.model(try await request(world, "operator", path: "/stations/\(station)/supervision", id: station),
                                                              values: [:], errors: Validator())
            let training = try await TrainingPage.model(try await request(world, "operator", path: "/stations/\(station)/training", id: station),
                                                        values: [:], errors: Validator())

            // check: the models hold what the pages show, decided before the view
            #expect(staff.station.id == station && staff.canAdd)
            #expect(staff.workers.filter { $0.endedOn == nil }.map(\.name).sorted() == posted)
            #expect(staff.workers.allSatisfy { $0.phone.map { $0.contains("****") } ?? true }, "phones are masked in the model")
            #expect(!staff.supervisors.isEmpty)
            #expect(supervision.workers.map(\.name).sorted() == posted && supervision.canAdd)
            #expect(training.canAdd && training.year == world.app.clock.today.year)

            // check: a view shows exactly its model, and decides nothing itself (no query, no access check)
            staff.workers = [.init(id: UUID(), name: "测试社工甲", phone: "139****0000", education: .bachelor, major: .socialWork, certificate: .assistant,
                                   certificateDate: nil, fullTime: true, startedOn: "2030-01-01", endedOn: nil)]
            staff.canAdd = false
            let html = StaffPage.view(staff, caller: worker, csrf: "t").render()
            let table = try #require(html.range(of: #"id="workers".*?</table>"#, options: .regularExpression).map { String(html[$0]) })
            #expect(table.contains("测试社工甲") && table.contains("139****0000"))
            #expect(!posted.contains { table.contains($0) }, "only the model's workers")
            #expect(!html.contains("登记新社工"), "no form when the model says the caller may not add")
            var open = training
            open.canAdd = true
            #expect(TrainingPage.view(open, caller: worker, csrf: "t").render().contains("新增培训记录"))
        }
    }
}
