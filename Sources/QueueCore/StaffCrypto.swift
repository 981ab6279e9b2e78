import CSodium
import Foundation

/// The few cryptographic operations staff sign-in needs, over libsodium: argon2id password hashes
/// (interactive limits, ~60 ms), HMAC-SHA-256 signatures, hashes of refresh tokens, random secrets.
public enum StaffCrypto {
    private static let ready: Bool = sodium_init() >= 0

    /// An argon2id hash in libsodium's standard encoded form (`$argon2id$v=19$...`).
    public static func hashPassword(_ password: String) throws -> String {
        precondition(ready, "libsodium failed to initialise")
        var output = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        let length = UInt64(password.utf8.count)
        let result = password.withCString { chars in
            crypto_pwhash_str(&output, chars, length,
                              UInt64(crypto_pwhash_OPSLIMIT_INTERACTIVE), Int(crypto_pwhash_MEMLIMIT_INTERACTIVE))
        }
        guard result == 0 else { throw StaffError.hashingFailed }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True if `password` matches the encoded hash (constant time in libsodium).
    public static func verifyPassword(_ password: String, against hash: String) -> Bool {
        guard ready else { return false }
        let length = UInt64(password.utf8.count)
        return hash.withCString { encoded in
            password.withCString { chars in crypto_pwhash_str_verify(encoded, chars, length) == 0 }
        }
    }

    /// HMAC-SHA-256 of `message` under a 32-byte key.
    public static func sign(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: Int(crypto_auth_hmacsha256_BYTES))
        _ = crypto_auth_hmacsha256(&mac, message, UInt64(message.count), key)
        return mac
    }

    /// True if `mac` is the HMAC of `message` (compared in constant time).
    public static func verify(_ mac: [UInt8], of message: [UInt8], key: [UInt8]) -> Bool {
        guard mac.count == Int(crypto_auth_hmacsha256_BYTES) else { return false }
        return crypto_auth_hmacsha256_verify(mac, message, UInt64(message.count), key) == 0
    }

    /// HMAC-SHA256 with a key of any length, as gateways sign what they send (RFC 2104).
    public static func hmacSHA256(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        var state = crypto_auth_hmacsha256_state()
        var mac = [UInt8](repeating: 0, count: Int(crypto_auth_hmacsha256_BYTES))
        _ = crypto_auth_hmacsha256_init(&state, key, key.count)
        _ = crypto_auth_hmacsha256_update(&state, message, UInt64(message.count))
        _ = crypto_auth_hmacsha256_final(&state, &mac)
        return mac
    }

    /// Two MACs compared in constant time.
    public static func equalMACs(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && sodium_memcmp(a, b, a.count) == 0
    }

    /// A 32-byte BLAKE2b hash, for storing refresh tokens without storing them.
    public static func digest(_ text: String) -> String {
        var output = [UInt8](repeating: 0, count: 32)
        let bytes = Array(text.utf8)
        _ = crypto_generichash(&output, 32, bytes, UInt64(bytes.count), nil, 0)
        return Digits.hex(output)
    }

    public static func randomBytes(_ count: Int) -> [UInt8] {
        precondition(ready, "libsodium failed to initialise")
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    /// Random bytes as base64url without padding.
    public static func randomToken(bytes count: Int = 32) -> String { Base64URL.encode(randomBytes(count)) }
}

/// base64url without padding (RFC 4648 §5), for tokens in cookies and URLs.
public enum Base64URL {
    /// Written directly from the alphabet: every booking makes two secrets, and Foundation's base64
    /// with three string replacements cost a booking more than its SQL statements did.
    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int(group >> UInt32(shift) & 63)]) }
            index += 3
        }
        let left = bytes.count - index
        if left > 0 {
            let group = UInt32(bytes[index]) << 16 | (left == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            for shift in [18, 12, 6].prefix(left + 1) { out.append(alphabet[Int(group >> UInt32(shift) & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The bytes, only if `text` is exactly how `encode` writes them: no padding, no `+` or `/`,
    /// no stray bits in the last character. A signed value has one spelling, so that nothing keyed
    /// on its text (nginx's per-kiosk limit) can be dodged by writing it another way.
    public static func decode(_ text: String) -> [UInt8]? {
        guard text.utf8.allSatisfy({ isAlphabet($0) }), text.utf8.count % 4 != 1 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let bytes = Data(base64Encoded: base64).map(Array.init), encode(bytes) == text else { return nil }
        return bytes
    }

    private static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }
}
