import Crypto
import Foundation

/// Web Push message encryption (RFC 8291) in the `aes128gcm` content coding (RFC 8188): an
/// ephemeral P-256 key agreed with the browser's `p256dh`, HKDF with its `auth` secret, one record
/// ending in the 0x02 padding delimiter. Only the browser that subscribed can read the message.
public enum WebPushEncryption {
    /// The record size written in the header; one record holds any message a push service accepts.
    public static let recordSize: UInt32 = 4096

    public enum Failure: Error, Equatable {
        case badUserAgentKey
        case tooLong
    }

    /// The request body for `plaintext`, encrypted to the browser's key and secret. `senderKey` and
    /// `salt` are fresh for every message; tests pass the RFC's fixed ones.
    public static func encrypt(_ plaintext: Data, userAgentKey: Data, authSecret: Data,
                               senderKey: P256.KeyAgreement.PrivateKey = P256.KeyAgreement.PrivateKey(),
                               salt: Data = Data(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) })) throws -> Data {
        // The record's tag (16) and delimiter (1) must fit with the text inside the record size.
        guard plaintext.count + 17 <= Int(recordSize) else { throw Failure.tooLong }
        guard let browserKey = try? P256.KeyAgreement.PublicKey(x963Representation: userAgentKey) else { throw Failure.badUserAgentKey }
        let shared = try senderKey.sharedSecretFromKeyAgreement(with: browserKey)
        let senderPublic = senderKey.publicKey.x963Representation
        // RFC 8291 section 3.4: the key info binds both public keys.
        let keyInfo = Data("WebPush: info\0".utf8) + userAgentKey + senderPublic
        let inputKey = shared.hkdfDerivedSymmetricKey(using: SHA256.self, salt: authSecret, sharedInfo: keyInfo, outputByteCount: 32)
        let contentKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: inputKey, salt: salt,
                                                info: Data("Content-Encoding: aes128gcm\0".utf8), outputByteCount: 16)
        let nonce = HKDF<SHA256>.deriveKey(inputKeyMaterial: inputKey, salt: salt,
                                           info: Data("Content-Encoding: nonce\0".utf8), outputByteCount: 12)
        let sealed = try AES.GCM.seal(plaintext + Data([0x02]), using: contentKey,
                                      nonce: AES.GCM.Nonce(data: nonce.withUnsafeBytes { Data($0) }))
        // RFC 8188 section 2.1: salt, record size, key id length and key id (the sender's public key).
        var size = recordSize.bigEndian
        let header = salt + Data(bytes: &size, count: 4) + Data([UInt8(senderPublic.count)]) + senderPublic
        return header + sealed.ciphertext + sealed.tag
    }
}
