import Foundation

/// The site's address as citizens reach it (`--public-url`): what a printed ticket's QR code points
/// to. Without it the request's own `Host` is used, which is right for `make run` but not for a
/// kiosk that reaches the server by a LAN address or a name only the office network knows.
public enum PublicOrigin {
    /// `scheme://host[:port]` in lower case without a trailing slash, or nil if `text` is not one.
    public static func parse(_ text: String) -> String? {
        var origin = text.trimmingCharacters(in: .whitespaces)
        if origin.hasSuffix("/") { origin.removeLast() }
        return CORSPolicy.isOrigin(origin) ? origin.lowercased() : nil
    }
}
