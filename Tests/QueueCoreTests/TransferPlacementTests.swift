import Foundation
import Testing
@testable import QueueCore

/// Where a transferred citizen waits in their new queue, by the office's rule: worked out by hand
/// on the rule itself, and through the queue (call next, the counter's calling order, and the
/// "people before you" the token page shows).
@Suite("Transfers keep their place fairly")
struct TransferPlacementTests {
    static let now = QueueFixture.mondayMorning
    /// 11:00 local.
    static let minute = 660

    static func candidate(_ id: Int64, minutesAgo: Double, priority: PriorityCategory = .none, slot: Int? = nil) -> QueueCandidate {
        QueueCandidate(tokenID: id, priority: priority, kind: slot == nil ? .walkIn : .appointment,
                       queuedAt: now.addingTimeInterval(-minutesAgo * 60), slotStartsAt: slot)
    }

    static func placed(_ citizen: QueueCandidate, _ rule: TransferPlacement, line: [QueueCandidate]) -> Date {
        rule.queuedAt(for: citizen, line: line, policy: .standard, now: now, minuteOfDay: minute)
    }

    @Test func eachRulePlacesAWalkInAsItSays() {
        // Given a walk-in who arrived 20 minutes ago, sent to a queue where walk-ins arrived 30 and 10
        // minutes ago and a senior citizen 40 minutes ago
        let citizen = Self.candidate(9, minutesAgo: 20)
        let line = [Self.candidate(1, minutesAgo: 30), Self.candidate(2, minutesAgo: 10), Self.candidate(3, minutesAgo: 40, priority: .seniorCitizen)]
        // Then: kept time; just before the walk-in of 30 minutes ago (the senior is another class); now
        #expect(Self.placed(citizen, .originalTime, line: line) == citizen.queuedAt)
        #expect(Self.placed(citizen, .front, line: line) == Date(milliseconds: Self.now.addingTimeInterval(-1800).milliseconds - 1))
        #expect(Self.placed(citizen, .now, line: line) == Self.now)
        // and the policy then calls them: senior, then the transferred citizen, then the rest
        let order = { (rule: TransferPlacement) -> [Int64] in
            var moved = citizen
            moved.queuedAt = Self.placed(citizen, rule, line: line)
            return OrderingPolicy.order(line + [moved], priorityStreak: 0, policy: .standard, now: Self.now, minuteOfDay: Self.minute).map(\.tokenID)
        }
        #expect(order(.originalTime) == [3, 1, 9, 2])
        #expect(order(.front) == [3, 9, 1, 2])
        #expect(order(.now) == [3, 1, 2, 9])
    }

    @Test func theFrontKeepsAnEarlierArrivalAndNeverJumpsIntoTheOverdueClass() {
        // Given a walk-in who arrived 35 minutes ago, sent where a walk-in waits since 20 minutes
        let early = Self.candidate(9, minutesAgo: 35)
        // Then "front" keeps their own, earlier time
        #expect(Self.placed(early, .front, line: [Self.candidate(1, minutesAgo: 20)]) == early.queuedAt)
        // Given a walk-in of 5 minutes ago, sent where one has waited exactly the 45 minutes of aging
        // (overdue) and another 44 minutes
        let late = Self.candidate(9, minutesAgo: 5)
        let line = [Self.candidate(1, minutesAgo: 45), Self.candidate(2, minutesAgo: 44)]
        let placed = Self.placed(late, .front, line: line)
        // Then they lead the walk-ins but are not overdue: the overdue citizen still goes first
        var moved = late
        moved.queuedAt = placed
        let order = OrderingPolicy.order(line + [moved], priorityStreak: 0, policy: .standard, now: Self.now, minuteOfDay: Self.minute)
        #expect(order.map(\.tokenID) == [1, 9, 2])
    }

    @Test func anAppointmentLeadsOnlyItsOwnSlot() {
        // Given an appointment of the 10:30 slot, sent where appointments of 10:00 and 10:30 wait
        let citizen = Self.candidate(9, minutesAgo: 10, slot: 630)
        let line = [Self.candidate(1, minutesAgo: 30, slot: 600), Self.candidate(2, minutesAgo: 25, slot: 630)]
        var moved = citizen
        moved.queuedAt = Self.placed(citizen, .front, line: line)
        // Then it goes after the 10:00 slot's and before the other 10:30 one
        let order = OrderingPolicy.order(line + [moved], priorityStreak: 0, policy: .standard, now: Self.now, minuteOfDay: Self.minute)
        #expect(order.map(\.tokenID) == [1, 9, 2])
    }

    @Test(arguments: TransferPlacement.allCases)
    func aTransferLandsWhereTheRuleSays(rule: TransferPlacement) throws {
        // Given an office whose rule is `rule`: NC-001 waits for a new connection, then BC-001 comes
        // for a bill complaint, then NC-002 and NC-003 for new connections
        let fixture = try QueueFixture()
        let queue = fixture.queue, clerk = fixture.clerk, start = Self.now
        var policy = try queue.settings(office: "VAD-247", at: start).policy
        policy.transferPlacement = rule
        try queue.setPolicy(office: "VAD-247", to: policy, actor: clerk, at: start)
        let first = try fixture.walkIn("new-lt-connection", citizen: 1, at: start)
        let moved = try fixture.walkIn("bill-complaint", citizen: 2, at: start.plus(minutes: 1))
        let second = try fixture.walkIn("new-lt-connection", citizen: 3, at: start.plus(minutes: 2))
        let third = try fixture.walkIn("new-lt-connection", citizen: 4, at: start.plus(minutes: 3))
        let complaints = try fixture.counterID("VAD-247", 1), applications = try fixture.counterID("VAD-247", 3)
        // When counter 1 calls BC-001 and finds it needs a new connection
        #expect(try queue.callNext(counter: complaints, actor: clerk, at: start.plus(minutes: 4))?.id == moved.id)
        _ = try queue.transfer(token: moved.id, from: complaints, toService: "new-lt-connection", toCounter: nil,
                               reason: "Needs a new connection", actor: clerk, at: start.plus(minutes: 5))
        // (counter 3, the applications counter, is the one staffed for new connections)
        try queue.heartbeat(counter: applications, actor: clerk, at: start.plus(minutes: 5))
        let expected: [Int64] = switch rule {
        case .originalTime: [first.id, moved.id, second.id, third.id]
        case .front: [moved.id, first.id, second.id, third.id]
        case .now: [first.id, second.id, third.id, moved.id]
        }
        // Then the token page says how many go before it
        let position = try #require(try queue.position(of: moved.id, at: start.plus(minutes: 5)))
        #expect(position.ahead == expected.firstIndex(of: moved.id))
        // and counter 3 calls them in that order
        var called: [Int64] = []
        for step in 0..<4 {
            let at = start.plus(minutes: 6 + Double(step) * 20)
            let token = try #require(try queue.callNext(counter: applications, actor: clerk, at: at))
            called.append(token.id)
            _ = try queue.start(token: token.id, counter: applications, actor: clerk, at: at.plus(minutes: 1))
            _ = try queue.complete(token: token.id, counter: applications, actor: clerk, at: at.plus(minutes: 15))
        }
        #expect(called == expected)
    }

    @Test func theRuleIsKeptInTheSettingsAndLogged() throws {
        let fixture = try QueueFixture()
        let queue = fixture.queue, start = Self.now
        // A new office keeps the first arrival time
        #expect(try queue.settings(office: "VAD-247", at: start).policy.transferPlacement == .originalTime)
        var policy = try queue.settings(office: "VAD-247", at: start).policy
        policy.transferPlacement = .now
        try queue.setPolicy(office: "VAD-247", to: policy, actor: fixture.clerk, at: start)
        #expect(try queue.settings(office: "VAD-247", at: start).policy.transferPlacement == .now)
        let reason = try fixture.database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT reason FROM event WHERE kind = 'policy_changed' ORDER BY id DESC LIMIT 1")
        }
        #expect(reason?.hasSuffix("transfers placed by now") == true)
    }
}
