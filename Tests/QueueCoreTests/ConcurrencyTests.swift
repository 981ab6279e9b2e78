import Foundation
import GRDB
import Testing
@testable import QueueCore

/// Many threads at once against one file-backed database, as many fcgi-app threads would.
@Suite("Concurrency", .serialized)
struct ConcurrencyTests {
    /// Runs `body(thread)` on `threads` threads at once and waits for all.
    static func concurrently(_ threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        let gate = DispatchSemaphore(value: 0)
        for index in 0..<threads {
            group.enter()
            Thread {
                gate.wait()
                body(index)
                group.leave()
            }.start()
        }
        for _ in 0..<threads { gate.signal() }
        group.wait()
    }

    @Test func eightThreadsBooking500EachGet4000DistinctGaplessNumbers() throws {
        let fixture = try QueueFixture()
        try fixture.execute("UPDATE office_service SET daily_cap = 10000 WHERE office_code = 'VAD-247'")
        let numbers = Collected<String>()
        let failures = Collected<String>()
        Self.concurrently(8) { thread in
            var mine: [String] = []
            for index in 0..<500 {
                do {
                    mine.append(try fixture.walkIn(citizen: thread * 1000 + index).number)
                } catch {
                    failures.append(contentsOf: ["\(error)"])
                }
            }
            numbers.append(contentsOf: mine)
        }
        #expect(failures.all.isEmpty)
        let expected = (1...4000).map { $0 < 100 ? String(format: "BC-%03d", $0) : "BC-\($0)" }
        #expect(numbers.all.count == 4000)
        #expect(Set(numbers.all) == Set(expected))
    }

    @Test func fourCountersCallingAtOnceNeverTakeOneTokenTwice() throws {
        let fixture = try QueueFixture()
        try fixture.execute("UPDATE office_service SET daily_cap = 10000 WHERE office_code = 'VAD-247'")
        for index in 0..<200 { _ = try fixture.walkIn(citizen: index, at: QueueFixture.mondayMorning.plus(minutes: Double(index) / 100)) }
        let counters = try (11...14).map { try fixture.openCounter("VAD-247", $0, serving: ["bill-complaint"]) }
        let taken = Collected<Int64>()
        let later = QueueFixture.mondayMorning.plus(minutes: 10)
        Self.concurrently(4) { index in
            let counter = counters[index]
            var mine: [Int64] = []
            while let token = try? fixture.queue.callNext(counter: counter, actor: fixture.clerk, at: later) {
                mine.append(token.id)
                _ = try? fixture.queue.start(token: token.id, counter: counter, actor: fixture.clerk, at: later)
                _ = try? fixture.queue.complete(token: token.id, counter: counter, actor: fixture.clerk, at: later)
            }
            taken.append(contentsOf: mine)
        }
        #expect(taken.all.count == 200)
        #expect(Set(taken.all).count == 200)
    }

    @Test func aSlotOfCapacityNBookedBy3NCallersHoldsExactlyN() throws {
        let fixture = try QueueFixture()
        let slot = try fixture.slotID(weekday: 2, hour: 10)
        let capacity = 10
        try fixture.execute("UPDATE appointment_slot SET capacity = ? WHERE id = ?", [capacity, slot])
        let booked = Collected<Int64>()
        let refused = Collected<QueueError>()
        Self.concurrently(3 * capacity) { index in
            do {
                let token = try fixture.queue.book(BookingRequest(
                    officeCode: "VAD-247", serviceCode: "new-lt-connection", citizen: QueueFixture.citizen(index),
                    appointment: (slot, "2026-12-01")), at: QueueFixture.mondayMorning)
                booked.append(contentsOf: [token.id])
            } catch let error as QueueError {
                refused.append(contentsOf: [error])
            } catch {}
        }
        #expect(booked.all.count == capacity)
        #expect(refused.all.count == 2 * capacity)
        #expect(refused.all.allSatisfy { $0 == .slotFull })
    }
}
