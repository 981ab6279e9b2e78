import Foundation

/// Free text typed by citizens and staff (names, e-mail addresses, notes, reasons, labels): normalised
/// to NFC, refused when it holds characters that could disguise it, and measured in Unicode scalars,
/// the unit in which SQLite's `length()`, and so every CHECK of the schema, counts. (Swift's
/// `String.count` counts grapheme clusters: a family emoji is one of those and seven scalars.)
public enum TextInput {
    /// How many combining marks may follow one base character; Gujarati and Devanagari clusters
    /// need at most three (nukta, vowel sign, candrabindu), a disguise needs many.
    public static let maxCombiningMarksInARow = 4

    /// The text in NFC with its ends trimmed; runs of whitespace become one space unless line
    /// breaks are allowed, when only spaces and tabs within each line are collapsed.
    public static func normalised(_ text: String, allowingLineBreaks: Bool = false) -> String {
        let composed = text.precomposedStringWithCanonicalMapping
        guard allowingLineBreaks else { return composed.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        return composed.replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }
            .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The length as the database counts it.
    public static func length(_ text: String) -> Int { text.unicodeScalars.count }

    /// The first scalar that may not appear in such text, if any: controls (but for line breaks
    /// where allowed), format characters (bidirectional overrides and isolates, zero-width spaces,
    /// the byte-order mark, tags; a zero-width joiner or non-joiner only right after a virama, as
    /// Indic scripts use them, RFC 5892 A.1-A.2), line and paragraph separators, private-use,
    /// unassigned and non-characters; or a fifth combining mark in a row.
    public static func firstDisallowed(in text: String, allowingLineBreaks: Bool = false) -> Unicode.Scalar? {
        var previous: Unicode.Scalar?
        var marksInARow = 0
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            let isJoiner = scalar.value == 0x200C || scalar.value == 0x200D
            // Characters meant to be invisible (fillers, variation selectors, the grapheme joiner),
            // and a mark with nothing to sit on, would let one name pass for another.
            if properties.isDefaultIgnorableCodePoint && !isJoiner { return scalar }
            if previous == nil, [.nonspacingMark, .spacingMark, .enclosingMark].contains(properties.generalCategory) { return scalar }
            switch properties.generalCategory {
            case .control:
                if !(allowingLineBreaks && scalar == "\n") { return scalar }
            case .format:
                guard isJoiner, let previous, previous.properties.canonicalCombiningClass == .virama else { return scalar }
            case .lineSeparator, .paragraphSeparator, .privateUse, .unassigned, .surrogate:
                return scalar
            case .nonspacingMark, .spacingMark, .enclosingMark:
                marksInARow += 1
                if marksInARow > maxCombiningMarksInARow { return scalar }
            default:
                if properties.isNoncharacterCodePoint { return scalar }
            }
            if ![.nonspacingMark, .spacingMark, .enclosingMark].contains(properties.generalCategory) { marksInARow = 0 }
            previous = scalar
        }
        return nil
    }

    /// The text normalised and checked: at most `limit` scalars and nothing disallowed, or an
    /// `invalidField` error that names the field and says what to change.
    public static func validated(_ text: String, field: String, label: String, limit: Int,
                                 allowingLineBreaks: Bool = false) throws(QueueError) -> String {
        let clean = normalised(text, allowingLineBreaks: allowingLineBreaks)
        guard length(clean) <= limit else {
            throw .invalidField(field: field, reason: "The \(label) may have at most \(limit) characters (letters, marks and spaces each count).")
        }
        if firstDisallowed(in: clean, allowingLineBreaks: allowingLineBreaks) != nil || !hasVisibleText(clean) {
            throw .invalidField(field: field, reason: "The \(label) contains invisible, control or direction-changing characters, or too many accents on one letter; please type it again.")
        }
        return clean
    }

    /// True for empty text, or text with at least one letter or digit (not only blanks such as U+2800).
    public static func hasVisibleText(_ text: String) -> Bool {
        text.isEmpty || text.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }
}
