import Foundation
import GRDB

extension Queue {
    /// The day-end job for one office: every token of a service day whose closing has passed that is
    /// still booked, waiting or called becomes `expired`, with its event, in one transaction (so the
    /// live picture and the streams take the change like any other). A citizen being served is left
    /// to the clerk. Tokens of days missed while no runner ran are ended in the same pass; running it
    /// again finds nothing to do. Returns how many tokens ended and when the office next closes.
    public func endDay(office code: String, at now: Date) throws -> (expired: Int, nextClosing: Date) {
        let actor = Actor.job(OfficeDayJobs.dayEnd)
        let (lastEndedDay, nextClosing) = try database.writer.read { db in
            let facts = try OfficeFacts.load(db, code: code)
            let calendar = try facts.calendar(db, from: facts.serviceDay(now).day)
            guard let end = calendar.dayEnd(at: now) else { throw QueueError.officeNotFound(code) }
            return end
        }
        let open = TokenAction.expire.allowedFrom.map(\.rawValue).sorted()
        let expired = try commit { db, events -> Int in
            let tokens = try Token.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM token WHERE office_code = ? AND service_day <= ? AND state IN (?, ?, ?) ORDER BY id
                """), arguments: StatementArguments([code, lastEndedDay] + open))
            for token in tokens {
                let to = try TokenAction.expire.apply(to: token.state)
                try db.cachedStatement(sql: "UPDATE token SET state = ?, counter_id = NULL, finished_at = ? WHERE id = ?")
                    .execute(arguments: [to.rawValue, now.milliseconds, token.id])
                guard let updated = try Token.fetch(db, id: token.id) else { throw QueueError.tokenNotFound }
                let counter = try token.counterID.flatMap { try Counter.fetch(db, id: $0) }
                events.append(try EventLog.append(db, office: code, kind: .expired, token: updated, counter: counter,
                                                  from: token.state, to: to, actor: actor, at: now))
                try DayEndMessages.tokenExpired(db, token: updated, at: now)
            }
            return tokens.count
        }
        return (expired, nextClosing)
    }
}
