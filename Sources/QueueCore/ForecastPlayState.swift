import Foundation

/// The tokens not yet called in a play, sorted into the policy's classes so that each counter finds
/// its next token by moving cursors forward: every list is in the order the policy takes it, and a
/// token a cursor passes (called, not for these counters, moved to another class) never comes back.
///
/// The play runs once per change of an office (decision 4: "people before you" follows every
/// change), so it must not cost a pass over the queue per counter. Counters that serve the same
/// services share their cursors (a token gone for one of them is gone for all: time only moves
/// forward in a play), and what the policy asks of a token is kept in one flat array of records
/// (`Facts`), built once a play from the plan's tokens without copying their candidates.
struct ForecastPlayState {
    /// What the play asks of a token, in one record (the policy's questions about a token read one
    /// cache line, not one array each). Seconds are from the plan's `now`.
    struct Facts {
        /// When it queued (for an expected citizen: when it arrives).
        let queuedAt: Double
        let arrivesAt: Double
        /// When its appointment slot begins; infinity if it has none.
        let slotBeginsAt: Double
        let service: Int32
        /// The counter index it was sent to; `anyCounter` when none, -1 for a counter not in the play.
        let target: Int32
        let isPriority: Bool
        /// False for a citizen the forecast only expects (`ForecastPlan.Token.known`).
        let known: Bool
        let isWalkIn: Bool
    }

    /// By token, in the plan's order. They never change in a play: a play resumed from a mark
    /// shares them with the mark until it puts its newcomers in.
    private(set) var facts: ContiguousArray<Facts>
    /// By token: whether a counter of the play took it (apart, so that the play after a mark
    /// copies a byte a token, not the facts).
    private var taken: ContiguousArray<Bool>
    var left: Int
    var streak: Int
    private let maxPriorityStreak: Int
    private let agingSeconds: Double
    private let serviceCount: Int
    /// By counter: its class (counters serving the same services share one); by class and
    /// service (`class * serviceCount + service`): whether that class serves it.
    let classOf: [Int]
    private let classServes: [Bool]
    /// Token indices: priority ones in arrival order; appointments by slot. The others are the
    /// tokens not priority, in arrival order: `facts` itself, passing the priority ones.
    private var priority: [Int]
    private let appointments: [Int]
    /// Per class, a cursor into each list (and into the tokens, for the overdue ones and the others).
    struct Cursors {
        var overdue = 0, priority = 0, others = 0, appointments = 0
    }
    private var cursors: ContiguousArray<Cursors>
    /// Whether the last `take` gave a priority citizen only because the counter had nobody else.
    private(set) var tookAfterAll = false

    static let anyCounter = Int(Int32.min)

    init(_ plan: ForecastPlan) {
        let n = plan.tokens.count
        left = n
        streak = plan.priorityStreak
        maxPriorityStreak = plan.policy.maxPriorityStreak
        agingSeconds = Double(plan.policy.agingMinutes) * 60
        serviceCount = plan.callSeconds.count
        var priority: [Int] = [], appointments: [Int] = []
        // Written in place, one record a token (no capacity check a token).
        let facts = ContiguousArray<Facts>(unsafeUninitializedCapacity: n) { facts, written in
            plan.tokens.forEachRun { first, tokens in
                for offset in tokens.indices {
                    let index = first + offset, record = Self.facts(tokens[offset], in: plan)
                    facts.initializeElement(at: index, to: record)
                    if record.isPriority { priority.append(index) } else if record.slotBeginsAt < .infinity { appointments.append(index) }
                }
            }
            written = n
        }
        if appointments.count > 1 {
            let tokens = plan.tokens
            appointments.sort { OrderingPolicy.appointmentOrder(tokens[$0].candidate, tokens[$1].candidate) }
        }
        self.facts = facts
        taken = ContiguousArray(repeating: false, count: n)
        self.priority = priority
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
        cursors = ContiguousArray(repeating: Cursors(), count: classes.count)
    }

    /// What the play asks of a token of the plan.
    @inline(__always)
    static func facts(_ token: ForecastPlan.Token, in plan: ForecastPlan) -> Facts {
        let candidate = token.candidate
        let appointmentSlot = candidate.kind == .appointment ? candidate.slotStartsAt : nil
        return Facts(queuedAt: token.arrivesAt > 0 ? token.arrivesAt : candidate.queuedAt.timeIntervalSince(plan.now),
                     arrivesAt: token.arrivesAt,
                     slotBeginsAt: appointmentSlot.map { Double($0) * 60 - plan.secondsOfDay } ?? .infinity,
                     service: Int32(truncatingIfNeeded: token.service),
                     target: token.target.map { Int32(truncatingIfNeeded: $0) } ?? Int32.min,
                     isPriority: candidate.priority.isPriority, known: token.known, isWalkIn: candidate.kind == .walkIn)
    }

    /// What one `take` by a counter changes, kept so that it can be undone (`ForecastPlan.run`
    /// marks the moment before a take that a newcomer could have changed).
    struct Saved {
        let group: Int
        let cursors: Cursors
        let streak: Int
        let left: Int
    }

    func saved(counter: Int) -> Saved {
        let group = classOf[counter]
        return Saved(group: group, cursors: cursors[group], streak: streak, left: left)
    }

    /// The state as it was before the take `saved` was made before, which gave `token`.
    mutating func restore(_ saved: Saved, untaking token: Int?) {
        if let token { taken[token] = false }
        cursors[saved.group] = saved.cursors
        streak = saved.streak
        left = saved.left
    }

    /// Newcomers (walk-ins, not priority, present now, behind everyone present) put into the play
    /// after its first `present` tokens, as a plan with them would have them: the tokens expected
    /// later move up, and no cursor stands past the newcomers.
    mutating func insert(_ newcomers: [Facts], at present: Int) {
        let added = newcomers.count
        // In one pass: the facts are most often shared with the play they were marked in.
        var all = ContiguousArray<Facts>()
        all.reserveCapacity(facts.count + added)
        all += facts[..<present]
        all += newcomers
        all += facts[present...]
        facts = all
        taken.insert(contentsOf: repeatElement(false, count: added), at: present)
        for index in priority.indices where priority[index] >= present { priority[index] += added }
        for group in cursors.indices {
            cursors[group].overdue = min(cursors[group].overdue, present)
            cursors[group].others = min(cursors[group].others, present)
        }
        left += added
    }

    /// Whether any appointment is among the tokens (a play with them is never resumed).
    var hasAppointments: Bool { !appointments.isEmpty }

    /// A token's service number.
    func service(_ token: Int) -> Int { Int(facts[token].service) }

    /// The counter index a token was sent to: `anyCounter` when none, -1 for a counter not in the play.
    func target(_ token: Int) -> Int { Int(facts[token].target) }

    /// Whether the counters of a class serve a service.
    func serves(class number: Int, service: Int) -> Bool { classServes[number * serviceCount + service] }

    private func eligible(_ token: Facts, counter: Int) -> Bool {
        let sentTo = Int(token.target)
        return sentTo == Self.anyCounter ? serves(class: classOf[counter], service: Int(token.service)) : sentTo == counter
    }

    /// Whether no counter of a class can ever take the token at `index` (called, not its service,
    /// or sent to a counter of another class, or to none in the play).
    private func gone(_ index: Int, _ token: Facts, forClass number: Int) -> Bool {
        if taken[index] { return true }
        let sentTo = Int(token.target)
        if sentTo == Self.anyCounter { return !serves(class: number, service: Int(token.service)) }
        return sentTo < 0 || classOf[sentTo] != number
    }

    /// By counter: whether any token left could still go to it (one pass over the tokens, not one
    /// per counter: at closing time most of a long queue may be left).
    func countersWithTokensLeft(counters: Int) -> [Bool] {
        var services = [Bool](repeating: false, count: serviceCount)
        var sentTo = [Bool](repeating: false, count: counters)
        for (index, token) in facts.enumerated() where !taken[index] {
            let target = Int(token.target), service = Int(token.service)
            if target == Self.anyCounter { if service < serviceCount { services[service] = true } } else if target >= 0 { sentTo[target] = true }
        }
        return (0..<counters).map { counter in
            sentTo[counter] || (0..<serviceCount).contains { services[$0] && serves(class: classOf[counter], service: $0) }
        }
    }

    /// The earliest arrival after `t` of a token this counter could take.
    func nextArrival(counter: Int, after t: Double) -> Double? {
        var earliest: Double?
        for list in [appointments, priority] {
            for index in list {
                let token = facts[index]
                if !taken[index] && token.arrivesAt > t && eligible(token, counter: counter) {
                    earliest = min(earliest ?? .infinity, token.arrivesAt)
                }
            }
        }
        return earliest
    }

    /// The token the policy gives this counter at `t`, marked called; nil if it has nobody.
    /// (Overdue at `t`: queued `agingMinutes` or more before it, `queuedAt <= t - agingSeconds`.)
    mutating func take(counter: Int, at t: Double) -> Int? {
        tookAfterAll = false
        guard left > 0 else { return nil }
        let group = classOf[counter]
        let overdueBy = t - agingSeconds
        // The class's cursors, written back once whatever the answer.
        var cursor = cursors[group]
        defer { cursors[group] = cursor }
        // 1. Overdue, oldest first, whatever the class (the tokens are in arrival order, and the
        //    overdue ones are a prefix of them that only grows).
        var scan = cursor.overdue
        while scan < facts.count {
            let token = facts[scan]
            guard token.queuedAt <= overdueBy, token.arrivesAt <= t else { break }
            if !taken[scan] && eligible(token, counter: counter) {
                streak = token.isPriority ? streak + 1 : 0
                return mark(scan)
            }
            if scan == cursor.overdue, gone(scan, token, forClass: group) { cursor.overdue += 1 }
            scan += 1
        }
        let priorityHead: Int?
        (priorityHead, cursor.priority) = head(from: cursor.priority, priorityList: true, counter: counter, at: t)
        // 2. Priority citizens, bounded by the streak.
        if let index = priorityHead, streak < maxPriorityStreak {
            streak += 1
            return mark(index)
        }
        // 3. Appointments whose slot has begun (by slot); one not yet begun stops the search, and
        //    stays for later.
        scan = cursor.appointments
        while scan < appointments.count {
            let index = appointments[scan], token = facts[index]
            let overdue = token.queuedAt <= overdueBy
            if taken[index] || !eligible(token, counter: counter) || overdue {
                if scan == cursor.appointments, overdue || gone(index, token, forClass: group) { cursor.appointments += 1 }
                scan += 1
                continue
            }
            guard token.slotBeginsAt <= t, token.arrivesAt <= t else { break }
            streak = 0
            return mark(index)
        }
        // 4. Walk-ins (and appointments checked in before their slot), first come first served.
        let walkIn: Int?
        (walkIn, cursor.others) = head(from: cursor.others, priorityList: false, counter: counter, at: t)
        if let index = walkIn {
            streak = 0
            return mark(index)
        }
        // 5. Priority citizens after all, when nobody else is left.
        if let index = priorityHead {
            streak += 1
            tookAfterAll = true
            return mark(index)
        }
        return nil
    }

    /// The first token of the priority list, or of the others (the tokens themselves, passing the
    /// priority ones), this counter may take now; passes for good those no counter of its class
    /// ever can (appointments whose slot has begun leave the others). Returns the token, and where
    /// the class's cursor now stands.
    private func head(from start: Int, priorityList: Bool, counter: Int, at t: Double) -> (Int?, Int) {
        let group = classOf[counter]
        let overdueBy = t - agingSeconds
        let count = priorityList ? priority.count : facts.count
        var cursor = start, scan = start
        while scan < count {
            let index = priorityList ? priority[scan] : scan
            let token = facts[index]
            let forAll = token.queuedAt <= overdueBy || (!priorityList && (token.isPriority || token.slotBeginsAt <= t))
                || gone(index, token, forClass: group)
            if forAll || !eligible(token, counter: counter) {
                if scan == cursor, forAll { cursor += 1 }
                scan += 1
                continue
            }
            // Not arrived yet (an expected appointment): the ones after it have not either.
            return (token.arrivesAt <= t ? index : nil, cursor)
        }
        return (nil, cursor)
    }

    private mutating func mark(_ index: Int) -> Int {
        taken[index] = true
        left -= 1
        return index
    }
}
