import Foundation

/// What a thread does just before it waits for the database's one writer and the disk: the server
/// gives back the thread's compute slot (`ComputeSlots` in the FastCGI module), so that a request
/// waiting for a commit does not keep the next request from being served. Shared by every copy of
/// an `AppDatabase`; it does nothing until set.
public final class WriteWait: @unchecked Sendable {
    private let lock = NSLock()
    private var action: @Sendable () -> Void = {}

    public init() {}

    /// Sets what a thread does before it waits to write.
    public func set(_ action: @escaping @Sendable () -> Void) {
        lock.lock(); defer { lock.unlock() }
        self.action = action
    }

    /// Called on a thread about to wait for the writer (on any thread; a thread holding no slot
    /// gives back nothing).
    func willWait() {
        lock.lock()
        let action = self.action
        lock.unlock()
        action()
    }
}
