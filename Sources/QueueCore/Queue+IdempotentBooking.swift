import Foundation
import GRDB

/// A client's promise that requests carrying the same key are one booking: the API's
/// `Idempotency-Key` header, or the booking form's hidden nonce. The database keeps digests only.
public struct BookingKey: Sendable, Equatable {
    public let keyHash: String
    public let fingerprint: String

    /// `key` as the client sent it; `request` the fields that make up the booking asked for.
    public init(key: String, request: [String: String]) {
        keyHash = TokenSecrets.digest(key)
        fingerprint = Self.fingerprint(of: request)
    }

    /// The digest of a request's fields, whatever their order.
    public static func fingerprint(of request: [String: String]) -> String {
        TokenSecrets.digest(request.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{0}"))
    }
}

/// A booking, or the token an earlier request with the same key booked.
public struct BookingOutcome: Sendable {
    public let token: Token
    /// True when the key had booked already: nothing new was booked.
    public let isReplay: Bool
}

extension Queue {
    /// How long a booking's key is remembered; a retry comes within seconds or minutes.
    public static let bookingKeySeconds: Double = 86_400

    /// Books a token once per key: a request whose key booked already gets that token back (and
    /// books nothing), checked inside the booking's own write transaction so that two copies of a
    /// request arriving together cannot both book. The same key with a different request is refused.
    public func book(_ request: BookingRequest, key: BookingKey, at now: Date) throws -> BookingOutcome {
        let citizen = try validatedCitizen(of: request)
        return try commit(settled: true) { db, events in
            try db.cachedStatement(sql: "DELETE FROM booking_request WHERE created_at < ?").execute(arguments: [now.addingTimeInterval(-Self.bookingKeySeconds).milliseconds])
            if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT fingerprint, token_id FROM booking_request WHERE key_hash = ?"),
                                          arguments: [key.keyHash]) {
                guard row["fingerprint"] == key.fingerprint else { throw QueueError.bookingKeyReused }
                guard let token = try Token.fetch(db, id: row["token_id"]) else { throw QueueError.tokenNotFound }
                return BookingOutcome(token: token, isReplay: true)
            }
            let token = try insertBooking(db, request, citizen: citizen, at: now, events: &events)
            try db.cachedStatement(sql: "INSERT INTO booking_request (key_hash, fingerprint, token_id, created_at) VALUES (?, ?, ?, ?)").execute(arguments: [key.keyHash, key.fingerprint, token.id, now.milliseconds])
            return BookingOutcome(token: token, isReplay: false)
        }
    }
}
