import Foundation
import GRDB

extension Queue {
    /// Opens a counter, or pauses it (with a reason), or closes it. A counter attending to a citizen
    /// cannot close until that token is completed, transferred or marked. With `asTheDeskAllows`
    /// (a clerk's console) the change is also held to the rules the desk offers by, checked in the
    /// same transaction: opening an open counter or pausing a closed one is refused, not logged.
    public func setCounter(_ counterID: Int64, to state: Counter.State, reason: String? = nil, asTheDeskAllows: Bool = false,
                           actor: Actor, at now: Date) throws -> Counter {
        try commit { db, events in
            guard var counter = try Counter.fetch(db, id: counterID) else { throw QueueError.counterNotFound(counterID) }
            if asTheDeskAllows {
                let action: CounterAction = switch state {
                case .open: .open
                case .paused: .pause
                case .closed: .close
                }
                // Only the counter's state and whether someone is at it decide these three actions.
                let busy = try tokenAtCounter(db, counterID) != nil
                if let refusal = action.refusal(counter: counter.state, atCounter: busy, waiting: 0) { throw QueueError.counterRefused(refusal) }
            }
            var pauseReason: String?
            if state == .paused {
                let text = try TextInput.validated(reason ?? "", field: "reason", label: "reason for the pause", limit: 200)
                guard !text.isEmpty else {
                    throw QueueError.invalidField(field: "reason", reason: "Give a reason for the pause (up to 200 characters).")
                }
                pauseReason = text
            }
            if state == .closed, let busy = try tokenAtCounter(db, counterID) {
                throw QueueError.counterBusy(number: counter.number, token: busy.number)
            }
            try db.cachedStatement(sql: "UPDATE counter SET state = ?, pause_reason = ? WHERE id = ?").execute(arguments: [state.rawValue, pauseReason, counterID])
            counter.state = state
            counter.pauseReason = pauseReason
            let kind: EventKind = switch state {
            case .open: .counterOpened
            case .paused: .counterPaused
            case .closed: .counterClosed
            }
            events.append(try EventLog.append(db, office: counter.officeCode, kind: kind, counter: counter,
                                              actor: actor, reason: pauseReason, at: now))
            return counter
        }
    }

    /// Calls the next citizen for an open counter, by the office's ordering policy; nil if nobody waits.
    /// Atomic: two counters calling at once never take the same token.
    public func callNext(counter counterID: Int64, actor: Actor, at now: Date) throws -> Token? {
        try commit(settled: true) { db, events in
            let counter = try readyCounter(db, counterID)
            let settings = try self.settings.reading(db)
            let office = try settings.office(counter.officeCode)
            guard let next = try nextToCall(db, counter: counter, office: office, at: now) else { return nil }
            return try call(db, tokenID: next, counter: counter, actor: actor, settings: settings, at: now, events: &events)
        }
    }

    /// The clerk's "done, next": service of the citizen at the counter is done and the counter calls
    /// the next citizen, in one transaction, so one key press does both and no other counter's call
    /// comes between. The counter must be open (a paused counter completes with `complete` alone);
    /// `called` is nil when nobody waits for it.
    public func completeAndCallNext(token tokenID: Int64, counter counterID: Int64, actor: Actor, at now: Date) throws -> CounterTurn {
        try commit(settled: true) { db, events in
            guard let token = try Token.fetch(db, id: tokenID) else { throw QueueError.tokenNotFound }
            guard token.counterID == counterID else { throw QueueError.illegalTransition(action: .complete, from: token.state) }
            guard let counter = try Counter.fetch(db, id: counterID) else { throw QueueError.counterNotFound(counterID) }
            guard counter.state == .open else { throw QueueError.counterNotOpen(number: counter.number) }
            let settings = try self.settings.reading(db)
            let office = try settings.office(counter.officeCode)
            // Chosen before the completion is logged: a completion moves no waiting citizen and is
            // not a call, so the order is the same after it, and the office's picture, if current
            // until now, still gives its head.
            let next = try nextToCall(db, counter: counter, office: office, at: now)
            let completed = try transition(db, token, action: .complete, kind: .completed, office: office, actor: actor, at: now,
                                           counterID: counterID, counter: counter, applied: { Self.served(&$0, at: now) },
                                           events: &events) { db, token, _ in
                try Self.markServed(db, token: token, at: now)
            }
            let called = try next.map { try call(db, tokenID: $0, counter: counter, actor: actor, settings: settings, at: now, events: &events) }
            return CounterTurn(completed: completed, called: called)
        }
    }

    /// The waiting token the office's ordering policy gives this counter next, as this transaction reads the queue.
    private func nextToCall(_ db: Database, counter: Counter, office: OfficeFacts, at now: Date) throws -> Int64? {
        if let picture = try currentPicture(db, office: office, counter: counter, at: now) {
            // Nothing has changed since the office's picture: the head of its order for this
            // counter is what the database would give, without reading the whole queue.
            return picture.callingOrder(counter: counter.id, limit: 1, at: now).order.first?.id
        }
        let moment = office.serviceDay(now)
        let candidates = try waitingCandidates(db, office: office.code, day: moment.day,
                                               services: counter.serviceCodes, counterID: counter.id)
        let streak = try Self.priorityStreak(db, office: office.code, limit: office.policy.maxPriorityStreak)
        return OrderingPolicy.next(from: candidates, priorityStreak: streak, policy: office.policy,
                                   now: now, minuteOfDay: moment.minuteOfDay)?.tokenID
    }

    /// Calls a given waiting token to a counter (the clerk chose it out of turn).
    public func call(token tokenID: Int64, counter counterID: Int64, actor: Actor, at now: Date) throws -> Token {
        try commit(settled: true) { db, events in
            let counter = try readyCounter(db, counterID)
            guard let token = try Token.fetch(db, id: tokenID), token.officeCode == counter.officeCode else {
                throw QueueError.tokenNotFound
            }
            guard counter.serviceCodes.contains(token.serviceCode) else {
                throw QueueError.counterDoesNotServe(number: counter.number, service: token.serviceCode)
            }
            return try call(db, tokenID: tokenID, counter: counter, actor: actor, settings: try settings.reading(db), at: now,
                            events: &events)
        }
    }

    /// `settings`: the transaction's settings reader (the caller has usually read the office through it).
    func call(_ db: Database, tokenID: Int64, counter: Counter, actor: Actor, settings: SettingsReader, at now: Date,
              events: inout [QueueEvent]) throws -> Token {
        guard var token = try Token.fetch(db, id: tokenID) else { throw QueueError.tokenNotFound }
        let from = token.state
        token.state = try TokenAction.call.apply(to: from)
        try db.cachedStatement(sql: """
            UPDATE token SET state = 'called', counter_id = ?, called_at = ?, target_counter_id = NULL, recalls = 0
            WHERE id = ? AND state = 'waiting'
            """).execute(arguments: [counter.id, now.milliseconds, tokenID])
        guard db.changesCount == 1 else { throw QueueError.illegalTransition(action: .call, from: from) }
        // The row as the update left it (the change hands it to the picture as it is: `settled`).
        token.counterID = counter.id
        token.calledAt = Date(milliseconds: now.milliseconds)
        token.targetCounterID = nil
        token.recalls = 0
        events.append(try EventLog.append(db, office: token.officeCode, kind: .called, token: token, counter: counter,
                                          from: from, to: .called, actor: actor, at: now))
        try Outbox.enqueue(db, .called, token: token, extra: ["counter": String(counter.number)], settings: settings, at: now)
        return token
    }

    /// The office's live picture, if it shows the database as this transaction reads it: no event
    /// since its version, the same rules, the counter with the same services, today. (A group's
    /// picture is brought forward from the group's first change: a group that straddles the
    /// office's midnight would otherwise hold yesterday's queue, which nobody calls from today.)
    private func currentPicture(_ db: Database, office: OfficeFacts, counter: Counter, at now: Date) throws -> LiveOffice? {
        guard let picture = group.picture(office.code, at: now), picture.day == office.serviceDay(now).day, picture.policy == office.policy,
              picture.counters.first(where: { $0.id == counter.id })?.services == counter.serviceCodes else { return nil }
        let newest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM event WHERE office_code = ?"),
                                        arguments: [office.code]) ?? 0
        return picture.version == newest ? picture : nil
    }

    /// The counter, if it is open and not already attending to someone.
    func readyCounter(_ db: Database, _ counterID: Int64) throws -> Counter {
        guard let counter = try Counter.fetch(db, id: counterID) else { throw QueueError.counterNotFound(counterID) }
        guard counter.state == .open else { throw QueueError.counterNotOpen(number: counter.number) }
        if let busy = try tokenAtCounter(db, counterID) {
            throw QueueError.counterBusy(number: counter.number, token: busy.number)
        }
        return counter
    }

    func tokenAtCounter(_ db: Database, _ counterID: Int64) throws -> Token? {
        try Token.fetchAll(byColumns: db.cachedStatement(sql: "SELECT \(Token.columns) FROM token WHERE counter_id = ? AND state IN ('called', 'serving')"),
                           arguments: [counterID]).first
    }

    /// The waiting tokens of these services that this counter may call.
    func waitingCandidates(_ db: Database, office: String, day: String, services: [String],
                           counterID: Int64?) throws -> [QueueCandidate] {
        guard !services.isEmpty else { return [] }
        let marks = services.map { _ in "?" }.joined(separator: ", ")
        var arguments: [any DatabaseValueConvertible] = [office, day]
        arguments += services
        var sql = """
            SELECT id, priority, kind, queued_at, slot_starts_at FROM token
            WHERE office_code = ? AND service_day = ? AND state = 'waiting' AND service_code IN (\(marks))
            """
        if let counterID {
            sql += " AND (target_counter_id IS NULL OR target_counter_id = ?)"
            arguments.append(counterID)
        } else {
            sql += " AND target_counter_id IS NULL"
        }
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments)).map { row in
            QueueCandidate(tokenID: row["id"], priority: PriorityCategory(rawValue: row["priority"]) ?? .none,
                           kind: TokenKind(rawValue: row["kind"]) ?? .walkIn,
                           queuedAt: Date(milliseconds: row["queued_at"]), slotStartsAt: row["slot_starts_at"])
        }
    }

    /// How many of the office's latest calls in a row went to priority citizens (up to `limit`).
    static func priorityStreak(_ db: Database, office: String, limit: Int) throws -> Int {
        let recent = try String.fetchAll(db.cachedStatement(sql: """
            SELECT t.priority FROM event e JOIN token t ON t.id = e.token_id
            WHERE e.office_code = ? AND e.kind = 'called' ORDER BY e.id DESC LIMIT ?
            """), arguments: [office, limit])
        return recent.prefix { $0 != PriorityCategory.none.rawValue }.count
    }
}

extension Queue {
    /// The id of counter `number` at an office.
    public func counterID(office: String, number: Int) throws -> Int64? {
        try database.writer.read { db in try Counter.id(db, office: office, number: number) }
    }

    /// The token called to or served at a counter now, as the office's picture and the kept tokens
    /// have it (an action on it checks again inside its own transaction).
    public func tokenAt(counter counterID: Int64, at now: Date = Date()) throws -> Token? {
        guard let office = try live.office(ofCounter: counterID),
              let tokenID = try live.office(office, at: now).counters.first(where: { $0.id == counterID })?.currentTokenID else { return nil }
        return try live.token(tokenID)
    }
}

/// What a "done, next" did at a counter: the citizen whose service is done, and the one called
/// next (nil when nobody waited for the counter).
public struct CounterTurn: Sendable {
    public let completed: Token
    public let called: Token?
}
