import Foundation

/// One numeral policy for every language: numbers are written with the digits 0-9, as token
/// numbers, counters, times and waits are everywhere (the board, SMS, the kiosk's ticket). A
/// Gujarati page mixing "૩૯૦૦૦૭" in an address with "NC-017" and "10:30" reads as two systems.
enum NumeralPolicy {
    /// Gujarati (U+0AE6-U+0AEF) and Devanagari (U+0966-U+096F) digits.
    static func isOtherDigit(_ scalar: Unicode.Scalar) -> Bool {
        (0x0AE6...0x0AEF).contains(scalar.value) || (0x0966...0x096F).contains(scalar.value)
    }

    /// Each line of the file (relative to `root`) that writes a number in other digits.
    static func problems(in file: String, root: URL) -> [SiteError] {
        let text = (try? String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            guard line.unicodeScalars.contains(where: isOtherDigit) else { return nil }
            return SiteError(step: "check", file: file, line: index + 1,
                             reason: "write numbers with the digits 0-9, as everywhere else (the numeral policy)")
        }
    }
}
