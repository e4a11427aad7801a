import SQLKit

/// The one order for places everywhere: national division code, then name (a unit without a code,
/// such as a functional zone, after those with one). Org unit lists are sorted so in `OrgQueries.list`;
/// station queries (stations `s` joined with their district `d`) sort with `stations`.
enum PlaceOrder {
    static let stations: SQLQueryString = "COALESCE(d.division_code, '~'), d.name, s.name"
}
