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
        let (office, answers) = try live.answers(office: token.officeCode, at: now)
        return TokenStatus(
            token: token, position: token.state == .waiting ? answers.position(of: token.id, queuedAt: token.queuedAt) : nil,
            counterNumber: office.counterNumber(token.counterID), requiredDocuments: office.documents[token.serviceCode] ?? [])
    }

    /// Today's token at an office with this number, booked with this mobile number.
    public func lookup(office: String, number: String, phone: String, at now: Date) throws -> Token? {
        guard let mobile = CitizenDetails.normalisedMobile(phone) else {
            throw QueueError.invalidField(field: "phone", reason: "Enter the 10-digit mobile number you booked with.")
        }
        return try database.writer.read { db in
            let facts = try OfficeFacts.load(db, code: office)
            return try Token.fetchOne(db.cachedStatement(sql: """
                SELECT * FROM token WHERE office_code = ? AND number = ? AND phone = ? AND service_day >= ?
                ORDER BY service_day LIMIT 1
                """), arguments: [office, TokenNumber.canonical(number), mobile, facts.serviceDay(now).day])
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
        // The token as this process keeps it for readers (its secret's digest never changes).
        guard let token = try live.token(id) else { return nil }
        if token.allows(.view, with: secret) { return token }
        let granted = try database.writer.read { db in
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM token_view_grant WHERE secret_hash = ? AND token_id = ?)"),
                              arguments: [TokenSecrets.digest(secret), id]) ?? false
        }
        return granted ? token : nil
    }

    /// A token as its readers see it now: kept by this process while it is being read, brought up to
    /// date by every change (within a second for changes made by another process).
    public func tokenForReading(_ id: Int64) throws -> Token? {
        try live.token(id)
    }

    /// How many view secrets found-again lookups may add to one token; the oldest give way.
    public static let viewGrantsPerToken = 10

    /// A new view secret for a token its holder has found again (by office, number and mobile):
    /// the first cannot be read back, since only its digest is kept.
    public func grantView(of tokenID: Int64, at now: Date) throws -> String {
        let secret = StaffCrypto.randomToken(bytes: 16)
        try database.write { db in
            try db.cachedStatement(sql: "INSERT INTO token_view_grant (secret_hash, token_id, granted_at) VALUES (?, ?, ?)").execute(arguments: [TokenSecrets.digest(secret), tokenID, now.milliseconds])
            try db.cachedStatement(sql: """
                DELETE FROM token_view_grant WHERE token_id = ? AND secret_hash NOT IN
                    (SELECT secret_hash FROM token_view_grant WHERE token_id = ? ORDER BY granted_at DESC LIMIT ?)
                """).execute(arguments: [tokenID, tokenID, Self.viewGrantsPerToken])
        }
        return secret
    }
}
