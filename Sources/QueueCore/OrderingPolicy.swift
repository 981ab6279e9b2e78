import Foundation

/// Who is called next. The whole rule, in one place (documented in Content/en/docs/queue-order.md):
///
/// 1. **Overdue first.** A token that has waited `agingMinutes` or more goes before everyone,
///    oldest first, so nobody waits forever, whatever their class.
/// 2. **Priority, bounded.** Senior citizens, persons with disabilities and pregnant women go next,
///    oldest first, but after `maxPriorityStreak` priority calls in a row the next call goes to
///    someone else if anyone else is waiting.
/// 3. **Appointments whose slot has begun**, by slot start, then by check-in time.
/// 4. **Walk-ins** (and appointments checked in before their slot), first come first served.
///
/// Ties are broken by token id (booking order). The streak counts the office's most recent calls.
public enum OrderingPolicy {
    /// The next token to call, or nil if nobody is waiting.
    public static func next(
        from candidates: [QueueCandidate], priorityStreak: Int, policy: QueuePolicy, now: Date, minuteOfDay: Int
    ) -> QueueCandidate? {
        order(candidates, priorityStreak: priorityStreak, policy: policy, now: now, minuteOfDay: minuteOfDay).first
    }

    /// Every candidate in the order they would be called if nobody else arrived and time stood still.
    public static func order(
        _ candidates: [QueueCandidate], priorityStreak: Int, policy: QueuePolicy, now: Date, minuteOfDay: Int
    ) -> [QueueCandidate] {
        order(candidates, by: { $0 }, priorityStreak: priorityStreak, policy: policy, now: now, minuteOfDay: minuteOfDay)
    }

    /// Items that each stand for a candidate, in the order they would be called. Items already in
    /// arrival order (as an office's live picture keeps them) are sorted in one pass per class.
    static func order<Item>(
        _ items: [Item], by candidate: (Item) -> QueueCandidate, priorityStreak: Int, policy: QueuePolicy, now: Date, minuteOfDay: Int
    ) -> [Item] {
        let cutoff = now.addingTimeInterval(-Double(policy.agingMinutes) * 60)
        let byArrival: ((QueueCandidate, Item), (QueueCandidate, Item)) -> Bool = {
            ($0.0.queuedAt, $0.0.tokenID) < ($1.0.queuedAt, $1.0.tokenID)
        }
        var overdue: [(QueueCandidate, Item)] = [], priority: [(QueueCandidate, Item)] = []
        var appointments: [(QueueCandidate, Item)] = [], walkIns: [(QueueCandidate, Item)] = []
        walkIns.reserveCapacity(items.count)
        for item in items {
            let candidate = candidate(item)
            if candidate.queuedAt <= cutoff {
                overdue.append((candidate, item))
            } else if candidate.priority.isPriority {
                priority.append((candidate, item))
            } else if candidate.kind == .appointment, let slot = candidate.slotStartsAt, slot <= minuteOfDay {
                appointments.append((candidate, item))
            } else {
                walkIns.append((candidate, item))
            }
        }
        overdue.sort(by: byArrival)
        priority.sort(by: byArrival)
        walkIns.sort(by: byArrival)
        appointments.sort { ($0.0.slotStartsAt ?? 0, $0.0.queuedAt, $0.0.tokenID) < ($1.0.slotStartsAt ?? 0, $1.0.queuedAt, $1.0.tokenID) }

        var result: [Item] = []
        result.reserveCapacity(items.count)
        var streak = priorityStreak
        for (candidate, item) in overdue {
            result.append(item)
            streak = candidate.priority.isPriority ? streak + 1 : 0
        }
        var p = 0, a = 0, w = 0
        while result.count < items.count {
            if p < priority.count, streak < policy.maxPriorityStreak {
                result.append(priority[p].1); p += 1; streak += 1
            } else if a < appointments.count {
                result.append(appointments[a].1); a += 1; streak = 0
            } else if w < walkIns.count {
                result.append(walkIns[w].1); w += 1; streak = 0
            } else {
                result.append(priority[p].1); p += 1; streak += 1
            }
        }
        return result
    }
}
