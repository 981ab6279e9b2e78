import Foundation

extension QueuePolicy {
    /// The office's rules for announcing a called citizen again, beyond the transition table: at most
    /// `recallLimit` recalls, a no-show only after them, and at least `minRecallSeconds` after the
    /// last call before either, so that R, R, X pressed in a moment does not mark a citizen gone who
    /// had no time to walk up. The counter's transitions and the console's offer both ask here.
    public func refusal(of action: TokenAction, recalls: Int, calledAt: Date?, at now: Date) -> QueueError? {
        switch action {
        case .recall:
            if recalls >= recallLimit { return .recallLimitReached(limit: recallLimit) }
        case .markNoShow:
            let remaining = recallLimit - recalls
            if remaining > 0 { return .recallsRemaining(remaining: remaining) }
        default:
            return nil
        }
        guard let calledAt else { return nil }
        let ready = calledAt.addingTimeInterval(Double(minRecallSeconds))
        guard now < ready else { return nil }
        return .recallTooSoon(waitSeconds: Int(ready.timeIntervalSince(now).rounded(.up)), readyAt: ready)
    }
}
