import Foundation
import GRDB

/// Everything a token's holder is shown: the token, its place and wait, its counter, what to bring.
public struct TokenStatus: Sendable {
    public var token: Token
    public var position: QueuePosition?
    public var counterNumber: Int?
    public var requiredDocuments: [LocalizedName]
}

extension Queue {
    /// The status of a token, or nil if there is no such token.
    public func status(of tokenID: Int64, at now: Date) throws -> TokenStatus? {
        guard let token = try token(tokenID) else { return nil }
        return try status(of: token, at: now)
    }

    /// The status of a token already read: its place, counter and documents from the office's live
    /// picture, without another query when the picture is current.
    public func status(of token: Token, at now: Date) throws -> TokenStatus {
        let (office, positions) = try live.positions(office: token.officeCode, at: now)
        return TokenStatus(
            token: token, position: token.state == .waiting ? positions[token.id] : nil,
            counterNumber: office.counterNumber(token.counterID), requiredDocuments: office.documents[token.serviceCode] ?? [])
    }

    /// Today's token at an office with this number, booked with this mobile number.
    public func lookup(office: String, number: String, phone: String, at now: Date) throws -> Token? {
        guard let mobile = CitizenDetails.normalisedMobile(phone) else {
            throw QueueError.invalidField(field: "phone", reason: "Enter the 10-digit mobile number you booked with.")
        }
        return try database.writer.read { db in
            let facts = try OfficeFacts.load(db, code: office)
            return try Token.fetchOne(db, sql: """
                SELECT * FROM token WHERE office_code = ? AND number = ? AND phone = ? AND service_day >= ?
                ORDER BY service_day LIMIT 1
                """, arguments: [office, number.uppercased(), mobile, facts.serviceDay(now).day])
        }
    }
}

extension Queue {
    /// A token by id: one indexed read, for checking a secret before any heavier work.
    public func token(_ id: Int64) throws -> Token? {
        try database.writer.read { db in try Token.fetch(db, id: id) }
    }

    /// The token, if `secret` is one of its view secrets: the one it was booked with, or one
    /// granted when it was found again. Nil for a wrong secret and a missing token alike.
    public func token(_ id: Int64, viewSecret secret: String) throws -> Token? {
        guard !secret.isEmpty else { return nil }
        return try database.writer.read { db in
            guard let token = try Token.fetch(db, id: id) else { return nil }
            if token.allows(.view, with: secret) { return token }
            let granted = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM token_view_grant WHERE secret_hash = ? AND token_id = ?)",
                                            arguments: [TokenSecrets.digest(secret), id]) ?? false
            return granted ? token : nil
        }
    }

    /// How many view secrets found-again lookups may add to one token; the oldest give way.
    public static let viewGrantsPerToken = 10

    /// A new view secret for a token its holder has found again (by office, number and mobile):
    /// the first cannot be read back, since only its digest is kept.
    public func grantView(of tokenID: Int64, at now: Date) throws -> String {
        let secret = StaffCrypto.randomToken(bytes: 16)
        try database.writer.write { db in
            try db.execute(sql: "INSERT INTO token_view_grant (secret_hash, token_id, granted_at) VALUES (?, ?, ?)",
                           arguments: [TokenSecrets.digest(secret), tokenID, now.milliseconds])
            try db.execute(sql: """
                DELETE FROM token_view_grant WHERE token_id = ? AND secret_hash NOT IN
                    (SELECT secret_hash FROM token_view_grant WHERE token_id = ? ORDER BY granted_at DESC LIMIT ?)
                """, arguments: [tokenID, tokenID, Self.viewGrantsPerToken])
        }
        return secret
    }
}
