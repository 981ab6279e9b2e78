import Foundation
import QueueCore

/// Fills a message's template, in the citizen's language, from the interface strings that sitegen
/// writes (`public/interface-strings.json`, from `Templates/i18n/`), where editors change them.
/// SMS texts are also held to their DLT registration (`SMSTemplates`).
public struct MessageText: Sendable {
    private let tables: [String: [String: String]]
    private let sms: SMSTemplates
    /// The public address the token page's link is made absolute with.
    private let baseURL: String

    public init(strings: [String: [String: String]], sms: SMSTemplates, baseURL: String) {
        tables = strings
        self.sms = sms
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    /// Why a message cannot be rendered: a permanent failure, trying again would not help.
    public struct Unrenderable: Error, CustomStringConvertible {
        public let description: String
    }

    public func render(_ message: OutboxMessage) throws(Unrenderable) -> RenderedMessage {
        let key = variant(message.trigger.templateKey(for: message.channel), message)
        // Push without texts of its own says what the SMS says (editors may add `msg_push_*`).
        let fallbackKey = message.channel == .push ? variant(message.trigger.templateKey(for: .sms), message) : key
        guard let template = string(key, message.language) ?? string(fallbackKey, message.language) else {
            throw Unrenderable(description: "no text \(key) in the interface strings")
        }
        var values = message.params
        if let link = values["link"], link.hasPrefix("/") { values["link"] = baseURL + link }
        // "Nobody / 1 person / 3 people before you", worded as the token page words it.
        if let ahead = values["ahead"].flatMap(Int.init), let wording = string(AheadWording.key(ahead), message.language) {
            values["ahead_text"] = Wording.fill(wording, ["n": String(ahead)])
        }
        let text = Wording.fill(template, values)
        var rendered = RenderedMessage(
            outboxID: message.id, channel: message.channel, recipient: message.recipient, language: message.language,
            officeCode: message.officeCode, templateKey: key, templateID: nil, subject: nil, text: text,
            idempotencyKey: message.idempotencyKey, tokenID: message.tokenID)
        switch message.channel {
        case .sms, .whatsapp:
            guard let registered = sms.registered(key, language: message.language) else {
                throw Unrenderable(description: "\(key) (\(message.language)) has no registered DLT template")
            }
            guard SMSTemplates.matches(text, template: registered.text) else {
                throw Unrenderable(description: "\(key) (\(message.language)) does not match its DLT template \(registered.id)")
            }
            rendered.templateID = registered.id
        case .email:
            let subject = string(key + "_subject", message.language)
                ?? string(message.trigger.templateKey(for: .email) + "_subject", message.language) ?? "GUVNL Queue"
            rendered.subject = Wording.fill(subject, values)
        case .push:
            rendered.subject = Wording.fill(string("msg_push_title", message.language) ?? "GUVNL · {number}", values)
        }
        return rendered
    }

    /// The text for a service without appointments (`_walk_in`), where the message says so
    /// (`appointments: no`: "unlikely today" would otherwise offer an appointment there is none of)
    /// and that text exists (for an SMS, registered with DLT); else the message's own.
    private func variant(_ key: String, _ message: OutboxMessage) -> String {
        guard message.params["appointments"] == "no" else { return key }
        let walkIn = key + "_walk_in"
        guard string(walkIn, message.language) != nil else { return key }
        if key.hasPrefix("msg_sms_"), sms.registered(walkIn, language: message.language) == nil { return key }
        return walkIn
    }

    /// The string in the language, or in English when the language lacks it.
    private func string(_ key: String, _ language: String) -> String? {
        tables[language]?[key] ?? tables["en"]?[key]
    }
}
