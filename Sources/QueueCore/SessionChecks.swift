import Foundation

/// Sign-ins this process checked lately, so that a clerk's key presses do not each read the
/// sessions table. A check is remembered for `seconds`; this process forgets them all whenever it
/// ends a session or changes an account (sign-out, a reused refresh token, a new password, an
/// account turned off or reassigned), so here those still take effect at once. Another process's
/// change to the same database (the `fcgi-app user` command) takes effect within `seconds`.
final class SessionChecks: @unchecked Sendable {
    /// How long a checked sign-in is taken as still valid without reading the database again.
    static let seconds: Double = 5

    private struct Key: Hashable {
        let user: Int64
        let family: String
    }

    private let lock = NSLock()
    private var checked: [Key: (user: StaffUser, at: Date)] = [:]
    /// Moves on with every `forgetAll()`, so that a check read before it is not remembered after it.
    private var generation = 0

    /// The member of staff, if this sign-in was found valid less than `seconds` ago.
    func user(_ id: Int64, session family: String, at now: Date) -> StaffUser? {
        lock.lock(); defer { lock.unlock() }
        guard let known = checked[Key(user: id, family: family)], known.at <= now,
              now.timeIntervalSince(known.at) < Self.seconds else { return nil }
        return known.user
    }

    /// Where the forgetting stands, taken before reading the database.
    var mark: Int {
        lock.lock(); defer { lock.unlock() }
        return generation
    }

    /// Remembers a valid sign-in read since `mark`, unless something was forgotten meanwhile.
    func remember(_ user: StaffUser, session family: String, at now: Date, readSince mark: Int) {
        lock.lock(); defer { lock.unlock() }
        guard mark == generation else { return }
        // Bounded: a process sees a few hundred sign-ins a day; old checks are of no use.
        if checked.count >= 10_000 { checked = [:] }
        checked[Key(user: user.id, family: family)] = (user, now)
    }

    func forgetAll() {
        lock.lock(); defer { lock.unlock() }
        checked = [:]
        generation += 1
    }
}
