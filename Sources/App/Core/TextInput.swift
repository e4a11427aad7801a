/// Length limits for free text, so that no field can bloat pages and the audit trail.
enum TextLimit {
    /// A person's or organisation's name.
    static let name = 50
    /// A title, topic, organiser or short note.
    static let short = 200
    /// A paragraph: issues discussed, advice, notes.
    static let long = 2000
}

extension Validator {
    /// Trimmed text of at most `max` characters; nil (with "不能为空" when `required`) when empty.
    mutating func text(_ raw: String?, field: String, label: String, max: Int, required: Bool = false) -> String? {
        let text = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            if required { add(field, "\(label)不能为空") }
            return nil
        }
        if text.count > max {
            add(field, "\(label)不能超过 \(max) 个字（现为 \(text.count) 个字）")
            return nil
        }
        return text
    }
}
