import Foundation

/// Option defaults read from the environment, so that systemd units and scripts can configure the app.
enum Environment {
    static func string(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    static func int(_ name: String) -> Int? { string(name).flatMap { Int($0) } }

    static func double(_ name: String) -> Double? { string(name).flatMap { Double($0) } }

    static let defaultDatabase = "var/guvnl-queue.sqlite"
    static let defaultBackupFolder = "var/backups"
}
