/// Interface and message wordings with named blanks: "{n} people before you", "Token {number}".
/// One filling for the screens (`WaitText`) and the messages (`MessageText`).
public enum Wording {
    /// `{name}` replaced by its value; an unknown name is left as written, so a mistake shows. A
    /// brace without its pair is text: a stray `{` before a name ("{ wait {m} min") leaves the name
    /// filled, so a translator's typo does not take the minutes off a citizen's screen.
    /// Scanned in UTF-8 (braces are ASCII, so never inside a Gujarati or Hindi letter's bytes): by
    /// Swift characters, the grapheme breaking of every Gujarati text cost the worker per message,
    /// and Foundation's `replacingOccurrences` (through NSString) a tenth of a token status read.
    public static func fill(_ template: String, _ values: [String: String]) -> String {
        let bytes = Array(template.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 64)
        var index = 0
        while index < bytes.count {
            // The name runs to the first "}", unless another "{" opens first.
            guard bytes[index] == UInt8(ascii: "{"),
                  let close = bytes[(index + 1)...].firstIndex(where: { $0 == UInt8(ascii: "}") || $0 == UInt8(ascii: "{") }),
                  bytes[close] == UInt8(ascii: "}") else {
                result.append(bytes[index])
                index += 1
                continue
            }
            let name = String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
            if let value = values[name] { result.append(contentsOf: value.utf8) } else { result.append(contentsOf: bytes[index...close]) }
            index = close + 1
        }
        return String(decoding: result, as: UTF8.self)
    }
}
