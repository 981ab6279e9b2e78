/// Everything that can happen to a token, and the one table of which state each is allowed from.
public enum TokenAction: String, Sendable, CaseIterable {
    case checkIn = "check_in"
    case call
    case recall
    case start
    case complete
    case markNoShow = "no_show"
    case rejoin
    case cancel
    case transfer
    /// The office day ended first (the day-end job): a citizen already at the counter (serving)
    /// is finished by the clerk, but one only called has not reached it, one parked has not come
    /// back, and the day is over.
    case expire
    case park
    /// A parked citizen is back: they wait again, for the counter that parked them.
    case resume

    /// The states this action may start from.
    public var allowedFrom: Set<TokenState> {
        switch self {
        case .checkIn: [.booked]
        case .call: [.waiting]
        case .recall: [.called]
        case .start: [.called]
        case .complete: [.serving]
        case .markNoShow: [.called]
        case .rejoin: [.noShow]
        case .cancel: [.booked, .waiting, .called]
        case .transfer: [.called, .serving]
        case .expire: [.booked, .waiting, .called, .parked]
        case .park: [.called, .serving]
        case .resume: [.parked]
        }
    }

    /// The state after the action. A recall announces the token again and leaves it called;
    /// a transfer puts it back in a queue (another service or counter), placed by the office's rule.
    public var resultingState: TokenState {
        switch self {
        case .checkIn, .rejoin, .transfer, .resume: .waiting
        case .park: .parked
        case .call, .recall: .called
        case .start: .serving
        case .complete: .served
        case .markNoShow: .noShow
        case .cancel: .cancelled
        case .expire: .expired
        }
    }

    /// The resulting state, or the error for a transition the table does not allow.
    public func apply(to state: TokenState) throws(QueueError) -> TokenState {
        guard allowedFrom.contains(state) else { throw .illegalTransition(action: self, from: state) }
        return resultingState
    }
}
