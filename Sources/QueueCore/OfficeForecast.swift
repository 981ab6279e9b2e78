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
    /// Waiting tokens in arrival order, then those expected later (appointments, priority walk-ins),
    /// by arrival. In chunks: a version's plan shares the last one's (`ChunkedList`).
    var tokens: ChunkedList<Token>
    /// Expected seconds from one call to the next, by service number.
    let callSeconds: [Double]
    /// Priority walk-ins expected per second, by service number, until `arrivalsUntil`.
    var priorityRates: [Double] = []
    var arrivalsUntil: Double = 0
    /// The live picture's waiting list the first tokens were made from, if they were.
    var waitingSource: WaitingSource? = nil

    /// A waiting list as it stood: its revision (`LiveOffice.waitingRevision`: the same one only
    /// ever grows at its end) and how many it held.
    struct WaitingSource: Sendable, Equatable {
        let revision: Int64
        let count: Int

        /// How many of this list's first entries are those of an earlier state of it: all of the
        /// earlier's when it is the same list, shorter then; none otherwise.
        func shared(with earlier: WaitingSource?) -> Int {
            guard let earlier, earlier.revision == revision, earlier.count <= count else { return 0 }
            return earlier.count
        }
    }

    /// How many of the first tokens are known to be the earlier plan's without a look at each: both
    /// were made from one waiting list, the earlier when it was shorter. (The same counters, which
    /// `sameOffice` checks, give the same indices to tokens sent to one.)
    func sharedWaiting(with earlier: ForecastPlan) -> Int { waitingSource?.shared(with: earlier.waitingSource) ?? 0 }

    /// The plan with the expected priority walk-ins evenly spread at their rates.
    consuming func withExpectedArrivals() -> ForecastPlan {
        var plan = consume self
        plan.addArrivals { rate, until in stride(from: 1 / rate, to: until, by: 1 / rate).map { $0 } }
        return plan
    }

    /// The plan with priority walk-ins drawn as they come (a Poisson process at each rate).
    func drawingArrivals(_ random: inout SeededRandom) -> ForecastPlan {
        var plan = self
        plan.addArrivals { rate, until in
            var times: [Double] = [], t = random.exponential(rate: rate)
            while t < until { times.append(t); t += random.exponential(rate: rate) }
            return times
        }
        return plan
    }

    private mutating func addArrivals(_ times: (Double, Double) -> [Double]) {
        var arrivals: [Token] = []
        for (service, rate) in priorityRates.enumerated() where rate > 0 {
            for time in times(rate, arrivalsUntil) {
                // To the millisecond, as every time in the queue is: two services' arrivals a rounding
                // apart (7,199.999... and 7,200 s) are then one moment to the play's order and to the
                // policy's (which takes the lower id first) alike.
                let t = (time * 1000).rounded() / 1000
                // Ids above every real one: at the same time, the policy takes the real citizen first.
                arrivals.append(Token(candidate: QueueCandidate(tokenID: Int64.max / 2 + Int64(arrivals.count), priority: .seniorCitizen,
                                                                queuedAt: now.addingTimeInterval(t)),
                                      service: service, target: nil, arrivesAt: t, known: false))
            }
        }
        guard !arrivals.isEmpty else { return }
        // Those here now in their order, then everyone still to come (those this plan knows of, then
        // the drawn ones) in the policy's arrival order (the play relies on it). Those here first
        // stay where they are: a long queue's are most of the plan, and the expected plan is built
        // once per version of a busy office.
        let present = presentCount
        var here: [Token] = [], coming: [Token] = []
        for token in tokens[present...] {
            if token.arrivesAt == 0 { here.append(token) } else if token.arrivesAt > 0 && token.known { coming.append(token) }
        }
        coming += arrivals
        coming.sort { ($0.arrivesAt, $0.candidate.tokenID) < ($1.arrivesAt, $1.candidate.tokenID) }
        tokens.removeSubrange(present...)
        tokens += here
        tokens += coming
    }
}

extension ForecastPlan {
    /// A plan of tokens given as an array (the tests' and the simulation's).
    init(now: Date, secondsOfDay: Double, policy: QueuePolicy, priorityStreak: Int, counters: [Counter], tokens: [Token],
         callSeconds: [Double]) {
        self.init(now: now, secondsOfDay: secondsOfDay, policy: policy, priorityStreak: priorityStreak, counters: counters,
                  tokens: ChunkedList(tokens), callSeconds: callSeconds)
    }
}

struct ForecastResult: Sendable, Equatable {
    /// A token's call in the play.
    struct Call: Sendable, Equatable {
        /// Seconds until it, or nil if no counter of the play calls the token.
        var at: Double?
        /// The counter (index) that makes it, -1 if none.
        var counter: Int32 = -1
        /// Tokens called before it (not at the same moment) by the counters that can serve it.
        var ahead: Int32 = 0
        /// Made only after its counters' closing time.
        var afterClosing = false
    }

    /// By token index. In chunks, as the plan's tokens are: the next version's answer adds its
    /// newcomers to a copy of this, and a copy shares every chunk but those it changes.
    var byToken: ChunkedList<Call>
    /// By counter index: the first moment it has nobody to call (nil if it never has before closing).
    var idleAt: [Double?]
    /// By counter index: the moments of its calls of known tokens, in order (how many a counter
    /// made before a moment is a binary search).
    var callTimes: [ChunkedList<Double>]
    /// How many tokens no counter of the play calls.
    var uncalled = 0
    /// When the counters went on after closing for those left (the moment the last one stopped),
    /// if they did; and by counter, when it then had nobody left (nil if it never went on).
    var overtimeFrom: Double? = nil
    var overtimeIdleAt: [Double?] = []
    /// What an extension by newcomers knows of the tokens without a pass over them: how many of the
    /// first are walk-ins here now (none priority), and the latest queueing time among them.
    var plainWalkIns: (count: Int, lastQueued: Double)? = nil

    /// With every token uncalled, for `tokens` tokens and `counters` counters.
    init(tokens: Int, counters: Int) {
        byToken = ChunkedList(Array(repeating: Call(), count: tokens))
        idleAt = Array(repeating: nil, count: counters)
        callTimes = Array(repeating: ChunkedList(), count: counters)
        uncalled = tokens
    }

    /// Calls before `t` by these counters (by index).
    func calls(before t: Double, by counters: some Sequence<Int>) -> Int {
        counters.reduce(0) { $0 + callTimes[$1].count(below: t) }
    }

    static func == (a: ForecastResult, b: ForecastResult) -> Bool {
        a.byToken == b.byToken && a.idleAt == b.idleAt
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
        guard var progress = start(durations: &durations) else { return emptyResult() }
        var unused: ForecastProgress?
        run(&progress, durations: &durations, marking: nil, mark: &unused)
        return finish(progress)
    }

    /// The play with mean durations, and the moment in it up to which newcomers joining behind
    /// everyone would change nothing (`playResuming`), if it has one.
    func playMarking() -> (ForecastResult, ForecastProgress?) {
        var durations = ExpectedDurations()
        guard var progress = start(durations: &durations) else { return (emptyResult(), nil) }
        var mark: ForecastProgress?
        run(&progress, durations: &durations, marking: presentCount, mark: &mark)
        return (finish(progress), mark)
    }

    /// How many tokens are here now (the first of `tokens`; those expected later follow).
    var presentCount: Int {
        // Past the waiting list's tokens (all here), which are most of a long queue's.
        let waiting = Swift.min(waitingSource?.count ?? 0, tokens.count)
        return tokens[waiting...].firstIndex { $0.arrivesAt != 0 } ?? tokens.count
    }

    /// The counters (by index) that serve a service.
    func counterIndices(serving service: Int) -> [Int] {
        counters.indices.filter { counters[$0].serves.indices.contains(service) && counters[$0].serves[service] }
    }

    private func emptyResult() -> ForecastResult { ForecastResult(tokens: tokens.count, counters: 0) }

    private func start<D: ForecastDurations>(durations: inout D) -> ForecastProgress? {
        let n = tokens.count, c = counters.count
        guard c > 0 else { return nil }
        let result = ForecastResult(tokens: n, counters: c)
        let freeAt = counters.map { durations.freeAt($0) }
        // When each active counter can next call; infinity once it is done.
        return ForecastProgress(state: ForecastPlayState(self), result: result, freeAt: freeAt,
                                active: [Bool](repeating: true, count: c), overtime: false,
                                tally: CallTally(counters: counters, services: callSeconds.count), nextCall: ForecastNextCalls(freeAt))
    }

    /// The play's loop, from where `progress` stands to the end. With `marking` (how many tokens
    /// are here now), `mark` gets the progress as it stood just before the first step a newcomer
    /// (a walk-in joining behind everyone here, for any service) could have changed: a counter
    /// having nobody (it would take the newcomer), taking a priority citizen only for want of
    /// anyone else (it would take the newcomer), taking someone not here now once a newcomer could
    /// be overdue (it would take the overdue newcomer first), or the counters going on after
    /// closing without every one of them (one with only newcomers left would go on too).
    func run<D: ForecastDurations>(_ p: inout ForecastProgress, durations: inout D, marking present: Int?,
                                   mark: inout ForecastProgress?) {
        let c = counters.count
        let closesAt = counters.map(\.closesAt)
        let hasPauses = counters.map { !$0.pauses.isEmpty }
        var marking = present != nil
        let present = present ?? 0
        // A newcomer queues no earlier than the last one here (`playResuming` checks): it may be
        // overdue from then on. Carried in the progress (a resumed play knows it already).
        if marking && p.here?.count != present { p.here = ForecastProgress.Here(p.state, count: present) }
        let lastQueued = p.here?.lastQueued ?? -.infinity
        let agingSeconds = Double(policy.agingMinutes) * 60
        while true {
            // The counter that frees up first (ties: the lower index).
            var next = p.nextCall.first?.counter ?? -1
            if next < 0, let waiting = p.active.firstIndex(of: true) { next = waiting }  // free only at infinity
            guard next >= 0 else {
                // Every counter is done for the day: those left are called after closing, if at all.
                guard !p.overtime, p.state.left > 0 else { break }
                let left = p.state.countersWithTokensLeft(counters: c)
                if marking, left.contains(false) { mark = p; marking = false }
                p.overtime = true
                // They resume from the moment the last counter stopped, so that time never runs back.
                let stopped = p.freeAt.max() ?? 0
                p.result.overtimeFrom = stopped
                p.result.overtimeIdleAt = Array(repeating: nil, count: c)
                for index in 0..<c where left[index] {
                    p.active[index] = true
                    p.freeAt[index] = stopped
                    p.nextCall.set(index, stopped)
                }
                if !p.active.contains(true) { break }
                continue
            }
            var t = p.freeAt[next]
            if !p.overtime, t >= closesAt[next] { p.active[next] = false; p.nextCall.set(next, .infinity); continue }
            if !p.overtime, hasPauses[next], let pause = counters[next].pauses.first(where: { $0.lowerBound <= t && t < $0.upperBound }) {
                p.freeAt[next] = pause.upperBound
                p.nextCall.set(next, pause.upperBound)
                continue
            }
            var taken: Int?
            if marking {
                let saved = p.state.saved(counter: next)
                taken = p.state.take(counter: next, at: t)
                // (Overdue as `take` reckons it, to the last bit: `t >= lastQueued + aging` can differ
                // from it by a rounding.)
                if taken == nil || p.state.tookAfterAll || (lastQueued <= t - agingSeconds && taken! >= present) {
                    // The progress just before this take, kept; then the take again, as it was.
                    p.state.restore(saved, untaking: taken)
                    mark = p
                    marking = false
                    taken = p.state.take(counter: next, at: t)
                }
            } else {
                taken = p.state.take(counter: next, at: t)
            }
            guard let token = taken else {
                if !p.overtime, p.result.idleAt[next] == nil { p.result.idleAt[next] = t }
                if p.overtime { p.result.overtimeIdleAt[next] = t }
                // Nobody for it now: it waits for the next appointment it could take, or is done.
                if let arrival = p.state.nextArrival(counter: next, after: t) {
                    p.freeAt[next] = arrival
                    p.nextCall.set(next, arrival)
                } else {
                    p.active[next] = false
                    p.nextCall.set(next, .infinity)
                }
                continue
            }
            let facts = p.state.facts[token]
            t = max(t, facts.arrivesAt)
            let service = Int(facts.service)
            let ahead = p.tally.before(target: Int(facts.target), service: service, at: t)
            p.result.byToken[token] = ForecastResult.Call(at: t, counter: Int32(next), ahead: ahead, afterClosing: p.overtime)
            p.result.uncalled -= 1
            if facts.known {
                p.tally.record(counter: next, at: t)
                p.result.callTimes[next].append(t)
            }
            p.freeAt[next] = t + durations.seconds(service: service, expected: callSeconds[service])
            p.nextCall.set(next, p.freeAt[next])
        }
    }

    func finish(_ progress: ForecastProgress) -> ForecastResult {
        var result = progress.result
        // Tokens no counter of the play calls: those of their pool ahead in arrival order (a pass
        // only when there are any: a resumed play is most often of a queue called to the last).
        guard result.uncalled > 0 else { return result }
        for index in 0..<tokens.count where result.byToken[index].at == nil {
            result.byToken[index].ahead = progress.tally.before(target: progress.state.target(index), service: progress.state.service(index), at: .infinity)
        }
        return result
    }
}

/// A play under way: everything its loop carries from one call to the next, so that a play can be
/// taken up again from a moment of it (`ForecastPlan.playResuming`).
struct ForecastProgress: Sendable {
    var state: ForecastPlayState
    var result: ForecastResult
    var freeAt: [Double]
    var active: [Bool]
    var overtime: Bool
    var tally: CallTally
    var nextCall: ForecastNextCalls
    /// What a marking play knows of the tokens here at its moment (one pass over them, made once
    /// and carried on by each resumption rather than made again per version).
    var here: Here? = nil

    struct Here: Sendable, Equatable {
        /// How many: the first `count` tokens of the play.
        var count: Int
        /// The latest queueing time among them (seconds from the plan's `now`).
        var lastQueued: Double
        /// Whether every one is a walk-in (no appointment), as the plan knows them.
        var walkInsOnly: Bool
    }
}

extension ForecastProgress.Here {
    /// One pass over the first `count` tokens of a play.
    init(_ state: ForecastPlayState, count: Int) {
        self.count = count
        lastQueued = -.infinity
        walkInsOnly = true
        for index in 0..<count {
            let token = state.facts[index]
            lastQueued = max(lastQueued, token.queuedAt)
            walkInsOnly = walkInsOnly && token.isWalkIn && token.known && token.arrivesAt == 0
        }
    }
}

/// The known calls of a play so far, by counter and by service (a call by a counter counts for
/// every service it serves): "people before you" is the calls made before a token's own by the
/// counters that can serve it, not counting those made at the same moment.
struct CallTally {
    /// Calls so far, the latest moment of one, and how many were made then.
    private struct Count {
        var calls: Int32 = 0
        var moment = -Double.infinity
        var atMoment: Int32 = 0

        /// Calls before `t`, when no call so far was later than `t`.
        func before(_ t: Double) -> Int32 { calls - (moment == t ? atMoment : 0) }

        mutating func record(_ t: Double) {
            calls += 1
            if moment == t { atMoment += 1 } else { moment = t; atMoment = 1 }
        }
    }

    private var byCounter: ContiguousArray<Count>, byService: ContiguousArray<Count>
    /// The services each counter serves: those of counter `c` are `served[servedFrom[c]..<servedFrom[c + 1]]`.
    private let served: ContiguousArray<Int>
    private let servedFrom: ContiguousArray<Int>

    init(counters: [ForecastPlan.Counter], services: Int) {
        byCounter = ContiguousArray(repeating: Count(), count: counters.count)
        var served = ContiguousArray<Int>(), servedFrom: ContiguousArray = [0]
        for counter in counters {
            served += counter.serves.indices.filter { counter.serves[$0] && $0 < services }
            servedFrom.append(served.count)
        }
        self.served = served
        self.servedFrom = servedFrom
        byService = ContiguousArray(repeating: Count(), count: services)
    }

    /// Calls before `t` by the token's counter (`target` >= 0), by none (a counter not in the play),
    /// or by the counters of its service. Calls come in time order, so those at `t` are the latest.
    func before(target: Int, service: Int, at t: Double) -> Int32 {
        if target == ForecastPlayState.anyCounter { return byService[service].before(t) }
        guard target >= 0 else { return 0 }
        return byCounter[target].before(t)
    }

    @inline(__always)
    mutating func record(counter: Int, at t: Double) {
        byCounter[counter].record(t)
        let services = servedFrom[counter]..<servedFrom[counter + 1]
        served.withUnsafeBufferPointer { served in
            byService.withUnsafeMutableBufferPointer { byService in
                for index in services { byService[served[index]].record(t) }
            }
        }
    }
}
