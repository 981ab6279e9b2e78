import FastCGI
import Foundation
import GRDB
import Logging
import QueueCore
import Testing
@testable import QueueWeb

/// The web layer driven in-process, without libfcgi or nginx.
@Suite("API basics: health, routing, the error shape")
struct WebApplicationTests {
    static let fixedNow = Date(timeIntervalSince1970: 1_796_000_000)

    static func app(migrated: Bool = true) throws -> WebApplication {
        let database = try AppDatabase.inMemory()
        if migrated {
            try database.migrate()
            try DemoData.install(in: database)
        }
        return WebApplication(services: AppServices(database: database, now: { fixedNow }), logger: Logger(label: "test"))
    }

    static func json(_ response: Response) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(response.bodyBytes)) as? [String: Any])
    }

    static func error(_ response: Response) throws -> [String: Any] {
        let document = try json(response)
        #expect(Set(document.keys) == ["error"])
        return try #require(document["error"] as? [String: Any])
    }

    /// The last migration Schema.swift registers: what a fully migrated database reports.
    static var newestMigration: String? {
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/QueueCore/Schema.swift").standardized
        let source = (try? String(contentsOf: schema, encoding: .utf8)) ?? ""
        return source.components(separatedBy: "registerMigration(\"").dropFirst().last?.components(separatedBy: "\"").first
    }

    @Test func healthIsOKWithTheSchemaVersion() throws {
        let response = try Self.app().respond(to: Request(method: "GET", path: "/api/healthz"))
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/json; charset=utf-8")
        let body = try Self.json(response)
        #expect(body["status"] as? String == "ok")
        // The newest migration registered in Schema.swift, whichever it is.
        #expect(body["schema_version"] as? String == Self.newestMigration)
        #expect(body["offices"] as? Int == 4)
        #expect(body["time"] as? String == "2026-11-30T00:53:20Z")
    }

    @Test func healthIs503WhileMigrationsArePending() throws {
        let response = try Self.app(migrated: false).respond(to: Request(method: "GET", path: "/api/healthz"))
        #expect(response.status == 503)
        #expect(try Self.json(response)["status"] as? String == "migrations_pending")
    }

    @Test func headIsAnsweredLikeGetWithoutABody() throws {
        let response = try Self.app().respond(to: Request(method: "HEAD", path: "/api/healthz"))
        #expect(response.status == 200)
        #expect(response.bodyBytes.isEmpty)
    }

    @Test(arguments: ["/api/nope", "/api/v1/offices/x/y/z", "/api/healthz/extra"])
    func anUnknownRouteIs404InTheErrorShape(path: String) throws {
        let response = try Self.app().respond(to: Request(method: "GET", path: path))
        #expect(response.status == 404)
        let error = try Self.error(response)
        #expect(error["code"] as? String == "not_found")
        #expect((error["message"] as? String)?.isEmpty == false)
    }

    @Test(arguments: [
        "/api/v1/offices/", "/api/v1//offices", "//api/v1/offices", "/api/v1/offices/.", "/api/v1/./offices",
        "/api/v1/offices/VAD-247/../VAD-247", "/api/v1/%6Fffices", "/api/v1/Offices", "/API/v1/offices",
        "/api/v1/offices/%2e%2e/queue", "/token", "/token//", "api/v1/offices",
    ])
    func onlyTheCanonicalSpellingOfAPathIsAnswered(variant: String) throws {
        // Given a route that answers at its canonical path
        let app = try Self.app()
        #expect(try app.respond(to: Request(method: "GET", path: "/api/v1/offices")).status == 200)
        // Then a respelling of it (which nginx's per-path limits would not catch) is not found
        #expect(try app.respond(to: Request(method: "GET", path: variant)).status == 404)
    }

    @Test func aKnownRouteWithTheWrongMethodIs405WithAllow() throws {
        let response = try Self.app().respond(to: Request(method: "POST", path: "/api/healthz"))
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET")
        #expect(try Self.error(response)["code"] as? String == "method_not_allowed")
    }

    @Test func anOversizedBodyIs413InTheErrorShape() throws {
        let app = try Self.app()
        let response = app.rejectOversizedBody(of: Request(method: "POST", path: "/api/v1/tokens"), limit: 4096)
        #expect(response.status == 413)
        let error = try Self.error(response)
        #expect(error["code"] as? String == "body_too_large")
        #expect((error["message"] as? String)?.contains("4096") == true)
    }

    @Test func anInternalErrorIs500QuotingTheRequestID() throws {
        let app = try Self.app()
        let request = Request(method: "GET", path: "/api/healthz", requestID: "req-42")
        let response = app.internalError(for: request, error: CocoaError(.fileReadUnknown))
        #expect(response.status == 500)
        let error = try Self.error(response)
        #expect(error["request_id"] as? String == "req-42")
        #expect((error["message"] as? String)?.contains("req-42") == true)
    }

    @Test(arguments: ["0", "0.1", "301", "abc", "", "nan"])
    func aBadStreamIntervalIs400NamingTheField(interval: String) throws {
        let response = try Self.app().respond(to: Request(method: "GET", path: "/api/healthz/events", query: "interval=\(interval)"))
        #expect(response.status == 400)
        let error = try Self.error(response)
        #expect(error["field"] as? String == "interval")
        #expect(error["code"] as? String == "invalid_field")
    }

    @Test func theHealthStreamNumbersEventsOnFromLastEventID() throws {
        // Given a client reconnecting after event 9
        let response = try Self.app().respond(to: Request(
            method: "GET", path: "/api/healthz/events", query: "interval=0.5", headers: ["Last-Event-ID": "9"]))
        #expect(response.header("content-type") == "text/event-stream; charset=utf-8")
        #expect(response.header("x-accel-buffering") == "no")
        guard case .events(let attach) = response.body else {
            Issue.record("expected an event stream")
            return
        }
        // When the stream runs until the client leaves after two events
        let client = ObservedStream(leaveAfter: 2)
        attach(client)
        try client.waitForWrites(2)
        // Then the events continue from 10, the first says how long to wait before reconnecting
        let events = client.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.count == 2)
        #expect(events[0].hasPrefix("retry: 3000\nid: 10\nevent: health\ndata: {"))
        #expect(events[1].hasPrefix("id: 11\nevent: health\ndata: {"))
        // and once it has left, no thread is left telling it
        try client.waitUntilClosed()
    }

    @Test func eventDataWithLineBreaksBecomesSeveralDataLines() {
        let event = ServerSentEvent(id: "1", event: "x", data: "a\nb\r", retryMilliseconds: nil)
        #expect(event.text == "id: 1\nevent: x\ndata: a\ndata: b\n\n")
    }

    @Test func queryParametersArePercentDecoded() {
        let query = QueryParameters("name=%E0%AA%86%E0%AA%B6%E0%AA%BE+Patel&empty=&bad=%ZZ&x=1&x=2")
        #expect(query["name"] == "આશા Patel")
        #expect(query["empty"] == "")
        #expect(query["bad"] == "")
        #expect(query["x"] == "1")
        #expect(query["missing"] == nil)
        // An encoded plus is a plus; in a path a plus stays one; a cut or non-UTF-8 escape is refused
        #expect(QueryParameters("q=1%2B1+%3D+2")["q"] == "1+1 = 2")
        #expect(PercentDecoding.decode("/a+b%20c") == "/a+b c")
        #expect(PercentDecoding.decode("%4") == nil && PercentDecoding.decode("%FF") == nil)
        #expect(PercentDecoding.decodeFormComponent("plain-secret_1") == "plain-secret_1")
    }
}

/// A stream client that records what it is sent and leaves after a number of writes.
final class RecordingStream: ResponseStream, @unchecked Sendable {
    private let lock = NSLock()
    private var writes: [String] = []
    private let leaveAfter: Int
    private let stopping: Bool

    init(leaveAfter: Int, stopping: Bool = false) {
        self.leaveAfter = leaveAfter
        self.stopping = stopping
    }

    var text: String { lock.lock(); defer { lock.unlock() }; return writes.joined() }

    func write(_ bytes: [UInt8]) throws {
        lock.lock(); defer { lock.unlock() }
        guard writes.count < leaveAfter else { throw StreamClosed() }
        writes.append(String(decoding: bytes, as: UTF8.self))
    }

    var isServerStopping: Bool { stopping }

    func waitWhileServing(seconds: Double) -> Bool { !stopping }
}

@Suite("Storage failures are 503s that health reports")
struct StorageFailureTests {
    @Test func aDatabaseThatIsFullRefusesBookingsWith503AndHealthSaysDiskFull() throws {
        // Given a database that cannot grow (as when its disk is full)
        let database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        let pages = try database.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") } ?? 0
        try database.writer.writeWithoutTransaction { db in _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)") }
        let now = ISO8601DateFormatter().date(from: "2026-11-30T05:30:00Z") ?? Date()
        let app = WebApplication(services: AppServices(database: database, now: { now }), logger: Logger(label: "test"))
        #expect(try app.respond(to: Request(method: "GET", path: "/api/healthz")).status == 200)
        // When citizens book until it is full
        var last: Response?
        for index in 0..<200 {
            let body = #"{"office":"VAD-247","service":"bill-complaint","name":"Asha","phone":"98250\#(String(format: "%05d", index))"}"#
            let response = try app.respond(to: Request(method: "POST", path: "/api/v1/tokens", headers: ["Content-Type": "application/json"],
                                                       body: Array(body.utf8)))
            last = response
            if response.status != 201 { break }
        }
        // Then the refusal is a 503 saying so, with Retry-After, not a 500
        let refused = try #require(last)
        #expect(refused.status == 503)
        #expect(try WebApplicationTests.error(refused)["code"] as? String == "storage_full")
        #expect(refused.header("Retry-After") == "60")
        // And health takes the server out of service until a write goes through again
        let health = try app.respond(to: Request(method: "GET", path: "/api/healthz"))
        #expect(health.status == 503)
        #expect(try WebApplicationTests.json(health)["status"] as? String == "disk_full")
    }
}
