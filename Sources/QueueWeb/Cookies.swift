import FastCGI

/// Reading the `Cookie` header and writing `Set-Cookie` for the staff session.
enum Cookies {
    static let access = "gq_access"
    static let refresh = "gq_refresh"
    static let csrf = "gq_csrf"
    /// An enrolled kiosk's pass: long-lived, revocable on the server.
    static let kiosk = "gq_kiosk"

    static func read(_ request: Request) -> [String: String] {
        var cookies: [String: String] = [:]
        for pair in (request.header("cookie") ?? "").split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            if cookies[name] == nil { cookies[name] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return cookies
    }

    /// HttpOnly (scripts cannot read it) unless it is the CSRF cookie, which the console's script echoes.
    /// Strict by default; a token's manage cookie is Lax, so that the token page opened from a link
    /// in an SMS still knows this is the device that booked (Lax still withholds it from other
    /// sites' form posts).
    static func set(_ name: String, _ value: String, path: String, maxAge: Int, httpOnly: Bool = true,
                    sameSite: String = "Strict") -> (name: String, value: String) {
        ("Set-Cookie", "\(name)=\(value); Path=\(path); Max-Age=\(maxAge); Secure; SameSite=\(sameSite)\(httpOnly ? "; HttpOnly" : "")")
    }

    static func clear(_ name: String, path: String) -> (name: String, value: String) {
        set(name, "", path: path, maxAge: 0)
    }
}

import Foundation
