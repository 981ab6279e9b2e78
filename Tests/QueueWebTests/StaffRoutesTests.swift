import FastCGI
import Foundation
import Logging
import QueueCore
import Testing
@testable import QueueWeb

/// Staff sign-in and counter actions in-process: sessions, CSRF, roles and offices.
@Suite("Staff API", .serialized)
struct StaffRoutesTests {
    static let monday = ISO8601DateFormatter().date(from: "2026-11-30T05:30:00Z") ?? Date()
    let app: WebApplication
    let queue: Queue
    let clock = Clock()

    /// A settable clock, so that delays and expiry can be tested without waiting.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var current = StaffRoutesTests.monday
        var now: Date { lock.lock(); defer { lock.unlock() }; return current }
        func advance(_ seconds: Double) { lock.lock(); current += seconds; lock.unlock() }
    }

    /// A signed-in member of staff: their cookies and CSRF token.
    struct Session {
        var cookies: [String: String]
        var csrf: String
        var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
    }

    init() throws {
        let database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        try DemoStaff.install(in: database)
        queue = Queue(database: database)
        let clock = self.clock
        // The repository's words, as the staff pages read them
        var services = AppServices(queue: queue, text: RepositoryStrings.text, now: { clock.now })
        // Checks of its own, with room for every guess sent at once (the process's are shared by
        // the suites running beside this one)
        services.passwordHashing = PasswordHashing(threads: 2, waitingLimit: 32)
        app = WebApplication(services: services, logger: Logger(label: "test"))
    }

    func request(_ method: String, _ path: String, session: Session? = nil, csrf: String? = nil,
                 json: [String: String] = [:]) throws -> Response {
        var headers = ["Content-Type": "application/json"]
        if let session { headers["Cookie"] = session.cookieHeader }
        if let csrf { headers["X-CSRF-Token"] = csrf }
        let parts = path.split(separator: "?", maxSplits: 1)
        return try app.respond(to: Request(method: method, path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "",
                                           headers: headers,
                                           body: json.isEmpty ? [] : Array(try JSONSerialization.data(withJSONObject: json))))
    }

    static func cookies(of response: Response) -> [String: String] {
        var cookies: [String: String] = [:]
        for field in response.headers where field.name == "Set-Cookie" {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            cookies[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
        }
        return cookies
    }

    func signIn(_ username: String, _ password: String = DemoStaff.clerkPassword) throws -> Session {
        let response = try request("POST", "/api/v1/auth/login", json: ["username": username, "password": password])
        #expect(response.status == 200)
        let body = try #require(JSONSerialization.jsonObject(with: Data(response.bodyBytes)) as? [String: Any])
        return Session(cookies: Self.cookies(of: response), csrf: try #require(body["csrf_token"] as? String))
    }

    func counterID(_ office: String, _ number: Int) throws -> Int64 {
        try #require(try queue.counterID(office: office, number: number))
    }

    func book() throws -> Token {
        try queue.book(BookingRequest(officeCode: "VAD-247", serviceCode: "bill-complaint",
                                      citizen: CitizenDetails(name: "આશા પટેલ", phone: "9825012345", consumerNumber: "1234567890")),
                       at: clock.now)
    }

    @Test func signInSetsSecureHttpOnlyStrictCookies() throws {
        let response = try request("POST", "/api/v1/auth/login", json: ["username": "Clerk-VAD-247", "password": DemoStaff.clerkPassword])
        #expect(response.status == 200)
        let setCookies = response.headers.filter { $0.name == "Set-Cookie" }.map(\.value)
        // access, refresh, CSRF, and the device cookie that counts this browser's sign-ins apart
        #expect(setCookies.map { $0.prefix { $0 != "=" } }.sorted() == ["gq_access", "gq_csrf", "gq_device", "gq_refresh"])
        for cookie in setCookies {
            #expect(cookie.contains("Secure") && cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("HttpOnly") == !cookie.hasPrefix("gq_csrf="))
        }
        #expect(!String(decoding: response.bodyBytes, as: UTF8.self).contains("argon2"))
    }

    @Test func aClerkCallsTheNextCitizenAndSeesTheirDetails() throws {
        let token = try book()
        let clerk = try signIn("clerk-vad-247")
        let counter = try counterID("VAD-247", 1)
        let response = try request("POST", "/api/v1/counters/\(counter)/call-next", session: clerk, csrf: clerk.csrf)
        #expect(response.status == 200)
        let desk = try #require(JSONSerialization.jsonObject(with: Data(response.bodyBytes)) as? [String: Any])
        let current = try #require(desk["current"] as? [String: Any])
        #expect(current["number"] as? String == token.number)
        #expect(current["name"] as? String == "આશા પટેલ")
        #expect(current["consumer_number"] as? String == "1234567890")
        #expect(try queue.status(of: token.id, at: clock.now)?.token.state == .called)
    }

    @Test func withoutASessionEveryStaffRouteIs401AndChangesNothing() throws {
        let token = try book()
        let counter = try counterID("VAD-247", 1)
        for action in ["open", "pause", "close", "call-next", "call", "recall", "start", "complete", "no-show", "transfer", "note", "walk-in"] {
            let response = try request("POST", "/api/v1/counters/\(counter)/\(action)", json: ["token": token.number])
            #expect(response.status == 401, "\(action)")
        }
        #expect(try request("GET", "/api/v1/counters/\(counter)").status == 401)
        #expect(try request("GET", "/api/v1/auth/me").status == 401)
        #expect(try queue.status(of: token.id, at: clock.now)?.token.state == .waiting)
    }

    @Test func anotherOfficesClerkIs403AndChangesNothing() throws {
        let token = try book()
        let outsider = try signIn("clerk-srt-vrc")
        let counter = try counterID("VAD-247", 1)
        for action in ["open", "pause", "close", "call-next", "call", "recall", "start", "complete", "no-show", "transfer", "note", "walk-in"] {
            let response = try request("POST", "/api/v1/counters/\(counter)/\(action)", session: outsider, csrf: outsider.csrf,
                                       json: ["token": token.number, "reason": "x"])
            #expect(response.status == 403, "\(action)")
        }
        #expect(try request("GET", "/api/v1/counters/\(counter)", session: outsider).status == 403)
        #expect(try queue.status(of: token.id, at: clock.now)?.token.state == .waiting)
        // The administrator may act anywhere; the office manager at their own office.
        let admin = try signIn("admin", DemoStaff.adminPassword)
        #expect(try request("GET", "/api/v1/counters/\(counter)", session: admin).status == 200)
        let manager = try signIn("manager-vad-247", DemoStaff.managerPassword)
        #expect(try request("GET", "/api/v1/counters/\(counter)", session: manager).status == 200)
        #expect(try request("GET", "/api/v1/counters/\(try counterID("SRT-VRC", 1))", session: manager).status == 403)
    }

    @Test func aClerkAssignedToACounterActsOnlyThere() throws {
        _ = try StaffAccounts(database: queue.database).addUser(
            username: "asha", displayName: "Asha", password: "counter-one-only", role: .counterStaff,
            office: "VAD-247", counterNumber: 1, at: clock.now)
        let asha = try signIn("asha", "counter-one-only")
        #expect(try request("GET", "/api/v1/counters/\(try counterID("VAD-247", 1))", session: asha).status == 200)
        #expect(try request("GET", "/api/v1/counters/\(try counterID("VAD-247", 2))", session: asha).status == 403)
    }

    @Test func theCountersOwnActionsAreRefusedAsTheDeskSaysAndAnsweredWithTheDesk() throws {
        // Given counter 1 of VAD-247, open, and a clerk signed in
        let clerk = try signIn("clerk-vad-247")
        let counter = try counterID("VAD-247", 1)
        _ = try queue.setCounter(counter, to: .open, actor: .system, at: clock.now)
        func press(_ action: String, _ json: [String: String] = [:]) throws -> (Int, [String: Any]) {
            let response = try request("POST", "/api/v1/counters/\(counter)/\(action)", session: clerk, csrf: clerk.csrf, json: json)
            return (response.status, try #require(JSONSerialization.jsonObject(with: Data(response.bodyBytes)) as? [String: Any]))
        }
        func error(_ answer: (Int, [String: Any])) -> (Int, String?, String?) {
            let error = answer.1["error"] as? [String: Any]
            return (answer.0, error?["code"] as? String, error?["message"] as? String)
        }
        // When it is opened again: 409 with the desk's code and words
        #expect(error(try press("open")) == (409, "already_open", "The counter is open."))
        // With a citizen at it, it cannot close
        _ = try book()
        #expect(try press("call-next").0 == 200)
        #expect(error(try press("close")) == (409, "counter_busy", "Finish with the citizen at the counter first."))
        // Paused, its answer is the desk, paused with the reason
        let (status, desk) = try press("pause", ["reason": "Tea"])
        #expect(status == 200 && desk["state"] as? String == "paused" && desk["pause_reason"] as? String == "Tea")
        #expect((desk["actions"] as? [String])?.contains("open") == true)
        // and pausing again is refused as the desk refuses it
        #expect(error(try press("pause", ["reason": "Tea"])) == (409, "counter_not_open", "The counter is not open."))
    }

    @Test func aPauseReasonTypedThroughTheAPIStaysWithStaffTheConsolesReasonsArePublic() throws {
        // Given a clerk at counter 1 who pauses through the API with a reason that names a citizen
        let clerk = try signIn("clerk-vad-247")
        let counter = try counterID("VAD-247", 1)
        _ = try queue.setCounter(counter, to: .open, actor: .system, at: clock.now)
        #expect(try request("POST", "/api/v1/counters/\(counter)/pause", session: clerk, csrf: clerk.csrf,
                            json: ["reason": "with Ramesh Patel 9812345678"]).status == 200)
        func publicReason() throws -> Any? {
            let snapshot = try JSONSerialization.jsonObject(with: Data(try request("GET", "/api/v1/offices/VAD-247/queue").bodyBytes)) as? [String: Any]
            return (snapshot?["counters"] as? [[String: Any]])?.first { $0["number"] as? Int == 1 }?["pause_reason"]
        }
        // Then anyone reading the office's snapshot sees the counter paused, without the reason
        #expect(try publicReason() == nil)
        // And the dashboard still shows it to staff
        #expect(try queue.officeNow(office: "VAD-247", at: clock.now).counters.first { $0.number == 1 }?.pauseReason == "with Ramesh Patel 9812345678")
        // When the clerk pauses with one of the console's reasons, the public snapshot gives it
        #expect(try request("POST", "/api/v1/counters/\(counter)/open", session: clerk, csrf: clerk.csrf).status == 200)
        #expect(try request("POST", "/api/v1/counters/\(counter)/pause", session: clerk, csrf: clerk.csrf, json: ["reason": "tea break"]).status == 200)
        #expect(try publicReason() as? String == "tea break")
    }

    @Test func theDashboardNamesTheClerkAtTheCounterNotTheManagerWhoPlannedItsDay() throws {
        // Given a clerk at counter 1 who took a short break there
        let clerk = try signIn("clerk-vad-247")
        let manager = try signIn("manager-vad-247", DemoStaff.managerPassword)
        let counter = try counterID("VAD-247", 1)
        _ = try queue.setCounter(counter, to: .open, actor: .system, at: clock.now)
        #expect(try request("POST", "/api/v1/counters/\(counter)/pause", session: clerk, csrf: clerk.csrf, json: ["reason": "Tea"]).status == 200)
        #expect(try request("POST", "/api/v1/counters/\(counter)/open", session: clerk, csrf: clerk.csrf).status == 200)
        func atCounter() throws -> String? { try queue.officeNow(office: "VAD-247", at: clock.now).counters.first { $0.number == 1 }?.staff }
        let clerkName = try #require(try atCounter())
        // When the manager then saves counter 1's planned pauses from the settings page
        clock.advance(60)
        #expect(try request("POST", "/api/v1/offices/VAD-247/counters/1/schedule", session: manager, csrf: manager.csrf,
                            json: ["pauses": "13:30-14:00 Lunch"]).status == 200)
        // Then the dashboard still names the clerk at counter 1
        #expect(try atCounter() == clerkName)
        #expect(!clerkName.lowercased().contains("manager"))
    }

    @Test func aConsoleClosedAfterItsSignInExpiredStillMarksItsClerkGoneWithItsLeaveKey() throws {
        // Given a clerk at counter 1 (open) whose console read the desk, and beat 14 minutes later
        let clerk = try signIn("clerk-vad-247")
        let counter = try counterID("VAD-247", 1), other = try counterID("VAD-247", 2)
        _ = try queue.setCounter(counter, to: .open, actor: .system, at: clock.now)
        let desk = try request("GET", "/api/v1/counters/\(counter)", session: clerk)
        let key = try #require((try JSONSerialization.jsonObject(with: Data(desk.bodyBytes)) as? [String: Any])?["leave_key"] as? String)
        clock.advance(14 * 60)
        #expect(try request("POST", "/api/v1/counters/\(counter)/presence", session: clerk, csrf: clerk.csrf).status == 204)
        func attended() throws -> Bool {
            try queue.officeNow(office: "VAD-247", at: clock.now).counters.first { $0.number == 1 }?.unattended == false
        }
        // When the console closes two minutes later, after its 15-minute sign-in expired
        clock.advance(2 * 60)
        #expect(try attended())
        // Then the beacon without the key is refused (as before), and the counter would stay staffed
        #expect(try request("POST", "/api/v1/counters/\(counter)/presence", session: clerk,
                            json: ["leaving": "true", "csrf": clerk.csrf]).status == 401)
        #expect(try attended())
        // And the key is refused at another counter, altered to name another clerk, or for anything but leaving
        let presence = "/api/v1/counters/\(counter)/presence"
        #expect(try request("POST", "/api/v1/counters/\(other)/presence", json: ["leaving": "true", "leave_key": key]).status == 401)
        let parts = key.split(separator: ".")
        let altered = ([parts[0], parts[1], "99"] + parts[3...]).joined(separator: ".")
        #expect(try request("POST", presence, json: ["leaving": "true", "leave_key": altered]).status == 401)
        #expect(try request("POST", presence, json: ["leave_key": key]).status == 401)
        #expect(try request("POST", "/api/v1/counters/\(counter)/close", json: ["leave_key": key]).status == 401)
        #expect(try attended())
        // While the beacon with its key marks the clerk gone at once
        #expect(try request("POST", presence, json: ["leaving": "true", "leave_key": key]).status == 204)
        #expect(try !attended())
        #expect(try queue.counter(counter, at: clock.now)?.state == .open)
        // And a key past its working day is refused
        clock.advance(13 * 3600)
        #expect(try request("POST", presence, json: ["leaving": "true", "leave_key": key]).status == 401)
    }

    @Test func aStateChangeWithoutItsCSRFTokenIs403() throws {
        _ = try book()
        let clerk = try signIn("clerk-vad-247")
        let counter = try counterID("VAD-247", 1)
        #expect(try request("POST", "/api/v1/counters/\(counter)/call-next", session: clerk).status == 403)
        #expect(try request("POST", "/api/v1/counters/\(counter)/call-next", session: clerk, csrf: "forged").status == 403)
        #expect(try queue.tokenAt(counter: counter) == nil)
    }

    @Test func refreshRotatesAndReuseRevokesTheFamily() throws {
        let clerk = try signIn("clerk-vad-247")
        // A refresh gives new cookies
        let first = try request("POST", "/api/v1/auth/refresh", session: clerk, csrf: clerk.cookies["gq_csrf"])
        #expect(first.status == 200)
        var rotated = clerk
        rotated.cookies.merge(Self.cookies(of: first)) { _, new in new }
        #expect(rotated.cookies["gq_refresh"] != clerk.cookies["gq_refresh"])
        // The old refresh token used again (stolen?) ends the whole session, the new one included
        let replay = try request("POST", "/api/v1/auth/refresh", session: clerk, csrf: clerk.cookies["gq_csrf"])
        #expect(replay.status == 401)
        let afterRevocation = try request("POST", "/api/v1/auth/refresh", session: rotated, csrf: rotated.cookies["gq_csrf"])
        #expect(afterRevocation.status == 401)
    }

    @Test func theAccessTokenExpiresAndSignOutEndsTheSession() throws {
        let clerk = try signIn("clerk-vad-247")
        #expect(try request("GET", "/api/v1/auth/me", session: clerk).status == 200)
        clock.advance(Double(AccessToken.lifetimeSeconds) + 1)
        #expect(try request("GET", "/api/v1/auth/me", session: clerk).status == 401)
        #expect(try request("POST", "/api/v1/auth/logout", session: clerk, csrf: clerk.cookies["gq_csrf"]).status == 204)
        #expect(try request("POST", "/api/v1/auth/refresh", session: clerk, csrf: clerk.cookies["gq_csrf"]).status == 401)
    }

    @Test func signingOutEndsTheAccessCookieAtOnceButNotOtherSignIns() throws {
        // Given the clerk signed in at two computers
        let counter = try signIn("clerk-vad-247")
        let laptop = try signIn("clerk-vad-247")
        // When they sign out at the counter
        #expect(try request("POST", "/api/v1/auth/logout", session: counter, csrf: counter.cookies["gq_csrf"]).status == 204)
        // Then a copy of the counter's access cookie is worthless at once; the laptop stays signed in
        #expect(try request("GET", "/api/v1/auth/me", session: counter).status == 401)
        #expect(try request("GET", "/api/v1/auth/me", session: laptop).status == 200)
    }

    @Test func failedSignInsMeetGrowingDelays() throws {
        func attempt(_ password: String) throws -> Response {
            try request("POST", "/api/v1/auth/login", json: ["username": "clerk-vad-247", "password": password])
        }
        // Three failures are free
        for _ in 0..<StaffAccounts.freeFailures { #expect(try attempt("wrong-password").status == 401) }
        // Then even the right password must wait 1 s, and each further failure doubles the wait
        let first = try attempt(DemoStaff.clerkPassword)
        #expect(first.status == 429 && first.header("Retry-After") == "1")
        clock.advance(1)
        #expect(try attempt("wrong-password").status == 401)
        let second = try attempt(DemoStaff.clerkPassword)
        #expect(second.status == 429 && second.header("Retry-After") == "2")
        clock.advance(2)
        #expect(try attempt(DemoStaff.clerkPassword).status == 200)
        // A success clears the count
        #expect(try attempt("wrong-password").status == 401)
        #expect(try attempt(DemoStaff.clerkPassword).status == 200)
    }

    @Test func guessesSentInParallelCannotShareOneDelayWindow() throws {
        // Given ten wrong guesses for one account sent at the same moment from one address
        let answers = Collected()
        DispatchQueue.concurrentPerform(iterations: 10) { _ in
            let response = try? app.respond(to: Request(
                method: "POST", path: "/api/v1/auth/login", headers: ["Content-Type": "application/json"], remoteAddress: "203.0.113.7",
                body: Array(#"{"username":"clerk-vad-247","password":"guess-guess-guess"}"#.utf8)))
            answers.add(response?.status ?? 0)
        }
        // Then only the free three reached the password check; the rest were told to wait
        #expect(answers.all.filter { $0 == 401 }.count == StaffAccounts.freeFailures)
        #expect(answers.all.filter { $0 == 429 }.count == 10 - StaffAccounts.freeFailures)
    }

    @Test func aClerksOwnBrowserSignsInThoughOthersBehindItsAddressGuessAtTheName() throws {
        func attempt(_ username: String, _ password: String, cookie: String? = nil) throws -> Response {
            try app.respond(to: Request(
                method: "POST", path: "/api/v1/auth/login",
                headers: ["Content-Type": "application/json"].merging(cookie.map { ["Cookie": $0] } ?? [:]) { $1 }, remoteAddress: "192.0.2.44",
                body: Array(#"{"username":"\#(username)","password":"\#(password)"}"#.utf8)))
        }
        // Given the clerk signed in from the office's address: the browser was given a device cookie
        let device = try #require(Self.cookies(of: try attempt("clerk-vad-247", DemoStaff.clerkPassword))["gq_device"])
        let manager = try #require(Self.cookies(of: try attempt("manager-vad-247", DemoStaff.managerPassword))["gq_device"])
        // When others behind that address type wrong passwords for the clerk's name
        for _ in 0..<10 { _ = try attempt("clerk-vad-247", "a-guess-a-guess") }
        // Then a browser without the cookie waits, and one whose cookie is another name's is refused
        // before any password check (nginx gave it that cookie's allowance), the cookie removed
        #expect(try attempt("clerk-vad-247", DemoStaff.clerkPassword).status == 429)
        let others = try attempt("clerk-vad-247", DemoStaff.clerkPassword, cookie: "gq_device=\(manager)")
        #expect(others.status == 400 && Self.cookies(of: others)["gq_device"] == "")
        // while the clerk's own browser signs in at once, keeping its cookie
        let own = try attempt("clerk-vad-247", DemoStaff.clerkPassword, cookie: "gq_device=\(device)")
        #expect(own.status == 200 && Self.cookies(of: own)["gq_device"]?.split(separator: ".")[1] == device.split(separator: ".")[1])
        // and a cookie we did not sign is refused before any password check, and removed
        let forged = try attempt("clerk-vad-247", DemoStaff.clerkPassword, cookie: "gq_device=\(device.dropLast(2))AA")
        #expect(forged.status == 400 && Self.cookies(of: forged)["gq_device"] == "")
        // When the clerk's password is changed, cookies from before count with the address again
        // (guesses gathered with the old password buy none at the new one)
        let accounts = StaffAccounts(database: queue.database)
        let clerk = try #require(try queue.database.writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM staff_user WHERE username = 'clerk-vad-247'")
        })
        try accounts.setPassword(clerk, to: "a-new-password-2026", actor: .system, at: clock.now)
        #expect(try attempt("clerk-vad-247", "a-new-password-2026", cookie: "gq_device=\(device)").status == 429)
    }

    @Test func aFloodOfWrongPasswordsFromOneAddressDoesNotKeepTheOwnerOut() throws {
        func attempt(_ password: String, from address: String) throws -> Int {
            try app.respond(to: Request(
                method: "POST", path: "/api/v1/auth/login", headers: ["Content-Type": "application/json"], remoteAddress: address,
                body: Array(#"{"username":"admin","password":"\#(password)"}"#.utf8))).status
        }
        // Given an attacker who has made the admin account wait at their address
        for _ in 0..<20 { _ = try attempt("not-the-password", from: "198.51.100.9") }
        #expect(try attempt(DemoStaff.adminPassword, from: "198.51.100.9") == 429)
        // Then the administrator signs in from the office at once
        #expect(try attempt(DemoStaff.adminPassword, from: "10.20.30.40") == 200)
        // and an attacker rotating within one IPv6 /64 is one address
        for index in 0..<4 { _ = try attempt("not-the-password", from: "2001:db8:1:2::\(index)") }
        #expect(try attempt(DemoStaff.adminPassword, from: "2001:db8:1:2::ffff") == 429)
    }

    @Test func unknownNamesAndWrongPasswordsGetTheSameAnswer() throws {
        let unknown = try request("POST", "/api/v1/auth/login", json: ["username": "nobody", "password": "whatever-long"])
        let wrong = try request("POST", "/api/v1/auth/login", json: ["username": "admin", "password": "whatever-long"])
        #expect(unknown.status == 401 && wrong.status == 401)
        #expect(unknown.bodyBytes == wrong.bodyBytes)
    }
}

/// Statuses gathered from concurrent requests.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int] = []
    func add(_ item: Int) { lock.lock(); items.append(item); lock.unlock() }
    var all: [Int] { lock.lock(); defer { lock.unlock() }; return items }
}
