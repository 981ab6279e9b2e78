import Foundation

/// Taking a committed change into an office's live picture without loading it again: the tokens and
/// counters the change concerns are put where the transaction left them, and what the events add
/// (a call for the board and the priority streak, a service time) is added.
extension LiveOffice {
    /// The picture after the change, or nil when it cannot be worked out here (the queue rules, a
    /// counter's services or the holidays changed, or an event of a kind this build does not know):
    /// the picture is then loaded again.
    func applying(_ events: [QueueEvent], tokens: [Token], counters changedCounters: [QueueCore.Counter]) -> LiveOffice? {
        var next = self
        return next.apply(events, tokens: tokens, counters: changedCounters) ? next : nil
    }

    /// Takes the change in, in place; false when it cannot be worked out here (the picture is then
    /// half changed and must be dropped).
    mutating func apply(_ events: [QueueEvent], tokens: [Token], counters changedCounters: [QueueCore.Counter]) -> Bool {
        for event in events {
            switch event.eventKind {
            case .policyChanged, .counterServicesChanged, .counterScheduleChanged, .waitTargetChanged, .holidayAdded, .holidayRemoved, nil: return false
            case .called, .recalled:
                guard let token = tokens.first(where: { $0.id == event.tokenID }), let counter = event.counterNumber else { return false }
                if event.eventKind == .called {
                    priorityStreak = token.citizen.priority.isPriority ? min(priorityStreak + 1, policy.maxPriorityStreak) : 0
                }
                recentCalls.insert(OfficeSnapshot.Call(token: token.number, counter: counter, at: Date(milliseconds: event.at.milliseconds),
                                                            recall: event.eventKind == .recalled), at: 0)
                recentCalls = Array(recentCalls.prefix(Queue.recentCalls))
            case .completed:
                guard let token = tokens.first(where: { $0.id == event.tokenID }) else { return false }
                if let started = token.startedAt, let finished = token.finishedAt {
                    let service = token.serviceCode
                    let times = [finished.milliseconds - started.milliseconds] + (recentServiceTimes[service] ?? [])
                    recentServiceTimes[service] = Array(times.prefix(Queue.serviceTimeWindow))
                    guard let typical = typicalSeconds[service] else { return false }
                    serviceSeconds[service] = Queue.meanServiceSeconds(recentServiceTimes[service] ?? [], typical: typical)
                }
            case .counterPaused:
                if let index = counters.firstIndex(where: { $0.id == event.counterID }) {
                    counters[index].pausedAt = Date(milliseconds: event.at.milliseconds)
                }
            case .booked:
                if let token = tokens.first(where: { $0.id == event.tokenID }), token.citizen.priority.isPriority, token.kind == .walkIn,
                   let queuedAt = token.queuedAt, token.serviceDay == day {
                    priorityArrivals.append(PriorityArrival(service: token.serviceCode, at: queuedAt))
                }
            default:
                break
            }
            // A clerk acted at the counter: present there (as `EventLog` notes in the table).
            if let counter = event.counterID, event.eventKind?.isPublic == true, event.actorIsStaff {
                presence[counter] = max(presence[counter] ?? .distantPast, event.at)
            }
            version = max(version, event.id)
        }
        // The counters as the transaction left them (their state, and who is at them).
        for counter in changedCounters where counter.officeCode == code {
            guard let index = counters.firstIndex(where: { $0.id == counter.id }),
                  counters[index].services == counter.serviceCodes else { return false }
            counters[index].state = counter.state
            counters[index].pauseReason = counter.pauseReason
            if counter.state != .paused { counters[index].pausedAt = nil }
        }
        // Each token where it now is: waiting in today's queue, at a counter, or out of the picture.
        // A token booked by this change is in neither list, and is not looked for. A waiting token is
        // found by its queueing time, not by a pass over the queue: no change alters the queueing time
        // of a token while it waits (transfer, rejoin and check-in set it as the token comes back
        // from a counter, a no-show or a booking). Only a token that left the queue in this change and
        // came back to it with a new time (a group's changes taken in at once) is looked for by a pass.
        let booked = Set(events.lazy.filter { $0.eventKind == .booked }.compactMap(\.tokenID))
        for token in tokens where token.officeCode == code {
            // Found first, so that a newcomer (in neither list) changes neither: a removal, even of
            // nothing, would copy a list shared with the picture's readers.
            if !booked.contains(token.id) {
                let index = leftQueue(token.id, in: events)
                    ? waitingIndex(of: token.id, queuedAt: token.queuedAt)
                    : token.queuedAt.flatMap { arrivalIndex(of: token.id, queuedAt: $0) }
                if let index { removeWaiting(at: index) }
                if let index = expected.firstIndex(where: { $0.id == token.id }) { expected.remove(at: index) }
            }
            guard takeParked(token, events: events) else { return false }
            for (index, counter) in counters.enumerated() where counter.currentTokenID == token.id {
                counters[index] = counter.with(current: nil)
            }
            if token.state == .waiting, token.serviceDay == day, let queuedAt = token.queuedAt {
                guard serviceSeconds[token.serviceCode] != nil, let serviceNumber = serviceNumbers[token.serviceCode] else { return false }
                let entry = Waiting(
                    candidate: QueueCandidate(tokenID: token.id, priority: token.citizen.priority, kind: token.kind,
                                              queuedAt: queuedAt, slotStartsAt: token.slotStartsAt),
                    number: token.number, serviceNumber: serviceNumber, targetCounter: token.targetCounterID, longNumbers: &longNumbers)
                insertWaiting(entry)
            } else if token.state == .booked, token.serviceDay == day, let slot = token.slotStartsAt {
                guard let serviceNumber = serviceNumbers[token.serviceCode] else { return false }
                let entry = Waiting(
                    candidate: QueueCandidate(tokenID: token.id, priority: token.citizen.priority, kind: .appointment,
                                              queuedAt: token.createdAt, slotStartsAt: slot),
                    number: token.number, serviceNumber: serviceNumber, targetCounter: nil, longNumbers: &longNumbers)
                expected.append(entry)
                expected.sort { ($0.candidate.slotStartsAt ?? 0, $0.id) < ($1.candidate.slotStartsAt ?? 0, $1.id) }
            } else if token.state == .called || token.state == .serving, let counterID = token.counterID,
                      let index = counters.firstIndex(where: { $0.id == counterID }) {
                counters[index] = counters[index].with(current: token)
            }
        }
        return true
    }
}

extension LiveOffice {
    /// Whether the events move the token out of the waiting state.
    func leftQueue(_ token: Int64, in events: [QueueEvent]) -> Bool {
        events.contains { $0.tokenID == token && $0.fromState == TokenState.waiting.rawValue }
    }
}

extension LiveOffice.Counter {
    /// The same counter with another token at it (or nobody).
    func with(current token: Token?) -> LiveOffice.Counter {
        var counter = self
        counter.currentTokenID = token?.id
        counter.currentNumber = token?.number
        counter.currentState = token?.state.rawValue
        counter.currentService = token?.serviceCode
        counter.currentSince = token.flatMap { $0.startedAt ?? $0.calledAt }
        return counter
    }
}
