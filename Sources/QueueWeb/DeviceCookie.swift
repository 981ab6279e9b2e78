import FastCGI
import Foundation
import QueueCore

/// A browser a clerk has signed in from before (OWASP's "device cookies"): its sign-in attempts for
/// that name are counted on their own, not with its address's. Clerks sign in from the office's
/// network, which citizens on its Wi-Fi share behind one address: without this, anyone there could
/// type wrong passwords for a clerk's name, or spend the address's sign-in allowance at nginx, and
/// hold the clerk out for minutes.
///
/// `<name, base64url>.<id>.<password stamp>.<day issued>.<HMAC of the rest, base64url>`: signed
/// under the server key, so a made-up cookie is refused before any password is checked (nginx
/// gives each cookie an allowance of its own, which a made-up one must not buy). It lasts 180 days
/// from its issue, and counts apart only while the account keeps the password it was issued with
/// (`StaffAccounts.deviceStamp`).
struct DeviceCookie: Equatable {
    static let name = "gq_device"
    /// Long enough to outlast leave; a clerk's browser renews it at every sign-in.
    static let maxAgeSeconds = 180 * 86_400
    /// Sent only with sign-ins.
    static let path = "/api/v1/auth/login"

    /// The account name it was given for, lower case.
    let username: String
    /// Random, so that each browser is counted apart.
    let id: String
    /// The account's password stamp when it was issued.
    let stamp: String
    /// Days since 1970 (UTC) when it was issued.
    let issuedDay: Int

    func encoded(key: [UInt8]) -> String {
        let head = [Base64URL.encode(Array(username.utf8)), id, stamp, String(issuedDay)].joined(separator: ".")
        return head + "." + Base64URL.encode(StaffCrypto.sign(Self.signed(head), key: key))
    }

    /// The cookie, if its signature is right; nil for anything else.
    static func decoded(_ text: String, key: [UInt8]) -> DeviceCookie? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, let name = Base64URL.decode(parts[0]), let day = Int(parts[3]), let mac = Base64URL.decode(parts[4]),
              StaffCrypto.verify(mac, of: Self.signed(parts[0...3].joined(separator: ".")), key: key) else { return nil }
        return DeviceCookie(username: String(decoding: name, as: UTF8.self), id: parts[1], stamp: parts[2], issuedDay: day)
    }

    /// The cookie a sign-in presents: nil if none; refused unless every claim is the same genuine
    /// cookie, still within its 180 days. The claims are the cookie as read here and the value nginx
    /// counted the request by (`GUVNL_DEVICE_LIMIT_KEY`, which nginx finds by a case-insensitive
    /// cookie name), so that a request nginx counted apart must be one we issued.
    static func presented(_ request: Request, key: [UInt8], at now: Date) throws(NotRecognised) -> DeviceCookie? {
        let claims = [Cookies.read(request)[name], request.gatewayVariables["DEVICE_LIMIT_KEY"]].compactMap { $0 }.filter { !$0.isEmpty }
        guard let first = claims.first else { return nil }
        guard claims.allSatisfy({ $0 == first }), let cookie = decoded(first, key: key),
              (0...maxAgeSeconds / 86_400).contains(day(of: now) - cookie.issuedDay) else { throw NotRecognised() }
        return cookie
    }

    struct NotRecognised: Error {}

    /// A cookie for this browser after a sign-in: its id kept if it had one, the stamp and day new.
    static func issued(for session: StaffAccounts.Session, keeping id: String?, at now: Date) -> DeviceCookie {
        DeviceCookie(username: session.user.username.lowercased(), id: id ?? StaffCrypto.randomToken(bytes: 16),
                     stamp: session.deviceStamp, issuedDay: day(of: now))
    }

    var device: StaffAccounts.Device { StaffAccounts.Device(id: id, stamp: stamp) }

    func header(key: [UInt8]) -> (name: String, value: String) {
        Cookies.set(Self.name, encoded(key: key), path: Self.path, maxAge: Self.maxAgeSeconds)
    }

    static var cleared: (name: String, value: String) { Cookies.clear(name, path: path) }

    private static func day(of date: Date) -> Int { Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) }

    /// What is signed: a purpose prefix, so that no other signed value of the server can pass for one.
    private static func signed(_ head: String) -> [UInt8] { Array("gq_device\n\(head)".utf8) }
}
