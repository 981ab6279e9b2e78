import Foundation
import GRDB
import Testing
@testable import QueueCore

@Suite("A day at the counter")
struct CounterFlowTests {
    let fixture: QueueFixture
    let start = QueueFixture.mondayMorning
    init() throws { fixture = try QueueFixture() }

    var queue: Queue { fixture.queue }
    var clerk: Actor { fixture.clerk }

    @Test func callStartCompleteLogsEveryTransition() throws {
        // Given a waiting citizen and counter 1 of the 24x7 office (open, serves complaints)
        let counter = try fixture.counterID("VAD-247", 1)
        let token = try fixture.walkIn()
        // When the clerk calls, starts and completes
        let called = try #require(try queue.callNext(counter: counter, actor: clerk, at: start.plus(minutes: 1)))
        #expect(called.id == token.id)
        #expect(called.state == .called && called.counterID == counter)
        _ = try queue.start(token: token.id, counter: counter, actor: clerk, at: start.plus(minutes: 2))
        let served = try queue.complete(token: token.id, counter: counter, actor: clerk, at: start.plus(minutes: 9))
        // Then each step is an event with who, when, from and to
        #expect(served.state == .served)
        let rows = try fixture.events(of: token.id)
        #expect(rows.map { $0["kind"] as String } == ["booked", "called", "started", "completed"])
        #expect(rows.map { $0["to_state"] as String } == ["waiting", "called", "serving", "served"])
        #expect(rows.dropFirst().allSatisfy { ($0["actor"] as String) == "staff:1:clerk" && ($0["counter_id"] as Int64) == counter })
        #expect(rows[2]["from_state"] as String == "called")
    }

    @Test func everyCounterActionAnswersTheTokenAsStored() throws {
        // Given two citizens waiting and counter 1 (the answers go to the live picture as they are)
        let counter = try fixture.counterID("VAD-247", 1)
        let first = try fixture.walkIn(citizen: 1)
        let second = try fixture.walkIn(citizen: 2)
        func expectStored(_ token: Token?, _ label: String) throws {
            let answered = try #require(token)
            let stored = try fixture.database.writer.read { db in try Token.fetch(db, id: answered.id) }
            #expect(answered == stored, "\(label)")
        }
        // When the clerk calls, recalls, starts, completes, calls the next out of turn and transfers them,
        // then each answer is the row as read back
        let at = start.addingTimeInterval(60.1237)
        try expectStored(try queue.callNext(counter: counter, actor: clerk, at: at), "call next")
        try expectStored(try queue.recall(token: first.id, counter: counter, actor: clerk, at: at.addingTimeInterval(40.5)), "recall")
        try expectStored(try queue.start(token: first.id, counter: counter, actor: clerk, at: at.addingTimeInterval(80.25)), "start")
        try expectStored(try queue.complete(token: first.id, counter: counter, actor: clerk, at: at.addingTimeInterval(300.75)), "complete")
        try expectStored(try queue.call(token: second.id, counter: counter, actor: clerk, at: at.addingTimeInterval(301.3)), "call")
        try expectStored(try queue.transfer(token: second.id, from: counter, toService: "meter-complaint", toCounter: nil, reason: nil,
                                            actor: clerk, at: at.addingTimeInterval(320.9)), "transfer")
    }

    @Test func nobodyWaitingGivesNoToken() throws {
        #expect(try queue.callNext(counter: try fixture.counterID("VAD-247", 1), actor: clerk, at: start) == nil)
    }

    @Test func aCounterCallsOnlyFromItsServices() throws {
        _ = try fixture.walkIn("new-lt-connection")
        // Counter 1 serves complaints only.
        #expect(try queue.callNext(counter: try fixture.counterID("VAD-247", 1), actor: clerk, at: start) == nil)
        let called = try queue.callNext(counter: try fixture.counterID("VAD-247", 3), actor: clerk, at: start)
        #expect(called?.number == "NC-001")
    }

    @Test func aClosedOrPausedCounterCannotCall() throws {
        _ = try fixture.walkIn()
        let counter = try fixture.counterID("SRT-VRC", 1)
        #expect(throws: QueueError.counterNotOpen(number: 1)) { try queue.callNext(counter: counter, actor: clerk, at: start) }
        let vad = try fixture.counterID("VAD-247", 1)
        let paused = try queue.setCounter(vad, to: .paused, reason: "Tea break", actor: clerk, at: start)
        #expect(paused.pauseReason == "Tea break")
        #expect(throws: QueueError.counterNotOpen(number: 1)) { try queue.callNext(counter: vad, actor: clerk, at: start) }
        #expect(throws: QueueError.self) { try queue.setCounter(vad, to: .paused, reason: "  ", actor: clerk, at: start) }
    }

    @Test func aBusyCounterMustFinishFirst() throws {
        _ = try fixture.walkIn(citizen: 1)
        _ = try fixture.walkIn(citizen: 2)
        let counter = try fixture.counterID("VAD-247", 1)
        _ = try queue.callNext(counter: counter, actor: clerk, at: start)
        #expect(throws: QueueError.counterBusy(number: 1, token: "BC-001")) {
            try queue.callNext(counter: counter, actor: clerk, at: start)
        }
        #expect(throws: QueueError.counterBusy(number: 1, token: "BC-001")) {
            try queue.setCounter(counter, to: .closed, actor: clerk, at: start)
        }
    }

    @Test func recallUpToTheLimitThenNoShowThenOneRejoin() throws {
        let token = try fixture.walkIn()
        let counter = try fixture.counterID("VAD-247", 1)
        _ = try queue.callNext(counter: counter, actor: clerk, at: start)
        // A no-show cannot be marked before the recalls are used
        #expect(throws: QueueError.recallsRemaining(remaining: 2)) {
            try queue.markNoShow(token: token.id, counter: counter, actor: clerk, at: start)
        }
        _ = try queue.recall(token: token.id, counter: counter, actor: clerk, at: start.plus(minutes: 1))
        let twice = try queue.recall(token: token.id, counter: counter, actor: clerk, at: start.plus(minutes: 2))
        #expect(twice.recalls == 2 && twice.state == .called)
        #expect(throws: QueueError.recallLimitReached(limit: 2)) {
            try queue.recall(token: token.id, counter: counter, actor: clerk, at: start.plus(minutes: 3))
        }
        let gone = try queue.markNoShow(token: token.id, counter: counter, actor: clerk, at: start.plus(minutes: 3))
        #expect(gone.state == .noShow)
        // The citizen comes back: they rejoin at the back, once
        _ = try fixture.walkIn(citizen: 2, at: start.plus(minutes: 4))
        let back = try queue.rejoin(token: token.id, actor: clerk, at: start.plus(minutes: 5))
        #expect(back.state == .waiting && back.queuedAt == start.plus(minutes: 5))
        let next = try queue.callNext(counter: counter, actor: clerk, at: start.plus(minutes: 6))
        #expect(next?.number == "BC-002")
    }

    @Test func aRejoinWrittenAfterABookingJoinsBehindItThoughAskedForAMomentBefore() throws {
        // Given a citizen marked a no-show, and a walk-in told its place at 10 minutes
        let token = try fixture.walkIn()
        let counter = try fixture.counterID("VAD-247", 1)
        try fixture.execute("INSERT INTO queue_policy VALUES ('VAD-247', 2, 45, 0, 3, 30, 30, 'original_time')")
        _ = try queue.callNext(counter: counter, actor: clerk, at: start)
        _ = try queue.markNoShow(token: token.id, counter: counter, actor: clerk, at: start.plus(minutes: 1))
        let walkIn = try fixture.walkIn(citizen: 2, at: start.plus(minutes: 10))
        let ahead = try #require(try queue.position(of: walkIn.id, at: start.plus(minutes: 10))).ahead
        // When the citizen's rejoin, asked for 3 ms before that booking, is written after it
        let back = try queue.rejoin(token: token.id, actor: clerk, at: start.plus(minutes: 10).addingTimeInterval(-0.003))
        // Then it joins behind the walk-in, who still has as many before them as they were told
        #expect(back.queuedAt == walkIn.queuedAt.map { Date(milliseconds: $0.milliseconds + 1) })
        #expect(try queue.position(of: walkIn.id, at: start.plus(minutes: 10))?.ahead == ahead)
        #expect(try queue.callNext(counter: counter, actor: clerk, at: start.plus(minutes: 11))?.id == walkIn.id)
        // and a booking asked for just before the rejoin, written after it, joins behind it in turn
        let late = try fixture.walkIn(citizen: 3, at: start.plus(minutes: 10).addingTimeInterval(-0.005))
        #expect(late.queuedAt == back.queuedAt)
        let lateAhead = try #require(try queue.position(of: late.id, at: start.plus(minutes: 11))).ahead
        #expect(try queue.position(of: back.id, at: start.plus(minutes: 11))?.ahead == lateAhead - 1)
    }

    @Test func aSecondRejoinIsRefused() throws {
        let token = try fixture.walkIn()
        let counter = try fixture.counterID("VAD-247", 1)
        try fixture.execute("INSERT INTO queue_policy VALUES ('VAD-247', 2, 45, 0, 3, 30, 30, 'original_time')")
        for minute in [0.0, 10] {
            _ = try queue.call(token: token.id, counter: counter, actor: clerk, at: start.plus(minutes: minute))
            _ = try queue.markNoShow(token: token.id, counter: counter, actor: clerk, at: start.plus(minutes: minute + 1))
            if minute == 0 { _ = try queue.rejoin(token: token.id, actor: clerk, at: start.plus(minutes: minute + 2)) }
        }
        #expect(throws: QueueError.alreadyRejoined) { try queue.rejoin(token: token.id, actor: clerk, at: start.plus(minutes: 20)) }
    }

    @Test func aTransferKeepsTheCitizensPlaceInTime() throws {
        // Given BC-001 booked first, then NC-001 and NC-002 for new connections
        let first = try fixture.walkIn("bill-complaint", citizen: 1, at: start)
        _ = try fixture.walkIn("new-lt-connection", citizen: 2, at: start.plus(minutes: 1))
        _ = try fixture.walkIn("new-lt-connection", citizen: 3, at: start.plus(minutes: 2))
        let complaints = try fixture.counterID("VAD-247", 1)
        let applications = try fixture.counterID("VAD-247", 3)
        _ = try queue.callNext(counter: complaints, actor: clerk, at: start.plus(minutes: 3))
        // When the clerk finds BC-001 needs a new connection and transfers it
        let moved = try queue.transfer(token: first.id, from: complaints, toService: "new-lt-connection", toCounter: nil,
                                       reason: "Needs a new connection", actor: clerk, at: start.plus(minutes: 4))
        #expect(moved.state == .waiting && moved.serviceCode == "new-lt-connection" && moved.number == "BC-001")
        // Then it is called first at the applications counter, ahead of those who came after it
        let next = try queue.callNext(counter: applications, actor: clerk, at: start.plus(minutes: 5))
        #expect(next?.id == first.id)
        #expect(try fixture.events(of: first.id).map { $0["kind"] as String }.contains("transferred"))
    }

    @Test func aTransferToAGivenCounterIsCalledOnlyThere() throws {
        let token = try fixture.walkIn()
        let one = try fixture.counterID("VAD-247", 1), two = try fixture.counterID("VAD-247", 2)
        _ = try queue.callNext(counter: one, actor: clerk, at: start)
        _ = try queue.transfer(token: token.id, from: one, toService: nil, toCounter: two, reason: nil, actor: clerk, at: start)
        #expect(try queue.callNext(counter: one, actor: clerk, at: start.plus(minutes: 1)) == nil)
        #expect(try queue.callNext(counter: two, actor: clerk, at: start.plus(minutes: 1))?.id == token.id)
        #expect(throws: QueueError.transferToSameQueue) {
            try queue.transfer(token: token.id, from: two, toService: nil, toCounter: nil, reason: nil, actor: clerk, at: start)
        }
    }

    @Test func actionsAtTheWrongCounterAreIllegal() throws {
        let token = try fixture.walkIn()
        let one = try fixture.counterID("VAD-247", 1), two = try fixture.counterID("VAD-247", 2)
        _ = try queue.callNext(counter: one, actor: clerk, at: start)
        #expect(throws: QueueError.illegalTransition(action: .start, from: .called)) {
            try queue.start(token: token.id, counter: two, actor: clerk, at: start)
        }
    }

    @Test func illegalTransitionsChangeNothing() throws {
        let token = try fixture.walkIn()
        let counter = try fixture.counterID("VAD-247", 1)
        #expect(throws: QueueError.illegalTransition(action: .complete, from: .waiting)) {
            try queue.complete(token: token.id, counter: counter, actor: clerk, at: start)
        }
        #expect(throws: QueueError.illegalTransition(action: .checkIn, from: .waiting)) {
            try queue.checkIn(token: token.id, actor: .citizen, at: start)
        }
        #expect(try fixture.events(of: token.id).count == 1)
    }

    @Test func priorityCitizensFirstButBounded() throws {
        let counter = try fixture.counterID("VAD-247", 2)
        _ = try fixture.walkIn(citizen: 1, at: start)
        for index in 2...5 { _ = try fixture.walkIn(citizen: index, priority: .seniorCitizen, at: start.plus(minutes: Double(index))) }
        var order: [String] = []
        for minute in 10...14 {
            let token = try #require(try queue.callNext(counter: counter, actor: clerk, at: start.plus(minutes: Double(minute))))
            order.append(token.number)
            _ = try queue.start(token: token.id, counter: counter, actor: clerk, at: start.plus(minutes: Double(minute)))
            _ = try queue.complete(token: token.id, counter: counter, actor: clerk, at: start.plus(minutes: Double(minute)))
        }
        #expect(order == ["BC-002", "BC-003", "BC-001", "BC-004", "BC-005"])
    }

    @Test func positionAndEstimateFollowTheQueue() throws {
        for index in 1...5 { _ = try fixture.walkIn(citizen: index, at: start.plus(minutes: Double(index))) }
        let fifth = try #require(try fixture.queue.todaysToken(office: "VAD-247", number: "bc-005", at: start))
        // Two open counters serve bill complaints (1 and 2), each with a clerk at it; typical duration
        // 8 minutes, the usual (median) service, which stands for a mean of 8 x e^(0.5²/2) minutes; and
        // before any call today a minute's walk and one absence in twenty (3 minutes)
        let at = start.plus(minutes: 6)
        for number in [1, 2] { try queue.heartbeat(counter: try fixture.counterID("VAD-247", number), actor: clerk, at: at) }
        let position = try #require(try queue.position(of: fifth.id, at: at))
        #expect(position.ahead == 4)
        #expect(position.openCounters == 2)
        let mean = 480 * exp(0.125)
        #expect(abs(position.serviceSeconds - mean) < 1e-6)
        // The two counters call two each before it: with durations as expected, two calls of
        // 0.95 x (60 + mean) + 0.05 x 180 seconds; the wait shown is the middle of plays with
        // durations drawn as they vary, with an 80 % range around it
        let call = 0.95 * (60 + mean) + 0.05 * 180
        let expected = try #require(try queue.live.answers(office: "VAD-247", at: at).0.positions(at: at)[fifth.id])
        #expect(abs((expected.estimatedWaitSeconds ?? 0) - 2 * call) < 1e-6)
        let range = try #require(position.estimatedWaitRange)
        let wait = try #require(position.estimatedWaitSeconds)
        #expect(range.lowerBound < wait && wait < range.upperBound && range.contains(2 * call))
        #expect(position.reachedToday == true && position.likelyCounter == 1)
        // Three minutes later with no heartbeat, nobody is at the counters: no honest estimate
        #expect(try queue.position(of: fifth.id, at: at.plus(minutes: 4))?.estimatedWaitSeconds == nil)
        // nor with every counter closed
        try fixture.execute("UPDATE counter SET state = 'closed' WHERE office_code = 'VAD-247'")
        #expect(try queue.position(of: fifth.id, at: at)?.estimatedWaitSeconds == nil)
    }

    @Test func theEstimateLearnsFromRecentServiceTimes() throws {
        let counter = try fixture.counterID("VAD-247", 1)
        for index in 1...3 {
            let at = start.plus(minutes: Double(index * 10))
            let token = try fixture.walkIn(citizen: index, at: at)
            _ = try queue.call(token: token.id, counter: counter, actor: clerk, at: at)
            _ = try queue.start(token: token.id, counter: counter, actor: clerk, at: at)
            _ = try queue.complete(token: token.id, counter: counter, actor: clerk, at: at.plus(minutes: 4))
        }
        let waiting = try fixture.walkIn(citizen: 9, at: start.plus(minutes: 50))
        // Three services of 4 minutes, weighed against the typical 8 (a median: a mean of 480 x e^(0.5²/2)
        // seconds) as five would be: (3 x 240 + 5 x 480 x e^0.125) / 8
        let seconds = try #require(try queue.position(of: waiting.id, at: start.plus(minutes: 50))?.serviceSeconds)
        #expect(abs(seconds - (3 * 240 + 5 * 480 * exp(0.125)) / 8) < 1e-6)
    }
}
