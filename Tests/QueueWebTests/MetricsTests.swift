import FastCGI
import Foundation
import Logging
import QueueCore
import Testing
@testable import QueueWeb

/// `/api/metrics` driven in-process: what Prometheus would read after citizens and clerks acted.
@Suite("Metrics: requests by route template, the queue's activity and its present")
struct MetricsTests {
    static let monday = ISO8601DateFormatter().date(from: "2026-11-30T05:30:00Z") ?? Date()
    let app: WebApplication

    init() throws {
        let database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        let metrics = ServiceMetrics(version: "1.2.3-test")
        app = WebApplication(services: AppServices(queue: Queue(database: database, metrics: metrics.factory),
                                                   text: RepositoryStrings.text, now: { Self.monday }),
                             logger: Logger(label: "test"), metrics: metrics)
    }

    func book(_ service: String, phone: String) throws -> Response {
        try post("/api/v1/tokens", ["office": "VAD-247", "service": service, "name": "Asha Patel", "phone": phone])
    }

    func post(_ path: String, _ fields: [String: Any], cookie: String? = nil) throws -> Response {
        var headers = ["Content-Type": "application/json"]
        if let cookie { headers["Cookie"] = cookie }
        return try app.respond(to: Request(method: "POST", path: path, headers: headers,
                                           body: Array(try JSONSerialization.data(withJSONObject: fields))))
    }

    func scrape() throws -> String {
        let response = try app.respond(to: Request(method: "GET", path: "/api/metrics"))
        #expect(response.status == 200)
        #expect(response.header("content-type") == "text/plain; version=0.0.4; charset=utf-8")
        return String(decoding: response.bodyBytes, as: UTF8.self)
    }

    /// The value of one series, by its name and labels exactly as written out.
    func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func bookingsAreCountedByOfficeAndServiceOnlyWhenTheyCommit() throws {
        // Given two bookings that went through and two that were refused (a service the office
        // does not offer; a fourth token for one mobile number on one day)
        #expect(try book("bill-complaint", phone: "9825012345").status == 201)
        #expect(try book("bill-complaint", phone: "9825012346").status == 201)
        #expect(try book("rooftop-solar", phone: "9825012347").status != 201)
        for _ in 0..<3 { _ = try book("meter-complaint", phone: "9825012348") }
        let fourth = try book("meter-complaint", phone: "9825012348")
        #expect(fourth.status == 429)
        // When Prometheus scrapes
        let text = try scrape()
        // Then only what committed is counted
        #expect(value(text, #"guvnl_bookings_total{office="VAD-247",service="bill-complaint"}"#) == 2)
        #expect(value(text, #"guvnl_bookings_total{office="VAD-247",service="meter-complaint"}"#) == 3)
        #expect(!text.contains(#"guvnl_bookings_total{office="VAD-247",service="rooftop-solar"}"#))
        // and the waiting tokens are read from the live picture
        #expect(value(text, #"guvnl_queue_waiting_tokens{office="VAD-247",service="bill-complaint"}"#) == 2)
        #expect(value(text, #"guvnl_queue_waiting_tokens{office="VAD-247",service="new-lt-connection"}"#) == 0)
        #expect(value(text, #"guvnl_queue_wait_target_seconds{office="VAD-247",service="bill-complaint"}"#) == 1800)
    }

    @Test func requestsAreLabelledByTheirRouteTemplateNeverTheirPath() throws {
        // Given a booking read back, and requests for paths no route has
        let booked = try book("bill-complaint", phone: "9825012349")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(booked.bodyBytes)) as? [String: Any])
        let id = try #require((body["token"] as? [String: Any])?["id"] as? Int)
        let secret = try #require(body["secret"] as? String)
        _ = try app.respond(to: Request(method: "GET", path: "/api/v1/tokens/\(id)", query: "secret=\(secret)"))
        for n in 0..<5 { _ = try app.respond(to: Request(method: "GET", path: "/api/random/\(n)")) }
        _ = try app.respond(to: Request(method: "BREW", path: "/api/healthz"))
        // When Prometheus scrapes
        let text = try scrape()
        // Then each is counted under its template, the unknown paths under one label, odd methods as "other"
        #expect(value(text, #"guvnl_http_requests_total{method="GET",route="/api/v1/tokens/{id}",status="200"}"#) == 1)
        #expect(value(text, #"guvnl_http_requests_total{method="POST",route="/api/v1/tokens",status="201"}"#) == 1)
        #expect(value(text, #"guvnl_http_requests_total{method="GET",route="unmatched",status="404"}"#) == 5)
        #expect(value(text, #"guvnl_http_requests_total{method="other",route="/api/healthz",status="405"}"#) == 1)
        #expect(value(text, #"guvnl_http_request_duration_seconds_count{method="POST",route="/api/v1/tokens"}"#) == 1)
        #expect(!text.contains("/api/random") && !text.contains(secret) && !text.contains("/api/v1/tokens/\(id)"))
        #expect(text.contains(#"guvnl_build_info{version="1.2.3-test"} 1"#))
        #expect(value(text, "guvnl_database_write_wait_seconds_count") == 1)
        // and the booking was one change in one commit
        #expect(value(text, "guvnl_database_commits_total") == 1)
        #expect(value(text, "guvnl_database_changes_total") == 1)
    }

    @Test func aCancellationIsCountedOnceAndARefusedOneNotAtAll() throws {
        // Given a booking, cancelled from the device that booked it, then cancelled again (refused)
        let booked = try book("meter-complaint", phone: "9825012350")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(booked.bodyBytes)) as? [String: Any])
        let id = try #require((body["token"] as? [String: Any])?["id"] as? Int)
        let manage = try #require(booked.headers.first { $0.name == "Set-Cookie" }.map { String($0.value.split(separator: ";")[0]) })
        #expect(try post("/api/v1/tokens/\(id)/cancel", [:], cookie: manage).status == 200)
        #expect(try post("/api/v1/tokens/\(id)/cancel", [:], cookie: manage).status != 200)
        // When Prometheus scrapes
        let text = try scrape()
        // Then one cancellation, and nobody waits for the service any more
        #expect(value(text, #"guvnl_cancellations_total{office="VAD-247",service="meter-complaint"}"#) == 1)
        #expect(value(text, #"guvnl_queue_waiting_tokens{office="VAD-247",service="meter-complaint"}"#) == 0)
        #expect(value(text, #"guvnl_queue_longest_wait_seconds{office="VAD-247",service="meter-complaint"}"#) == 0)
    }

    @Test func eachAnsweredRequestHasOneJSONLineWithItsRequestIDRouteAndStatus() throws {
        // Given an application that logs its requests, as the server's does, to a file
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("guvnl-requests-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try LogOutput(path: path)
        let database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        let app = WebApplication(services: AppServices(database: database, now: { Self.monday }),
                                 logger: Logger(label: "fcgi-app") { JSONLogHandler(label: $0, output: output) },
                                 logsRequests: true)
        // When a token is asked for without its secret, and a path no route has
        _ = try app.respond(to: Request(method: "GET", path: "/api/v1/tokens/1", query: "secret=not-the-secret", requestID: "req-one"))
        _ = try app.respond(to: Request(method: "GET", path: "/api/v1/nothing/9825012345", requestID: "req-two"))
        // Then each has its line, with the route's template and never the path or the query
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let byID = Dictionary(lines.map { ($0["request_id"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byID["req-one"]?["route"] as? String == "/api/v1/tokens/{id}")
        #expect(byID["req-two"]?["route"] as? String == "unmatched")
        #expect(byID["req-two"]?["status"] as? Int == 404 && byID["req-one"]?["message"] as? String == "request")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("not-the-secret") && !text.contains("9825012345"))
    }

    @Test func theBackupAndWorkerTimesAreReportedOnlyWhenSomethingKeepsThem() throws {
        // Given the hook left as it is (nothing wired): no series at all, so no alert on a made-up time
        #expect(!(try scrape()).contains("guvnl_backup_last_success_timestamp_seconds "))
        // When something reports them
        let metrics = ServiceMetrics(probes: OperationsProbes(lastBackup: { Date(timeIntervalSince1970: 1_800_000_000) },
                                                              workerHeartbeat: { Date(timeIntervalSince1970: 1_800_000_060) }))
        let database = try AppDatabase.inMemory()
        try database.migrate()
        let app = WebApplication(services: AppServices(database: database), logger: Logger(label: "test"), metrics: metrics)
        let text = String(decoding: try app.respond(to: Request(method: "GET", path: "/api/metrics")).bodyBytes, as: UTF8.self)
        // Then they are written out as Unix times
        #expect(value(text, "guvnl_backup_last_success_timestamp_seconds") == 1_800_000_000)
        #expect(value(text, "guvnl_worker_last_heartbeat_timestamp_seconds") == 1_800_000_060)
    }

    @Test func theOutboxIsReadAsTheWorkerLeftIt() throws {
        // Given a server reading its own database, whose outbox holds what a worker did: by SMS two
        // sent (one after a failed try) and one due again after two failures; by e-mail one
        // delivered and one the gateway reported failed (final: no next attempt)
        let database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        try database.writer.write { db in
            for (channel, state, attempts, due) in [("sms", "sent", 1, nil), ("sms", "sent", 2, nil), ("sms", "failed", 2, 1_800_000_000_000),
                                                    ("email", "delivered", 1, nil), ("email", "failed", 1, nil)] as [(String, String, Int, Int64?)] {
                try db.execute(sql: """
                    INSERT INTO outbox (office_code, trigger, channel, language, recipient, params, state, attempts, next_attempt_at, created_at)
                    VALUES ('VAD-247', 'booked', ?, 'en', 'someone', '{}', ?, ?, ?, 0)
                    """, arguments: [channel, state, attempts, due])
            }
        }
        let metrics = ServiceMetrics(probes: .reading(database, backups: nil))
        let app = WebApplication(services: AppServices(database: database), logger: Logger(label: "test"), metrics: metrics)
        // When Prometheus scrapes
        let text = String(decoding: try app.respond(to: Request(method: "GET", path: "/api/metrics")).bodyBytes, as: UTF8.self)
        // Then one message waits, and sends and failed attempts are counted per channel
        #expect(value(text, "guvnl_outbox_pending") == 1)
        #expect(value(text, "guvnl_outbox_sent_total{channel=\"sms\"}") == 2)
        #expect(value(text, "guvnl_outbox_sent_total{channel=\"email\"}") == 1)
        #expect(value(text, "guvnl_outbox_failed_total{channel=\"sms\"}") == 3)
        #expect(value(text, "guvnl_outbox_failed_total{channel=\"email\"}") == 1)
    }
}
