import Foundation
import GRDB

/// Why a backup or a restore did not happen, in words an operator can act on.
public enum BackupError: Error, Equatable, CustomStringConvertible {
    case folderUnusable(String, reason: String)
    case alreadyExists(String)
    case missing(String)
    case notADatabase(String)
    case damaged(String, problems: [String])
    case newerSchema(String, unknown: [String])
    case schemaNotCurrent(String, pending: [String])
    case diskFull(String)
    case io(String, errno: Int32)
    case failed(String, reason: String)
    case databaseInUse(String)
    case restoreUnderWay(String)

    /// The error met while writing `path`, as one of these (a full disk said as such).
    init(_ error: any Error, writing path: String) {
        if let error = error as? BackupError {
            if case .io(_, let number) = error, number == ENOSPC { self = .diskFull(path) } else { self = error }
        } else if let error = error as? DatabaseError, error.resultCode == .SQLITE_FULL {
            self = .diskFull(path)
        } else {
            self = .failed(path, reason: String(describing: error))
        }
    }

    public var description: String {
        switch self {
        case .folderUnusable(let path, let reason): "The backup folder \(path) cannot be used: \(reason)."
        case .alreadyExists(let path): "\(path) already exists; another backup was taken at the same moment."
        case .missing(let path): "\(path) does not exist."
        case .notADatabase(let path): "\(path) is not a readable SQLite database."
        case .damaged(let path, let problems): "\(path) fails SQLite's integrity check: \(problems.joined(separator: "; "))."
        case .newerSchema(let path, let unknown):
            "\(path) was written by a newer release (migrations \(unknown.joined(separator: ", ")) unknown here): install that release to restore it."
        case .schemaNotCurrent(let path, let pending):
            "\(path) lacks migrations \(pending.joined(separator: ", ")): it is not a current copy."
        case .diskFull(let path): "The disk is full while writing \(path); nothing was kept. Free some space and try again."
        case .io(let step, let number): "\(step) failed: \(String(cString: strerror(number)))."
        case .failed(let path, let reason): "Writing \(path) failed: \(reason)."
        case .databaseInUse(let path):
            "\(path) is in use by a running server. Stop it first (systemctl stop guvnl-queue-app guvnl-queue-worker, or Ctrl-C `make run`), then restore."
        case .restoreUnderWay(let path): "\(path) is being restored from a backup; start again when `fcgi-app restore` has finished."
        }
    }
}
