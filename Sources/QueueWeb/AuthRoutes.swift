import FastCGI
import Foundation
import QueueCore

/// Staff sign-in, session refresh (rotating), sign-out, and who am I.
enum AuthRoutes {
    struct SignedIn: Encodable {
        let user: StaffUser
        let csrfToken: String
    }

    static func register(in router: inout Router, auth: StaffAuth) {
        router.add("POST", "/api/v1/auth/login") { context in
            let body = try RequestBody(context.request)
            let username = try body.required("username", "Enter your username.")
            let password = try body.required("password", "Enter your password.")
            // A browser this name signed in from before is counted on its own (`DeviceCookie`); a
            // cookie that is not one of ours is refused before any password is checked. So is one of
            // ours given to another name: nginx counted this request by the cookie, whatever name it
            // holds, so a cookie good for any name would give whoever can sign in (and so mint cookies)
            // an allowance apart from their address's for guessing at everyone else's password. The
            // browser drops it (cleared) and the form sends the sign-in again without it.
            let device: DeviceCookie?
            do {
                device = try DeviceCookie.presented(context.request, key: auth.key, at: context.now)
                if let device, device.username != username.lowercased() { throw DeviceCookie.NotRecognised() }
            } catch {
                var refused = ErrorResponses.response(for: APIError(StaffError.deviceNotRecognised))
                refused.headers.append(DeviceCookie.cleared)
                return refused
            }
            let session: StaffAccounts.Session
            do {
                session = try auth.accounts.signIn(username: username, password: password, from: context.clientKey,
                                                   device: device?.device, at: context.now)
            } catch let error as StaffError {
                return ErrorResponses.response(for: APIError(error))
            }
            var response = signedIn(session, auth: auth, now: context.now)
            response.headers.append(DeviceCookie.issued(for: session, keeping: device?.id, at: context.now).header(key: auth.key))
            return response
        }
        router.add("POST", "/api/v1/auth/refresh") { context in
            let cookies = Cookies.read(context.request)
            try requireDoubleSubmit(context, cookies)
            guard let token = cookies[Cookies.refresh] else { throw APIError(StaffError.sessionExpired) }
            do {
                return signedIn(try auth.accounts.refresh(token, at: context.now), auth: auth, now: context.now)
            } catch let error as StaffError {
                var response = ErrorResponses.response(for: APIError(error))
                response.headers += clearedCookies
                return response
            }
        }
        router.add("POST", "/api/v1/auth/logout") { context in
            let cookies = Cookies.read(context.request)
            try requireDoubleSubmit(context, cookies)
            if let token = cookies[Cookies.refresh] { try auth.accounts.signOut(token, at: context.now) }
            return Response(status: 204, headers: clearedCookies + [("Cache-Control", "no-store")])
        }
        router.add("GET", "/api/v1/auth/me") { context in
            JSON.response(try auth.principal(context))
        }
    }

    private static var clearedCookies: [(name: String, value: String)] {
        [Cookies.clear(Cookies.access, path: "/api"), Cookies.clear(Cookies.refresh, path: "/api/v1/auth"),
         Cookies.clear(Cookies.csrf, path: "/")]
    }

    private static func signedIn(_ session: StaffAccounts.Session, auth: StaffAuth, now: Date) -> Response {
        let (cookies, csrf) = auth.issue(session, now: now)
        var response = JSON.response(SignedIn(user: session.user, csrfToken: csrf))
        response.headers += cookies
        return response
    }

    /// Refresh and sign-out work without a valid access token, so their CSRF check is the
    /// double submit: the `X-CSRF-Token` header must repeat the `gq_csrf` cookie.
    private static func requireDoubleSubmit(_ context: RequestContext, _ cookies: [String: String]) throws {
        let given = context.request.header("x-csrf-token") ?? ""
        guard let expected = cookies[Cookies.csrf], !given.isEmpty, ConstantTime.equal(given, expected) else {
            throw APIError(status: 403, code: "csrf_token_invalid", message: "This request is missing its CSRF token.", field: "csrf")
        }
    }
}
