import Foundation

/// The SMS texts as registered on India's DLT platform: a transactional SMS must match its
/// registered template word for word, with `{#var#}` where a value goes. The worker refuses a text
/// that does not match (the operator would be fined and the SMS dropped), and `sitegen check`
/// reports an interface string that no longer matches its registration.
public struct SMSTemplates: Sendable, Equatable {
    /// One registered template: its DLT id and text.
    public struct Registered: Sendable, Equatable, Codable {
        public var id: String
        public var text: String

        public init(id: String, text: String) {
            self.id = id
            self.text = text
        }
    }

    /// The DLT header (sender id) the texts are registered under.
    public var sender: String
    /// By interface-string key (`msg_sms_booked`), then language.
    public var templates: [String: [String: Registered]]

    public static let variable = "{#var#}"

    public init(sender: String, templates: [String: [String: Registered]]) {
        self.sender = sender
        self.templates = templates
    }

    /// Reads the registry file (`Templates/sms-dlt.json`).
    public init(json: Data) throws {
        struct File: Decodable { var sender: String; var templates: [String: [String: Registered]] }
        let file = try JSONDecoder().decode(File.self, from: json)
        self.init(sender: file.sender, templates: file.templates)
    }

    public func registered(_ key: String, language: String) -> Registered? { templates[key]?[language] }

    /// True if `text` is the registered `template` with some value in each `{#var#}`.
    ///
    /// Compared byte for byte in UTF-8, as the DLT platform compares: the worker checks every SMS
    /// it sends, and comparing Gujarati and Hindi by Swift characters (grapheme breaking, canonical
    /// equivalence) was a fifth of its CPU per message.
    public static func matches(_ text: String, template: String) -> Bool {
        let text = Array(text.utf8), template = Array(template.utf8), marker = Array(variable.utf8)
        var parts: [ArraySlice<UInt8>] = []
        var start = 0
        while let found = firstRange(of: marker, in: template[start...]) {
            parts.append(template[start..<found.lowerBound])
            start = found.upperBound
        }
        parts.append(template[start...])
        guard parts.count > 1 else { return text == template }
        let first = parts[0], last = parts[parts.count - 1]
        guard text.count >= first.count + last.count, text.starts(with: first), text.suffix(last.count).elementsEqual(last) else { return false }
        var rest = text[first.count..<(text.count - last.count)]
        for middle in parts.dropFirst().dropLast() where !middle.isEmpty {
            guard let found = firstRange(of: middle, in: rest) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }

    /// Where `needle` first occurs in `haystack` (indices of the haystack's base), or nil.
    private static func firstRange(of needle: some Collection<UInt8>, in haystack: ArraySlice<UInt8>) -> Range<Int>? {
        guard let head = needle.first, needle.count <= haystack.count else { return nil }
        var index = haystack.startIndex
        let lastStart = haystack.endIndex - needle.count
        while index <= lastStart {
            if haystack[index] == head, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index..<(index + needle.count) }
            index += 1
        }
        return nil
    }

    /// True if an interface string (`{number}` placeholders) is the registered template once each
    /// placeholder stands for `{#var#}`.
    public static func conforms(_ interfaceString: String, template: String) -> Bool {
        let pattern = try? NSRegularExpression(pattern: "\\{[a-z_]+\\}")
        let range = NSRange(interfaceString.startIndex..., in: interfaceString)
        let generic = pattern?.stringByReplacingMatches(in: interfaceString, range: range,
                                                        withTemplate: NSRegularExpression.escapedTemplate(for: variable))
        return generic == template
    }
}
