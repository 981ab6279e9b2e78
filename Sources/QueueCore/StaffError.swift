/// Why staff sign-in or an account operation was refused. QueueWeb maps them to statuses.
public enum StaffError: Error, Sendable, Equatable {
    case invalidCredentials
    /// Too many failed attempts: wait this many seconds.
    case tooManyAttempts(retryAfter: Int)
    case sessionExpired
    /// A refresh token used twice: the whole session family has been revoked.
    case refreshReused
    case invalidAccount(field: String, reason: String)
    case usernameTaken
    case hashingFailed
    /// Too many sign-ins wait for the password checks already: try again in a moment.
    case signInBusy
    /// The same for a new password (an account made or a password set): nothing was saved.
    case passwordBusy
    /// The browser presented a device cookie the server did not issue (QueueWeb's `DeviceCookie`).
    case deviceNotRecognised
}
