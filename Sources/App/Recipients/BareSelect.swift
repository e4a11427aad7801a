import Plot

/// A `<select>` without the field wrapper (filters, inline forms): Plot's typed `.select` takes no
/// `name` and its options no text, so it is written as elements, as `FormField.select` does.
enum BareSelect {
    static func make(_ name: String, id: String? = nil, aria: String? = nil, options: [(value: String, label: String)], selected: String?) -> Node<HTML.FormContext> {
        .element(named: "select", nodes: [
            .attribute(named: "id", value: id),
            .attribute(named: "name", value: name),
            .attribute(named: "aria-label", value: aria),
            .forEach(options) { option in
                .element(named: "option", nodes: [
                    .attribute(named: "value", value: HTMLEscape.escape(option.value), ignoreIfValueIsEmpty: false),
                    .if(option.value == selected, .attribute(named: "selected", value: "selected")),
                    .plain(option.label),
                ])
            },
        ])
    }
}
