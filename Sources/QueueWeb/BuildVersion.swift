import Foundation

/// Which build is running, for `guvnl_build_info` and the logs.
public enum BuildVersion {
    /// The release this source tree is; `GUVNL_BUILD_VERSION` (set by an install script, e.g. to
    /// `git describe`) names the exact build instead.
    public static let release = "0.14.0"

    public static var current: String {
        let given = ProcessInfo.processInfo.environment["GUVNL_BUILD_VERSION"] ?? ""
        return given.isEmpty ? release : given
    }
}
