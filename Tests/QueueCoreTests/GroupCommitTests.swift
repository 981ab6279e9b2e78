import Foundation
import GRDB
import Testing
@testable import QueueCore

/// Changes arriving together share one transaction, and each is still its own: a refused change
/// rolls back alone, an answered one is on disk, and the live picture hears each group once.
@Suite("Group commit", .serialized)
struct GroupCommitTests {
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
