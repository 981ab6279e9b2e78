import FastCGI
import Foundation
import QueueCore

/// Who is calling a staff route: the access cookie checked (signature, expiry, account still active)
/// and, for state-changing requests, the CSRF token repeated in `X-CSRF-Token` or the form's `csrf`.
struct StaffAuth: Sendable {
    let accounts: StaffAccounts
    let key: [UInt8]

    func principal(_ context: RequestContext, csrfFrom body: RequestBody? = nil) throws -> StaffUser {
        let cookies = Cookies.read(context.request)
        guard let text = cookies[Cookies.access], let token = AccessToken.decode(text, key: key, now: context.now),
              let user = try accounts.user(token.userID, session: token.session, at: context.now) else {
            throw APIError(status: 401, code: "sign_in_required", message: "Please sign in (or refresh your session).")
        }
        if context.request.method != "GET" && context.request.method != "HEAD" {
            let given = context.request.header("x-csrf-token") ?? body?["csrf"] ?? ""
            guard ConstantTime.equal(given, token.csrf) else {
                throw APIError(status: 403, code: "csrf_token_invalid",
                               message: "This request is missing its CSRF token; reload the page and try again.", field: "csrf")
            }
        }
        return user
    }

    /// The signed-in member of staff, if they manage `office` (its managers, administrators):
    /// the one check behind the dashboard, the settings and kiosk enrolment.
    func manager(of office: String, _ context: RequestContext, csrfFrom body: RequestBody? = nil) throws -> StaffUser {
        let user = try principal(context, csrfFrom: body)
        try requireManager(user, of: office)
        return user
    }

    func requireManager(_ user: StaffUser, of office: String) throws {
        guard user.mayManage(office: office) else {
            throw APIError.forbidden("Only managers of \(office) and administrators may do this.")
        }
    }

    /// The cookies of a new sign-in or refresh, and the CSRF token to repeat.
    func issue(_ session: StaffAccounts.Session, now: Date) -> (headers: [(name: String, value: String)], csrf: String) {
        let csrf = StaffCrypto.randomToken(bytes: 24)
        let access = AccessToken(userID: session.user.id, session: session.family,
                                 expires: Int64(now.timeIntervalSince1970) + Int64(AccessToken.lifetimeSeconds), csrf: csrf)
        let sessionAge = Int(StaffAccounts.sessionSeconds)
        return ([
            Cookies.set(Cookies.access, access.encoded(key: key), path: "/api", maxAge: AccessToken.lifetimeSeconds),
            Cookies.set(Cookies.refresh, session.refreshToken, path: "/api/v1/auth", maxAge: sessionAge),
            Cookies.set(Cookies.csrf, csrf, path: "/", maxAge: sessionAge, httpOnly: false),
        ], csrf)
    }
}
