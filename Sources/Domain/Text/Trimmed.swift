extension String {
    /// Without leading and trailing white space (Unicode White_Space: spaces including the
    /// ideographic space U+3000, tabs, line breaks). Foundation's `trimmingCharacters(in:)` goes
    /// through NSString on Linux and was most of the time spent checking an imported row
    /// (bench/recipients.sh); a string with nothing to trim is returned as it is.
    public var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return self }
        return String(Substring(scalars[first...last]))
    }
}
