import Foundation
import Testing
@testable import QueueCore

/// A booking's answer in an office with priority citizens, waiting or expected: the last play
/// taken up again from its mark with the newcomers put in, checked against a play of the whole
/// office on random ones.
@Suite("The last play taken up again with newcomers")
struct ForecastResumeTests {
    /// A random office of walk-ins (some priority) with priority walk-ins expected at a rate, and
    /// the same office with 1 to 5 newcomers behind everyone. One in three closes soon, so that its
    /// counters go on after closing.
    static func offices(seed: Int) -> (earlier: ForecastPlan, whole: ForecastPlan) {
        var random = SeededRandom(seed: UInt64(seed) &* 7_727 &+ 17)
        let plan = RandomPlan.generate(&random, sharing: seed % 2 == 0)
        let closingSoon = seed % 3 == 0
        var tokens = plan.tokens.filter { $0.known && $0.arrivesAt == 0 && $0.candidate.kind == .walkIn }
        let counters = !closingSoon ? plan.counters : plan.counters.map { counter in
            ForecastPlan.Counter(id: counter.id, serves: counter.serves, freeAt: counter.freeAt, pauses: counter.pauses,
                                 closesAt: Double(Int.random(in: 300...2400, using: &random)))
        }
        let old = tokens.count
        var joined = tokens.map(\.candidate.queuedAt).max() ?? plan.now.addingTimeInterval(-600)
        // One in four: newcomers joining now into an office that lets nobody be overdue for hours,
        // so that a counter running out of citizens is what a newcomer changes first.
        var policy = plan.policy
        if seed % 4 == 1 {
            joined = max(joined, plan.now)
            policy.agingMinutes = 480
        }
        for index in 0..<Int.random(in: 1...5, using: &random) {
            // Some join after the moment the office is played from (a booking a moment later)
            joined = joined.addingTimeInterval(Double(Int.random(in: 0...90, using: &random)))
            tokens.append(ForecastPlan.Token(candidate: QueueCandidate(tokenID: Int64(5000 + index), queuedAt: joined),
                                             service: Int.random(in: 0..<plan.callSeconds.count, using: &random), target: nil, arrivesAt: 0))
        }
        let rates = plan.callSeconds.map { _ in Int.random(in: 0..<3, using: &random) == 0 ? 0 : 1 / Double(Int.random(in: 300...3600, using: &random)) }
        let until = Double(Int.random(in: 1800...14_400, using: &random))
        func office(_ tokens: [ForecastPlan.Token]) -> ForecastPlan {
            var office = ForecastPlan(now: plan.now, secondsOfDay: plan.secondsOfDay, policy: policy, priorityStreak: plan.priorityStreak,
                                      counters: counters, tokens: tokens, callSeconds: plan.callSeconds)
            office.priorityRates = rates
            office.arrivalsUntil = until
            return office.withExpectedArrivals()
        }
        return (office(Array(tokens[..<old])), office(tokens))
    }

    static func same(_ a: ForecastResult, _ b: ForecastResult) -> Bool {
        a == b && a.callList == b.callList && a.uncalled == b.uncalled
            && a.overtimeFrom == b.overtimeFrom && a.overtimeIdleAt == b.overtimeIdleAt
    }

    @Test(arguments: 0..<600)
    func newcomersAreCalledAsAPlayOfTheWholeOfficeCallsThem(seed: Int) {
        let (earlier, whole) = Self.offices(seed: seed)
        let (played, mark) = earlier.playMarking()
        // Marking the play changes nothing in it
        #expect(Self.same(played, earlier.play()), "seed \(seed)")
        guard let mark, let resumed = whole.playResuming(earlier, from: mark) else { return }
        #expect(Self.same(resumed.result, whole.play()), "seed \(seed)")
    }

    /// Bookings one after another: each version's play takes up the last one's (itself taken up).
    @Test(arguments: 0..<300)
    func newcomersOneAfterAnotherStayAsAPlayOfTheWholeOffice(seed: Int) {
        let (earlier, whole) = Self.offices(seed: seed)
        var plan = earlier
        var (_, mark) = earlier.playMarking()
        let expected = earlier.tokens.count - earlier.presentCount
        for count in (earlier.presentCount + 1)...whole.presentCount {
            var next = ForecastPlan(now: whole.now, secondsOfDay: whole.secondsOfDay, policy: whole.policy, priorityStreak: whole.priorityStreak,
                                    counters: whole.counters, tokens: Array(whole.tokens[..<count]) + whole.tokens.suffix(expected),
                                    callSeconds: whole.callSeconds)
            next.priorityRates = whole.priorityRates
            next.arrivalsUntil = whole.arrivalsUntil
            guard let from = mark, let resumed = next.playResuming(plan, from: from) else { return }
            #expect(Self.same(resumed.result, next.play()), "seed \(seed), \(count) here")
            (plan, mark) = (next, resumed.mark)
        }
    }

    @Test func mostOfficesWithPriorityCitizensAreAnsweredWithoutAWholePlay() {
        // (so that the checks above are made on many offices, some going on after closing, and
        // taken up late in their play)
        var resumed = 0, afterClosing = 0, late = 0
        for seed in 0..<600 {
            let (earlier, whole) = Self.offices(seed: seed)
            let (played, mark) = earlier.playMarking()
            guard let mark, whole.playResuming(earlier, from: mark) != nil else { continue }
            resumed += 1
            if played.overtimeFrom != nil { afterClosing += 1 }
            if mark.result.callList.count * 2 >= played.callList.count { late += 1 }
        }
        #expect(resumed >= 300 && afterClosing >= 50 && late >= 150, "\(resumed) of 600, \(afterClosing) going on after closing, \(late) from past half their calls")
    }

    /// One counter for bills, ten minutes each, a senior citizen expected in an hour: the citizen
    /// waiting is called now, and the counter then has nobody until the senior comes. A newcomer
    /// joining now is called at ten minutes, in the time the counter would have had nobody.
    @Test func aCounterWithNobodyLeftTakesTheNewcomerAsAWholePlayWould() {
        let now = QueueFixture.mondayMorning
        func office(_ tokens: [ForecastPlan.Token]) -> ForecastPlan {
            var plan = ForecastPlan(now: now, secondsOfDay: 11 * 3600, policy: .standard, priorityStreak: 0,
                                    counters: [ForecastPlan.Counter(id: 1, serves: [true], freeAt: 0, pauses: [], closesAt: .infinity)],
                                    tokens: tokens, callSeconds: [600])
            plan.priorityRates = [1.0 / 3600]
            plan.arrivalsUntil = 7000
            return plan.withExpectedArrivals()
        }
        let waiting = ForecastPlan.Token(candidate: QueueCandidate(tokenID: 1, queuedAt: now.addingTimeInterval(-60)), service: 0, target: nil, arrivesAt: 0)
        let newcomer = ForecastPlan.Token(candidate: QueueCandidate(tokenID: 2, queuedAt: now), service: 0, target: nil, arrivesAt: 0)
        let earlier = office([waiting]), whole = office([waiting, newcomer])
        let (played, mark) = earlier.playMarking()
        #expect(played.callAt == [0, 3600] && played.idleAt == [600])
        guard let mark, let resumed = whole.playResuming(earlier, from: mark) else { Issue.record("not taken up again"); return }
        #expect(resumed.result.callAt == [0, 600, 3600] && resumed.result.ahead == [0, 1, 2])
        #expect(Self.same(resumed.result, whole.play()))
    }

    /// A newcomer queued with the last one here becomes overdue when `take` says so, to the last
    /// bit: at a call time one step below "queued + aging", whose difference from the aging rounds
    /// to "queued", the newcomer is overdue and goes before the senior citizen expected earlier.
    /// (Found by a reviewer: the mark once compared `t >= queued + aging`, which that time fails.)
    @Test func aNewcomerOverdueByARoundingIsOverdueForTheMarkToo() {
        let now = QueueFixture.mondayMorning
        let queued = now.addingTimeInterval(-476.5).timeIntervalSince(now), aging = 600.0
        let t = (queued + aging).nextDown
        #expect(queued <= t - aging && !(t >= queued + aging))
        func office(_ tokens: [ForecastPlan.Token]) -> ForecastPlan {
            var plan = ForecastPlan(now: now, secondsOfDay: 11 * 3600,
                                    policy: QueuePolicy(maxPriorityStreak: 2, agingMinutes: 10, recallLimit: 2, activeTokensPerPhone: 3),
                                    priorityStreak: 0,
                                    counters: [ForecastPlan.Counter(id: 1, serves: [true], freeAt: 0, pauses: [], closesAt: .infinity)],
                                    tokens: tokens, callSeconds: [t])
            plan.priorityRates = [1.0 / 100]
            plan.arrivalsUntil = 150
            return plan.withExpectedArrivals()
        }
        let waiting = ForecastPlan.Token(candidate: QueueCandidate(tokenID: 1, queuedAt: now.addingTimeInterval(queued)), service: 0, target: nil, arrivesAt: 0)
        let newcomer = ForecastPlan.Token(candidate: QueueCandidate(tokenID: 2, queuedAt: now.addingTimeInterval(queued)), service: 0, target: nil, arrivesAt: 0)
        let earlier = office([waiting]), whole = office([waiting, newcomer])
        let (_, mark) = earlier.playMarking()
        guard let mark, let resumed = whole.playResuming(earlier, from: mark) else { Issue.record("not taken up again"); return }
        #expect(resumed.result.callAt[1] == t && Self.same(resumed.result, whole.play()))
    }

    @Test func aDifferentOfficeOrAnAppointmentMeansAWholePlay() {
        let (earlier, whole) = Self.offices(seed: 4)
        let (_, mark) = earlier.playMarking()
        guard let mark else { Issue.record("no mark"); return }
        #expect(whole.playResuming(earlier, from: mark) != nil)
        // Another rate of priority walk-ins
        var other = whole
        other.priorityRates = whole.priorityRates.map { $0 + 1.0 / 900 }
        #expect(other.playResuming(earlier, from: mark) == nil)
        // A newcomer who is a priority citizen, or sent to one counter
        var priority = whole, sent = whole
        let last = whole.presentCount - 1
        var candidate = whole.tokens[last].candidate
        candidate.priority = .seniorCitizen
        priority.tokens[last] = ForecastPlan.Token(candidate: candidate, service: whole.tokens[last].service, target: nil, arrivesAt: 0)
        sent.tokens[last] = ForecastPlan.Token(candidate: whole.tokens[last].candidate, service: whole.tokens[last].service, target: 0, arrivesAt: 0)
        #expect(priority.playResuming(earlier, from: mark) == nil && sent.playResuming(earlier, from: mark) == nil)
        // The office played at another moment
        let later = ForecastPlan(now: whole.now.addingTimeInterval(1), secondsOfDay: whole.secondsOfDay + 1, policy: whole.policy,
                                 priorityStreak: whole.priorityStreak, counters: whole.counters, tokens: whole.tokens, callSeconds: whole.callSeconds)
        #expect(later.playResuming(earlier, from: mark) == nil)
    }
}
