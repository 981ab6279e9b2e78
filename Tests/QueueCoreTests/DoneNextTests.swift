import Foundation
import GRDB
import Testing
@testable import QueueCore

/// "Done, next": one key press completes the citizen being served and calls the next, in one
/// transaction, exactly as "done" then "call next" would.
@Suite("Done, next at a counter")
struct DoneNextTests {
    let start = QueueFixture.mondayMorning

    /// Counter 1 of VAD-247 (open, serves complaints) serving the first of `waiting` walk-ins.
    func serving(_ fixture: QueueFixture, waiting: Int = 2) throws -> (counter: Int64, token: Token) {
        let counter = try fixture.counterID("VAD-247", 1)
        for index in 0..<waiting { _ = try fixture.walkIn(citizen: index, at: start.plus(minutes: Double(index) / 10)) }
        let token = try #require(try fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: start.plus(minutes: 1)))
        _ = try fixture.queue.start(token: token.id, counter: counter, actor: fixture.clerk, at: start.plus(minutes: 2))
        return (counter, token)
    }

    @Test func completesTheCitizenAndCallsTheNextAsStored() throws {
        // Given counter 1 serving BC-001 with BC-002 waiting
        let fixture = try QueueFixture()
        let (counter, first) = try serving(fixture)
        // When the clerk presses "done, next"
        let turn = try fixture.queue.completeAndCallNext(token: first.id, counter: counter, actor: fixture.clerk, at: start.plus(minutes: 9))
        // Then BC-001 is served and BC-002 called to the counter, each answered as stored
        let called = try #require(turn.called)
        #expect(turn.completed.state == .served && called.number == "BC-002" && called.state == .called && called.counterID == counter)
        let stored = try fixture.database.writer.read { db in (try Token.fetch(db, id: first.id), try Token.fetch(db, id: called.id)) }
        #expect(stored.0 == turn.completed && stored.1 == called)
        // And each step is logged as the two keys would log it, the completion first
        #expect(try fixture.events(of: first.id).map { $0["kind"] as String } == ["booked", "called", "started", "completed"])
        #expect(try fixture.events(of: called.id).map { $0["kind"] as String } == ["booked", "called"])
        let completedID: Int64 = try #require(try fixture.events(of: first.id).last)["id"]
        let calledID: Int64 = try #require(try fixture.events(of: called.id).last)["id"]
        #expect(completedID < calledID)
        // And the desk shows BC-002 at the counter
        #expect(try fixture.queue.desk(counter: counter, at: start.plus(minutes: 9)).current?.number == "BC-002")
    }

    @Test func callsWhomDoneThenCallNextWouldCall() throws {
        // Given two offices alike: 24 walk-ins, every third a priority citizen (the office allows two
        // priority calls in a row), and counter 1 serving the first
        func office() throws -> (QueueFixture, Int64, Token) {
            let fixture = try QueueFixture()
            let counter = try fixture.counterID("VAD-247", 1)
            for index in 0..<24 {
                _ = try fixture.walkIn(citizen: index, priority: index % 3 == 1 ? .seniorCitizen : .none, at: start.plus(minutes: Double(index) / 10))
            }
            let token = try #require(try fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: start.plus(minutes: 3)))
            return (fixture, counter, token)
        }
        let (keys, keysCounter, firstByKeys) = try office()
        let (doneNext, counter, firstByDoneNext) = try office()
        var orderByKeys = [firstByKeys.number], orderByDoneNext = [firstByDoneNext.number]
        var atKeys: Token? = firstByKeys, atDoneNext: Token? = firstByDoneNext
        // When one clerk presses start, done and call next and the other start and "done, next", each
        // reading the desk after every key as the console does (so the office's picture is current)
        for step in 1...24 {
            let now = start.plus(minutes: 3 + Double(step))
            if let token = atKeys {
                _ = try keys.queue.start(token: token.id, counter: keysCounter, actor: keys.clerk, at: now)
                _ = try keys.queue.complete(token: token.id, counter: keysCounter, actor: keys.clerk, at: now)
                _ = try keys.queue.desk(counter: keysCounter, at: now)
                atKeys = try keys.queue.callNext(counter: keysCounter, actor: keys.clerk, at: now)
                if let next = atKeys { orderByKeys.append(next.number) }
                _ = try keys.queue.desk(counter: keysCounter, at: now)
            }
            if let token = atDoneNext {
                _ = try doneNext.queue.start(token: token.id, counter: counter, actor: doneNext.clerk, at: now)
                _ = try doneNext.queue.desk(counter: counter, at: now)
                atDoneNext = try doneNext.queue.completeAndCallNext(token: token.id, counter: counter, actor: doneNext.clerk, at: now).called
                if let next = atDoneNext { orderByDoneNext.append(next.number) }
                _ = try doneNext.queue.desk(counter: counter, at: now)
            }
        }
        // Then both called all 24 in the same order, with no more than two priority calls in a row
        #expect(orderByKeys.count == 24 && Set(orderByKeys).count == 24)
        #expect(orderByDoneNext == orderByKeys)
        #expect(atDoneNext == nil && atKeys == nil)
    }

    @Test func withNobodyWaitingItCompletesOnly() throws {
        // Given counter 1 serving the only citizen
        let fixture = try QueueFixture()
        let (counter, token) = try serving(fixture, waiting: 1)
        // When the clerk presses "done, next"
        let turn = try fixture.queue.completeAndCallNext(token: token.id, counter: counter, actor: fixture.clerk, at: start.plus(minutes: 9))
        // Then the citizen is served, nobody is called, and the counter is free to call
        #expect(turn.completed.state == .served && turn.called == nil)
        let desk = try fixture.queue.desk(counter: counter, at: start.plus(minutes: 9))
        #expect(desk.current == nil && desk.refusals["call-next"]?.code == "nobody_waiting")
    }

    @Test func aPausedCounterCompletesWithDoneAlone() throws {
        // Given counter 1 serving BC-001 and paused for tea (its clerk will not call after this citizen)
        let fixture = try QueueFixture()
        let (counter, token) = try serving(fixture)
        _ = try fixture.queue.setCounter(counter, to: .paused, reason: "Tea break", actor: fixture.clerk, at: start.plus(minutes: 3))
        // When the clerk presses "done, next", then it is refused and changes nothing
        let desk = try fixture.queue.desk(counter: counter, at: start.plus(minutes: 4))
        // (with a reason that sends the clerk to "done", not to opening the counter and ending the break)
        #expect(desk.refusals["complete-and-call-next"]?.code == "counter_not_open_use_done" && desk.actions.contains("complete"))
        #expect(throws: QueueError.counterNotOpen(number: 1)) {
            try fixture.queue.completeAndCallNext(token: token.id, counter: counter, actor: fixture.clerk, at: start.plus(minutes: 4))
        }
        #expect(try fixture.queue.tokenAt(counter: counter, at: start.plus(minutes: 4))?.state == .serving)
        #expect(try fixture.events(of: token.id).map { $0["kind"] as String } == ["booked", "called", "started"])
        // And "done" completes the citizen without calling anyone
        #expect(try fixture.queue.complete(token: token.id, counter: counter, actor: fixture.clerk, at: start.plus(minutes: 5)).state == .served)
        #expect(try fixture.queue.tokenAt(counter: counter, at: start.plus(minutes: 5)) == nil)
    }

    @Test func aCitizenNotYetStartedIsNotCompleted() throws {
        // Given counter 1 has called BC-001, who has not come yet
        let fixture = try QueueFixture()
        let counter = try fixture.counterID("VAD-247", 1)
        _ = try fixture.walkIn(citizen: 1)
        _ = try fixture.walkIn(citizen: 2, at: start.plus(minutes: 0.1))
        let called = try #require(try fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: start.plus(minutes: 1)))
        // When the clerk presses "done, next", then it is refused: served is only after service began
        // (and the desk says to start serving first, as it does for "done")
        let desk = try fixture.queue.desk(counter: counter, at: start.plus(minutes: 2))
        #expect(desk.refusals["complete-and-call-next"]?.code == "not_started")
        #expect(throws: QueueError.illegalTransition(action: .complete, from: .called)) {
            try fixture.queue.completeAndCallNext(token: called.id, counter: counter, actor: fixture.clerk, at: start.plus(minutes: 2))
        }
        // And BC-001 is still called there, BC-002 still waits
        #expect(try fixture.queue.tokenAt(counter: counter, at: start.plus(minutes: 2))?.number == "BC-001")
        #expect(try fixture.queue.todaysToken(office: "VAD-247", number: "BC-002", at: start.plus(minutes: 2))?.state == .waiting)
    }

    @Test func anotherCountersCitizenIsNotCompleted() throws {
        // Given counter 1 serving BC-001 and counter 2 of the same office free
        let fixture = try QueueFixture()
        let (_, token) = try serving(fixture)
        let other = try fixture.counterID("VAD-247", 2)
        // When "done, next" is pressed at counter 2 naming counter 1's citizen, then it is refused
        #expect(throws: QueueError.self) {
            try fixture.queue.completeAndCallNext(token: token.id, counter: other, actor: fixture.clerk, at: start.plus(minutes: 3))
        }
        #expect(try fixture.queue.todaysToken(office: "VAD-247", number: "BC-001", at: start.plus(minutes: 3))?.state == .serving)
    }

    @Test func fourCountersPressingDoneNextAtOnceNeverTakeOneTokenTwice() throws {
        // Given 200 waiting and four open counters each serving one of them
        let fixture = try QueueFixture()
        try fixture.execute("UPDATE office_service SET daily_cap = 10000 WHERE office_code = 'VAD-247'")
        for index in 0..<200 { _ = try fixture.walkIn(citizen: index, at: start.plus(minutes: Double(index) / 100)) }
        let counters = try (11...14).map { try fixture.openCounter("VAD-247", $0, serving: ["bill-complaint"]) }
        let later = start.plus(minutes: 10)
        // When their clerks press start and "done, next" as fast as they can, all at once
        let taken = Collected<Int64>()
        ConcurrencyTests.concurrently(4) { index in
            let counter = counters[index]
            var mine: [Int64] = []
            var current = try? fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: later)
            while let token = current {
                mine.append(token.id)
                _ = try? fixture.queue.start(token: token.id, counter: counter, actor: fixture.clerk, at: later)
                current = (try? fixture.queue.completeAndCallNext(token: token.id, counter: counter, actor: fixture.clerk, at: later))?.called
            }
            taken.append(contentsOf: mine)
        }
        // Then every citizen was called exactly once, and every one served
        #expect(taken.all.count == 200 && Set(taken.all).count == 200)
        let served = try fixture.database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM token WHERE office_code = 'VAD-247' AND state = 'served'")
        }
        #expect(served == 200)
    }

    /// Two offices alike, each with counter 1 serving BC-001 of three walk-ins since 11:02; in one the
    /// clerk presses done then call next at 11:09, in the other "done, next"; then BC-002 is started
    /// at 11:10 and done at 11:15 in both.
    func bothWays() throws -> (keys: QueueFixture, doneNext: QueueFixture) {
        let keys = try QueueFixture(), doneNext = try QueueFixture()
        for fixture in [keys, doneNext] {
            let (counter, first) = try serving(fixture, waiting: 3)
            let second: Token
            if fixture === keys {
                _ = try fixture.queue.complete(token: first.id, counter: counter, actor: fixture.clerk, at: start.plus(minutes: 9))
                second = try #require(try fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: start.plus(minutes: 9)))
            } else {
                second = try #require(try fixture.queue.completeAndCallNext(token: first.id, counter: counter, actor: fixture.clerk,
                                                                            at: start.plus(minutes: 9)).called)
            }
            _ = try fixture.queue.start(token: second.id, counter: counter, actor: fixture.clerk, at: start.plus(minutes: 10))
            _ = try fixture.queue.complete(token: second.id, counter: counter, actor: fixture.clerk, at: start.plus(minutes: 15))
        }
        return (keys, doneNext)
    }

    @Test func aCitizenDoneByDoneNextCountsAndTimesAsByDone() throws {
        // Given the same morning worked with C then N, and with D
        let (keys, doneNext) = try bothWays()
        let later = start.plus(minutes: 20)
        // When the manager reads the day's report, then it is the same: served, by clerk, service
        // minutes, each counter's busy time
        let byKeys = try keys.queue.report(office: "VAD-247", from: "2026-11-30", to: "2026-11-30", at: later)
        let byDoneNext = try doneNext.queue.report(office: "VAD-247", from: "2026-11-30", to: "2026-11-30", at: later)
        #expect(byDoneNext.totals.served == 2 && byDoneNext.byClerk.first?.served == 2)
        #expect(byDoneNext == byKeys)
        // And the forecast learnt the same service times (7 and 5 minutes), in its picture as from the table
        let picture = try doneNext.queue.live.office("VAD-247", at: later)
        #expect(picture.recentServiceTimes["bill-complaint"] == [300_000, 420_000])
        #expect(picture.recentServiceTimes == (try keys.queue.live.office("VAD-247", at: later)).recentServiceTimes)
        let fresh = try doneNext.database.writer.read { db in try LiveOffice.load(db, office: "VAD-247", at: later) }
        #expect(picture.differences(from: fresh) == [])
        // And the citizen still waiting is told the same wait
        let third = try #require(try doneNext.queue.todaysToken(office: "VAD-247", number: "BC-003", at: later))
        #expect(try doneNext.queue.position(of: third.id, at: later)?.serviceSeconds
                == (try keys.queue.position(of: third.id, at: later))?.serviceSeconds)
    }

    @Test func theCitizenCalledByDoneNextIsToldAsByCallNext() throws {
        // Given the same morning worked with C then N, and with D
        let (keys, doneNext) = try bothWays()
        // When the outbox is read, then BC-002's "called" messages are the same, to counter 1
        func called(_ fixture: QueueFixture) throws -> [String] {
            try fixture.database.writer.read { db in
                try OutboxMessage.fetchAll(db, sql: "SELECT * FROM outbox WHERE trigger = 'called' ORDER BY id")
            }.map { "\($0.tokenID ?? 0) \($0.channel) \($0.language) \($0.recipient) \($0.params.sorted { $0.key < $1.key }) \($0.state)" }
        }
        let told = try called(doneNext)
        #expect(told.count == 2 && told.allSatisfy { $0.contains("\"counter\", value: \"1\"") })
        #expect(told == (try called(keys)))
    }
}
