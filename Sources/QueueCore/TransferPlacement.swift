import Foundation

/// Where a citizen sent on to another service or counter waits there: an office's choice
/// (`QueuePolicy.transferPlacement`, documented in Content/en/docs/queue-order.md). The rule is
/// carried out once, at the transfer, as the queueing time the citizen waits with, so that the
/// ordering policy, call next, the live picture and the forecast all follow it without knowing it.
public enum TransferPlacement: String, Sendable, Codable, CaseIterable {
    /// The citizen keeps their first queueing time: they go before everyone who joined the new
    /// queue after they first arrived (and the aging rule counts from their arrival).
    case originalTime = "original_time"
    /// The citizen goes first among those of their class (overdue, priority, appointment of the same
    /// slot, walk-in) waiting in the new queue, unless their own time already puts them there.
    case front
    /// The citizen joins the new queue as a newcomer, at the back of their class.
    case now

    /// The queueing time the citizen waits with in the new queue. `line` is who waits there now
    /// (the tokens the new service's counters, or the counter named, may call).
    func queuedAt(for citizen: QueueCandidate, line: [QueueCandidate], policy: QueuePolicy, now: Date, minuteOfDay: Int) -> Date {
        switch self {
        case .originalTime:
            return citizen.queuedAt
        case .now:
            return Date(milliseconds: now.milliseconds)
        case .front:
            let cutoff = now.addingTimeInterval(-Double(policy.agingMinutes) * 60)
            let turnClass = OrderingPolicy.turnClass(of: citizen, cutoff: cutoff, minuteOfDay: minuteOfDay)
            let earliest = line.filter {
                OrderingPolicy.turnClass(of: $0, cutoff: cutoff, minuteOfDay: minuteOfDay) == turnClass
                    // Appointments go by slot first: the citizen can lead only their own slot's.
                    && (turnClass != .appointment || $0.slotStartsAt == citizen.slotStartsAt)
            }.map(\.queuedAt).min()
            guard let earliest, earliest <= citizen.queuedAt else { return citizen.queuedAt }
            let before = earliest.milliseconds - 1
            // Just before the first of the class, but not so early that it changes class (overdue
            // goes before everyone): within the class, at worst level with the first.
            let floor = turnClass == .overdue ? Int64.min : cutoff.milliseconds + 1
            return Date(milliseconds: max(before, floor))
        }
    }
}
