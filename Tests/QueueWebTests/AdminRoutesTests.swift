import FastCGI
import Foundation
import QueueCore
import Testing
@testable import QueueWeb

/// Administration by role: managers change their own office and its counter staff; administrators
/// anything; clerks nothing. Turning an account off ends its sessions at once.
@Suite("Administration API", .serialized)
struct AdminRoutesTests {
    let staff: StaffRoutesTests

    init() throws { staff = try StaffRoutesTests() }

    func post(_ path: String, _ session: StaffRoutesTests.Session, _ json: [String: String] = [:]) throws -> Response {
        try staff.request("POST", path, session: session, csrf: session.csrf, json: json)
    }

    @Test func managersChangeTheirOwnOfficeOnlyAndClerksNothing() throws {
        let clerk = try staff.signIn("clerk-vad-247")
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        let policy = ["max_priority_streak": "3", "aging_minutes": "30", "recall_limit": "1", "active_tokens_per_phone": "2"]
        #expect(try post("/api/v1/offices/VAD-247/policy", clerk, policy).status == 403)
        #expect(try post("/api/v1/offices/SRT-VRC/policy", manager, policy).status == 403)
        let changed = try post("/api/v1/offices/VAD-247/policy", manager, policy)
        #expect(changed.status == 200)
        #expect(try staff.queue.settings(office: "VAD-247", at: staff.clock.now).policy.recallLimit == 1)
        let bad = try post("/api/v1/offices/VAD-247/policy", manager, policy.merging(["aging_minutes": "1"]) { $1 })
        #expect(bad.status == 400)
        #expect(try WebApplicationTests.error(bad)["field"] as? String == "aging_minutes")
        #expect(try staff.request("GET", "/api/v1/offices/VAD-247/settings", session: clerk).status == 403)
        let settings = try WebApplicationTests.json(try staff.request("GET", "/api/v1/offices/VAD-247/settings", session: manager))
        #expect((settings["staff"] as? [[String: Any]])?.contains { $0["username"] as? String == "clerk-vad-247" } == true)
        #expect(!String(describing: settings).contains("argon2"))
        // Without the CSRF token nothing changes
        #expect(try staff.request("POST", "/api/v1/offices/VAD-247/holidays", session: manager, json: ["day": "2026-12-25"]).status == 403)
        #expect(try post("/api/v1/offices/VAD-247/holidays", manager, ["day": "2026-12-25", "reason": "Christmas"]).status == 200)
        #expect(try staff.queue.settings(office: "VAD-247", at: staff.clock.now).holidays.map(\.day) == ["2026-12-25"])
    }

    @Test func aManagerPlansACountersDayAndAMistakeIsNamed() throws {
        let clerk = try staff.signIn("clerk-vad-247")
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        let day = ["pauses": "13:30-14:00 Lunch\n16:00-16:15 Tea", "closes": "22:00"]
        #expect(try post("/api/v1/offices/VAD-247/counters/2/schedule", clerk, day).status == 403)
        let saved = try WebApplicationTests.json(try post("/api/v1/offices/VAD-247/counters/2/schedule", manager, day))
        let counter = ((saved["settings"] as? [String: Any])?["counters"] as? [[String: Any]])?.first { $0["number"] as? Int == 2 }
        #expect(counter?["pauses"] as? [String] == ["13:30-14:00 Lunch", "16:00-16:15 Tea"] && counter?["closes"] as? String == "22:00")
        let bad = try post("/api/v1/offices/VAD-247/counters/2/schedule", manager, ["pauses": "after lunch"])
        #expect(bad.status == 400)
        #expect(try WebApplicationTests.error(bad)["field"] as? String == "pauses")
        // and what was saved stays
        #expect(try staff.queue.settings(office: "VAD-247", at: staff.clock.now).counters[1].closes == "22:00")
    }

    @Test func longOrOddPauseReasonsAreRefusedOrKeptWholeNeverAServerError() throws {
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        let path = "/api/v1/offices/VAD-247/counters/2/schedule"
        // Given three pauses whose reasons are each the longest allowed (their summary is longer than an audit entry holds)
        let long = String(repeating: "L", count: 100)
        let day = ["pauses": "10:00-10:10 \(long)\n11:00-11:10 \(long)\n12:00-12:10 \(long)"]
        // Then they are saved whole
        let saved = try post(path, manager, day)
        #expect(saved.status == 200)
        #expect(try staff.queue.settings(office: "VAD-247", at: staff.clock.now).counters[1].pauses.map { $0.count } == [112, 112, 112])
        // When a reason is too long as the database counts it (a letter with four accents, a hundred times),
        // has a control or direction-changing character, or there are more pauses than a day holds
        let accented = String(repeating: "a\u{301}\u{302}\u{303}\u{304}", count: 100)
        let many = (0..<(CounterSchedule.maximumPauses + 1)).map { String(format: "%02d:00-%02d:10 Tea", 8 + $0, 8 + $0) }.joined(separator: "\n")
        for pauses in ["10:00-10:10 \(accented)", "10:00-10:10 Tea\u{7}", "10:00-10:10 \u{202E}aeT", many] {
            let refused = try post(path, manager, ["pauses": pauses])
            // Then each is refused, naming the field, and what was saved stays
            #expect(refused.status == 400)
            #expect(try WebApplicationTests.error(refused)["field"] as? String == "pauses")
        }
        #expect(try staff.queue.settings(office: "VAD-247", at: staff.clock.now).counters[1].pauses.count == 3)
    }

    @Test func managersLookAfterTheirCounterStaffAndAnAccountTurnedOffIsOutAtOnce() throws {
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        let account = ["username": "nita", "name": "Nita Shah", "password": "a fine long password", "office": "VAD-247"]
        #expect(try post("/api/v1/staff", manager, account.merging(["role": "office_manager"]) { $1 }).status == 403)
        #expect(try post("/api/v1/staff", manager, account.merging(["office": "SRT-VRC"]) { $1 }).status == 403)
        let created = try post("/api/v1/staff", manager, account.merging(["role": "counter_staff"]) { $1 })
        #expect(created.status == 201)
        let id = try #require(try WebApplicationTests.json(created)["id"] as? Int)
        // Nita signs in and works; the manager turns her account off; her very next request is refused
        let nita = try staff.signIn("nita", "a fine long password")
        #expect(try staff.request("GET", "/api/v1/auth/me", session: nita).status == 200)
        #expect(try post("/api/v1/staff/\(id)/deactivate", manager).status == 200)
        #expect(try staff.request("GET", "/api/v1/auth/me", session: nita).status == 401)
        #expect(try staff.request("POST", "/api/v1/auth/refresh", session: nita, csrf: nita.cookies["gq_csrf"]).status == 401)
        // A manager may not change another manager, nor turn themselves off
        let managerID = try #require(try staff.queue.database.writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM staff_user WHERE username = 'manager-vad-247'")
        })
        #expect(try post("/api/v1/staff/\(managerID)/deactivate", manager).status == 403)
        let admin = try staff.signIn("admin", DemoStaff.adminPassword)
        #expect(try post("/api/v1/staff/\(managerID)/password", admin, ["password": "another long password"]).status == 204)
        // A new password ends every sign-in of the account at once, access cookie included
        #expect(try staff.request("GET", "/api/v1/auth/me", session: manager).status == 401)
        #expect(try staff.request("POST", "/api/v1/auth/refresh", session: manager, csrf: manager.cookies["gq_csrf"]).status == 401)
        #expect(try staff.request("GET", "/api/v1/auth/me", session: try staff.signIn("manager-vad-247", "another long password")).status == 200)
    }

    @Test func aRoleChangeTakesEffectOnThePersonsNextRequest() throws {
        let clerk = try staff.signIn("clerk-vad-247")
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        let admin = try staff.signIn("admin", DemoStaff.adminPassword)
        let clerkID = try #require(try staff.queue.database.writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM staff_user WHERE username = 'clerk-vad-247'")
        })
        // The manager may tie the clerk to counter 2, but not make them a manager
        #expect(try post("/api/v1/staff/\(clerkID)/assignment", manager, ["counter": "2"]).status == 200)
        #expect(try post("/api/v1/staff/\(clerkID)/assignment", manager, ["role": "office_manager"]).status == 403)
        #expect(try staff.request("GET", "/api/v1/counters/\(try staff.counterID("VAD-247", 1))", session: clerk).status == 403)
        #expect(try staff.request("GET", "/api/v1/offices/VAD-247/now", session: clerk).status == 403)
        // An administrator makes them a manager: their very next request may read the dashboard
        let promoted = try post("/api/v1/staff/\(clerkID)/assignment", admin, ["role": "office_manager", "counter": ""])
        #expect(promoted.status == 200)
        #expect(try WebApplicationTests.json(promoted)["role"] as? String == "office_manager")
        #expect(try staff.request("GET", "/api/v1/offices/VAD-247/now", session: clerk).status == 200)
        #expect(try post("/api/v1/staff/\(clerkID)/assignment", admin, ["role": "counter_staff", "counter": "99"]).status == 400)
    }
}
