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
        let position = try position(of: tokenID, at: now)
        return try database.writer.read { db in
            TokenStatus(
                token: token, position: position,
                counterNumber: try token.counterID.flatMap {
                    try Int.fetchOne(db, sql: "SELECT number FROM counter WHERE id = ?", arguments: [$0])
                },
                requiredDocuments: try Self.documents(db, service: token.serviceCode))
        }
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
}
