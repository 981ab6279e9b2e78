import Crypto
import Foundation
import QueueCore

/// Voluntary application server identification (RFC 8292): a short ES256 JWT for the push service's
/// origin, signed with the server's VAPID key, sent as `Authorization: vapid t=<jwt>, k=<key>`.
public struct VAPIDToken: Sendable {
    public let key: P256.Signing.PrivateKey
    /// Who the push service may contact about our messages: a mailto: or https: address.
    public let subject: String
    /// How long a token stays valid; RFC 8292 allows at most 24 hours.
    public var lifetime: TimeInterval = 12 * 3600

    public init(key: P256.Signing.PrivateKey, subject: String) {
        self.key = key
        self.subject = subject
    }

    /// The `Authorization` header's value for a message to `endpoint`.
    public func authorization(for endpoint: URL, at now: Date) throws -> String {
        "vapid t=\(try jwt(audience: Self.origin(of: endpoint), at: now)), k=\(key.publicKey.x963Representation.base64URL)"
    }

    /// The push service's origin: scheme, host, and the port if not the scheme's own.
    static func origin(of url: URL) -> String {
        let scheme = url.scheme ?? "https"
        let port = url.port.map { ($0 == 443 && scheme == "https") || ($0 == 80 && scheme == "http") ? "" : ":\($0)" } ?? ""
        return "\(scheme)://\(url.host ?? "")\(port)"
    }

    func jwt(audience: String, at now: Date) throws -> String {
        let header = Data(#"{"typ":"JWT","alg":"ES256"}"#.utf8).base64URL
        let claims: [String: Any] = ["aud": audience, "exp": Int(now.addingTimeInterval(lifetime).timeIntervalSince1970), "sub": subject]
        let body = try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys, .withoutEscapingSlashes]).base64URL
        let input = "\(header).\(body)"
        // JWS ES256 is the raw r || s pair (64 bytes), not DER.
        let signature = try key.signature(for: Data(input.utf8)).rawRepresentation
        return "\(input).\(signature.base64URL)"
    }
}
