import Foundation
import GRDB
import Testing
@testable import QueueCore

/// The desk says whether the citizen at the counter was told of their call. The answer to a key
/// press takes it from the press's own change (read on the writer's connection); any later look
/// reads the outbox, which the worker moves on without an event.
@Suite("A counter's desk says whether the citizen was told of the call")
struct CounterDeskToldTests {
    let start = QueueFixture.mondayMorning

    @Test func aKeyPressAnswersWithWhatItsChangeSawAndALaterLookWithWhatTheWorkerDid() throws {
        // Given two walk-ins who gave a phone, and counter 1 open
        let fixture = try QueueFixture()
        let queue = fixture.queue
        let counter = try fixture.counterID("VAD-247", 1)
        for index in 0..<2 { _ = try fixture.walkIn(citizen: index, at: start.plus(minutes: Double(index) / 10)) }
        let pending = [CounterDesk.MessageStatus(channel: "sms", state: "pending")]
        let delivered = [CounterDesk.MessageStatus(channel: "sms", state: "delivered")]
        // When the clerk calls next, then the answer says the SMS is on its way
        let called = try #require(try queue.callNext(counter: counter, actor: fixture.clerk, at: start.plus(minutes: 1)))
        #expect(try queue.desk(counter: counter, answering: called.id, at: start.plus(minutes: 1)).current?.toldOfCall == pending)
        // When the worker has delivered it (another process, no event)
        try fixture.execute("UPDATE outbox SET state = 'delivered' WHERE token_id = ? AND trigger = 'called'", [called.id])
        // Then the console's next look says so
        #expect(try queue.desk(counter: counter, at: start.plus(minutes: 2)).current?.toldOfCall == delivered)
        // and so does the answer to the clerk's next key press, whose change read it afresh
        let started = try queue.start(token: called.id, counter: counter, actor: fixture.clerk, at: start.plus(minutes: 2))
        #expect(try queue.desk(counter: counter, answering: started.id, at: start.plus(minutes: 2)).current?.toldOfCall == delivered)
        // and "done, next" answers with the next citizen's own message, on its way
        let next = try #require(try queue.completeAndCallNext(token: called.id, counter: counter, actor: fixture.clerk,
                                                               at: start.plus(minutes: 9)).called)
        let desk = try queue.desk(counter: counter, answering: next.id, at: start.plus(minutes: 9))
        #expect(desk.current?.tokenID == next.id && desk.current?.toldOfCall == pending)
    }
}
