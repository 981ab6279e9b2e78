import Foundation
import QueueCore

/// Sends a message to every browser subscribed to its token (Web Push: VAPID and aes128gcm). A
/// subscription the push service no longer knows (404, 410) is removed; 429 and 5xx are tried again
/// by the worker; any other answer is a permanent failure.
public struct WebPushSender: ChannelSender {
    private let subscriptions: PushSubscriptions
    private let vapid: VAPIDToken
    private let post: PushPost
    /// Where posts may go: a subscription kept before the list narrowed, or written past the
    /// server's check, is dropped rather than posted to.
    private let services: PushServices
    private let now: @Sendable () -> Date
    /// How long the push service keeps a message for a phone that is offline: a queue message is
    /// worth little after a few hours.
    public var ttlSeconds = 4 * 3600

    public init(subscriptions: PushSubscriptions, vapid: VAPIDToken, caFile: String? = nil, services: PushServices = PushServices(),
                now: @escaping @Sendable () -> Date = Date.init) {
        self.subscriptions = subscriptions
        self.services = services
        self.vapid = vapid
        post = PushPost(caFile: caFile)
        self.now = now
    }

    /// What the service worker reads from a push: what to show, and which token page to open.
    struct Payload: Encodable {
        var title: String
        var body: String
        /// One per token, so that a newer message replaces the older one on the phone.
        var tag: String
        /// The token page, without its secret (never stored in clear): the service worker opens
        /// the page it has for this token (its address is in the worker's cache and open tabs).
        var url: String
        var token: Int64
    }

    public func send(_ message: RenderedMessage) throws(SendFailure) -> SendReceipt {
        guard let tokenID = message.tokenID else { throw SendFailure("push: the message has no token", permanent: true) }
        let targets: [PushSubscription]
        do { targets = try subscriptions.subscriptions(of: tokenID) } catch { throw SendFailure("push: subscriptions not read") }
        guard !targets.isEmpty else { throw SendFailure("push: no subscription left", permanent: true) }
        let payload = Payload(title: message.subject ?? "GUVNL", body: message.text, tag: "token-\(tokenID)",
                              url: "/token/?id=\(tokenID)", token: tokenID)
        let plaintext: Data
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { plaintext = try encoder.encode(payload) } catch { throw SendFailure("push: payload not encoded", permanent: true) }
        var accepted = 0, gone = 0, unknown = 0
        var retry: SendFailure?, refused: SendFailure?
        let began = Date()
        for target in targets {
            // One message's browsers together get a budget: past it the rest wait for the retry, so
            // that a token with several endpoints that never answer cannot hold the worker long.
            if Date().timeIntervalSince(began) > Self.budgetSeconds {
                retry = retry ?? SendFailure("push: out of time for this message's other browsers")
                break
            }
            guard services.allows(target.endpoint) else {
                unknown += 1
                try? subscriptions.remove(endpoint: target.endpoint)
                continue
            }
            do {
                let answer = try deliver(plaintext, to: target, message: message)
                let status = answer.status
                switch status {
                case 201, 202, 200: accepted += 1
                case 404, 410:
                    gone += 1
                    try? subscriptions.remove(endpoint: target.endpoint)
                case 429, 500...599:
                    // Not sooner than the push service asked, for the slowest of the token's browsers.
                    let asked = [retry?.retryAfterSeconds, answer.retryAfterSeconds].compactMap { $0 }.max()
                    retry = SendFailure("push: the push service answered \(status)", retryAfterSeconds: asked)
                default: refused = SendFailure("push: the push service refused the message (\(status))", permanent: true)
                }
            } catch let failure as SendFailure {
                retry = failure
            } catch {
                refused = SendFailure("push: \(error)", permanent: true)
            }
        }
        if accepted > 0 { return SendReceipt(providerID: nil, isDelivered: false) }
        if let retry { throw retry }
        if let refused { throw refused }
        if unknown > 0 { throw SendFailure("push: not an allowed push service (\(unknown) removed, \(gone) expired)", permanent: true) }
        throw SendFailure("push: the subscription has expired (\(gone) removed)", permanent: true)
    }

    /// How long one message may spend on its browsers in one attempt (each try is up to `PushPost.timeoutSeconds`).
    static let budgetSeconds = 12.0

    private func deliver(_ plaintext: Data, to target: PushSubscription, message: RenderedMessage) throws -> PushPost.Answer {
        guard let url = URL(string: target.endpoint) else { throw SendFailure("push: bad endpoint", permanent: true) }
        let body = try WebPushEncryption.encrypt(plaintext, userAgentKey: target.p256dh, authSecret: target.auth)
        let urgency = message.templateKey.hasSuffix("_called") || message.templateKey.hasSuffix("_turn_near") ? "high" : "normal"
        return try post.send(to: target.endpoint, headers: [
            ("Authorization", try vapid.authorization(for: url, at: now())),
            ("Content-Encoding", "aes128gcm"),
            ("Content-Type", "application/octet-stream"),
            ("TTL", String(ttlSeconds)),
            ("Urgency", urgency),
            // The push service keeps one pending message per topic: a newer one for this token replaces it.
            ("Topic", "token-\(message.tokenID ?? 0)"),
        ], body: body)
    }
}
