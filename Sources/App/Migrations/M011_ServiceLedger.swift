import Fluent
import SQLKit

/// The service ledger and case work (issue 10; design: the service ledger).
///
/// - `service_records`: one row per act of service (a case's intervention or follow-up, a home or
///   phone visit; later group sessions, community events, volunteer activities): station, year,
///   date, kind, field, catalogue item, method, minutes, worker and 人次. Dashboards, evaluation
///   evidence and handover lists read this one table.
/// - `service_record_recipients`: the recipients each service reached (distinct persons served).
/// - `cases`, `case_recipients`, `case_assessments`, `case_plans` with `case_goals` and
///   `case_plan_items` (the service list, V-8), `case_evaluations` with `case_goal_outcomes`, and
///   `case_events` (the case's timeline: every step, reopening included). Assessments, plans and
///   evaluations are versions: a revision adds a row, the earlier one stays.
/// - `visits`: what only a home or phone visit has (findings, follow-up needed) beside its ledger row.
///
/// On PostgreSQL the two ledger tables are partitioned by year (declarative range partitions, one per
/// year); this migration makes 2020–2027 and `LedgerPartitions` adds a year the first time a record
/// falls in it. Their primary keys include the year, as PostgreSQL requires of a partitioned table.
/// On SQLite they are plain tables with the same columns and indexes.
struct M011_ServiceLedger: AsyncMigration {
    static let firstPartitionedYears = 2020...2027

    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE TABLE service_records (
                    id uuid NOT NULL, year integer NOT NULL, station_id uuid NOT NULL REFERENCES stations (id),
                    city_id uuid NOT NULL, district_id uuid NOT NULL, path text NOT NULL, served_on text NOT NULL,
                    kind text NOT NULL, field text NOT NULL, item text, method text NOT NULL, minutes integer NOT NULL,
                    worker_id uuid NOT NULL, worker_name text NOT NULL, people_count integer NOT NULL,
                    others_count integer NOT NULL, content text NOT NULL, case_id uuid, created_by uuid NOT NULL,
                    created_at timestamptz, PRIMARY KEY (id, year)
                ) PARTITION BY RANGE (year)
                """).run()
            try await sql.raw("""
                CREATE TABLE service_record_recipients (
                    record_id uuid NOT NULL, year integer NOT NULL, recipient_id uuid NOT NULL REFERENCES recipients (id),
                    station_id uuid NOT NULL, served_on text NOT NULL, PRIMARY KEY (record_id, recipient_id, year),
                    FOREIGN KEY (record_id, year) REFERENCES service_records (id, year)
                ) PARTITION BY RANGE (year)
                """).run()
            for year in Self.firstPartitionedYears { try await LedgerPartitions.create(year: year, on: sql) }
        } else {
            try await db.schema("service_records")
                .id()
                .field("year", .int, .required)
                .field("station_id", .uuid, .required, .references("stations", "id"))
                .field("city_id", .uuid, .required)
                .field("district_id", .uuid, .required)
                .field("path", .string, .required)
                .field("served_on", .string, .required)
                .field("kind", .string, .required)
                .field("field", .string, .required)
                .field("item", .string)
                .field("method", .string, .required)
                .field("minutes", .int, .required)
                .field("worker_id", .uuid, .required)
                .field("worker_name", .string, .required)
                .field("people_count", .int, .required)
                .field("others_count", .int, .required)
                .field("content", .string, .required)
                .field("case_id", .uuid)
                .field("created_by", .uuid, .required)
                .field("created_at", .datetime)
                .create()
            try await db.schema("service_record_recipients")
                .field("record_id", .uuid, .required, .references("service_records", "id"))
                .field("year", .int, .required)
                .field("recipient_id", .uuid, .required, .references("recipients", "id"))
                .field("station_id", .uuid, .required)
                .field("served_on", .string, .required)
                .compositeIdentifier(over: "record_id", "recipient_id")
                .create()
        }
        try await db.schema("cases")
            .id()
            .field("year", .int, .required)
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("city_id", .uuid, .required)
            .field("district_id", .uuid, .required)
            .field("path", .string, .required)
            .field("number", .string, .required)
            .field("source", .string, .required)
            .field("problem", .string, .required)
            .field("consent_on", .string, .required)
            .field("field", .string, .required)
            .field("item", .string)
            .field("stage", .string, .required)
            .field("risk_level", .string)
            .field("responsible_id", .uuid, .required)
            .field("responsible_name", .string, .required)
            .field("opened_on", .string, .required)
            .field("closed_on", .string)
            .field("close_reason", .string)
            .field("outcome", .string)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            // Numbers are the station's own (2026-0001); two workers opening a case at once get
            // different numbers or a 409, never the same one.
            .unique(on: "station_id", "number", name: "cases_station_number")
            .create()
        try await db.schema("case_recipients")
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("recipient_id", .uuid, .required, .references("recipients", "id"))
            .field("station_id", .uuid, .required)
            .field("position", .int, .required)
            .compositeIdentifier(over: "case_id", "recipient_id")
            .create()
        try await db.schema("case_assessments")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("version", .int, .required)
            .field("assessed_on", .string, .required)
            .field("risk_level", .string, .required)
            .field("strengths", .string, .required)
            .field("resources", .string, .required)
            .field("need_ids", .string, .required)
            .field("created_by", .uuid, .required)
            .field("created_by_name", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "case_id", "version", name: "case_assessments_version")
            .create()
        try await db.schema("case_plans")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("version", .int, .required)
            .field("planned_on", .string, .required)
            .field("created_by", .uuid, .required)
            .field("created_by_name", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "case_id", "version", name: "case_plans_version")
            .create()
        try await db.schema("case_goals")
            .id()
            .field("plan_id", .uuid, .required, .references("case_plans", "id"))
            .field("position", .int, .required)
            .field("text", .string, .required)
            .create()
        try await db.schema("case_plan_items")
            .id()
            .field("plan_id", .uuid, .required, .references("case_plans", "id"))
            .field("position", .int, .required)
            .field("what", .string, .required)
            .field("who", .string, .required)
            .field("due_on", .string, .required)
            .create()
        try await db.schema("case_evaluations")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("version", .int, .required)
            .field("plan_id", .uuid, .required, .references("case_plans", "id"))
            .field("evaluated_on", .string, .required)
            .field("summary", .string, .required)
            .field("created_by", .uuid, .required)
            .field("created_by_name", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "case_id", "version", name: "case_evaluations_version")
            .create()
        try await db.schema("case_goal_outcomes")
            .field("evaluation_id", .uuid, .required, .references("case_evaluations", "id"))
            .field("goal_id", .uuid, .required, .references("case_goals", "id"))
            .field("outcome", .string, .required)
            .compositeIdentifier(over: "evaluation_id", "goal_id")
            .create()
        try await db.schema("case_events")
            .id()
            .field("case_id", .uuid, .required, .references("cases", "id"))
            .field("step", .string, .required)
            .field("happened_on", .string, .required)
            .field("from_stage", .string)
            .field("to_stage", .string, .required)
            .field("detail", .string, .required)
            .field("actor_id", .uuid, .required)
            .field("actor_name", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("visits")
            .id()
            .field("year", .int, .required)
            .field("station_id", .uuid, .required, .references("stations", "id"))
            .field("recipient_id", .uuid, .required, .references("recipients", "id"))
            .field("record_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("visited_on", .string, .required)
            .field("findings", .string, .required)
            .field("follow_up_needed", .bool, .required)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime)
            .create()
        for statement in [
            // A station's services in a year by date; a district's and a city's by year (dashboards).
            "CREATE INDEX service_records_station ON service_records (station_id, year, served_on)",
            "CREATE INDEX service_records_district ON service_records (district_id, year)",
            "CREATE INDEX service_records_city ON service_records (city_id, year)",
            "CREATE INDEX service_records_case ON service_records (case_id)",
            // A recipient's timeline; distinct recipients served per station and year.
            "CREATE INDEX service_record_recipients_recipient ON service_record_recipients (recipient_id, served_on)",
            "CREATE INDEX service_record_recipients_station ON service_record_recipients (station_id, year)",
            "CREATE INDEX cases_station ON cases (station_id, stage, opened_on)",
            "CREATE INDEX cases_responsible ON cases (responsible_id, stage)",
            "CREATE INDEX case_recipients_recipient ON case_recipients (recipient_id)",
            "CREATE INDEX case_assessments_case ON case_assessments (case_id, version)",
            "CREATE INDEX case_goals_plan ON case_goals (plan_id, position)",
            "CREATE INDEX case_plan_items_plan ON case_plan_items (plan_id, position)",
            "CREATE INDEX case_events_case ON case_events (case_id, happened_on)",
            "CREATE INDEX visits_station ON visits (station_id, year, visited_on)",
            "CREATE INDEX visits_recipient ON visits (recipient_id)",
        ] {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
    }

    func revert(on db: any Database) async throws {
        for table in ["visits", "case_events", "case_goal_outcomes", "case_evaluations", "case_plan_items", "case_goals", "case_plans",
                      "case_assessments", "case_recipients", "cases", "service_record_recipients", "service_records"] {
            try await db.schema(table).delete()
        }
    }
}
