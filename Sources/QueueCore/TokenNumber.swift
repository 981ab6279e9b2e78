import Foundation

/// A token number as people type it from a ticket or an SMS: "nc001", "NC 001", "NC-1" and
/// "NC-001" are the same token. Numbers are written `PREFIX-NNN` (one to three capitals, the
/// day's sequence padded to three digits).
public enum TokenNumber {
    /// The number as the queue writes it; text that is no token number comes back trimmed and in capitals.
    public static func canonical(_ typed: String) -> String {
        let text = typed.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        let letters = text.prefix { $0.isASCII && $0.isLetter }
        let rest = text.dropFirst(letters.count).drop { $0 == "-" || $0 == " " || $0 == "–" }
        guard (1...3).contains(letters.count), !rest.isEmpty, rest.count <= 9, rest.allSatisfy({ $0.isASCII && $0.isNumber }),
              let sequence = Int(rest) else { return text }
        return "\(letters)-\(Digits.padded(sequence, width: 3))"
    }
}
