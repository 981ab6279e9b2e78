import Foundation
import GRDB
import Testing
@testable import QueueCore

/// A clerk's key presses do not each read the sessions table, yet a sign-in ended in this process
/// ends at once, and one ended by another process within `SessionChecks.seconds`.
@Suite("Session checks")
struct SessionCheckTests {
    private static let password = "a long enough password"

    private func signedIn(_ fixture: QueueFixture) throws -> (StaffAccounts, StaffAccounts.Session) {
        let accounts = StaffAccounts(database: fixture.database)
        _ = try accounts.addUser(username: "asha", displayName: "Asha", password: Self.password, role: .counterStaff,
                                 office: "VAD-247", counterNumber: nil, at: QueueFixture.mondayMorning)
        let session = try accounts.signIn(username: "asha", password: Self.password, from: "10.0.0.1", at: QueueFixture.mondayMorning)
        return (accounts, session)
    }

    @Test func signingOutHereEndsTheSignInAtOnceEvenJustAfterACheck() throws {
        // Given a clerk whose sign-in was just checked (and so is remembered)
        let fixture = try QueueFixture()
        let (accounts, session) = try signedIn(fixture)
        let now = QueueFixture.mondayMorning.addingTimeInterval(60)
        #expect(try accounts.user(session.user.id, session: session.family, at: now)?.username == "asha")
        // When they sign out, through another instance of the accounts on the same database
        try StaffAccounts(database: fixture.database).signOut(session.refreshToken, at: now)
        // Then their next request, a second later, is refused
        #expect(try accounts.user(session.user.id, session: session.family, at: now.addingTimeInterval(1)) == nil)
    }

    @Test func anAccountTurnedOffOrGivenANewPasswordHereIsRefusedAtOnce() throws {
        for change in ["off", "password"] {
            // Given a clerk whose sign-in was just checked
            let fixture = try QueueFixture()
            let (accounts, session) = try signedIn(fixture)
            let now = QueueFixture.mondayMorning.addingTimeInterval(60)
            #expect(try accounts.user(session.user.id, session: session.family, at: now) != nil)
            // When a manager turns the account off, or sets a new password
            let manager = Actor.staff(id: 99, username: "manager")
            if change == "off" {
                try accounts.setActive(session.user.id, false, actor: manager, at: now)
            } else {
                try accounts.setPassword(session.user.id, to: "another long password", actor: manager, at: now)
            }
            // Then the clerk's next request is refused
            #expect(try accounts.user(session.user.id, session: session.family, at: now) == nil, "\(change)")
        }
    }

    @Test func aSignInEndedByAnotherProcessEndsWithinTheCheckInterval() throws {
        // Given a clerk whose sign-in was just checked
        let fixture = try QueueFixture()
        let (accounts, session) = try signedIn(fixture)
        let now = QueueFixture.mondayMorning.addingTimeInterval(60)
        #expect(try accounts.user(session.user.id, session: session.family, at: now) != nil)
        // When another process ends every session in the database (its own connection, not this process's accounts)
        let other = try DatabaseQueue(path: fixture.path)
        try other.write { db in try db.execute(sql: "UPDATE staff_session SET revoked_at = ?", arguments: [now.milliseconds]) }
        // Then once the check interval has passed, the clerk is refused
        #expect(try accounts.user(session.user.id, session: session.family,
                                  at: now.addingTimeInterval(SessionChecks.seconds)) == nil)
    }
}
