import Foundation

/// A booking's answer without playing the whole office again.
///
/// Every booking makes a new version of its office, and its answer (the newcomer's place and wait)
/// came from a play of that version in full: at 3,000 waiting and more, a third of a booking's time.
/// When the office is only walk-ins and the new version differs from the last one played, at the
/// same moment, by walk-ins joined behind everyone, the play of the old version stands: nobody in it
/// can be displaced by a newcomer. A counter takes a newcomer only once it has nobody older to call,
/// and without priority citizens, appointments or citizens still to come, nobody older turns up for
/// it later. So the newcomers are played on their own from the moment each counter went idle (after
/// closing, when the old play went on after it and none of the newcomers' counters had gone idle
/// before), and added to the old play. When any of that does not hold, this answers nil and the
/// office is played in full (`ForecastExtensionTests` holds the two equal on random offices).
extension ForecastPlan {
    func playExtending(_ earlier: ForecastPlan, _ played: ForecastResult) -> ForecastResult? {
        let old = earlier.tokens.count, n = tokens.count
        guard n > old, played.byToken.count == old, earlier.mayBeExtended, mayBeExtended, sameOffice(as: earlier) else { return nil }
        // The same tokens in the same order, each called (none sent to a counter not in the play).
        guard played.uncalled == 0 else { return nil }
        // All walk-ins here now, none priority, and the latest of them to queue: known from the
        // last extension, or found in one pass (once per fresh play).
        let walkIns = played.plainWalkIns ?? earlier.plainWalkIns()
        guard walkIns.count == old else { return nil }
        // Those past the ones known the same (one waiting list, appended to) compared side by side.
        let shared = sharedWaiting(with: earlier)
        if shared < old {
            var theirs = earlier.tokens[shared...].makeIterator()
            for token in tokens[shared..<old] {
                guard let was = theirs.next(), token.candidate == was.candidate, token.service == was.service,
                      token.target == was.target else { return nil }
            }
        }
        var lastQueued = walkIns.lastQueued
        // The newcomers: walk-ins for any counter of their service, behind everyone already there.
        var services = Set<Int>()
        for token in tokens[old...] {
            let queued = token.candidate.queuedAt.timeIntervalSince(now)
            guard Self.isPlainWalkIn(token), token.target == nil, queued >= lastQueued else { return nil }
            lastQueued = queued
            services.insert(token.service)
        }
        let serving = Set(services.flatMap(counterIndices(serving:)))
        // The newcomers played alone, from the moment each counter had nobody older left.
        let alone: ForecastPlan
        if let stopped = played.overtimeFrom {
            // The old play went on after closing. Only when none of the newcomers' counters had
            // nobody left before closing (so none would have called a newcomer then, and the moment
            // the last counter stopped stays the same): then they are called after closing, each
            // counter taking them once it has nobody older, or from that moment if it had nobody then.
            guard serving.allSatisfy({ played.idleAt[$0] == nil }) else { return nil }
            alone = playedAlone(tokens[old...], freeAt: { played.overtimeIdleAt[$0] ?? stopped }, closing: false)
        } else {
            // Every counter free from when it had nobody left; one that closed before never is.
            alone = playedAlone(tokens[old...], freeAt: { played.idleAt[$0] ?? .infinity }, closing: true)
        }
        let added = alone.play()
        guard added.uncalled == 0, !added.byToken.contains(where: \.afterClosing) else { return nil }
        var result = played
        if played.overtimeFrom == nil {
            result.idleAt = added.idleAt
        } else {
            // The newcomers' counters go on after closing now (those that did not have nobody from
            // the moment the last counter stopped); the others as they were.
            for index in serving { result.overtimeIdleAt[index] = added.idleAt[index] }
        }
        // Before a newcomer: the newcomers called before it (the play alone counted them), and the
        // old play's calls before it by the counters that serve its service.
        for (call, token) in zip(added.byToken, alone.tokens) {
            guard let t = call.at else { return nil }
            var made = call
            made.ahead += Int32(played.calls(before: t, by: counterIndices(serving: token.service)))
            made.afterClosing = played.overtimeFrom != nil
            result.byToken.append(made)
        }
        for counter in counters.indices { result.callTimes[counter] += added.callTimes[counter] }
        result.plainWalkIns = (n, lastQueued)
        return result
    }

    /// How many of the first tokens are walk-ins here now (none priority) before any other, and
    /// the latest queueing time among them.
    func plainWalkIns() -> (count: Int, lastQueued: Double) {
        var count = 0, lastQueued = -Double.infinity
        for token in tokens {
            guard Self.isPlainWalkIn(token) else { break }
            count += 1
            lastQueued = max(lastQueued, token.candidate.queuedAt.timeIntervalSince(now))
        }
        return (count, lastQueued)
    }

    /// The same office with only these tokens, each counter free from `freeAt(index)`; without
    /// `closing`, as after closing time (no pauses, no closing).
    private func playedAlone(_ newcomers: Slice<ChunkedList<Token>>, freeAt: (Int) -> Double, closing: Bool) -> ForecastPlan {
        ForecastPlan(now: now, secondsOfDay: secondsOfDay, policy: policy, priorityStreak: priorityStreak,
                     counters: counters.indices.map { index in
                         let counter = counters[index]
                         return Counter(id: counter.id, serves: counter.serves, freeAt: freeAt(index),
                                        pauses: closing ? counter.pauses : [], closesAt: closing ? counter.closesAt : .infinity,
                                        busy: counter.busy)
                     },
                     tokens: Array(newcomers), callSeconds: callSeconds)
    }

    /// False when a glance shows the plan cannot be extended (priority walk-ins expected at a rate,
    /// or citizens still to come, who are last in its tokens): then the next version's plan is not
    /// even built for trying, and the office is played in full at once.
    var mayBeExtended: Bool {
        !priorityRates.contains(where: { $0 > 0 }) && (tokens.last?.arrivesAt ?? 0) == 0
    }

    /// Present now, expected by nobody's rate, not priority and not an appointment.
    private static func isPlainWalkIn(_ token: Token) -> Bool {
        token.known && token.arrivesAt == 0 && token.candidate.kind == .walkIn && !token.candidate.priority.isPriority
    }

    /// Played at the same moment, by the same rules and counters, with the same call times: the
    /// plans' tokens are all that may differ.
    func sameOffice(as earlier: ForecastPlan) -> Bool {
        earlier.now == now && earlier.secondsOfDay == secondsOfDay && earlier.policy == policy && earlier.callSeconds == callSeconds
            && sameCounters(as: earlier)
    }

    private func sameCounters(as earlier: ForecastPlan) -> Bool {
        counters.count == earlier.counters.count && zip(counters, earlier.counters).allSatisfy { a, b in
            a.id == b.id && a.serves == b.serves && a.freeAt == b.freeAt && a.pauses == b.pauses && a.closesAt == b.closesAt
                && a.busy?.service == b.busy?.service && a.busy?.elapsed == b.busy?.elapsed && a.busy?.called == b.busy?.called
        }
    }
}

/// An office's last mean play, kept so that the answers of the versions after it can add their
/// newcomers to it (`ForecastPlan.playExtending`, or `playResuming` from its mark) instead of
/// playing the office again.
final class LastPlay: @unchecked Sendable {
    /// How long one play serves the versions after it: the times it gives are from its own moment,
    /// and decision 4 has forecast times worked out again at most this late.
    static let longest: Double = 0.2
    /// How long it still serves them while one answer plays the office afresh (`extendable`).
    static let stalest: Double = 1

    /// A play: its plan, its result, and where it may be taken up again (`ForecastPlan.run`).
    struct Played: Sendable {
        let plan: ForecastPlan
        let result: ForecastResult
        var mark: ForecastProgress? = nil
    }

    private let lock = NSLock()
    private var kept: (version: Int64, played: Played)?
    /// Whether an answer is playing the office afresh, the kept play being older than `longest`.
    private var refreshing = false

    /// The play to extend for a version at `now`, if one of an older version is kept and recent
    /// enough; nil when the office must be played in full. Once the kept play is older than
    /// `longest`, the first answer to ask plays the office afresh, and the others go on from the
    /// kept play meanwhile (up to `stalest`): when every answer of those moments played in full,
    /// each booking written during the fresh play was held up by a play of its own.
    func extendable(before version: Int64, at now: Date) -> Played? {
        lock.lock(); defer { lock.unlock() }
        guard let kept, kept.version < version else { return nil }
        let age = now.timeIntervalSince(kept.played.plan.now)
        guard age >= 0 else { return nil }
        if age < Self.longest { return kept.played }
        if !refreshing {
            refreshing = true
            return nil
        }
        return age < Self.stalest ? kept.played : nil
    }

    /// How many answers were worked out from a kept play rather than in full (for the tests).
    private(set) var takenUp = 0

    /// Keeps a version's play when it is of a later moment than the kept one (a fresh play), or of
    /// the same moment and a newer version. `takenUp`: it was worked out from the kept one.
    func keep(version: Int64, _ played: Played, takenUp: Bool = false) {
        lock.lock(); defer { lock.unlock() }
        if takenUp { self.takenUp += 1 }
        if let kept {
            let was = kept.played.plan.now, now = played.plan.now
            guard now > was || (now == was && version > kept.version) else { return }
            if now > was { refreshing = false }
        }
        kept = (version, played)
    }
}
