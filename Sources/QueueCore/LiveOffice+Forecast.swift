import Foundation

/// The forecast's view of an office's live picture: which counters really serve (open and
/// attended, or on a planned pause that ends today), until when, and what each call costs.
extension LiveOffice {
    /// A counter counts as capacity while a clerk is there: a heartbeat or an action within
    /// `CounterPlan.presenceSeconds` (a citizen left called at a counter nobody is at does not keep
    /// it counting).
    func isAttended(_ counter: Counter, at now: Date) -> Bool {
        guard let seen = presence[counter.id] else { return false }
        return now.timeIntervalSince(seen) <= CounterPlan.presenceSeconds
    }

    /// Open counters nobody is at.
    func unattendedCounters(at now: Date) -> [Counter] {
        counters.filter { $0.isOpen && !isAttended($0, at: now) }
    }

    /// The minute of the local day the office stops calling today: the end of the opening hours it
    /// is in or will next be in today; now, if it is done for the day or on holiday.
    func closingMinute(at now: Date) -> Int {
        let moment = ServiceDay(now, timeZone: timeZone)
        guard calendar.holiday(on: moment.day) == nil else { return moment.minuteOfDay }
        let today = calendar.hours.filter { $0.weekday == moment.weekday && $0.closesAt > moment.minuteOfDay }
        return today.map(\.closesAt).min() ?? moment.minuteOfDay
    }

    /// The plan the forecast plays: counters able to call today with their planned pauses and
    /// closing, the waiting tokens in arrival order, then the appointments expected later.
    /// `opening` plays one more counter as if a clerk sat down at it now (for the manager's advice).
    /// `reusing` a plan made earlier from this waiting list when it was shorter (and with the same
    /// counters), its waiting tokens are taken as they are and only the newcomers' are made: a
    /// busy office has a version per booking, and most of a long queue's plan is its tokens.
    func forecastPlan(at now: Date, opening: Int64? = nil, reusing earlier: ForecastPlan? = nil) -> ForecastPlan {
        let moment = ServiceDay(now, timeZone: timeZone)
        let secondsOfDay = now.timeIntervalSince(ServiceDay.midnight(of: moment.day, timeZone: timeZone) ?? now)
        let minute = Double(moment.minuteOfDay)
        let seconds = { (minuteOfDay: Int) in Double(minuteOfDay) * 60 - secondsOfDay }
        let officeCloses = seconds(closingMinute(at: now))
        let serviceCount = serviceNumbers.count
        var secondsByService = [Double](repeating: 600, count: serviceCount)
        for (service, number) in serviceNumbers { secondsByService[number] = serviceSeconds[service] ?? 600 }

        var planned: [ForecastPlan.Counter] = []
        var indexByID: [Int64: Int] = [:]
        for counter in counters {
            let pauses = counter.pauses.filter { Double($0.upperBound) > minute }
            var freeAt = 0.0
            var busy: (service: Int, elapsed: Double, called: Bool)?
            switch counter.state {
            case _ where counter.id == opening:
                break
            case .open:
                guard isAttended(counter, at: now) else { continue }
            case .paused:
                // Back when a planned pause it is in ends; an unplanned pause has no known end.
                guard let pause = pauses.first(where: { $0.contains(moment.minuteOfDay) }) else { continue }
                freeAt = seconds(pause.upperBound)
            case .closed:
                continue
            }
            if let service = counter.currentService, let since = counter.currentSince {
                let serviceTime = serviceSeconds[service] ?? 600
                let elapsed = max(0, now.timeIntervalSince(since))
                let left = counter.currentState == TokenState.called.rawValue
                    ? max(0, pace.walkSeconds - elapsed) + serviceTime
                    : max(serviceTime - elapsed, serviceTime * 0.2)
                freeAt = max(freeAt, left)
                if let number = serviceNumbers[service] {
                    busy = (number, elapsed, counter.currentState == TokenState.called.rawValue)
                }
            }
            var serves = [Bool](repeating: false, count: serviceCount)
            for service in counter.services { if let number = serviceNumbers[service] { serves[number] = true } }
            let closes = min(officeCloses, counter.closesAt.map(seconds) ?? officeCloses)
            indexByID[counter.id] = planned.count
            planned.append(ForecastPlan.Counter(id: counter.id, serves: serves, freeAt: freeAt,
                                                pauses: pauses.map { seconds($0.lowerBound)...seconds($0.upperBound) }, closesAt: closes,
                                                busy: busy))
        }
        let source = ForecastPlan.WaitingSource(revision: waitingRevision, count: waiting.count)
        var reused = 0
        if let earlier, earlier.counters.map(\.id) == planned.map(\.id) {
            reused = min(source.shared(with: earlier.waitingSource), earlier.tokens.count)
        }
        // The waiting list's tokens: the earlier plan's as they are (sharing its chunks), then the
        // newcomers' made from the list, reading only these fields.
        var tokens = ChunkedList<ForecastPlan.Token>()
        if let earlier, reused > 0 {
            tokens = earlier.tokens
            tokens.removeSubrange(reused...)
        }
        waiting.forEachRun(from: reused) { _, run in
            for entry in run {
                tokens.append(ForecastPlan.Token(candidate: entry.candidate, service: entry.serviceNumber,
                                                 target: entry.targetCounter.map { indexByID[$0] ?? -1 }, arrivesAt: 0))
            }
        }
        // Appointments booked for today and not yet here, from their slot on (one a quarter of an
        // hour late is not counted on).
        for entry in expected {
            guard let slot = entry.candidate.slotStartsAt, Double(slot) >= minute - 15 else { continue }
            var candidate = entry.candidate
            let arrives = max(0, seconds(slot))
            candidate.queuedAt = now.addingTimeInterval(arrives)
            tokens.append(ForecastPlan.Token(candidate: candidate, service: entry.serviceNumber, target: nil, arrivesAt: arrives))
        }
        var plan = ForecastPlan(now: now, secondsOfDay: secondsOfDay, policy: policy, priorityStreak: priorityStreak, counters: planned,
                                tokens: tokens, callSeconds: secondsByService.map { pace.callSeconds(serviceSeconds: $0) })
        plan.priorityRates = priorityRates(at: now, secondsOfDay: secondsOfDay)
        plan.arrivalsUntil = officeCloses
        plan.waitingSource = source
        return plan
    }

    /// The office played forward once with the expected durations, as a booking's answer plays it
    /// (`OfficeAnswers`): the plan and what the play gives.
    func forecastPlayed(at now: Date, opening: Int64? = nil) -> (plan: ForecastPlan, result: ForecastResult) {
        let plan = forecastPlan(at: now, opening: opening).withExpectedArrivals()
        return (plan, plan.play())
    }

    /// The same, with the play's mark, so that the next versions' answers can take it up again.
    func forecastPlayedMarking(at now: Date, opening: Int64? = nil) -> LastPlay.Played {
        let plan = forecastPlan(at: now, opening: opening).withExpectedArrivals()
        let (result, mark) = plan.playMarking()
        return LastPlay.Played(plan: plan, result: result, mark: mark)
    }

    /// How many waiting or expected citizens one play at `now` calls (for `queue-bench picture`,
    /// which times the play without the rest of the answers).
    public func forecastCalls(at now: Date) -> Int {
        let result = forecastPlayed(at: now).result
        return result.byToken.count - result.uncalled
    }

    /// Priority walk-ins per second by service, over the last two hours (or since the office
    /// opened today, but at least half an hour).
    func priorityRates(at now: Date, secondsOfDay: Double) -> [Double] {
        let moment = ServiceDay(now, timeZone: timeZone)
        let opened = calendar.hours.filter { $0.weekday == moment.weekday && $0.opensAt <= moment.minuteOfDay }.map(\.opensAt).min() ?? 0
        let window = min(7200, max(1800, secondsOfDay - Double(opened) * 60))
        var rates = [Double](repeating: 0, count: serviceNumbers.count)
        for arrival in priorityArrivals where arrival.at > now.addingTimeInterval(-window) && arrival.at <= now {
            if let number = serviceNumbers[arrival.service] { rates[number] += 1 / window }
        }
        return rates
    }
}
