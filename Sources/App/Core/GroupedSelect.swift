import Plot

extension FormField {
    /// A select whose options are grouped under headings (`optgroup`), e.g. streets under their district.
    static func groupedSelect(_ name: String, label: String, groups: [(label: String, options: [(value: String, label: String)])],
                              selected: String?, error: String?) -> Node<HTML.FormContext> {
        .div(
            .class(error == nil ? "field" : "field invalid"),
            .label(.for(name), .plain(label)),
            .select(.id(name), .attribute(named: "name", value: name),
                    .if(error != nil, .group(.attribute(named: "aria-invalid", value: "true"), .attribute(named: "aria-describedby", value: name + "-error"))),
                    .forEach(groups) { group in
                .element(named: "optgroup", nodes: [
                    .attribute(named: "label", value: HTMLEscape.escape(group.label)),
                    .forEach(group.options) { option in
                        .element(named: "option", nodes: [
                            .attribute(named: "value", value: HTMLEscape.escape(option.value), ignoreIfValueIsEmpty: false),
                            .if(option.value == selected, .attribute(named: "selected", value: "selected")),
                            .plain(option.label),
                        ])
                    },
                ])
            }),
            errorText(name, error)
        )
    }
}

extension OrgQueries {
    /// Units for a scope picker: the cities first, then each district with its streets, in place order.
    static func groupedByDistrict(_ units: [UnitRef]) -> [(label: String, options: [(value: String, label: String)])] {
        let option = { (u: UnitRef) in (value: u.id.uuidString, label: "\(u.name)（\(u.level.label)）") }
        var groups: [(label: String, options: [(value: String, label: String)])] = []
        let cities = units.filter { $0.level == .city }
        if !cities.isEmpty { groups.append(("市", cities.map(option))) }
        for district in units where district.level == .district {
            groups.append((district.name, [option(district)] + units.filter { $0.parentID == district.id }.map(option)))
        }
        // Streets whose district is outside the list (a street officer's own street).
        let listed = Set(groups.flatMap { $0.options.map(\.value) })
        let rest = units.filter { !listed.contains($0.id.uuidString) }
        if !rest.isEmpty { groups.append(("其他", rest.map(option))) }
        return groups
    }
}
