import CLinux
import Foundation

/// Puts a freshly built folder in place of the live one in a single step, so that nginx
/// never serves a half-written site and a failed build leaves the old site untouched.
enum AtomicSwap {
    /// Exchanges `staged` with `live` (renameat2 RENAME_EXCHANGE), then deletes what was live.
    static func replace(_ live: URL, with staged: URL) throws {
        let manager = FileManager.default
        if !manager.fileExists(atPath: live.path) {
            try manager.moveItem(at: staged, to: live)
            return
        }
        let exchanged = guvnl_exchange_paths(staged.path, live.path)
        guard exchanged == 0 else {
            throw SiteError(step: "swap", file: live.path,
                            reason: "could not swap in the new site: \(String(cString: strerror(errno)))")
        }
        // `staged` now holds the previous site.
        try? manager.removeItem(at: staged)
    }
}
