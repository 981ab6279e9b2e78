import FastCGI
import Foundation
import QueueCore

/// Citizens' tokens: book, read (with the token's secret), find again, cancel, check in.
enum TokenRoutes {
    static func register(in router: inout Router, kioskKey: [UInt8]) {
        router.add("POST", "/api/v1/tokens") { context in
            let body = try RequestBody(context.request)
            do {
                return try book(context, body, kioskKey: kioskKey)
            } catch let error as APIError where body.isForm {
                return BookingFormPage.response(for: error, input: body, offices: (try? context.services.queue.offices(at: context.now)) ?? [], text: context.services.text)
            } catch let error as QueueError where body.isForm {
                return BookingFormPage.response(for: APIError(error), input: body, offices: (try? context.services.queue.offices(at: context.now)) ?? [], text: context.services.text)
            }
        }
        router.add("GET", "/api/v1/tokens/lookup", lookup)
        router.add("GET", "/api/v1/tokens/{id}") { context in
            let token = try authorisedToken(context, secret: context.query["secret"])
            return try statusResponse(context, token.id, status: 200)
        }
        router.add("GET", "/token/") { context in
            // The token page: its address is what the booking redirect and the QR code carry.
            guard let id = context.query["id"].flatMap({ Int64($0) }), let secret = context.query["secret"],
                  let token = try context.services.queue.token(id), ConstantTime.equal(token.secret, secret),
                  let status = try context.services.queue.status(of: id, at: context.now) else {
                return TokenPage.notFound(findAgain: "/find/")
            }
            let office = try? context.services.queue.office(status.token.officeCode, at: context.now)
            return TokenPage.render(status, office: office, secret: secret, text: context.services.text)
        }
        router.add("POST", "/token/find") { context in
            // The find-my-token form: a POST, so that the phone number stays out of the address bar.
            let body = try RequestBody(context.request)
            let language = ["en", "gu", "hi"].contains(body["language"] ?? "") ? (body["language"] ?? "en") : "en"
            let found = try? context.services.queue.lookup(office: body["office"] ?? "", number: body["number"] ?? "",
                                                          phone: body["phone"] ?? "", at: context.now)
            guard let token = found ?? nil else { return TokenPage.notFound(findAgain: language == "en" ? "/find/" : "/\(language)/find/") }
            return redirectToTokenPage(token)
        }
        router.add("GET", "/api/v1/tokens/{id}/qr.svg") { context in
            // The token page's full address, for a phone's camera or a printed ticket.
            let token = try authorisedToken(context, secret: context.query["secret"])
            let host = context.request.header("host") ?? "127.0.0.1:8080"
            let url = "\(context.request.scheme)://\(host)\(tokenPage(id: token.id, secret: token.secret))"
            guard let svg = QRCodeSVG.render(url) else {
                throw APIError(status: 422, code: "qr_too_long", message: "This address is too long for a QR code.")
            }
            return Response(status: 200, headers: [("Content-Type", "image/svg+xml"), ("Cache-Control", "private, max-age=86400")],
                            body: .bytes(Array(svg.utf8)))
        }
        router.add("POST", "/api/v1/tokens/{id}/cancel") { context in
            try citizenAction(context) { queue, token in try queue.cancel(token: token.id, actor: .citizen, at: context.now) }
        }
        router.add("POST", "/api/v1/tokens/{id}/reschedule") { context in
            // A new token for the new slot; the old one is cancelled (its number stays, unused).
            let body = try RequestBody(context.request)
            let token = try authorisedToken(context, secret: body["secret"])
            guard let slot = body["slot"].flatMap({ Int64($0) }), slot > 0 else {
                throw APIError.invalidField("slot", "Choose the new slot.")
            }
            let day = try body.required("date", "Choose the date of the new appointment, written YYYY-MM-DD.")
            let moved = try context.services.queue.reschedule(token: token.id, toSlot: slot, day: day, actor: .citizen, at: context.now)
            return body.isForm ? redirectToTokenPage(moved) : try statusResponse(context, moved.id, status: 201, secret: moved.secret)
        }
        router.add("POST", "/api/v1/tokens/{id}/check-in") { context in
            try citizenAction(context) { queue, token in try queue.checkIn(token: token.id, actor: .citizen, at: context.now) }
        }
        router.add("POST", "/api/v1/offices/{office}/check-in") { context in
            // At the office (kiosk): the mobile number booked with, and the token number if several.
            let body = try RequestBody(context.request)
            let phone = try body.required("phone", "Enter the mobile number you booked with.")
            let queue = context.services.queue
            let token: Token
            if let number = body["number"] {
                guard let found = try queue.lookup(office: context.parameter("office"), number: number, phone: phone, at: context.now)
                else { throw APIError(QueueError.tokenNotFound) }
                token = try queue.checkIn(token: found.id, actor: .kiosk, at: context.now)
            } else {
                token = try queue.checkIn(office: context.parameter("office"), phone: phone, actor: .kiosk, at: context.now)
            }
            return body.isForm ? redirectToTokenPage(token) : try statusResponse(context, token.id, status: 200, secret: token.secret)
        }
    }

    static let priorities = Dictionary(uniqueKeysWithValues: PriorityCategory.allCases.map { ($0.rawValue, $0) })

    private static func book(_ context: RequestContext, _ body: RequestBody, kioskKey: [UInt8]) throws -> Response {
        let office = try body.required("office", "Choose an office.")
        let service = try body.required("service", "Choose a service.")
        var priority = PriorityCategory.none
        if let text = body["priority"] {
            guard let known = priorities[text] else {
                throw APIError.invalidField("priority", "priority must be one of \(PriorityCategory.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            priority = known
        }
        var appointment: (slotID: Int64, day: String)?
        if let slot = body["slot"] {
            guard let slotID = Int64(slot), slotID > 0 else { throw APIError.invalidField("slot", "slot must be a slot id.") }
            let day = try body.required("date", "Choose the date of the appointment, written YYYY-MM-DD.")
            appointment = (slotID, day)
        }
        let citizen = CitizenDetails(
            name: body["name"] ?? "", phone: body["phone"] ?? "", email: body["email"],
            consumerNumber: body["consumer_number"], language: body["language"] ?? "gu", priority: priority)
        let token = try context.services.queue.book(
            BookingRequest(officeCode: office, serviceCode: service, citizen: citizen, appointment: appointment,
                           actor: try bookingActor(context, body, kioskKey: kioskKey)), at: context.now)
        if body.isForm { return redirectToTokenPage(token) }
        var response = try statusResponse(context, token.id, status: 201, secret: token.secret)
        response.headers.append(("Location", "/api/v1/tokens/\(token.id)"))
        return response
    }

    /// A booking marked as the kiosk's must come from a kiosk enrolled for that office; and a booking
    /// that carries a kiosk cookie is the kiosk's, so that cookie must be genuine (nginx counts such
    /// requests per kiosk rather than per address, and a made-up cookie must not escape its limit).
    private static func bookingActor(_ context: RequestContext, _ body: RequestBody, kioskKey: [UInt8]) throws -> Actor {
        let pass = Cookies.read(context.request)[Cookies.kiosk].flatMap { $0.isEmpty ? nil : $0 }
        guard pass != nil || body["kiosk"] == "true" else { return .citizen }
        guard let id = KioskPass.deviceID(pass, key: kioskKey) else { throw APIError(QueueError.kioskNotEnrolled) }
        return .enrolledKiosk(id: id)
    }

    private static func lookup(_ context: RequestContext) throws -> Response {
        let office = try context.query["office"] ?? { throw APIError.invalidField("office", "Choose your office.") }()
        let number = try context.query["number"] ?? { throw APIError.invalidField("number", "Enter your token number, such as NC-017.") }()
        let phone = try context.query["phone"] ?? { throw APIError.invalidField("phone", "Enter the mobile number you booked with.") }()
        guard let token = try context.services.queue.lookup(office: office, number: number, phone: phone, at: context.now) else {
            throw APIError(status: 404, code: "token_not_found",
                           message: "No token \(number.uppercased()) booked with that mobile number at \(office) today or later.")
        }
        return try statusResponse(context, token.id, status: 200, secret: token.secret)
    }

    /// A change the token's holder makes with its secret: the token's status in JSON, or for a form
    /// post a 303 to the token page.
    private static func citizenAction(_ context: RequestContext, _ change: (Queue, Token) throws -> Token) throws -> Response {
        let body = try RequestBody(context.request)
        let token = try change(context.services.queue, try authorisedToken(context, secret: body["secret"]))
        return body.isForm ? redirectToTokenPage(token) : try statusResponse(context, token.id, status: 200)
    }

    /// The token named in the path, if `secret` is its secret (compared in constant time).
    static func authorisedToken(_ context: RequestContext, secret: String?) throws -> Token {
        guard let id = Int64(context.parameter("id")), id > 0 else {
            throw APIError.invalidField("id", "The token id must be a positive number.")
        }
        let given = secret ?? context.request.header("x-token-secret") ?? ""
        guard !given.isEmpty else { throw APIError(status: 401, code: "secret_required", message: "The token's secret is needed to see or change it.", field: "secret") }
        guard let token = try context.services.queue.token(id), ConstantTime.equal(token.secret, given) else {
            // The same answer for a wrong secret and a missing token: ids cannot be probed.
            throw APIError(QueueError.tokenNotFound)
        }
        return token
    }

    private static func statusResponse(_ context: RequestContext, _ id: Int64, status code: Int, secret: String? = nil) throws -> Response {
        guard let status = try context.services.queue.status(of: id, at: context.now) else { throw APIError(QueueError.tokenNotFound) }
        struct Answer: Encodable {
            let token: TokenView
            let secret: String?
            let page: String?
        }
        let view = TokenView(status.token, position: status.position, counterNumber: status.counterNumber,
                             documents: status.requiredDocuments)
        return JSON.response(status: code, Answer(token: view, secret: secret,
                                                  page: secret.map { tokenPage(id: id, secret: $0) }))
    }

    static func tokenPage(id: Int64, secret: String) -> String { "/token/?id=\(id)&secret=\(secret)" }

    private static func redirectToTokenPage(_ token: Token) -> Response {
        Response(status: 303, headers: [("Location", tokenPage(id: token.id, secret: token.secret)), ("Cache-Control", "no-store")])
    }
}

/// Comparison whose time does not depend on where two secrets differ.
enum ConstantTime {
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
