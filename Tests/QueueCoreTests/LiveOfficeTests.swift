import Foundation
import GRDB
import Testing
@testable import QueueCore

/// The live picture's answers equal a straightforward recomputation from SQL (the way every reader
/// worked them out before), on randomly generated queues, policies and clocks.
@Suite("The live picture of an office")
struct LiveOfficeTests {
    @Test(arguments: 0..<40)
    func itsAnswersEqualAStraightforwardRecomputation(seed: Int) throws {
        // Given a random office: counters, services, a queue with priorities, appointments, transfers
        // to counters, citizens at counters, a history of service times and calls, a policy, a clock
        let fixture = try QueueFixture()
        var random = SeededRandom(seed: UInt64(seed) &* 7919 &+ 17)
        let now = try RandomQueue.generate(fixture, random: &random)
        let live = try fixture.queue.live.office("VAD-247", at: now)
        // Then the counters the forecast plays are the open ones with a clerk seen at them in the
        // last three minutes (RandomQueue plans no pauses)
        let plan = live.forecastPlan(at: now).withExpectedArrivals()
        let playing = try fixture.database.writer.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT c.id FROM counter c WHERE c.office_code = 'VAD-247' AND c.state = 'open'
                    AND EXISTS (SELECT 1 FROM counter_presence p WHERE p.counter_id = c.id AND p.seen_at >= ?)
                ORDER BY c.number
                """, arguments: [now.addingTimeInterval(-CounterPlan.presenceSeconds).milliseconds])
        }
        #expect(plan.counters.map(\.id) == playing, "seed \(seed)")
        // and every waiting token's place and wait are those of a play that asks the policy at each call
        let played = ReferencePlay.play(plan)
        #expect(plan.play() == played, "seed \(seed)")
        let positions = live.positions(at: now)
        let waitingIDs = try fixture.database.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM token WHERE office_code = 'VAD-247' AND state = 'waiting' AND service_day = ?",
                               arguments: [live.day])
        }
        #expect(Set(positions.keys) == Set(waitingIDs), "seed \(seed)")
        for (index, entry) in live.waiting.enumerated() {
            let actual = try #require(positions[entry.id])
            guard actual.openCounters > 0 else {
                #expect(actual.estimatedWaitSeconds == nil, "seed \(seed), token \(entry.id)")
                continue
            }
            #expect(actual.ahead == Int(played.ahead[index]), "seed \(seed), token \(entry.id)")
            let expected = played.afterClosing[index] ? nil : played.callAt[index]
            #expect(actual.estimatedWaitSeconds == expected, "seed \(seed), token \(entry.id)")
        }
        // and the public snapshot: a newcomer's wait is when the first counter of the service has nobody left
        let snapshot = live.snapshot(at: now)
        for service in snapshot.services {
            let number = try #require(live.serviceNumbers[service.code])
            let idle = plan.counters.indices.filter { plan.counters[$0].serves[number] }.compactMap { played.idleAt[$0] }.min()
            #expect(service.estimatedWaitSeconds == idle, "seed \(seed), \(service.code)")
        }
        var expected = try ReferenceAnswers(database: fixture.database).snapshot(office: "VAD-247", at: now)
        // (the forecast's fields checked above; the rest as a straightforward read gives them)
        expected.services = zip(expected.services, snapshot.services).map { reference, live in
            var service = reference
            service.estimatedWaitSeconds = live.estimatedWaitSeconds
            service.waitLowSeconds = live.waitLowSeconds
            service.waitHighSeconds = live.waitHighSeconds
            service.reachedToday = live.reachedToday
            service.openCounters = live.openCounters
            return service
        }
        #expect(snapshot == expected, "seed \(seed)")
        let reference = ReferenceAnswers(database: fixture.database)
        // and each counter's calling order
        for counter in live.counters {
            let expected = try reference.callingOrder(counter: counter.id, at: now)
            let (order, count) = live.callingOrder(counter: counter.id, at: now)
            #expect(order.map(\.id) == expected && count == expected.count, "seed \(seed), counter \(counter.number)")
            // and its head, as a desk and call next take it (in one pass that keeps each class's first few)
            for limit in [1, 3, 50] {
                let head = live.callingOrder(counter: counter.id, limit: limit, at: now)
                #expect(head.order.map(\.id) == Array(expected.prefix(limit)) && head.count == expected.count, "seed \(seed), limit \(limit)")
            }
        }
    }

    @Test func aChangeInOneOfficeLeavesAnotherOfficesPictureAsItWas() throws {
        let fixture = try QueueFixture()
        let now = QueueFixture.mondayMorning
        let vadodara = try fixture.queue.live.office("VAD-247", at: now)
        _ = try fixture.walkIn(office: "VAD-247", at: now)
        let after = try fixture.queue.live.office("VAD-247", at: now)
        #expect(after.version > vadodara.version && after.waiting.count == vadodara.waiting.count + 1)
        // A booking is in the picture its own request reads next, without waiting for anything
        #expect(try fixture.queue.live.positions(office: "VAD-247", at: now).1.count == 1)
    }

    static func close(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case let (a?, b?): abs(a - b) <= 1e-6 * max(1, abs(b))
        default: false
        }
    }
}

/// The forecast through the queue, on the demo round-the-clock office, worked out by hand.
@Suite("The wait estimate")
struct WaitEstimateTests {
    @Test func aServiceWithACounterOfItsOwnIsNotPutBehindAnotherServicesQueue() throws {
        // VAD-247: counters 1 and 2 serve bill complaints (and more), counter 3 only new connections;
        // a clerk at each
        let fixture = try QueueFixture()
        let now = QueueFixture.mondayMorning
        for number in 1...3 {
            let id = try fixture.counterID("VAD-247", number)
            _ = try fixture.queue.setCounter(id, to: .open, actor: fixture.clerk, at: now.plus(minutes: 4))
        }
        // Thirty bill complaints wait, then a new connection
        for index in 0..<30 { _ = try fixture.walkIn("bill-complaint", citizen: index, at: now.plus(minutes: Double(index) / 10)) }
        let newConnection = try fixture.walkIn("new-lt-connection", citizen: 99, at: now.plus(minutes: 4))
        let at = now.plus(minutes: 5)
        let (office, positions) = try fixture.queue.live.positions(office: "VAD-247", at: at)
        // Then the new connection is called now by counter 3, with nobody before it
        let position = try #require(positions[newConnection.id])
        #expect(position.ahead == 0 && position.estimatedWaitSeconds == 0 && position.likelyCounter == 3)
        // and a newcomer for bills waits for fifteen rounds of the two bill counters
        let call = office.pace.callSeconds(serviceSeconds: try #require(office.serviceSeconds["bill-complaint"]))
        let bills = office.newcomer(service: "bill-complaint", at: at)
        #expect(bills.ahead == 30 && bills.openCounters == 2)
        #expect(abs((bills.estimatedWaitSeconds ?? 0) - 15 * call) < 1e-6)
        // A counter left open with nobody at it stops counting after three minutes
        let later = at.plus(minutes: 4)
        try fixture.queue.heartbeat(counter: try fixture.counterID("VAD-247", 1), actor: fixture.clerk, at: later)
        let alone = try fixture.queue.live.office("VAD-247", at: later)
        #expect(alone.unattendedCounters(at: later).map(\.number) == [2, 3])
        let oneCounter = alone.newcomer(service: "bill-complaint", at: later)
        #expect(oneCounter.openCounters == 1 && abs((oneCounter.estimatedWaitSeconds ?? 0) - 30 * call) < 1e-6)
        #expect(try #require(try fixture.queue.position(of: newConnection.id, at: later)).estimatedWaitSeconds == nil)
    }
}

/// Writes a random queue for VAD-247 straight into the database and returns a moment to ask at.
enum RandomQueue {
    static func generate(_ fixture: QueueFixture, random: inout SeededRandom) throws -> Date {
        let services = ["bill-complaint", "meter-complaint", "new-lt-connection", "reconnection"]
        let now = QueueFixture.mondayMorning.addingTimeInterval(Double(Int.random(in: 0..<36_000, using: &random)))
        let ms = { (date: Date) in Int64(date.timeIntervalSince1970 * 1000) }
        let day = ServiceDay(now, timeZone: TimeZone(identifier: "Asia/Kolkata") ?? .current).day
        try fixture.database.writer.write { db in
            // (with a transfer placement of each kind: the transfers the changes make land by it)
            try db.execute(sql: "INSERT OR REPLACE INTO queue_policy VALUES ('VAD-247', ?, ?, 2, 3, 30, 30, ?)",
                           arguments: [Int.random(in: 1...3, using: &random), Int.random(in: 20...60, using: &random),
                                       TransferPlacement.allCases.randomElement(using: &random)?.rawValue])
            // Counters: the demo's three and up to three more, each serving a random set, in a random state
            for number in 4..<(4 + Int.random(in: 0...3, using: &random)) {
                try db.execute(sql: "INSERT INTO counter (office_code, number, state) VALUES ('VAD-247', ?, 'closed')", arguments: [number])
            }
            let counters = try Int64.fetchAll(db, sql: "SELECT id FROM counter WHERE office_code = 'VAD-247' ORDER BY number")
            for counter in counters {
                try db.execute(sql: "DELETE FROM counter_service WHERE counter_id = ?", arguments: [counter])
                for service in services where Bool.random(using: &random) {
                    try db.execute(sql: "INSERT INTO counter_service VALUES (?, ?)", arguments: [counter, service])
                }
                let state = ["open", "open", "open", "paused", "closed"].randomElement(using: &random) ?? "open"
                try db.execute(sql: "UPDATE counter SET state = ?, pause_reason = ? WHERE id = ?",
                               arguments: [state, state == "paused" ? ["Lunch", "tea break", "with Ramesh about his bill"].randomElement(using: &random) : nil,
                                           counter])
                // A clerk seen there lately, long ago, or never
                if Int.random(in: 0..<4, using: &random) > 0 {
                    try db.execute(sql: "INSERT INTO counter_presence VALUES (?, 1, ?)",
                                   arguments: [counter, ms(now.addingTimeInterval(-Double(Int.random(in: 0...400, using: &random))))])
                }
            }
            var sequence: [String: Int] = [:]
            func insert(service: String, state: String, queuedAt: Date, priority: String = "none", slot: Int? = nil,
                        counter: Int64? = nil, target: Int64? = nil, started: Date? = nil, finished: Date? = nil) throws -> Int64 {
                sequence[service, default: 0] += 1
                let number = "\(service.prefix(2).uppercased())-\(sequence[service] ?? 0)"
                try db.execute(sql: """
                    INSERT INTO token (view_secret_hash, office_code, service_code, booked_service_code, service_day, sequence, number,
                        kind, state, priority, citizen_name, phone, language, slot_starts_at, queued_at, created_at, called_at, started_at,
                        finished_at, counter_id, target_counter_id)
                    VALUES (?, 'VAD-247', ?, ?, ?, ?, ?, ?, ?, ?, 'Random', '9825012345', 'gu', ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [UUID().uuidString + UUID().uuidString, service, service, day, sequence[service], number,
                                     slot == nil ? "walk_in" : "appointment", state, priority, slot, ms(queuedAt), ms(queuedAt),
                                     counter == nil ? nil : ms(queuedAt), started.map(ms), finished.map(ms), counter, target])
                return db.lastInsertedRowID
            }
            // A history of services: some services get recent service times, some not
            for service in services where Bool.random(using: &random) {
                for _ in 0..<Int.random(in: 1...25, using: &random) {
                    let started = now.addingTimeInterval(-Double(Int.random(in: 1_300...30_000, using: &random)))  // done before now
                    let finished = started.addingTimeInterval(Double(Int.random(in: 60...1200, using: &random)))
                    _ = try insert(service: service, state: "served", queuedAt: started, counter: counters.randomElement(using: &random),
                                   started: started, finished: finished)
                }
            }
            // Citizens at some counters now
            for counter in counters where Int.random(in: 0..<3, using: &random) == 0 {
                let id = try insert(service: services.randomElement(using: &random) ?? "bill-complaint", state: "serving",
                                    queuedAt: now.addingTimeInterval(-900), counter: counter, started: now.addingTimeInterval(-120))
                if Bool.random(using: &random) {
                    try db.execute(sql: "INSERT INTO event (office_code, token_id, counter_id, kind, to_state, actor, at) VALUES ('VAD-247', ?, ?, 'called', 'called', 'system', ?)",
                                   arguments: [id, counter, ms(now.addingTimeInterval(-300))])
                }
            }
            // Recent calls of priority and other citizens, for the priority streak
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let priority = ["none", "senior_citizen", "pregnant_woman"].randomElement(using: &random) ?? "none"
                let id = try insert(service: "bill-complaint", state: "served", queuedAt: now.addingTimeInterval(-3000), priority: priority,
                                    counter: counters.first, started: now.addingTimeInterval(-2000), finished: now.addingTimeInterval(-1900))
                try db.execute(sql: "INSERT INTO event (office_code, token_id, counter_id, kind, to_state, actor, at) VALUES ('VAD-247', ?, ?, 'called', 'called', 'system', ?)",
                               arguments: [id, counters.first, ms(now.addingTimeInterval(-1800))])
            }
            // The queue: walk-ins, priority citizens, appointments (some begun), some overdue, some sent to a counter
            for _ in 0..<Int.random(in: 0...80, using: &random) {
                let priority = Int.random(in: 0..<5, using: &random) == 0
                    ? (["senior_citizen", "person_with_disability", "pregnant_woman"].randomElement(using: &random) ?? "none") : "none"
                let minuteNow = ServiceDay(now, timeZone: TimeZone(identifier: "Asia/Kolkata") ?? .current).minuteOfDay
                let slot = Int.random(in: 0..<4, using: &random) == 0 ? max(0, minuteNow + Int.random(in: -90...90, using: &random)) % 1440 : nil
                _ = try insert(service: services.randomElement(using: &random) ?? "bill-complaint", state: "waiting",
                               queuedAt: now.addingTimeInterval(-Double(Int.random(in: 0...7200, using: &random))), priority: priority,
                               slot: slot, target: Int.random(in: 0..<10, using: &random) == 0 ? counters.randomElement(using: &random) : nil)
            }
        }
        fixture.queue.live.forget()
        return now
    }
}

/// A group's changes taken in at once (as the queue's feed hears them): a citizen called and sent
/// back to the queue with a new queueing time within them leaves no trace of their old place.
@Suite("The live picture taking a group in")
struct LiveOfficeGroupTests {
    @Test func aCitizenCalledAndSentBackWithANewTimeInOneGroupIsWaitingOnceAtTheNewPlace() throws {
        // Given an office where a transferred citizen joins the new queue now, three waiting, and its picture
        let fixture = try QueueFixture()
        let morning = QueueFixture.mondayMorning
        var policy = try fixture.queue.settings(office: "VAD-247", at: morning).policy
        policy.transferPlacement = .now
        try fixture.queue.setPolicy(office: "VAD-247", to: policy, actor: fixture.clerk, at: morning)
        let first = try fixture.walkIn(citizen: 1, at: morning)
        _ = try fixture.walkIn(citizen: 2, at: morning.addingTimeInterval(60))
        _ = try fixture.walkIn("meter-complaint", citizen: 3, at: morning.addingTimeInterval(120))
        let now = morning.addingTimeInterval(600)
        let before = try fixture.database.writer.read { db in try LiveOffice.load(db, office: "VAD-247", at: now) }
        // When counter 1 calls the first, starts and sends them to meter complaints (three changes)
        let counter = try fixture.counterID("VAD-247", 1)
        #expect(try fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: now)?.id == first.id)
        _ = try fixture.queue.start(token: first.id, counter: counter, actor: fixture.clerk, at: now)
        let sent = try fixture.queue.transfer(token: first.id, from: counter, toService: "meter-complaint", toCounter: nil, reason: nil,
                                              actor: fixture.clerk, at: now.addingTimeInterval(30))
        #expect(sent.queuedAt != first.queuedAt)
        // and the picture takes them in at once, with the token and counter as the last left them
        let events = try fixture.queue.events(office: "VAD-247", after: before.version)
        let counterNow = try #require(try fixture.database.writer.read { db in try QueueCore.Counter.fetch(db, id: counter) })
        let taken = try #require(before.applying(events, tokens: [sent], counters: [counterNow]))
        // Then the citizen waits once, at the new place, as a fresh load has them
        let fresh = try fixture.database.writer.read { db in try LiveOffice.load(db, office: "VAD-247", at: now.addingTimeInterval(30)) }
        #expect(taken.waiting.filter { $0.id == first.id }.count == 1)
        #expect(taken.differences(from: fresh) == [])
    }
}

/// A change committed in this process is taken into the office's picture without loading it again,
/// and the picture it makes is the one a fresh load would give.
@Suite("The live picture taking changes in")
struct LiveOfficeChangeTests {
    @Test(arguments: 0..<30)
    func eachChangeTakenInEqualsAFreshLoad(seed: Int) throws {
        // Given a random office whose picture is loaded
        let fixture = try QueueFixture()
        var random = SeededRandom(seed: UInt64(seed) &* 104_729 &+ 3)
        var now = try RandomQueue.generate(fixture, random: &random)
        let queue = fixture.queue
        _ = try queue.live.office("VAD-247", at: now)
        let loadsBefore = queue.live.loads
        let services = ["bill-complaint", "meter-complaint", "new-lt-connection", "reconnection"]
        var applied = 0, reused = 0
        var earlierPlans: [ForecastPlan] = []
        // When random changes are made through the queue, as clerks and citizens make them
        for step in 0..<40 {
            now = now.addingTimeInterval(Double(Int.random(in: 0...1, using: &random)))
            let picture = try queue.live.office("VAD-247", at: now)
            let counters = picture.counters
            let counter = counters.randomElement(using: &random)
            let busy = counters.filter(\.isBusy).randomElement(using: &random)
            let waiting = picture.waiting.randomElement(using: &random)
            do {
                switch Int.random(in: 0..<15, using: &random) {
                case 0, 1:
                    _ = try fixture.walkIn(services.randomElement(using: &random) ?? "bill-complaint", citizen: 100 + step,
                                           priority: Int.random(in: 0..<4, using: &random) == 0 ? .seniorCitizen : .none, at: now)
                case 2, 3:
                    // Call next decides from the picture when nothing has changed since it: the same
                    // citizen the database's own ordering names
                    if let counter {
                        let expected = try ReferenceAnswers(database: fixture.database).callingOrder(counter: counter.id, at: now).first
                        let called = try queue.callNext(counter: counter.id, actor: fixture.clerk, at: now)
                        #expect(called?.id == expected, "seed \(seed), step \(step)")
                    }
                case 4:
                    if let counter, let waiting { _ = try queue.call(token: waiting.id, counter: counter.id, actor: fixture.clerk, at: now) }
                case 5:
                    if let busy, let token = busy.currentTokenID { _ = try queue.start(token: token, counter: busy.id, actor: fixture.clerk, at: now) }
                case 6:
                    if let busy, let token = busy.currentTokenID { _ = try queue.complete(token: token, counter: busy.id, actor: fixture.clerk, at: now) }
                case 7:
                    if let busy, let token = busy.currentTokenID {
                        _ = try? queue.recall(token: token, counter: busy.id, actor: fixture.clerk, at: now)
                        _ = try queue.markNoShow(token: token, counter: busy.id, actor: fixture.clerk, at: now)
                    }
                case 8:
                    if let busy, let token = busy.currentTokenID {
                        let target = Bool.random(using: &random) ? counters.randomElement(using: &random)?.id : nil
                        _ = try queue.transfer(token: token, from: busy.id, toService: services.randomElement(using: &random),
                                               toCounter: target, reason: nil, actor: fixture.clerk, at: now)
                    }
                case 9:
                    if let waiting { _ = try queue.cancel(token: waiting.id, actor: .citizen, at: now) }
                case 10:
                    if let counter {
                        let state = [QueueCore.Counter.State.open, .paused, .closed].randomElement(using: &random) ?? .open
                        _ = try queue.setCounter(counter.id, to: state, reason: state == .paused ? "Tea" : nil, actor: fixture.clerk, at: now)
                    }
                case 11:
                    let missed = try fixture.database.writer.read { db in
                        try Int64.fetchOne(db, sql: "SELECT id FROM token WHERE state = 'no_show' AND has_rejoined = 0 ORDER BY random() LIMIT 1")
                    }
                    if let missed { _ = try queue.rejoin(token: missed, actor: fixture.clerk, at: now) }
                case 12:
                    // The citizen at a counter is sent for a document, said to be back in ten minutes or not
                    if let busy, let token = busy.currentTokenID {
                        _ = try queue.park(token: token, counter: busy.id, reason: "Bring the sale deed", until: Bool.random(using: &random)
                                           ? now.addingTimeInterval(600) : nil, actor: fixture.clerk, at: now)
                    }
                case 13:
                    let parked = taken(picture.parked)
                    if let (counter, token) = parked.randomElement(using: &random) {
                        _ = try queue.resume(token: token, counter: counter, actor: fixture.clerk, at: now)
                    }
                default:
                    if let busy, let token = busy.currentTokenID { _ = try queue.recall(token: token, counter: busy.id, actor: fixture.clerk, at: now) }
                }
                applied += 1
            } catch is QueueError {
                // An illegal change changes nothing
            }
            // Then the picture the readers get equals one loaded afresh
            let taken = try queue.live.office("VAD-247", at: now)
            let fresh = try fixture.database.writer.read { db in try LiveOffice.load(db, office: "VAD-247", at: now) }
            #expect(taken.differences(from: fresh) == [], "seed \(seed), step \(step)")
            // and each counter's head of the queue, as a desk and call next take it, is the start of
            // its full calling order
            for counter in taken.counters {
                let full = taken.callingOrder(counter: counter.id, at: now)
                for limit in [1, 3] {
                    let head = taken.callingOrder(counter: counter.id, limit: limit, at: now)
                    #expect(head.order.map(\.id) == Array(full.order.prefix(limit)).map(\.id) && head.count == full.count,
                            "seed \(seed), step \(step), counter \(counter.number), limit \(limit)")
                }
            }
            // and its forecast's fast play equals a play that asks the policy at each call, whichever
            // transfer placement put the transferred citizens where they wait
            let plan = taken.forecastPlan(at: now).withExpectedArrivals()
            #expect(plan.play() == ReferencePlay.play(plan), "seed \(seed), step \(step), \(taken.policy.transferPlacement)")
            // and a plan made from an earlier one's tokens (when the waiting list only grew since) is
            // the plan made afresh, whichever earlier one
            for earlier in earlierPlans {
                let remade = taken.forecastPlan(at: now, reusing: earlier).withExpectedArrivals()
                #expect(remade.tokens.map(Self.described) == plan.tokens.map(Self.described), "seed \(seed), step \(step)")
                if plan.sharedWaiting(with: earlier) > 0 { reused += 1 }
            }
            earlierPlans.append(plan)
        }
        // and none of it needed a load
        #expect(applied > 10 && reused > 0, "seed \(seed)")
        #expect(queue.live.loads == loadsBefore, "seed \(seed)")
    }
}

extension LiveOfficeChangeTests {
    static func described(_ token: ForecastPlan.Token) -> String {
        let candidate = token.candidate
        return "\(candidate.tokenID) \(candidate.priority.rawValue) \(candidate.kind.rawValue) \(candidate.queuedAt.timeIntervalSince1970) "
            + "\(candidate.slotStartsAt.map(String.init) ?? "-") \(token.service) \(token.target.map(String.init) ?? "-") \(token.arrivesAt) \(token.known)"
    }
}

/// Each parked citizen's counter and token.
private func taken(_ parked: [Int64: [CounterDesk.Parked]]) -> [(Int64, Int64)] {
    parked.sorted { $0.key < $1.key }.flatMap { counter, list in list.map { (counter, $0.tokenID) } }
}

extension LiveOffice {
    /// What differs from another picture, but when each was loaded: empty when they are the same queue.
    func differences(from other: LiveOffice) -> [String] {
        var found: [String] = []
        func check<Value: Equatable>(_ name: String, _ a: Value, _ b: Value) { if a != b { found.append(String("\(name): \(a) != \(b)".prefix(400))) } }
        check("version", version, other.version)
        check("day", day, other.day)
        for (a, b) in zip(counters, other.counters) { check("counter \(a.number)", a, b) }
        check("counter count", counters.count, other.counters.count)
        check("waiting", waiting.map(\.id), other.waiting.map(\.id))
        for (a, b) in zip(waiting, other.waiting) where a.id == b.id {
            check("waiting \(number(of: a))", a, b)
            check("waiting \(number(of: a)) number", number(of: a), other.number(of: b))
            check("waiting \(number(of: a)) service", serviceCode(of: a), other.serviceCode(of: b))
        }
        // (by service code: a picture brought forward keeps the numbering it was loaded with)
        let perService = { (office: LiveOffice) in
            Dictionary(uniqueKeysWithValues: zip(office.serviceCodes, office.waitingPerService).filter { $0.1 != 0 })
        }
        check("waiting per service", perService(self), perService(other))
        check("unusual", unusual.map(\.id), other.unusual.map(\.id))
        check("parked", parked, other.parked)
        check("priority streak", priorityStreak, other.priorityStreak)
        check("recent calls", recentCalls, other.recentCalls)
        check("recent service times", recentServiceTimes, other.recentServiceTimes)
        check("services timed", Set(serviceSeconds.keys), Set(other.serviceSeconds.keys))
        for (service, seconds) in serviceSeconds where abs(seconds - (other.serviceSeconds[service] ?? -1)) > 1e-9 {
            found.append("service seconds of \(service): \(seconds) != \(other.serviceSeconds[service] ?? -1)")
        }
        return found
    }
}
