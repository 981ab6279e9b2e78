import FastCGI
import Foundation
import QueueCore

/// Changes to a token by its holder, with the manage capability (the cookie on the device that
/// booked): cancel, move an appointment, check in. And check-in at the office's kiosk by mobile number.
enum TokenChangeRoutes {
    static func register(in router: inout Router, kioskKey: [UInt8]) {
        router.add("POST", "/api/v1/tokens/{id}/cancel") { context in
            let body = try RequestBody(context.request)
            let token = try context.services.queue.cancel(token: try TokenAccess.managed(context).id, actor: .citizen, at: context.now)
            var response = try changed(context, token, body: body)
            response.headers.append(TokenAccess.dropCookie(token.id))
            return response
        }
        router.add("POST", "/api/v1/tokens/{id}/check-in") { context in
            let body = try RequestBody(context.request)
            let token = try context.services.queue.checkIn(token: try TokenAccess.managed(context).id, actor: .citizen, at: context.now)
            return try changed(context, token, body: body)
        }
        router.add("POST", "/api/v1/tokens/{id}/reschedule") { context in
            // A new token for the new slot; the old one is cancelled (its number stays, unused).
            let body = try RequestBody(context.request)
            let token = try TokenAccess.managed(context)
            guard let slot = body["slot"].flatMap({ Int64($0) }), slot > 0 else {
                throw APIError.invalidField("slot", "Choose the new slot.")
            }
            let day = try body.required("date", "Choose the date of the new appointment, written YYYY-MM-DD.")
            let secrets = TokenSecrets.random()
            let moved = try context.services.queue.reschedule(token: token.id, toSlot: slot, day: day, secrets: secrets,
                                                              actor: .citizen, at: context.now)
            var response = TokenRoutes.issued(context, moved, secrets: secrets, asForm: body.wantsPage, status: 201)
            response.headers.append(TokenAccess.dropCookie(token.id))
            return response
        }
        router.add("POST", "/api/v1/offices/{office}/check-in") { context in
            // At the office, on its enrolled kiosk (the citizen is there): the mobile number booked
            // with, and the token number if several. The answer says where they stand, and carries
            // no secret: a mobile number alone must not hand out a token.
            let office = context.parameter("office")
            let device = try KioskRoutes.enrolledDevice(context, key: kioskKey)
            guard device.office == office else { throw APIError(QueueError.kioskNotEnrolled) }
            let body = try RequestBody(context.request)
            let phone = try body.required("phone", "Enter the mobile number you booked with.")
            let queue = context.services.queue
            let actor = Actor.enrolledKiosk(id: device.id)
            let token: Token
            if let number = body["number"] {
                guard let found = try queue.lookup(office: office, number: number, phone: phone, at: context.now)
                else { throw APIError(QueueError.tokenNotFound) }
                token = try queue.checkIn(token: found.id, actor: actor, at: context.now)
            } else {
                token = try queue.checkIn(office: office, phone: phone, actor: actor, at: context.now)
            }
            return try TokenRoutes.statusResponse(context, token, status: 200)
        }
    }

    /// After a change: the token's status in JSON, or for a form post (the token page's buttons) a
    /// 303 back to the token page, whose view secret the form carries.
    private static func changed(_ context: RequestContext, _ token: Token, body: RequestBody) throws -> Response {
        if body.wantsPage, let secret = body["secret"], try context.services.queue.token(token.id, viewSecret: secret) != nil {
            return TokenRoutes.redirectToTokenPage(token, viewSecret: secret)
        }
        return try TokenRoutes.statusResponse(context, token, status: 200)
    }
}
