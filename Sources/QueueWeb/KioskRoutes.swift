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
            JSON.response(try enrolledDevice(context, auth: auth))
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
    static func enrolledDevice(_ context: RequestContext, auth: StaffAuth) throws -> KioskDevices.Device {
        guard let id = KioskPass.deviceID(Cookies.read(context.request)[Cookies.kiosk], key: auth.key),
              let device = try KioskDevices(database: context.services.database).device(id), !device.isRevoked else {
            throw APIError(QueueError.kioskNotEnrolled)
        }
        return device
    }
}
