import Foundation
import GRDB
import Testing
@testable import QueueCore

/// A counter's head of the queue (the first few it would call, and how many it could call), as
/// each desk and call next take it from the office's live picture without a pass over the whole
/// queue, is the start of the full calling order, through every kind of change a day brings and as
/// time passes (citizens becoming overdue, appointment slots beginning).
@Suite("A counter's head of the queue")
struct LiveOfficeHeadTests {
    @Test(arguments: 0..<16)
    func theHeadIsTheStartOfTheFullOrderThroughEveryKindOfChange(seed: Int) throws {
        // Given a random office, with today's appointments not yet checked in beside its queue
        let fixture = try QueueFixture()
        var random = SeededRandom(seed: UInt64(seed) &* 15_485_863 &+ 11)
        var now = try RandomQueue.generate(fixture, random: &random)
        try Self.bookAppointments(fixture, at: now, random: &random)
        let queue = fixture.queue
        // (a picture kept aside, to take several changes in at once as the feed hears a group)
        var aside = try queue.live.office("VAD-247", at: now)
        let services = ["bill-complaint", "meter-complaint", "new-lt-connection", "reconnection"]
        for step in 0..<36 {
            // When time passes (mostly seconds, sometimes minutes) and a clerk or citizen changes something
            now = now.addingTimeInterval(Int.random(in: 0..<6, using: &random) == 0
                ? Double(Int.random(in: 60...240, using: &random)) : Double(Int.random(in: 0...2, using: &random)))
            let picture = try queue.live.office("VAD-247", at: now)
            let counter = picture.counters.randomElement(using: &random)
            let busy = picture.counters.filter(\.isBusy).randomElement(using: &random)
            let waiting = picture.waiting.randomElement(using: &random)
            do {
                switch Int.random(in: 0..<15, using: &random) {
                case 0, 1:
                    _ = try fixture.walkIn(services.randomElement(using: &random) ?? "bill-complaint", citizen: 100 + step,
                                           priority: Int.random(in: 0..<3, using: &random) == 0 ? .pregnantWoman : .none, at: now)
                case 2, 3:
                    if let counter {
                        let expected = try ReferenceAnswers(database: fixture.database).callingOrder(counter: counter.id, at: now).first
                        #expect(try queue.callNext(counter: counter.id, actor: fixture.clerk, at: now)?.id == expected, "seed \(seed), step \(step)")
                    }
                case 4:
                    if let busy, let token = busy.currentTokenID {
                        if busy.currentState == TokenState.called.rawValue {
                            _ = try queue.start(token: token, counter: busy.id, actor: fixture.clerk, at: now)
                        }
                        let expected = try ReferenceAnswers(database: fixture.database).callingOrder(counter: busy.id, at: now).first
                        let turn = try queue.completeAndCallNext(token: token, counter: busy.id, actor: fixture.clerk, at: now)
                        #expect(turn.called?.id == expected, "seed \(seed), step \(step)")
                    }
                case 5:
                    if let counter, let waiting { _ = try queue.call(token: waiting.id, counter: counter.id, actor: fixture.clerk, at: now) }
                case 6:
                    if let busy, let token = busy.currentTokenID {
                        _ = try queue.park(token: token, counter: busy.id, reason: "Bring the last bill", until: nil,
                                           actor: fixture.clerk, at: now)
                    }
                case 7:
                    if let parked = try Self.someToken(fixture, "state = 'parked'", random: &random) {
                        _ = try queue.resume(token: parked.id, counter: parked.counter ?? -1, actor: fixture.clerk, at: now)
                    }
                case 8:
                    if let booked = try Self.someToken(fixture, "state = 'booked'", random: &random) {
                        _ = try queue.checkIn(token: booked.id, actor: fixture.clerk, at: now)
                    }
                case 9:
                    // (recalled as often as the office allows, each after the least interval: the clock moves on)
                    if let busy, let token = busy.currentTokenID, busy.currentState == TokenState.called.rawValue {
                        for _ in 0..<picture.policy.recallLimit {
                            now = now.addingTimeInterval(Double(picture.policy.minRecallSeconds))
                            _ = try queue.recall(token: token, counter: busy.id, actor: fixture.clerk, at: now)
                        }
                        now = now.addingTimeInterval(Double(picture.policy.minRecallSeconds))
                        _ = try queue.markNoShow(token: token, counter: busy.id, actor: fixture.clerk, at: now)
                    }
                case 10:
                    if let missed = try Self.someToken(fixture, "state = 'no_show' AND has_rejoined = 0", random: &random) {
                        _ = try queue.rejoin(token: missed.id, actor: fixture.clerk, at: now)
                    }
                case 11:
                    if let busy, let token = busy.currentTokenID {
                        let target = Bool.random(using: &random) ? picture.counters.randomElement(using: &random)?.id : nil
                        _ = try queue.transfer(token: token, from: busy.id, toService: services.randomElement(using: &random),
                                               toCounter: target, reason: nil, actor: fixture.clerk, at: now)
                    }
                case 12:
                    if let waiting { _ = try queue.cancel(token: waiting.id, actor: .citizen, at: now) }
                case 13:
                    if let busy, let token = busy.currentTokenID {
                        try queue.setStaffNote("Brings the meter photo", token: token, counter: busy.id, actor: fixture.clerk, at: now)
                    }
                default:
                    if let counter {
                        let state = [QueueCore.Counter.State.open, .open, .paused, .closed].randomElement(using: &random) ?? .open
                        _ = try queue.setCounter(counter.id, to: state, reason: state == .paused ? "Tea" : nil, actor: fixture.clerk, at: now)
                    }
                }
            } catch is QueueError {
                // An illegal change changes nothing
            }
            // Then the picture equals a fresh load, waiting list, counts per service and side list alike
            let taken = try queue.live.office("VAD-247", at: now)
            let fresh = try fixture.database.writer.read { db in try LiveOffice.load(db, office: "VAD-247", at: now) }
            #expect(taken.differences(from: fresh) == [], "seed \(seed), step \(step)")
            // and so does the picture kept aside with every change since taken in at once, each token
            // and counter as the last change left it
            if step % 4 == 3 {
                let events = try queue.events(office: "VAD-247", after: aside.version)
                let (tokens, counters) = try Self.asLeft(by: events, fixture)
                if let merged = aside.applying(events, tokens: tokens, counters: counters) {
                    #expect(merged.differences(from: fresh) == [], "seed \(seed), step \(step), at once")
                    Self.expectHeads(of: merged, at: now, "seed \(seed), step \(step), at once")
                }
                aside = taken
            }
            // and each counter's order is the database's, now
            let reference = ReferenceAnswers(database: fixture.database)
            for counter in taken.counters {
                let expected = try reference.callingOrder(counter: counter.id, at: now)
                #expect(taken.callingOrder(counter: counter.id, at: now).order.map(\.id) == expected, "seed \(seed), step \(step)")
            }
            // and each head is the start of the full order, now and as the picture ages before it is
            // loaded again (and well after, the way a pure function of the time answers)
            for minutes in [0.0, 0.5, 7, 31, 95] {
                Self.expectHeads(of: taken, at: now.plus(minutes: minutes), "seed \(seed), step \(step), +\(minutes) min")
            }
        }
    }

    /// Every counter's heads of 1, 3 and 50 are the start of its full order, with the full count.
    static func expectHeads(of office: LiveOffice, at moment: Date, _ context: String) {
        for counter in office.counters {
            let full = office.callingOrder(counter: counter.id, at: moment)
            for limit in [1, 3, 50] {
                let head = office.callingOrder(counter: counter.id, limit: limit, at: moment)
                #expect(head.order.map(\.id) == full.order.prefix(limit).map(\.id) && head.count == full.count,
                        "\(context), counter \(counter.number), limit \(limit)")
            }
        }
    }

    /// Writes some of today's appointments, booked and not checked in, slots begun and to come.
    static func bookAppointments(_ fixture: QueueFixture, at now: Date, random: inout SeededRandom) throws {
        let zone = TimeZone(identifier: "Asia/Kolkata") ?? .current
        let moment = ServiceDay(now, timeZone: zone)
        let services = ["bill-complaint", "meter-complaint", "new-lt-connection", "reconnection"]
        try fixture.database.writer.write { db in
            for index in 0..<Int.random(in: 2...10, using: &random) {
                let service = services.randomElement(using: &random) ?? "bill-complaint"
                let priority = Int.random(in: 0..<4, using: &random) == 0 ? "senior_citizen" : "none"
                try db.execute(sql: """
                    INSERT INTO token (view_secret_hash, office_code, service_code, booked_service_code, service_day, sequence, number,
                        kind, state, priority, citizen_name, phone, language, slot_starts_at, created_at)
                    VALUES (?, 'VAD-247', ?, ?, ?, ?, ?, 'appointment', 'booked', ?, 'Appointment', '9825012345', 'gu', ?, ?)
                    """, arguments: [UUID().uuidString + UUID().uuidString, service, service, moment.day, 900 + index, "AP-\(900 + index)",
                                     priority, max(0, moment.minuteOfDay + Int.random(in: -60...120, using: &random)) % 1440,
                                     now.addingTimeInterval(-86_400).milliseconds])
            }
        }
        fixture.queue.live.forget()
    }

    /// A random token of the office in a state, with the counter it is kept for.
    static func someToken(_ fixture: QueueFixture, _ condition: String, random: inout SeededRandom) throws -> (id: Int64, counter: Int64?)? {
        try fixture.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, target_counter_id FROM token WHERE office_code = 'VAD-247' AND \(condition) ORDER BY id")
                .map { (id: $0[0] as Int64, counter: $0[1] as Int64?) }
        }.randomElement(using: &random)
    }

    /// The tokens and counters a run of events concerns, as they are now (as a group's merged change hands them on).
    static func asLeft(by events: [QueueEvent], _ fixture: QueueFixture) throws -> ([Token], [QueueCore.Counter]) {
        try fixture.database.writer.read { db in
            let tokens = try Set(events.compactMap(\.tokenID)).sorted().compactMap { try Token.fetch(db, id: $0) }
            let counters = try Set(events.compactMap(\.counterID) + tokens.compactMap(\.counterID)).sorted()
                .compactMap { try QueueCore.Counter.fetch(db, id: $0) }
            return (tokens, counters)
        }
    }
}
