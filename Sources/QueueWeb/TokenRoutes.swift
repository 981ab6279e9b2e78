import FastCGI
import Foundation
import QueueCore

/// Citizens' tokens: book, read (with a view secret), find again. Changes (cancel, move, check in)
/// are in `TokenChangeRoutes`; who may do what is `TokenAccess`.
enum TokenRoutes {
    static func register(in router: inout Router, kioskKey: [UInt8]) {
        router.add("POST", "/api/v1/tokens") { context in
            let body = try RequestBody(context.request)
            do {
                return try book(context, body, kioskKey: kioskKey)
            } catch where body.wantsPage {
                // A form post (JavaScript off) gets the form again, in its language, with what was typed.
                guard let apiError = context.services.apiError(for: error) else { throw error }
                let offices = (try? context.services.queue.offices(at: context.now)) ?? []
                var closed: AppointmentOffer?
                if let opensAt = AppointmentOffer.refusedWalkIn(error, body, queue: context.services.queue, now: context.now) {
                    closed = AppointmentOffer.make(queue: context.services.queue, office: offices.first { $0.code == body["office"] },
                                                    service: body["service"] ?? "", opensAt: opensAt, now: context.now)
                }
                var page = BookingFormPage.response(for: apiError, input: body, offices: offices, text: context.services.text,
                                                    closed: closed, now: context.now)
                if apiError.status == 503 { page.headers.append(("Retry-After", "60")) }
                return page
            }
        }
        router.add("POST", "/api/v1/tokens/lookup") { context in
            // A POST, so that the mobile number never travels in an address (or a log line).
            let body = try RequestBody(context.request)
            let office = try body.required("office", "Choose your office.")
            let number = try body.required("number", "Enter your token number, such as NC-017.")
            let phone = try body.required("phone", "Enter the mobile number you booked with.")
            guard let token = try context.services.queue.lookup(office: office, number: number, phone: phone, at: context.now) else {
                throw APIError(status: 404, code: "token_not_found",
                               message: "No token \(TokenNumber.canonical(number)) booked with that mobile number at \(office) today or later.")
            }
            // Found again: a view secret only. Cancelling stays with the device that booked.
            let secret = try context.services.queue.grantView(of: token.id, at: context.now)
            return try statusResponse(context, token, status: 200, viewSecret: secret)
        }
        router.add("GET", "/api/v1/tokens/{id}") { context in
            try statusResponse(context, try TokenAccess.viewed(context, secret: context.query["secret"]), status: 200)
        }
        router.add("GET", "/token/") { context in
            // The token page: its address is what the booking redirect, the QR code and SMS carry.
            guard let id = context.query["id"].flatMap({ Int64($0) }), let secret = context.query["secret"],
                  let token = try context.services.queue.token(id, viewSecret: secret) else {
                return FindTokenPage.response(.brokenLink, input: nil, language: FindTokenPage.language(of: context),
                                              offices: (try? context.services.queue.offices(at: context.now)) ?? [],
                                              text: context.services.text)
            }
            let status = try context.services.queue.status(of: token, at: context.now)
            let office = try? context.services.queue.office(status.token.officeCode, at: context.now)
            let asked = context.query["lang"].flatMap { ["en", "gu", "hi"].contains($0) ? $0 : nil }
            let canManage = TokenAccess.canManage(token, context.request)
            var appointment: TokenPage.Appointment?
            if token.state == .booked, let slotID = token.slotID {
                let queue = context.services.queue
                let slot = try? queue.slots(office: token.officeCode, service: token.serviceCode, day: token.serviceDay, at: context.now)
                    .first { $0.id == slotID }
                appointment = TokenPage.Appointment(slot: slot, move: canManage ? AppointmentOffer.make(
                    queue: queue, office: office, service: token.serviceCode, opensAt: nil, now: context.now,
                    except: (slotID, token.serviceDay)) : nil)
            }
            let rated = token.state == .served ? ((try? context.services.queue.feedbackGiven(token: token.id)) ?? false) : false
            return TokenPage.render(status, office: office, secret: secret, canManage: canManage,
                                    text: context.services.text, language: asked, appointment: appointment, feedbackGiven: rated)
        }
        router.add("POST", "/token/find") { context in
            // The find-my-token form: a POST, so that the phone number stays out of the address bar.
            let body = try RequestBody(context.request)
            let language = ["en", "gu", "hi"].contains(body["language"] ?? "") ? (body["language"] ?? "en") : "en"
            let found = try? context.services.queue.lookup(office: body["office"] ?? "", number: body["number"] ?? "",
                                                          phone: body["phone"] ?? "", at: context.now)
            guard let token = found ?? nil else {
                return FindTokenPage.response(.noMatch, input: body, language: language,
                                              offices: (try? context.services.queue.offices(at: context.now)) ?? [],
                                              text: context.services.text)
            }
            return redirectToTokenPage(token, viewSecret: try context.services.queue.grantView(of: token.id, at: context.now))
        }
        router.add("GET", "/api/v1/tokens/{id}/qr.svg") { context in
            // The token page's full address, for a phone's camera or a printed ticket.
            let secret = context.query["secret"] ?? context.request.header("x-token-secret") ?? ""
            let token = try TokenAccess.viewed(context, secret: secret)
            let origin = context.services.publicOrigin ?? "\(context.request.scheme)://\(context.request.header("host") ?? "127.0.0.1:8080")"
            let url = origin + tokenPage(id: token.id, secret: secret)
            guard let svg = QRCodeSVG.render(url) else {
                throw APIError(status: 422, code: "qr_too_long", message: "This address is too long for a QR code.")
            }
            return Response(status: 200, headers: [("Content-Type", "image/svg+xml"), ("Cache-Control", "private, max-age=86400")],
                            body: .bytes(Array(svg.utf8)))
        }
        router.add("GET", "/api/v1/tokens/{id}/calendar.ics") { context in
            // "Add to calendar" for an appointment: read with the view secret, like the page.
            let token = try TokenAccess.viewed(context, secret: context.query["secret"])
            let queue = context.services.queue
            guard token.kind == .appointment, let slotID = token.slotID,
                  let slot = try queue.slots(office: token.officeCode, service: token.serviceCode, day: token.serviceDay, at: context.now)
                    .first(where: { $0.id == slotID }),
                  let text = AppointmentCalendar(token: token, slot: slot, office: try queue.office(token.officeCode, at: context.now),
                                                 language: token.citizen.language).text(now: context.now) else {
                throw APIError(status: 409, code: "not_an_appointment", message: "This token is not an appointment.")
            }
            return Response(status: 200, headers: [("Content-Type", "text/calendar; charset=utf-8"),
                                                   ("Content-Disposition", "attachment; filename=\"\(token.number).ics\""),
                                                   ("Cache-Control", "private, no-store")],
                            body: .bytes(Array(text.utf8)))
        }
        TokenChangeRoutes.register(in: &router, kioskKey: kioskKey)
    }

    static let priorities = Dictionary(uniqueKeysWithValues: PriorityCategory.allCases.map { ($0.rawValue, $0) })

    /// The citizen's details as a booking form (the citizen's, the kiosk's or the clerk's) sends them.
    static func citizen(from body: RequestBody) throws -> CitizenDetails {
        var priority = PriorityCategory.none
        if let text = body["priority"] {
            guard let known = priorities[text] else {
                throw APIError.invalidField("priority", "priority must be one of \(PriorityCategory.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            priority = known
        }
        return CitizenDetails(
            name: body["name"] ?? "", phone: body["phone"] ?? "", email: body["email"],
            consumerNumber: body["consumer_number"], language: body["language"] ?? "gu", priority: priority,
            channels: try chosenChannels(body))
    }

    private static func book(_ context: RequestContext, _ body: RequestBody, kioskKey: [UInt8]) throws -> Response {
        let office = try body.required("office", "Choose an office.")
        let service = try body.required("service", "Choose a service.")
        var appointment: (slotID: Int64, day: String)?
        if let slot = body["slot"] {
            guard let slotID = Int64(slot), slotID > 0 else { throw APIError.invalidField("slot", "slot must be a slot id.") }
            let day = try body.required("date", "Choose the date of the appointment, written YYYY-MM-DD.")
            appointment = (slotID, day)
        }
        let citizen = try citizen(from: body)
        let kiosk = try KioskRoutes.presentedKiosk(context, key: kioskKey)
        let forKiosk = kiosk != nil || body["kiosk"] == "true"
        guard !forKiosk || kiosk != nil else { throw APIError(QueueError.kioskNotEnrolled) }
        let actor: Actor = kiosk.map { .enrolledKiosk(id: $0) } ?? .citizen
        guard let (key, keyText) = try bookingKey(context, body, kiosk: kiosk) else {
            let secrets = TokenSecrets.random()
            let token = try context.services.queue.book(
                BookingRequest(officeCode: office, serviceCode: service, citizen: citizen, appointment: appointment,
                               actor: actor, secrets: secrets), at: context.now)
            return issued(context, token, secrets: secrets, asForm: body.wantsPage, status: 201)
        }
        // A retried request gets the token the first one booked, with the same secrets, worked out
        // again from its key: no secret is stored anywhere.
        let secrets = TokenSecrets.derived(fromIdempotencyKey: keyText, serverKey: kioskKey)
        let outcome = try context.services.queue.book(
            BookingRequest(officeCode: office, serviceCode: service, citizen: citizen, appointment: appointment,
                           actor: actor, secrets: secrets), key: key, at: context.now)
        var response = issued(context, outcome.token, secrets: secrets, asForm: body.wantsPage, status: 201)
        if outcome.isReplay { response.headers.append(("Idempotent-Replayed", "true")) }
        return response
    }

    /// The channels the citizen chose: `notify_sms` and `notify_email` (true or false; a form's
    /// ticked box sends "true"). Nil, the default (SMS with a mobile, e-mail with an address), when
    /// the request says nothing; a form that shows the boxes marks itself with `notify_choice`, so
    /// that a box left unticked, which browsers do not send, means no.
    static func chosenChannels(_ body: RequestBody) throws -> Set<MessageChannel>? {
        let boxes = body.isForm && body["notify_choice"] != nil
        guard boxes || body["notify_sms"] != nil || body["notify_email"] != nil else { return nil }
        var channels: Set<MessageChannel> = []
        for (field, channel) in [("notify_sms", MessageChannel.sms), ("notify_email", .email)] {
            switch body[field] {
            // JSON's true and false may arrive as 1 and 0 (JSONSerialization's numbers).
            case "true", "on", "1": channels.insert(channel)
            case "false", "0": continue
            case nil: if !boxes { channels.insert(channel) }
            default: throw APIError.invalidField(field, "\(field) must be true or false.")
            }
        }
        return channels
    }

    static func isNonce(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// The fields that make up a booking request, for telling a retry from another booking.
    static let bookingFields = ["office", "service", "name", "phone", "email", "consumer_number", "language", "priority", "slot", "date",
                                "notify_sms", "notify_email"]

    /// The request's idempotency key, if it has one: the `Idempotency-Key` header, or the booking
    /// form's hidden `idempotency_key`. A form's nonce stays on a page the citizen may change and
    /// send again, so for forms the request's fields are part of the key: changed details are a new
    /// booking, the same details sent again are the same one.
    private static func bookingKey(_ context: RequestContext, _ body: RequestBody, kiosk: Int64?) throws -> (BookingKey, String)? {
        let header = context.request.header("idempotency-key")
        // A form's nonce is ours: 32 hex digits, written by nginx or the page's script. Anything else
        // (the page's placeholder, served without nginx) is no nonce at all: a predictable key would
        // let someone who knows a citizen's details replay their booking and take its manage cookie.
        let formNonce = body.isForm ? body["idempotency_key"].flatMap { Self.isNonce($0) ? $0 : nil } : nil
        guard let given = header ?? formNonce else { return nil }
        guard (8...200).contains(given.utf8.count), given.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError.invalidField("Idempotency-Key", "An idempotency key is 8 to 200 visible ASCII characters, such as a UUID.")
        }
        var fields = Dictionary(uniqueKeysWithValues: bookingFields.map { ($0, body[$0] ?? "") })
        fields["kiosk"] = kiosk.map(String.init) ?? ""
        let keyText = header == nil ? given + "\u{0}" + BookingKey.fingerprint(of: fields) : given
        return (BookingKey(key: keyText, request: fields), keyText)
    }

    /// The answer that hands a new token to its holder: the view secret in the token page's address
    /// (a 303 for a form, JSON otherwise), and the manage secret as a cookie on this device.
    static func issued(_ context: RequestContext, _ token: Token, secrets: TokenSecrets, asForm: Bool, status code: Int) -> Response {
        var response: Response
        if asForm {
            response = redirectToTokenPage(token, viewSecret: secrets.view)
        } else {
            do {
                response = try statusResponse(context, token, status: code, viewSecret: secrets.view)
            } catch {
                // The token is booked: its page still works, so point there rather than fail.
                response = JSON.response(status: code, ["page": tokenPage(id: token.id, secret: secrets.view)])
            }
            response.headers.append(("Location", "/api/v1/tokens/\(token.id)"))
        }
        if token.manageSecretHash != nil {
            response.headers.append(TokenAccess.grantCookie(token, secret: secrets.manage, now: context.now))
        }
        return response
    }

    /// The token's status in JSON, with a view secret and the token page's address when the
    /// answer hands the token over.
    static func statusResponse(_ context: RequestContext, _ token: Token, status code: Int, viewSecret: String? = nil) throws -> Response {
        let status = try context.services.queue.status(of: token, at: context.now)
        let view = TokenView(status.token, position: status.position, counterNumber: status.counterNumber,
                             documents: status.requiredDocuments, words: WaitText(text: context.services.text))
        guard let viewSecret else {
            // A status read: the same bytes for every reader until what the holder sees changes.
            return JSON.response(status: code, bytes: context.services.encodedStatuses.bytes(token.id, view) {
                JSON.encode(TokenAnswer(token: $0, secret: nil, page: nil))
            })
        }
        return JSON.response(status: code, TokenAnswer(token: view, secret: viewSecret, page: tokenPage(id: token.id, secret: viewSecret)))
    }

    static func tokenPage(id: Int64, secret: String) -> String {
        TokenSecrets.pagePath(token: id, view: secret)
    }

    static func redirectToTokenPage(_ token: Token, viewSecret: String) -> Response {
        Response(status: 303, headers: [("Location", tokenPage(id: token.id, secret: viewSecret)), ("Cache-Control", "no-store")])
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
