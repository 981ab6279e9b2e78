import Foundation

/// A booking's answer in an office the forecast cannot extend by newcomers alone (priority citizens
/// waiting or expected at a rate): the last play taken up again from its mark, the moment before
/// which nothing a newcomer joining behind everyone could change happened (`ForecastPlan.run`),
/// with the newcomers put in. Up to the mark every counter had someone older than any newcomer to
/// take, and no newcomer could yet be overdue; from the mark on, the play runs as a whole play of
/// the new version would. When the versions differ otherwise this answers nil and the office is
/// played in full (`ForecastResumeTests` holds the two equal on random offices).
extension ForecastPlan {
    func playResuming(_ earlier: ForecastPlan, from mark: ForecastProgress) -> (result: ForecastResult, mark: ForecastProgress?)? {
        // Those here at the earlier play's moment: all walk-ins (its mark made one pass over them).
        guard let here = mark.here, here.walkInsOnly else { return nil }
        let present = here.count, added = tokens.count - earlier.tokens.count
        guard added > 0, sameOffice(as: earlier), earlier.priorityStreak == priorityStreak, earlier.priorityRates == priorityRates,
              earlier.arrivalsUntil == arrivalsUntil, !mark.state.hasAppointments,
              mark.state.facts.count == earlier.tokens.count else { return nil }
        // The same walk-ins here, in the same order (the mark assumed newcomers behind the last of
        // them): looked at one by one past those known the same (one waiting list, appended to).
        for index in min(sharedWaiting(with: earlier), present)..<present {
            let token = tokens[index], was = earlier.tokens[index]
            guard token.known, token.arrivesAt == 0, token.candidate.kind == .walkIn, token.candidate == was.candidate,
                  token.service == was.service, token.target == was.target else { return nil }
        }
        var lastQueued = here.lastQueued
        // The newcomers: walk-ins here now, not priority, for any counter of their service, behind everyone.
        var newcomers: [ForecastPlayState.Facts] = []
        newcomers.reserveCapacity(added)
        for index in present..<(present + added) {
            let token = tokens[index], queued = token.candidate.queuedAt.timeIntervalSince(now)
            guard token.known, token.arrivesAt == 0, token.candidate.kind == .walkIn, !token.candidate.priority.isPriority,
                  token.target == nil, queued >= lastQueued else { return nil }
            lastQueued = queued
            newcomers.append(ForecastPlayState.facts(token, in: self))
        }
        // Those expected later: the same priority walk-ins at the same moments (no appointment).
        for index in present..<earlier.tokens.count {
            let token = tokens[index + added], was = earlier.tokens[index]
            guard !token.known, !was.known, token.arrivesAt == was.arrivesAt, token.candidate.tokenID == was.candidate.tokenID,
                  token.service == was.service, token.target == was.target else { return nil }
        }
        var progress = mark
        progress.state.insert(newcomers, at: present)
        progress.result.insert(added, at: present)
        progress.here = ForecastProgress.Here(count: present + added, lastQueued: lastQueued, walkInsOnly: true)
        var durations = ExpectedDurations()
        var next: ForecastProgress?
        run(&progress, durations: &durations, marking: present + added, mark: &next)
        return (finish(progress), next)
    }
}

extension ForecastResult {
    /// Room for tokens put into the play after its first `at` (none of them called yet).
    mutating func insert(_ count: Int, at index: Int) {
        byToken.insert(contentsOf: Array(repeating: Call(), count: count), at: index)
        uncalled += count
    }
}
