import Foundation

/// A browser's Web Push subscription for one token: where to post (the push service's endpoint)
/// and the keys its messages are encrypted to (RFC 8291).
public struct PushSubscription: Sendable, Equatable {
    public var id: Int64
    public var tokenID: Int64
    public var endpoint: String
    /// The browser's P-256 public key, 65 bytes uncompressed.
    public var p256dh: Data
    /// The 16-byte authentication secret.
    public var auth: Data

    public init(id: Int64, tokenID: Int64, endpoint: String, p256dh: Data, auth: Data) {
        self.id = id
        self.tokenID = tokenID
        self.endpoint = endpoint
        self.p256dh = p256dh
        self.auth = auth
    }

    /// Longest endpoint kept: the big push services give a few hundred characters.
    public static let maximumEndpointLength = 1024

    /// Why a subscription the browser sent cannot be kept: the field and what is wrong with it.
    public struct Invalid: Error, Sendable, Equatable {
        public let field: String
        public let reason: String
    }

    /// What the browser's `PushSubscription.toJSON()` gives, checked: an https endpoint at one of
    /// `services`, `p256dh` a P-256 point in uncompressed form, `auth` 16 bytes (both base64url, as
    /// browsers send them).
    public static func validated(endpoint: String?, p256dh: String?, auth: String?,
                                 services: PushServices = PushServices()) throws(Invalid) -> (endpoint: String, p256dh: Data, auth: Data) {
        guard let endpoint, !endpoint.isEmpty else { throw Invalid(field: "endpoint", reason: "The subscription has no endpoint.") }
        guard endpoint.count <= maximumEndpointLength else {
            throw Invalid(field: "endpoint", reason: "The endpoint is longer than \(maximumEndpointLength) characters.")
        }
        guard let url = URL(string: endpoint), url.scheme == "https", let host = url.host, !host.isEmpty else {
            throw Invalid(field: "endpoint", reason: "The endpoint must be an https address.")
        }
        guard services.allows(endpoint) else {
            throw Invalid(field: "endpoint", reason: "The endpoint is not at a browser's push service.")
        }
        guard let key = p256dh.flatMap(Data.init(base64URL:)) else {
            throw Invalid(field: "keys.p256dh", reason: "p256dh must be base64url text.")
        }
        // The curve check itself is the sender's (swift-crypto refuses a point off the curve); the
        // shape is checked here so that a wrong key never reaches the table.
        guard key.count == 65, key.first == 0x04, PushKeys.isPoint(key) else {
            throw Invalid(field: "keys.p256dh", reason: "p256dh must be a 65-byte uncompressed P-256 public key.")
        }
        guard let secret = auth.flatMap(Data.init(base64URL:)), secret.count == 16 else {
            throw Invalid(field: "keys.auth", reason: "auth must be 16 bytes, base64url.")
        }
        return (endpoint, key, secret)
    }
}

extension Data {
    /// Base64url without padding (RFC 4648 section 5), as Web Push keys travel; padding is accepted.
    public init?(base64URL text: String) {
        var unpadded = Substring(text)
        while unpadded.hasSuffix("=") { unpadded = unpadded.dropLast() }
        guard unpadded.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        let base64 = unpadded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard let data = Data(base64Encoded: base64 + String(repeating: "=", count: (4 - base64.count % 4) % 4)) else { return nil }
        self = data
    }

    /// Base64url without padding.
    public var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
