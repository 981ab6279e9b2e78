import Foundation
import Testing
@testable import QueueCore

/// Password hashing runs on a few threads of its own at a lower priority, with a bounded wait: a
/// burst of sign-ins cannot take every core, every request thread and a hash's memory per thread.
@Suite("Password hashing")
struct PasswordHashingTests {
    @Test func aSignInBeyondTheWaitingLimitIsRefusedAtOnceAndTheOthersGoThrough() throws {
        // Given hashing on one thread with room for one more sign-in to wait
        let hashing = PasswordHashing(threads: 1, waitingLimit: 1)
        let firstRuns = DispatchSemaphore(value: 0), letFirstFinish = DispatchSemaphore(value: 0), secondWaits = DispatchSemaphore(value: 0)
        let results = Collected<Int>()
        let secondRan = Collected<Bool>()
        // When one check is running and a second waits for the thread
        let first = Thread {
            results.append(contentsOf: [(try? hashing.withPlace { $0.run { firstRuns.signal(); letFirstFinish.wait(); return 1 } }) ?? -1])
        }
        first.start()
        firstRuns.wait()
        let second = Thread {
            results.append(contentsOf: [(try? hashing.withPlace { $0.run(beforeWaiting: { secondWaits.signal() }) { secondRan.append(contentsOf: [true]); return 2 } }) ?? -2])
        }
        second.start()
        secondWaits.wait()
        // Then a third is refused at once as busy, without waiting for either
        #expect(throws: StaffError.signInBusy) { try hashing.withPlace { $0.run { 3 } } }
        // and the second has not run beside the first (one thread)
        #expect(secondRan.all.isEmpty)
        // and once the first is done, both finish with their own results
        letFirstFinish.signal()
        while results.all.count < 2 { usleep(1000) }
        #expect(Set(results.all) == [1, 2])
        // and there is room again
        #expect(try hashing.withPlace { $0.run { 4 } } == 4)
    }

    @Test func theCheckRunsOnAThreadOfItsOwnAtALowerPriorityAfterTheCallerGaveWay() throws {
        // Given hashing 10 below the process's priority
        let hashing = PasswordHashing(threads: 1, waitingLimit: 0, nice: 10)
        let caller = Thread.current
        let callerNice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        var gaveWay = false
        // When a check runs
        let (thread, nice) = try hashing.withPlace { place in
            place.run(beforeWaiting: { gaveWay = Thread.current == caller }) {
                (Thread.current, getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
            }
        }
        // Then the caller gave way (its compute slot) on its own thread before waiting,
        // and the check ran on another thread, 10 below (as far as nice goes: 19)
        #expect(gaveWay)
        #expect(thread != caller)
        #expect(nice == min(19, callerNice + 10))
    }

    @Test func signInChecksTheRealPasswordThroughTheHashing() throws {
        // Given a clerk's account, and hashing with no room to wait, its one thread held by another check
        let fixture = try QueueFixture()
        let hashing = PasswordHashing(threads: 1, waitingLimit: 0)
        let accounts = StaffAccounts(database: fixture.database, hashing: hashing)
        _ = try accounts.addUser(username: "clerk-vad-247-1", displayName: "Meena", password: "demo-clerk-2026", role: .counterStaff,
                                 office: "VAD-247", counterNumber: 1, at: QueueFixture.mondayMorning)
        let holding = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        Thread { _ = try? hashing.withPlace { $0.run { holding.signal(); release.wait() } }; done.signal() }.start()
        holding.wait()
        // When a clerk signs in meanwhile, they are told to try again, and nothing is counted against them
        #expect(throws: StaffError.signInBusy) {
            try accounts.signIn(username: "clerk-vad-247-1", password: "demo-clerk-2026", from: "198.51.100.7", at: QueueFixture.mondayMorning)
        }
        let counted = try fixture.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sign_in_attempt") }
        #expect(counted == 0)
        release.signal()
        done.wait()
        // and once the hashing is free, the same sign-in goes through
        let session = try accounts.signIn(username: "clerk-vad-247-1", password: "demo-clerk-2026", from: "198.51.100.7",
                                          at: QueueFixture.mondayMorning)
        #expect(session.user.username == "clerk-vad-247-1")
        // and a wrong password is still refused as wrong
        #expect(throws: StaffError.invalidCredentials) {
            try accounts.signIn(username: "clerk-vad-247-1", password: "not-the-password", from: "198.51.100.7", at: QueueFixture.mondayMorning)
        }
    }

    @Test func anUnknownNameIsCheckedAgainstAHashAsCostlyAsEveryStaffMembers() throws {
        // Given the decoy hash unknown names are checked against, and a staff password's hash made now
        let made = try StaffCrypto.hashPassword("a-new-password")
        // Then both have the same algorithm, memory, passes and lanes (all before the salt), so a
        // check takes as long whether the name exists or not
        let limits = { (hash: String) in hash.split(separator: "$").prefix(3).joined(separator: "$") }
        #expect(limits(StaffAccounts.decoyHash) == limits(made))
        #expect(limits(made).hasPrefix("argon2id$v=19$m=65536"))
        // and nobody's password opens it
        #expect(!StaffCrypto.verifyPassword("a-new-password", against: StaffAccounts.decoyHash))
    }
}
