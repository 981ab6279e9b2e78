import Foundation
import GRDB
import Testing
@testable import QueueCore

@Suite("The outbox: messages written with the change that causes them")
struct OutboxTests {
    let fixture: QueueFixture
    let deliveries: Deliveries
    init() throws {
        fixture = try QueueFixture()
        deliveries = Deliveries(database: fixture.database)
    }

    func outbox() throws -> [OutboxMessage] {
        try fixture.database.writer.read { db in try OutboxMessage.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY id") }
    }

    @Test func aBookingQueuesItsConfirmationByTheChosenChannels() throws {
        // Given a citizen who gives a mobile number and an e-mail address, in Gujarati
        var citizen = QueueFixture.citizen(5)
        citizen.email = "citizen5@example.com"
        citizen.language = "gu"
        let secrets = TokenSecrets.random()
        // When they book
        let token = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: citizen,
                                                          secrets: secrets), at: QueueFixture.mondayMorning)
        // Then one confirmation per channel waits, in Gujarati, linking the token page by its view capability only
        let messages = try outbox()
        #expect(messages.map(\.channel) == [.email, .sms])
        #expect(messages.allSatisfy { $0.trigger == .booked && $0.language == "gu" && $0.state == .pending && $0.tokenID == token.id })
        #expect(messages.map(\.recipient).sorted() == ["9000000005", "citizen5@example.com"])
        let params = try #require(messages.first?.params)
        #expect(params["number"] == token.number)
        #expect(params["link"] == TokenSecrets.pagePath(token: token.id, view: secrets.view))
        #expect(!(params.values.contains { $0.contains(secrets.manage) }))
        #expect(params["office"]?.contains("વડોદરા") == true)
        #expect(params["service"] == "બિલ અંગે ફરિયાદ")
    }

    @Test func everyMessageHasItsOwnIdempotencyKeyInTheGatewaysShapeGrowingWithTime() throws {
        // Given two citizens with a mobile number and an e-mail address, booking a second apart
        var keys: [String] = []
        for index in 1...2 {
            var citizen = QueueFixture.citizen(index)
            citizen.email = "citizen\(index)@example.com"
            _ = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: citizen),
                                       at: QueueFixture.mondayMorning.addingTimeInterval(Double(index)))
            keys += try outbox().map(\.idempotencyKey).filter { !keys.contains($0) }
        }
        // Then each of the four messages has a key of its own: 32 lowercase hex digits, the later
        // booking's after the earlier's (so that the key's index grows at its end)
        #expect(keys.count == 4 && Set(keys).count == 4)
        #expect(keys.allSatisfy { $0.count == 32 && $0.allSatisfy { "0123456789abcdef".contains($0) } })
        #expect(keys[0...1].allSatisfy { early in keys[2...3].allSatisfy { early < $0 } })
    }

    @Test func aCitizenWhoDeclinesSMSGetsNone() throws {
        var citizen = QueueFixture.citizen(6)
        citizen.channels = []
        _ = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: citizen),
                                   at: QueueFixture.mondayMorning)
        #expect(try outbox().isEmpty)
    }

    @Test func aRolledBackBookingLeavesNoMessage() throws {
        // Given a booking whose change fails after the token and its message were written
        struct Refused: Error {}
        let request = BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: QueueFixture.citizen(8))
        // When the change throws, its savepoint rolls back
        #expect(throws: Refused.self) {
            _ = try fixture.queue.commit { db, events -> Token in
                let token = try fixture.queue.insertBooking(db, request, citizen: request.citizen, at: QueueFixture.mondayMorning, events: &events)
                #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") == 1)
                throw Refused()
            }
        }
        // Then neither the token nor its message stands
        #expect(try outbox().isEmpty)
        #expect(try fixture.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM token") } == 0)
    }

    @Test func callingAndCancellingTellTheCitizenOnce() throws {
        let counter = try fixture.counterID("VAD-247", 1)
        try fixture.execute("UPDATE counter SET state = 'open' WHERE id = ?", [counter])
        let first = try fixture.walkIn(citizen: 1)
        let second = try fixture.walkIn(citizen: 2)
        let called = try #require(try fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: QueueFixture.mondayMorning.plus(minutes: 1)))
        _ = try fixture.queue.recall(token: called.id, counter: counter, actor: fixture.clerk, at: QueueFixture.mondayMorning.plus(minutes: 2))
        _ = try fixture.queue.cancel(token: second.id, actor: .citizen, at: QueueFixture.mondayMorning.plus(minutes: 3))
        let messages = try outbox().map { "\($0.tokenID ?? 0) \($0.trigger.rawValue) \($0.params["counter"] ?? "-")" }
        #expect(called.id == first.id)
        #expect(messages == ["\(first.id) booked -", "\(second.id) booked -", "\(first.id) called 1", "\(second.id) cancelled -"])
    }

    @Test func aClaimedMessageIsNobodyElsesUntilItsLeaseRunsOut() throws {
        _ = try fixture.walkIn(citizen: 1)
        let now = QueueFixture.mondayMorning
        let mine = try deliveries.claim(owner: "a", limit: 10, leaseSeconds: 30, at: now)
        #expect(mine.count == 1 && mine.first?.attempts == 1)
        #expect(try deliveries.claim(owner: "b", limit: 10, leaseSeconds: 30, at: now.addingTimeInterval(29)).isEmpty)
        // Worker a died mid-send: after the lease, b takes it and a's late outcome changes nothing.
        let taken = try deliveries.claim(owner: "b", limit: 10, leaseSeconds: 30, at: now.addingTimeInterval(31))
        #expect(taken.map(\.id) == mine.map(\.id) && taken.first?.attempts == 2)
        let message = try #require(mine.first)
        let sent = Deliveries.Sent(templateKey: "msg_sms_booked", templateID: nil, body: "text", providerID: nil)
        #expect(try deliveries.markSent(message, owner: "a", sent, at: now.addingTimeInterval(32)) == false)
        #expect(try deliveries.markSent(message, owner: "b", sent, at: now.addingTimeInterval(32)) == true)
        #expect(try deliveries.message(message.id)?.state == .sent)
    }

    @Test func eachLaneClaimsOnlyItsChannelsAndLapsedLeasesToo() throws {
        // Given a citizen's SMS and e-mail confirmations, and a push for the same token
        var citizen = QueueFixture.citizen(6)
        citizen.email = "citizen6@example.com"
        let token = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint", citizen: citizen),
                                           at: QueueFixture.mondayMorning)
        try fixture.database.write { db in
            // The SMS row again, as a push (every other column as it is)
            let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('outbox') WHERE name NOT IN ('id', 'channel', 'idempotency_key')")
            let list = columns.joined(separator: ", ")
            try db.execute(sql: """
                INSERT INTO outbox (channel, idempotency_key, \(list)) SELECT 'push', idempotency_key || 'p', \(list)
                FROM outbox WHERE token_id = ? AND channel = 'sms'
                """, arguments: [token.id])
        }
        let now = QueueFixture.mondayMorning.plus(minutes: 1)
        // Then the push lane takes the push alone, the other lane the rest
        let push = try deliveries.claim(owner: "w/push", limit: 10, leaseSeconds: 30, lane: .push, at: now)
        #expect(push.map(\.channel) == [.push])
        let rest = try deliveries.claim(owner: "w", limit: 10, leaseSeconds: 30, lane: .allButPush, at: now)
        #expect(Set(rest.map(\.channel)) == [.sms, .email])
        // and a push whose sender died mid-send goes back to the push lane only
        #expect(try deliveries.claim(owner: "v", limit: 10, leaseSeconds: 30, lane: .allButPush, at: now.addingTimeInterval(31)).count == 2)
        #expect(try deliveries.claim(owner: "v/push", limit: 10, leaseSeconds: 30, lane: .push, at: now.addingTimeInterval(31))
            .map(\.id) == push.map(\.id))
    }

    @Test func aBacklogOfPushesIsNeverReadPastByTheOtherLane() throws {
        // Given 2,000 pushes due (a push service down) before one SMS
        let token = try fixture.walkIn(citizen: 7)
        try fixture.database.write { db in
            // (without a token: a token has one message of a kind on a channel)
            let columns = try String.fetchAll(db, sql: """
                SELECT name FROM pragma_table_info('outbox') WHERE name NOT IN ('id', 'channel', 'idempotency_key', 'next_attempt_at', 'token_id')
                """)
            let list = columns.joined(separator: ", ")
            try db.execute(sql: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                INSERT INTO outbox (channel, idempotency_key, next_attempt_at, token_id, \(list))
                SELECT 'push', idempotency_key || 'p' || i, next_attempt_at - 60000 - i, NULL, \(list) FROM outbox, n WHERE token_id = ? AND channel = 'sms'
                """, arguments: [token.id])
        }
        let now = QueueFixture.mondayMorning.plus(minutes: 1)
        // Then the SMS lane takes the SMS at once, and each lane reads only its own partial index
        #expect(try deliveries.claim(owner: "w", limit: 1, leaseSeconds: 30, lane: .allButPush, at: now).map(\.channel) == [.sms])
        for (lane, index) in [(Deliveries.Lane.allButPush, "outbox_due "), (.push, "outbox_due_push ")] {
            let plan = try fixture.database.writer.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(Deliveries.dueSQL(lane))", arguments: [now.milliseconds, 10]).map { $0["detail"] as String }
            }
            #expect(plan == ["SEARCH outbox USING INDEX \(index)(next_attempt_at<?)"], "\(lane): \(plan)")
        }
        // and the worker's one lane for every channel takes the oldest of both
        #expect(try deliveries.claim(owner: "v", limit: 3, leaseSeconds: 30, at: now).map(\.channel) == [.push, .push, .push])
    }

    @Test func aWorkerWithNothingDueNeverWaitsForTheWriteLock() throws {
        // Given an outbox with nothing due, and bookings (another connection) holding the write lock
        let holder = try HeldWriteLock(path: fixture.path, writing: "UPDATE office SET turn_near_ahead = turn_near_ahead")
        defer { holder.releaseNow() }
        let worker = Deliveries(database: try AppDatabase.open(path: fixture.path, busyRetry: holder.retry()))
        // When a worker looks for messages to send
        let claimed = try worker.claim(owner: "w", limit: 20, leaseSeconds: 30, at: QueueFixture.mondayMorning)
        // Then it finds none without once waiting for the lock
        #expect(claimed.isEmpty)
        #expect(holder.sleeps.isEmpty)
    }

    @Test func aClaimThatMeetsTheLockHeldTakesItsMessagesOnceItIsLetGo() throws {
        // Given two due confirmations, and bookings holding the write lock until the worker's second sleep
        _ = try fixture.walkIn(citizen: 1)
        _ = try fixture.walkIn(citizen: 2)
        let holder = try HeldWriteLock(path: fixture.path, writing: "UPDATE office SET turn_near_ahead = turn_near_ahead")
        let worker = Deliveries(database: try AppDatabase.open(path: fixture.path, busyRetry: holder.retry(releaseOn: 2)))
        // When the worker claims
        let claimed = try worker.claim(owner: "w", limit: 20, leaseSeconds: 30, at: QueueFixture.mondayMorning.plus(minutes: 1))
        // Then it has both, oldest first, each its first attempt, after two short sleeps
        #expect(claimed.map(\.id) == (try outbox()).map(\.id))
        #expect(claimed.count == 2 && claimed.allSatisfy { $0.attempts == 1 && $0.state == .sending })
        #expect(holder.sleeps.count == 2)
    }

    @Test func failuresBackOffExponentiallyThenGiveUp() throws {
        _ = try fixture.walkIn(citizen: 1)
        let retry = RetryPolicy(maxAttempts: 3, baseSeconds: 10, maxDelaySeconds: 3600)
        var now = QueueFixture.mondayMorning
        var waits: [Double] = []
        var states: [OutboxMessage.State] = []
        for _ in 1...3 {
            let message = try #require(try deliveries.claim(owner: "w", limit: 1, leaseSeconds: 30, at: now).first)
            states.append(try deliveries.markFailed(message, owner: "w", reason: "gateway 503", permanent: false, retry: retry, unit: 0.5, at: now))
            if let next = try deliveries.message(message.id)?.nextAttemptAt {
                waits.append(next.timeIntervalSince(now))
                #expect(try deliveries.claim(owner: "w", limit: 1, leaseSeconds: 30, at: next.addingTimeInterval(-0.01)).isEmpty)
                now = next
            }
        }
        #expect(states == [.failed, .failed, .gaveUp])
        #expect(waits == [7.5, 15])
        #expect(try outbox().first?.lastError == "gateway 503")
    }
}

@Suite("Your turn is near: derived from the live picture, once per token")
struct TurnNearTests {
    let fixture: QueueFixture
    init() throws { fixture = try QueueFixture() }

    func told() throws -> [Int64] {
        try fixture.database.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT token_id FROM outbox WHERE trigger = 'turn_near' ORDER BY token_id")
        }
    }

    @Test func tokensAtTheThresholdAreToldOnceAndOthersWhenTheQueueMoves() throws {
        // Given six citizens waiting for bill complaints
        let now = QueueFixture.mondayMorning
        let tokens = try (1...6).map { try fixture.walkIn(citizen: $0, at: now.plus(minutes: Double($0) / 10)) }
        let ahead = { (token: Token) in try #require(try fixture.queue.position(of: token.id, at: now.plus(minutes: 1))).ahead }
        // When the offices are looked at with a threshold of 2
        let first = try fixture.queue.writeTurnsNear(threshold: 2, offices: ["VAD-247"], at: now.plus(minutes: 1))
        // Then exactly those with at most 2 before them (as their own token page says) are told
        let expected = try tokens.filter { try ahead($0) <= 2 }.map(\.id)
        #expect(!expected.isEmpty && expected.count < tokens.count)
        #expect(first == expected)
        #expect(try told() == expected)
        // And looking again tells nobody twice
        #expect(try fixture.queue.writeTurnsNear(threshold: 2, offices: ["VAD-247"], at: now.plus(minutes: 1.5)).isEmpty)
        // When a counter calls the head of the queue, the next one reaches the threshold and is told
        let counter = try fixture.counterID("VAD-247", 1)
        _ = try fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: now.plus(minutes: 2))
        let second = try fixture.queue.writeTurnsNear(threshold: 2, offices: ["VAD-247"], at: now.plus(minutes: 2))
        #expect(second.count >= 1 && Set(second).isDisjoint(with: expected))
        let message = try fixture.database.writer.read { db in
            try OutboxMessage.fetchOne(db, sql: "SELECT * FROM outbox WHERE trigger = 'turn_near' AND token_id = ?", arguments: [second[0]])
        }
        #expect(message?.params["ahead"].flatMap(Int.init).map { $0 <= 2 } == true)
    }
}

@Suite("Appointment reminders: outbox rows due at their time")
struct ReminderTests {
    let fixture: QueueFixture
    init() throws { fixture = try QueueFixture() }

    func reminders(_ token: Int64) throws -> [String: OutboxMessage] {
        try fixture.database.writer.read { db in
            try OutboxMessage.fetchAll(db, sql: "SELECT * FROM outbox WHERE token_id = ? AND trigger LIKE 'reminder%'", arguments: [token])
        }.reduce(into: [:]) { $0[$1.trigger.rawValue] = $1 }
    }

    @Test func anAppointmentIsRemindedTheEveningBeforeAndAnHourBeforeUnlessCancelled() throws {
        // Given an appointment on Tuesday 1 December at 10:00 (IST), booked on Monday morning
        let now = QueueFixture.mondayMorning
        let slot = try fixture.slotID(weekday: 2, hour: 10)
        let token = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "new-lt-connection",
                                                          citizen: QueueFixture.citizen(3), appointment: (slot, "2026-12-01")), at: now)
        // Then its reminders wait for 18:00 IST on Monday and 09:00 IST on Tuesday
        let due = try reminders(token.id)
        #expect(due["reminder_evening"]?.nextAttemptAt == ISO8601DateFormatter().date(from: "2026-11-30T12:30:00Z"))
        #expect(due["reminder_hour"]?.nextAttemptAt == ISO8601DateFormatter().date(from: "2026-12-01T03:30:00Z"))
        #expect(due["reminder_hour"]?.params["slot"] == "10:00")
        // And a worker looking before then takes only the confirmation
        let deliveries = Deliveries(database: fixture.database)
        let first = try deliveries.claim(owner: "w", limit: 10, leaseSeconds: 30, at: now.plus(minutes: 60))
        #expect(first.map(\.trigger) == [.booked])
        for message in first {
            try deliveries.markSent(message, owner: "w", Deliveries.Sent(templateKey: "k", templateID: nil, body: "b", providerID: nil), at: now.plus(minutes: 60))
        }
        // When the citizen cancels, the reminders are withdrawn and never sent
        _ = try fixture.queue.cancel(token: token.id, actor: .citizen, at: now.plus(minutes: 90))
        #expect(try reminders(token.id).values.allSatisfy { $0.state == .gaveUp })
        let later = try deliveries.claim(owner: "w", limit: 10, leaseSeconds: 30, at: ISO8601DateFormatter().date(from: "2026-12-01T04:00:00Z") ?? now)
        #expect(later.map(\.trigger) == [.cancelled])
    }
}

@Suite("A moved appointment keeps the citizen's channels")
struct RescheduleMessageTests {
    @Test func theMovedAppointmentIsToldOnTheChannelsChosenAndTheOldRemindersAreWithdrawn() throws {
        let fixture = try QueueFixture()
        // Given an appointment whose citizen chose e-mail only
        var citizen = QueueFixture.citizen(4)
        citizen.email = "citizen4@example.com"
        citizen.channels = [.email]
        let now = QueueFixture.mondayMorning
        let old = try fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "new-lt-connection", citizen: citizen,
                                                        appointment: (try fixture.slotID(weekday: 2, hour: 10), "2026-12-01")), at: now)
        // When it is moved to Wednesday
        let moved = try fixture.queue.reschedule(token: old.id, toSlot: try fixture.slotID(weekday: 3, hour: 15), day: "2026-12-02",
                                                 actor: .citizen, at: now.plus(minutes: 5))
        // Then the new token's confirmation and reminders go by e-mail only, and the old reminders never go
        let rows = try fixture.database.writer.read { db in try OutboxMessage.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY id") }
        #expect(rows.filter { $0.tokenID == moved.id }.map(\.channel) == [.email, .email, .email])
        #expect(rows.filter { $0.tokenID == old.id && $0.trigger != .booked }.allSatisfy { $0.state == .gaveUp })
    }
}
