import Foundation
import GRDB

/// Staff accounts and sessions: creating accounts, signing in with growing delays after failures,
/// rotating refresh tokens (reuse revokes the family), signing out.
public struct StaffAccounts: Sendable {
    public let database: AppDatabase
    /// How long a refresh token (a working day's session) lasts.
    public static let sessionSeconds: Double = 12 * 3600
    /// Failures allowed before delays start; then 1, 2, 4 ... seconds, at most `maxDelay`.
    public static let freeFailures = 3
    public static let maxDelaySeconds = 300

    /// Where passwords are hashed and checked (bounded, at a lower priority: `PasswordHashing`).
    public let hashing: PasswordHashing

    public init(database: AppDatabase, hashing: PasswordHashing = .shared) {
        self.database = database
        self.hashing = hashing
    }

    /// A new sign-in, or a refresh: the person and their new refresh token.
    public struct Session: Sendable {
        public var user: StaffUser
        public var refreshToken: String
        /// The sign-in this session continues; access tokens name it, so that signing out, a new
        /// password or a stolen refresh token ends them too, at once.
        public var family: String
        /// What a device cookie issued now must carry (`deviceStamp`).
        public var deviceStamp: String
    }

    /// A browser that signed in before: its cookie's id, and the stamp of the password it signed
    /// in with. The caller has checked the cookie's signature and name.
    public struct Device: Sendable {
        public var id: String
        public var stamp: String
        public init(id: String, stamp: String) {
            self.id = id
            self.stamp = stamp
        }
    }

    /// Changes with the account's password: a device cookie from before a new password counts as
    /// none, so that cookies gathered with an old password buy no guesses at the new one. A digest
    /// of the stored (salted) hash, cut short; the cookie carrying it is signed and HttpOnly.
    public static func deviceStamp(ofHash hash: String) -> String {
        String(StaffCrypto.digest("gq_device\n" + hash).prefix(16))
    }

    public func addUser(username: String, displayName: String, password: String, role: StaffRole,
                        office: String?, counterNumber: Int?, at now: Date) throws -> StaffUser {
        let name = username.lowercased()
        guard (3...40).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw StaffError.invalidAccount(field: "username", reason: "3 to 40 letters, digits, dots, dashes or underscores.")
        }
        guard password.count >= 10 else {
            throw StaffError.invalidAccount(field: "password", reason: "The password needs at least 10 characters.")
        }
        let display = TextInput.normalised(displayName)
        guard (1...100).contains(TextInput.length(display)), TextInput.firstDisallowed(in: display) == nil,
              TextInput.hasVisibleText(display) else {
            throw StaffError.invalidAccount(field: "name", reason: "Give the person's name (up to 100 characters).")
        }
        if role != .administrator, office == nil {
            throw StaffError.invalidAccount(field: "office", reason: "Counter staff and office managers belong to an office.")
        }
        let hash = try hashed(password)
        return try database.write { db in
            if let office { _ = try OfficeFacts.load(db, code: office) }
            var counterID: Int64?
            if let counterNumber {
                counterID = try office.flatMap { try Counter.id(db, office: $0, number: counterNumber) }
                guard counterID != nil else {
                    throw StaffError.invalidAccount(field: "counter", reason: "There is no counter \(counterNumber) at \(office ?? "-").")
                }
            }
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM staff_user WHERE username = ?)"), arguments: [name]) == true {
                throw StaffError.usernameTaken
            }
            try db.cachedStatement(sql: """
                INSERT INTO staff_user (username, display_name, password_hash, role, office_code, counter_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [name, display, hash, role.rawValue, role == .administrator ? nil : office, counterID, now.milliseconds])
            return StaffUser(id: db.lastInsertedRowID, username: name, displayName: display, role: role,
                             officeCode: role == .administrator ? nil : office, counterID: counterID, isActive: true)
        }
    }

    /// Signs in. Attempts are counted per account name and client address: after `freeFailures`
    /// failures from an address, each further attempt from it must wait longer, while the
    /// account's owner elsewhere is not held up. An attempt is counted as a failure when it begins
    /// (in one write transaction with the check), and forgiven when the password proves right, so
    /// that guesses sent in parallel cannot all pass through one delay window. A browser this name
    /// signed in from before (`device`, checked by the caller) is counted on its own instead, so
    /// that failures by others behind the same address do not hold the account's owner up.
    public func signIn(username: String, password: String, from address: String, device: Device? = nil, at now: Date) throws -> Session {
        let name = username.lowercased()
        var client = ClientAddress.limitKey(address)
        // A place for the password check first: a sign-in refused as busy is not counted.
        let (found, valid) = try hashing.withPlace { place in
            let found = try database.write { db -> (StaffUser, hash: String)? in
                let found = try StaffUser.fetch(db.cachedStatement(sql: "SELECT * FROM staff_user WHERE username = ?"), arguments: [name])
                // A device's own count only with the password it signed in with.
                if let device, let hash = found?.hash, device.stamp == Self.deviceStamp(ofHash: hash) { client = "device \(device.id)" }
                try Self.beginAttempt(db, username: name, address: client, at: now)
                return found
            }
            // The hash is checked even for an unknown name, so timing does not reveal which names exist.
            return (found, place.run(beforeWaiting: database.writeWait.willWait) {
                StaffCrypto.verifyPassword(password, against: found?.hash ?? Self.decoyHash)
            })
        }
        guard let (user, hash) = found, valid, user.isActive else { throw StaffError.invalidCredentials }
        return try database.write { db in
            try db.cachedStatement(sql: "DELETE FROM sign_in_attempt WHERE username = ? AND address = ?").execute(arguments: [name, client])
            let family = StaffCrypto.randomToken(bytes: 16)
            let token = try Self.newSession(db, user: user.id, family: family, at: now)
            return Session(user: user, refreshToken: token, family: family, deviceStamp: Self.deviceStamp(ofHash: hash))
        }
    }

    /// A new password's hash, made by `hashing`.
    func hashed(_ password: String) throws -> String {
        try hashing.withPlace(refusing: .passwordBusy) { place in
            try place.run(beforeWaiting: database.writeWait.willWait) { Result { try StaffCrypto.hashPassword(password) } }.get()
        }
    }

    /// Exchanges a refresh token for a new one. A token already used revokes its whole family.
    public func refresh(_ token: String, at now: Date) throws -> Session {
        let outcome: Result<Session, StaffError> = try changingAccounts { try database.write { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM staff_session WHERE token_hash = ?"),
                                             arguments: [StaffCrypto.digest(token)]) else { return .failure(.sessionExpired) }
            let family: String = row["family"]
            if row["used_at"] as Int64? != nil {
                try db.cachedStatement(sql: "UPDATE staff_session SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL").execute(arguments: [now.milliseconds, family])
                return .failure(.refreshReused)
            }
            guard row["revoked_at"] as Int64? == nil, (row["expires_at"] as Int64) > now.milliseconds else {
                return .failure(.sessionExpired)
            }
            guard let (user, hash) = try StaffUser.fetch(db.cachedStatement(sql: "SELECT * FROM staff_user WHERE id = ?"),
                                                      arguments: [row["user_id"] as Int64]), user.isActive else {
                return .failure(.sessionExpired)
            }
            try db.cachedStatement(sql: "UPDATE staff_session SET used_at = ? WHERE id = ?").execute(arguments: [now.milliseconds, row["id"] as Int64])
            return .success(Session(user: user, refreshToken: try Self.newSession(db, user: user.id, family: family, at: now),
                                    family: family, deviceStamp: Self.deviceStamp(ofHash: hash)))
        } }
        return try outcome.get()
    }

    /// Ends the session the refresh token belongs to (its whole family).
    public func signOut(_ token: String, at now: Date) throws {
        try changingAccounts { try database.write { db in
            try db.cachedStatement(sql: """
                UPDATE staff_session SET revoked_at = ? WHERE revoked_at IS NULL AND family =
                    (SELECT family FROM staff_session WHERE token_hash = ?)
                """).execute(arguments: [now.milliseconds, StaffCrypto.digest(token)])
        } }
    }

    /// An active member of staff whose sign-in (`family`) has not ended: not signed out, not
    /// revoked by a reused refresh token or a new password, not expired.
    /// A sign-in found valid is taken as still valid for `SessionChecks.seconds` without reading
    /// again (this process forgets that at once when it ends a session or changes an account).
    public func user(_ id: Int64, session family: String, at now: Date) throws -> StaffUser? {
        let checks = database.sessionChecks
        if let known = checks.user(id, session: family, at: now) { return known }
        let mark = checks.mark
        let user = try database.writer.read { db in
            try StaffUser.fetch(db.cachedStatement(sql: """
                SELECT * FROM staff_user WHERE id = ? AND is_active = 1 AND EXISTS (SELECT 1 FROM staff_session
                    WHERE family = ? AND user_id = staff_user.id AND revoked_at IS NULL AND expires_at > ?)
                """), arguments: [id, family, now.milliseconds])?.0
        }
        if let user { checks.remember(user, session: family, at: now, readSince: mark) }
        return user
    }

    /// Runs a write that ends sessions or changes an account, then forgets the sign-ins checked lately.
    func changingAccounts<T>(_ write: () throws -> T) rethrows -> T {
        defer { database.sessionChecks.forgetAll() }
        return try write()
    }


    /// The 32-byte key that signs access tokens, made on first use and shared by every process.
    public func signingKey(at now: Date) throws -> [UInt8] {
        try database.write { db in
            if let key = try Data.fetchOne(db.cachedStatement(sql: "SELECT key FROM signing_key WHERE id = 1")) { return Array(key) }
            let key = StaffCrypto.randomBytes(32)
            try db.cachedStatement(sql: "INSERT INTO signing_key (id, key, created_at) VALUES (1, ?, ?)").execute(arguments: [Data(key), now.milliseconds])
            return key
        }
    }

    private static func newSession(_ db: Database, user: Int64, family: String, at now: Date) throws -> String {
        let token = StaffCrypto.randomToken()
        try db.cachedStatement(sql: """
            INSERT INTO staff_session (family, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [family, user, StaffCrypto.digest(token), now.milliseconds,
                             now.addingTimeInterval(sessionSeconds).milliseconds])
        return token
    }

    /// Counts an attempt for this name from this address as a failure, unless the address must
    /// still wait (then `tooManyAttempts`). The `freeFailures`-th failure and each after it make the
    /// next attempt wait 1, 2, 4 ... seconds, at most `maxDelaySeconds`.
    private static func beginAttempt(_ db: Database, username: String, address: String, at now: Date) throws {
        // Records of addresses quiet for a day are forgotten (a failure then counts afresh).
        try db.cachedStatement(sql: "DELETE FROM sign_in_attempt WHERE last_attempt_at < ?").execute(arguments: [now.addingTimeInterval(-86_400).milliseconds])
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT failures, blocked_until FROM sign_in_attempt WHERE username = ? AND address = ?"),
                                   arguments: [username, address])
        let blockedUntil = Date(milliseconds: row?["blocked_until"] ?? 0)
        if blockedUntil > now {
            throw StaffError.tooManyAttempts(retryAfter: max(1, Int(blockedUntil.timeIntervalSince(now).rounded(.up))))
        }
        let failures = (row?["failures"] as Int? ?? 0) + 1
        let delay = failures >= freeFailures ? min(maxDelaySeconds, 1 << min(20, failures - freeFailures)) : 0
        try db.cachedStatement(sql: """
            INSERT INTO sign_in_attempt (username, address, failures, blocked_until, last_attempt_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (username, address) DO UPDATE SET failures = excluded.failures, blocked_until = excluded.blocked_until,
                last_attempt_at = excluded.last_attempt_at
            """).execute(arguments: [username, address, failures, now.addingTimeInterval(Double(delay)).milliseconds, now.milliseconds])
    }

    /// A valid hash (libsodium's interactive limits, as every staff hash) of a random password
    /// nobody kept, verified against when the name is unknown. A constant: made at run time, a
    /// failed first hash would have left it empty for the process's life, and unknown names would
    /// then have been answered at once while known ones took a check's time.
    static let decoyHash = "$argon2id$v=19$m=65536,t=2,p=1$GPtuGkG9IEXzUr6CJCJWcg$U+hPcXhlx5T4VwP3ImkkgW3ImObgYwsrN8PuyG/1B/w"
}
