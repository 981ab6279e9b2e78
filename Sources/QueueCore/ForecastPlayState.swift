import Foundation

/// The tokens not yet called in a play, sorted into the policy's classes so that each counter finds
/// its next token by moving cursors forward: every list is in the order the policy takes it, and a
/// token a cursor passes (called, not for these counters, moved to another class) never comes back.
///
/// The play runs once per change of an office (decision 4: "people before you" follows every
/// change), so it must not cost a pass over the queue per counter. Counters that serve the same
/// services share their cursors (a token gone for one of them is gone for all: time only moves
/// forward in a play), and what the policy asks of a token is kept in flat arrays.
struct ForecastPlayState {
    var taken: [Bool]
    var left: Int
    var streak: Int
    private let maxPriorityStreak: Int
    private let agingSeconds: Double
    private let serviceCount: Int
    /// By token: its service number; the counter index it was sent to (`anyCounter` when none,
    /// -1 for a counter not in the play); when it arrives, when it queued (seconds from now);
    /// when its appointment slot begins (infinity if it has none).
    let service: [Int]
    let target: [Int]
    let arrivesAt: [Double]
    private let queuedAt: [Double]
    private let slotBeginsAt: [Double]
    let isPriority: [Bool]
    /// By counter: its class (counters serving the same services share one); by class and
    /// service (`class * serviceCount + service`): whether that class serves it.
    let classOf: [Int]
    private let classServes: [Bool]
    /// Token indices: priority ones and the others in arrival order; appointments by slot.
    private let priority: [Int]
    private let others: [Int]
    private let appointments: [Int]
    /// Per class, a cursor into each list (and into the tokens, for the overdue ones).
    private var overdueCursor: [Int], priorityCursor: [Int], othersCursor: [Int], appointmentCursor: [Int]

    static let anyCounter = Int.min

    init(_ plan: ForecastPlan) {
        let n = plan.tokens.count
        taken = [Bool](repeating: false, count: n)
        left = n
        streak = plan.priorityStreak
        maxPriorityStreak = plan.policy.maxPriorityStreak
        agingSeconds = Double(plan.policy.agingMinutes) * 60
        serviceCount = plan.callSeconds.count
        var service = [Int](), target = [Int](), arrivesAt = [Double](), queuedAt = [Double](), slot = [Double](), isPriority = [Bool]()
        service.reserveCapacity(n); target.reserveCapacity(n); arrivesAt.reserveCapacity(n)
        queuedAt.reserveCapacity(n); slot.reserveCapacity(n); isPriority.reserveCapacity(n)
        var priority: [Int] = [], others: [Int] = [], appointments: [Int] = []
        others.reserveCapacity(n)
        for (index, token) in plan.tokens.enumerated() {
            let candidate = token.candidate
            service.append(token.service)
            target.append(token.target ?? Self.anyCounter)
            arrivesAt.append(token.arrivesAt)
            queuedAt.append(token.arrivesAt > 0 ? token.arrivesAt : candidate.queuedAt.timeIntervalSince(plan.now))
            let appointmentSlot = candidate.kind == .appointment ? candidate.slotStartsAt : nil
            slot.append(appointmentSlot.map { Double($0) * 60 - plan.secondsOfDay } ?? .infinity)
            isPriority.append(candidate.priority.isPriority)
            if candidate.priority.isPriority { priority.append(index) } else { others.append(index) }
            if !candidate.priority.isPriority, appointmentSlot != nil { appointments.append(index) }
        }
        let tokens = plan.tokens
        appointments.sort { OrderingPolicy.appointmentOrder(tokens[$0].candidate, tokens[$1].candidate) }
        self.service = service
        self.target = target
        self.arrivesAt = arrivesAt
        self.queuedAt = queuedAt
        slotBeginsAt = slot
        self.isPriority = isPriority
        self.priority = priority
        self.others = others
        self.appointments = appointments
        var classes: [[Bool]: Int] = [:]
        classOf = plan.counters.map { counter in
            if let known = classes[counter.serves] { return known }
            classes[counter.serves] = classes.count
            return classes.count - 1
        }
        var serves = [Bool](repeating: false, count: classes.count * serviceCount)
        for (services, number) in classes {
            for (index, served) in services.enumerated() where served && index < serviceCount { serves[number * serviceCount + index] = true }
        }
        classServes = serves
        overdueCursor = [Int](repeating: 0, count: classes.count)
        priorityCursor = overdueCursor
        othersCursor = overdueCursor
        appointmentCursor = overdueCursor
    }

    /// Whether the counters of a class serve a service.
    func serves(class number: Int, service: Int) -> Bool { classServes[number * serviceCount + service] }

    func eligible(_ token: Int, counter: Int) -> Bool {
        let sentTo = target[token]
        return sentTo == Self.anyCounter ? serves(class: classOf[counter], service: service[token]) : sentTo == counter
    }

    /// Whether no counter of a class can ever take the token (called, not its service, or sent to
    /// a counter of another class, or to none in the play).
    private func gone(_ token: Int, forClass number: Int) -> Bool {
        if taken[token] { return true }
        let sentTo = target[token]
        if sentTo == Self.anyCounter { return !serves(class: number, service: service[token]) }
        return sentTo < 0 || classOf[sentTo] != number
    }

    /// Overdue at `t`: queued `agingMinutes` or more before it.
    private func overdue(_ token: Int, at t: Double) -> Bool { queuedAt[token] <= t - agingSeconds }

    private func arrived(_ token: Int, at t: Double) -> Bool { arrivesAt[token] <= t }

    private func due(_ token: Int, at t: Double) -> Bool { slotBeginsAt[token] <= t }

    /// By counter: whether any token left could still go to it (one pass over the tokens, not one
    /// per counter: at closing time most of a long queue may be left).
    func countersWithTokensLeft(counters: Int) -> [Bool] {
        var services = [Bool](repeating: false, count: serviceCount)
        var sentTo = [Bool](repeating: false, count: counters)
        for index in taken.indices where !taken[index] {
            let target = target[index]
            if target == Self.anyCounter { if service[index] < serviceCount { services[service[index]] = true } } else if target >= 0 { sentTo[target] = true }
        }
        return (0..<counters).map { counter in
            sentTo[counter] || (0..<serviceCount).contains { services[$0] && serves(class: classOf[counter], service: $0) }
        }
    }

    /// The earliest arrival after `t` of a token this counter could take.
    func nextArrival(counter: Int, after t: Double) -> Double? {
        var earliest: Double?
        for list in [appointments, priority] {
            for index in list where !taken[index] && arrivesAt[index] > t && eligible(index, counter: counter) {
                earliest = min(earliest ?? .infinity, arrivesAt[index])
            }
        }
        return earliest
    }

    /// The token the policy gives this counter at `t`, marked called; nil if it has nobody.
    mutating func take(counter: Int, at t: Double) -> Int? {
        guard left > 0 else { return nil }
        let group = classOf[counter]
        // 1. Overdue, oldest first, whatever the class (the tokens are in arrival order, and the
        //    overdue ones are a prefix of them that only grows).
        var scan = overdueCursor[group]
        while scan < taken.count {
            guard overdue(scan, at: t), arrived(scan, at: t) else { break }
            if !taken[scan] && eligible(scan, counter: counter) {
                streak = isPriority[scan] ? streak + 1 : 0
                return mark(scan)
            }
            if scan == overdueCursor[group], gone(scan, forClass: group) { overdueCursor[group] += 1 }
            scan += 1
        }
        let priorityHead: Int?
        (priorityHead, priorityCursor[group]) = head(from: priorityCursor[group], priorityList: true, counter: counter, at: t)
        // 2. Priority citizens, bounded by the streak.
        if let index = priorityHead, streak < maxPriorityStreak {
            streak += 1
            return mark(index)
        }
        // 3. Appointments whose slot has begun (by slot); one not yet begun stops the search, and
        //    stays for later.
        scan = appointmentCursor[group]
        while scan < appointments.count {
            let index = appointments[scan]
            if taken[index] || !eligible(index, counter: counter) || overdue(index, at: t) {
                if scan == appointmentCursor[group], overdue(index, at: t) || gone(index, forClass: group) { appointmentCursor[group] += 1 }
                scan += 1
                continue
            }
            guard due(index, at: t), arrived(index, at: t) else { break }
            streak = 0
            return mark(index)
        }
        // 4. Walk-ins (and appointments checked in before their slot), first come first served.
        let walkIn: Int?
        (walkIn, othersCursor[group]) = head(from: othersCursor[group], priorityList: false, counter: counter, at: t)
        if let index = walkIn {
            streak = 0
            return mark(index)
        }
        // 5. Priority citizens after all, when nobody else is left.
        if let index = priorityHead {
            streak += 1
            return mark(index)
        }
        return nil
    }

    /// The first token of the priority list, or of the others, this counter may take now; passes for
    /// good those no counter of its class ever can (appointments whose slot has begun leave the
    /// others). Returns the token, and where the class's cursor now stands.
    private func head(from start: Int, priorityList: Bool, counter: Int, at t: Double) -> (Int?, Int) {
        let group = classOf[counter]
        let count = priorityList ? priority.count : others.count
        var cursor = start, scan = start
        while scan < count {
            let index = priorityList ? priority[scan] : others[scan]
            let forAll = overdue(index, at: t) || (!priorityList && due(index, at: t)) || gone(index, forClass: group)
            if forAll || !eligible(index, counter: counter) {
                if scan == cursor, forAll { cursor += 1 }
                scan += 1
                continue
            }
            // Not arrived yet (an expected appointment): the ones after it have not either.
            return (arrived(index, at: t) ? index : nil, cursor)
        }
        return (nil, cursor)
    }

    private mutating func mark(_ index: Int) -> Int {
        taken[index] = true
        left -= 1
        return index
    }
}
