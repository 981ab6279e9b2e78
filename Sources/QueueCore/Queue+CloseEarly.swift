import Foundation
import GRDB

extension Queue {
    /// The manager closes the office for the rest of the day (a power cut, a system outage): the day
    /// becomes a holiday, so that nobody more can book for it, and every token still waiting or
    /// booked for today is cancelled, each with its event and a `closed_early` message telling the
    /// citizen what to do next (DESIGN, decision 5), all in one transaction. Tokens already at a
    /// counter are served. Returns the tokens cancelled.
    public func closeEarly(office code: String, reason: String, actor: Actor, at now: Date) throws -> [Token] {
        let reason = try TextInput.validated(reason, field: "reason", label: "reason", limit: 150)
        guard !reason.isEmpty else { throw QueueError.invalidField(field: "reason", reason: "Say why the office closes, for the citizens told.") }
        return try commit { db, events in
            let office = try OfficeFacts.load(db, code: code)
            let today = office.serviceDay(now).day
            try db.execute(sql: "INSERT INTO office_holiday VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET reason = excluded.reason",
                           arguments: [code, today, reason])
            events.append(try EventLog.append(db, office: code, kind: .holidayAdded, actor: actor, reason: "\(today) \(reason)", at: now))
            let ids = try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT id FROM token WHERE office_code = ? AND service_day = ? AND state IN ('waiting', 'booked') ORDER BY id
                """), arguments: [code, today])
            var cancelled: [Token] = []
            for id in ids {
                guard let token = try Token.fetch(db, id: id) else { continue }
                let to = try TokenAction.cancel.apply(to: token.state)
                try db.cachedStatement(sql: "UPDATE token SET state = 'cancelled', counter_id = NULL, finished_at = ? WHERE id = ?")
                    .execute(arguments: [now.milliseconds, id])
                guard let updated = try Token.fetch(db, id: id) else { continue }
                events.append(try EventLog.append(db, office: code, kind: .cancelled, token: updated, from: token.state, to: to,
                                                  actor: actor, reason: "office closed early", at: now))
                try Outbox.enqueue(db, .closedEarly, token: updated, extra: ["reason": reason], at: now)
                try Outbox.withdrawReminders(db, token: id, at: now)
                cancelled.append(updated)
            }
            return cancelled
        }
    }
}
