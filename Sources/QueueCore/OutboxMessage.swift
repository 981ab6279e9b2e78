import Foundation
import GRDB

/// One message of the outbox, as the worker claims it and the sink page lists it.
public struct OutboxMessage: Sendable, Equatable, Identifiable {
    public enum State: String, Sendable, CaseIterable, Codable {
        case pending, sending, sent, delivered, failed
        case gaveUp = "gave_up"
    }

    public var id: Int64
    public var tokenID: Int64?
    public var officeCode: String
    public var trigger: MessageTrigger
    public var channel: MessageChannel
    public var language: String
    /// The mobile number or e-mail address: personal data, never logged.
    public var recipient: String
    /// The values its template is filled with.
    public var params: [String: String]
    public var templateKey: String?
    public var templateID: String?
    /// The text as rendered when it was sent.
    public var body: String?
    public var state: State
    public var attempts: Int
    public var idempotencyKey: String
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?
    public var nextAttemptAt: Date?

    public init(id: Int64, tokenID: Int64?, officeCode: String, trigger: MessageTrigger, channel: MessageChannel, language: String,
                recipient: String, params: [String: String], state: State, attempts: Int, idempotencyKey: String, createdAt: Date) {
        self.id = id
        self.tokenID = tokenID
        self.officeCode = officeCode
        self.trigger = trigger
        self.channel = channel
        self.language = language
        self.recipient = recipient
        self.params = params
        self.state = state
        self.attempts = attempts
        self.idempotencyKey = idempotencyKey
        self.createdAt = createdAt
    }
}

extension OutboxMessage: FetchableRecord {
    public init(row: Row) throws {
        id = row["id"]
        tokenID = row["token_id"]
        officeCode = row["office_code"]
        trigger = MessageTrigger(rawValue: row["trigger"]) ?? .booked
        channel = MessageChannel(rawValue: row["channel"]) ?? .sms
        language = row["language"]
        recipient = row["recipient"]
        let json: String = row["params"]
        params = (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
        templateKey = row["template_key"]
        templateID = row["template_id"]
        body = row["body"]
        state = State(rawValue: row["state"]) ?? .pending
        attempts = row["attempts"]
        idempotencyKey = row["idempotency_key"]
        lastError = row["last_error"]
        createdAt = Date(milliseconds: row["created_at"])
        sentAt = (row["sent_at"] as Int64?).map(Date.init(milliseconds:))
        nextAttemptAt = (row["next_attempt_at"] as Int64?).map(Date.init(milliseconds:))
    }
}

extension OutboxMessage {
    /// `98••••••45`, `c•••@example.com`: enough to tell messages apart, not enough to reach anyone.
    public static func masked(_ recipient: String) -> String {
        if let at = recipient.firstIndex(of: "@") {
            return String(recipient.prefix(1)) + "•••" + recipient[at...]
        }
        guard recipient.count > 4 else { return "••••" }
        return String(recipient.prefix(2)) + String(repeating: "•", count: recipient.count - 4) + String(recipient.suffix(2))
    }

    /// A sent text as staff may read it: the token page's view secret cut from its links (managers
    /// see what the citizen read, not a key to their token).
    public static func withoutSecrets(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let found = rest.range(of: "secret=") {
            result += rest[..<found.upperBound] + "…"
            rest = rest[found.upperBound...].drop { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "%" }
        }
        return result + rest
    }
}
