import Domain
import Vapor

/// The volunteer library's pages and the forms they post to (issue 11 §1).
struct VolunteerPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.volunteers, use: listPage)
        routes.post(SiteURL.volunteers, use: createFromForm)
        routes.get(SiteURL.volunteer(.key), use: volunteerPage)
        routes.post(SiteURL.volunteer(.key), use: updateFromForm)
        routes.post(SiteURL.volunteerReveal(.key), use: revealFromForm)
        routes.get(SiteURL.volunteerTeams, use: teamsPage)
        routes.post(SiteURL.volunteerTeams, use: createTeamFromForm)
        routes.get(SiteURL.volunteerTeam(.key), use: teamPage)
        routes.post(SiteURL.volunteerTeam(.key), use: updateTeamFromForm)
        routes.post(SiteURL.volunteerTeamMembers(.key), use: addMemberFromForm)
        routes.post(SiteURL.volunteerTeamMember(.key), use: leaveFromForm)
        routes.get(SiteURL.volunteerHoursNew, use: hoursForm)
        routes.post(SiteURL.volunteerHoursNew, use: recordFromForm)
        routes.get(SiteURL.volunteerHoursEntry(.key), use: hoursPage)
        routes.post(SiteURL.volunteerHoursConfirm(.key), use: confirmFromForm)
        routes.get(SiteURL.volunteerHoursPending, use: pendingPage)
        routes.post(SiteURL.volunteerHoursConfirmations, use: confirmSelectedFromForm)
        routes.post(SiteURL.volunteerHoursCorrections(.key), use: correctFromForm)
        routes.get(SiteURL.stationRewards(.key), use: rewardsPage)
        routes.post(SiteURL.stationRewards(.key), use: addRewardFromForm)
        routes.post(SiteURL.volunteerReward(.key), use: changeRewardFromForm)
        routes.post(SiteURL.volunteerRedemptions(.key), use: redeemFromForm)
        routes.post(SiteURL.volunteerRedemptionCancellation(.key), use: cancelRedemptionFromForm)
        routes.get(SiteURL.volunteerRecord(.key), use: recordPage)
        routes.get(SiteURL.volunteerRecordPDF(.key), use: recordPDF)
    }

    func rewardsPage(req: Request) async throws -> Response {
        let s = try await VolunteerPoints.station(req.parameters.get("id", as: UUID.self), req: req)
        return RewardsPage.view(try await RewardsPage.query(s, req: req), caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    func addRewardFromForm(req: Request) async throws -> Response {
        let s = try await VolunteerPoints.station(req.parameters.get("id", as: UUID.self), req: req)
        let f = try form(req)
        do {
            _ = try await VolunteerPoints.addReward(s, RewardInput(name: f["name"], points: value(f, "points").flatMap { Int($0) },
                                                                   stock: value(f, "stock").flatMap { Int($0) }), req: req)
            return req.redirect(to: SiteURL.stationRewards(.value(s.id!)).relativeURL())
        } catch let error as AppError {
            var m = try await RewardsPage.query(s, req: req)
            m.values = f
            m.errors = Validator(error)
            return RewardsPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func changeRewardFromForm(req: Request) async throws -> Response {
        let (reward, station) = try await VolunteerPoints.findReward(req.parameters.get("id", as: UUID.self), req: req)
        let f = try form(req)
        let p = RewardsPage.prefix(reward.id!)
        do {
            var parse = Validator()
            let add = value(f, p + "add_stock"), points = value(f, p + "points")
            if let add, Int(add) == nil { parse.add("add_stock", "补充数量应为整数") }
            if let points, Int(points) == nil { parse.add("points", "兑换所需积分应为整数") }
            try parse.check()
            _ = try await VolunteerPoints.changeReward(reward, of: station, RewardPatch(addStock: add.flatMap { Int($0) }, stockWas: value(f, p + "stock_was").flatMap { Int($0) },
                                                                                      points: points.flatMap { Int($0) }), req: req)
            return req.redirect(to: SiteURL.stationRewards(.value(station.id!)).relativeURL())
        } catch let error as AppError {
            var m = try await RewardsPage.query(station, req: req)
            m.changeValues = f
            m.changeErrors = Validator(error, prefix: p)
            return RewardsPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func cancelRedemptionFromForm(req: Request) async throws -> Response {
        let (redemption, station) = try await VolunteerPoints.findRedemption(req.parameters.get("id", as: UUID.self), req: req)
        let v = try await VolunteerService.find(redemption.volunteerID, .read, req: req)
        let f = try form(req)
        let p = VolunteerPage.cancelPrefix(redemption.id!)
        do {
            try await VolunteerPoints.cancel(redemption, of: station, RedemptionCancellationInput(reason: f[p + "reason"]), req: req)
            return req.redirect(to: SiteURL.volunteer(.value(v.id!)).relativeURL() + "#points")
        } catch let error as AppError {
            var m = try await VolunteerPage.query(v, req: req)
            m.cancelValues = f
            m.cancelErrors = Validator(error, prefix: p)
            return VolunteerPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func redeemFromForm(req: Request) async throws -> Response {
        let v = try await VolunteerService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let f = try form(req)
        do {
            let quantity = value(f, "quantity")
            if let quantity, Int(quantity) == nil { throw AppError.field("quantity", "数量应为整数") }
            _ = try await VolunteerPoints.redeem(v, RedemptionInput(rewardId: uuid(f, "reward_id"), quantity: quantity.flatMap { Int($0) }), req: req)
            return req.redirect(to: SiteURL.volunteer(.value(v.id!)).relativeURL() + "#points")
        } catch let error as AppError {
            var m = try await VolunteerPage.query(v, req: req)
            m.redeemValues = f
            m.redeemErrors = Validator(error)
            return VolunteerPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func recordPage(req: Request) async throws -> Response {
        let v = try await VolunteerService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return VolunteerRecordPage.view(try await VolunteerRecordPage.query(v, req: req), caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    /// The record of service as a PDF: the same page, printed by headless Chromium (503 without it).
    func recordPDF(req: Request) async throws -> Response {
        let v = try await VolunteerService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let html = VolunteerRecordPage.view(try await VolunteerRecordPage.query(v, req: req), caller: try req.requireCaller(), csrf: "").render()
        let pdf = try await PDFPrinter.pdf(html: html, chromium: req.application.settings.chromiumPath)
        // A document with the volunteer's name and masked ID leaves the platform: who took it is audited.
        let caller = try req.requireCaller()
        try await req.audit.record(.sensitiveRead, entityType: "volunteer", entityID: v.id?.uuidString,
                                   changes: ["field": [nil, "service_record_pdf"]], actor: caller.userID, actorName: caller.username)
        var headers = HTTPHeaders()
        headers.contentType = .init(type: "application", subType: "pdf")
        let name = "志愿服务记录-\(v.name).pdf"
        headers.replaceOrAdd(name: .contentDisposition,
                             value: "attachment; filename=\"volunteer-record.pdf\"; filename*=UTF-8''\(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "volunteer-record.pdf")")
        headers.add(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: pdf))
    }

    private func form(_ req: Request) throws -> [String: String] { try req.content.decode([String: String].self) }
    private func value(_ form: [String: String], _ name: String) -> String? { form[name].flatMap { $0.isEmpty ? nil : $0 } }
    private func uuid(_ form: [String: String], _ name: String) -> UUID? { value(form, name).flatMap(UUID.init(uuidString:)) }

    func listPage(req: Request) async throws -> Response {
        VolunteerListPage.view(try await VolunteerListPage.query(req), caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    func createFromForm(req: Request) async throws -> Response {
        let f = try form(req)
        do {
            let v = try await VolunteerService.create(VolunteerInput(stationId: uuid(f, "station_id"), name: f["name"], residentId: f["resident_id"], phone: f["phone"],
                                                                     village: f["village"], skills: f["skills"], availability: f["availability"],
                                                                     nationalRegistration: f["national_registration"], recipientId: nil), req: req)
            return req.redirect(to: SiteURL.volunteer(.value(v.id!)).relativeURL())
        } catch let error as AppError {
            var m = try await VolunteerListPage.query(req)
            m.values = f
            m.errors = Validator(error)
            return VolunteerListPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func volunteerPage(req: Request) async throws -> Response {
        let v = try await VolunteerService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return VolunteerPage.view(try await VolunteerPage.query(v, req: req), caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    func updateFromForm(req: Request) async throws -> Response {
        let v = try await VolunteerService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let f = try form(req)
        do {
            _ = try await VolunteerService.update(v, VolunteerPatch(status: f["status"], skills: f["skills"] ?? "", availability: f["availability"] ?? "",
                                                                    nationalRegistration: f["national_registration"] ?? ""), req: req)
            return req.redirect(to: SiteURL.volunteer(.value(v.id!)).relativeURL())
        } catch let error as AppError {
            var m = try await VolunteerPage.query(v, req: req)
            m.editValues = f
            m.editErrors = Validator(error)
            return VolunteerPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func revealFromForm(req: Request) async throws -> Response {
        let v = try await VolunteerService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let f = try form(req)
        var m = try await VolunteerPage.query(v, req: req)
        do {
            m.revealed = try await VolunteerService.reveal(v, VolunteerRevealInput(field: f["field"], reason: f["reason"]), req: req)
            return VolunteerPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response()
        } catch let error as AppError {
            m.revealValues = f
            m.revealErrors = Validator(error)
            return VolunteerPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func teamsPage(req: Request) async throws -> Response {
        VolunteerTeamsPage.view(try await VolunteerTeamsPage.query(req), caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    func createTeamFromForm(req: Request) async throws -> Response {
        let f = try form(req)
        do {
            let t = try await VolunteerTeams.create(VolunteerTeamInput(stationId: uuid(f, "station_id"), village: f["village"], name: f["name"],
                                                                       leaderId: uuid(f, "leader_id"), nationalRegistration: f["national_registration"]), req: req)
            return req.redirect(to: SiteURL.volunteerTeam(.value(t.id!)).relativeURL())
        } catch let error as AppError {
            var m = try await VolunteerTeamsPage.query(req)
            m.values = f
            m.errors = Validator(error)
            return VolunteerTeamsPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func teamPage(req: Request) async throws -> Response {
        let t = try await VolunteerTeams.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return VolunteerTeamPage.view(try await VolunteerTeamPage.query(t, req: req), caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    func updateTeamFromForm(req: Request) async throws -> Response {
        let t = try await VolunteerTeams.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let f = try form(req)
        do {
            _ = try await VolunteerTeams.update(t, VolunteerTeamPatch(name: f["name"], leaderId: uuid(f, "leader_id"), nationalRegistration: f["national_registration"] ?? ""),
                                                req: req)
            return req.redirect(to: SiteURL.volunteerTeam(.value(t.id!)).relativeURL())
        } catch let error as AppError {
            var m = try await VolunteerTeamPage.query(t, req: req)
            m.values = f
            m.errors = Validator(error)
            return VolunteerTeamPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func addMemberFromForm(req: Request) async throws -> Response {
        let t = try await VolunteerTeams.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let f = try form(req)
        do {
            try await VolunteerTeams.addMember(t, TeamMemberInput(volunteerId: uuid(f, "volunteer_id"), joinedOn: f["joined_on"], leftOn: value(f, "left_on")), req: req)
            return req.redirect(to: SiteURL.volunteerTeam(.value(t.id!)).relativeURL())
        } catch let error as AppError {
            var m = try await VolunteerTeamPage.query(t, req: req)
            m.values = f
            m.errors = Validator(error)
            return VolunteerTeamPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func leaveFromForm(req: Request) async throws -> Response {
        let (member, t) = try await VolunteerTeams.findMember(req.parameters.get("id", as: UUID.self), req: req)
        let f = try form(req)
        let p = VolunteerTeamPage.leavePrefix(member.id!)
        do {
            try await VolunteerTeams.leave(member, of: t, TeamMemberLeave(leftOn: f[p + "left_on"]), req: req)
            return req.redirect(to: SiteURL.volunteerTeam(.value(t.id!)).relativeURL())
        } catch let error as AppError {
            var m = try await VolunteerTeamPage.query(t, req: req)
            m.leaveValues = f
            m.leaveErrors = Validator(error, prefix: p)
            return VolunteerTeamPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func hoursForm(req: Request) async throws -> Response {
        VolunteerHoursNewPage.view(try await VolunteerHoursNewPage.query(req), caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    func recordFromForm(req: Request) async throws -> Response {
        let f = try form(req)
        var m = try await VolunteerHoursNewPage.query(req)
        do {
            let h = try await VolunteerHoursService.record(VolunteerHoursInput(volunteerId: uuid(f, "volunteer_id"), activityKind: m.kind.rawValue, recordId: m.recordID,
                                                                               stationId: uuid(f, "station_id"), activityName: f["activity_name"], place: f["place"],
                                                                               startsAt: f["starts_at"], endsAt: f["ends_at"]), req: req)
            return req.redirect(to: SiteURL.volunteerHoursEntry(.value(h.id)).relativeURL())
        } catch let error as AppError {
            m.values = f
            m.errors = Validator(error)
            return VolunteerHoursNewPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func hoursPage(req: Request) async throws -> Response {
        let h = try await VolunteerHoursService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return VolunteerHoursPage.view(try await VolunteerHoursPage.query(h, req: req), caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    func confirmFromForm(req: Request) async throws -> Response {
        let h = try await VolunteerHoursService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        do {
            _ = try await VolunteerHoursService.confirm(h, req: req)
            return req.redirect(to: SiteURL.volunteerHoursEntry(.value(h.id!)).relativeURL())
        } catch let error as AppError {
            var m = try await VolunteerHoursPage.query(h, req: req)
            m.errors = Validator(error)
            return VolunteerHoursPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func pendingPage(req: Request) async throws -> Response {
        VolunteerHoursPendingPage.view(try await VolunteerHoursPendingPage.query(req), caller: try req.requireCaller(), csrf: req.csrfToken).response()
    }

    struct Selection: Content {
        var ids: [UUID]?
    }

    /// The ticked entries, each looked up in the caller's scope, confirmed together.
    func confirmSelectedFromForm(req: Request) async throws -> Response {
        let selection = try req.content.decode(Selection.self)
        let record = try req.queryValue(UUID.self, "record")
        do {
            var seen = Set<UUID>()
            let ids = (selection.ids ?? []).filter { seen.insert($0).inserted }
            if ids.isEmpty { throw AppError.field("ids", "请勾选要确认的服务时长") }
            let entries = try await VolunteerHoursService.find(ids, .read, req: req)
            let confirmed = try await VolunteerHoursService.confirm(entries, req: req)
            return req.redirect(to: SiteURL.volunteerHoursPending.relativeURL(["record": record?.uuidString, "confirmed": String(confirmed.count)]))
        } catch let error as AppError {
            var m = try await VolunteerHoursPendingPage.query(req)
            m.errors = Validator(error)
            return VolunteerHoursPendingPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }

    func correctFromForm(req: Request) async throws -> Response {
        let h = try await VolunteerHoursService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let f = try form(req)
        do {
            _ = try await VolunteerHoursService.correct(h, VolunteerHoursCorrection(version: value(f, "version").flatMap { Int($0) }, startsAt: value(f, "starts_at"),
                                                                                   endsAt: value(f, "ends_at"), activityName: f["activity_name"], place: f["place"],
                                                                                   reason: f["reason"]), req: req)
            return req.redirect(to: SiteURL.volunteerHoursEntry(.value(h.id!)).relativeURL())
        } catch let error as AppError {
            var m = try await VolunteerHoursPage.query(h, req: req)
            m.values = m.values.merging(f) { _, new in new }
            m.errors = Validator(error)
            return VolunteerHoursPage.view(m, caller: try req.requireCaller(), csrf: req.csrfToken).response(status: error.status)
        }
    }
}
