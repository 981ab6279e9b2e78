import Foundation

/// The two capabilities of a token (DESIGN, decision 1). `view` reads its status, follows its
/// stream and will subscribe to push: links, QR codes and SMS texts carry it, and it may reach a
/// web server's error log. `manage` cancels, moves and checks in the token: an HttpOnly cookie on
/// the device that booked, never in an address. The database keeps only their digests.
public struct TokenSecrets: Sendable, Equatable {
    public let view: String
    public let manage: String

    public init(view: String, manage: String) {
        self.view = view
        self.manage = manage
    }

    /// 128 random bits each.
    public static func random() -> TokenSecrets {
        TokenSecrets(view: StaffCrypto.randomToken(bytes: 16), manage: StaffCrypto.randomToken(bytes: 16))
    }

    /// The secrets of a booking made with a client's idempotency key, under the server's key: a
    /// retried booking gets the same secrets again although no secret is stored anywhere, and
    /// nobody without the server's key can work them out from the client's key.
    public static func derived(fromIdempotencyKey key: String, serverKey: [UInt8]) -> TokenSecrets {
        func secret(_ purpose: String) -> String {
            Base64URL.encode(Array(StaffCrypto.sign(Array("token-\(purpose)\u{0}\(key)".utf8), key: serverKey).prefix(16)))
        }
        return TokenSecrets(view: secret("view"), manage: secret("manage"))
    }

    /// The token page's path with the view capability: what redirects, QR codes and messages carry.
    public static func pagePath(token id: Int64, view secret: String) -> String {
        // Our secrets are base64url, all unreserved: the percent-encoding (a slow CharacterSet walk
        // on every booking and status answer) is for any other text.
        let plain = secret.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
        }
        return "/token/?id=\(id)&secret=\(plain ? secret : secret.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")"
    }

    private static let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    /// What the database keeps of a secret: its BLAKE2b digest, in hex.
    public static func digest(_ secret: String) -> String { StaffCrypto.digest(secret) }
}

/// What a secret lets its holder do with a token.
public enum TokenCapability: Sendable {
    case view
    case manage
}

extension Token {
    /// True if `secret` is this token's secret for `capability` (compared as digests, in constant time).
    public func allows(_ capability: TokenCapability, with secret: String) -> Bool {
        guard !secret.isEmpty else { return false }
        let stored: String? = capability == .view ? viewSecretHash : manageSecretHash
        guard let stored else { return false }
        let given = Array(TokenSecrets.digest(secret).utf8), expected = Array(stored.utf8)
        guard given.count == expected.count else { return false }
        var difference: UInt8 = 0
        for index in given.indices { difference |= given[index] ^ expected[index] }
        return difference == 0
    }
}
