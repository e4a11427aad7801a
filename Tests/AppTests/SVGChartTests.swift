@testable import App
import Foundation
import Testing

struct SVGChartTests {
    @Test func coordinatesAreWrittenAsPrintfWouldWithOneDecimal() {
        // setup
        let values: [Double] = [0, 0.04, 0.05, 0.96, 1, 12.34, 99.95, 123.45, 640, 1234.56, -3.25, -0.04]
        for x in values {
            // act
            let written = SVGChart.fmt(x)
            // check: the same as `%.1f` except where printf rounds a binary half to even
            let printf = String(format: "%.1f", x)
            #expect(written == printf || abs(Double(written)! - Double(printf)!) <= 0.1 + 1e-9, "\(x): \(written) vs \(printf)")
            #expect(abs(Double(written)! - x) <= 0.05 + 1e-9, "\(x) written as \(written)")
        }
        #expect(SVGChart.fmt(12.34) == "12.3")
        #expect(SVGChart.fmt(640) == "640.0")
        #expect(SVGChart.fmt(-3.26) == "-3.3")
        #expect(SVGChart.fmt(-0.04) == "0.0")
    }
}
