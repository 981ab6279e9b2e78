import Foundation
import GRDB

extension Queue {
    /// Announces a called token again, up to the office's recall limit and not sooner than its interval.
    public func recall(token tokenID: Int64, counter counterID: Int64, actor: Actor, at now: Date) throws -> Token {
        try atCounter(tokenID, counterID, action: .recall, kind: .recalled, actor: actor, at: now) { db, token, office in
            if let refusal = office.policy.refusal(of: .recall, recalls: token.recalls, calledAt: token.calledAt, at: now) { throw refusal }
            try db.cachedStatement(sql: "UPDATE token SET recalls = recalls + 1, called_at = ? WHERE id = ?").execute(arguments: [now.milliseconds, tokenID])
        }
    }

    /// The citizen has come to the counter: service begins.
    public func start(token tokenID: Int64, counter counterID: Int64, actor: Actor, at now: Date) throws -> Token {
        try atCounter(tokenID, counterID, action: .start, kind: .started, actor: actor, at: now, applied: { token in
            token.state = .serving
            token.startedAt = Date(milliseconds: now.milliseconds)
        }) { db, _, _ in
            try db.cachedStatement(sql: "UPDATE token SET state = 'serving', started_at = ? WHERE id = ?").execute(arguments: [now.milliseconds, tokenID])
        }
    }

    /// Service is done.
    public func complete(token tokenID: Int64, counter counterID: Int64, actor: Actor, at now: Date) throws -> Token {
        try atCounter(tokenID, counterID, action: .complete, kind: .completed, actor: actor, at: now, applied: { Self.served(&$0, at: now) }) {
            db, token, _ in
            try Self.markServed(db, token: token, at: now)
        }
    }

    /// The row of a token whose service is done (`complete`, and "done, next").
    static func markServed(_ db: Database, token: Token, at now: Date) throws {
        try db.cachedStatement(sql: "UPDATE token SET state = 'served', finished_at = ? WHERE id = ?").execute(arguments: [now.milliseconds, token.id])
    }

    /// What `markServed` does to the row, for the token in hand.
    static func served(_ token: inout Token, at now: Date) {
        token.state = .served
        token.finishedAt = Date(milliseconds: now.milliseconds)
    }

    /// The citizen did not come after the recall limit was reached (and the interval since the last call passed).
    public func markNoShow(token tokenID: Int64, counter counterID: Int64, actor: Actor, at now: Date) throws -> Token {
        try atCounter(tokenID, counterID, action: .markNoShow, kind: .noShow, actor: actor, at: now) { db, token, office in
            if let refusal = office.policy.refusal(of: .markNoShow, recalls: token.recalls, calledAt: token.calledAt, at: now) { throw refusal }
            try db.cachedStatement(sql: "UPDATE token SET state = 'no_show', finished_at = ? WHERE id = ?").execute(arguments: [now.milliseconds, tokenID])
        }
    }

    /// Sends a called or serving token to another service and/or a given counter. Where it waits
    /// there is the office's transfer placement (by default it keeps its original queueing time, so
    /// it does not lose its place).
    public func transfer(token tokenID: Int64, from counterID: Int64, toService service: String?,
                         toCounter targetID: Int64?, reason: String?, actor: Actor, at requested: Date) throws -> Token {
        let reason = try reason.map { try TextInput.validated($0, field: "reason", label: "reason", limit: 200) }.flatMap { $0.isEmpty ? nil : $0 }
        return try transition(tokenID, action: .transfer, kind: .transferred, actor: actor, at: requested, reason: reason,
                              counterID: counterID, joining: true) { db, token, office, now in
            guard token.counterID == counterID else { throw QueueError.illegalTransition(action: .transfer, from: token.state) }
            let newService = service ?? token.serviceCode
            guard newService != token.serviceCode || targetID != nil else { throw QueueError.transferToSameQueue }
            _ = try OfferedService.load(db, office: token.officeCode, service: newService)
            var lineServices = [newService]
            if let targetID {
                guard let target = try Counter.fetch(db, id: targetID) else { throw QueueError.counterNotFound(targetID) }
                guard target.officeCode == token.officeCode else { throw QueueError.counterInAnotherOffice }
                guard target.serviceCodes.contains(newService) else {
                    throw QueueError.counterDoesNotServe(number: target.number, service: newService)
                }
                lineServices = target.serviceCodes
            }
            let queuedAt = try transferredQueueTime(db, token: token, office: office, services: lineServices, counter: targetID, at: now)
            try db.cachedStatement(sql: """
                UPDATE token SET state = 'waiting', service_code = ?, target_counter_id = ?, counter_id = NULL,
                    called_at = NULL, started_at = NULL, recalls = 0, queued_at = ? WHERE id = ?
                """).execute(arguments: [newService, targetID, queuedAt.milliseconds, tokenID])
        }
    }

    /// The queueing time a transferred token waits with, by the office's placement rule, among those
    /// waiting for the new service (or for the counter it is sent to).
    private func transferredQueueTime(_ db: Database, token: Token, office: OfficeFacts, services: [String], counter: Int64?,
                                      at now: Date) throws -> Date {
        let placement = office.policy.transferPlacement
        let citizen = QueueCandidate(tokenID: token.id, priority: token.citizen.priority, kind: token.kind, queuedAt: token.queuedAt ?? now,
                                     slotStartsAt: token.slotStartsAt)
        // Only "front" looks at who waits there.
        let line = placement == .front
            ? try waitingCandidates(db, office: token.officeCode, day: token.serviceDay, services: services, counterID: counter) : []
        return placement.queuedAt(for: citizen, line: line, policy: office.policy, now: now, minuteOfDay: office.serviceDay(now).minuteOfDay)
    }

    /// The citizen at the counter must fetch a document or a signature: out of the calling order,
    /// kept for this counter, with the reason (in the audit log) and when the clerk expects them back.
    public func park(token tokenID: Int64, counter counterID: Int64, reason: String, until: Date?, actor: Actor,
                     at now: Date) throws -> Token {
        let reason = try TextInput.validated(reason, field: "reason", label: "reason", limit: 200)
        guard !reason.isEmpty else { throw QueueError.invalidField(field: "reason", reason: "Give the reason: what the citizen must bring.") }
        return try atCounter(tokenID, counterID, action: .park, kind: .parked, actor: actor, at: now, reason: reason) { db, _, _ in
            try db.cachedStatement(sql: """
                UPDATE token SET state = 'parked', target_counter_id = ?, counter_id = NULL, parked_until = ?,
                    called_at = NULL, started_at = NULL, recalls = 0 WHERE id = ?
                """).execute(arguments: [counterID, until?.milliseconds, tokenID])
        }
    }

    /// A parked citizen is back: they wait again at their old place in time (ahead of everyone who
    /// came after them), for the counter that parked them only.
    public func resume(token tokenID: Int64, counter counterID: Int64, actor: Actor, at now: Date) throws -> Token {
        try transition(tokenID, action: .resume, kind: .resumed, actor: actor, at: now, counterID: counterID) { db, token, _ in
            guard token.targetCounterID == counterID else { throw QueueError.illegalTransition(action: .resume, from: token.state) }
            try db.cachedStatement(sql: "UPDATE token SET state = 'waiting', parked_until = NULL WHERE id = ?").execute(arguments: [tokenID])
        }
    }

    /// A no-show citizen who came back joins the back of their class, once.
    public func rejoin(token tokenID: Int64, actor: Actor, at requested: Date) throws -> Token {
        try transition(tokenID, action: .rejoin, kind: .rejoined, actor: actor, at: requested, joining: true) { db, token, _, now in
            guard !token.hasRejoined else { throw QueueError.alreadyRejoined }
            try db.cachedStatement(sql: """
                UPDATE token SET state = 'waiting', has_rejoined = 1, queued_at = ?, counter_id = NULL,
                    called_at = NULL, finished_at = NULL, recalls = 0 WHERE id = ?
                """).execute(arguments: [now.milliseconds, tokenID])
        }
    }

    /// The citizen cancels (before being served).
    public func cancel(token tokenID: Int64, actor: Actor, at now: Date) throws -> Token {
        try transition(tokenID, action: .cancel, kind: .cancelled, actor: actor, at: now) { db, token, _ in
            try Self.markCancelled(db, token: tokenID, at: now)
            try Outbox.enqueue(db, .cancelled, token: token, at: now)
            try Outbox.withdrawReminders(db, token: tokenID, at: now)
        }
    }

    /// An appointment holder has arrived on the day: they join the live queue now.
    public func checkIn(token tokenID: Int64, actor: Actor, at requested: Date) throws -> Token {
        try transition(tokenID, action: .checkIn, kind: .checkedIn, actor: actor, at: requested, joining: true) { db, token, office, now in
            let today = office.serviceDay(now).day
            guard token.serviceDay == today else { throw QueueError.checkInWrongDay(serviceDay: token.serviceDay) }
            try db.cachedStatement(sql: "UPDATE token SET state = 'waiting', queued_at = ? WHERE id = ?").execute(arguments: [now.milliseconds, tokenID])
        }
    }

    /// Finds a token of today by its number at an office (check-in at the kiosk, or by the clerk).
    public func todaysToken(office: String, number: String, at now: Date) throws -> Token? {
        try database.writer.read { db in
            let facts = try OfficeFacts.load(db, code: office)
            return try Token.fetchOne(db.cachedStatement(sql: "SELECT * FROM token WHERE office_code = ? AND service_day = ? AND number = ?"),
                                      arguments: [office, facts.serviceDay(now).day, TokenNumber.canonical(number)])
        }
    }

    /// A transition made at a counter: the token must be at that counter.
    private func atCounter(
        _ tokenID: Int64, _ counterID: Int64, action: TokenAction, kind: EventKind, actor: Actor, at now: Date,
        reason: String? = nil, applied: ((inout Token) -> Void)? = nil, update: (Database, Token, OfficeFacts) throws -> Void
    ) throws -> Token {
        try transition(tokenID, action: action, kind: kind, actor: actor, at: now, reason: reason, counterID: counterID, applied: applied) {
            db, token, office in
            guard token.counterID == counterID else { throw QueueError.illegalTransition(action: action, from: token.state) }
            try update(db, token, office)
        }
    }

    /// Checks the transition table, applies `update`, and logs the event, in one transaction.
    private func transition(
        _ tokenID: Int64, action: TokenAction, kind: EventKind, actor: Actor, at now: Date, reason: String? = nil,
        counterID: Int64? = nil, applied: ((inout Token) -> Void)? = nil, update: (Database, Token, OfficeFacts) throws -> Void
    ) throws -> Token {
        try transition(tokenID, action: action, kind: kind, actor: actor, at: now, reason: reason, counterID: counterID,
                       joining: false, applied: applied) { db, token, office, _ in try update(db, token, office) }
    }

    /// The same, for a change that puts the token in a waiting line (`joining`): it happens, and
    /// `update` is given, the time it joins at (`Queue.joiningTime`), so that it joins behind
    /// everyone already told their place.
    private func transition(
        _ tokenID: Int64, action: TokenAction, kind: EventKind, actor: Actor, at requested: Date, reason: String? = nil,
        counterID: Int64? = nil, joining: Bool, applied: ((inout Token) -> Void)? = nil,
        update: (Database, Token, OfficeFacts, Date) throws -> Void
    ) throws -> Token {
        try commit(settled: true) { db, events in
            guard let token = try Token.fetch(db, id: tokenID) else { throw QueueError.tokenNotFound }
            let office = try settings.reading(db).office(token.officeCode)
            let now = joining ? try Self.joiningTime(db, office: token.officeCode, requested: requested, existingToken: true) : requested
            return try transition(db, token, action: action, kind: kind, office: office, actor: actor, at: now, reason: reason,
                                  counterID: counterID, applied: applied, events: &events) { db, token, office in
                try update(db, token, office, now)
            }
        }
    }

    /// One token's transition inside the caller's transaction: the transition table checked,
    /// `update` applied, the event logged; the token as it now is. Changes of many tokens at once
    /// (closing early, the day-end) take each token this way, so they write what a single change would.
    /// `applied`: what `update` does to the row, where the caller knows it exactly (a start, a
    /// completion), so that the row is not read back; `counter`: the counter `counterID` names, if
    /// the caller has read it in this transaction.
    func transition(
        _ db: Database, _ token: Token, action: TokenAction, kind: EventKind, office: OfficeFacts, actor: Actor, at now: Date,
        reason: String? = nil, counterID: Int64? = nil, counter known: Counter? = nil, applied: ((inout Token) -> Void)? = nil,
        events: inout [QueueEvent], update: (Database, Token, OfficeFacts) throws -> Void
    ) throws -> Token {
        let to = try action.apply(to: token.state)
        try update(db, token, office)
        let updated: Token
        if let applied {
            var changed = token
            applied(&changed)
            updated = changed
        } else {
            guard let read = try Token.fetch(db, id: token.id) else { throw QueueError.tokenNotFound }
            updated = read
        }
        let counter: Counter?
        if let known, known.id == counterID { counter = known } else { counter = try counterID.flatMap { try Counter.fetch(db, id: $0) } }
        events.append(try EventLog.append(db, office: token.officeCode, kind: kind, token: updated, counter: counter,
                                          from: token.state, to: to, actor: actor, reason: reason, at: now))
        return updated
    }

    /// The row of a token that no longer comes: cancelled, off any counter, finished now.
    static func markCancelled(_ db: Database, token tokenID: Int64, at now: Date) throws {
        try db.cachedStatement(sql: "UPDATE token SET state = 'cancelled', counter_id = NULL, finished_at = ? WHERE id = ?")
            .execute(arguments: [now.milliseconds, tokenID])
    }
}
