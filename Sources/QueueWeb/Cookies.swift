import FastCGI

/// Reading the `Cookie` header and writing `Set-Cookie` for the staff session.
enum Cookies {
    static let access = "gq_access"
    static let refresh = "gq_refresh"
    static let csrf = "gq_csrf"
    /// An enrolled kiosk's pass: long-lived, revocable on the server.
    static let kiosk = "gq_kiosk"

    /// The request's cookies by name (the first of a repeated name), read over the header's bytes:
    /// every staff request reads them, and Foundation's trimming made this 4 % of a counter key
    /// press's CPU.
    static func read(_ request: Request) -> [String: String] {
        var cookies: [String: String] = [:]
        guard let header = request.header("cookie") else { return cookies }
        for pair in header.utf8.split(separator: UInt8(ascii: ";")) {
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = trimmed(pair[..<equals]), value = trimmed(pair[pair.index(after: equals)...])
            // A pair without a name or a value is no cookie (as a cleared one arrives: `gq_access=`).
            guard !name.isEmpty, !value.isEmpty else { continue }
            let key = String(decoding: name, as: UTF8.self)
            if cookies[key] == nil { cookies[key] = String(decoding: value, as: UTF8.self) }
        }
        return cookies
    }

    /// Without the spaces and tabs around it (the header's optional whitespace).
    private static func trimmed(_ bytes: Substring.UTF8View.SubSequence) -> Substring.UTF8View.SubSequence {
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) }) else {
            return bytes[bytes.startIndex..<bytes.startIndex]
        }
        return bytes[first...last]
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
