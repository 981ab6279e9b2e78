/// Every kind of row the events table holds, and which the public may see. The office's public
/// event stream (boards, kiosks, anyone) carries only the public kinds: what happened to a token or
/// a counter, by number. Who changed a password, enrolled a kiosk or wrote a note stays in the audit log.
public enum EventKind: String, Sendable, CaseIterable, Codable {
    // A token's life, and a counter's state: public.
    case booked, checkedIn = "checked_in", called, recalled, started, completed, noShow = "no_show", rejoined
    case cancelled, transferred, rescheduled, expired, parked, resumed
    case counterOpened = "counter_opened", counterPaused = "counter_paused", counterClosed = "counter_closed"
    // Staff work and administration: the audit log only.
    case noteChanged = "note_changed", policyChanged = "policy_changed", counterServicesChanged = "counter_services_changed"
    case slotCapacityChanged = "slot_capacity_changed", holidayAdded = "holiday_added", holidayRemoved = "holiday_removed"
    case counterScheduleChanged = "counter_schedule_changed", waitTargetChanged = "wait_target_changed"
    case kioskEnrolled = "kiosk_enrolled", kioskRevoked = "kiosk_revoked"
    case staffActivated = "staff_activated", staffDeactivated = "staff_deactivated"
    case staffAssignmentChanged = "staff_assignment_changed", staffPasswordSet = "staff_password_set"
    case personalDataErased = "personal_data_erased"
    case feedbackGiven = "feedback_given"

    /// True for the kinds the public office stream may carry.
    public var isPublic: Bool {
        switch self {
        case .booked, .checkedIn, .called, .recalled, .started, .completed, .noShow, .rejoined, .cancelled, .transferred,
             .rescheduled, .expired, .parked, .resumed, .counterOpened, .counterPaused, .counterClosed:
            true
        case .noteChanged, .policyChanged, .counterServicesChanged, .counterScheduleChanged, .waitTargetChanged, .slotCapacityChanged, .holidayAdded, .holidayRemoved,
             .kioskEnrolled, .kioskRevoked, .staffActivated, .staffDeactivated, .staffAssignmentChanged, .staffPasswordSet,
             .personalDataErased, .feedbackGiven:
            false
        }
    }
}
