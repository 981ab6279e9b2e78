import Foundation
import Testing
@testable import QueueCore

/// The forecast's play, checked against a straightforward one that asks the ordering policy itself
/// at every call, on random plans; and on small offices worked out by hand.
@Suite("The wait forecast")
struct ForecastTests {
    @Test(arguments: 0..<400)
    func thePlayCallsWhomThePolicyWouldCall(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) &* 6151 &+ 11)
        let plan = RandomPlan.generate(&random)
        #expect(plan.play() == ReferencePlay.play(plan), "seed \(seed)")
    }

    /// Counters that serve the same services share their place in the queue while the office is
    /// played (what one has passed by, the others need not look at again), so the play is checked
    /// on offices where many do, with citizens sent to one counter of such a group.
    @Test(arguments: 0..<300)
    func countersServingTheSameServicesCallWhomThePolicyWould(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) &* 7919 &+ 5)
        let plan = RandomPlan.generate(&random, sharing: true)
        #expect(plan.play() == ReferencePlay.play(plan), "seed \(seed)")
    }

    // Counters 1 (bills), 2 (bills, meters), 3 (new connections); bills 8 min, meters 10, new 20 (walks
    // and absences set to nothing, so the sums are plain).
    static let services = ["bill", "meter", "new"]
    static let now = QueueFixture.mondayMorning

    static func plan(counters: [ForecastPlan.Counter], tokens: [(service: Int, minutesAgo: Double, target: Int?)],
                     priority: Set<Int> = [], closesIn minutes: Double = 600) -> ForecastPlan {
        ForecastPlan(now: now, secondsOfDay: 11 * 3600, policy: .standard, priorityStreak: 0,
                     counters: counters.map { ForecastPlan.Counter(id: $0.id, serves: $0.serves, freeAt: $0.freeAt, pauses: $0.pauses,
                                                                   closesAt: min($0.closesAt, minutes * 60)) },
                     tokens: tokens.enumerated().map { index, token in
                         ForecastPlan.Token(candidate: QueueCandidate(tokenID: Int64(index + 1),
                                                                      priority: priority.contains(index) ? .seniorCitizen : .none,
                                                                      queuedAt: now.addingTimeInterval(-token.minutesAgo * 60 + Double(index) / 1000)),
                                            service: token.service, target: token.target, arrivesAt: 0)
                     },
                     callSeconds: [480, 600, 1200])
    }

    static func counter(_ id: Int64, _ serves: [Int], freeAt: Double = 0, pauses: [ClosedRange<Double>] = []) -> ForecastPlan.Counter {
        ForecastPlan.Counter(id: id, serves: (0..<3).map(serves.contains), freeAt: freeAt, pauses: pauses, closesAt: .infinity)
    }

    @Test func aCounterOfItsOwnServiceCallsTheNewConnectionAtOnce() {
        // Two hundred bill complaints wait; one new connection behind them, which only counter 3 serves
        let tokens = Array(repeating: (service: 0, minutesAgo: 30.0, target: Int?.none), count: 200) + [(service: 2, minutesAgo: 1, target: nil)]
        let result = Self.plan(counters: [Self.counter(1, [0]), Self.counter(2, [0, 1]), Self.counter(3, [2])], tokens: tokens).play()
        // Then it is called now, by counter 3, with nobody before it
        #expect(result.callAt[200] == 0 && result.counter[200] == 2 && result.ahead[200] == 0)
        // and the bills share counters 1 and 2, eight minutes each: the 200th waits 99 rounds, called
        // with the 199th, after 198 others
        #expect(result.callAt[199] == 99 * 480 && result.ahead[199] == 198)
    }

    @Test func sharedCountersTakeTheirTurnsByThePolicy() {
        // A meter complaint, then two bills; counter 1 bills only, counter 2 bills and meters, busy 5 min
        let result = Self.plan(counters: [Self.counter(1, [0]), Self.counter(2, [0, 1], freeAt: 300)],
                               tokens: [(1, 10, nil), (0, 9, nil), (0, 8, nil)]).play()
        // Counter 1 takes the first bill now, and the second at 8 min; counter 2 the meter at 5 min
        #expect(result.callAt == [300, 0, 480])
        #expect(result.counter == [1, 0, 0])
        // The meter complaint: nobody before it at counter 2 (its only counter); the second bill: the
        // first bill (counter 1, now) and the meter complaint (counter 2, at 5 min)
        #expect(result.ahead == [0, 0, 2])
    }

    @Test func aPlannedPauseHoldsItsCounterBack() {
        // One counter for bills, lunch from 4 to 34 minutes from now; three bills wait
        let result = Self.plan(counters: [Self.counter(1, [0], pauses: [240...2040])], tokens: [(0, 3, nil), (0, 2, nil), (0, 1, nil)]).play()
        // The first is called now; the second would be at 8 min, inside lunch: at 34 min; the third 8 min later
        #expect(result.callAt == [0, 2040, 2520])
    }

    @Test func aTokenSentToACounterWaitsOnlyForThatCounter() {
        // Counter 2 is busy for 20 minutes; a bill sent to counter 2 waits behind nobody, but for it
        let result = Self.plan(counters: [Self.counter(1, [0]), Self.counter(2, [0, 1], freeAt: 1200)],
                               tokens: [(0, 10, nil), (0, 9, 1), (0, 8, nil)]).play()
        #expect(result.callAt == [0, 1200, 480] && result.counter == [0, 1, 0])
        #expect(result.ahead[1] == 0)
    }

    @Test func theOfficeClosingLeavesTheRestForAnotherDay() {
        // One bill counter, closing in 20 minutes, four bills waiting
        let result = Self.plan(counters: [Self.counter(1, [0])], tokens: Array(repeating: (0, 5.0, nil), count: 4), closesIn: 20).play()
        // Calls at 0, 8 and 16 min; the fourth only after closing
        #expect(result.afterClosing == [false, false, false, true])
        #expect(result.ahead[3] == 3)
    }

    @Test func aNewcomerIsCalledWhenACounterOfTheServiceRunsOutOfCitizens() {
        // Counter 1 (bills) has two bills; counter 2 (bills, meters) one meter complaint
        let result = Self.plan(counters: [Self.counter(1, [0]), Self.counter(2, [0, 1])], tokens: [(0, 3, nil), (0, 2, nil), (1, 1, nil)]).play()
        // Both counters call a bill now (the second bill came before the meter complaint); at 8 min
        // counter 1 has nobody left it serves, and counter 2 takes the meter complaint until 18 min
        #expect(result.callAt == [0, 0, 480])
        #expect(result.idleAt == [480, 1080])
    }
}

/// The play done the slow, obvious way: at every call, the ordering policy itself picks among the
/// tokens left that the counter may take and that are there.
enum ReferencePlay {
    static func play(_ plan: ForecastPlan) -> ForecastResult {
        let n = plan.tokens.count, c = plan.counters.count
        guard c > 0 else { return ForecastResult(tokens: n, counters: 0) }
        var result = ForecastResult(tokens: n, counters: c)
        var calls: [(at: Double, counter: Int32)] = []
        var taken = Set<Int>()
        var freeAt = plan.counters.map(\.freeAt), active = [Bool](repeating: true, count: c), overtime = false
        var streak = plan.priorityStreak
        var callsBy = [Int32](repeating: 0, count: c)
        func eligible(_ token: Int, _ counter: Int) -> Bool {
            plan.tokens[token].target.map { $0 == counter } ?? plan.counters[counter].serves[plan.tokens[token].service]
        }
        func serving(_ token: Int) -> [Int] { (0..<c).filter { eligible(token, $0) } }
        while true {
            var next = -1
            for index in 0..<c where active[index] && (next < 0 || freeAt[index] < freeAt[next]) { next = index }
            if next < 0 {
                guard !overtime, taken.count < n else { break }
                overtime = true
                let stopped = freeAt.max() ?? 0
                for index in 0..<c where (0..<n).contains(where: { !taken.contains($0) && eligible($0, index) }) {
                    active[index] = true
                    freeAt[index] = stopped
                }
                if !active.contains(true) { break }
                continue
            }
            let t = freeAt[next]
            if !overtime, t >= plan.counters[next].closesAt { active[next] = false; continue }
            if !overtime, let pause = plan.counters[next].pauses.first(where: { $0.lowerBound <= t && t < $0.upperBound }) { freeAt[next] = pause.upperBound; continue }
            let here = (0..<n).filter { !taken.contains($0) && eligible($0, next) && plan.tokens[$0].arrivesAt <= t }
            let at = plan.now.addingTimeInterval(t)
            // Expected appointments queue from their arrival.
            let candidates = here.map { index -> QueueCandidate in
                var candidate = plan.tokens[index].candidate
                if plan.tokens[index].arrivesAt > 0 { candidate.queuedAt = plan.now.addingTimeInterval(plan.tokens[index].arrivesAt) }
                return candidate
            }
            let minute = Int(((plan.secondsOfDay + t) / 60).rounded(.down))
            guard let chosen = OrderingPolicy.next(from: candidates, priorityStreak: streak, policy: plan.policy, now: at, minuteOfDay: minute),
                  let token = here.first(where: { plan.tokens[$0].candidate.tokenID == chosen.tokenID }) else {
                if !overtime, result.idleAt[next] == nil { result.idleAt[next] = t }
                let later = (0..<n).filter { !taken.contains($0) && eligible($0, next) && plan.tokens[$0].arrivesAt > t }.map { plan.tokens[$0].arrivesAt }.min()
                if let later { freeAt[next] = later } else { active[next] = false }
                continue
            }
            streak = chosen.priority.isPriority ? streak + 1 : 0
            taken.insert(token)
            // The known tokens its counters called before it in the play, but not at the same moment
            let ahead = Int32(calls.filter { $0.at != t && serving(token).contains(Int($0.counter)) }.count)
            result.byToken[token] = ForecastResult.Call(at: t, counter: Int32(next), ahead: ahead, afterClosing: overtime)
            result.uncalled -= 1
            if plan.tokens[token].known {
                calls.append((t, Int32(next)))
                result.callTimes[next].append(t)
                callsBy[next] += 1
            }
            freeAt[next] = t + plan.callSeconds[plan.tokens[token].service]
        }
        for index in 0..<n where result.byToken[index].at == nil { result.byToken[index].ahead = serving(index).map { callsBy[$0] }.reduce(0, +) }
        return result
    }
}

/// Random offices to play: counters with random services, pauses, closing times and citizens at
/// them; a queue of walk-ins, priority citizens, appointments (begun or not), overdue tokens, tokens
/// sent to a counter, and appointments still to come.
enum RandomPlan {
    /// `sharing`: 4 to 12 counters, each with one of two sets of services, and more citizens.
    static func generate(_ random: inout SeededRandom, sharing: Bool = false) -> ForecastPlan {
        let services = Int.random(in: 1...4, using: &random)
        let sets = sharing ? (0..<2).map { _ in (0..<services).map { _ in Bool.random(using: &random) } } : []
        let now = QueueFixture.mondayMorning
        let secondsOfDay = Double(Int.random(in: 36_000...60_000, using: &random))
        let counters = (0..<Int.random(in: sharing ? 4...12 : 1...5, using: &random)).map { index -> ForecastPlan.Counter in
            var serves = sharing ? sets[Int.random(in: 0..<2, using: &random)] : (0..<services).map { _ in Bool.random(using: &random) }
            if !serves.contains(true) { serves[Int.random(in: 0..<services, using: &random)] = true }
            let pauseStart = Double(Int.random(in: 0...7200, using: &random))
            return ForecastPlan.Counter(id: Int64(index + 1), serves: serves,
                                        freeAt: Bool.random(using: &random) ? 0 : Double(Int.random(in: 1...1200, using: &random)),
                                        pauses: Bool.random(using: &random) ? [pauseStart...(pauseStart + 1800)] : [],
                                        closesAt: Bool.random(using: &random) ? .infinity : Double(Int.random(in: 600...20_000, using: &random)))
        }
        var tokens: [ForecastPlan.Token] = []
        var queued = -Double(Int.random(in: 0...9000, using: &random))
        for index in 0..<Int.random(in: 0...(sharing ? 150 : 60), using: &random) {
            queued += Double(Int.random(in: 0...240, using: &random))
            let priority: PriorityCategory = Int.random(in: 0..<5, using: &random) == 0 ? .pregnantWoman : .none
            let appointment = Int.random(in: 0..<4, using: &random) == 0
            let slot = appointment ? Int((secondsOfDay / 60).rounded(.down)) + Int.random(in: -60...90, using: &random) : nil
            tokens.append(ForecastPlan.Token(
                candidate: QueueCandidate(tokenID: Int64(index + 1), priority: priority, kind: appointment ? .appointment : .walkIn,
                                          queuedAt: now.addingTimeInterval(min(queued, 0)), slotStartsAt: slot),
                service: Int.random(in: 0..<services, using: &random),
                target: Int.random(in: 0..<10, using: &random) == 0 ? Int.random(in: -1..<counters.count, using: &random) : nil,
                arrivesAt: 0))
        }
        // Appointments still to come, by arrival
        var arrival = 0.0
        for index in 0..<Int.random(in: 0...6, using: &random) {
            arrival += Double(Int.random(in: 1...40, using: &random)) * 60
            let slotMinute = Int(((secondsOfDay + arrival) / 60).rounded(.up))
            let arrivesAt = Double(slotMinute) * 60 - secondsOfDay
            tokens.append(ForecastPlan.Token(
                candidate: QueueCandidate(tokenID: Int64(1000 + index), priority: Int.random(in: 0..<6, using: &random) == 0 ? .seniorCitizen : .none,
                                          kind: .appointment, queuedAt: now.addingTimeInterval(arrivesAt), slotStartsAt: slotMinute),
                service: Int.random(in: 0..<services, using: &random), target: nil, arrivesAt: arrivesAt))
        }
        var plan = ForecastPlan(now: now, secondsOfDay: secondsOfDay,
                                policy: QueuePolicy(maxPriorityStreak: Int.random(in: 1...3, using: &random), agingMinutes: Int.random(in: 10...60, using: &random),
                                                    recallLimit: 2, activeTokensPerPhone: 3),
                                priorityStreak: Int.random(in: 0...2, using: &random), counters: counters, tokens: tokens,
                                callSeconds: (0..<services).map { _ in Double(Int.random(in: 120...1500, using: &random)) })
        // Priority walk-ins expected at a rate for some services
        plan.priorityRates = (0..<services).map { _ in Bool.random(using: &random) ? 1 / Double(Int.random(in: 600...3600, using: &random)) : 0 }
        plan.arrivalsUntil = Double(Int.random(in: 0...14_400, using: &random))
        return Bool.random(using: &random) ? plan.withExpectedArrivals() : plan
    }
}

/// A counter's planned day, from the settings (or the Markdown), reaches the forecast.
@Suite("A counter's planned day")
struct CounterScheduleTests {
    @Test func pausesAndClosingAreReadAndBadOnesNamed() throws {
        let schedule = try CounterSchedule.parse(pauses: ["16:00-16:15 Tea", "13:30-14:00 Lunch"], closes: "17:30")
        #expect(schedule.pauses.map(\.text) == ["13:30-14:00 Lunch", "16:00-16:15 Tea"] && schedule.closesAt == 1050)
        #expect(try CounterSchedule.parse(pauses: ["13:30-14:00"], closes: nil).pauses.first?.reason == "Break")
        #expect(try CounterSchedule.parse(pauses: ["13:30 - 14:00 Lunch", "16.00–16.15 Tea"], closes: nil).pauses.map(\.text)
                == ["13:30-14:00 Lunch", "16:00-16:15 Tea"])
        for (pauses, closes, field) in [(["14:00-13:30 Lunch"], "", "pauses"), (["13:30-14:30 A", "14:00-14:15 B"], "", "pauses"),
                                        (["lunch"], "", "pauses"), ([], "5.30 pm", "closes"), ([], "25:00", "closes")] {
            #expect(throws: QueueError.self) { try CounterSchedule.parse(pauses: pauses, closes: closes) }
            do { _ = try CounterSchedule.parse(pauses: pauses, closes: closes) } catch QueueError.invalidField(let named, _) {
                #expect(named == field)
            }
        }
    }

    @Test func aPlannedLunchHoldsTheCounterBackAndItsEndBringsItBack() throws {
        // VAD-247's counter 3 alone serves new connections; its clerk lunches 11:30-12:00 (11:00 now)
        let fixture = try QueueFixture()
        let now = QueueFixture.mondayMorning
        let three = try fixture.counterID("VAD-247", 3)
        try fixture.queue.setCounterSchedule(office: "VAD-247", counter: 3,
                                             schedule: CounterSchedule.parse(pauses: ["11:30-12:00 Lunch"], closes: "23:00"),
                                             actor: fixture.clerk, at: now)
        _ = try fixture.queue.setCounter(three, to: .open, actor: fixture.clerk, at: now)
        // Three new connections wait (20 minutes each, plus the walk and absences)
        for index in 0..<3 { _ = try fixture.walkIn("new-lt-connection", citizen: index, at: now.plus(minutes: Double(index) / 10)) }
        let at = now.plus(minutes: 1)
        let office = try fixture.queue.live.office("VAD-247", at: at)
        let plan = office.forecastPlan(at: at)
        #expect(abs((plan.counters.first { $0.id == three }?.closesAt ?? 0) - (12 * 3600 - 60)) < 1e-6)
        let result = plan.play()
        // The first is called now, the second at about 21 minutes (before lunch), the third after lunch at 12:00
        #expect(result.callAt[0] == 0)
        #expect(abs((result.callAt[2] ?? 0) - 59 * 60) < 1e-6)
        // During lunch the counter is paused, and still counts from the end of its pause
        _ = try fixture.queue.setCounter(three, to: .paused, reason: "Lunch", actor: fixture.clerk, at: now.plus(minutes: 31))
        let lunch = try fixture.queue.live.office("VAD-247", at: now.plus(minutes: 35)).forecastPlan(at: now.plus(minutes: 35))
        #expect(abs((lunch.counters.first { $0.id == three }?.freeAt ?? 0) - 25 * 60) < 1e-6)
    }
}

/// The manager's outlook: targets, counters nobody is at, what would help.
@Suite("The manager's outlook")
struct OfficeOutlookTests {
    @Test func aServiceOverItsTargetSaysWhichCounterWouldBringItBack() throws {
        // VAD-247 at 11:00: counter 1 open with its clerk; counter 2 (bills too) closed; counter 3 open, nobody there
        let fixture = try QueueFixture()
        let now = QueueFixture.mondayMorning
        try fixture.execute("UPDATE counter SET state = 'closed' WHERE office_code = 'VAD-247' AND number = 2")
        let one = try fixture.counterID("VAD-247", 1)
        // Twenty bill complaints wait; the office aims to keep bills within 30 minutes
        for index in 0..<20 { _ = try fixture.walkIn("bill-complaint", citizen: index, at: now.plus(minutes: Double(index) / 10)) }
        try fixture.queue.setWaitTarget(office: "VAD-247", service: "bill-complaint", minutes: 30, actor: fixture.clerk, at: now)
        let at = now.plus(minutes: 3)
        try fixture.queue.heartbeat(counter: one, actor: fixture.clerk, at: at)
        let office = try fixture.queue.officeNow(office: "VAD-247", at: at)
        // Then bills are over target, counter 3 is open with nobody at it, and opening counter 2 would
        // halve the wait
        let bills = try #require(office.outlook.services.first { $0.code == "bill-complaint" })
        #expect(bills.overTarget && bills.targetMinutes == 30 && (bills.forecastWaitMinutes ?? 0) > 100)
        #expect(office.outlook.unattendedCounters == [3])
        #expect(office.counters.first { $0.number == 3 }?.unattended == true)
        let advice = try #require(office.outlook.advice.first { $0.service == "bill-complaint" })
        #expect(advice.action == "open" && advice.counter == 2)
        #expect(advice.forecastWaitMinutes < (bills.forecastWaitMinutes ?? 0) * 0.7)
        // A target out of bounds is refused and names the field
        #expect(throws: QueueError.invalidField(field: "minutes", reason: "A wait target is 5 to 600 minutes.")) {
            try fixture.queue.setWaitTarget(office: "VAD-247", service: "bill-complaint", minutes: 1, actor: fixture.clerk, at: now)
        }
    }
}
