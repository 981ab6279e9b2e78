import FastCGI
import Foundation
import Logging
import QueueCore
import Testing
@testable import QueueWeb

@Suite("Event streams in-process")
struct EventStreamTests {
    static let now = ISO8601DateFormatter().date(from: "2026-11-30T05:30:00Z") ?? Date()

    /// A demo database, its queue and the application, with the clock fixed.
    static func world() throws -> (Queue, WebApplication) {
        let database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        let queue = Queue(database: database)
        return (queue, WebApplication(services: AppServices(queue: queue, now: { now }), logger: Logger(label: "test")))
    }

    /// Opens a stream: the application is handed the client's end, as the server's stream loop would.
    static func open(_ app: WebApplication, _ path: String, headers: [String: String] = [:], client: ObservedStream) throws {
        let parts = path.split(separator: "?", maxSplits: 1).map(String.init)
        let response = try app.respond(to: Request(method: "GET", path: parts[0], query: parts.count > 1 ? parts[1] : "", headers: headers))
        guard case .events(let attach) = response.body else { throw StreamClosed() }
        attach(client)
    }

    static func book(_ queue: Queue, office: String = "VAD-247", phone: String = "9825012345", secrets: TokenSecrets = .random()) throws -> Token {
        try queue.book(BookingRequest(officeCode: office, serviceCode: "bill-complaint",
                                      citizen: CitizenDetails(name: "આશા", phone: phone), secrets: secrets), at: now)
    }

    @Test func anOfficeStreamSendsTheSnapshotThenEachChangeWithoutPersonalData() throws {
        // Given an office stream that has sent its first snapshot
        let (queue, app) = try Self.world()
        let client = ObservedStream(leaveAfter: 2)
        try Self.open(app, "/api/v1/offices/VAD-247/events", client: client)
        try client.waitForWrites(1)
        // When a citizen books, and then a counter calls them (the client has left by then)
        let secrets = TokenSecrets.random()
        let token = try Self.book(queue, secrets: secrets)
        try client.waitForWrites(2)
        _ = try queue.callNext(counter: 1, actor: .system, at: Self.now)
        // Then the stream sent a snapshot, the booking and a new snapshot, and ended when the client left
        try client.waitUntilClosed()
        #expect(app.hub.followers(office: "VAD-247") == 0)
        let messages = client.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(messages.count == 3)
        #expect(messages[0].hasPrefix("retry: 3000\nid: 0\nevent: snapshot\n"))
        #expect(messages[1].contains("event: booked\n") && messages[1].contains("\"token\":\"\(token.number)\""))
        // (the snapshot carries the id of the last event sent before it)
        #expect(messages[2].hasPrefix(messages[1].components(separatedBy: "\n")[0] + "\nevent: snapshot\n"))
        #expect(!client.text.contains("9825012345") && !client.text.contains("આશા") && !client.text.contains(secrets.view)
                && !client.text.contains(secrets.manage))
    }

    @Test func aPageAsksForTheSnapshotsAloneAndGetsNoEventOneByOne() throws {
        // Given a board's stream, which asks for snapshots only
        let (queue, app) = try Self.world()
        let board = ObservedStream(leaveAfter: 10)
        try Self.open(app, "/api/v1/offices/VAD-247/events?only=snapshot", client: board)
        try board.waitForWrites(1)
        // When a citizen books
        let token = try Self.book(queue)
        try board.waitForWrites(2)
        board.leave()
        // Then it got a new snapshot counting them, and no booking event
        #expect(!board.text.contains("event: booked"))
        let snapshots = board.text.components(separatedBy: "\n\n").filter { $0.contains("event: snapshot") }
        let latest = try queue.latestEventID(office: "VAD-247")
        #expect(snapshots.count == 2 && snapshots[1].hasPrefix("id: \(latest)\n") && snapshots[1].contains("\"waiting\":1"))
        _ = token
        // and anything else asked for is refused
        #expect(try app.respond(to: Request(method: "GET", path: "/api/v1/offices/VAD-247/events", query: "only=everything")).status == 400)
    }

    @Test func aChangeInOneOfficeWakesNoStreamOfAnother() throws {
        // Given a stream following Surat, which has sent its snapshot
        let (queue, app) = try Self.world()
        let surat = ObservedStream(leaveAfter: 10)
        try Self.open(app, "/api/v1/offices/SRT-VRC/events", client: surat)
        try surat.waitForWrites(1)
        let vadodara = ObservedStream(leaveAfter: 10)
        try Self.open(app, "/api/v1/offices/VAD-247/events", client: vadodara)
        try vadodara.waitForWrites(1)
        // When Vadodara changes
        _ = try Self.book(queue)
        try vadodara.waitForWrites(2)
        // Then Surat's stream was not even woken, and wrote nothing more
        #expect(app.hub.broadcasts(office: "VAD-247") >= 1)
        #expect(app.hub.broadcasts(office: "SRT-VRC") == 0)
        #expect(surat.writeCount == 1)
        surat.leave()
        vadodara.leave()
    }

    @Test func aTokenCalledWhileItsStreamWasStartingIsSentCalled() throws {
        // Given a booked token, read as its stream's request reads it, and then called; the call
        // already written out to the office's followers
        let (queue, app) = try Self.world()
        let board = ObservedStream(leaveAfter: 10)
        try Self.open(app, "/api/v1/offices/VAD-247/events", client: board)
        try board.waitForWrites(1)
        let asRead = try Self.book(queue)
        try board.waitForWrites(2)
        _ = try queue.call(token: asRead.id, counter: 1, actor: .system, at: Self.now)
        try board.waitForWrites(3)
        // When the token's stream starts with the token as its request read it
        let page = ObservedStream(leaveAfter: 10)
        try app.hub.follow(token: asRead, sink: page)
        // Then its first status is the call, not the wait the request saw
        try page.waitForWrites(1)
        #expect(page.text.contains("event: status\n") && page.text.contains("\"state\":\"called\""))
        page.leave()
        board.leave()
    }

    @Test func aTokenStreamSpeaksTheLanguageItsPageAsksFor() throws {
        // Given a Gujarati citizen's token, its page switched to English
        let (queue, _) = try Self.world()
        let app = WebApplication(services: AppServices(queue: queue, text: RepositoryStrings.text, now: { Self.now }),
                                 logger: Logger(label: "test"))
        let secrets = TokenSecrets.random()
        let token = try Self.book(queue, secrets: secrets)
        #expect(token.citizen.language == "gu")
        let english = ObservedStream(leaveAfter: 1)
        try Self.open(app, "/api/v1/tokens/\(token.id)/events?secret=\(secrets.view)&lang=en", client: english)
        let own = ObservedStream(leaveAfter: 1)
        try Self.open(app, "/api/v1/tokens/\(token.id)/events?secret=\(secrets.view)", client: own)
        // Then the place in words comes in English on the one and in Gujarati on the other
        try english.waitForWrites(1)
        try own.waitForWrites(1)
        #expect(english.text.contains("\"ahead_text\":\"Nobody before you\""))
        #expect(own.text.contains("\"ahead_text\":\"તમારી પહેલાં કોઈ નથી\""))
        // And a language the site does not have is refused, naming the field
        let refused = try app.respond(to: Request(method: "GET", path: "/api/v1/tokens/\(token.id)/events",
                                                  query: "secret=\(secrets.view)&lang=fr", headers: [:]))
        #expect(refused.status == 400)
        guard case .bytes(let body) = refused.body else { Issue.record("no body"); return }
        #expect(String(decoding: body, as: UTF8.self).contains("\"field\":\"lang\""))
    }

    @Test func theAuditLogsKindsNeverReachThePublicStream() throws {
        // Given an office stream
        let (queue, app) = try Self.world()
        let client = ObservedStream(leaveAfter: 10)
        try Self.open(app, "/api/v1/offices/VAD-247/events", client: client)
        try client.waitForWrites(1)
        // When a manager changes the queue rules, and a kiosk is enrolled, then a citizen books
        try queue.setPolicy(office: "VAD-247", to: QueuePolicy(maxPriorityStreak: 3, agingMinutes: 40, recallLimit: 2,
                                                                 activeTokensPerPhone: 3), actor: .staff(id: 1, username: "manager"), at: Self.now)
        _ = try KioskDevices(database: queue.database).enrol(office: "VAD-247", label: "Hall", by: .system, at: Self.now)
        _ = try Self.book(queue)
        try client.waitUntil { $0.contains("event: booked\n") }
        client.leave()
        // Then the public stream says a token was booked, and nothing of the rules or the kiosk
        #expect(!client.text.contains("policy_changed") && !client.text.contains("kiosk_enrolled") && !client.text.contains("manager"))
        #expect(EventKind.allCases.filter(\.isPublic).allSatisfy { !$0.rawValue.hasPrefix("staff") && !$0.rawValue.hasPrefix("kiosk") })
    }

    @Test func aLastEventIDTheOfficeHasNotReachedStartsTheStreamAfresh() throws {
        // Given a client coming back with an id beyond the office's newest (made up, or from before a restore)
        let (queue, app) = try Self.world()
        let client = ObservedStream(leaveAfter: 10)
        try Self.open(app, "/api/v1/offices/VAD-247/events", headers: ["Last-Event-ID": "1000000000"], client: client)
        try client.waitForWrites(1)
        // When a citizen books
        let token = try Self.book(queue)
        // Then the stream hears of it, as a fresh one would
        try client.waitUntil { $0.contains("event: booked\n") && $0.contains("\"token\":\"\(token.number)\"") }
        #expect(client.text.hasPrefix("retry: 3000\nid: "))
        client.leave()
    }

    @Test func lastEventIDResumesExactlyEvenFromBeforeWhatMemoryHolds() throws {
        // Given an office whose memory of recent events has overflowed
        let (queue, app) = try Self.world()
        try queue.database.writer.write { db in try db.execute(sql: "UPDATE office_service SET daily_cap = 10000") }
        queue.live.forget()
        let follower = ObservedStream(leaveAfter: 100_000)
        try Self.open(app, "/api/v1/offices/VAD-247/events", client: follower)
        try follower.waitForWrites(1)
        let start = try queue.latestEventID(office: "VAD-247")
        let counter = try #require(try queue.counterID(office: "VAD-247", number: 1))
        var numbers: [String] = []
        for index in 0..<(LiveUpdateHub.recentCapacity / 4 + 20) {
            let token = try Self.book(queue, phone: String(9_800_000_000 + index))
            _ = try queue.call(token: token.id, counter: counter, actor: .system, at: Self.now)
            _ = try queue.start(token: token.id, counter: counter, actor: .system, at: Self.now)
            _ = try queue.complete(token: token.id, counter: counter, actor: .system, at: Self.now)
            numbers.append(token.number)
        }
        follower.leave()
        // When a client comes back with the last id it saw before all that
        let resumed = ObservedStream(leaveAfter: 100)
        try Self.open(app, "/api/v1/offices/VAD-247/events", headers: ["Last-Event-ID": String(start)], client: resumed)
        let last = try queue.latestEventID(office: "VAD-247")
        try resumed.waitUntil { $0.contains("id: \(last)\nevent: snapshot\n") }
        resumed.leave()
        // Then it gets every booking since, in order, none twice, then a snapshot
        let booked = resumed.text.components(separatedBy: "\n\n").filter { $0.contains("event: booked\n") }
        #expect(booked.count == numbers.count)
        #expect(booked.map { $0.components(separatedBy: "\"token\":\"")[1].prefix { $0 != "\"" } }.map(String.init) == numbers)
        #expect(resumed.text.hasSuffix("\n\n") && resumed.text.components(separatedBy: "\n\n").dropLast().last?.contains("event: snapshot") == true)
    }

    @Test func aClientThatMissedMoreThanAReplayHoldsStartsAfreshWithTheSnapshot() throws {
        // Given a client that saw an office's stream, then missed more events than one replay may send
        let (queue, app) = try Self.world()
        try queue.database.writer.write { db in try db.execute(sql: "UPDATE office_service SET daily_cap = 10000") }
        let start = try queue.latestEventID(office: "VAD-247")
        let counter = try #require(try queue.counterID(office: "VAD-247", number: 1))
        var missedBytes = 0, counted = start, index = 0
        while missedBytes <= LiveUpdateHub.resumeLimitBytes {
            let token = try Self.book(queue, phone: String(9_800_000_000 + index))
            _ = try queue.call(token: token.id, counter: counter, actor: .system, at: Self.now)
            _ = try queue.start(token: token.id, counter: counter, actor: .system, at: Self.now)
            _ = try queue.complete(token: token.id, counter: counter, actor: .system, at: Self.now)
            let events = try queue.events(office: "VAD-247", after: counted)
            missedBytes += events.filter { $0.eventKind?.isPublic == true }.reduce(0) { $0 + LiveUpdateHub.message($1).text.count }
            counted = events.last?.id ?? counted
            index += 1
        }
        // When it comes back with the last id it saw
        let resumed = ObservedStream(leaveAfter: 100)
        try Self.open(app, "/api/v1/offices/VAD-247/events", headers: ["Last-Event-ID": String(start)], client: resumed)
        try resumed.waitForWrites(1)
        resumed.leave()
        // Then its stream starts afresh: the office's snapshot as of now, and none of the missed events
        let last = try queue.latestEventID(office: "VAD-247")
        #expect(resumed.text.hasPrefix("retry: 3000\nid: \(last)\nevent: snapshot\n"))
        #expect(!resumed.text.contains("event: booked\n"))
        // And a client that missed less still gets every event it missed (the limit is what a replay may hold)
        let recent = ObservedStream(leaveAfter: 100)
        try Self.open(app, "/api/v1/offices/VAD-247/events", headers: ["Last-Event-ID": String(last - 8)], client: recent)
        try recent.waitForWrites(1)
        recent.leave()
        #expect(recent.text.contains("event: completed\n") && recent.text.contains("id: \(last)\nevent: snapshot\n"))
    }
}

/// A stream's client that records what it is sent, lets a test wait for it, and leaves after a number
/// of writes (or when told).
final class ObservedStream: EventSink, @unchecked Sendable {
    private let condition = NSCondition()
    private var writes: [String] = []
    private var gone = false
    private let leaveAfter: Int

    init(leaveAfter: Int) { self.leaveAfter = leaveAfter }

    var text: String { condition.lock(); defer { condition.unlock() }; return writes.joined() }
    var writeCount: Int { condition.lock(); defer { condition.unlock() }; return writes.count }

    func send(_ message: EventMessage) throws {
        condition.lock(); defer { condition.unlock() }
        guard !gone else { throw StreamClosed() }
        guard writes.count < leaveAfter else {
            gone = true
            condition.broadcast()
            throw StreamClosed()
        }
        writes.append(String(decoding: message.bytes, as: UTF8.self))
        condition.broadcast()
    }

    var isClosed: Bool { condition.lock(); defer { condition.unlock() }; return gone }

    func close() { leave() }

    func leave() { condition.lock(); gone = true; condition.broadcast(); condition.unlock() }

    /// Waits (up to 10 s) until at least `count` writes arrived.
    func waitForWrites(_ count: Int) throws {
        try waitUntil { _ in self.writes.count >= count }
    }

    /// Waits (up to 10 s) until the stream has closed.
    func waitUntilClosed() throws {
        try waitUntil { _ in self.gone }
    }

    /// Waits (up to 10 s) until what was written satisfies `condition`.
    func waitUntil(_ satisfied: (String) -> Bool) throws {
        let deadline = Date().addingTimeInterval(10)
        condition.lock(); defer { condition.unlock() }
        while !satisfied(writes.joined()) {
            guard condition.wait(until: deadline) else { throw StreamClosed() }
        }
    }
}
