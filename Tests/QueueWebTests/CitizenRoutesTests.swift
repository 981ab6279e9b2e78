import FastCGI
import Foundation
import Logging
import QueueCore
import Testing
@testable import QueueWeb

/// Citizens' routes driven in-process: booking, reading, finding, cancelling and checking in tokens.
@Suite("Citizen API")
struct CitizenRoutesTests {
    /// Monday 30 November 2026, 11:00 in India.
    static let monday = ISO8601DateFormatter().date(from: "2026-11-30T05:30:00Z") ?? Date()
    let app: WebApplication
    let database: AppDatabase

    init() throws {
        database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        app = WebApplication(services: AppServices(database: database, text: RepositoryStrings.text, now: { Self.monday }),
                             logger: Logger(label: "test"))
    }

    func json(_ response: Response) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(response.bodyBytes)) as? [String: Any])
    }

    func error(_ response: Response) throws -> [String: Any] {
        try #require(try json(response)["error"] as? [String: Any])
    }

    func post(_ path: String, _ fields: [String: Any], cookie: String? = nil) throws -> Response {
        var headers = ["Content-Type": "application/json"]
        if let cookie { headers["Cookie"] = cookie }
        return try app.respond(to: Request(method: "POST", path: path, headers: headers,
                                           body: Array(try JSONSerialization.data(withJSONObject: fields))))
    }

    /// The `name=value` of the first cookie the answer sets, if any.
    func cookie(_ response: Response) -> String? {
        response.headers.first { $0.name == "Set-Cookie" }.map { String($0.value.split(separator: ";")[0]) }
    }

    func form(_ path: String, _ body: String) throws -> Response {
        try app.respond(to: Request(method: "POST", path: path,
                                    headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(body.utf8)))
    }

    func get(_ path: String, query: String = "") throws -> Response {
        try app.respond(to: Request(method: "GET", path: path, query: query))
    }

    /// Books a walk-in as a citizen would: the token's id, its view secret, the answer, and the
    /// manage cookie the answer sets on the booking device.
    func book(service: String = "bill-complaint", phone: String = "9825012345")
        throws -> (id: Int64, secret: String, body: [String: Any], manage: String) {
        let response = try post("/api/v1/tokens", ["office": "VAD-247", "service": service, "name": "આશા પટેલ", "phone": phone])
        #expect(response.status == 201)
        let body = try json(response)
        let token = try #require(body["token"] as? [String: Any])
        return (try #require(token["id"] as? Int).int64, try #require(body["secret"] as? String), body, try #require(cookie(response)))
    }

    @Test func officesListTheirServicesAndWhetherTheyAreOpen() throws {
        let body = try json(try get("/api/v1/offices"))
        let offices = try #require(body["offices"] as? [[String: Any]])
        #expect(offices.map { $0["code"] as? String } == ["GNR-CTY", "RJT-C1", "SRT-VRC", "VAD-247"])
        let vadodara = try #require(offices.last)
        #expect(vadodara["is_open_now"] as? Bool == true)
        let names = try #require(vadodara["names"] as? [String: String])
        #expect(names["gu"] == "વડોદરા 24×7 ગ્રાહક સેવા કેન્દ્ર")
        #expect((vadodara["services"] as? [[String: Any]])?.count == 4)
        #expect(try get("/api/v1/offices/NOPE").status == 404)
    }

    @Test func bookingAnswers201WithTheTokenItsSecretAndItsPage() throws {
        let (id, secret, body, _) = try book()
        let token = try #require(body["token"] as? [String: Any])
        #expect(token["number"] as? String == "BC-001")
        #expect(token["state"] as? String == "waiting")
        #expect(body["page"] as? String == "/token/?id=\(id)&secret=\(secret)")
        let position = try #require(token["position"] as? [String: Any])
        #expect(position["ahead"] as? Int == 0)
        // No personal data in the token view.
        let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        #expect(!text.contains("9825012345") && !text.contains("પટેલ"))
    }

    @Test func aFormPostIsAnswered303ToTheTokenPage() throws {
        let response = try form("/api/v1/tokens", "office=VAD-247&service=bill-complaint&name=Ravi+Shah&phone=98980+12345")
        #expect(response.status == 303)
        #expect(response.header("Location")?.hasPrefix("/token/?id=1&secret=") == true)
    }

    @Test func aFailedFormPostShowsTheFormAgainWithTheErrorAndTheInputKept() throws {
        // Given a citizen without JavaScript who mistypes their mobile number, in Gujarati
        let response = try form("/api/v1/tokens",
                                "office=VAD-247&service=meter-complaint&name=%E0%AA%86%E0%AA%B6%E0%AA%BE+%3Cb%3E&phone=12345&language=gu&priority=senior_citizen")
        // Then they get the form back (not a redirect, so their details stay out of URLs)
        #expect(response.status == 400)
        #expect(response.header("content-type") == "text/html; charset=utf-8")
        let page = String(decoding: response.bodyBytes, as: UTF8.self)
        #expect(page.contains("<html lang=\"gu\">"))
        #expect(page.contains("<a href=\"#phone\">"))
        #expect(page.contains("id=\"phone\" name=\"phone\" type=\"tel\" autocomplete=\"tel\" inputmode=\"tel\" value=\"12345\" aria-invalid=\"true\""))
        // with everything they typed kept, escaped
        #expect(page.contains("value=\"આશા &lt;b&gt;\""))
        #expect(!page.contains("<b>"))
        #expect(page.contains("<option value=\"meter-complaint\" selected>"))
        #expect(page.contains("<option value=\"senior_citizen\" selected>"))
        #expect(page.contains("મોબાઇલ નંબર"))
        #expect(page.contains("<a href=\"#phone\">6, 7, 8 અથવા 9 થી શરૂ થતો 10 અંકનો મોબાઇલ નંબર"))
        // and nothing was booked
        let count = try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM token") }
        #expect(count == 0)
    }

    @Test func aFormPostThatAsksForJSONIsAnsweredInJSON() throws {
        func send(_ body: String) throws -> Response {
            try app.respond(to: Request(method: "POST", path: "/api/v1/tokens", headers: [
                "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"], body: Array(body.utf8)))
        }
        let bad = try send("office=VAD-247&service=bill-complaint&name=A&phone=12")
        #expect(bad.status == 400 && bad.header("content-type") == "application/json; charset=utf-8")
        #expect(try error(bad)["field"] as? String == "phone")
        let good = try send("office=VAD-247&service=bill-complaint&name=A&phone=9825012345")
        #expect(good.status == 201)
        #expect(try json(good)["secret"] as? String != nil)
    }

    @Test func aFailedJSONBookingStaysJSON() throws {
        let response = try post("/api/v1/tokens", ["office": "VAD-247", "service": "bill-complaint", "name": "A", "phone": "1"])
        #expect(response.header("content-type") == "application/json; charset=utf-8")
    }

    @Test func readingATokenNeedsItsSecret() throws {
        let (id, secret, _, _) = try book()
        #expect(try get("/api/v1/tokens/\(id)", query: "secret=\(secret)").status == 200)
        let withHeader = try app.respond(to: Request(method: "GET", path: "/api/v1/tokens/\(id)", headers: ["X-Token-Secret": secret]))
        #expect(withHeader.status == 200)
        #expect(try get("/api/v1/tokens/\(id)").status == 401)
        // A wrong secret and a missing token look the same.
        let wrong = try get("/api/v1/tokens/\(id)", query: "secret=\(String(secret.reversed()))")
        let missing = try get("/api/v1/tokens/999", query: "secret=\(secret)")
        #expect(wrong.status == 404 && missing.status == 404)
        #expect(wrong.bodyBytes == missing.bodyBytes)
        #expect(try get("/api/v1/tokens/abc", query: "secret=x").status == 400)
    }

    @Test func aTokenIsFoundAgainByNumberAndPhoneWithAViewSecretOnly() throws {
        // Given a token booked on one phone
        let (id, bookedSecret, _, _) = try book(phone: "9825012345")
        // When its holder finds it again elsewhere, by office, number and mobile number (a POST)
        let response = try post("/api/v1/tokens/lookup", ["office": "VAD-247", "number": "bc-001", "phone": "+91 98250 12345"])
        let found = try json(response)
        // Then they get the token and a new secret that reads it, and no manage cookie
        #expect((found["token"] as? [String: Any])?["id"] as? Int == Int(id))
        let secret = try #require(found["secret"] as? String)
        #expect(secret != bookedSecret && cookie(response) == nil)
        #expect(try get("/api/v1/tokens/\(id)", query: "secret=\(secret)").status == 200)
        #expect(try get("/api/v1/tokens/\(id)", query: "secret=\(bookedSecret)").status == 200)
        // but cannot cancel it
        let cancel = try post("/api/v1/tokens/\(id)/cancel", ["secret": secret])
        #expect(cancel.status == 403)
        #expect(try error(cancel)["code"] as? String == "manage_not_allowed")
        #expect(try post("/api/v1/tokens/lookup", ["office": "VAD-247", "number": "BC-001", "phone": "9825099999"]).status == 404)
        #expect(try error(try post("/api/v1/tokens/lookup", ["office": "VAD-247", "number": "BC-001"]))["field"] as? String == "phone")
        // and the phone number never goes in an address: GET is not a lookup
        let asGet = try get("/api/v1/tokens/lookup", query: "office=VAD-247&number=BC-001&phone=9825012345")
        #expect(asGet.status == 405 && asGet.header("Allow") == "POST")
    }

    func postWithKey(_ key: String, _ fields: [String: Any]) throws -> Response {
        try app.respond(to: Request(method: "POST", path: "/api/v1/tokens",
                                    headers: ["Content-Type": "application/json", "Idempotency-Key": key],
                                    body: Array(try JSONSerialization.data(withJSONObject: fields))))
    }

    func tokenCount() throws -> Int {
        try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM token") } ?? -1
    }

    @Test func aRetriedBookingWithTheSameKeyReturnsTheSameTokenAndBooksNothing() throws {
        let fields = ["office": "VAD-247", "service": "bill-complaint", "name": "Asha", "phone": "9825012345"]
        let first = try postWithKey("5b7c1a0e-2f3d-4c5b-9a8e-1d2c3b4a5f60", fields)
        let again = try postWithKey("5b7c1a0e-2f3d-4c5b-9a8e-1d2c3b4a5f60", fields)
        #expect(first.status == 201 && again.status == 201)
        let a = try json(first), b = try json(again)
        #expect((a["token"] as? [String: Any])?["number"] as? String == "BC-001")
        #expect((b["token"] as? [String: Any])?["number"] as? String == "BC-001")
        // The same secrets (worked out again from the key) and the same manage cookie
        #expect(a["secret"] as? String == b["secret"] as? String && a["secret"] != nil)
        #expect(cookie(first) == cookie(again))
        #expect(again.header("Idempotent-Replayed") == "true" && first.header("Idempotent-Replayed") == nil)
        #expect(try tokenCount() == 1)
        // A new key is a new booking
        #expect(try postWithKey("another-key-for-another-booking", fields).status == 201)
        #expect(try tokenCount() == 2)
    }

    @Test func aKeyUsedForAnotherBookingIsRefused() throws {
        let key = "c0ffee00-0000-4000-8000-000000000001"
        #expect(try postWithKey(key, ["office": "VAD-247", "service": "bill-complaint", "name": "Asha", "phone": "9825012345"]).status == 201)
        let other = try postWithKey(key, ["office": "VAD-247", "service": "bill-complaint", "name": "Ravi", "phone": "9825099999"])
        #expect(other.status == 422)
        #expect(try error(other)["code"] as? String == "idempotency_key_reused")
        #expect(try error(postWithKey("short", ["office": "VAD-247", "service": "bill-complaint", "name": "Ravi", "phone": "9825099999"]))["field"] as? String == "Idempotency-Key")
        #expect(try tokenCount() == 1)
    }

    @Test func copiesOfOneRequestArrivingTogetherBookOneToken() throws {
        let fields = ["office": "VAD-247", "service": "bill-complaint", "name": "Asha", "phone": "9825012345"]
        let numbers = LockedStrings()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            if let response = try? postWithKey("one-request-sent-eight-times", fields),
               let body = try? JSONSerialization.jsonObject(with: Data(response.bodyBytes)) as? [String: Any],
               let number = (body["token"] as? [String: Any])?["number"] as? String {
                numbers.add(number)
            }
        }
        #expect(numbers.all == Array(repeating: "BC-001", count: 8))
        #expect(try tokenCount() == 1)
    }

    @Test func theBookingFormSentAgainWithItsNonceGetsTheSameTokenButChangedDetailsAreANewBooking() throws {
        let sent = "office=VAD-247&service=bill-complaint&name=Asha&phone=9825012345&language=en&idempotency_key=3f1c0d9e8b7a65443322110fedcba987"
        let first = try form("/api/v1/tokens", sent)
        let again = try form("/api/v1/tokens", sent)
        #expect(first.status == 303 && again.status == 303)
        #expect(first.header("Location") == again.header("Location"))
        #expect(try tokenCount() == 1)
        // The citizen corrects the name on the same page and sends it: that is another booking
        let corrected = try form("/api/v1/tokens", sent.replacingOccurrences(of: "name=Asha", with: "name=Asha+Patel"))
        #expect(corrected.status == 303 && corrected.header("Location") != first.header("Location"))
        #expect(try tokenCount() == 2)
    }

    @Test func aFormNonceThatIsNotOursIsNoNonceSoItCannotBeReplayedByAnother() throws {
        // The page's placeholder, as served without nginx: predictable, so booking must not key on it,
        // or anyone who knows a citizen's name and mobile number could replay the form and get the
        // token's manage cookie
        let sent = "office=VAD-247&service=bill-complaint&name=Meena+Shah&phone=9825055555&language=en&idempotency_key=%40GUVNL_BOOKING_NONCE%40"
        let victim = try form("/api/v1/tokens", sent)
        let attacker = try form("/api/v1/tokens", sent)
        #expect(victim.status == 303)
        #expect(attacker.header("Location") != victim.header("Location"))
        #expect(cookie(attacker) != cookie(victim))
        #expect(attacker.header("Idempotent-Replayed") == nil)
    }

    @Test func onlyTheDeviceThatBookedCanCancelAndOnlyOnce() throws {
        let (id, secret, _, manage) = try book()
        let other = try book(service: "meter-complaint")
        // The view secret alone, or another token's cookie, cannot cancel; the token stays
        #expect(try post("/api/v1/tokens/\(id)/cancel", ["secret": secret]).status == 403)
        #expect(try post("/api/v1/tokens/\(id)/cancel", [:], cookie: other.manage).status == 403)
        #expect(try post("/api/v1/tokens/\(id)/cancel", [:], cookie: "gq_manage_\(id)=\(String(secret.reversed()))").status == 403)
        let cancelled = try post("/api/v1/tokens/\(id)/cancel", [:], cookie: manage)
        #expect(cancelled.status == 200)
        #expect((try json(cancelled)["token"] as? [String: Any])?["state"] as? String == "cancelled")
        // The cookie is dropped once there is nothing left to manage
        #expect(cancelled.headers.contains { $0.name == "Set-Cookie" && $0.value.hasPrefix("gq_manage_\(id)=;") && $0.value.contains("Max-Age=0") })
        let again = try post("/api/v1/tokens/\(id)/cancel", [:], cookie: manage)
        #expect(again.status == 409)
        #expect(try error(again)["code"] as? String == "illegal_transition")
    }

    @Test func theManageCookieIsHttpOnlyAndTheTokenPageOffersCancelOnlyWithIt() throws {
        let response = try post("/api/v1/tokens", ["office": "VAD-247", "service": "bill-complaint", "name": "A", "phone": "9825012345",
                                                   "language": "en"])
        let header = try #require(response.headers.first { $0.name == "Set-Cookie" }?.value)
        #expect(header.contains("HttpOnly") && header.contains("Secure") && header.contains("SameSite=Lax") && header.contains("Path=/;"))
        let body = try json(response)
        let id = try #require((body["token"] as? [String: Any])?["id"] as? Int)
        let secret = try #require(body["secret"] as? String)
        let page = { (cookie: String?) throws -> String in
            let request = Request(method: "GET", path: "/token/", query: "id=\(id)&secret=\(secret)", headers: cookie.map { ["Cookie": $0] } ?? [:])
            return String(decoding: try app.respond(to: request).bodyBytes, as: UTF8.self)
        }
        #expect(try page(cookie(response)).contains("action=\"/api/v1/tokens/\(id)/cancel?lang=en\""))
        let elsewhere = try page(nil)
        #expect(!elsewhere.contains("/cancel?") && elsewhere.contains("ask at the counter"))
    }

    @Test(arguments: [
        (["service": "bill-complaint", "name": "A", "phone": "9825012345"], 400, "office"),
        (["office": "VAD-247", "name": "A", "phone": "9825012345"], 400, "service"),
        (["office": "VAD-247", "service": "bill-complaint", "phone": "9825012345"], 400, "name"),
        (["office": "VAD-247", "service": "bill-complaint", "name": "A", "phone": "12345"], 400, "phone"),
        (["office": "VAD-247", "service": "bill-complaint", "name": "A", "phone": "9825012345", "email": "x@"], 400, "email"),
        (["office": "VAD-247", "service": "bill-complaint", "name": "A", "phone": "9825012345", "priority": "vip"], 400, "priority"),
        (["office": "VAD-247", "service": "bill-complaint", "name": "A", "phone": "9825012345", "language": "fr"], 400, "language"),
        (["office": "VAD-247", "service": "bill-complaint", "name": "A", "phone": "9825012345", "consumer_number": "12"], 400, "consumer_number"),
        (["office": "NOPE", "service": "bill-complaint", "name": "A", "phone": "9825012345"], 404, "office"),
        (["office": "VAD-247", "service": "rooftop-solar", "name": "A", "phone": "9825012345"], 422, "service"),
        (["office": "VAD-247", "service": "new-lt-connection", "name": "A", "phone": "9825012345", "slot": "x"], 400, "slot"),
        (["office": "VAD-247", "service": "new-lt-connection", "name": "A", "phone": "9825012345", "slot": "1"], 400, "date"),
        (["office": "VAD-247", "service": "new-lt-connection", "name": "A", "phone": "9825012345", "slot": "1", "date": "2026-13-01"], 400, "date"),
    ] as [([String: String], Int, String)])
    func badBookingsNameTheFieldAndBookNothing(fields: [String: String], status: Int, field: String) throws {
        let response = try post("/api/v1/tokens", fields)
        #expect(response.status == status)
        #expect(try error(response)["field"] as? String == field)
        let count = try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM token") }
        #expect(count == 0)
    }

    @Test func malformedBodiesAre400Or415() throws {
        let notJSON = try app.respond(to: Request(method: "POST", path: "/api/v1/tokens",
                                                  headers: ["Content-Type": "application/json"], body: Array("{oops".utf8)))
        #expect(notJSON.status == 400)
        let xml = try app.respond(to: Request(method: "POST", path: "/api/v1/tokens",
                                              headers: ["Content-Type": "text/xml"], body: Array("<a/>".utf8)))
        #expect(xml.status == 415)
        let nested = try post("/api/v1/tokens", ["office": ["x"]])
        #expect(try error(nested)["field"] as? String == "office")
    }

    @Test func theFourthActiveTokenForOnePhoneIs429() throws {
        for service in ["bill-complaint", "meter-complaint", "reconnection"] { _ = try book(service: service) }
        let fourth = try post("/api/v1/tokens", ["office": "VAD-247", "service": "new-lt-connection", "name": "A", "phone": "9825012345"])
        #expect(fourth.status == 429)
        #expect(try error(fourth)["code"] as? String == "phone_limit_reached")
    }

    @Test func slotsShowPlacesLeft() throws {
        let response = try get("/api/v1/offices/VAD-247/slots", query: "service=new-lt-connection&date=2026-12-01")
        let slots = try #require(try json(response)["slots"] as? [[String: Any]])
        #expect(slots.count == 24)
        let first = try #require(slots.first)
        #expect(first["places_left"] as? Int == 4 && first["starts"] as? String == "00:00")
        _ = try post("/api/v1/tokens", ["office": "VAD-247", "service": "new-lt-connection", "name": "A", "phone": "9825012345",
                                        "slot": "\(first["id"] as? Int ?? 0)", "date": "2026-12-01"])
        let after = try #require(try json(try get("/api/v1/offices/VAD-247/slots", query: "service=new-lt-connection&date=2026-12-01"))["slots"] as? [[String: Any]])
        #expect(after.first?["places_left"] as? Int == 3)
        #expect(try get("/api/v1/offices/VAD-247/slots", query: "service=bill-complaint&date=2026-12-01").status == 422)
        #expect(try error(try get("/api/v1/offices/VAD-247/slots", query: "service=new-lt-connection"))["field"] as? String == "date")
    }

    @Test func theQueueSnapshotHasNoPersonalData() throws {
        _ = try book()
        let response = try get("/api/v1/offices/VAD-247/queue")
        #expect(response.status == 200)
        let text = String(decoding: response.bodyBytes, as: UTF8.self)
        #expect(!text.contains("9825012345") && !text.contains("પટેલ"))
        let body = try json(response)
        let services = try #require(body["services"] as? [[String: Any]])
        #expect(services.first { $0["code"] as? String == "bill-complaint" }?["waiting"] as? Int == 1)
        #expect((body["last_event_id"] as? Int ?? 0) > 0)
    }

    @Test func anAppointmentMovesToAnotherSlotWithANewToken() throws {
        let slots = try #require(try json(try get("/api/v1/offices/VAD-247/slots", query: "service=new-lt-connection&date=2026-12-01"))["slots"] as? [[String: Any]])
        let bookedResponse = try post("/api/v1/tokens", ["office": "VAD-247", "service": "new-lt-connection", "name": "A",
                                                         "phone": "9825012345", "slot": "\(slots[10]["id"] as? Int ?? 0)", "date": "2026-12-01"])
        let booked = try json(bookedResponse)
        let manage = try #require(cookie(bookedResponse))
        let old = try #require(booked["token"] as? [String: Any])
        let secret = try #require(booked["secret"] as? String)
        let moved = try post("/api/v1/tokens/\(old["id"] as? Int ?? 0)/reschedule",
                             ["slot": "\(slots[12]["id"] as? Int ?? 0)", "date": "2026-12-01"], cookie: manage)
        #expect(moved.status == 201)
        let answer = try json(moved)
        let newID = try #require((answer["token"] as? [String: Any])?["id"] as? Int)
        #expect((answer["token"] as? [String: Any])?["slot_starts"] as? String == "12:00")
        #expect(answer["secret"] as? String != secret)
        // The new token's manage cookie replaces the old one's
        #expect(moved.headers.contains { $0.name == "Set-Cookie" && $0.value.hasPrefix("gq_manage_\(newID)=") && !$0.value.contains("Max-Age=0") })
        #expect(moved.headers.contains { $0.name == "Set-Cookie" && $0.value.hasPrefix("gq_manage_\(old["id"] as? Int ?? 0)=;") })
        #expect(try post("/api/v1/tokens/\(old["id"] as? Int ?? 0)/reschedule", ["slot": "x", "date": "2026-12-01"], cookie: manage).status == 400)
        let gone = try get("/api/v1/tokens/\(old["id"] as? Int ?? 0)", query: "secret=\(secret)")
        #expect((try json(gone)["token"] as? [String: Any])?["state"] as? String == "cancelled")
    }

    @Test func kioskCheckInWithPhone() throws {
        let slots = try #require(try json(try get("/api/v1/offices/VAD-247/slots", query: "service=new-lt-connection&date=2026-11-30"))["slots"] as? [[String: Any]])
        let open = try #require(slots.first { $0["is_past"] as? Bool == false })
        let booked = try post("/api/v1/tokens", ["office": "VAD-247", "service": "new-lt-connection", "name": "A", "phone": "9825012345",
                                                 "slot": "\(open["id"] as? Int ?? 0)", "date": "2026-11-30"])
        #expect(booked.status == 201)
        // Not from anywhere: a mobile number alone, without the office's kiosk, checks nothing in
        let fromAnywhere = try post("/api/v1/offices/VAD-247/check-in", ["phone": "9825012345"])
        #expect(fromAnywhere.status == 403)
        #expect(try error(fromAnywhere)["code"] as? String == "kiosk_not_enrolled")
        let key = try StaffAccounts(database: database).signingKey(at: Self.monday)
        let kiosks = KioskDevices(database: database)
        let elsewhere = try kiosks.enrol(office: "SRT-VRC", label: "Surat hall", by: .system, at: Self.monday)
        #expect(try post("/api/v1/offices/VAD-247/check-in", ["phone": "9825012345"],
                         cookie: "gq_kiosk=\(KioskPass.encoded(elsewhere.id, key: key))").status == 403)
        // At the office's own kiosk it works, and the answer hands out no secret
        let hall = try kiosks.enrol(office: "VAD-247", label: "Hall", by: .system, at: Self.monday)
        let kiosk = "gq_kiosk=\(KioskPass.encoded(hall.id, key: key))"
        let checkedIn = try post("/api/v1/offices/VAD-247/check-in", ["phone": "9825012345"], cookie: kiosk)
        #expect(checkedIn.status == 200)
        let answer = try json(checkedIn)
        #expect((answer["token"] as? [String: Any])?["state"] as? String == "waiting")
        #expect(answer["secret"] == nil || answer["secret"] is NSNull)
        #expect(cookie(checkedIn) == nil)
        #expect(try post("/api/v1/offices/VAD-247/check-in", ["phone": "9825012345"], cookie: kiosk).status == 404)
    }
}

extension Int {
    fileprivate var int64: Int64 { Int64(self) }
}

/// Strings gathered from concurrent requests.
final class LockedStrings: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.lock(); items.append(item); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
