import Foundation
import GRDB

extension Queue {
    /// The day-end job for one office: every token of a service day whose closing has passed that is
    /// still booked, waiting or called becomes `expired`, with its event, in the same transaction (so
    /// the live picture and the streams take the change like any other), `batch` tokens a transaction
    /// so that a crowded day's end does not hold up other offices' bookings. A citizen being served is left
    /// to the clerk. Tokens of days missed while no runner ran are ended in the same pass; running it
    /// again finds nothing to do. Returns how many tokens ended and when the office next closes.
    public func endDay(office code: String, at now: Date, batch: Int = 500) throws -> (expired: Int, nextClosing: Date) {
        let actor = Actor.job(OfficeDayJobs.dayEnd)
        let (lastEndedDay, nextClosing) = try database.writer.read { db in
            let facts = try OfficeFacts.load(db, code: code)
            let calendar = try facts.calendar(db, from: facts.serviceDay(now).day)
            guard let end = calendar.dayEnd(at: now) else { throw QueueError.officeNotFound(code) }
            return end
        }
        let open = TokenAction.expire.allowedFrom.map(\.rawValue).sorted()
        var expired = 0
        while true {
            let ended = try expireBatch(office: code, through: lastEndedDay, states: open, limit: batch, actor: actor, at: now)
            expired += ended
            if ended < batch { return (expired, nextClosing) }
        }
    }

    /// Up to `limit` open tokens of the office's ended days expire, in one transaction.
    private func expireBatch(office code: String, through lastEndedDay: String, states open: [String], limit: Int,
                             actor: Actor, at now: Date) throws -> Int {
        try commit { db, events -> Int in
            let tokens = try Token.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM token WHERE office_code = ? AND service_day <= ?
                    AND state IN (\(open.map { _ in "?" }.joined(separator: ", "))) ORDER BY id LIMIT ?
                """), arguments: StatementArguments([code, lastEndedDay] + open + [limit]))
            guard !tokens.isEmpty else { return 0 }
            let office = try OfficeFacts.load(db, code: code)
            for token in tokens {
                let updated = try transition(db, token, action: .expire, kind: .expired, office: office, actor: actor, at: now,
                                             counterID: token.counterID, events: &events) { db, token, _ in
                    try db.cachedStatement(sql: "UPDATE token SET state = 'expired', counter_id = NULL, finished_at = ? WHERE id = ?")
                        .execute(arguments: [now.milliseconds, token.id])
                }
                try DayEndMessages.tokenExpired(db, token: updated, at: now)
            }
            return tokens.count
        }
    }
}
