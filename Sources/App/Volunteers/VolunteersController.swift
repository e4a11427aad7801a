import Domain
import Vapor

/// The volunteer library (issue 11 §1): the JSON API of volunteers, teams and hours.
struct VolunteersController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(ApiRoute.volunteers, use: apiList)
        routes.post(ApiRoute.volunteers, use: apiCreate)
        routes.get(ApiRoute.volunteer(.key), use: apiShow)
        routes.patch(ApiRoute.volunteer(.key), use: apiUpdate)
        routes.post(ApiRoute.volunteerReveal(.key), use: apiReveal)
        routes.get(ApiRoute.volunteerHoursOf(.key), use: apiHoursOf)
        routes.get(ApiRoute.volunteerTeams, use: apiTeams)
        routes.post(ApiRoute.volunteerTeams, use: apiCreateTeam)
        routes.get(ApiRoute.volunteerTeam(.key), use: apiTeam)
        routes.patch(ApiRoute.volunteerTeam(.key), use: apiUpdateTeam)
        routes.post(ApiRoute.volunteerTeamMembers(.key), use: apiAddMember)
        routes.patch(ApiRoute.volunteerTeamMember(.key), use: apiLeave)
        routes.post(ApiRoute.volunteerHours, use: apiRecordHours)
        routes.get(ApiRoute.volunteerHoursEntry(.key), use: apiHoursEntry)
        routes.post(ApiRoute.volunteerHoursConfirm(.key), use: apiConfirm)
        routes.post(ApiRoute.volunteerHoursCorrections(.key), use: apiCorrect)
        routes.upload(ApiRoute.volunteerHoursImports) { try await VolunteerHoursImport.api(req: $0) }
        routes.get(ApiRoute.stationRewards(.key), use: apiRewards)
        routes.post(ApiRoute.stationRewards(.key), use: apiAddReward)
        routes.patch(ApiRoute.volunteerReward(.key), use: apiChangeReward)
        routes.get(ApiRoute.volunteerPoints(.key), use: apiPoints)
        routes.post(ApiRoute.volunteerRedemptions(.key), use: apiRedeem)
        routes.post(ApiRoute.volunteerRedemptionCancellation(.key), use: apiCancelRedemption)
    }

    func apiChangeReward(req: Request) async throws -> RewardDTO {
        let (reward, station) = try await VolunteerPoints.findReward(req.parameters.get("id", as: UUID.self), req: req)
        return VolunteerPoints.dto(try await VolunteerPoints.changeReward(reward, of: station, try req.content.decode(RewardPatch.self), req: req))
    }

    func apiCancelRedemption(req: Request) async throws -> Response {
        let (redemption, station) = try await VolunteerPoints.findRedemption(req.parameters.get("id", as: UUID.self), req: req)
        try await VolunteerPoints.cancel(redemption, of: station, try req.content.decode(RedemptionCancellationInput.self), req: req)
        let volunteer = try await VolunteerService.find(redemption.volunteerID, .read, req: req)
        return try await VolunteerPoints.account(volunteer, req: req).encodeResponse(status: .created, for: req)
    }

    func apiLeave(req: Request) async throws -> VolunteerTeamDTO {
        let (member, team) = try await VolunteerTeams.findMember(req.parameters.get("id", as: UUID.self), req: req)
        try await VolunteerTeams.leave(member, of: team, try req.content.decode(TeamMemberLeave.self), req: req)
        return try await VolunteerTeams.dtos([team], on: req.db)[0]
    }

    func apiRewards(req: Request) async throws -> RewardList {
        try await VolunteerPoints.rewards(try await VolunteerPoints.station(req.parameters.get("id", as: UUID.self), req: req), req: req)
    }

    func apiAddReward(req: Request) async throws -> Response {
        let s = try await VolunteerPoints.station(req.parameters.get("id", as: UUID.self), req: req)
        let reward = try await VolunteerPoints.addReward(s, try req.content.decode(RewardInput.self), req: req)
        return try await VolunteerPoints.dto(reward).encodeResponse(status: .created, for: req)
    }

    func apiPoints(req: Request) async throws -> PointsAccount {
        try await VolunteerPoints.account(try await VolunteerService.find(req.parameters.get("id", as: UUID.self), .read, req: req), req: req)
    }

    func apiRedeem(req: Request) async throws -> Response {
        let v = try await VolunteerService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        _ = try await VolunteerPoints.redeem(v, try req.content.decode(RedemptionInput.self), req: req)
        return try await VolunteerPoints.account(v, req: req).encodeResponse(status: .created, for: req)
    }

    func apiList(req: Request) async throws -> VolunteerList {
        _ = try req.requireCaller()   // a stranger gets 401 before the query is read
        let (items, paging) = try await VolunteerService.list(station: try req.queryValue(UUID.self, "station"), query: try req.queryValue(String.self, "q"),
                                                              page: try req.queryValue(Int.self, "page"), per: try req.queryValue(Int.self, "per"), req: req)
        return VolunteerList(items: items, page: paging.page, per: paging.per, total: paging.total)
    }

    func apiCreate(req: Request) async throws -> Response {
        let v = try await VolunteerService.create(try req.content.decode(VolunteerInput.self), req: req)
        return try await VolunteerService.dto(try await VolunteerService.find(v.id, .read, req: req), req: req).encodeResponse(status: .created, for: req)
    }

    func apiUpdate(req: Request) async throws -> VolunteerDTO {
        let v = try await VolunteerService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return try await VolunteerService.dto(try await VolunteerService.update(v, try req.content.decode(VolunteerPatch.self), req: req), req: req)
    }

    func apiShow(req: Request) async throws -> VolunteerDTO {
        try await VolunteerService.dto(try await VolunteerService.find(req.parameters.get("id", as: UUID.self), .read, req: req), req: req)
    }

    func apiReveal(req: Request) async throws -> RecipientsController.RevealedDTO {
        let v = try await VolunteerService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let (field, value) = try await VolunteerService.reveal(v, try req.content.decode(VolunteerRevealInput.self), req: req)
        return RecipientsController.RevealedDTO(field: field, value: value)
    }

    func apiHoursOf(req: Request) async throws -> VolunteerHoursList {
        try await VolunteerHoursService.list(volunteer: try await VolunteerService.find(req.parameters.get("id", as: UUID.self), .read, req: req), req: req)
    }

    func apiTeams(req: Request) async throws -> VolunteerTeamList {
        _ = try req.requireCaller()
        return VolunteerTeamList(items: try await VolunteerTeams.list(station: try req.queryValue(UUID.self, "station"), req: req))
    }

    func apiCreateTeam(req: Request) async throws -> Response {
        let team = try await VolunteerTeams.create(try req.content.decode(VolunteerTeamInput.self), req: req)
        return try await VolunteerTeams.dtos([team], on: req.db)[0].encodeResponse(status: .created, for: req)
    }

    func apiTeam(req: Request) async throws -> VolunteerTeamDTO {
        try await VolunteerTeams.dtos([try await VolunteerTeams.find(req.parameters.get("id", as: UUID.self), .read, req: req)], on: req.db)[0]
    }

    func apiUpdateTeam(req: Request) async throws -> VolunteerTeamDTO {
        let team = try await VolunteerTeams.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return try await VolunteerTeams.dtos([try await VolunteerTeams.update(team, try req.content.decode(VolunteerTeamPatch.self), req: req)], on: req.db)[0]
    }

    func apiAddMember(req: Request) async throws -> Response {
        let team = try await VolunteerTeams.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        try await VolunteerTeams.addMember(team, try req.content.decode(TeamMemberInput.self), req: req)
        return try await VolunteerTeams.dtos([team], on: req.db)[0].encodeResponse(status: .created, for: req)
    }

    func apiRecordHours(req: Request) async throws -> Response {
        try await VolunteerHoursService.record(try req.content.decode(VolunteerHoursInput.self), req: req).encodeResponse(status: .created, for: req)
    }

    func apiHoursEntry(req: Request) async throws -> VolunteerHoursDTO {
        try await VolunteerHoursService.dto(try await VolunteerHoursService.find(req.parameters.get("id", as: UUID.self), .read, req: req), req: req)
    }

    func apiConfirm(req: Request) async throws -> VolunteerHoursDTO {
        let h = try await VolunteerHoursService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        return try await VolunteerHoursService.dto(try await VolunteerHoursService.confirm(h, req: req), req: req)
    }

    func apiCorrect(req: Request) async throws -> Response {
        let h = try await VolunteerHoursService.find(req.parameters.get("id", as: UUID.self), .read, req: req)
        let saved = try await VolunteerHoursService.correct(h, try req.content.decode(VolunteerHoursCorrection.self), req: req)
        return try await VolunteerHoursService.dto(saved, req: req).encodeResponse(status: .created, for: req)
    }
}
