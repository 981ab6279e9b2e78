import Crypto
import Foundation
import GRDB

/// The server's VAPID key pair (RFC 8292), made once and kept in the database like the staff
/// signing key, so that every serve and worker process signs with the key browsers subscribed
/// with. The private half never leaves this type but as a signing key.
public struct PushKeys: Sendable {
    public let database: AppDatabase

    public init(database: AppDatabase) { self.database = database }

    /// The signing key, made on first use.
    public func signingKey(at now: Date) throws -> P256.Signing.PrivateKey {
        let raw = try database.write { db -> Data in
            if let key = try Data.fetchOne(db.cachedStatement(sql: "SELECT private_key FROM push_key WHERE id = 1")) { return key }
            let made = P256.Signing.PrivateKey().rawRepresentation
            try db.cachedStatement(sql: "INSERT INTO push_key (id, private_key, created_at) VALUES (1, ?, ?)")
                .execute(arguments: [made, now.milliseconds])
            return made
        }
        return try P256.Signing.PrivateKey(rawRepresentation: raw)
    }

    /// The public key browsers subscribe with (`applicationServerKey`): 65 bytes, base64url.
    public func publicKey(at now: Date) throws -> String {
        try signingKey(at: now).publicKey.x963Representation.base64URL
    }

    /// True when `key` is an uncompressed point on P-256.
    static func isPoint(_ key: Data) -> Bool {
        (try? P256.KeyAgreement.PublicKey(x963Representation: key)) != nil
    }
}
