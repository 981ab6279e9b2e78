import FastCGI
import Foundation
import QueueCore
import Testing
@testable import QueueWeb

/// Kiosks: only a manager of the office enrols one; only an enrolled kiosk takes walk-ins without a
/// name or mobile number; revoking one stops it at once.
@Suite("Kiosk enrolment", .serialized)
struct KioskRoutesTests {
    let staff: StaffRoutesTests

    init() throws { staff = try StaffRoutesTests() }

    func enrol(as session: StaffRoutesTests.Session, office: String = "VAD-247") throws -> Response {
        try staff.request("POST", "/api/v1/kiosks", session: session, csrf: session.csrf, json: ["office": office, "label": "Hall entrance"])
    }

    func kioskBooking(pass: String?, office: String = "VAD-247", extra: [String: String] = [:]) throws -> Response {
        let session = pass.map { StaffRoutesTests.Session(cookies: [Cookies.kiosk: $0], csrf: "") }
        return try staff.request("POST", "/api/v1/tokens", session: session,
                                 json: ["office": office, "service": "bill-complaint", "kiosk": "true"].merging(extra) { $1 })
    }

    @Test func aManagerEnrolsAKioskWhichThenBooksWithoutNameOrPhone() throws {
        // Given the office's manager enrols this browser
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        let enrolled = try enrol(as: manager)
        #expect(enrolled.status == 201)
        let pass = try #require(StaffRoutesTests.cookies(of: enrolled)[Cookies.kiosk])
        let cookie = try #require(enrolled.headers.first { $0.name == "Set-Cookie" && $0.value.hasPrefix("gq_kiosk=") }?.value)
        #expect(cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Strict"))
        // When the kiosk books a walk-in with neither name nor mobile number
        let booked = try kioskBooking(pass: pass)
        // Then the citizen gets a token, and the clerk sees it without personal details
        #expect(booked.status == 201)
        let body = try #require(try WebApplicationTests.json(booked)["token"] as? [String: Any])
        let id = try #require(body["id"] as? Int)
        let token = try #require(try staff.queue.token(Int64(id)))
        #expect(token.citizen.name.isEmpty && token.citizen.phone.isEmpty)
        #expect(try staff.request("GET", "/api/v1/kiosks/current", session: .init(cookies: [Cookies.kiosk: pass], csrf: "")).status == 200)
        // And a mobile number, when given, is still checked
        let badPhone = try kioskBooking(pass: pass, extra: ["phone": "12345"])
        #expect(badPhone.status == 400)
        #expect(try WebApplicationTests.error(badPhone)["field"] as? String == "phone")
    }

    @Test func withoutAValidPassAKioskBookingIsRefusedAndNothingIsBooked() throws {
        for pass in [nil, "kiosk.1.forged", "kiosk.999.AAAA"] {
            let response = try kioskBooking(pass: pass)
            #expect(response.status == 403)
            #expect(try WebApplicationTests.error(response)["code"] as? String == "kiosk_not_enrolled")
        }
        // A made-up kiosk cookie on an ordinary booking is refused too (nginx counts such requests
        // per kiosk, not per address, so the cookie must be genuine)
        let forged = try staff.request("POST", "/api/v1/tokens", session: .init(cookies: [Cookies.kiosk: "kiosk.7.made-up"], csrf: ""),
                                       json: ["office": "VAD-247", "service": "bill-complaint", "name": "Asha", "phone": "9825012345"])
        #expect(forged.status == 403)
        #expect(try staff.queue.snapshot(office: "VAD-247", at: staff.clock.now).services.allSatisfy { $0.waiting == 0 })
        // A citizen's own booking still needs name and phone
        let citizen = try staff.request("POST", "/api/v1/tokens", json: ["office": "VAD-247", "service": "bill-complaint"])
        #expect(citizen.status == 400)
    }

    @Test func aKioskOfOneOfficeCannotBookAtAnother() throws {
        let admin = try staff.signIn("admin", DemoStaff.adminPassword)
        let pass = try #require(StaffRoutesTests.cookies(of: try enrol(as: admin, office: "VAD-247"))[Cookies.kiosk])
        let elsewhere = try kioskBooking(pass: pass, office: "SRT-VRC")
        #expect(elsewhere.status == 403)
    }

    @Test func aClerkCannotEnrolAKioskAndARevokedKioskStopsAtOnce() throws {
        let clerk = try staff.signIn("clerk-vad-247")
        #expect(try enrol(as: clerk).status == 403)
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        let enrolled = try enrol(as: manager)
        let pass = try #require(StaffRoutesTests.cookies(of: enrolled)[Cookies.kiosk])
        let id = try #require(try WebApplicationTests.json(enrolled)["id"] as? Int)
        // Another office's manager may not revoke it; its own manager may
        #expect(try staff.request("POST", "/api/v1/kiosks/\(id)/revoke", session: clerk, csrf: clerk.csrf).status == 403)
        #expect(try staff.request("POST", "/api/v1/kiosks/\(id)/revoke", session: manager, csrf: manager.csrf).status == 204)
        #expect(try kioskBooking(pass: pass).status == 403)
        #expect(try staff.request("GET", "/api/v1/kiosks/current", session: .init(cookies: [Cookies.kiosk: pass], csrf: "")).status == 403)
    }
}

/// The clerk's note on a citizen travels with the token to the next counter and nowhere else.
@Suite("Staff notes", .serialized)
struct StaffNoteTests {
    let staff: StaffRoutesTests

    init() throws { staff = try StaffRoutesTests() }

    @Test func aNoteFollowsTheTokenToTheNextCounterButNotIntoTheLogOrStreams() throws {
        let token = try staff.book()
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        let first = try staff.counterID("VAD-247", 1), second = try staff.counterID("VAD-247", 2)
        let post = { (counter: Int64, action: String, json: [String: String]) in
            try staff.request("POST", "/api/v1/counters/\(counter)/\(action)", session: manager, csrf: manager.csrf, json: json)
        }
        _ = try post(first, "call-next", [:])
        _ = try post(first, "start", [:])
        let noted = try post(first, "note", ["note": "Meter photo missing; ask for it at counter 2"])
        #expect(noted.status == 200)
        #expect((try WebApplicationTests.json(noted)["current"] as? [String: Any])?["note"] as? String == "Meter photo missing; ask for it at counter 2")
        #expect(try post(first, "note", ["note": String(repeating: "x", count: 501)]).status == 400)
        _ = try post(first, "transfer", ["to_counter": "2"])
        let desk = try WebApplicationTests.json(try post(second, "call-next", [:]))
        let current = try #require(desk["current"] as? [String: Any])
        #expect(current["number"] as? String == token.number)
        #expect(current["note"] as? String == "Meter photo missing; ask for it at counter 2")
        let audit = try staff.request("GET", "/api/v1/offices/VAD-247/audit?token=\(token.number)", session: manager)
        let log = String(decoding: audit.bodyBytes, as: UTF8.self)
        #expect(log.contains("note_changed") && !log.contains("Meter photo"))
        let events = try staff.queue.events(office: "VAD-247", after: 0)
        #expect(!String(describing: events).contains("Meter photo"))
    }
}
