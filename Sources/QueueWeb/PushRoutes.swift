import FastCGI
import Foundation
import QueueCore

/// Web Push for the token page: the server's VAPID key, and a token's browser subscriptions. The
/// view capability suffices (DESIGN, decision 1): it may be told, nothing more.
enum PushRoutes {
    static func register(in router: inout Router) {
        router.add("GET", "/api/v1/push/key") { context in
            // Public by nature: browsers need it to subscribe (`applicationServerKey`).
            let key = try PushKeys(database: context.services.database).publicKey(at: context.now)
            return Response(status: 200, headers: [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "public, max-age=3600")],
                            body: .bytes(JSON.encode(["publicKey": key])))
        }
        router.add("POST", "/api/v1/tokens/{id}/push-subscriptions") { context in
            let token = try TokenAccess.viewed(context, secret: context.query["secret"])
            guard token.state.isActive else {
                throw APIError(status: 409, code: "token_finished", message: "This token is no longer in the queue: there is nothing left to tell.")
            }
            let given = try subscription(context.request)
            let checked = try validated(given, services: context.services.pushServices)
            try PushSubscriptions(database: context.services.database)
                .subscribe(token: token.id, endpoint: checked.endpoint, p256dh: checked.p256dh, auth: checked.auth, at: context.now)
            return JSON.response(status: 201, ["subscribed": true])
        }
        router.add("DELETE", "/api/v1/tokens/{id}/push-subscriptions") { context in
            let token = try TokenAccess.viewed(context, secret: context.query["secret"])
            guard let endpoint = try subscription(context.request)["endpoint"] as? String, !endpoint.isEmpty else {
                throw APIError.invalidField("endpoint", "Send the endpoint of the subscription to remove.")
            }
            _ = try PushSubscriptions(database: context.services.database).unsubscribe(token: token.id, endpoint: endpoint)
            // Gone either way: removing twice is not an error the phone could do anything about.
            return Response(status: 204, headers: [("Cache-Control", "no-store")])
        }
    }

    /// The browser's `PushSubscription.toJSON()`: `{"endpoint", "expirationTime", "keys": {"p256dh", "auth"}}`.
    private static func subscription(_ request: Request) throws -> [String: Any] {
        let mediaType = (request.header("content-type") ?? "").split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            throw APIError(status: 415, code: "unsupported_media_type", message: "Send the subscription as application/json.")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] else {
            throw APIError(status: 400, code: "invalid_body", message: "The body must be a JSON object.")
        }
        return object
    }

    private static func validated(_ object: [String: Any], services: PushServices) throws -> (endpoint: String, p256dh: Data, auth: Data) {
        guard object["endpoint"] == nil || object["endpoint"] is String else {
            throw APIError.invalidField("endpoint", "The endpoint must be a string.")
        }
        guard object["keys"] == nil || object["keys"] is [String: Any] else {
            throw APIError.invalidField("keys", "keys must be an object with p256dh and auth.")
        }
        let keys = object["keys"] as? [String: Any] ?? [:]
        do {
            return try PushSubscription.validated(endpoint: object["endpoint"] as? String, p256dh: keys["p256dh"] as? String,
                                                  auth: keys["auth"] as? String, services: services)
        } catch {
            throw APIError(status: 422, code: "invalid_subscription", message: error.reason, field: error.field)
        }
    }
}
