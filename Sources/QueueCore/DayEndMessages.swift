import Foundation
import GRDB

/// What a citizen is told when their token expires at day-end, written in the expiry's transaction.
///
/// TODO(issue 13, outbox): the outbox writer (`fcgi-app worker`'s side of issue 13, built apart)
/// puts the "your token expired: the office has closed for the day; book again" message here, in
/// the token's language and on its channels, keyed once per token and trigger. This is the one
/// place the day-end job calls; until the outbox lands it writes nothing.
enum DayEndMessages {
    static func tokenExpired(_ db: Database, token: Token, at now: Date) throws {}
}
