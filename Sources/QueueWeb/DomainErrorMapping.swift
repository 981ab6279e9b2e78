import Foundation
import QueueCore

/// The one place where domain errors (the queue's and staff sign-in's) become API errors with an HTTP status.
extension APIError {
    init(_ error: QueueError) {
        let (status, code, field) = Self.classify(error)
        self.init(status: status, code: code, message: error.description, field: field, reason: Self.reason(error))
    }

    /// Which of the refusals that share a code this is.
    private static func reason(_ error: QueueError) -> String? {
        switch error {
        case .recallLimitReached: "recall_limit_reached"
        case .recallsRemaining: "recalls_remaining"
        case .alreadyRejoined: "already_rejoined"
        case .transferToSameQueue: "transfer_to_same_queue"
        case .counterNotOpen: "counter_not_open"
        case .counterBusy: "counter_busy"
        case .counterDoesNotServe: "counter_does_not_serve"
        case .counterInAnotherOffice: "counter_in_another_office"
        default: nil
        }
    }

    /// Status, stable code and the request field at fault, for each domain error.
    private static func classify(_ error: QueueError) -> (Int, String, String?) {
        switch error {
        case .invalidField(let field, _): (400, "invalid_field", field)
        case .officeNotFound: (404, "office_not_found", "office")
        case .counterNotFound: (404, "counter_not_found", "counter")
        case .tokenNotFound: (404, "token_not_found", nil)
        case .serviceNotOffered: (422, "service_not_offered", "service")
        case .slotNotFound: (422, "slot_not_found", "slot")
        case .appointmentsNotOffered: (422, "appointments_not_offered", "service")
        case .slotInPast: (422, "slot_in_past", "slot")
        case .bookingTooFarAhead: (422, "booking_too_far_ahead", "date")
        case .officeClosed: (409, "office_closed", nil)
        case .holiday: (409, "office_holiday", "date")
        case .dailyCapReached: (409, "daily_cap_reached", "service")
        case .slotFull: (409, "slot_full", "slot")
        case .phoneLimitReached: (429, "phone_limit_reached", "phone")
        case .checkInWrongDay: (409, "check_in_wrong_day", nil)
        case .illegalTransition, .recallLimitReached, .recallsRemaining, .recallTooSoon, .alreadyRejoined, .transferToSameQueue:
            (409, "illegal_transition", nil)
        case .counterNotOpen, .counterBusy, .counterDoesNotServe, .counterInAnotherOffice:
            (409, "counter_conflict", "counter")
        case .kioskNotEnrolled: (403, "kiosk_not_enrolled", "kiosk")
        case .bookingKeyReused: (422, "idempotency_key_reused", "Idempotency-Key")
        case .feedbackClosed: (409, "feedback_closed", nil)
        // The code the desk gives the console for it (`CounterDesk.refusals`).
        case .counterRefused(let refusal): (409, refusal.code, nil)
        }
    }
}

extension APIError {
    init(_ error: StaffError) {
        switch error {
        case .invalidCredentials:
            self.init(status: 401, code: "invalid_credentials", message: "The username or password is not right.")
        case .tooManyAttempts(let seconds):
            self.init(status: 429, code: "too_many_attempts", message: "Too many failed sign-ins; try again in \(seconds) seconds.",
                      retryAfter: seconds)
        case .sessionExpired:
            self.init(status: 401, code: "session_expired", message: "Your session has ended; please sign in again.")
        case .refreshReused:
            self.init(status: 401, code: "session_revoked", message: "This session was used elsewhere and has been ended for safety; please sign in again.")
        case .invalidAccount(let field, let reason):
            self.init(status: 400, code: "invalid_field", message: reason, field: field)
        case .usernameTaken:
            self.init(status: 409, code: "username_taken", message: "That username is taken.", field: "username")
        case .hashingFailed:
            self.init(status: 503, code: "unavailable", message: "Sign-in is unavailable just now; try again.")
        case .signInBusy:
            // A sign-in waits only for a few others' password checks (`PasswordHashing`).
            self.init(status: 503, code: "busy", message: "Many people are signing in at once; try again in a moment.",
                      reason: "sign_in_busy", retryAfter: 1)
        case .passwordBusy:
            self.init(status: 503, code: "busy", message: "The server is very busy, so nothing was saved. Please try again in a few seconds.")
        case .deviceNotRecognised:
            self.init(status: 400, code: "device_not_recognised",
                      message: "This browser's record of an earlier sign-in is not valid and has been removed. Sign in again.")
        }
    }
}

extension APIError {
    /// A machine-side storage failure: 503, so that clients and nginx treat it as "try again later".
    init(_ problem: StorageProblem) {
        switch problem {
        case .full:
            self.init(status: 503, code: "storage_full",
                      message: "The server has no room left to save this just now, so nothing was saved. Please try again in a few minutes.")
        case .unwritable:
            self.init(status: 503, code: "storage_unavailable",
                      message: "The server cannot save anything just now, so nothing was saved. Please try again in a few minutes.")
        case .busy:
            self.init(status: 503, code: "busy", message: "The server is very busy, so nothing was saved. Please try again in a few seconds.")
        }
    }
}

extension AppServices {
    /// The API error a thrown error stands for, or nil for a fault of ours (answered 500). A storage
    /// failure is also noted for `/api/healthz`.
    func apiError(for error: any Error) -> APIError? {
        switch error {
        case let error as APIError: return error
        case let error as QueueError: return APIError(error)
        case let error as StaffError: return APIError(error)
        default:
            guard let problem = StorageProblem(error) else { return nil }
            database.storageAlarm.note(problem, at: now())
            return APIError(problem)
        }
    }
}
