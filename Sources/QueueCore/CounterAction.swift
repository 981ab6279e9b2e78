import Foundation

/// A clerk's action at a counter, as the console and the counter routes name it. Which are allowed
/// now is worked out here, from the one transition table (`TokenAction`) and the office's recall
/// rules (`QueuePolicy.refusal`), so that the console offers exactly what the server will accept.
public enum CounterAction: String, Sendable, CaseIterable {
    case open, pause, close
    case callNext = "call-next"
    /// Calls a given waiting citizen out of turn.
    case call
    case recall, start, complete
    /// "Done, next": completes the citizen being served and calls the next, in one step.
    case completeAndCallNext = "complete-and-call-next"
    case noShow = "no-show"
    case transfer
    case park

    /// The token's transition behind an action on the citizen at the counter.
    public var tokenAction: TokenAction? {
        switch self {
        case .recall: .recall
        case .start: .start
        case .complete, .completeAndCallNext: .complete
        case .noShow: .markNoShow
        case .transfer: .transfer
        case .park: .park
        case .open, .pause, .close, .callNext, .call: nil
        }
    }

    /// The citizen at a counter, as far as the rules need them.
    public struct Citizen: Sendable, Equatable {
        public var state: TokenState
        public var recalls: Int
        /// When they were last called or recalled.
        public var calledAt: Date?

        public init(state: TokenState, recalls: Int, calledAt: Date?) {
            self.state = state
            self.recalls = recalls
            self.calledAt = calledAt
        }
    }

    /// Why this action cannot be taken at a counter in `state` with `citizen` at it and `waiting`
    /// citizens it could call; nil when it can.
    public func refusal(counter state: Counter.State, citizen: Citizen?, waiting: Int, policy: QueuePolicy,
                        at now: Date) -> CounterRefusal? {
        if let action = tokenAction {
            guard let citizen else { return CounterRefusal(code: "nobody_at_counter", message: "Nobody is at the counter.") }
            guard action.allowedFrom.contains(citizen.state) else {
                // Done (C or D) before the citizen has come: the clerk is told what comes first.
                if action == .complete && citizen.state == .called { return .notStartedYet }
                return CounterRefusal(QueueError.illegalTransition(action: action, from: citizen.state))
            }
            if let refusal = policy.refusal(of: action, recalls: citizen.recalls, calledAt: citizen.calledAt, at: now) {
                return CounterRefusal(refusal)
            }
            // Calling next needs an open counter; a paused one completes with "done" alone, and the
            // clerk is told so (not to open the counter, which would end their break).
            return self == .completeAndCallNext && state != .open ? .doneAloneWhileNotOpen : nil
        }
        return refusal(counter: state, atCounter: citizen != nil, waiting: waiting)
    }

    /// The rules of the counter's own actions (and calling): they need only the counter's state,
    /// whether someone is at it and how many it could call, so `setCounter` checks them in its
    /// transaction without building the desk.
    func refusal(counter state: Counter.State, atCounter busy: Bool, waiting: Int) -> CounterRefusal? {
        switch self {
        case .open where state == .open:
            return CounterRefusal(code: "already_open", message: "The counter is open.")
        case .pause where state != .open:
            return CounterRefusal(QueueError.counterNotOpen(number: 0))
        case .close where state == .closed:
            return CounterRefusal(code: "already_closed", message: "The counter is closed.")
        case .callNext where state != .open, .call where state != .open:
            return CounterRefusal(QueueError.counterNotOpen(number: 0))
        case .close, .callNext, .call:
            if busy { return CounterRefusal(code: "counter_busy", message: "Finish with the citizen at the counter first.") }
            if self == .callNext && waiting == 0 { return CounterRefusal(code: "nobody_waiting", message: "Nobody is waiting for this counter.") }
            return nil
        default:
            return nil
        }
    }
}

/// Why a counter action is not available now, for the console to say (in the clerk's language, by
/// `code`) when its key is pressed; `readyAt` when time alone will allow it.
public struct CounterRefusal: Sendable, Encodable, Equatable {
    public var code: String
    public var message: String
    public var readyAt: Date?

    public init(code: String, message: String, readyAt: Date? = nil) {
        self.code = code
        self.message = message
        self.readyAt = readyAt
    }

    /// "Done, next" on a counter that is not open: the citizen is completed with "done" (C) alone.
    static let doneAloneWhileNotOpen = CounterRefusal(
        code: "counter_not_open_use_done",
        message: "The counter is not open: finish with Done (C); open the counter to call the next citizen.")

    /// Done (C, or "done, next") while the citizen is only called: service has not begun.
    static let notStartedYet = CounterRefusal(
        code: "not_started", message: "The citizen has not come to the counter yet: press Start serving (S) when they do.")

    init(_ error: QueueError) {
        switch error {
        case .recallLimitReached: self.init(code: "recall_limit_reached", message: error.description)
        case .recallsRemaining: self.init(code: "recalls_remaining", message: error.description)
        case .recallTooSoon(_, let readyAt): self.init(code: "recall_too_soon", message: error.description, readyAt: readyAt)
        case .counterNotOpen: self.init(code: "counter_not_open", message: "The counter is not open.")
        default: self.init(code: "not_in_this_state", message: error.description)
        }
    }
}
