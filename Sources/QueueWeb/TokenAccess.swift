import FastCGI
import Foundation
import QueueCore

/// Who may do what with a token (DESIGN, decision 1). The view secret comes in the address (the
/// `secret` query or form field) or in `X-Token-Secret`; the manage secret only in the HttpOnly
/// cookie that booking set on that device, never in an address.
enum TokenAccess {
    static func cookieName(_ tokenID: Int64) -> String { "gq_manage_\(tokenID)" }

    /// The token in the path, if `secret` (or `X-Token-Secret`) is one of its view secrets.
    static func viewed(_ context: RequestContext, secret: String?) throws -> Token {
        let id = try pathID(context)
        let given = secret ?? context.request.header("x-token-secret") ?? ""
        guard !given.isEmpty else {
            throw APIError(status: 401, code: "secret_required", message: "The token's secret is needed to see it.", field: "secret")
        }
        // The same answer for a wrong secret and a missing token: ids cannot be probed.
        guard let token = try context.services.queue.token(id, viewSecret: given) else { throw APIError(QueueError.tokenNotFound) }
        return token
    }

    /// The token in the path, if this device holds its manage secret.
    static func managed(_ context: RequestContext) throws -> Token {
        let id = try pathID(context)
        guard let token = try context.services.queue.token(id), canManage(token, context.request) else {
            // Without the cookie, a wrong id and someone else's token look alike.
            throw APIError(status: 403, code: "manage_not_allowed", message: """
                Only the phone or computer this token was booked on can cancel or change it; \
                otherwise, ask at the counter.
                """)
        }
        return token
    }

    static func canManage(_ token: Token, _ request: Request) -> Bool {
        guard let secret = Cookies.read(request)[cookieName(token.id)] else { return false }
        return token.allows(.manage, with: secret)
    }

    /// The cookie that gives this device the manage capability, until the day after the token's
    /// service day (counted in India's time zone, where every office is, with half a day to spare).
    static func grantCookie(_ token: Token, secret: String, now: Date) -> (name: String, value: String) {
        let zone = TimeZone(identifier: "Asia/Kolkata") ?? .current
        let end = ServiceDay.end(of: token.serviceDay, timeZone: zone)?.addingTimeInterval(12 * 3600) ?? now.addingTimeInterval(86_400)
        let seconds = max(60, Int(min(end.timeIntervalSince(now), 40 * 86_400)))
        return Cookies.set(cookieName(token.id), secret, path: "/", maxAge: seconds, sameSite: "Lax")
    }

    /// Removes the manage cookie once there is nothing left to manage (a cancelled or moved token).
    static func dropCookie(_ tokenID: Int64) -> (name: String, value: String) {
        Cookies.set(cookieName(tokenID), "", path: "/", maxAge: 0, sameSite: "Lax")
    }

    private static func pathID(_ context: RequestContext) throws -> Int64 {
        guard let id = Int64(context.parameter("id")), id > 0 else {
            throw APIError.invalidField("id", "The token id must be a positive number.")
        }
        return id
    }
}
