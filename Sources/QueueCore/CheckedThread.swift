import Foundation

/// Starts a thread and says whether it started. Foundation's `Thread.start()` does not report a
/// failed `pthread_create` (out of tasks: a systemd unit's `TasksMax`, `ulimit -u`, memory), so a
/// caller that then waits for the thread's work would wait for ever. The threads started on
/// demand (the writer of every change, password hashing, health streams) start this way, and do
/// the work another way when the system refuses them a thread.
public enum CheckedThread {
    /// Runs `body` on a new thread named `name`; false, and `body` never runs, if none could start.
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Body(name: name, run: body))
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            Thread.current.name = body.name
            body.run()
            return nil
        }, box.toOpaque())
        guard started == 0 else {
            box.release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    private final class Body {
        let name: String
        let run: @Sendable () -> Void
        init(name: String, run: @escaping @Sendable () -> Void) { self.name = name; self.run = run }
    }
}
