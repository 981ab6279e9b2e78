import QueueCore

/// A message ready for its channel: the text in the citizen's language, filled in.
public struct RenderedMessage: Sendable, Equatable {
    public var outboxID: Int64
    public var channel: MessageChannel
    public var recipient: String
    public var language: String
    public var officeCode: String
    /// The interface-string key of the text, and (SMS) its DLT template id.
    public var templateKey: String
    public var templateID: String?
    /// E-mail only.
    public var subject: String?
    public var text: String
    /// Sent with every attempt: the receiving gateway drops a repeat.
    public var idempotencyKey: String
    /// The token it tells (push finds the token's subscribed browsers by it).
    public var tokenID: Int64? = nil
}
