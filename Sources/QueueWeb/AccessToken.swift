import Foundation
import QueueCore

/// The short-lived proof of a sign-in, carried in an HttpOnly cookie: who, until when, and the CSRF
/// token their state-changing requests must repeat. Signed with HMAC-SHA-256 under the server key.
struct AccessToken: Codable, Equatable {
    static let lifetimeSeconds = 900

    let userID: Int64
    /// The sign-in (refresh token family) this access belongs to; it ends when that sign-in ends.
    let session: String
    let expires: Int64
    let csrf: String

    /// Short, and unchanged by the snake-case key strategies of JSON encoding and decoding.
    enum CodingKeys: String, CodingKey {
        case userID = "uid"
        case session = "sid"
        case expires = "exp"
        case csrf
    }

    func encoded(key: [UInt8]) -> String {
        let payload = Array(Base64URL.encode(JSON.encode(self)).utf8)
        return String(decoding: payload, as: UTF8.self) + "." + Base64URL.encode(StaffCrypto.sign(payload, key: key))
    }

    /// The token, if the signature is right and it has not expired.
    static func decode(_ text: String, key: [UInt8], now: Date) -> AccessToken? {
        guard let token = verified.token(text, key: key) ?? verifying(text, key: key),
              Double(token.expires) > now.timeIntervalSince1970 else { return nil }
        return token
    }

    /// Tokens whose signature was checked, by their text: a clerk's every key press carries the same
    /// cookie, and checking it (two base64 decodings, an HMAC and Foundation's JSON decoder) cost
    /// more than the rest of the sign-in check. Expiry is still checked at each use.
    private static let verified = VerifiedTokens()

    private static func verifying(_ text: String, key: [UInt8]) -> AccessToken? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let mac = Base64URL.decode(String(parts[1])),
              StaffCrypto.verify(mac, of: Array(parts[0].utf8), key: key),
              let json = Base64URL.decode(String(parts[0])) else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let token = try? decoder.decode(AccessToken.self, from: Data(json)) else { return nil }
        verified.remember(token, as: text, key: key)
        return token
    }
}

/// A bounded memory of verified access tokens (forgotten all at once when full: a token is at most
/// `lifetimeSeconds` old, so a busy office's clerks refill it at once).
private final class VerifiedTokens: @unchecked Sendable {
    private let lock = NSLock()
    private var key: [UInt8] = []
    private var tokens: [String: AccessToken] = [:]
    private let limit = 4096

    func token(_ text: String, key: [UInt8]) -> AccessToken? {
        lock.lock(); defer { lock.unlock() }
        return key == self.key ? tokens[text] : nil
    }

    func remember(_ token: AccessToken, as text: String, key: [UInt8]) {
        lock.lock(); defer { lock.unlock() }
        if key != self.key || tokens.count >= limit {
            self.key = key
            tokens = [:]
        }
        tokens[text] = token
    }
}
