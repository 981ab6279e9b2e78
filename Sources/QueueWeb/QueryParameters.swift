import QueueCore

/// The decoded parameters of a query string or an `application/x-www-form-urlencoded` body.
public struct QueryParameters: Sendable {
    private var values: [(String, String)] = []

    public init(_ encoded: String) {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decodeFormComponent(String(parts[0]))
            let value = parts.count > 1 ? PercentDecoding.decodeFormComponent(String(parts[1])) : ""
            if let name { values.append((name, value ?? "")) }
        }
    }

    /// Every name with its first value.
    var all: [String: String] {
        var result: [String: String] = [:]
        for (name, value) in values where result[name] == nil { result[name] = value }
        return result
    }

    /// The first value given for `name`.
    public subscript(name: String) -> String? {
        values.first { $0.0 == name }?.1
    }

    /// The site language asked for by `lang`, if any; one the site does not have is refused, naming the field.
    func language() throws -> String? {
        guard let asked = self["lang"] else { return nil }
        guard CitizenDetails.languages.contains(asked) else { throw APIError.invalidField("lang", "lang must be en, gu or hi.") }
        return asked
    }
}

/// Percent-decoding for URL paths and form components.
enum PercentDecoding {
    /// Decodes `%XX` escapes; nil if an escape is malformed or the bytes are not UTF-8.
    static func decode(_ text: String) -> String? {
        decode(text, plusIsSpace: false)
    }

    /// Form encoding also writes a space as `+`.
    static func decodeFormComponent(_ text: String) -> String? {
        decode(text, plusIsSpace: true)
    }

    /// Byte by byte: every query and form field goes through here (a mapping by Character took
    /// a twentieth of a token status read).
    private static func decode(_ text: String, plusIsSpace: Bool) -> String? {
        let percent = UInt8(ascii: "%"), plus = UInt8(ascii: "+")
        // Most components hold nothing to decode (a token's view secret, a language code).
        guard text.utf8.contains(where: { $0 == percent || (plusIsSpace && $0 == plus) }) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == percent {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue)
                else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(plusIsSpace && byte == plus ? UInt8(ascii: " ") : byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
