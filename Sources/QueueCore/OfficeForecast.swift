import Foundation

/// The office played forward from now with the real ordering policy, counter by counter: each
/// counter, when it frees up, takes the token the policy would give it among the services it
/// handles (a token sent to a counter only there), and keeps it for that service's expected time.
/// The result is, for every waiting token, when it is likely called, by which counter, and how many
/// tokens the counters that can serve it call before it.
///
/// Pure: a plan in, a result out. Times are seconds from the plan's `now`.
struct ForecastPlan: Sendable {
    struct Counter: Sendable {
        let id: Int64
        /// By service number.
        let serves: [Bool]
        /// When it can first call (0 when free now; later while its citizen is served or its
        /// planned pause lasts).
        var freeAt: Double
        /// Planned pauses still ahead, sorted: no call is made inside one.
        let pauses: [ClosedRange<Double>]
        /// When it stops calling for the day.
        let closesAt: Double
        /// The citizen at it now: their service, how long they have been there, and whether they are
        /// still on their way (called) rather than being served; `freeAt` is the expected end.
        var busy: (service: Int, elapsed: Double, called: Bool)? = nil
    }

    struct Token: Sendable {
        let candidate: QueueCandidate
        let service: Int
        /// The counter (index in `counters`) it was sent to; -1 if to a counter not in the play.
        let target: Int?
        /// A booked appointment not yet checked in joins when its slot begins.
        let arrivesAt: Double
        /// False for a citizen the forecast only expects (a priority walk-in at the recent rate):
        /// they take counters' time but are not among the "people before you" of anyone.
        var known = true
    }

    let now: Date
    /// Local seconds since midnight at `now` (appointment slots are minutes of the day).
    let secondsOfDay: Double
    let policy: QueuePolicy
    let priorityStreak: Int
    let counters: [Counter]
    /// Waiting tokens in arrival order, then those expected later (appointments, priority walk-ins), by arrival.
    var tokens: [Token]
    /// Expected seconds from one call to the next, by service number.
    let callSeconds: [Double]
    /// Priority walk-ins expected per second, by service number, until `arrivalsUntil`.
    var priorityRates: [Double] = []
    var arrivalsUntil: Double = 0

    /// The plan with the expected priority walk-ins evenly spread at their rates.
    func withExpectedArrivals() -> ForecastPlan {
        withArrivals { rate, until in stride(from: 1 / rate, to: until, by: 1 / rate).map { $0 } }
    }

    /// The plan with priority walk-ins drawn as they come (a Poisson process at each rate).
    func drawingArrivals(_ random: inout SeededRandom) -> ForecastPlan {
        withArrivals { rate, until in
            var times: [Double] = [], t = random.exponential(rate: rate)
            while t < until { times.append(t); t += random.exponential(rate: rate) }
            return times
        }
    }

    private func withArrivals(_ times: (Double, Double) -> [Double]) -> ForecastPlan {
        var arrivals: [Token] = []
        for (service, rate) in priorityRates.enumerated() where rate > 0 {
            for t in times(rate, arrivalsUntil) {
                // Ids above every real one: at the same time, the policy takes the real citizen first.
                arrivals.append(Token(candidate: QueueCandidate(tokenID: Int64.max / 2 + Int64(arrivals.count), priority: .seniorCitizen,
                                                                queuedAt: now.addingTimeInterval(t)),
                                      service: service, target: nil, arrivesAt: t, known: false))
            }
        }
        guard !arrivals.isEmpty else { return self }
        var plan = self
        let present = tokens.filter { $0.arrivesAt == 0 }
        // Everyone still to come, in the policy's arrival order (the play relies on it).
        let coming = (tokens.filter { $0.arrivesAt > 0 && $0.known } + arrivals)
            .sorted { ($0.arrivesAt, $0.candidate.tokenID) < ($1.arrivesAt, $1.candidate.tokenID) }
        plan.tokens = present + coming
        return plan
    }
}

struct ForecastResult: Sendable, Equatable {
    /// By token index: seconds until its call, or nil if no counter of the play calls it.
    var callAt: [Double?]
    /// By token index: the counter (index) that calls it, -1 if none.
    var counter: [Int32]
    /// By token index: tokens called before it (not at the same moment) by the counters that can serve it.
    var ahead: [Int32]
    /// By token index: called only after its counters' closing time.
    var afterClosing: [Bool]
    /// By counter index: the first moment it has nobody to call (nil if it never has before closing).
    var idleAt: [Double?]
    /// Every call of a known token in the play, in order: (seconds, counter index).
    var calls: [(at: Double, counter: Int32)]

    static func == (a: ForecastResult, b: ForecastResult) -> Bool {
        a.callAt == b.callAt && a.counter == b.counter && a.ahead == b.ahead && a.afterClosing == b.afterClosing && a.idleAt == b.idleAt
    }
}

/// Durations for one play: the expected ones, or sampled ones.
protocol ForecastDurations {
    /// From one call to the next.
    mutating func seconds(service: Int, expected: Double) -> Double
    /// When a counter can first call.
    mutating func freeAt(_ counter: ForecastPlan.Counter) -> Double
}

struct ExpectedDurations: ForecastDurations {
    func seconds(service: Int, expected: Double) -> Double { expected }
    func freeAt(_ counter: ForecastPlan.Counter) -> Double { counter.freeAt }
}

extension ForecastPlan {
    func play() -> ForecastResult {
        var durations = ExpectedDurations()
        return play(durations: &durations)
    }

    /// Plays the office forward. Counters keep calling after their closing time while tokens they
    /// serve are left (marked `afterClosing`), so that every token has an honest place.
    func play<D: ForecastDurations>(durations: inout D) -> ForecastResult {
        let n = tokens.count, c = counters.count
        var result = ForecastResult(callAt: Array(repeating: nil, count: n), counter: Array(repeating: -1, count: n),
                                    ahead: Array(repeating: 0, count: n), afterClosing: Array(repeating: false, count: n),
                                    idleAt: Array(repeating: nil, count: c), calls: [])
        guard c > 0 else { return result }
        var state = PlayState(self)
        var freeAt = counters.map { durations.freeAt($0) }
        var active = [Bool](repeating: true, count: c)
        var overtime = false
        var callsBy = [Int32](repeating: 0, count: c)
        // When each counter last called: a call at the same moment as a token's is not before it.
        var lastCall = [Double](repeating: -.infinity, count: c)
        // The counters that can serve each token (its service's, or its target), as lists of indices.
        let servingService: [[Int]] = (0..<callSeconds.count).map { service in (0..<c).filter { counters[$0].serves[service] } }
        result.calls.reserveCapacity(n)
        while true {
            // The counter that frees up first (ties: the lower index).
            var next = -1
            for index in 0..<c where active[index] && (next < 0 || freeAt[index] < freeAt[next]) { next = index }
            guard next >= 0 else {
                // Every counter is done for the day: those left are called after closing, if at all.
                guard !overtime, state.left > 0 else { break }
                overtime = true
                // They resume from the moment the last counter stopped, so that time never runs back.
                let stopped = freeAt.max() ?? 0
                for index in 0..<c where state.hasEligible(counter: index) {
                    active[index] = true
                    freeAt[index] = stopped
                }
                if !active.contains(true) { break }
                continue
            }
            let counter = counters[next]
            var t = freeAt[next]
            if !overtime, t >= counter.closesAt { active[next] = false; continue }
            if !overtime, let pause = counter.pauses.first(where: { $0.lowerBound <= t && t < $0.upperBound }) {
                freeAt[next] = pause.upperBound
                continue
            }
            guard let token = state.take(counter: next, at: t) else {
                if !overtime, result.idleAt[next] == nil { result.idleAt[next] = t }
                // Nobody for it now: it waits for the next appointment it could take, or is done.
                if let arrival = state.nextArrival(counter: next, after: t) {
                    freeAt[next] = arrival
                } else {
                    active[next] = false
                }
                continue
            }
            t = max(t, tokens[token].arrivesAt)
            result.callAt[token] = t
            result.counter[token] = Int32(next)
            result.afterClosing[token] = overtime
            let serving = tokens[token].target.map { $0 >= 0 ? [$0] : [] } ?? servingService[tokens[token].service]
            var ahead: Int32 = 0
            for index in serving { ahead += callsBy[index] - (lastCall[index] == t ? 1 : 0) }
            result.ahead[token] = ahead
            if tokens[token].known {
                callsBy[next] += 1
                lastCall[next] = t
            }
            if tokens[token].known { result.calls.append((t, Int32(next))) }
            freeAt[next] = t + durations.seconds(service: tokens[token].service, expected: callSeconds[tokens[token].service])
        }
        // Tokens no counter of the play calls: those of their pool ahead in arrival order.
        for index in 0..<n where result.callAt[index] == nil {
            let serving = tokens[index].target.map { $0 >= 0 ? [$0] : [] } ?? servingService[tokens[index].service]
            var ahead: Int32 = 0
            for counter in serving { ahead += callsBy[counter] }
            result.ahead[index] = ahead
        }
        return result
    }
}

/// The tokens not yet called in a play, sorted into the policy's classes so that each counter finds
/// its next token by moving cursors forward: every list is in the order the policy takes it, and a
/// token a cursor passes (called, not the counter's, moved to another class) never comes back.
private struct PlayState {
    let plan: ForecastPlan
    var taken: [Bool]
    var left: Int
    var streak: Int
    /// Token indices: priority ones and the others in arrival order; appointments by slot.
    let priority: [Int]
    let others: [Int]
    let appointments: [Int]
    /// Per counter, a cursor into each list (and into the tokens, for the overdue ones).
    var overdueCursor: [Int], priorityCursor: [Int], othersCursor: [Int], appointmentCursor: [Int]
    /// Queueing times in seconds from now, by token (an expected appointment's is its arrival).
    let queuedAt: [Double]

    init(_ plan: ForecastPlan) {
        self.plan = plan
        let n = plan.tokens.count, c = plan.counters.count
        taken = [Bool](repeating: false, count: n)
        left = n
        streak = plan.priorityStreak
        queuedAt = plan.tokens.map { $0.arrivesAt > 0 ? $0.arrivesAt : $0.candidate.queuedAt.timeIntervalSince(plan.now) }
        var priority: [Int] = [], others: [Int] = [], appointments: [Int] = []
        for (index, token) in plan.tokens.enumerated() {
            if token.candidate.priority.isPriority { priority.append(index) } else { others.append(index) }
            if !token.candidate.priority.isPriority, token.candidate.kind == .appointment, token.candidate.slotStartsAt != nil {
                appointments.append(index)
            }
        }
        let tokens = plan.tokens
        appointments.sort {
            (tokens[$0].candidate.slotStartsAt ?? 0, tokens[$0].candidate.queuedAt, tokens[$0].candidate.tokenID)
                < (tokens[$1].candidate.slotStartsAt ?? 0, tokens[$1].candidate.queuedAt, tokens[$1].candidate.tokenID)
        }
        self.priority = priority
        self.others = others
        self.appointments = appointments
        overdueCursor = [Int](repeating: 0, count: c)
        priorityCursor = overdueCursor
        othersCursor = overdueCursor
        appointmentCursor = overdueCursor
    }

    func eligible(_ token: Int, counter: Int) -> Bool {
        let entry = plan.tokens[token]
        if let target = entry.target { return target == counter }
        return plan.counters[counter].serves[entry.service]
    }

    /// Overdue at `t`: queued `agingMinutes` or more before it.
    func overdue(_ token: Int, at t: Double) -> Bool { queuedAt[token] <= t - Double(plan.policy.agingMinutes) * 60 }

    func arrived(_ token: Int, at t: Double) -> Bool { plan.tokens[token].arrivesAt <= t }

    func due(_ token: Int, at t: Double) -> Bool {
        guard let slot = plan.tokens[token].candidate.slotStartsAt, plan.tokens[token].candidate.kind == .appointment else { return false }
        return Double(slot) * 60 <= plan.secondsOfDay + t
    }

    /// Whether any token left could still go to this counter.
    func hasEligible(counter: Int) -> Bool {
        (0..<plan.tokens.count).contains { !taken[$0] && eligible($0, counter: counter) }
    }

    /// The earliest arrival after `t` of a token this counter could take.
    func nextArrival(counter: Int, after t: Double) -> Double? {
        var earliest: Double?
        for index in appointments where !taken[index] && plan.tokens[index].arrivesAt > t && eligible(index, counter: counter) {
            earliest = min(earliest ?? .infinity, plan.tokens[index].arrivesAt)
        }
        for index in priority where !taken[index] && plan.tokens[index].arrivesAt > t && eligible(index, counter: counter) {
            earliest = min(earliest ?? .infinity, plan.tokens[index].arrivesAt)
        }
        return earliest
    }

    /// The token the policy gives this counter at `t`, marked called; nil if it has nobody.
    mutating func take(counter: Int, at t: Double) -> Int? {
        guard left > 0 else { return nil }
        // 1. Overdue, oldest first, whatever the class (the tokens are in arrival order, and the
        //    overdue ones are a prefix of them that only grows).
        while overdueCursor[counter] < plan.tokens.count {
            let index = overdueCursor[counter]
            guard overdue(index, at: t), arrived(index, at: t) else { break }
            if !taken[index] && eligible(index, counter: counter) {
                let isPriority = plan.tokens[index].candidate.priority.isPriority
                streak = isPriority ? streak + 1 : 0
                return mark(index)
            }
            overdueCursor[counter] += 1
        }
        let priorityHead: Int?
        (priorityHead, priorityCursor[counter]) = head(from: priorityCursor[counter], in: priority, counter: counter, at: t) { _ in true }
        // 2. Priority citizens, bounded by the streak.
        if let index = priorityHead, streak < plan.policy.maxPriorityStreak {
            streak += 1
            return mark(index)
        }
        // 3. Appointments whose slot has begun (by slot); one not yet begun stops the search, and
        //    stays for later.
        var cursor = appointmentCursor[counter]
        while cursor < appointments.count {
            let index = appointments[cursor]
            if taken[index] || !eligible(index, counter: counter) || overdue(index, at: t) {
                if cursor == appointmentCursor[counter] { appointmentCursor[counter] += 1 }
                cursor += 1
                continue
            }
            guard due(index, at: t), arrived(index, at: t) else { break }
            streak = 0
            return mark(index)
        }
        // 4. Walk-ins (and appointments checked in before their slot), first come first served.
        let walkIn: Int?
        (walkIn, othersCursor[counter]) = head(from: othersCursor[counter], in: others, counter: counter, at: t) { !due($0, at: t) }
        if let index = walkIn {
            streak = 0
            return mark(index)
        }
        // 5. Priority citizens after all, when nobody else is left.
        if let index = priorityHead {
            streak += 1
            return mark(index)
        }
        return nil
    }

    /// The first token of a list this counter may take now; passes for good those it never can.
    /// Returns the token, and where the cursor now stands.
    private func head(from start: Int, in list: [Int], counter: Int, at t: Double, where usable: (Int) -> Bool) -> (Int?, Int) {
        var cursor = start, scan = start
        while scan < list.count {
            let index = list[scan]
            let gone = taken[index] || !eligible(index, counter: counter) || overdue(index, at: t) || !usable(index)
            if gone {
                if scan == cursor { cursor += 1 }
                scan += 1
                continue
            }
            // Not arrived yet (an expected appointment): the ones after it have not either.
            return (arrived(index, at: t) ? index : nil, cursor)
        }
        return (nil, cursor)
    }

    private mutating func mark(_ index: Int) -> Int {
        taken[index] = true
        left -= 1
        return index
    }
}
