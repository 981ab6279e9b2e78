import Foundation
import GRDB

/// Demo sign-ins for `make run` (listed in the README): a clerk per demo office and an administrator.
/// Never use these passwords anywhere real.
public enum DemoStaff {
    public static let clerkPassword = "demo-clerk-2026"
    public static let managerPassword = "demo-manager-2026"
    public static let adminPassword = "demo-admin-2026"

    /// Creates the demo accounts that do not exist yet: an administrator, a clerk for every office
    /// in the database, and a manager for the round-the-clock office.
    public static func install(in database: AppDatabase, at now: Date = Date()) throws {
        // Hashing of its own, one account at a time: never refused as busy for others' sign-ins.
        let accounts = StaffAccounts(database: database, hashing: PasswordHashing(threads: 1, waitingLimit: 0))
        var wanted: [(String, String, String, StaffRole, String?)] = [("admin", "Demo Administrator", adminPassword, .administrator, nil)]
        let offices = try database.writer.read { db in try String.fetchAll(db, sql: "SELECT code FROM office ORDER BY code") }
        // A person's name, as a real account has: the pages name the office themselves, in their
        // own language (an office's English name here showed on the Gujarati and Hindi pages).
        for code in offices {
            wanted.append(("clerk-\(code.lowercased())", "Demo clerk", clerkPassword, .counterStaff, code))
        }
        if offices.contains("VAD-247") {
            wanted.append(("manager-vad-247", "Demo manager", managerPassword, .officeManager, "VAD-247"))
        }
        for (username, name, password, role, office) in wanted {
            let exists = try database.writer.read { db in
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM staff_user WHERE username = ?)", arguments: [username]) ?? false
            }
            if !exists {
                _ = try accounts.addUser(username: username, displayName: name, password: password, role: role,
                                         office: office, counterNumber: nil, at: now)
            }
        }
    }
}
