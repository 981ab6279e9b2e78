import Foundation
import GRDB
import Testing
@testable import QueueCore

/// Changes arriving together share one transaction, and each is still its own: a refused change
/// rolls back alone, an answered one is on disk, and the live picture hears each group once.
@Suite("Group commit", .serialized)
struct GroupCommitTests {
    @Test func withNoThreadToBeHadTheCallersWriteTheirChangesThemselves() throws {
        // Given a process out of tasks: the writer thread cannot start
        let fixture = try QueueFixture()
        fixture.queue.group.startThread = { _, _ in false }
        // When eight threads book 25 each at once
        let booked = Collected<Int64>()
        let finished = DispatchSemaphore(value: 0)
        Thread {
            ConcurrencyTests.concurrently(8) { thread in
                for index in 0..<25 {
                    if let token = try? fixture.walkIn(citizen: thread * 100 + index) { booked.append(contentsOf: [token.id]) }
                }
            }
            finished.signal()
        }.start()
        // Then every booking is answered, rather than waiting for ever, and stored, numbered without a gap
        try #require(finished.wait(timeout: .now() + 60) == .success)
        let other = try DatabaseQueue(path: fixture.path)
        let numbers = try other.read { db in try Int.fetchAll(db, sql: "SELECT sequence FROM token WHERE office_code = 'VAD-247' ORDER BY sequence") }
        #expect(booked.all.count == 200 && numbers == Array(1...200))
    }

    @Test func bookingsArrivingTogetherShareCommitsAndARefusedOneChangesNothingElse() throws {
        // Given an office where bill complaints take 230 tokens a day and meter complaints none
        let fixture = try QueueFixture()
        try fixture.execute("UPDATE office_service SET daily_cap = 230 WHERE office_code = 'VAD-247' AND service_code = 'bill-complaint'")
        try fixture.execute("UPDATE office_service SET daily_cap = 0 WHERE office_code = 'VAD-247' AND service_code = 'meter-complaint'")
        _ = try fixture.queue.live.office("VAD-247", at: QueueFixture.mondayMorning)
        let booked = Collected<Int64>(), refused = Collected<String>()
        // When eight threads book 320 at once, one in four asking for meter complaints
        ConcurrencyTests.concurrently(8) { thread in
            for index in 0..<40 {
                let service = index % 4 == 0 ? "meter-complaint" : "bill-complaint"
                do {
                    booked.append(contentsOf: [try fixture.walkIn(service, citizen: thread * 100 + index).id])
                } catch QueueError.dailyCapReached(let service) {
                    refused.append(contentsOf: [service])
                } catch {
                    refused.append(contentsOf: ["unexpected \(error)"])
                }
            }
        }
        // Then every answered booking is in the database, read by another connection, and nothing else is
        let other = try DatabaseQueue(path: fixture.path)
        let stored = try other.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM token WHERE office_code = 'VAD-247'") }
        #expect(Set(stored) == Set(booked.all) && stored.count == 230)
        // and the 80 meter complaints and the 10 bill complaints beyond the cap were refused
        #expect(refused.all.filter { $0 == "meter-complaint" }.count == 80 && refused.all.filter { $0 == "bill-complaint" }.count == 10)
        // and the numbers are gapless
        let numbers = try other.read { db in try Int.fetchAll(db, sql: "SELECT sequence FROM token WHERE office_code = 'VAD-247' ORDER BY sequence") }
        #expect(numbers == Array(1...230))
        // and they went in fewer transactions than bookings
        let written = fixture.queue.groupsWritten
        #expect(written.changes == 320 && written.groups < written.changes)
        // and the picture, which heard each group once, is the one a fresh load gives
        let taken = try fixture.queue.live.office("VAD-247", at: QueueFixture.mondayMorning)
        let fresh = try fixture.database.writer.read { db in try LiveOffice.load(db, office: "VAD-247", at: QueueFixture.mondayMorning) }
        #expect(taken.differences(from: fresh) == [])
    }

    @Test func theWriterCommitsWithTheDurabilityAskedFor() throws {
        // Given databases opened with full and with normal durability
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("durability-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let full = try AppDatabase.open(path: folder.appendingPathComponent("full.sqlite").path)
        let normal = try AppDatabase.open(path: folder.appendingPathComponent("normal.sqlite").path, durability: .normal)
        // Then the connection that commits the bookings syncs each commit to disk (FULL, 2) by default,
        // and only when asked does not (NORMAL, 1): opening a WAL pool resets it to NORMAL otherwise
        #expect(try full.synchronousLevel() == 2)
        #expect(try normal.synchronousLevel() == 1)
        // and a savepoint's journal stays in memory rather than in a temporary file per booking (MEMORY, 2)
        #expect(try full.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA temp_store") } == 2)
    }

    @Test func aGroupThatCannotCommitFailsEveryChangeInIt() throws {
        // Given the database refuses every write (as a full disk does)
        let fixture = try QueueFixture()
        try fixture.execute("""
            CREATE TRIGGER refuse BEFORE INSERT ON event BEGIN SELECT RAISE(ABORT, 'refused'); END
            """)
        // When citizens book, then each is told it failed and nothing is stored
        ConcurrencyTests.concurrently(4) { thread in
            #expect(throws: (any Error).self) { _ = try fixture.walkIn(citizen: thread) }
        }
        let count = try fixture.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM token") }
        #expect(count == 0)
    }
}

extension GroupCommitTests {
    @Test func countersCallingTogetherEachTakeTheNextInLineWhileCitizensBook() throws {
        // Given 300 walk-ins waiting, eight open counters serving them, and the office's picture loaded
        let fixture = try QueueFixture()
        try fixture.execute("UPDATE office_service SET daily_cap = 10000 WHERE office_code = 'VAD-247'")
        let counters = try (11...18).map { try fixture.openCounter("VAD-247", $0, serving: ["bill-complaint"]) }
        let start = QueueFixture.mondayMorning
        for index in 0..<300 { _ = try fixture.walkIn(citizen: index, at: start.plus(minutes: Double(index) / 100)) }
        let at = start.plus(minutes: 5)
        _ = try fixture.queue.live.office("VAD-247", at: at)
        let failures = Collected<String>()
        // When the eight counters call, serve and call again at once, while others book behind them
        ConcurrencyTests.concurrently(10) { thread in
            for round in 0..<15 {
                do {
                    if thread < 8 {
                        let counter = counters[thread]
                        guard let token = try fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: at) else { continue }
                        _ = try fixture.queue.start(token: token.id, counter: counter, actor: fixture.clerk, at: at)
                        _ = try fixture.queue.complete(token: token.id, counter: counter, actor: fixture.clerk, at: at)
                    } else {
                        _ = try fixture.walkIn(citizen: 1000 + thread * 100 + round, at: at)
                    }
                } catch {
                    failures.append(contentsOf: ["\(error)"])
                }
            }
        }
        // Then no call failed, and in the order they committed, the calls took the first 120 in line
        #expect(failures.all == [])
        let called = try fixture.database.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT token_id FROM event WHERE kind = 'called' AND office_code = 'VAD-247' ORDER BY id")
        }
        let firstInLine = try fixture.database.writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM token WHERE office_code = 'VAD-247' ORDER BY queued_at, id LIMIT 120")
        }
        #expect(called == firstInLine)
        // and calls were decided inside shared transactions
        let written = fixture.queue.groupsWritten
        #expect(written.groups < written.changes)
    }

    @Test func theWriterThreadAsksForItsPriorityAndWritesEvenWhenRefused() throws {
        // Given a queue whose writer asks for nice -5 (no other thread of this process is at -5)
        let fixture = try QueueFixture()
        let queue = Queue(database: fixture.database, writerNice: -5)
        #expect(Self.threadNices().filter { $0 == -5 }.isEmpty)
        // When a citizen books
        let token = try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint",
                                                  citizen: QueueFixture.citizen(1)), at: QueueFixture.mondayMorning)
        // Then the booking is written, and the writer thread (alive for a second after) runs at -5
        // where this process may raise a thread (root in CI), and at the process's own where it may not
        #expect(try queue.token(token.id)?.state == .waiting)
        let raised = Self.threadNices().filter { $0 == -5 }.count
        #expect(raised == (Queue.canRaiseWriter(to: -5) ? 1 : 0))
    }

    @Test func eachChangeSaysItWaitsOnItsOwnThreadBeforeItWaitsForItsCommit() throws {
        // Given a database that notes which thread says it waits to write (the server then gives
        // back the thread's compute slot)
        let fixture = try QueueFixture()
        let said = Collected<String>()
        fixture.database.writeWait.set { said.append(contentsOf: [Thread.current.name ?? "?"]) }
        // When three threads each book once
        ConcurrencyTests.concurrently(3) { thread in
            Thread.current.name = "citizen-\(thread)"
            _ = try? fixture.queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint",
                                                       citizen: QueueFixture.citizen(thread + 1)), at: QueueFixture.mondayMorning)
        }
        // Then each said so once, on its own thread, never on the writer's
        #expect(said.all.sorted() == ["citizen-0", "citizen-1", "citizen-2"])
        // And a write outside the queue's group commits (a clerk's heartbeat) says so too
        let counter = try fixture.counterID("VAD-247", 1)
        ConcurrencyTests.concurrently(1) { _ in
            Thread.current.name = "clerk"
            try? fixture.queue.heartbeat(counter: counter, actor: .staff(id: 1, username: "amit"), at: QueueFixture.mondayMorning)
        }
        #expect(said.all.filter { $0 == "clerk" }.count == 1)
    }

    /// The nice value of each thread of this process (field 19 of /proc/self/task/*/stat).
    private static func threadNices() -> [Int] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { task in
            guard let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 16 ? Int(fields[16]) : nil
        }
    }
}
