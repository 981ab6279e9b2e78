import Foundation
import GRDB
import Testing
@testable import QueueCore

/// fcgi-app and the worker take turns at SQLite's write lock: a writer that meets it held must
/// try again soon after it is let go, not sleep on for tens of milliseconds as SQLite's own busy
/// timeout does (which starved the worker while bookings came).
@Suite("Waiting for the write lock")
struct BusyRetryTests {
    @Test func sleepsStartAtTensOfMicrosecondsGrowSlowlyAndStopAtTheDeadline() {
        // Given the standard policy
        let retry = BusyRetry.standard
        // When every sleep it asks for is listed, until it gives up
        var sleeps: [Duration] = []
        while let delay = retry.delay(afterTries: sleeps.count) { sleeps.append(delay) }
        // Then the first is 50 µs, none is longer than a millisecond, each is at least the one before,
        // and together they come to the five seconds the busy timeout gave (within the last sleep)
        #expect(sleeps.first == .microseconds(50))
        #expect(sleeps.allSatisfy { $0 <= .milliseconds(1) })
        #expect(zip(sleeps, sleeps.dropFirst()).allSatisfy { $0 <= $1 })
        let total = sleeps.reduce(Duration.zero, +)
        #expect(total <= .seconds(5) && total > .seconds(5) - .milliseconds(1))
        // and seven tries fit in the first millisecond of a wait (SQLite's own handler tries after 1 ms, then 3 ms)
        #expect(sleeps.prefix(7).reduce(Duration.zero, +) < .milliseconds(1))
    }

    @Test func aWriterThatMeetsAHeldLockGetsItAtTheNextTryAfterItIsLetGo() throws {
        // Given the queue's database, whose busy handler is ours with its sleeps recorded, and another
        // connection (as the worker's would be) holding the write lock, which it lets go during the third sleep
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("busy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("queue.sqlite").path
        try AppDatabase.open(path: path).writer.write { db in try db.execute(sql: "CREATE TABLE note (text TEXT NOT NULL)") }
        let holder = try HeldWriteLock(path: path, writing: "INSERT INTO note (text) VALUES ('holder')")
        let database = try AppDatabase.open(path: path, busyRetry: holder.retry(releaseOn: 3))
        // When the queue writes
        try database.writer.write { db in try db.execute(sql: "INSERT INTO note (text) VALUES ('writer')") }
        // Then it waited in three short sleeps (no fourth was needed), and wrote after the holder's commit, which stands
        #expect(holder.sleeps.count == 3)
        #expect(holder.sleeps.allSatisfy { $0 <= .milliseconds(1) })
        #expect(try database.writer.read { db in try String.fetchAll(db, sql: "SELECT text FROM note ORDER BY rowid") } == ["holder", "writer"])
    }
}
