import Foundation
import GRDB
import Testing
@testable import QueueCore

/// The scheduled jobs as a runner calls them: leases, catch-up after downtime, purges.
@Suite("Scheduled jobs")
struct OfficeDayJobsTests {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text) ?? Date() }
    static let mondayMorning = at("2026-11-30T11:00:00+05:30")

    static func jobs(_ fixture: QueueFixture, owner: String = "runner-a") -> OfficeDayJobs {
        OfficeDayJobs(queue: fixture.queue, settings: .init(leaseSeconds: 300, owner: owner))
    }

    static func job(_ fixture: QueueFixture, _ name: String, _ scope: String = "") throws -> ScheduledJob {
        try #require(try jobs(fixture).jobs().first { $0.name == name && $0.scope == scope })
    }

    @Test func aFirstRunRunsEveryJobOnceAndSchedulesEachNextTime() throws {
        // Given a database whose jobs have never run
        let fixture = try QueueFixture()
        // When a runner looks on Monday morning
        let runs = try Self.jobs(fixture).runDueJobs(at: Self.mondayMorning)
        // Then each office's day-end, the retention, the purge and the checkpoint ran, all well
        #expect(Set(runs.map(\.name)) == [OfficeDayJobs.dayEnd, OfficeDayJobs.retention, OfficeDayJobs.purge, OfficeDayJobs.checkpoint])
        #expect(runs.filter { $0.name == OfficeDayJobs.dayEnd }.map(\.scope).sorted() == ["GNR-CTY", "RJT-C1", "SRT-VRC", "VAD-247"])
        #expect(runs.allSatisfy { $0.outcome == .ok })
        // And each is next due at its time: Surat at its closing, Vadodara at midnight, retention at 03:00
        #expect(try Self.job(fixture, OfficeDayJobs.dayEnd, "SRT-VRC").dueAt == Self.at("2026-11-30T18:30:00+05:30"))
        #expect(try Self.job(fixture, OfficeDayJobs.dayEnd, "VAD-247").dueAt == Self.at("2026-12-01T00:00:00+05:30"))
        #expect(try Self.job(fixture, OfficeDayJobs.retention).dueAt == Self.at("2026-12-01T03:00:00+05:30"))
        // And a second look a minute later finds nothing due
        #expect(try Self.jobs(fixture).runDueJobs(at: Self.mondayMorning.plus(minutes: 1)).isEmpty)
    }

    @Test func everyOfficesDayEndIsRegisteredAndATickWithNothingNewWritesNothing() throws {
        // Given the demo offices, and a first tick that registered and ran every job
        let fixture = try QueueFixture()
        let offices = try fixture.database.writer.read { db in try String.fetchAll(db, sql: "SELECT code FROM office ORDER BY code") }
        #expect(offices.count >= 4)
        _ = try Self.jobs(fixture).runDueJobs(at: Self.mondayMorning)
        #expect(try Self.jobs(fixture).jobs().filter { $0.name == OfficeDayJobs.dayEnd }.map(\.scope).sorted() == offices)
        // When the loop ticks again a few seconds later, with no new office and nothing due
        let statements = Collected<String>()
        let changesBefore = fixture.database.writer.writeWithoutTransaction { db in
            db.trace { statements.append(contentsOf: ["\($0)"]) }
            return db.totalChangesCount
        }
        let runs = try Self.jobs(fixture).runDueJobs(at: Self.mondayMorning.addingTimeInterval(5))
        // Then it ran nothing and wrote nothing: not a statement on the writer's connection
        let changesAfter = fixture.database.writer.writeWithoutTransaction { db in
            db.trace(options: [], nil)
            return db.totalChangesCount
        }
        #expect(runs.isEmpty)
        #expect(statements.all == [])
        #expect(changesAfter == changesBefore)
        // And an office added later gets its day-end at the next tick
        try fixture.execute("""
            INSERT INTO office (code, discom_code, name_en, name_gu, name_hi)
            SELECT 'ANK-NEW', discom_code, 'Anand', 'આણંદ', 'आणंद' FROM office WHERE code = 'VAD-247'
            """)
        _ = try Self.jobs(fixture).runDueJobs(at: Self.mondayMorning.addingTimeInterval(10))
        #expect(try Self.jobs(fixture).jobs().filter { $0.name == OfficeDayJobs.dayEnd }.map(\.scope).sorted() == (offices + ["ANK-NEW"]).sorted())
    }

    @Test func twoRunnersNeverHoldTheSameJobAtOnce() throws {
        // Given a due job
        let fixture = try QueueFixture()
        _ = try Self.jobs(fixture).runDueJobs(at: Self.mondayMorning)
        let closing = Self.at("2026-11-30T18:30:00+05:30")
        // When two runners try to take Surat's day-end at its closing
        let (first, second) = try fixture.database.writer.write { db in
            (try JobLease.claim(db, name: OfficeDayJobs.dayEnd, scope: "SRT-VRC", owner: "a", at: closing, seconds: 300),
             try JobLease.claim(db, name: OfficeDayJobs.dayEnd, scope: "SRT-VRC", owner: "b", at: closing, seconds: 300))
        }
        // Then only the first gets it, and a runner that looks while it is held skips it
        #expect(first?.owner == "a" && second == nil)
        let runs = try Self.jobs(fixture, owner: "c").runDueJobs(at: closing.plus(minutes: 1))
        #expect(!runs.contains { $0.name == OfficeDayJobs.dayEnd && $0.scope == "SRT-VRC" })
    }

    @Test func aJobLeftByAKilledRunnerIsRunByAnotherOnceItsLeaseRunsOut() throws {
        // Given a waiting token at Surat, and a runner killed at closing while holding Surat's day-end
        let fixture = try QueueFixture()
        _ = try Self.jobs(fixture).runDueJobs(at: Self.mondayMorning)
        let token = try fixture.walkIn(office: "SRT-VRC", at: Self.mondayMorning)
        let closing = Self.at("2026-11-30T18:30:00+05:30")
        _ = try fixture.database.writer.write { db in
            try JobLease.claim(db, name: OfficeDayJobs.dayEnd, scope: "SRT-VRC", owner: "killed", at: closing, seconds: 300)
        }
        // When another runner looks while the lease holds, then after it has run out
        let during = try Self.jobs(fixture, owner: "b").runDueJobs(at: closing.plus(minutes: 4))
        let after = try Self.jobs(fixture, owner: "b").runDueJobs(at: closing.plus(minutes: 5))
        // Then the job waits for the lease, and then the other runner runs it
        #expect(!during.contains { $0.scope == "SRT-VRC" })
        #expect(after.contains { $0.name == OfficeDayJobs.dayEnd && $0.scope == "SRT-VRC" && $0.rowsAffected == 1 })
        #expect(try fixture.queue.token(token.id)?.state == .expired)
        let record = try Self.job(fixture, OfficeDayJobs.dayEnd, "SRT-VRC")
        #expect(record.leaseOwner == nil && record.lastOutcome == "ok" && record.dueAt == Self.at("2026-12-01T18:30:00+05:30"))
    }

    @Test func dayEndsMissedWhileNothingRanAreCaughtUpInOneRun() throws {
        // Given the jobs ran on Monday morning, and tokens were left waiting on Monday and Tuesday
        let fixture = try QueueFixture()
        _ = try Self.jobs(fixture).runDueJobs(at: Self.mondayMorning)
        let monday = try fixture.walkIn(office: "SRT-VRC", citizen: 1, at: Self.mondayMorning)
        let tuesday = try fixture.walkIn(office: "SRT-VRC", citizen: 2, at: Self.at("2026-12-01T11:00:00+05:30"))
        // When no runner ran until Thursday morning
        let runs = try Self.jobs(fixture).runDueJobs(at: Self.at("2026-12-03T10:00:00+05:30"))
        // Then Surat's day-end ran once, ending both days' tokens, and is next due on Thursday evening
        let surat = runs.filter { $0.name == OfficeDayJobs.dayEnd && $0.scope == "SRT-VRC" }
        #expect(surat.count == 1 && surat.first?.rowsAffected == 2)
        #expect(try fixture.queue.token(monday.id)?.state == .expired && fixture.queue.token(tuesday.id)?.state == .expired)
        let record = try Self.job(fixture, OfficeDayJobs.dayEnd, "SRT-VRC")
        #expect(record.runs == 2 && record.dueAt == Self.at("2026-12-03T18:30:00+05:30"))
    }

    @Test func expiredStaffSessionsOldSignInAttemptsAndBookingKeysArePurged() throws {
        // Given a clerk signed in on Monday (a session for 12 hours) and a failed sign-in
        let fixture = try QueueFixture()
        let accounts = StaffAccounts(database: fixture.database)
        _ = try accounts.addUser(username: "asha", displayName: "Asha", password: "a long enough password", role: .counterStaff,
                                 office: "VAD-247", counterNumber: nil, at: Self.mondayMorning)
        _ = try accounts.signIn(username: "asha", password: "a long enough password", from: "10.0.0.1", at: Self.mondayMorning)
        _ = try? accounts.signIn(username: "asha", password: "wrong", from: "10.0.0.2", at: Self.mondayMorning)
        let count = { (table: String) in try fixture.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? -1 } }
        #expect(try count("staff_session") == 1 && count("sign_in_attempt") >= 1)
        // When the purge runs the same evening, the session stays; two days later both are gone
        let jobs = Self.jobs(fixture)
        _ = try jobs.runDueJobs(at: Self.mondayMorning.plus(minutes: 60))
        #expect(try count("staff_session") == 1)
        let runs = try jobs.runDueJobs(at: Self.at("2026-12-02T11:00:00+05:30"))
        #expect(try count("staff_session") == 0 && count("sign_in_attempt") == 0)
        #expect(runs.contains { $0.name == OfficeDayJobs.purge && $0.rowsAffected >= 2 })
    }
}
