import FastCGI
import Foundation
import QueueCore

/// Enrolling and revoking kiosks (managers of the office, administrators), and a kiosk asking
/// whether it is enrolled.
enum KioskRoutes {
    static func register(in router: inout Router, auth: StaffAuth) {
        router.add("POST", "/api/v1/kiosks") { context in
            let body = try RequestBody(context.request)
            let user = try auth.principal(context, csrfFrom: body)
            let office = try body.required("office", "Choose the office this kiosk stands in.")
            try auth.requireManager(user, of: office)
            let device = try KioskDevices(database: context.services.database).enrol(
                office: office, label: body["label"] ?? "Kiosk", by: .staff(id: user.id, username: user.username), at: context.now)
            var response = JSON.response(status: 201, device)
            response.headers.append(Cookies.set(Cookies.kiosk, KioskPass.encoded(device.id, key: auth.key), path: "/api",
                                                maxAge: KioskPass.lifetimeSeconds))
            return response
        }
        router.add("GET", "/api/v1/kiosks/current") { context in
            JSON.response(try enrolledDevice(context, key: auth.key))
        }
        router.add("POST", "/api/v1/kiosks/{id}/revoke") { context in
            let body = try RequestBody(context.request)
            let user = try auth.principal(context, csrfFrom: body)
            guard let id = Int64(context.parameter("id")) else { throw APIError.invalidField("id", "The kiosk id must be a number.") }
            let kiosks = KioskDevices(database: context.services.database)
            guard let device = try kiosks.device(id) else { throw APIError.notFound("There is no kiosk \(id).") }
            try auth.requireManager(user, of: device.office)
            try kiosks.revoke(id, by: .staff(id: user.id, username: user.username), at: context.now)
            return Response(status: 204, headers: [("Cache-Control", "no-store")])
        }
    }

    /// The enrolled, unrevoked kiosk this request comes from.
    static func enrolledDevice(_ context: RequestContext, key: [UInt8]) throws -> KioskDevices.Device {
        guard let id = try presentedKiosk(context, key: key),
              let device = try KioskDevices(database: context.services.database).device(id), !device.isRevoked else {
            throw APIError(QueueError.kioskNotEnrolled)
        }
        return device
    }

    /// The kiosk a request says it comes from: nil if it says none; its device id if every claim
    /// is a genuine pass of the same kiosk; otherwise `kioskNotEnrolled`. The claims are the cookie
    /// as read here and the value nginx counted the request by (`GUVNL_KIOSK_LIMIT_KEY`, which nginx
    /// finds by a case-insensitive cookie name): a request nginx counted as a kiosk's must be one.
    static func presentedKiosk(_ context: RequestContext, key: [UInt8]) throws -> Int64? {
        let claims = [Cookies.read(context.request)[Cookies.kiosk], context.request.gatewayVariables["KIOSK_LIMIT_KEY"]]
            .compactMap { $0 }.filter { !$0.isEmpty }
        guard !claims.isEmpty else { return nil }
        let ids = claims.map { KioskPass.deviceID($0, key: key) }
        guard let id = ids[0], ids.allSatisfy({ $0 == id }) else { throw APIError(QueueError.kioskNotEnrolled) }
        return id
    }
}
