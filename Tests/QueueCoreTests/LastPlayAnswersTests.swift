import Foundation
import Testing
@testable import QueueCore

/// Bookings one after another into an office with a priority citizen waiting (so that more are
/// expected): each version's answers, taken up from the office's last play with a plan made from
/// its tokens and the newcomers' alone, are those of a whole play of that version.
@Suite("Answers taken up from the office's last play")
struct LastPlayAnswersTests {
    @Test func eachBookingIsAnsweredAsAWholePlayOfItsVersion() throws {
        let fixture = try QueueFixture()
        try fixture.execute("UPDATE office_service SET daily_cap = 10000 WHERE office_code = 'VAD-247'")
        try fixture.execute("UPDATE queue_policy SET active_tokens_per_phone = 100")
        let start = QueueFixture.mondayMorning
        let now = start.plus(minutes: 30)
        let services = ["bill-complaint", "meter-complaint"]
        for (index, number) in (11...13).enumerated() {
            let counter = try fixture.openCounter("VAD-247", number, serving: index == 0 ? services : [services[index % 2]])
            try fixture.queue.heartbeat(counter: counter, actor: fixture.clerk, at: now)
        }
        for index in 0..<60 { _ = try fixture.walkIn(services[index % 2], citizen: index, at: start.plus(minutes: Double(index) * 0.4)) }
        _ = try fixture.walkIn(citizen: 500, priority: .seniorCitizen, at: start.plus(minutes: 25))
        let memo = LastPlay()
        for step in 0..<25 {
            // When a walk-in books
            _ = try fixture.walkIn(services[step % 3 == 0 ? 1 : 0], citizen: 1000 + step, at: now)
            let picture = try fixture.queue.live.office("VAD-247", at: now)
            let answers = picture.answers(at: now, lastPlay: memo), whole = picture.answers(at: now)
            // Then every place and wait, and a newcomer's, are those of a whole play
            #expect(answers.allPositions() == whole.allPositions(), "step \(step)")
            #expect(answers.newcomers(services) == whole.newcomers(services), "step \(step)")
        }
        // and all but the first were worked out from the last play
        #expect(memo.takenUp == 24)
    }
}
