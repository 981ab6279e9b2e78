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
            let tokens = try Token.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM token WHERE office_code = ? AND service_day = ? AND state IN ('waiting', 'booked') ORDER BY id
                """), arguments: [code, today])
            return try tokens.map { token in
                // Each token as the citizen's own cancel would take it, with the closing's message instead.
                let updated = try transition(db, token, action: .cancel, kind: .cancelled, office: office, actor: actor, at: now,
                                             reason: "office closed early", events: &events) { db, token, _ in
                    try Self.markCancelled(db, token: token.id, at: now)
                }
                try Outbox.enqueue(db, .closedEarly, token: updated, extra: ["reason": reason], at: now)
                try Outbox.withdrawReminders(db, token: token.id, at: now)
                return updated
            }
        }
    }
}
