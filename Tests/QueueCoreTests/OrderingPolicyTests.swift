import Foundation
import Testing
@testable import QueueCore

@Suite("Who is called next")
struct OrderingPolicyTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let policy = QueuePolicy(maxPriorityStreak: 2, agingMinutes: 45, recallLimit: 2, activeTokensPerPhone: 3)

    /// A candidate: id, waited minutes, priority?, appointment slot start (minute of day) if any.
    static func c(_ id: Int64, waited: Double, priority: Bool = false, slot: Int? = nil) -> QueueCandidate {
        QueueCandidate(tokenID: id, priority: priority ? .seniorCitizen : .none, kind: slot == nil ? .walkIn : .appointment,
                       queuedAt: now.addingTimeInterval(-waited * 60), slotStartsAt: slot)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let candidates: [QueueCandidate]
        let streak: Int
        let minute: Int
        let expected: [Int64]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "first come first served", candidates: [c(2, waited: 5), c(1, waited: 10), c(3, waited: 1)],
             streak: 0, minute: 600, expected: [1, 2, 3]),
        Case(name: "priority first", candidates: [c(1, waited: 20), c(2, waited: 2, priority: true)],
             streak: 0, minute: 600, expected: [2, 1]),
        Case(name: "priority bounded to 2 in a row", candidates: [
                c(1, waited: 30), c(2, waited: 10, priority: true), c(3, waited: 9, priority: true),
                c(4, waited: 8, priority: true), c(5, waited: 7, priority: true)],
             streak: 0, minute: 600, expected: [2, 3, 1, 4, 5]),
        Case(name: "a streak already run makes the next call a walk-in", candidates: [
                c(1, waited: 3), c(2, waited: 10, priority: true)],
             streak: 2, minute: 600, expected: [1, 2]),
        Case(name: "only priority citizens left: they are called regardless of the streak", candidates: [
                c(1, waited: 3, priority: true), c(2, waited: 2, priority: true)],
             streak: 5, minute: 600, expected: [1, 2]),
        Case(name: "appointments whose slot began go before walk-ins", candidates: [
                c(1, waited: 30), c(2, waited: 1, slot: 600), c(3, waited: 2, slot: 660)],
             streak: 0, minute: 610, expected: [2, 1, 3]),
        Case(name: "appointments by slot start, then check-in", candidates: [
                c(1, waited: 1, slot: 540), c(2, waited: 5, slot: 600), c(3, waited: 9, slot: 600)],
             streak: 0, minute: 610, expected: [1, 3, 2]),
        Case(name: "starvation: a walk-in past the aging limit goes before priority", candidates: [
                c(1, waited: 50), c(2, waited: 2, priority: true), c(3, waited: 1, priority: true)],
             streak: 0, minute: 600, expected: [1, 2, 3]),
        Case(name: "starvation: overdue tokens oldest first, whatever their class", candidates: [
                c(1, waited: 46, slot: 500), c(2, waited: 60), c(3, waited: 50, priority: true), c(4, waited: 1)],
             streak: 0, minute: 600, expected: [2, 3, 1, 4]),
        Case(name: "ties broken by booking order", candidates: [c(9, waited: 5), c(4, waited: 5)],
             streak: 0, minute: 600, expected: [4, 9]),
        Case(name: "nobody waiting", candidates: [], streak: 0, minute: 600, expected: []),
    ]

    @Test(arguments: cases)
    func order(_ example: Case) {
        let order = OrderingPolicy.order(example.candidates, priorityStreak: example.streak, policy: Self.policy,
                                         now: Self.now, minuteOfDay: example.minute)
        #expect(order.map(\.tokenID) == example.expected)
        let next = OrderingPolicy.next(from: example.candidates, priorityStreak: example.streak, policy: Self.policy,
                                       now: Self.now, minuteOfDay: example.minute)
        #expect(next?.tokenID == example.expected.first)
    }

    @Test func aSteadyStreamOfPriorityCitizensNeverStarvesAWalkIn() {
        // Given a walk-in who arrived first, and two new priority citizens arriving for every call
        var waiting = [Self.c(0, waited: 0)]
        var streak = 0
        var calls = 0
        var nextID: Int64 = 1
        var clock = Self.now
        while true {
            for _ in 0..<2 {
                waiting.append(QueueCandidate(tokenID: nextID, priority: .pregnantWoman, queuedAt: clock))
                nextID += 1
            }
            guard let next = OrderingPolicy.next(from: waiting, priorityStreak: streak, policy: Self.policy,
                                                 now: clock, minuteOfDay: 600) else { break }
            waiting.removeAll { $0.tokenID == next.tokenID }
            streak = next.priority.isPriority ? streak + 1 : 0
            calls += 1
            clock = clock.addingTimeInterval(5 * 60)
            if next.tokenID == 0 { break }
        }
        // Then the walk-in is called within the bound: after at most 2 priority calls
        #expect(calls == 3)
    }
}
