import Foundation
import Testing
@testable import QueueCore

/// The console offers what the desk lists, so the desk must list exactly what the counter accepts:
/// every state the transition table lets a citizen be in at a counter, and the recall rules' timing.
@Suite("A counter's desk offers exactly what the counter accepts")
struct CounterActionTests {
    static let start = QueueFixture.mondayMorning

    /// Where counter 1 of VAD-247 (open, serves complaints) stands, reached by a clerk's own steps.
    enum Scene: String, CaseIterable, CustomStringConvertible {
        case nobodyAtCounter, nobodyWaiting, calledJustNow, calledLongAgo, recalledToTheLimitJustNow,
             recalledToTheLimitLongAgo, serving, servingThenPaused, paused, closed
        var description: String { rawValue }
    }

    /// Sets the scene; answers the counter and the moment to look at it.
    static func set(_ scene: Scene, _ fixture: QueueFixture) throws -> (counter: Int64, now: Date) {
        let queue = fixture.queue, clerk = fixture.clerk
        let counter = try fixture.counterID("VAD-247", 1)
        if scene != .nobodyWaiting {
            _ = try fixture.walkIn(citizen: 1)
            _ = try fixture.walkIn(citizen: 2, at: start.plus(minutes: 0.1))
        }
        func call() throws -> Token { try #require(try queue.callNext(counter: counter, actor: clerk, at: start)) }
        switch scene {
        case .nobodyAtCounter, .nobodyWaiting:
            return (counter, start)
        case .calledJustNow:
            _ = try call()
            return (counter, start.addingTimeInterval(5))
        case .calledLongAgo:
            _ = try call()
            return (counter, start.addingTimeInterval(60))
        case .recalledToTheLimitJustNow, .recalledToTheLimitLongAgo:
            let token = try call()
            _ = try queue.recall(token: token.id, counter: counter, actor: clerk, at: start.addingTimeInterval(40))
            _ = try queue.recall(token: token.id, counter: counter, actor: clerk, at: start.addingTimeInterval(80))
            return (counter, start.addingTimeInterval(scene == .recalledToTheLimitJustNow ? 85 : 120))
        case .serving, .servingThenPaused:
            let token = try call()
            _ = try queue.start(token: token.id, counter: counter, actor: clerk, at: start.addingTimeInterval(20))
            if scene == .servingThenPaused {
                _ = try queue.setCounter(counter, to: .paused, reason: "Tea break", actor: clerk, at: start.addingTimeInterval(25))
            }
            return (counter, start.addingTimeInterval(30))
        case .paused:
            _ = try queue.setCounter(counter, to: .paused, reason: "Tea break", actor: clerk, at: start)
            return (counter, start)
        case .closed:
            _ = try queue.setCounter(counter, to: .closed, actor: clerk, at: start)
            return (counter, start)
        }
    }

    /// Whether the queue takes the action now (a call of nobody, or an action on nobody, is not taken).
    static func accepted(_ action: CounterAction, _ fixture: QueueFixture, counter: Int64, at now: Date) throws -> Bool {
        let queue = fixture.queue, clerk = fixture.clerk
        do {
            switch action {
            case .callNext:
                return try queue.callNext(counter: counter, actor: clerk, at: now) != nil
            case .call:
                guard let waiting = try queue.todaysToken(office: "VAD-247", number: "BC-002", at: now) else { return false }
                _ = try queue.call(token: waiting.id, counter: counter, actor: clerk, at: now)
            case .recall, .start, .complete, .completeAndCallNext, .noShow, .transfer, .park:
                guard let token = try queue.tokenAt(counter: counter, at: now) else { return false }
                switch action {
                case .recall: _ = try queue.recall(token: token.id, counter: counter, actor: clerk, at: now)
                case .start: _ = try queue.start(token: token.id, counter: counter, actor: clerk, at: now)
                case .complete: _ = try queue.complete(token: token.id, counter: counter, actor: clerk, at: now)
                case .completeAndCallNext: _ = try queue.completeAndCallNext(token: token.id, counter: counter, actor: clerk, at: now)
                case .noShow: _ = try queue.markNoShow(token: token.id, counter: counter, actor: clerk, at: now)
                case .park: _ = try queue.park(token: token.id, counter: counter, reason: "missing document", until: nil, actor: clerk, at: now)
                default: _ = try queue.transfer(token: token.id, from: counter, toService: "meter-complaint", toCounter: nil,
                                                reason: nil, actor: clerk, at: now)
                }
            case .open, .pause, .close:
                Issue.record("the counter's own changes are held to the desk's refusals by the route")
            }
            return true
        } catch is QueueError {
            return false
        }
    }

    @Test(arguments: Scene.allCases)
    func theDeskOffersAnActionExactlyWhenTheCounterTakesIt(scene: Scene) throws {
        // (With nobody waiting the console lists no one to call out of turn, so `call` has nothing to try.)
        for action in CounterAction.allCases where ![.open, .pause, .close].contains(action) && !(scene == .nobodyWaiting && action == .call) {
            // Given the scene, afresh for each action
            let fixture = try QueueFixture()
            let (counter, now) = try Self.set(scene, fixture)
            // When the desk is read, then the action is tried
            let desk = try fixture.queue.desk(counter: counter, at: now)
            let offered = desk.actions.contains(action.rawValue)
            // Then it was offered if and only if it was taken, and a refusal says why
            #expect(offered == (try Self.accepted(action, fixture, counter: counter, at: now)), "\(scene): \(action)")
            #expect((desk.refusals[action.rawValue] == nil) == offered, "\(scene): \(action)")
        }
    }

    @Test func theDeskFollowsTheTransitionTableNotACopy() throws {
        // Given a citizen just called: transfer is allowed once called (the console used to wait for serving)
        let fixture = try QueueFixture()
        let (counter, now) = try Self.set(.calledLongAgo, fixture)
        let desk = try fixture.queue.desk(counter: counter, at: now)
        #expect(desk.actions.contains("transfer") && desk.actions.contains("start") && desk.actions.contains("recall"))
        // And a no-show is not offered before the recalls are used (the console used to offer it)
        #expect(desk.refusals["no-show"]?.code == "recalls_remaining")
        // And done waits for service to begin, saying so (start serving first)
        #expect(!desk.actions.contains("complete") && desk.refusals["complete"]?.code == "not_started")
    }

    @Test func recallsAndANoShowWaitTheOfficesInterval() throws {
        // Given a citizen called at 11:00 and an office giving 30 seconds between calls
        let fixture = try QueueFixture()
        let (counter, _) = try Self.set(.calledJustNow, fixture)
        let token = try #require(try fixture.queue.tokenAt(counter: counter, at: Self.start))
        let queue = fixture.queue, clerk = fixture.clerk
        // When the clerk presses R, R, X within five seconds
        #expect(throws: QueueError.recallTooSoon(waitSeconds: 28, readyAt: Self.start.addingTimeInterval(30))) {
            try queue.recall(token: token.id, counter: counter, actor: clerk, at: Self.start.addingTimeInterval(2))
        }
        // Then nothing is recalled until 30 s have passed, and the desk says when it will be
        let desk = try queue.desk(counter: counter, at: Self.start.addingTimeInterval(2))
        #expect(desk.refusals["recall"]?.readyAt == Self.start.addingTimeInterval(30))
        _ = try queue.recall(token: token.id, counter: counter, actor: clerk, at: Self.start.addingTimeInterval(30))
        _ = try queue.recall(token: token.id, counter: counter, actor: clerk, at: Self.start.addingTimeInterval(60))
        // And the no-show after the last recall waits its 30 s too
        #expect(throws: QueueError.self) {
            try queue.markNoShow(token: token.id, counter: counter, actor: clerk, at: Self.start.addingTimeInterval(65))
        }
        #expect(try queue.markNoShow(token: token.id, counter: counter, actor: clerk, at: Self.start.addingTimeInterval(90)).state == .noShow)
    }

    @Test func anOfficeSetsItsOwnInterval() throws {
        // Given an office that gives a called citizen two minutes
        let fixture = try QueueFixture()
        var policy = QueuePolicy.standard
        policy.minRecallSeconds = 120
        try fixture.queue.setPolicy(office: "VAD-247", to: policy, actor: fixture.clerk, at: Self.start)
        #expect(try fixture.queue.settings(office: "VAD-247", at: Self.start).policy.minRecallSeconds == 120)
        let (counter, _) = try Self.set(.calledLongAgo, fixture)
        // Then a recall a minute after the call is refused, and after two allowed
        #expect(try fixture.queue.desk(counter: counter, at: Self.start.addingTimeInterval(60)).refusals["recall"]?.code == "recall_too_soon")
        #expect(try fixture.queue.desk(counter: counter, at: Self.start.addingTimeInterval(120)).actions.contains("recall"))
        // And an interval beyond ten minutes is refused with its field
        policy.minRecallSeconds = 601
        #expect(throws: QueueError.invalidField(field: "min_recall_seconds", reason: "min_recall_seconds must be from 0 to 600.")) {
            try fixture.queue.setPolicy(office: "VAD-247", to: policy, actor: fixture.clerk, at: Self.start)
        }
    }
}
