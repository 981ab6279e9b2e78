import Foundation
import QueueCore

/// How to reach an HTTP bulk-SMS gateway: its address, credentials and field names are
/// configuration, since every Indian gateway spells them its own way.
public struct SMSGatewayConfiguration: Sendable, Equatable {
    /// The body's shape: form fields, JSON fields, or a WhatsApp Business template message.
    public enum Format: String, Sendable, CaseIterable { case form, json, whatsapp }

    public var url: URL
    public var format: Format
    /// Sent as the `Authorization` header when set (`Bearer ...`, `Basic ...`).
    public var authorization: String?
    /// Our name for a field -> the gateway's: `to`, `sender`, `template_id`, `text`, `idempotency_key`, `unicode`.
    public var fields: [String: String]
    /// The DLT header the texts are registered under.
    public var sender: String
    /// The JSON key of the gateway's message id in its answer.
    public var responseIDField: String
    /// Longer texts are refused rather than sent in many parts.
    public var maxParts: Int
    public var timeoutSeconds: Double

    public static let defaultFields = ["to": "to", "sender": "sender", "template_id": "template_id", "text": "text",
                                       "idempotency_key": "idempotency_key", "unicode": "unicode"]

    public init(url: URL, format: Format = .form, authorization: String? = nil, fields: [String: String] = [:], sender: String,
                responseIDField: String = "id", maxParts: Int = 3, timeoutSeconds: Double = 10) {
        self.url = url
        self.format = format
        self.authorization = authorization
        self.fields = Self.defaultFields.merging(fields) { _, given in given }
        self.sender = sender
        self.responseIDField = responseIDField
        self.maxParts = maxParts
        self.timeoutSeconds = timeoutSeconds
    }

    /// `to=mobile,text=message`: the gateway's names for our fields.
    public static func parseFields(_ text: String) -> [String: String]? {
        var fields: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, defaultFields[parts[0]] != nil, !parts[1].isEmpty else { return nil }
            fields[parts[0]] = parts[1]
        }
        return fields
    }
}

/// Sends SMS (or WhatsApp template messages) through an HTTP gateway. Each request carries the
/// message's idempotency key (a field and the `Idempotency-Key` header), so that a retry after a
/// lost answer is dropped by the gateway rather than sent twice.
public struct SMSGateway: ChannelSender {
    public let configuration: SMSGatewayConfiguration
    private let client: HTTPClient

    public init(configuration: SMSGatewayConfiguration) {
        self.configuration = configuration
        client = HTTPClient(timeoutSeconds: configuration.timeoutSeconds)
    }

    public func send(_ message: RenderedMessage) throws(SendFailure) -> SendReceipt {
        let parts = SMSParts(message.text)
        guard parts.parts <= configuration.maxParts else {
            throw SendFailure("the text takes \(parts.parts) SMS parts, more than the \(configuration.maxParts) allowed", permanent: true)
        }
        guard let templateID = message.templateID else { throw SendFailure("no DLT template id", permanent: true) }
        let answer: HTTPClient.Answer
        do {
            answer = try client.send(request(message, templateID: templateID, unicode: parts.isUnicode))
        } catch {
            throw SendFailure("gateway unreachable: \(error.reason)")
        }
        switch answer.status {
        case 200..<300:
            let json = try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any]
            let id = json?[configuration.responseIDField].map { "\($0)" }
            return SendReceipt(providerID: id, isDelivered: false)
        case 408, 425, 429, 500...:
            throw SendFailure("gateway answered \(answer.status)")
        default:
            // The gateway refused the message itself (bad number, unregistered template): final.
            throw SendFailure("gateway refused the message (\(answer.status))", permanent: true)
        }
    }

    func request(_ message: RenderedMessage, templateID: String, unicode: Bool) -> HTTPClient.Post {
        var request = HTTPClient.Post(url: configuration.url, headers: [("Idempotency-Key", message.idempotencyKey)], body: Data())
        if let authorization = configuration.authorization { request.headers.append(("Authorization", authorization)) }
        let name = { (field: String) in configuration.fields[field] ?? field }
        let values: [(String, String)] = [
            (name("to"), "91" + message.recipient), (name("sender"), configuration.sender), (name("template_id"), templateID),
            (name("text"), message.text), (name("idempotency_key"), message.idempotencyKey), (name("unicode"), unicode ? "1" : "0"),
        ]
        switch configuration.format {
        case .form:
            request.headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            request.body = Data(values.map { "\(Self.formEncoded($0.0))=\(Self.formEncoded($0.1))" }.joined(separator: "&").utf8)
        case .json:
            request.headers.append(("Content-Type", "application/json"))
            request.body = (try? JSONSerialization.data(withJSONObject: Dictionary(values, uniquingKeysWith: { first, _ in first }))) ?? Data()
        case .whatsapp:
            // A WhatsApp Business template message: the template by name and language, the text as its one parameter.
            request.headers.append(("Content-Type", "application/json"))
            let body: [String: Any] = [
                "messaging_product": "whatsapp", "to": "91" + message.recipient, "type": "template",
                "biz_opaque_callback_data": message.idempotencyKey,
                "template": ["name": message.templateKey, "language": ["code": message.language],
                             "components": [["type": "body", "parameters": [["type": "text", "text": message.text]]]]],
            ]
            request.body = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        }
        return request
    }

    /// `text` percent-encoded for a form body: all but letters, digits and `-._~`, byte by byte.
    static func formEncoded(_ text: String) -> String {
        // By hand over the UTF-8 bytes: Foundation's addingPercentEncoding with a CharacterSet made
        // for each call took a quarter of the worker's CPU while it sent confirmations.
        var encoded: [UInt8] = []
        encoded.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.append(byte)
            default:
                // Three appends, not an array of three: that array was made for every byte of a Gujarati text.
                encoded.append(UInt8(ascii: "%"))
                encoded.append(hexDigits[Int(byte >> 4)])
                encoded.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}
