import Fluent

/// The day a city was onboarded (by the injected clock), from which it answers for its dated
/// deadlines: a city onboarded today has no overdue filings from before it existed. Cities set up
/// before onboarding existed keep null (no such limit).
struct M009_CityOnboardedOn: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("org_units").field("onboarded_on", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("org_units").deleteField("onboarded_on").update()
    }
}
