import Foundation
import GRDB

/// Why the database could not do what was asked when the cause is the machine, not the request:
/// the disk is full, the file cannot be written, or the write lock stayed taken too long. These
/// are answered 503 (try again later), never 500, and `/api/healthz` reports the first two.
public enum StorageProblem: String, Sendable, Equatable {
    case full = "disk_full"
    case unwritable = "database_unwritable"
    case busy = "database_busy"

    /// The problem behind an error thrown by the database, if it is one of these.
    public init?(_ error: any Error) {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: self = .full
        case .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM: self = .unwritable
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .busy
        default: return nil
        }
    }
}

/// The storage problems one process has met lately, for `/api/healthz`: a full disk is noticed by
/// the first write that fails, even where free space alone does not show it (quotas, reserved blocks).
public final class StorageAlarm: @unchecked Sendable {
    private let lock = NSLock()
    private var lastSeen: [StorageProblem: Date] = [:]

    public init() {}

    public func note(_ problem: StorageProblem, at now: Date) {
        lock.lock(); lastSeen[problem] = now; lock.unlock()
    }

    /// Forgets a problem once a write has gone through again.
    public func clear(_ problem: StorageProblem) {
        lock.lock(); lastSeen[problem] = nil; lock.unlock()
    }

    /// The problem seen within `window` seconds of `now`, if any (a full disk first).
    public func recent(at now: Date, window: Double = 60) -> StorageProblem? {
        lock.lock(); defer { lock.unlock() }
        return [StorageProblem.full, .unwritable].first { lastSeen[$0].map { now.timeIntervalSince($0) < window } ?? false }
    }
}
