import QueueCore

/// The seam between the worker and a way of telling citizens: SMS gateway, SMTP, the local sink,
/// and later Web Push, each a sender for its channels.
public protocol ChannelSender: Sendable {
    /// Hands the message to the channel; returns what the channel said, or throws `SendFailure`.
    func send(_ message: RenderedMessage) throws(SendFailure) -> SendReceipt
}

/// What a channel answered to an accepted message.
public struct SendReceipt: Sendable, Equatable {
    /// The channel's own id for the message (which its delivery reports name).
    public var providerID: String?
    /// True when the channel confirms delivery at once (the local sink); otherwise a delivery
    /// report may follow.
    public var isDelivered: Bool

    public init(providerID: String? = nil, isDelivered: Bool = false) {
        self.providerID = providerID
        self.isDelivered = isDelivered
    }
}

/// A send that did not go through. `permanent` when trying again cannot help (a refused text, an
/// invalid number); otherwise the worker tries again after a backoff.
public struct SendFailure: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var permanent: Bool
    /// The channel asked not to be tried again sooner than this (an HTTP `Retry-After`).
    public var retryAfterSeconds: Double?

    public init(_ reason: String, permanent: Bool = false, retryAfterSeconds: Double? = nil) {
        self.reason = reason
        self.permanent = permanent
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { reason }
}
