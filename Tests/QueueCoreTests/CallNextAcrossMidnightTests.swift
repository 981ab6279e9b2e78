import Foundation
import GRDB
import Testing
@testable import QueueCore

/// Call next decides from the office's picture only while it shows today's queue, even when the
/// changes of one group straddle the office's midnight.
@Suite("Call next across midnight", .serialized)
struct CallNextAcrossMidnightTests {
    @Test func aCallAfterMidnightInAGroupBegunBeforeItCallsNobodyOfYesterday() throws {
        // Given the round-the-clock office late on Monday, a citizen of Monday waiting, and its picture
        let fixture = try QueueFixture()
        let lateMonday = QueueFixture.mondayMorning.plus(minutes: 12 * 60 + 50)  // 23:50 in Vadodara
        let monday = try fixture.walkIn(citizen: 1, at: lateMonday)
        let counter = try fixture.counterID("VAD-247", 1)
        _ = try fixture.queue.live.office("VAD-247", at: lateMonday.plus(minutes: 9))
        // When, with the write lock held elsewhere, one booking waits alone for it, and another one
        // booked a second before midnight and counter 1's call next a second after it arrive
        // behind it, to be written as one group
        let holder = try HeldWriteLock(path: fixture.path, writing: "UPDATE office SET turn_near_ahead = turn_near_ahead")
        let done = DispatchGroup()
        let called = Collected<Int64?>()
        func inThread(_ body: @escaping @Sendable () throws -> Void) {
            done.enter()
            Thread {
                do { try body() } catch { Issue.record("\(error)") }
                done.leave()
            }.start()
            Thread.sleep(forTimeInterval: 0.3)  // (each change asks to be written before the next: a group keeps their order)
        }
        inThread { _ = try fixture.walkIn(citizen: 2, at: lateMonday.plus(minutes: 9)) }
        inThread { _ = try fixture.walkIn(citizen: 3, at: lateMonday.plus(minutes: 9.99)) }
        inThread {
            called.append(contentsOf: [try fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: lateMonday.plus(minutes: 10.02))?.id])
        }
        holder.releaseNow()
        done.wait()
        // Then (the two later changes written together) the counter calls nobody: Tuesday's queue is
        // empty, as the database's own ordering has it, and Monday's citizens are not called
        #expect(fixture.queue.groupsWritten.groups == 3)
        let reference = try ReferenceAnswers(database: fixture.database).callingOrder(counter: counter, at: lateMonday.plus(minutes: 10.02))
        #expect(reference.isEmpty)
        #expect(called.all == [nil])
        #expect(try fixture.database.writer.read { db in try Token.fetch(db, id: monday.id) }?.state == .waiting)
    }
}
