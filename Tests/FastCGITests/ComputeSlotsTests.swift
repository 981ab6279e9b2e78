import Foundation
import Logging
import Testing
@testable import FastCGI

/// Of the server's threads, only `computingThreads` serve requests at once, but a request waiting
/// for a commit gives its slot back (`ComputeSlots.yieldCurrent`), so that the next request is
/// served meanwhile.
@Suite("FastCGI threads computing at once", .serialized)
struct ComputeSlotsTests {
    /// `/commit` waits, as a booking waits for its group's commit, until `/release` is served;
    /// `/compute` counts how many were computing at once, and works until a second one computes
    /// beside it or for a second (so that requests sent together meet, however late each starts).
    final class Gate: Responder, @unchecked Sendable {
        private let released = DispatchSemaphore(value: 0)
        let waiting = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var computing = 0
        private(set) var mostAtOnce = 0

        func respond(to request: Request) throws -> Response {
            switch request.path {
            case "/commit":
                ComputeSlots.yieldCurrent()
                waiting.signal()
                let answered = released.wait(timeout: .now() + 5) == .success
                return Response(status: 200, contentType: "text/plain", body: answered ? "committed" : "never released")
            case "/release":
                released.signal()
                return Response(status: 200, contentType: "text/plain", body: "released")
            default:
                lock.lock(); computing += 1; mostAtOnce = max(mostAtOnce, computing); lock.unlock()
                let until = Date(timeIntervalSinceNow: 1)
                while Date() < until {
                    lock.lock(); let met = mostAtOnce > 1; lock.unlock()
                    if met { break }
                    Thread.sleep(forTimeInterval: 0.01)
                }
                lock.lock(); computing -= 1; lock.unlock()
                return Response(status: 200, contentType: "text/plain", body: "computed")
            }
        }
    }

    private func withServer(threads: Int, computing: Int, _ body: (String, Gate) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fcgi-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let socket = folder.appendingPathComponent("s.sock").path
        let gate = Gate()
        let server = FastCGIServer(
            configuration: ServerConfiguration(address: .unixSocket(path: socket), threads: threads, computingThreads: computing,
                                               shutdownGraceSeconds: 6),
            responder: gate, logger: Logger(label: "test"))
        try server.start()
        defer { server.stop() }
        try body(socket, gate)
    }

    /// Calls `path` on a thread of its own; the answer's body once it comes.
    private func callInBackground(_ socket: String, _ path: String) -> () -> String {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var body = ""
        Thread {
            body = (try? FastCGIServerTests.call(socket, path: path).body) ?? "failed"
            done.signal()
        }.start()
        return { done.wait(); return body }
    }

    @Test func aRequestWaitingForItsCommitLetsTheNextRequestBeServed() throws {
        // Given one slot among three threads, held by a request that then waits for a commit
        try withServer(threads: 3, computing: 1) { socket, gate in
            let commit = callInBackground(socket, "/commit")
            #expect(gate.waiting.wait(timeout: .now() + 5) == .success)
            // When the next request comes, it is served while the first still waits
            let release = try FastCGIServerTests.call(socket, path: "/release")
            #expect(release.body == "released")
            // And the waiting one is answered once it may go on (not after its 5 s deadline)
            #expect(commit() == "committed")
            // And its thread takes a slot again before its next request: still one computes at once
            let answers = (1...3).map { _ in callInBackground(socket, "/compute") }
            #expect(answers.map { $0() } == ["computed", "computed", "computed"])
            #expect(gate.mostAtOnce == 1)
        }
    }

    @Test func noMoreRequestsComputeAtOnceThanTheSlots() throws {
        try withServer(threads: 3, computing: 1) { socket, gate in
            let answers = (1...3).map { _ in callInBackground(socket, "/compute") }
            #expect(answers.map { $0() } == ["computed", "computed", "computed"])
            #expect(gate.mostAtOnce == 1)
        }
        // Without the cap, the three threads compute together
        try withServer(threads: 3, computing: 0) { socket, gate in
            let answers = (1...3).map { _ in callInBackground(socket, "/compute") }
            #expect(answers.map { $0() } == ["computed", "computed", "computed"])
            #expect(gate.mostAtOnce > 1)
        }
    }
}
