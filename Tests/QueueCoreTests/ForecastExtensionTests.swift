import Foundation
import Testing
@testable import QueueCore

/// A booking's answer from the last play of its office: the newcomers played on their own from the
/// moment each counter had nobody left, checked against a play of the whole office on random ones.
@Suite("Newcomers added to the last play")
struct ForecastExtensionTests {
    /// A random office of walk-ins only, and the same office with 1 to 5 newcomers behind everyone.
    /// One in three closes soon with everyone's counters in the play (a long queue at closing time,
    /// as the 24-hour office has late in its day).
    static func offices(seed: Int) -> (earlier: ForecastPlan, whole: ForecastPlan) {
        var random = SeededRandom(seed: UInt64(seed) &* 104_729 &+ 3)
        let plan = RandomPlan.generate(&random, sharing: seed % 2 == 0)
        let closingSoon = seed % 3 == 0
        var tokens = plan.tokens.filter { $0.known && $0.arrivesAt == 0 }.map { token in
            ForecastPlan.Token(candidate: QueueCandidate(tokenID: token.candidate.tokenID, queuedAt: token.candidate.queuedAt),
                               service: token.service, target: closingSoon && token.target == -1 ? nil : token.target, arrivesAt: 0)
        }
        let counters = !closingSoon ? plan.counters : plan.counters.map { counter in
            ForecastPlan.Counter(id: counter.id, serves: counter.serves, freeAt: counter.freeAt, pauses: counter.pauses,
                                 closesAt: Double(Int.random(in: 300...2400, using: &random)))
        }
        let old = tokens.count
        var joined = tokens.map(\.candidate.queuedAt).max() ?? plan.now.addingTimeInterval(-600)
        for index in 0..<Int.random(in: 1...5, using: &random) {
            // Some join after the moment the office is played from (a booking a moment later)
            joined = joined.addingTimeInterval(Double(Int.random(in: 0...90, using: &random)))
            tokens.append(ForecastPlan.Token(candidate: QueueCandidate(tokenID: Int64(5000 + index), queuedAt: joined),
                                             service: Int.random(in: 0..<plan.callSeconds.count, using: &random), target: nil, arrivesAt: 0))
        }
        func office(_ tokens: [ForecastPlan.Token]) -> ForecastPlan {
            ForecastPlan(now: plan.now, secondsOfDay: plan.secondsOfDay, policy: plan.policy, priorityStreak: plan.priorityStreak,
                         counters: counters, tokens: tokens, callSeconds: plan.callSeconds)
        }
        return (office(Array(tokens[..<old])), office(tokens))
    }

    static func calls(_ result: ForecastResult) -> [String] {
        result.callList
    }

    @Test(arguments: 0..<500)
    func newcomersAreCalledAsAPlayOfTheWholeOfficeCallsThem(seed: Int) {
        let (earlier, whole) = Self.offices(seed: seed)
        let played = earlier.play()
        guard let extended = whole.playExtending(earlier, played) else { return }
        let full = whole.play()
        #expect(extended == full, "seed \(seed)")
        #expect(Self.calls(extended) == Self.calls(full), "seed \(seed)")
    }

    /// Bookings one after another: each version's play extends the last one's (itself extended).
    @Test(arguments: 0..<200)
    func newcomersOneAfterAnotherStayAsAPlayOfTheWholeOffice(seed: Int) {
        let (earlier, whole) = Self.offices(seed: seed)
        var plan = earlier, played = earlier.play()
        for count in (earlier.tokens.count + 1)...whole.tokens.count {
            let next = ForecastPlan(now: whole.now, secondsOfDay: whole.secondsOfDay, policy: whole.policy, priorityStreak: whole.priorityStreak,
                                    counters: whole.counters, tokens: Array(whole.tokens[..<count]), callSeconds: whole.callSeconds)
            guard let extended = next.playExtending(plan, played) else { return }
            let full = next.play()
            #expect(extended == full && Self.calls(extended) == Self.calls(full), "seed \(seed), \(count) tokens")
            #expect(extended.overtimeFrom == full.overtimeFrom && extended.overtimeIdleAt == full.overtimeIdleAt, "seed \(seed), \(count) tokens")
            (plan, played) = (next, extended)
        }
    }

    /// What an extension passes on to the next one (the latest queueing time among the walk-ins)
    /// takes its newcomers in: one who queued before the last newcomer is not put behind them.
    @Test func aNewcomerWhoQueuedBeforeTheLastOneIsNotPutBehindThem() {
        var checked = 0
        for seed in 0..<40 {
            let (earlier, _) = Self.offices(seed: seed)
            guard let last = earlier.tokens.map(\.candidate.queuedAt).max() else { continue }
            func newcomer(_ id: Int64, _ seconds: Double) -> ForecastPlan.Token {
                ForecastPlan.Token(candidate: QueueCandidate(tokenID: id, queuedAt: last.addingTimeInterval(seconds)), service: 0, target: nil,
                                   arrivesAt: 0)
            }
            func with(_ newcomers: [ForecastPlan.Token]) -> ForecastPlan {
                ForecastPlan(now: earlier.now, secondsOfDay: earlier.secondsOfDay, policy: earlier.policy, priorityStreak: earlier.priorityStreak,
                             counters: earlier.counters, tokens: Array(earlier.tokens) + newcomers, callSeconds: earlier.callSeconds)
            }
            let one = with([newcomer(9001, 60)])
            guard let extended = one.playExtending(earlier, earlier.play()) else { continue }
            #expect(with([newcomer(9001, 60), newcomer(9002, 30)]).playExtending(one, extended) == nil, "seed \(seed)")
            checked += 1
        }
        #expect(checked >= 10, "\(checked) of 40")
    }

    @Test func aPlayIsExtendedOnlyByLaterVersionsAndForAFifthOfASecond() {
        let (earlier, _) = Self.offices(seed: 3)
        let memo = LastPlay()
        memo.keep(version: 10, LastPlay.Played(plan: earlier, result: earlier.play()))
        #expect(memo.extendable(before: 11, at: earlier.now.addingTimeInterval(0.15)) != nil)
        // Not by the same or an older version, not before its moment
        #expect(memo.extendable(before: 10, at: earlier.now) == nil)
        #expect(memo.extendable(before: 11, at: earlier.now.addingTimeInterval(-0.01)) == nil)
        // and an older version's play of the same moment never replaces a newer one's
        memo.keep(version: 9, LastPlay.Played(plan: earlier, result: earlier.play()))
        #expect(memo.extendable(before: 10, at: earlier.now) == nil)
    }

    @Test func oneAnswerPlaysAfreshOnceThePlayIsOld() {
        let (earlier, _) = Self.offices(seed: 3)
        let memo = LastPlay()
        memo.keep(version: 10, LastPlay.Played(plan: earlier, result: earlier.play()))
        // 200 ms on, the first answer to ask plays the office afresh; those asking meanwhile go on
        // from the kept play, until a second has gone.
        #expect(memo.extendable(before: 11, at: earlier.now.addingTimeInterval(0.2)) == nil)
        #expect(memo.extendable(before: 12, at: earlier.now.addingTimeInterval(0.3)) != nil)
        #expect(memo.extendable(before: 12, at: earlier.now.addingTimeInterval(1)) == nil)
        // Its fresh play is kept although later versions were answered meanwhile, and the next
        // answer older than 200 ms plays afresh again.
        let fresh = ForecastPlan(now: earlier.now.addingTimeInterval(0.25), secondsOfDay: earlier.secondsOfDay + 0.25, policy: earlier.policy,
                                 priorityStreak: earlier.priorityStreak, counters: earlier.counters, tokens: earlier.tokens,
                                 callSeconds: earlier.callSeconds)
        memo.keep(version: 12, LastPlay.Played(plan: earlier, result: earlier.play()))
        memo.keep(version: 11, LastPlay.Played(plan: fresh, result: fresh.play()))
        #expect(memo.extendable(before: 12, at: fresh.now.addingTimeInterval(0.1))?.plan.now == fresh.now)
        #expect(memo.extendable(before: 12, at: fresh.now.addingTimeInterval(0.2)) == nil)
        #expect(memo.extendable(before: 13, at: fresh.now.addingTimeInterval(0.2)) != nil)
        // A play of an earlier moment never replaces it.
        memo.keep(version: 20, LastPlay.Played(plan: earlier, result: earlier.play()))
        #expect(memo.extendable(before: 21, at: fresh.now.addingTimeInterval(0.1))?.plan.now == fresh.now)
    }

    @Test func mostWalkInOfficesAreAnsweredWithoutAWholePlay() {
        // (so that the check above is made on 150 offices or more, 60 of them going on after
        // closing). Those that are not: someone sent to a counter not in the play, or a newcomer's
        // counter with nobody left before closing while others went on after it.
        var extended = 0, afterClosing = 0
        for seed in 0..<500 {
            let (earlier, whole) = Self.offices(seed: seed)
            let played = earlier.play()
            guard whole.playExtending(earlier, played) != nil else { continue }
            extended += 1
            if played.overtimeFrom != nil { afterClosing += 1 }
        }
        #expect(extended >= 150 && afterClosing >= 60, "\(extended) of 500, \(afterClosing) of them going on after closing")
    }

    @Test func priorityCitizensExpectedOnesOrAnotherMomentMeanAWholePlay() {
        // An office whose newcomers are added to its last play
        let offices = (0..<500).lazy.map { Self.offices(seed: $0) }
        let found = offices.first { $0.earlier.tokens.count > 3 && $0.whole.playExtending($0.earlier, $0.earlier.play()) != nil }
        guard let (earlier, whole) = found else { Issue.record("no office of walk-ins was extended"); return }
        let played = earlier.play()
        #expect(whole.playExtending(earlier, played) != nil)
        // A priority citizen among those waiting
        func withPriority(_ plan: ForecastPlan) -> ForecastPlan {
            var plan = plan
            let token = plan.tokens[1]
            var candidate = token.candidate
            candidate.priority = .seniorCitizen
            plan.tokens[1] = ForecastPlan.Token(candidate: candidate, service: token.service, target: token.target, arrivesAt: 0)
            return plan
        }
        let priorityEarlier = withPriority(earlier)
        #expect(withPriority(whole).playExtending(priorityEarlier, priorityEarlier.play()) == nil)
        // Priority walk-ins expected at a rate
        var expecting = whole
        expecting.priorityRates = whole.callSeconds.map { _ in 1.0 / 600 }
        #expect(expecting.playExtending(earlier, played) == nil)
        // The office played at another moment
        let later = ForecastPlan(now: whole.now.addingTimeInterval(1), secondsOfDay: whole.secondsOfDay + 1, policy: whole.policy,
                                 priorityStreak: whole.priorityStreak, counters: whole.counters, tokens: whole.tokens, callSeconds: whole.callSeconds)
        #expect(later.playExtending(earlier, played) == nil)
        // A newcomer sent to one counter
        var sent = whole
        sent.tokens[sent.tokens.count - 1] = ForecastPlan.Token(candidate: sent.tokens.last!.candidate, service: sent.tokens.last!.service,
                                                                 target: 0, arrivesAt: 0)
        #expect(sent.playExtending(earlier, played) == nil)
    }
}
