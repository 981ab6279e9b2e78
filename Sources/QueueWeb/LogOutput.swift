import Foundation

/// Where fcgi-app's log lines go: standard error (the default, for systemd's journal), or a file
/// that `reopen()` opens again by name, so that logrotate can move it away and signal fcgi-app
/// (SIGUSR1) to start a new one. Each line is one write(2), whole, under a lock.
public final class LogOutput: @unchecked Sendable {
    /// The file, or nil for standard error.
    public let path: String?
    private let lock = NSLock()
    private var descriptor: Int32

    /// Standard error.
    public init() {
        path = nil
        descriptor = STDERR_FILENO
    }

    /// Appends to the file at `path`, creating it (owner read-write, group read).
    public init(path: String) throws {
        self.path = path
        descriptor = try Self.open(path)
    }

    deinit {
        if path != nil { close(descriptor) }
    }

    /// Opens the file again by its name (a new one if logrotate moved it away); standard error stays.
    public func reopen() throws {
        guard let path else { return }
        let fresh = try Self.open(path)
        lock.lock()
        let old = descriptor
        descriptor = fresh
        lock.unlock()
        close(old)
    }

    func write(_ line: String) {
        var line = line
        lock.lock(); defer { lock.unlock() }
        line.withUTF8 { buffer in
            guard let start = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, start + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                // Nowhere to report a failed log write: the line is dropped rather than the request.
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    private static func open(_ path: String) throws -> Int32 {
        let descriptor = Foundation.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw LogOutputError(path: path, reason: String(cString: strerror(errno))) }
        return descriptor
    }
}

/// The log file could not be opened.
public struct LogOutputError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "The log file \(path) cannot be opened: \(reason)." }
}
