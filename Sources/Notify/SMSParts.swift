/// How many parts an SMS takes: GSM-7 texts 160 characters in one part and 153 per part when split
/// (the extension characters count twice); anything else (Gujarati, Hindi) goes as UCS-2, 70 UTF-16
/// units in one part and 67 per part when split.
public struct SMSParts: Sendable, Equatable {
    public var isUnicode: Bool
    /// Characters as the network counts them (septets, or UTF-16 units).
    public var units: Int
    public var parts: Int

    public init(_ text: String) {
        var septets = 0
        var gsm = true
        for scalar in text.unicodeScalars {
            if Self.basic.contains(scalar) { septets += 1 } else if Self.extended.contains(scalar) { septets += 2 } else { gsm = false; break }
        }
        isUnicode = !gsm
        units = gsm ? septets : text.utf16.count
        let (single, split) = gsm ? (160, 153) : (70, 67)
        parts = units == 0 ? 1 : units <= single ? 1 : (units + split - 1) / split
    }

    private static let basic: Set<Unicode.Scalar> = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
            + "abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars)
    private static let extended: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{0C}".unicodeScalars)
}
