import Foundation
import Logging
import Testing
@testable import QueueWeb

/// fcgi-app's log lines: one JSON object each, whatever the message holds; a file that logrotate
/// moves away is opened again by name.
@Suite("JSON log lines and the reopened log file")
struct JSONLogTests {
    func parse(_ line: String) throws -> [String: Any] {
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func aLineIsOneJSONObjectWithTheFixedFieldsAndTheMetadata() throws {
        // Given a request's line with numbers, text and a message that could break a naive line
        let line = JSONLogHandler.line(
            time: Date(timeIntervalSince1970: 1_796_000_000.042), level: .warning,
            message: "quote \" backslash \\ newline \n tab \t bell \u{7} ગુજરાતી", logger: "fcgi-app",
            metadata: ["request_id": "abc123", "status": .stringConvertible(503), "duration_ms": .stringConvertible(1.5),
                       "message": "a clash", "nested": ["a": .array(["x", .stringConvertible(true)])]])
        // When it is read as JSON
        let object = try parse(line)
        // Then it holds every field, typed
        #expect(object["time"] as? String == "2026-11-30T00:53:20.042Z")
        #expect(object["level"] as? String == "warning")
        #expect(object["message"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{7} ગુજરાતી")
        #expect(object["logger"] as? String == "fcgi-app")
        #expect(object["request_id"] as? String == "abc123")
        #expect(object["status"] as? Int == 503)
        #expect(object["duration_ms"] as? Double == 1.5)
        #expect(object["meta_message"] as? String == "a clash")
        #expect(((object["nested"] as? [String: Any])?["a"] as? [Any])?.count == 2)
        // And text is kept as it is unless it must be escaped (JavaScript's line separators too)
        #expect(JSONLogHandler.quoted("/api/v1/tokens ગુજરાતી हिंदी") == "\"/api/v1/tokens ગુજરાતી हिंदी\"")
        #expect(JSONLogHandler.quoted("a\u{2028}b\u{2029}c ₹5") == "\"a\\u2028b\\u2029c ₹5\"")
        // and so are the controls a terminal would act on and the bidi overrides (a path that reads backwards)
        #expect(JSONLogHandler.quoted("a\u{85}b\u{9B}c\u{7F}d\u{202E}e\u{2067}f\u{A0}g") == "\"a\\u0085b\\u009bc\\u007fd\\u202ee\\u2067f\u{A0}g\"")
    }

    /// A log file in a folder of its own, removed afterwards.
    func withLogFile(_ body: (_ path: String, _ output: LogOutput) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("guvnl-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("fcgi-app.log").path
        try body(path, try LogOutput(path: path))
    }

    @Test func theLogFileIsOpenedAgainByNameAfterItWasMovedAway() throws {
        try withLogFile { path, output in
            // Given a handler writing to a file
            var logger = Logger(label: "fcgi-app") { JSONLogHandler(label: $0, output: output) }
            logger.logLevel = .info
            logger.info("before", metadata: ["request_id": "one"])
            // When logrotate moves it away and the process is told to reopen
            try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
            logger.info("still the old file")
            try output.reopen()
            logger.info("after", metadata: ["request_id": "two"])
            // Then the old lines stay in the moved file and the new ones go to a new file of that name
            let old = try String(contentsOfFile: path + ".1", encoding: .utf8)
            let new = try String(contentsOfFile: path, encoding: .utf8)
            #expect(old.contains("\"before\"") && old.contains("still the old file") && !old.contains("\"after\""))
            #expect(new.split(separator: "\n").count == 1 && new.contains("\"request_id\":\"two\""))
            for line in (old + new).split(separator: "\n") { _ = try parse(String(line) + "\n") }
        }
    }

    @Test func anEntrysOwnMetadataWinsOverTheLoggersAndBothAreWritten() throws {
        try withLogFile { path, output in
            // Given a logger with metadata of its own, writing to a file
            var logger = Logger(label: "fcgi-app") { JSONLogHandler(label: $0, output: output) }
            logger[metadataKey: "component"] = "worker"
            logger[metadataKey: "office"] = "VAD-247"
            // When an entry names one of the same keys, and another logger has none of its own
            logger.info("sent", metadata: ["office": "SUR-01", "request_id": "r1"])
            Logger(label: "fcgi-app") { JSONLogHandler(label: $0, output: output) }.info("request", metadata: ["request_id": "r2"])
            // Then the entry's value is written, beside the logger's other field
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try parse(String($0) + "\n") }
            #expect(lines.count == 2)
            #expect(lines[0]["office"] as? String == "SUR-01" && lines[0]["component"] as? String == "worker" && lines[0]["request_id"] as? String == "r1")
            #expect(lines[1]["request_id"] as? String == "r2" && lines[1]["component"] == nil)
        }
    }

    @Test func aLogFileThatCannotBeOpenedIsAClearError() {
        #expect(throws: LogOutputError.self) { try LogOutput(path: "/nonexistent-folder/fcgi-app.log") }
    }
}
