/// Numbers written as the queue's texts need them, without Foundation's format strings (which cost
/// microseconds on paths every reader takes).
public enum Digits {
    /// `n` in decimal, zero-padded on the left to at least `width` digits.
    public static func padded(_ n: Int, width: Int) -> String {
        let text = String(n.magnitude)
        let padding = String(repeating: "0", count: max(0, width - text.count))
        return (n < 0 ? "-" : "") + padding + text
    }

    /// Bytes in lower-case hexadecimal.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(alphabet[Int(byte >> 4)])
            text.append(alphabet[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let alphabet = Array("0123456789abcdef".utf8)
}
