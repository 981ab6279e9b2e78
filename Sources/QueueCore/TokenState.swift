/// Where a token is in its life. `booked` is an appointment not yet checked in; `expired` is a
/// token whose office day ended before it was served (the day-end job), which is not a no-show.
public enum TokenState: String, Sendable, Codable, CaseIterable {
    case booked, waiting, called, serving, served
    case noShow = "no_show"
    case cancelled
    /// Sent from the counter to fetch a document or a signature: out of the calling order until the
    /// clerk marks them ready, then called back to the same counter at their old place in time.
    case parked
    case expired

    /// Counted against a phone number's daily limit and shown as "in the queue".
    public var isActive: Bool { [.booked, .waiting, .called, .serving, .parked].contains(self) }

    /// Served, cancelled or expired: nothing can happen to the token any more (a no-show may still rejoin).
    public var changesNoMore: Bool {
        switch self {
        case .served, .cancelled, .expired: true
        case .booked, .waiting, .called, .serving, .noShow, .parked: false
        }
    }
}

/// Walk-in (now) or appointment (a slot).
public enum TokenKind: String, Sendable, Codable, CaseIterable {
    case walkIn = "walk_in"
    case appointment
}

/// Citizens served first, within the policy's bounds.
public enum PriorityCategory: String, Sendable, Codable, CaseIterable {
    case none
    case seniorCitizen = "senior_citizen"
    case personWithDisability = "person_with_disability"
    case pregnantWoman = "pregnant_woman"

    public var isPriority: Bool { self != .none }
}
