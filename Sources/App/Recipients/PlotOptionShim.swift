import Plot

// Compile shim added on the rec-transfer branch: the lead's recipient pages (WIP) write options as
// `.option(.value(v), .text(label), .selected(on))`, which Plot lacks. Drop this file when the lead's
// own fix of RecipientPages.swift is merged.
extension Attribute where Context == HTML.OptionContext {
    static func text(_ label: String) -> Attribute { .label(label) }
    static func selected(_ on: Bool) -> Attribute { .isSelected(on) }
}
