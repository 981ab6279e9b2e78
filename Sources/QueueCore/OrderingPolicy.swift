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
        positions(candidates, limit: 1, priorityStreak: priorityStreak, policy: policy, now: now, minuteOfDay: minuteOfDay)
            .first.map { candidates[$0] }
    }

    /// Every candidate in the order they would be called if nobody else arrived and time stood still.
    public static func order(
        _ candidates: [QueueCandidate], priorityStreak: Int, policy: QueuePolicy, now: Date, minuteOfDay: Int
    ) -> [QueueCandidate] {
        positions(candidates, priorityStreak: priorityStreak, policy: policy, now: now, minuteOfDay: minuteOfDay).map { candidates[$0] }
    }

    /// The four classes of the rule, in the order they are called.
    public enum TurnClass: Sendable, Equatable {
        case overdue, priority, appointment, walkIn
    }

    /// A candidate's class at the moment whose aging cutoff (`now` less `agingMinutes`) and local minute are given.
    static func turnClass(of candidate: QueueCandidate, cutoff: Date, minuteOfDay: Int) -> TurnClass {
        if candidate.queuedAt <= cutoff { return .overdue }
        if candidate.priority.isPriority { return .priority }
        if candidate.kind == .appointment, let slot = candidate.slotStartsAt, slot <= minuteOfDay { return .appointment }
        return .walkIn
    }

    /// The indices of `candidates` in calling order, the first `limit` of them if given. Candidates
    /// already in arrival order (as an office's live picture keeps them) are sorted in one pass per
    /// class, and nothing but indices is moved.
    static func positions(
        _ candidates: [QueueCandidate], limit: Int? = nil, priorityStreak: Int, policy: QueuePolicy, now: Date, minuteOfDay: Int
    ) -> [Int] {
        let cutoff = now.addingTimeInterval(-Double(policy.agingMinutes) * 60)
        let byArrival: (Int, Int) -> Bool = {
            (candidates[$0].queuedAt, candidates[$0].tokenID) < (candidates[$1].queuedAt, candidates[$1].tokenID)
        }
        var overdue: [Int] = [], priority: [Int] = [], appointments: [Int] = [], walkIns: [Int] = []
        walkIns.reserveCapacity(candidates.count)
        for (index, candidate) in candidates.enumerated() {
            switch turnClass(of: candidate, cutoff: cutoff, minuteOfDay: minuteOfDay) {
            case .overdue: overdue.append(index)
            case .priority: priority.append(index)
            case .appointment: appointments.append(index)
            case .walkIn: walkIns.append(index)
            }
        }
        func sortByArrival(_ list: inout [Int]) {
            if !zip(list, list.dropFirst()).allSatisfy({ !byArrival($1, $0) }) { list.sort(by: byArrival) }
        }
        sortByArrival(&overdue)
        sortByArrival(&priority)
        sortByArrival(&walkIns)
        appointments.sort { appointmentOrder(candidates[$0], candidates[$1]) }

        let wanted = min(limit ?? candidates.count, candidates.count)
        return merge(overdue: overdue, priority: priority, appointments: appointments, walkIns: walkIns, wanted: wanted,
                     priorityStreak: priorityStreak, policy: policy) { candidates[$0].priority.isPriority }
    }

    /// The rule's merge of the four classes, each already in its own order, into the first `wanted`
    /// calls. A class may hold only its first `wanted` members: no more of one class are ever taken.
    static func merge(overdue: [Int], priority: [Int], appointments: [Int], walkIns: [Int], wanted: Int,
                      priorityStreak: Int, policy: QueuePolicy, isPriority: (Int) -> Bool) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(wanted)
        var streak = priorityStreak
        for index in overdue where result.count < wanted {
            result.append(index)
            streak = isPriority(index) ? streak + 1 : 0
        }
        var p = 0, a = 0, w = 0
        while result.count < wanted {
            if p < priority.count, streak < policy.maxPriorityStreak {
                result.append(priority[p]); p += 1; streak += 1
            } else if a < appointments.count {
                result.append(appointments[a]); a += 1; streak = 0
            } else if w < walkIns.count {
                result.append(walkIns[w]); w += 1; streak = 0
            } else {
                result.append(priority[p]); p += 1; streak += 1
            }
        }
        return result
    }

    /// Orders appointments whose slot has begun: by slot start, then check-in, then booking.
    static func appointmentOrder(_ lhs: QueueCandidate, _ rhs: QueueCandidate) -> Bool {
        (lhs.slotStartsAt ?? 0, lhs.queuedAt, lhs.tokenID) < (rhs.slotStartsAt ?? 0, rhs.queuedAt, rhs.tokenID)
    }
}
