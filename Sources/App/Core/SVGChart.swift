import Foundation

/// Charts drawn on the server as SVG (no script needed to read them, and they print): columns for a
/// series over time, horizontal bars for categories. Each carries a title for screen readers; the
/// page puts the same numbers in a table beside it.
enum SVGChart {
    /// One column per value (months of a year), its value above it.
    static func columns(_ values: [(label: String, value: Int)], title: String) -> String {
        let width = 640, height = 220, top = 20, bottom = 28, left = 8
        let slot = Double(width - left * 2) / Double(max(values.count, 1))
        let peak = Double(max(values.map(\.value).max() ?? 0, 1))
        var parts: [String] = []
        for (i, v) in values.enumerated() {
            let h = Double(height - top - bottom) * Double(v.value) / peak
            let x = Double(left) + slot * Double(i) + slot * 0.15
            let y = Double(height - bottom) - h
            parts.append(##"<rect x="\##(fmt(x))" y="\##(fmt(y))" width="\##(fmt(slot * 0.7))" height="\##(fmt(h))" fill="#2f6f9f"/>"##)
            parts.append(##"<text x="\##(fmt(x + slot * 0.35))" y="\##(fmt(y - 4))" font-size="11" text-anchor="middle">\##(v.value)</text>"##)
            parts.append(##"<text x="\##(fmt(x + slot * 0.35))" y="\##(height - 10)" font-size="11" text-anchor="middle">\##(HTMLEscape.escape(v.label))</text>"##)
        }
        return svg(width: width, height: height, title: title, parts)
    }

    /// One horizontal bar per category, its label on the left and its value at its end.
    static func bars(_ values: [(label: String, value: Int)], title: String) -> String {
        let row = 24, labelWidth = 210, width = 640
        let height = max(values.count, 1) * row + 8
        let peak = Double(max(values.map(\.value).max() ?? 0, 1))
        var parts: [String] = []
        for (i, v) in values.enumerated() {
            let y = 4 + i * row
            let w = Double(width - labelWidth - 60) * Double(v.value) / peak
            let label = v.label.count > 14 ? String(v.label.prefix(13)) + "…" : v.label
            parts.append(##"<text x="\##(labelWidth - 6)" y="\##(y + 16)" font-size="12" text-anchor="end">\##(HTMLEscape.escape(label))</text>"##)
            parts.append(##"<rect x="\##(labelWidth)" y="\##(y + 3)" width="\##(fmt(w))" height="\##(row - 8)" fill="#2f6f9f"/>"##)
            parts.append(##"<text x="\##(fmt(Double(labelWidth) + w + 4))" y="\##(y + 16)" font-size="12">\##(v.value)</text>"##)
        }
        return svg(width: width, height: height, title: title, parts)
    }

    private static func svg(width: Int, height: Int, title: String, _ parts: [String]) -> String {
        ##"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \##(width) \##(height)" role="img" aria-label="\##(HTMLEscape.escape(title))">"##
            + "<title>\(HTMLEscape.escape(title))</title>" + parts.joined() + "</svg>"
    }

    /// One decimal, as `%.1f` writes a chart's coordinates, without Foundation's formatter (a dashboard
    /// draws a few hundred of these per page and `String(format:)` was a twentieth of its time).
    static func fmt(_ x: Double) -> String {
        let tenths = Int((abs(x) * 10).rounded())
        return (x < 0 && tenths > 0 ? "-" : "") + "\(tenths / 10).\(tenths % 10)"
    }
}
