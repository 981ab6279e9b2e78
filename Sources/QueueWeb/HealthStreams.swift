import FastCGI
import Foundation
import QueueCore

/// The open health streams (`GET /api/healthz/events`), each told the server's health at its own
/// interval by one thread for them all.
///
/// Before, each health stream was a thread of its own: fcgi-app runs with 512 tasks at most (its
/// systemd unit), so two addresses holding 300 health streams each took every thread there was, and
/// the next thread the server needed (the writer of every booking, a sign-in's hashing) could not
/// start. Now a health stream is held by the stream loop like any other, under the same caps.
final class HealthStreams: @unchecked Sendable {
    private final class Watcher {
        let sink: any EventSink
        let interval: Double
        var due: DispatchTime
        var sequence: Int64

        init(sink: any EventSink, interval: Double, sequence: Int64) {
            self.sink = sink
            self.interval = interval
            self.sequence = sequence
            due = .now() + interval
        }
    }

    private let condition = NSCondition()
    private var watchers: [Watcher] = []
    /// Whether the thread telling them runs (it ends when the last stream has gone).
    private var telling = false

    /// Sends the stream its first event at once (numbered after `resumeAfter`, with the reconnection
    /// delay), then one every `interval` seconds until it closes. `health` is the payload, read
    /// once for all the streams due at the same moment.
    func attach(_ sink: any EventSink, interval: Double, resumeAfter: Int64, health: @escaping @Sendable () -> [UInt8]) {
        let first = ServerSentEvent(id: String(resumeAfter &+ 1), event: "health", data: String(decoding: health(), as: UTF8.self),
                                    retryMilliseconds: 3000)
        do { try sink.send(Array(first.text.utf8)) } catch { return }
        condition.lock()
        // (A new thread waits for this lock before it looks at the streams.)
        if !telling { telling = CheckedThread.start(name: "health-streams") { [self] in tell() } }
        guard telling else {
            // Without a thread (the process is out of tasks) the stream has had its first event and
            // ends; its client reconnects later.
            condition.unlock()
            sink.close()
            return
        }
        watchers.append(Watcher(sink: sink, interval: interval, sequence: resumeAfter &+ 1))
        self.health = health
        condition.signal()
        condition.unlock()
    }

    /// The payload of the most recent stream's route (every stream of a server reads the same health).
    private var health: (@Sendable () -> [UInt8])?

    private func tell() {
        condition.lock()
        while true {
            watchers.removeAll { $0.sink.isClosed }
            guard let next = watchers.map(\.due).min() else {
                telling = false
                condition.unlock()
                return
            }
            if next > .now() {
                // Woken early by a new stream (which may be due sooner) or at the earliest due time.
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(next.uptimeNanoseconds - DispatchTime.now().uptimeNanoseconds) / 1e9))
                continue
            }
            let now = DispatchTime.now()
            let due = watchers.filter { $0.due <= now }
            let health = self.health
            condition.unlock()
            // Written outside the lock: a send never blocks, but the health is read from the database.
            let payload = String(decoding: health?() ?? [], as: UTF8.self)
            for watcher in due {
                watcher.sequence &+= 1
                watcher.due = now + watcher.interval
                let event = ServerSentEvent(id: String(watcher.sequence), event: "health", data: payload, retryMilliseconds: nil)
                do { try watcher.sink.send(Array(event.text.utf8)) } catch { watcher.sink.close() }
            }
            condition.lock()
        }
    }
}
