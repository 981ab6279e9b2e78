import Foundation

/// The answers about the present, worked out from an office's live picture with the real ordering
/// policy. Everything here is a pure function of the `LiveOffice` value and the time.
extension LiveOffice {
    /// The open counters that serve a service.
    func openCounters(serving service: String) -> [Counter] {
        counters.filter { $0.isOpen && $0.services.contains(service) }
    }

    /// The answers of this picture at a moment, each worked out when first asked for.
    func answers(at now: Date, range: ForecastRange? = nil, lastPlay: LastPlay? = nil) -> OfficeAnswers {
        OfficeAnswers(self, at: now, range: range, lastPlay: lastPlay)
    }

    /// Where every waiting token stands (see `OfficeAnswers`).
    func positions(at now: Date) -> [Int64: QueuePosition] { answers(at: now).allPositions() }

    /// The place and wait of a citizen joining a service's queue now.
    func newcomer(service: String, at now: Date) -> QueuePosition { answers(at: now).newcomer(service: service) }

    /// The public snapshot: counters, waiting and a newcomer's wait per service, the last calls.
    func snapshot(at now: Date) -> OfficeSnapshot { snapshot(at: now, answers: answers(at: now)) }

    func snapshot(at now: Date, answers: OfficeAnswers) -> OfficeSnapshot {
        let moment = ServiceDay(now, timeZone: timeZone)
        let holiday = calendar.holiday(on: moment.day)
        let open = holiday == nil && calendar.isOpen(at: moment)
        var waitingByNumber = [Int](repeating: 0, count: serviceNumbers.count)
        for entry in waiting { waitingByNumber[entry.serviceNumber] += 1 }
        let newcomers = answers.newcomers(offeredServices)
        return OfficeSnapshot(
            office: code, day: moment.day, isOpenNow: open, opensAt: open ? nil : calendar.nextOpening(after: now),
            holiday: holiday, lastEventID: version,
            counters: counters.map { counter in
                OfficeSnapshot.CounterNow(id: counter.id, number: counter.number, state: counter.state.rawValue,
                                          pauseReason: OfficeSnapshot.publicPauseReason(counter.pauseReason), services: counter.services,
                                          token: counter.currentNumber, tokenState: counter.currentState)
            },
            services: zip(offeredServices, newcomers).map { service, newcomer in
                OfficeSnapshot.ServiceNow(code: service, waiting: serviceNumbers[service].map { waitingByNumber[$0] } ?? 0,
                                          estimatedWaitSeconds: newcomer.estimatedWaitSeconds,
                                          waitLowSeconds: newcomer.estimatedWaitRange?.lowerBound,
                                          waitHighSeconds: newcomer.estimatedWaitRange?.upperBound,
                                          reachedToday: newcomer.reachedToday, openCounters: newcomer.openCounters)
            },
            lastCalls: recentCalls)
    }

    /// Who a counter would call, in order (the first `limit`, if given), and how many it could call
    /// in all: the waiting tokens of its services not sent to another counter.
    func callingOrder(counter id: Int64, limit: Int? = nil, at now: Date) -> (order: [Waiting], count: Int) {
        guard let counter = counters.first(where: { $0.id == id }) else { return ([], 0) }
        var serves = [Bool](repeating: false, count: serviceNumbers.count)
        for service in counter.services { if let number = serviceNumbers[service] { serves[number] = true } }
        if let limit, let head = head(of: id, serves: serves, limit: limit, at: now) { return head }
        var eligible: [Int] = []
        eligible.reserveCapacity(waiting.count)
        for (index, entry) in waiting.enumerated() where serves[entry.serviceNumber] {
            if let target = entry.targetCounter, target != id { continue }
            eligible.append(index)
        }
        let order = OrderingPolicy.positions(eligible.map { waiting[$0].candidate }, limit: limit, priorityStreak: priorityStreak,
                                             policy: policy, now: now, minuteOfDay: ServiceDay(now, timeZone: timeZone).minuteOfDay)
        return (order.map { waiting[eligible[$0]] }, eligible.count)
    }

    /// The first `limit` a counter would call, and how many it could call, without copying the
    /// waiting list or passing over all of it: every key press at a counter asks for its desk's head
    /// of the queue, and a pass over thousands was a cost growing with the queue. The list is in
    /// arrival order, so each class's first `limit` are its calling order, as
    /// `OrderingPolicy.positions` sorts them. The pass stops once it has the first `limit` overdue
    /// tokens (they go before everyone else, so they are the head: in a long queue most of those
    /// waiting are overdue, and the pass went over all of them), or else the first `limit` walk-ins
    /// (every overdue token came before them: overdue is by queueing time), and then takes the
    /// priority citizens and appointments beyond from `unusual` (nil, for the full sort, if the list
    /// were ever found out of arrival order).
    private func head(of id: Int64, serves: [Bool], limit: Int, at now: Date) -> (order: [Waiting], count: Int)? {
        let cutoff = now.addingTimeInterval(-Double(policy.agingMinutes) * 60)
        let minuteOfDay = ServiceDay(now, timeZone: timeZone).minuteOfDay
        var overdue: [Int] = [], priority: [Int] = [], appointments: [Int] = [], walkIns: [Int] = []
        func take(_ index: Int) {
            switch OrderingPolicy.turnClass(of: waiting[index].candidate, cutoff: cutoff, minuteOfDay: minuteOfDay) {
            case .overdue: if overdue.count < limit { overdue.append(index) }
            case .priority: if priority.count < limit { priority.append(index) }
            case .appointment: appointments.append(index)
            case .walkIn: if walkIns.count < limit { walkIns.append(index) }
            }
        }
        func callable(_ entry: Waiting) -> Bool {
            serves[entry.serviceNumber] && (entry.targetCounter == nil || entry.targetCounter == id)
        }
        // How many it could call: those of its services, less those sent to another counter.
        var count = 0
        for (number, waitingFor) in waitingPerService.enumerated() where serves[number] { count += waitingFor }
        for entry in unusual where serves[entry.serviceNumber] && !callable(entry) { count -= 1 }
        var previous: (Date, Int64)?
        var stopped = false
        for (index, entry) in waiting.enumerated() where callable(entry) {
            let candidate = entry.candidate
            let key = (candidate.queuedAt, candidate.tokenID)
            if let previous, previous > key { return nil }
            previous = key
            take(index)
            if overdue.count >= limit || walkIns.count >= limit {
                stopped = true
                break
            }
        }
        // Past where the pass stopped, only a priority citizen or an appointment can still come first
        // (unless the head is all overdue).
        if stopped, overdue.count < limit, let last = previous {
            var next = Self.insertionIndex(of: last, in: unusual)
            if next < unusual.count, unusual[next].id == last.1 { next += 1 }
            for entry in unusual[next...] where callable(entry) {
                guard let index = arrivalIndex(of: entry.id, queuedAt: entry.candidate.queuedAt) else { return nil }
                take(index)
            }
        }
        appointments.sort { OrderingPolicy.appointmentOrder(waiting[$0].candidate, waiting[$1].candidate) }
        let order = OrderingPolicy.merge(overdue: overdue, priority: priority, appointments: appointments, walkIns: walkIns,
                                         wanted: min(limit, count), priorityStreak: priorityStreak, policy: policy) {
            waiting[$0].candidate.priority.isPriority
        }
        return (order.map { waiting[$0] }, count)
    }

    /// The counter number of a counter id, if it is this office's.
    func counterNumber(_ id: Int64?) -> Int? {
        id.flatMap { id in counters.first { $0.id == id }?.number }
    }

    /// The index of a waiting token in `waiting` (kept in arrival order: a binary search when its
    /// queueing time is known; else, or if a reader's token is older than the picture, a pass).
    func waitingIndex(of id: Int64, queuedAt: Date?) -> Int? {
        queuedAt.flatMap { arrivalIndex(of: id, queuedAt: $0) } ?? waiting.firstIndex { $0.id == id }
    }

    /// The index of the entry of (queueing time, id) in `waiting`, if there is one: a binary search.
    func arrivalIndex(of id: Int64, queuedAt: Date) -> Int? {
        Self.index(of: (queuedAt, id), in: waiting)
    }
}

/// The answers of one version of an office's picture at one moment, shared by every reader of that
/// version: the office is played forward once (`ForecastPlan`) when a wait is first asked for.
///
/// A waiting token's wait is when the play has its counters call it, and "people before you" the
/// tokens those counters call first. With no counter able to serve it (none open and staffed) there
/// is no estimate rather than a wrong one, and its place is counted in the pooled order of its
/// service's queue (`pool`).
public final class OfficeAnswers: @unchecked Sendable {
    let office: LiveOffice
    let now: Date
    private let lock = NSLock()
    private let minuteOfDay: Int
    /// By service number: recent mean service time, and the open counters serving it.
    private let seconds: [Double]
    private let openCounters: [[LiveOffice.Counter]]
    private var pools: [PoolKey: PooledQueue] = [:]
    private var played: (plan: ForecastPlan, result: ForecastResult)?
    /// How uncertain the waits are, from sampled plays of this version or a recent one.
    let range: ForecastRange?

    /// Plays one more counter as if a clerk sat down at it now (the manager's "what if").
    private let opening: Int64?
    /// The office's last play, which this version's may extend (newcomers only) and then replace.
    private let lastPlay: LastPlay?

    init(_ office: LiveOffice, at now: Date, range: ForecastRange? = nil, opening: Int64? = nil, lastPlay: LastPlay? = nil) {
        self.office = office
        self.now = now
        self.range = range
        self.opening = opening
        self.lastPlay = opening == nil ? lastPlay : nil
        minuteOfDay = ServiceDay(now, timeZone: office.timeZone).minuteOfDay
        var seconds = [Double](repeating: 600, count: office.serviceNumbers.count)
        var open = [[LiveOffice.Counter]](repeating: [], count: office.serviceNumbers.count)
        for (service, number) in office.serviceNumbers {
            seconds[number] = office.serviceSeconds[service] ?? 600
            // Only counters with a clerk at them pool services (an unstaffed one serves nobody).
            open[number] = office.openCounters(serving: service).filter { office.isAttended($0, at: now) }
        }
        self.seconds = seconds
        openCounters = open
    }

    /// A waiting token's place and wait; nil if it is not waiting in this picture.
    func position(of tokenID: Int64, queuedAt: Date?) -> QueuePosition? {
        guard let index = office.waitingIndex(of: tokenID, queuedAt: queuedAt) else { return nil }
        let entry = office.waiting[index]
        lock.lock(); defer { lock.unlock() }
        let (plan, result) = forecast()
        let serving = entry.targetCounter.map { id in plan.counters.contains { $0.id == id } ? 1 : 0 }
            ?? plan.counters.filter { $0.serves[entry.serviceNumber] }.count
        let own = seconds[entry.serviceNumber]
        guard serving > 0 else {
            let pool = pool(PoolKey(service: entry.serviceNumber, target: entry.targetCounter))
            guard pool.place[index] >= 0 else { return nil }
            return QueuePosition(ahead: Int(pool.place[index]), openCounters: 0, serviceSeconds: own, estimatedWaitSeconds: nil)
        }
        let call = result.byToken[index]
        guard let callAt = call.at else {
            return QueuePosition(ahead: Int(call.ahead), openCounters: serving, serviceSeconds: own, estimatedWaitSeconds: nil,
                                 reachedToday: false)
        }
        var position = QueuePosition(ahead: Int(call.ahead), openCounters: serving, serviceSeconds: own,
                                     estimatedWaitSeconds: call.afterClosing ? nil : callAt,
                                     likelyCounter: office.counterNumber(plan.counters[Int(call.counter)].id), reachedToday: !call.afterClosing)
        if position.estimatedWaitSeconds != nil { drawn(range?.tokens[tokenID], into: &position) }
        return position
    }

    /// The drawn plays' range and median, brought to now, in place of the play with mean durations:
    /// their middle errs less (service times lean long), as `queue-bench simulate` measures.
    private func drawn(_ known: (range: ClosedRange<Double>, median: Double)?, into position: inout QueuePosition) {
        guard let range, let known else { return }
        let elapsed = now.timeIntervalSince(range.computedAt)
        position.estimatedWaitRange = ForecastRange.shifted(known.range, by: elapsed)
        position.estimatedWaitSeconds = max(0, known.median - elapsed)
    }

    /// The counters the play has calling (open and staffed, or back from a planned pause today).
    func playingCounters() -> Set<Int64> {
        lock.lock(); defer { lock.unlock() }
        return Set(forecast().plan.counters.map(\.id))
    }

    /// The estimate this project gave before the forecast (the pooled count over the open counters,
    /// whether staffed or not), kept so that the office-day simulation scores both side by side.
    func pooledEstimate(of tokenID: Int64, queuedAt: Date?) -> Double? {
        guard let index = office.waitingIndex(of: tokenID, queuedAt: queuedAt) else { return nil }
        let entry = office.waiting[index]
        lock.lock(); defer { lock.unlock() }
        let pool = pool(PoolKey(service: entry.serviceNumber, target: entry.targetCounter))
        return pool.place[index] >= 0 ? pool.position(ahead: Int(pool.place[index])).estimatedWaitSeconds : nil
    }

    /// The office played forward, once: the last play with this version's newcomers added when
    /// that is the same (a booking's answer, see `ForecastPlan.playExtending` and
    /// `playResuming`), else in full. Its times are then from the last play's moment, at most
    /// `LastPlay.longest` before this one (`LastPlay.stalest` while another answer plays afresh).
    /// Called with the lock held.
    private func forecast() -> (plan: ForecastPlan, result: ForecastResult) {
        if let played { return played }
        var answer: LastPlay.Played?
        // Never across midnight: the last play's moment is then of another service day.
        if let last = lastPlay?.extendable(before: office.version, at: now),
           ServiceDay(last.plan.now, timeZone: office.timeZone).day == office.day {
            let plan = office.forecastPlan(at: last.plan.now, reusing: last.plan).withExpectedArrivals()
            if last.plan.mayBeExtended, let result = plan.playExtending(last.plan, last.result) {
                answer = LastPlay.Played(plan: plan, result: result)
            } else if let mark = last.mark, let resumed = plan.playResuming(last.plan, from: mark) {
                answer = LastPlay.Played(plan: plan, result: resumed.result, mark: resumed.mark)
            }
        }
        let found = answer ?? office.forecastPlayedMarking(at: now, opening: opening)
        lastPlay?.keep(version: office.version, found, takenUp: answer != nil)
        played = (found.plan, found.result)
        return (found.plan, found.result)
    }

    /// Every waiting token's place and wait.
    func allPositions() -> [Int64: QueuePosition] {
        var answers: [Int64: QueuePosition] = [:]
        for entry in office.waiting {
            answers[entry.id] = position(of: entry.id, queuedAt: entry.candidate.queuedAt)
        }
        return answers
    }

    /// The place and wait of a citizen joining a service's queue now.
    func newcomer(service: String) -> QueuePosition { newcomers([service])[0] }

    /// A newcomer's place and wait for each service: called when the first of the service's counters
    /// has nobody else to call in the play, behind those its counters call before; with no counter
    /// able to serve it, behind everyone of its pool, with no estimate.
    func newcomers(_ services: [String]) -> [QueuePosition] {
        lock.lock()
        let (plan, result) = forecast()
        lock.unlock()
        let pooled = pooledNewcomers(services)
        return zip(services, pooled).map { service, pooled in
            let serving = office.serviceNumbers[service].map(plan.counterIndices(serving:)) ?? []
            guard let number = office.serviceNumbers[service], !serving.isEmpty else {
                // No counter can serve it now: its place, and no estimate.
                return QueuePosition(ahead: pooled.ahead, openCounters: 0, serviceSeconds: pooled.serviceSeconds, estimatedWaitSeconds: nil)
            }
            let idle = serving.compactMap { result.idleAt[$0] }.min()
            let ahead = result.calls(before: idle ?? .infinity, by: serving)
            var position = QueuePosition(ahead: ahead, openCounters: serving.count, serviceSeconds: seconds[number], estimatedWaitSeconds: idle,
                                         likelyCounter: idle.flatMap { idle in
                                             serving.first { result.idleAt[$0] == idle }.flatMap { office.counterNumber(plan.counters[$0].id) }
                                         },
                                         reachedToday: idle != nil)
            if idle != nil { drawn(range?.newcomers[number], into: &position) }
            return position
        }
    }

    /// A newcomer's place behind everyone of their pool, whatever the order: one pass over the
    /// waiting serves every service without ordering anything.
    private func pooledNewcomers(_ services: [String]) -> [QueuePosition] {
        let pools = services.map { service in office.serviceNumbers[service].map(PoolShape.init(ownService:)) }
        var shapes = pools.map { $0.map(shape(of:)) }
        let waiting = office.waiting
        for entry in waiting where entry.targetCounter == nil {
            let service = entry.serviceNumber
            for index in shapes.indices where shapes[index]?.contains(service) == true {
                shapes[index]?.add(service, seconds: seconds)
            }
        }
        return zip(services, shapes).map { service, shape in
            guard let shape else {
                // A service the office does not know of: nobody ahead, no counter.
                return QueuePosition(ahead: 0, openCounters: 0, serviceSeconds: office.serviceSeconds[service] ?? 600, estimatedWaitSeconds: nil)
            }
            return shape.position(ahead: shape.count, work: shape.work)
        }
    }

    /// Which services compete with a service for its open counters, and at what share.
    private func shape(of pool: PoolShape) -> PoolShape {
        var shape = pool
        let mine = openCounters[pool.ownService]
        let mineIDs = Set(mine.map(\.id))
        shape.inPool = [Bool](repeating: false, count: seconds.count)
        shape.share = [Double](repeating: 1, count: seconds.count)
        let members = [pool.ownService] + mine.flatMap(\.services).compactMap { office.serviceNumbers[$0] }
        for number in members where !shape.inPool[number] {
            shape.inPool[number] = true
            let theirs = openCounters[number]
            // A token ahead of another service takes these counters only for the share of that
            // service's open counters that are also these.
            shape.share[number] = theirs.isEmpty ? 1 : Double(theirs.filter { mineIDs.contains($0.id) }.count) / Double(theirs.count)
        }
        shape.counters = mine.count
        shape.busyShare = Double(mine.filter(\.isBusy).count) * seconds[pool.ownService] / 2
        shape.ownSeconds = seconds[pool.ownService]
        return shape
    }

    /// The pooled queue of a service (and target counter), ordered once. Called with the lock held.
    private func pool(_ key: PoolKey) -> PooledQueue {
        if let known = pools[key] { return known }
        let shape = shape(of: PoolShape(ownService: key.service))
        let waiting = office.waiting
        // Each candidate's index, candidacy and service, read in one pass (the list is in chunks:
        // a look-up by index is a search).
        var candidates: [Int] = [], entries: [QueueCandidate] = [], services: [Int] = []
        candidates.reserveCapacity(waiting.count)
        for (index, entry) in waiting.enumerated() where shape.inPool[entry.serviceNumber] {
            let eligible = key.target == nil ? entry.targetCounter == nil : (entry.targetCounter == nil || entry.targetCounter == key.target)
            if eligible {
                candidates.append(index)
                entries.append(entry.candidate)
                services.append(entry.serviceNumber)
            }
        }
        let order = OrderingPolicy.positions(entries, priorityStreak: office.priorityStreak,
                                             policy: office.policy, now: now, minuteOfDay: minuteOfDay)
        var work = [Double](repeating: 0, count: order.count + 1)
        var place = [Int32](repeating: -1, count: waiting.count)
        for (ahead, position) in order.enumerated() {
            let index = candidates[position], service = services[position]
            work[ahead + 1] = work[ahead] + seconds[service] * shape.share[service]
            place[index] = Int32(ahead)
        }
        let queue = PooledQueue(shape: shape, workBefore: work, place: place)
        pools[key] = queue
        return queue
    }

    private struct PoolKey: Hashable {
        let service: Int
        let target: Int64?
    }
}

/// The services that compete for one service's open counters, and the work of those waiting.
private struct PoolShape {
    let ownService: Int
    var inPool: [Bool] = []
    var share: [Double] = []
    var counters = 0
    var busyShare = 0.0
    var ownSeconds = 600.0
    var count = 0
    var work = 0.0

    init(ownService: Int) { self.ownService = ownService }

    func contains(_ service: Int) -> Bool { inPool[service] }

    mutating func add(_ service: Int, seconds: [Double]) {
        count += 1
        work += seconds[service] * share[service]
    }

    func position(ahead: Int, work: Double) -> QueuePosition {
        guard counters > 0 else {
            return QueuePosition(ahead: ahead, openCounters: 0, serviceSeconds: ownSeconds, estimatedWaitSeconds: nil)
        }
        return QueuePosition(ahead: ahead, openCounters: counters, serviceSeconds: ownSeconds,
                             estimatedWaitSeconds: (work + busyShare) / Double(counters))
    }
}

/// One pooled queue: for each waiting token (by index in the picture) its place in calling order,
/// and the work each place stands behind.
private struct PooledQueue {
    let shape: PoolShape
    /// `workBefore[i]`: seconds of service the first `i` tokens take from these counters.
    let workBefore: [Double]
    /// By index in the picture's waiting list: the place in this queue, or -1 if not in it.
    let place: [Int32]

    func position(ahead: Int) -> QueuePosition { shape.position(ahead: ahead, work: workBefore[ahead]) }
}
