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
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let mac = Base64URL.decode(String(parts[1])),
              StaffCrypto.verify(mac, of: Array(parts[0].utf8), key: key),
              let json = Base64URL.decode(String(parts[0])) else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let token = try? decoder.decode(AccessToken.self, from: Data(json)),
              Double(token.expires) > now.timeIntervalSince1970 else { return nil }
        return token
    }
}
