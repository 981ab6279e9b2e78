import Foundation
import GRDB

/// What a citizen is told when their token expires at day-end ("the office closed for the day
/// before your turn; book again"), written in the expiry's transaction, in the token's language
/// and on the channels it chose, once per token.
enum DayEndMessages {
    static func tokenExpired(_ db: Database, token: Token, at now: Date) throws {
        try Outbox.enqueue(db, .expired, token: token, at: now)
    }
}
