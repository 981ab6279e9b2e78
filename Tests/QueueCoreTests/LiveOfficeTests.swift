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
        let reference = ReferenceAnswers(database: fixture.database)
        // Then every waiting token's place and wait match
        let positions = live.positions(at: now)
        let waitingIDs = try fixture.database.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM token WHERE office_code = 'VAD-247' AND state = 'waiting' AND service_day = ?",
                               arguments: [live.day])
        }
        #expect(Set(positions.keys) == Set(waitingIDs), "seed \(seed)")
        for id in waitingIDs {
            let expected = try #require(try reference.position(of: id, at: now))
            let actual = try #require(positions[id])
            #expect(actual.ahead == expected.ahead && actual.openCounters == expected.openCounters, "seed \(seed), token \(id)")
            #expect(abs(actual.serviceSeconds - expected.serviceSeconds) < 1e-6, "seed \(seed), token \(id)")
            #expect(Self.close(actual.estimatedWaitSeconds, expected.estimatedWaitSeconds), "seed \(seed), token \(id)")
        }
        // and the public snapshot
        let snapshot = live.snapshot(at: now)
        var expected = try reference.snapshot(office: "VAD-247", at: now)
        #expect(zip(snapshot.services, expected.services).allSatisfy { Self.close($0.estimatedWaitSeconds, $1.estimatedWaitSeconds) },
                "seed \(seed)")
        expected.services = zip(expected.services, snapshot.services).map { var service = $0; service.estimatedWaitSeconds = $1.estimatedWaitSeconds; return service }
        #expect(snapshot == expected, "seed \(seed)")
        // and each counter's calling order
        for counter in live.counters {
            let expected = try reference.callingOrder(counter: counter.id, at: now)
            let (order, count) = live.callingOrder(counter: counter.id, at: now)
            #expect(order.map(\.id) == expected && count == expected.count, "seed \(seed), counter \(counter.number)")
            // and its head, as a desk lists it
            #expect(live.callingOrder(counter: counter.id, limit: 3, at: now).order.map(\.id) == Array(expected.prefix(3)), "seed \(seed)")
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

/// The estimate's pooled, shared-counter rule on its own, worked out by hand.
@Suite("The wait estimate")
struct WaitEstimateTests {
    @Test func tokensOfAnotherServiceCountForTheShareOfTheirCountersThatAreAlsoOurs() throws {
        // Counter 1 serves bills only; counter 2 serves bills and meters; counter 3 meters only
        let fixture = try QueueFixture()
        try fixture.execute("UPDATE counter SET state = 'closed' WHERE office_code = 'VAD-247'")
        try fixture.execute("DELETE FROM counter_service WHERE counter_id IN (SELECT id FROM counter WHERE office_code = 'VAD-247')")
        let one = try fixture.openCounter("VAD-247", 11, serving: ["bill-complaint"])
        _ = try fixture.openCounter("VAD-247", 12, serving: ["bill-complaint", "meter-complaint"])
        _ = try fixture.openCounter("VAD-247", 13, serving: ["meter-complaint"])
        let now = QueueFixture.mondayMorning
        // A meter complaint waits first, then a bill complaint
        let meter = try fixture.walkIn("meter-complaint", citizen: 1, at: now)
        let bill = try fixture.walkIn("bill-complaint", citizen: 2, at: now.plus(minutes: 1))
        // One citizen is at counter 1
        let busy = try fixture.walkIn("bill-complaint", citizen: 3, at: now.plus(minutes: 2))
        _ = try fixture.queue.call(token: busy.id, counter: one, actor: fixture.clerk, at: now.plus(minutes: 3))
        let at = now.plus(minutes: 4)
        let (office, positions) = try fixture.queue.live.positions(office: "VAD-247", at: at)
        // Then the bill complaint's counters are 1 and 2; the meter complaint ahead takes them only for
        // the half of its counters (2 and 3) that is theirs: 8 min (meters) x 1/2; counter 1 is busy:
        // half a bill complaint (8 min); shared between two counters
        let meterSeconds = try #require(office.serviceSeconds["meter-complaint"])
        let billSeconds = try #require(office.serviceSeconds["bill-complaint"])
        let position = try #require(positions[bill.id])
        #expect(position.ahead == 1 && position.openCounters == 2)
        #expect(position.estimatedWaitSeconds == (meterSeconds * 0.5 + billSeconds / 2) / 2)
        // and the meter complaint itself, first in line, waits only for counter 2 being shared with bills
        #expect(positions[meter.id]?.ahead == 0)
        // A newcomer for bills stands behind both
        #expect(office.newcomer(service: "bill-complaint", at: at).ahead == 2)
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
            try db.execute(sql: "INSERT OR REPLACE INTO queue_policy VALUES ('VAD-247', ?, ?, 2, 3)",
                           arguments: [Int.random(in: 1...3, using: &random), Int.random(in: 20...60, using: &random)])
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
                               arguments: [state, state == "paused" ? "Lunch" : nil, counter])
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
        var applied = 0
        // When random changes are made through the queue, as clerks and citizens make them
        for step in 0..<40 {
            now = now.addingTimeInterval(Double(Int.random(in: 0...1, using: &random)))
            let picture = try queue.live.office("VAD-247", at: now)
            let counters = picture.counters
            let counter = counters.randomElement(using: &random)
            let busy = counters.filter(\.isBusy).randomElement(using: &random)
            let waiting = picture.waiting.randomElement(using: &random)
            do {
                switch Int.random(in: 0..<13, using: &random) {
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
        }
        // and none of it needed a load
        #expect(applied > 10, "seed \(seed)")
        #expect(queue.live.loads == loadsBefore, "seed \(seed)")
    }
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
        for (a, b) in zip(waiting, other.waiting) where a.id == b.id { check("waiting \(a.number)", a, b) }
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
