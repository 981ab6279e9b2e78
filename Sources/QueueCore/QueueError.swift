import Foundation

/// Why the queue refused an operation. QueueWeb maps each case to an HTTP status in one place.
public enum QueueError: Error, Sendable, Equatable {
    /// A field of the request is missing or malformed; `field` is its name in the API.
    case invalidField(field: String, reason: String)
    case officeNotFound(String)
    case serviceNotOffered(office: String, service: String)
    case counterNotFound(Int64)
    case tokenNotFound
    case slotNotFound
    case appointmentsNotOffered(service: String)
    /// Walk-ins are taken only while the office is open; `opensAt` is the next opening, if known.
    case officeClosed(opensAt: Date?)
    case holiday(day: String, reason: String)
    case dailyCapReached(service: String)
    case phoneLimitReached(limit: Int)
    case slotFull
    case slotInPast
    case bookingTooFarAhead(days: Int)
    case checkInWrongDay(serviceDay: String)
    case illegalTransition(action: TokenAction, from: TokenState)
    case counterNotOpen(number: Int)
    case counterBusy(number: Int, token: String)
    case counterDoesNotServe(number: Int, service: String)
    case counterInAnotherOffice
    case recallLimitReached(limit: Int)
    case recallsRemaining(remaining: Int)
    /// The office's minimum interval since the last call has not passed (`QueuePolicy.minRecallSeconds`).
    case recallTooSoon(waitSeconds: Int, readyAt: Date)
    case alreadyRejoined
    case transferToSameQueue
    /// The kiosk is not enrolled (or was revoked), or is enrolled for another office.
    case kioskNotEnrolled
    /// An idempotency key already booked a token for a different request.
    case bookingKeyReused
    /// Feedback is taken once, after the visit was served.
    case feedbackClosed
    /// A clerk's counter action the desk does not offer now (opening an open counter...), with the
    /// desk's own code and words.
    case counterRefused(CounterRefusal)
}

extension QueueError: CustomStringConvertible {
    /// A sentence for a citizen or a clerk; QueueWeb sends it as the error message.
    public var description: String {
        switch self {
        case .invalidField(_, let reason): reason
        case .officeNotFound(let code): "There is no office \(code)."
        case .serviceNotOffered(let office, let service): "Office \(office) does not offer the service \(service)."
        case .counterNotFound(let id): "There is no counter \(id)."
        case .tokenNotFound: "No such token."
        case .slotNotFound: "There is no such appointment slot for this office, service and date."
        case .appointmentsNotOffered(let service): "The service \(service) is not offered by appointment; please come as a walk-in."
        case .officeClosed: "The office is closed now; walk-in tokens are given only during opening hours."
        case .holiday(let day, let reason): "The office is closed on \(day)\(reason.isEmpty ? "" : " (\(reason))")."
        case .dailyCapReached(let service): "All of today's tokens for \(service) have been given out."
        case .phoneLimitReached(let limit): "This mobile number already holds \(limit) active tokens for that day."
        case .slotFull: "That appointment slot is full; please choose another."
        case .slotInPast: "That appointment slot has already passed."
        case .bookingTooFarAhead(let days): "Appointments can be booked at most \(days) days ahead."
        case .checkInWrongDay(let day): "This appointment is for \(day); check in on that day."
        case .kioskNotEnrolled: "This kiosk is not enrolled for this office; a manager must set it up again."
        case .illegalTransition(let action, let from): "A token that is \(from.rawValue) cannot be given '\(action.rawValue)'."
        case .counterNotOpen(let number): "Counter \(number) is not open."
        case .counterBusy(let number, let token): "Counter \(number) is still attending to \(token); complete, transfer or mark it first."
        case .counterDoesNotServe(let number, let service): "Counter \(number) does not serve \(service)."
        case .counterInAnotherOffice: "That counter belongs to another office."
        case .recallLimitReached(let limit): "This token has been recalled \(limit) times already; mark it as a no-show."
        case .recallsRemaining(let remaining): "Recall the token \(remaining) more time(s) before marking it as a no-show."
        case .recallTooSoon(let seconds, _): "The citizen was called only a moment ago; give them \(seconds) more seconds to come before calling again or marking a no-show."
        case .alreadyRejoined: "This token has already rejoined the queue once."
        case .transferToSameQueue: "The transfer must change the service or name a counter."
        case .bookingKeyReused: "This Idempotency-Key was already used for a different booking; use a new key for a new booking."
        case .feedbackClosed: "Feedback is taken once, after the visit was served."
        case .counterRefused(let refusal): refusal.message
        }
    }
}
