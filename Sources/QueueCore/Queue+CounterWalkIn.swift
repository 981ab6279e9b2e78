import Foundation
import GRDB

extension Queue {
    /// A citizen without a token, booked by the clerk at the counter (when the kiosk's printer is down
    /// or the citizen has no phone), so that the day's figures stay whole. With `serveNow` the token
    /// is called to this counter and its service starts in the same transaction; otherwise it joins
    /// the queue like any walk-in. Name and mobile are optional, as at an enrolled kiosk.
    public func walkInAtCounter(_ counterID: Int64, service: String, citizen: CitizenDetails, serveNow: Bool,
                                actor: Actor, at now: Date) throws -> Token {
        guard case .staff = actor else { throw QueueError.invalidField(field: "actor", reason: "Only staff book at a counter.") }
        return try commit { db, events in
            guard let counter = try Counter.fetch(db, id: counterID) else { throw QueueError.counterNotFound(counterID) }
            let request = BookingRequest(officeCode: counter.officeCode, serviceCode: service, citizen: citizen,
                                         actor: actor, secrets: .random())
            let checked = try validatedCitizen(of: request)
            // Checked before booking, so that a busy or closed counter books nothing.
            if serveNow {
                _ = try readyCounter(db, counterID)
                guard counter.serviceCodes.contains(service) else {
                    throw QueueError.counterDoesNotServe(number: counter.number, service: service)
                }
            }
            let booked = try insertBooking(db, request, citizen: checked, at: now, events: &events)
            guard serveNow else { return booked }
            var token = try call(db, tokenID: booked.id, counter: counter, actor: actor, settings: try settings.reading(db), at: now,
                                 events: &events)
            let from = token.state
            token.state = try TokenAction.start.apply(to: from)
            try db.cachedStatement(sql: "UPDATE token SET state = 'serving', started_at = ? WHERE id = ?")
                .execute(arguments: [now.milliseconds, token.id])
            token.startedAt = now
            events.append(try EventLog.append(db, office: token.officeCode, kind: .started, token: token, counter: counter,
                                              from: from, to: .serving, actor: actor, at: now))
            return token
        }
    }
}
