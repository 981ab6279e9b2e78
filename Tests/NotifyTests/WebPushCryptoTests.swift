import Crypto
import Foundation
import Testing
@testable import Notify
import QueueCore

@Suite("Web Push: aes128gcm encryption (RFC 8291) and the VAPID token (RFC 8292)")
struct WebPushCryptoTests {
    // RFC 8291, Appendix A: the example's fixed keys, salt and expected message.
    static let plaintext = "When I grow up, I want to be a watermelon"
    static let senderPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
    static let userAgentPublic = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
    static let userAgentPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
    static let authSecret = "BTBZMqHH6r4Tts7J_aSIgg"
    static let salt = "DGv6ra1nlYgDCS1FRnbzlw"
    static let expected = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"

    @Test func theRFC8291ExampleEncryptsToExactlyTheRFCsMessage() throws {
        // Given the RFC's sender key, browser key, auth secret and salt
        let sender = try P256.KeyAgreement.PrivateKey(rawRepresentation: try #require(Data(base64URL: Self.senderPrivate)))
        // When the example's text is encrypted
        let body = try WebPushEncryption.encrypt(Data(Self.plaintext.utf8), userAgentKey: try #require(Data(base64URL: Self.userAgentPublic)),
                                                 authSecret: try #require(Data(base64URL: Self.authSecret)), senderKey: sender,
                                                 salt: try #require(Data(base64URL: Self.salt)))
        // Then the bytes are the RFC's, header (salt, 4096, key id) and record alike
        #expect(body.base64URL == Self.expected)
    }

    @Test func aFreshKeyAndSaltEveryTimeStillDecryptWithTheBrowsersKey() throws {
        // Given the browser's key pair from the RFC, and the default fresh sender key and salt
        let browser = try P256.KeyAgreement.PrivateKey(rawRepresentation: try #require(Data(base64URL: Self.userAgentPrivate)))
        let auth = try #require(Data(base64URL: Self.authSecret))
        let text = Data("GUVNL: ટોકન NC-017, કૃપા કરીને હમણાં કાઉન્ટર 3 પર આવો.".utf8)
        // When the same text is encrypted twice
        let first = try WebPushEncryption.encrypt(text, userAgentKey: browser.publicKey.x963Representation, authSecret: auth)
        let second = try WebPushEncryption.encrypt(text, userAgentKey: browser.publicKey.x963Representation, authSecret: auth)
        // Then the two differ, and each decrypts (as a browser would) back to the text
        #expect(first != second)
        #expect(try Self.decrypt(first, browser: browser, auth: auth) == text)
        #expect(try Self.decrypt(second, browser: browser, auth: auth) == text)
    }

    @Test func aKeyThatIsNotOnTheCurveIsRefused() {
        var key = Data(repeating: 1, count: 65)
        key[0] = 4
        #expect(throws: WebPushEncryption.Failure.badUserAgentKey) {
            try WebPushEncryption.encrypt(Data("x".utf8), userAgentKey: key, authSecret: Data(count: 16))
        }
    }

    @Test func theVAPIDTokenIsAnES256JWTForThePushServicesOriginThatVerifiesWithTheSentKey() throws {
        // Given a VAPID key and a subscription on a push service with a port of its own
        let key = P256.Signing.PrivateKey()
        let vapid = VAPIDToken(key: key, subject: "mailto:queue@guvnl.example")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        // When the Authorization header is made
        let header = try vapid.authorization(for: try #require(URL(string: "https://push.example:8443/send/abc?x=1")), at: now)
        // Then it carries the token and the public key, and the signature verifies
        let parts = header.dropFirst("vapid t=".count).components(separatedBy: ", k=")
        #expect(header.hasPrefix("vapid t="))
        #expect(parts.count == 2 && parts[1] == key.publicKey.x963Representation.base64URL)
        let jwt = parts[0].components(separatedBy: ".")
        #expect(jwt.count == 3)
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: try #require(Data(base64URL: jwt[2])))
        #expect(key.publicKey.isValidSignature(signature, for: Data("\(jwt[0]).\(jwt[1])".utf8)))
        let claimBytes = try #require(Data(base64URL: jwt[1]))
        let claims = try #require(try JSONSerialization.jsonObject(with: claimBytes) as? [String: Any])
        #expect(claims["aud"] as? String == "https://push.example:8443")
        #expect(claims["sub"] as? String == "mailto:queue@guvnl.example")
        let expiry = try #require(claims["exp"] as? Int)
        #expect(expiry > Int(now.timeIntervalSince1970) && expiry <= Int(now.timeIntervalSince1970) + 24 * 3600)
        let headBytes = try #require(Data(base64URL: jwt[0]))
        let head = try #require(try JSONSerialization.jsonObject(with: headBytes) as? [String: String])
        #expect(head["alg"] == "ES256")
    }

    /// The browser's side of RFC 8291, written from the RFC, for the round trip.
    static func decrypt(_ body: Data, browser: P256.KeyAgreement.PrivateKey, auth: Data) throws -> Data {
        let bytes = [UInt8](body)
        let salt = Data(bytes[0..<16])
        let keyLength = Int(bytes[20])
        let senderPublic = Data(bytes[21..<(21 + keyLength)])
        let record = Data(bytes[(21 + keyLength)...])
        let shared = try browser.sharedSecretFromKeyAgreement(with: try P256.KeyAgreement.PublicKey(x963Representation: senderPublic))
        let info = Data("WebPush: info\0".utf8) + browser.publicKey.x963Representation + senderPublic
        let ikm = shared.hkdfDerivedSymmetricKey(using: SHA256.self, salt: auth, sharedInfo: info, outputByteCount: 32)
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: Data("Content-Encoding: aes128gcm\0".utf8), outputByteCount: 16)
        let nonce = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt, info: Data("Content-Encoding: nonce\0".utf8), outputByteCount: 12)
        let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce.withUnsafeBytes { Data($0) }),
                                        ciphertext: record.dropLast(16), tag: record.suffix(16))
        let padded = try AES.GCM.open(box, using: key)
        #expect(padded.last == 0x02)
        return padded.dropLast()
    }
}
