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
            let order = live.callingOrder(counter: counter.id, at: now).map(\.id)
            #expect(order == (try reference.callingOrder(counter: counter.id, at: now)), "seed \(seed), counter \(counter.number)")
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
                    let started = now.addingTimeInterval(-Double(Int.random(in: 600...30_000, using: &random)))
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
