/// How a citizen is told: the channels a worker sends through.
public enum MessageChannel: String, Sendable, CaseIterable, Codable {
    case sms, email, push, whatsapp
}

/// What a message tells: each is sent at most once per token and channel.
public enum MessageTrigger: String, Sendable, CaseIterable, Codable {
    case booked, called, cancelled
    case turnNear = "turn_near"
    case closedEarly = "closed_early"
    /// The office day ended before the token was served (the day-end job).
    case expired
    /// An appointment's reminders: the evening before, and an hour before its slot.
    case reminderEvening = "reminder_evening"
    case reminderHour = "reminder_hour"
    /// The forecast says the office will close before the token is reached (derived, as turn near is).
    case unlikelyToday = "unlikely_today"

    /// The interface-string key of the message's text for a channel: `msg_sms_booked`,
    /// `msg_email_booked` (with `msg_email_booked_subject`).
    public func templateKey(for channel: MessageChannel) -> String {
        "msg_\(channel == .whatsapp ? MessageChannel.sms.rawValue : channel.rawValue)_\(rawValue)"
    }
}
