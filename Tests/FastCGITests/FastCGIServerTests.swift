import Foundation
import Logging
import Testing
@testable import FastCGI

/// Drives a real `FastCGIServer` on a temporary unix socket with libfcgi's own client, `cgi-fcgi`.
@Suite("FastCGI server over a unix socket", .serialized)
struct FastCGIServerTests {
    struct Echo: Responder {
        func respond(to request: Request) throws -> Response {
            switch request.path {
            case "/fail": throw CocoaError(.fileNoSuchFile)
            case "/stream":
                return Response(status: 200, headers: [("Content-Type", "text/event-stream")], body: .stream { stream in
                    try? stream.write("data: one\n\n")
                    _ = stream.waitWhileServing(seconds: 30)
                })
            default:
                return Response(status: 200, contentType: "text/plain",
                                body: "\(request.method) \(request.path) \(request.body.count)")
            }
        }
    }

    struct Exchange {
        let status: Int
        let body: String
    }

    static func call(_ socket: String, method: String = "GET", path: String, body: String = "") throws -> Exchange {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/cgi-fcgi")
        process.arguments = ["-bind", "-connect", socket]
        process.environment = [
            "REQUEST_METHOD": method, "REQUEST_URI": path, "CONTENT_LENGTH": "\(body.utf8.count)",
            "REQUEST_ID": "test-request-1",
        ]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(body.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let statusLine = parts[0].components(separatedBy: "\r\n").first { $0.hasPrefix("Status: ") } ?? "Status: 0"
        return Exchange(status: Int(statusLine.dropFirst(8).prefix(3)) ?? 0,
                        body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    static func withServer(maxBody: Int = 1024, _ body: (String, FastCGIServer) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fcgi-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let socket = folder.appendingPathComponent("s.sock").path
        let server = FastCGIServer(
            configuration: ServerConfiguration(address: .unixSocket(path: socket), threads: 2, maxBodyBytes: maxBody,
                                               shutdownGraceSeconds: 3),
            responder: Echo(), logger: Logger(label: "test"))
        try server.start()
        try body(socket, server)
        server.stop()
    }

    @Test func listensOnATCPPortOfLoopbackToo() throws {
        let port = 20_000 + Int.random(in: 0..<20_000)
        let server = FastCGIServer(
            configuration: ServerConfiguration(address: .loopbackPort(port), threads: 2, shutdownGraceSeconds: 3),
            responder: Echo(), logger: Logger(label: "test"))
        try server.start()
        defer { server.stop() }
        let answer = try Self.call("127.0.0.1:\(port)", path: "/over-tcp")
        #expect(answer.status == 200)
        #expect(answer.body == "GET /over-tcp 0")
    }

    @Test func answersARequestWithItsBody() throws {
        try Self.withServer { socket, _ in
            let answer = try Self.call(socket, method: "POST", path: "/echo", body: "name=Asha")
            #expect(answer.status == 200)
            #expect(answer.body == "POST /echo 9")
        }
    }

    @Test func aThrowingHandlerGives500WithTheRequestIDAndTheServerGoesOn() throws {
        try Self.withServer { socket, _ in
            let failed = try Self.call(socket, path: "/fail")
            #expect(failed.status == 500)
            #expect(failed.body.contains("test-request-1"))
            #expect(try Self.call(socket, path: "/ok").status == 200)
        }
    }

    @Test func aBodyOverTheLimitIs413AndNeverReachesTheHandler() throws {
        try Self.withServer(maxBody: 1024) { socket, _ in
            let answer = try Self.call(socket, method: "POST", path: "/echo", body: String(repeating: "x", count: 5000))
            #expect(answer.status == 413)
            #expect(!answer.body.contains("POST /echo"))
        }
    }

    @Test func aSecondServerOnALiveSocketIsRefused() throws {
        try Self.withServer { socket, _ in
            let second = FastCGIServer(
                configuration: ServerConfiguration(address: .unixSocket(path: socket)), responder: Echo(),
                logger: Logger(label: "test"))
            #expect(throws: FastCGIServerError.self) { try second.start() }
            let stillServing = try Self.call(socket, path: "/ok")
            #expect(stillServing.status == 200)
        }
    }

    @Test func stopEndsAnOpenStreamPromptly() throws {
        try Self.withServer { socket, server in
            // Given a client holding a stream whose handler would wait 30 s
            let done = DispatchSemaphore(value: 0)
            let result = LockedBox<Exchange?>(nil)
            Thread {
                result.set(try? Self.call(socket, path: "/stream"))
                done.signal()
            }.start()
            Thread.sleep(forTimeInterval: 0.5)
            // When the server stops
            let started = Date()
            server.stop()
            // Then the stream ended with what it had written, well before its 30 s
            #expect(done.wait(timeout: .now() + 5) == .success)
            #expect(Date().timeIntervalSince(started) < 5)
            #expect(result.get()?.body == "data: one\n\n")
        }
    }
}

final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func set(_ newValue: Value) { lock.lock(); value = newValue; lock.unlock() }
    func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }
}
