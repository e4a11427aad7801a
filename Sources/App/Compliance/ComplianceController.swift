import Domain
import Vapor

/// Findings per station, and the matrix of stations × rule groups for districts and the city
/// (`ComplianceMatrix`; pages `StationCompliancePage`, `ComplianceMatrixPage`).
struct ComplianceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.stationCompliance(.key), use: stationPage)
        routes.get(SiteURL.compliance, use: matrixPage)
        routes.get(SiteURL.complianceExportCSV, use: exportCSV)
        routes.get(SiteURL.complianceExportXLSX, use: exportXLSX)
        routes.get(ApiRoute.stationCompliance(.key), use: apiStation)
        routes.get(ApiRoute.compliance, use: apiMatrix)
    }

    func apiStation(req: Request) async throws -> ComplianceMatrix.StationDTO {
        _ = try req.requireCaller()
        let (summary, year, findings) = try await ComplianceMatrix.station(req)
        return .init(id: summary.id, name: summary.name, year: year,
                     evaluationDay: ComplianceEngine.evaluationDay(year: year, today: req.today).description, findings: findings)
    }

    func apiMatrix(req: Request) async throws -> ComplianceMatrix.MatrixDTO {
        try await ComplianceMatrix.build(req, detail: req.queryValue(Bool.self, "detail") ?? false)
    }

    func exportCSV(req: Request) async throws -> Response {
        let m = try await ComplianceMatrix.build(req, detail: true)
        let sheet = ComplianceMatrix.spreadsheet(m, filter: try req.query.decode(ComplianceMatrix.Filter.self))
        return download(sheet.csv(), type: "text/csv; charset=utf-8", name: "compliance-\(m.year).csv")
    }

    func exportXLSX(req: Request) async throws -> Response {
        let m = try await ComplianceMatrix.build(req, detail: true)
        let sheet = ComplianceMatrix.spreadsheet(m, filter: try req.query.decode(ComplianceMatrix.Filter.self))
        return download(try sheet.xlsx(), type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name: "compliance-\(m.year).xlsx")
    }

    private func download(_ data: Data, type: String, name: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    func stationPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        return StationCompliancePage.view(try await StationCompliancePage.query(req), caller: caller, csrf: req.csrfToken).response()
    }

    func matrixPage(req: Request) async throws -> Response {
        let caller = try req.requireCaller()
        return ComplianceMatrixPage.view(try await ComplianceMatrixPage.query(req, caller: caller), caller: caller, csrf: req.csrfToken).response()
    }
}
