@testable import App
import Domain
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Issue 11 §1: points for confirmed hours where the city's profile sets R-4 (Wuhan), rewards with
/// stock, a balance that never goes below zero, and the record of service with its PDF.
@Suite("Volunteer points and the record of service")
struct VolunteerPointsTests {
    static let wuhanID = ResidentID.completing("42010219850101005")!

    /// Wuhan's R-4 parameters as its civil-affairs bureau sets them on the policy page.
    static func setPoints(_ world: TestWorld, year: Int, perHour: Double = 10, rounding: Double = 0) async throws {
        let admin = try await world.token("wuhan")
        for (param, value) in [("pointsPerHour", perHour), ("pointsRounding", rounding)] {
            let res = try await world.api(.POST, "/api/v1/policy/versions", token: admin, json: [
                "rule_id": "R-4", "param": param, "value": value, "effective_from": "\(year)-01-01", "backdate_reason": "年初起施行的积分办法"])
            #expect(res.status == .created, "\(res.body.string)")
        }
    }

    /// A Wuhan volunteer with confirmed hours (2.5 h at 10 points an hour, rounded down: 25 points).
    static func wuhanVolunteer(_ world: TestWorld, year: Int, token: String) async throws -> (volunteer: UUID, hours: String) {
        let created = try await world.api(.POST, "/api/v1/volunteers", token: token, json: [
            "name": "陈晓红", "resident_id": Self.wuhanID, "village": try await RecipientTests.village(world, street: "大智街道")])
        #expect(created.status == .created, "\(created.body.string)")
        let volunteer = UUID(uuidString: try created.json()["id"] as? String ?? "")!
        let hours = try await world.api(.POST, "/api/v1/volunteer-hours", token: token, json: [
            "volunteer_id": volunteer.uuidString, "activity_kind": "standalone", "activity_name": "江边护河巡查", "place": "大智路社区",
            "starts_at": "\(year)-06-01T08:00", "ends_at": "\(year)-06-01T10:30"])
        let id = try hours.json()["id"] as? String ?? ""
        let confirmed = try await world.api(.POST, "/api/v1/volunteer-hours/\(id)/confirm", token: token)
        #expect(confirmed.status == .ok, "\(confirmed.body.string)")
        return (volunteer, id)
    }

    @Test func pointsPagesAnswer422NamingR4WhereTheProfileHasNoPoints() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let year = FeaturedProjectTests.midYear(world)
            let dazhi = try await FeaturedProjectTests.worker(world, "dazhi", street: world.id("大智街道"))
            // act
            let jinan = try await world.api(.GET, "/api/v1/stations/\(world.id("station:解放路街道"))/rewards", token: worker)
            let wuhanUnset = try await world.api(.GET, "/api/v1/stations/\(world.id("station:大智街道"))/rewards", token: dazhi)
            try await Self.setPoints(world, year: year)
            let wuhanSet = try await world.api(.GET, "/api/v1/stations/\(world.id("station:大智街道"))/rewards", token: dazhi)
            // check
            #expect(jinan.status == .unprocessableEntity)
            #expect(try jinan.problemFields()["points"]?.contains("R-4") == true)
            #expect(wuhanUnset.status == .unprocessableEntity)
            #expect(try wuhanUnset.problemFields()["points"]?.contains("尚未设置") == true)
            #expect(wuhanSet.status == .ok)
            #expect(try wuhanSet.json()["points_per_hour"] as? Double == 10)
        }
    }

    @Test func confirmedHoursEarnPointsAndTwoRedemptionsAtOnceSpendThemOnce() async throws {
        try await withApp { world in
            // setup
            let year = FeaturedProjectTests.midYear(world)
            try await Self.setPoints(world, year: year)
            let dazhi = try await FeaturedProjectTests.worker(world, "dazhi", street: world.id("大智街道"))
            let (volunteer, _) = try await Self.wuhanVolunteer(world, year: year, token: dazhi)
            let station = world.id("station:大智街道")
            let reward = try await world.api(.POST, "/api/v1/stations/\(station)/rewards", token: dazhi, json: ["name": "爱心米面油", "points": 15, "stock": 5])
            let rewardID = try reward.json()["id"] as? String ?? ""
            let empty = try await world.api(.POST, "/api/v1/stations/\(station)/rewards", token: dazhi, json: ["name": "电影票", "points": 1, "stock": 0])
            let before = try await world.api(.GET, "/api/v1/volunteers/\(volunteer)/points", token: dazhi)
            // act
            async let a = world.api(.POST, "/api/v1/volunteers/\(volunteer)/redemptions", token: dazhi, json: ["reward_id": rewardID])
            async let b = world.api(.POST, "/api/v1/volunteers/\(volunteer)/redemptions", token: dazhi, json: ["reward_id": rewardID])
            let statuses = [try await a.status, try await b.status]
            let outOfStock = try await world.api(.POST, "/api/v1/volunteers/\(volunteer)/redemptions", token: dazhi,
                                                 json: ["reward_id": try empty.json()["id"] as? String ?? ""])
            let after = try await world.api(.GET, "/api/v1/volunteers/\(volunteer)/points", token: dazhi)
            let catalogue = try await world.api(.GET, "/api/v1/stations/\(station)/rewards", token: dazhi)
            // check
            #expect(reward.status == .created, "\(reward.body.string)")
            #expect(try before.json()["balance"] as? Int == 25)
            #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == 1, "\(statuses)")
            #expect(outOfStock.status == .conflict)
            #expect(try outOfStock.problemFields()["quantity"]?.contains("库存不足") == true)
            #expect(try after.json()["balance"] as? Int == 10)
            let items = try catalogue.json()["items"] as? [[String: Any]] ?? []
            #expect(items.first { $0["name"] as? String == "爱心米面油" }?["stock"] as? Int == 4)
        }
    }

    @Test func aCorrectionAdjustsPointsButNeverTakesTheBalanceBelowZero() async throws {
        try await withApp { world in
            // setup
            let year = FeaturedProjectTests.midYear(world)
            try await Self.setPoints(world, year: year)
            let dazhi = try await FeaturedProjectTests.worker(world, "dazhi", street: world.id("大智街道"))
            let (volunteer, hours) = try await Self.wuhanVolunteer(world, year: year, token: dazhi)
            let reward = try await world.api(.POST, "/api/v1/stations/\(world.id("station:大智街道"))/rewards", token: dazhi,
                                             json: ["name": "爱心米面油", "points": 15, "stock": 5])
            _ = try await world.api(.POST, "/api/v1/volunteers/\(volunteer)/redemptions", token: dazhi, json: ["reward_id": try reward.json()["id"] as? String ?? ""])
            // act: 25 earned, 15 spent; down to 0.5 h (5 points) would need 20 back, only 10 are left
            let refused = try await world.api(.POST, "/api/v1/volunteer-hours/\(hours)/corrections", token: dazhi,
                                              json: ["version": 1, "ends_at": "\(year)-06-01T08:30", "reason": "签到表核对"])
            let corrected = try await world.api(.POST, "/api/v1/volunteer-hours/\(hours)/corrections", token: dazhi,
                                                json: ["version": 1, "ends_at": "\(year)-06-01T09:30", "reason": "签到表核对"])
            let points = try await world.api(.GET, "/api/v1/volunteers/\(volunteer)/points", token: dazhi)
            // check
            #expect(refused.status == .conflict)
            #expect(try refused.problemFields()["ends_at"]?.contains("不能为负") == true)
            #expect(corrected.status == .created, "\(corrected.body.string)")
            #expect(try points.json()["balance"] as? Int == 0)
            let kinds = (try points.json()["entries"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(Set(kinds) == ["earned", "redeemed", "adjusted"])
        }
    }

    @Test func theRecordOfServiceSaysItIsThePlatformsAndPrintsAsPDF() async throws {
        try await withApp { world in
            // setup
            let worker = try await world.token("worker")
            let volunteer = try await VolunteerTests.register(world, token: worker)
            let entry = try await world.api(.POST, "/api/v1/volunteer-hours", token: worker, json: VolunteerTests.standalone(volunteer))
            _ = try await world.api(.POST, "/api/v1/volunteer-hours/\(try entry.json()["id"] as? String ?? "")/confirm", token: worker)
            _ = try await world.api(.POST, "/api/v1/volunteer-hours", token: worker, json: VolunteerTests.standalone(volunteer, from: "14:00", to: "15:00", name: "未确认的活动"))
            let browser = Browser(world)
            try await browser.login("worker")
            // act
            let page = try await browser.get("/volunteers/\(volunteer)/record")
            world.app.settings.chromiumPath = "/nonexistent/chromium"
            let missing = try await browser.get("/volunteers/\(volunteer)/record.pdf")
            world.app.settings.chromiumPath = "/usr/bin/chromium"
            let pdf = FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") ? try await browser.get("/volunteers/\(volunteer)/record.pdf") : nil
            let neighbour = Browser(world)
            _ = try await RecipientTests.neighbourWorker(world)
            try await neighbour.login("qianfo")
            let outside = try await neighbour.get("/volunteers/\(volunteer)/record")
            // check
            #expect(page.status == .ok)
            #expect(page.body.string.contains("平台记录，非全国志愿服务信息系统证明"))
            #expect(page.body.string.contains("社区环境清洁") && !page.body.string.contains("未确认的活动"))
            #expect(page.body.string.contains("2 小时"))
            #expect(page.body.string.contains("出具：济南市历下区解放路街道社会工作服务站") || page.body.string.contains("出具："))
            #expect(missing.status == .serviceUnavailable)
            #expect(missing.body.string.contains("Chromium"))
            if let pdf {
                #expect(pdf.status == .ok)
                #expect(pdf.body.readableBytesView.starts(with: Array("%PDF".utf8)))
                let taken = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "volunteer").filter(\.$action == .sensitiveRead).count()
                #expect(taken == 1)
            }
            #expect(outside.status == .notFound)
        }
    }

    /// The street officer of 大智街道 (reads, may not change) and a worker of 二七街道, another street of 江岸区.
    static func wuhanOutsiders(_ world: TestWorld) async throws -> (reader: String, neighbour: String) {
        let reader = try await FeaturedProjectTests.worker(world, "dazhistreet", street: world.id("大智街道"), role: .streetOfficer)
        let (street, _) = try await FeaturedProjectTests.secondJiangan(world)
        return (reader, try await FeaturedProjectTests.worker(world, "erqi", street: street))
    }

    /// R-4: a reward is restocked (the stock seen is sent along, so the same restock twice is a 409)
    /// and repriced from now on; a redemption made before keeps what it cost.
    @Test func aStationRestocksARewardOnceAndRepricesItFromNowOn() async throws {
        try await withApp { world in
            // setup: 25 points; 爱心米面油 at 15 points, 1 in stock, one taken
            let year = FeaturedProjectTests.midYear(world)
            try await Self.setPoints(world, year: year)
            let dazhi = try await FeaturedProjectTests.worker(world, "dazhi", street: world.id("大智街道"))
            let (volunteer, _) = try await Self.wuhanVolunteer(world, year: year, token: dazhi)
            let reward = try await world.api(.POST, "/api/v1/stations/\(world.id("station:大智街道"))/rewards", token: dazhi,
                                             json: ["name": "爱心米面油", "points": 15, "stock": 1])
            let rewardID = try reward.json()["id"] as? String ?? ""
            _ = try await world.api(.POST, "/api/v1/volunteers/\(volunteer)/redemptions", token: dazhi, json: ["reward_id": rewardID])
            let (reader, neighbour) = try await Self.wuhanOutsiders(world)
            let path = "/api/v1/volunteer-rewards/\(rewardID)"
            // act
            let unseen = try await world.api(.PATCH, path, token: dazhi, json: ["add_stock": 4])
            let nothing = try await world.api(.PATCH, path, token: dazhi, json: [String: Any]())
            let byStreet = try await world.api(.PATCH, path, token: reader, json: ["add_stock": 4, "stock_was": 0])
            let byNeighbour = try await world.api(.PATCH, path, token: neighbour, json: ["add_stock": 4, "stock_was": 0])
            let restocked = try await world.api(.PATCH, path, token: dazhi, json: ["add_stock": 4, "stock_was": 0])
            let twice = try await world.api(.PATCH, path, token: dazhi, json: ["add_stock": 4, "stock_was": 0])
            let repriced = try await world.api(.PATCH, path, token: dazhi, json: ["points": 5])
            let redeemed = try await world.api(.POST, "/api/v1/volunteers/\(volunteer)/redemptions", token: dazhi, json: ["reward_id": rewardID])
            // check
            #expect(try unseen.status == .unprocessableEntity && (unseen.problemFields()["stock_was"]) != nil)
            #expect(try nothing.status == .unprocessableEntity && (nothing.problemFields()["add_stock"]) != nil)
            #expect(byStreet.status == .forbidden)
            #expect(byNeighbour.status == .notFound)
            #expect(restocked.status == .ok, "\(restocked.body.string)")
            #expect(try restocked.json()["stock"] as? Int == 4)
            #expect(twice.status == .conflict)
            #expect(try twice.problemFields()["add_stock"]?.contains("库存已由 0 件变为 4 件") == true)
            #expect(try repriced.json()["points"] as? Int == 5 && (try repriced.json()["stock"] as? Int) == 4)
            #expect(try redeemed.json()["balance"] as? Int == 5, "25 − 15 − 5")
            let prices = (try redeemed.json()["redemptions"] as? [[String: Any]] ?? []).compactMap { $0["points"] as? Int }
            #expect(prices.sorted() == [5, 15])
            let events = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "volunteer_reward").filter(\.$action == .update).all()
            #expect(events.count == 2)
            #expect(events.contains { $0.changes.contains("\"stock\"") && $0.changes.contains("\"4\"") })
        }
    }

    /// A restock and two redemptions at once: whatever the order, the stock is what was added less
    /// what was taken, never below zero, and no redemption is recorded without its item.
    @Test func aRestockAndTwoRedemptionsAtOnceNeverTakeTheStockBelowZero() async throws {
        try await withApp { world in
            // setup: 25 points, a reward of 5 points with 1 in stock
            let year = FeaturedProjectTests.midYear(world)
            try await Self.setPoints(world, year: year)
            let dazhi = try await FeaturedProjectTests.worker(world, "dazhi", street: world.id("大智街道"))
            let (volunteer, _) = try await Self.wuhanVolunteer(world, year: year, token: dazhi)
            let reward = try await world.api(.POST, "/api/v1/stations/\(world.id("station:大智街道"))/rewards", token: dazhi,
                                             json: ["name": "公园年票", "points": 5, "stock": 1])
            let rewardID = try reward.json()["id"] as? String ?? ""
            // act
            async let a = world.api(.POST, "/api/v1/volunteers/\(volunteer)/redemptions", token: dazhi, json: ["reward_id": rewardID])
            async let b = world.api(.POST, "/api/v1/volunteers/\(volunteer)/redemptions", token: dazhi, json: ["reward_id": rewardID])
            async let c = world.api(.PATCH, "/api/v1/volunteer-rewards/\(rewardID)", token: dazhi, json: ["add_stock": 1, "stock_was": 1])
            let redemptions = [try await a.status, try await b.status]
            let restock = try await c.status
            let stock = try #require(try await VolunteerReward.find(UUID(uuidString: rewardID), on: world.app.db)).stock
            // check
            #expect(redemptions.allSatisfy { $0 == .created || $0 == .conflict }, "\(redemptions)")
            #expect(restock == .ok || restock == .conflict, "\(restock)")
            let taken = redemptions.filter { $0 == .created }.count
            #expect(taken >= 1)
            #expect(stock >= 0)
            #expect(stock == 1 + (restock == .ok ? 1 : 0) - taken)
            #expect(try await VolunteerRedemption.query(on: world.app.db).count() == taken)
        }
    }

    /// A mistaken redemption is cancelled by a reversing entry: the points come back to the balance
    /// and the item to the stock, the redemption stays (marked cancelled); once, by its station only.
    @Test func aMistakenRedemptionIsCancelledOnceByAReversingEntry() async throws {
        try await withApp { world in
            // setup: 25 points, 15 spent on 爱心米面油 (5 in stock, 4 left)
            let year = FeaturedProjectTests.midYear(world)
            try await Self.setPoints(world, year: year)
            let dazhi = try await FeaturedProjectTests.worker(world, "dazhi", street: world.id("大智街道"))
            let (volunteer, _) = try await Self.wuhanVolunteer(world, year: year, token: dazhi)
            let station = world.id("station:大智街道")
            let reward = try await world.api(.POST, "/api/v1/stations/\(station)/rewards", token: dazhi, json: ["name": "爱心米面油", "points": 15, "stock": 5])
            let redeemed = try await world.api(.POST, "/api/v1/volunteers/\(volunteer)/redemptions", token: dazhi,
                                               json: ["reward_id": try reward.json()["id"] as? String ?? ""])
            let redemption = (try redeemed.json()["redemptions"] as? [[String: Any]])?.first?["id"] as? String ?? ""
            let (reader, neighbour) = try await Self.wuhanOutsiders(world)
            let path = "/api/v1/volunteer-redemptions/\(redemption)/cancellation"
            // act
            let noReason = try await world.api(.POST, path, token: dazhi, json: ["reason": " "])
            let byStreet = try await world.api(.POST, path, token: reader, json: ["reason": "误兑换"])
            let byNeighbour = try await world.api(.POST, path, token: neighbour, json: ["reason": "误兑换"])
            let cancelled = try await world.api(.POST, path, token: dazhi, json: ["reason": "登记错了志愿者"])
            let twice = try await world.api(.POST, path, token: dazhi, json: ["reason": "再次撤销"])
            let catalogue = try await world.api(.GET, "/api/v1/stations/\(station)/rewards", token: dazhi)
            // check
            #expect(try noReason.status == .unprocessableEntity && (noReason.problemFields()["reason"]) == "撤销原因不能为空")
            #expect(byStreet.status == .forbidden)
            #expect(byNeighbour.status == .notFound)
            #expect(cancelled.status == .created, "\(cancelled.body.string)")
            let account = try cancelled.json()
            #expect(account["balance"] as? Int == 25)
            #expect((account["redemptions"] as? [[String: Any]])?.first?["cancelled"] as? Bool == true)
            let kinds = (account["entries"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds.sorted() == ["cancelled", "earned", "redeemed"])
            #expect(twice.status == .conflict)
            #expect(try twice.problemFields()["reason"]?.contains("已撤销过") == true)
            #expect((try catalogue.json()["items"] as? [[String: Any]])?.first?["stock"] as? Int == 5)
            #expect(try await VolunteerRedemption.query(on: world.app.db).count() == 1)
            let events = try await AuditEvent.query(on: world.app.db).filter(\.$entityType == "volunteer_redemption").filter(\.$action == .update).all()
            #expect(events.count == 1 && events.first?.changes.contains("登记错了志愿者") == true)
        }
    }

    /// The rewards page restocks a reward (a second click of the same form is refused) and the
    /// volunteer page cancels a redemption.
    @Test func theRewardsAndVolunteerPagesRestockAndCancelOnTheirForms() async throws {
        try await withApp { world in
            // setup
            let year = FeaturedProjectTests.midYear(world)
            try await Self.setPoints(world, year: year)
            let dazhi = try await FeaturedProjectTests.worker(world, "dazhi", street: world.id("大智街道"))
            let (volunteer, _) = try await Self.wuhanVolunteer(world, year: year, token: dazhi)
            let station = world.id("station:大智街道")
            let reward = try await world.api(.POST, "/api/v1/stations/\(station)/rewards", token: dazhi, json: ["name": "爱心米面油", "points": 15, "stock": 2])
            let rewardID = UUID(uuidString: try reward.json()["id"] as? String ?? "")!
            let redeemed = try await world.api(.POST, "/api/v1/volunteers/\(volunteer)/redemptions", token: dazhi, json: ["reward_id": rewardID.uuidString])
            let redemption = UUID(uuidString: (try redeemed.json()["redemptions"] as? [[String: Any]])?.first?["id"] as? String ?? "")!
            let browser = Browser(world)
            _ = try await browser.login("dazhi")
            let p = RewardsPage.prefix(rewardID)
            let x = VolunteerPage.cancelPrefix(redemption)
            // act
            let rewardsPage = try await browser.get("/stations/\(station)/rewards").body.string
            let form = [p + "stock_was": "1", p + "add_stock": "3", p + "points": "15"]
            let restocked = try await browser.post("/volunteer-rewards/\(rewardID)", form: form)
            let secondClick = try await browser.post("/volunteer-rewards/\(rewardID)", form: form)
            let volunteerPage = try await browser.get("/volunteers/\(volunteer)").body.string
            let cancelled = try await browser.post("/volunteer-redemptions/\(redemption)/cancellation", form: [x + "reason": "误兑换"])
            let after = try await browser.get("/volunteers/\(volunteer)").body.string
            // check
            #expect(rewardsPage.contains("action=\"/volunteer-rewards/\(rewardID)\""))
            #expect(restocked.status == .seeOther)
            #expect(secondClick.status == .conflict)
            #expect(secondClick.body.string.contains("库存已由 1 件变为 4 件"))
            #expect(volunteerPage.contains("action=\"/volunteer-redemptions/\(redemption)/cancellation\""))
            #expect(cancelled.status == .seeOther)
            #expect(after.contains("已撤销") && after.contains("兑换撤销"))
            #expect(try await VolunteerReward.find(rewardID, on: world.app.db)?.stock == 5)
        }
    }
}
