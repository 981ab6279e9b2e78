import Foundation

/// The answers about the present, worked out from an office's live picture with the real ordering
/// policy. Everything here is a pure function of the `LiveOffice` value and the time.
extension LiveOffice {
    /// The open counters that serve a service.
    func openCounters(serving service: String) -> [Counter] {
        counters.filter { $0.isOpen && $0.services.contains(service) }
    }

    /// Where every waiting token stands and how long it will likely wait, worked out once for all.
    ///
    /// Counters often serve several services, so the estimate pools every service the token's open
    /// counters handle: the work ahead is the sum of the recent mean service times of the tokens the
    /// policy would call first (each weighted by the share of its service's open counters that are
    /// this token's counters), plus half a service for each of those counters already busy, shared
    /// among the counters. No open counter: no estimate rather than a wrong one.
    func positions(at now: Date) -> [Int64: QueuePosition] {
        var answers: [Int64: QueuePosition] = [:]
        answers.reserveCapacity(waiting.count)
        // Tokens of one service and one target counter share a queue: one ordering serves them all.
        let groups = Dictionary(grouping: waiting) { GroupKey(service: $0.service, target: $0.targetCounter) }
        for (key, members) in groups {
            let queue = PooledQueue(self, service: key.service, target: key.target, at: now)
            let wanted = Set(members.map(\.id))
            for (index, entry) in queue.order.enumerated() where wanted.contains(entry.id) {
                answers[entry.id] = queue.position(ahead: index)
            }
        }
        return answers
    }

    /// The place and wait of a citizen joining a service's queue now.
    func newcomer(service: String, at now: Date) -> QueuePosition {
        let queue = PooledQueue(self, service: service, target: nil, at: now)
        return queue.position(ahead: queue.order.count)
    }

    /// The public snapshot: counters, waiting and a newcomer's wait per service, the last calls.
    func snapshot(at now: Date) -> OfficeSnapshot {
        let moment = ServiceDay(now, timeZone: timeZone)
        let holiday = calendar.holiday(on: moment.day)
        let open = holiday == nil && calendar.isOpen(at: moment)
        let waitingByService = Dictionary(grouping: waiting, by: \.service).mapValues(\.count)
        return OfficeSnapshot(
            office: code, day: moment.day, isOpenNow: open, opensAt: open ? nil : calendar.nextOpening(after: now),
            holiday: holiday, lastEventID: version,
            counters: counters.map { counter in
                OfficeSnapshot.CounterNow(id: counter.id, number: counter.number, state: counter.state.rawValue,
                                          pauseReason: counter.pauseReason, services: counter.services,
                                          token: counter.currentNumber, tokenState: counter.currentState)
            },
            services: offeredServices.map { service in
                OfficeSnapshot.ServiceNow(code: service, waiting: waitingByService[service] ?? 0,
                                          estimatedWaitSeconds: newcomer(service: service, at: now).estimatedWaitSeconds)
            },
            lastCalls: recentCalls)
    }

    /// Who a counter would call, in order: the waiting tokens of its services not sent to another counter.
    func callingOrder(counter id: Int64, at now: Date) -> [Waiting] {
        guard let counter = counters.first(where: { $0.id == id }) else { return [] }
        let candidates = waiting.filter { counter.services.contains($0.service) && ($0.targetCounter == nil || $0.targetCounter == id) }
        return ordered(candidates, at: now)
    }

    /// The counter number of a counter id, if it is this office's.
    func counterNumber(_ id: Int64?) -> Int? {
        id.flatMap { id in counters.first { $0.id == id }?.number }
    }

    /// The candidates in the order the policy calls them.
    func ordered(_ candidates: [Waiting], at now: Date) -> [Waiting] {
        OrderingPolicy.order(candidates, by: \.candidate, priorityStreak: priorityStreak, policy: policy,
                             now: now, minuteOfDay: ServiceDay(now, timeZone: timeZone).minuteOfDay)
    }

    private struct GroupKey: Hashable {
        let service: String
        let target: Int64?
    }
}

/// One pooled queue: the tokens that compete for the counters of a service, in calling order, and
/// the work each stands behind (see `LiveOffice.positions`).
private struct PooledQueue {
    let order: [LiveOffice.Waiting]
    /// `workBefore[i]`: seconds of service the first `i` tokens of `order` take from these counters.
    private let workBefore: [Double]
    private let counters: Int
    private let busyShare: Double
    private let ownSeconds: Double

    init(_ office: LiveOffice, service: String, target: Int64?, at now: Date) {
        let mine = office.openCounters(serving: service)
        let mineIDs = Set(mine.map(\.id))
        let pool = Set([service]).union(mine.flatMap(\.services))
        let candidates = office.waiting.filter { entry in
            pool.contains(entry.service) && (target == nil ? entry.targetCounter == nil : (entry.targetCounter == nil || entry.targetCounter == target))
        }
        order = office.ordered(candidates, at: now)
        ownSeconds = office.serviceSeconds[service] ?? 600
        counters = mine.count
        // A token ahead of another service takes these counters only for the share of that
        // service's open counters that are also these.
        var shares: [String: Double] = [:]
        var work = [0.0]
        work.reserveCapacity(order.count + 1)
        for entry in order {
            let share = shares[entry.service] ?? {
                let theirs = Set(office.openCounters(serving: entry.service).map(\.id))
                let share = theirs.isEmpty ? 1 : Double(theirs.intersection(mineIDs).count) / Double(theirs.count)
                shares[entry.service] = share
                return share
            }()
            work.append(work[work.count - 1] + (office.serviceSeconds[entry.service] ?? 600) * share)
        }
        workBefore = work
        busyShare = Double(mine.filter(\.isBusy).count) * ownSeconds / 2
    }

    func position(ahead: Int) -> QueuePosition {
        guard counters > 0 else {
            return QueuePosition(ahead: ahead, openCounters: 0, serviceSeconds: ownSeconds, estimatedWaitSeconds: nil)
        }
        return QueuePosition(ahead: ahead, openCounters: counters, serviceSeconds: ownSeconds,
                             estimatedWaitSeconds: (workBefore[ahead] + busyShare) / Double(counters))
    }
}
