import FastCGI
import Foundation
import Logging
import QueueCore
import Testing
@testable import QueueWeb

@Suite("Event streams in-process")
struct EventStreamTests {
    @Test func anOfficeStreamSendsTheSnapshotThenEachChangeWithoutPersonalData() throws {
        // Given an office stream whose client leaves after three messages
        let database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        let queue = Queue(database: database)
        let now = ISO8601DateFormatter().date(from: "2026-11-30T05:30:00Z") ?? Date()
        let app = WebApplication(services: AppServices(queue: queue, now: { now }), logger: Logger(label: "test"))
        let response = try app.respond(to: Request(method: "GET", path: "/api/v1/offices/VAD-247/events"))
        guard case .stream(let produce) = response.body else {
            Issue.record("expected a stream")
            return
        }
        let client = RecordingStream(leaveAfter: 3)
        let done = DispatchSemaphore(value: 0)
        Thread { produce(client); done.signal() }.start()
        Thread.sleep(forTimeInterval: 0.3)
        // When a citizen books and a counter calls them
        let secrets = TokenSecrets.random()
        let token = try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint",
                                                  citizen: CitizenDetails(name: "આશા", phone: "9825012345"), secrets: secrets), at: now)
        Thread.sleep(forTimeInterval: 0.3)
        _ = try queue.callNext(counter: 1, actor: .system, at: now)
        // Then the stream sent a snapshot, the booking and a new snapshot, and ended when the client left
        #expect(done.wait(timeout: .now() + 5) == .success)
        let messages = client.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(messages.count == 3)
        #expect(messages[0].hasPrefix("retry: 3000\nid: 0\nevent: snapshot\n"))
        #expect(messages[1].contains("event: booked\n") && messages[1].contains("\"token\":\"\(token.number)\""))
        #expect(messages[2].contains("event: snapshot\n"))
        #expect(!client.text.contains("9825012345") && !client.text.contains("આશા") && !client.text.contains(secrets.view) && !client.text.contains(secrets.manage))
    }
}
