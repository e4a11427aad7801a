import Foundation

extension Day {
    /// A date that Excel or WPS stored as a serial number (1900 date system), as a birth date typed
    /// into a date-formatted cell arrives in an .xlsx; nil for anything else ("1990-03-07" typed as text).
    public static func excelSerial(_ text: String) -> Day? {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.properties.numericType == .decimal && $0.isASCII }),
              let serial = Int(text), serial >= 1, serial < 73_051 else { return nil }
        // Serial 60 is the 29 February 1900 that Excel invents; from 61 on, serial n is day n - 2 after 1900-01-01.
        return Day(year: 1900, month: 1, day: 1)!.adding(days: serial - (serial < 61 ? 1 : 2))
    }
}
