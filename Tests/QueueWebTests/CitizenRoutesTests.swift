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

    func post(_ path: String, _ fields: [String: Any]) throws -> Response {
        try app.respond(to: Request(method: "POST", path: path, headers: ["Content-Type": "application/json"],
                                    body: Array(try JSONSerialization.data(withJSONObject: fields))))
    }

    func form(_ path: String, _ body: String) throws -> Response {
        try app.respond(to: Request(method: "POST", path: path,
                                    headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(body.utf8)))
    }

    func get(_ path: String, query: String = "") throws -> Response {
        try app.respond(to: Request(method: "GET", path: path, query: query))
    }

    func book(service: String = "bill-complaint", phone: String = "9825012345") throws -> (id: Int64, secret: String, body: [String: Any]) {
        let response = try post("/api/v1/tokens", ["office": "VAD-247", "service": service, "name": "આશા પટેલ", "phone": phone])
        #expect(response.status == 201)
        let body = try json(response)
        let token = try #require(body["token"] as? [String: Any])
        return (try #require(token["id"] as? Int).int64, try #require(body["secret"] as? String), body)
    }

    @Test func officesListTheirServicesAndWhetherTheyAreOpen() throws {
        let body = try json(try get("/api/v1/offices"))
        let offices = try #require(body["offices"] as? [[String: Any]])
        #expect(offices.map { $0["code"] as? String } == ["GNR-CTY", "RJT-C1", "SRT-VRC", "VAD-247"])
        let vadodara = try #require(offices.last)
        #expect(vadodara["is_open_now"] as? Bool == true)
        let names = try #require(vadodara["names"] as? [String: String])
        #expect(names["gu"] == "વડોદરા ૨૪×૭ ગ્રાહક સેવા કેન્દ્ર")
        #expect((vadodara["services"] as? [[String: Any]])?.count == 4)
        #expect(try get("/api/v1/offices/NOPE").status == 404)
    }

    @Test func bookingAnswers201WithTheTokenItsSecretAndItsPage() throws {
        let (id, secret, body) = try book()
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

    @Test func aFailedJSONBookingStaysJSON() throws {
        let response = try post("/api/v1/tokens", ["office": "VAD-247", "service": "bill-complaint", "name": "A", "phone": "1"])
        #expect(response.header("content-type") == "application/json; charset=utf-8")
    }

    @Test func readingATokenNeedsItsSecret() throws {
        let (id, secret, _) = try book()
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

    @Test func aTokenIsFoundAgainByNumberAndPhone() throws {
        let (id, _, _) = try book(phone: "9825012345")
        let found = try json(try get("/api/v1/tokens/lookup", query: "office=VAD-247&number=bc-001&phone=%2B91%2098250%2012345"))
        #expect((found["token"] as? [String: Any])?["id"] as? Int == Int(id))
        #expect(try get("/api/v1/tokens/lookup", query: "office=VAD-247&number=BC-001&phone=9825099999").status == 404)
        #expect(try error(try get("/api/v1/tokens/lookup", query: "office=VAD-247&number=BC-001"))["field"] as? String == "phone")
    }

    @Test func cancellingTwiceIsAConflict() throws {
        let (id, secret, _) = try book()
        let cancelled = try post("/api/v1/tokens/\(id)/cancel", ["secret": secret])
        #expect(cancelled.status == 200)
        #expect((try json(cancelled)["token"] as? [String: Any])?["state"] as? String == "cancelled")
        let again = try post("/api/v1/tokens/\(id)/cancel", ["secret": secret])
        #expect(again.status == 409)
        #expect(try error(again)["code"] as? String == "illegal_transition")
        #expect(try post("/api/v1/tokens/\(id)/cancel", ["secret": "nope"]).status == 404)
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
        let booked = try json(try post("/api/v1/tokens", ["office": "VAD-247", "service": "new-lt-connection", "name": "A",
                                                          "phone": "9825012345", "slot": "\(slots[10]["id"] as? Int ?? 0)", "date": "2026-12-01"]))
        let old = try #require(booked["token"] as? [String: Any])
        let secret = try #require(booked["secret"] as? String)
        let moved = try post("/api/v1/tokens/\(old["id"] as? Int ?? 0)/reschedule",
                             ["secret": secret, "slot": "\(slots[12]["id"] as? Int ?? 0)", "date": "2026-12-01"])
        #expect(moved.status == 201)
        let answer = try json(moved)
        #expect((answer["token"] as? [String: Any])?["slot_starts"] as? String == "12:00")
        #expect(answer["secret"] as? String != secret)
        #expect(try post("/api/v1/tokens/\(old["id"] as? Int ?? 0)/reschedule", ["secret": secret, "slot": "x", "date": "2026-12-01"]).status == 400)
        let gone = try get("/api/v1/tokens/\(old["id"] as? Int ?? 0)", query: "secret=\(secret)")
        #expect((try json(gone)["token"] as? [String: Any])?["state"] as? String == "cancelled")
    }

    @Test func kioskCheckInWithPhone() throws {
        let slots = try #require(try json(try get("/api/v1/offices/VAD-247/slots", query: "service=new-lt-connection&date=2026-11-30"))["slots"] as? [[String: Any]])
        let open = try #require(slots.first { $0["is_past"] as? Bool == false })
        let booked = try post("/api/v1/tokens", ["office": "VAD-247", "service": "new-lt-connection", "name": "A", "phone": "9825012345",
                                                 "slot": "\(open["id"] as? Int ?? 0)", "date": "2026-11-30"])
        #expect(booked.status == 201)
        let checkedIn = try post("/api/v1/offices/VAD-247/check-in", ["phone": "9825012345"])
        #expect(checkedIn.status == 200)
        #expect((try json(checkedIn)["token"] as? [String: Any])?["state"] as? String == "waiting")
        #expect(try post("/api/v1/offices/VAD-247/check-in", ["phone": "9825012345"]).status == 404)
    }
}

extension Int {
    fileprivate var int64: Int64 { Int64(self) }
}
