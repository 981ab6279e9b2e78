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
    public static func matches(_ text: String, template: String) -> Bool {
        let parts = template.components(separatedBy: variable)
        guard parts.count > 1 else { return text == template }
        guard let first = parts.first, let last = parts.last, text.hasPrefix(first), text.hasSuffix(last),
              text.count >= first.count + last.count else { return false }
        var rest = text.dropFirst(first.count).dropLast(last.count)
        for middle in parts.dropFirst().dropLast() {
            guard !middle.isEmpty else { continue }
            guard let found = rest.range(of: middle) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
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
