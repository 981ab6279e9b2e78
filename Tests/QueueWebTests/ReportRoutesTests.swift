import FastCGI
import Foundation
import QueueCore
import Testing
@testable import QueueWeb

/// The dashboard's routes: only managers of the office (and administrators) read them; CSV is
/// well-formed; the audit log finds a token's history.
@Suite("Reports and audit log", .serialized)
struct ReportRoutesTests {
    let staff: StaffRoutesTests

    init() throws { staff = try StaffRoutesTests() }

    @Test func aClerkCannotReadReportsOrTheAuditLogAndAManagerOnlyTheirOffice() throws {
        let clerk = try staff.signIn("clerk-vad-247")
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        let admin = try staff.signIn("admin", DemoStaff.adminPassword)
        let paths = ["/api/v1/offices/VAD-247/now", "/api/v1/offices/VAD-247/report?from=2026-11-30",
                     "/api/v1/offices/VAD-247/report.csv?from=2026-11-30", "/api/v1/offices/VAD-247/audit"]
        for path in paths {
            #expect(try staff.request("GET", path).status == 401, "\(path)")
            #expect(try staff.request("GET", path, session: clerk).status == 403, "\(path)")
            #expect(try staff.request("GET", path, session: manager).status == 200, "\(path)")
            #expect(try staff.request("GET", path.replacingOccurrences(of: "VAD-247", with: "SRT-VRC"), session: manager).status == 403)
            #expect(try staff.request("GET", path.replacingOccurrences(of: "VAD-247", with: "SRT-VRC"), session: admin).status == 200)
        }
    }

    @Test func theReportIsAlsoCSVAndBadInputIsAClearError() throws {
        let token = try staff.book()
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        let csv = try staff.request("GET", "/api/v1/offices/VAD-247/report.csv?from=2026-11-30&to=2026-11-30&table=services", session: manager)
        #expect(csv.status == 200)
        #expect(csv.headers.contains { $0.name == "Content-Type" && $0.value.hasPrefix("text/csv") })
        // A byte-order mark first, so that Excel on Windows reads it as UTF-8
        #expect(Array(csv.bodyBytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = String(decoding: csv.bodyBytes.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
        #expect(lines.first?.hasPrefix("service,tokens,served,no_shows") == true)
        #expect(lines.contains { $0.hasPrefix("Bill complaint,1,0,0,0,") } && token.serviceCode == "bill-complaint")
        #expect(lines.last?.hasPrefix("all,1,") == true)
        let badTable = try staff.request("GET", "/api/v1/offices/VAD-247/report.csv?from=2026-11-30&table=secrets", session: manager)
        #expect(badTable.status == 400)
        #expect(try WebApplicationTests.error(badTable)["field"] as? String == "table")
        let badDay = try staff.request("GET", "/api/v1/offices/VAD-247/report?from=30-11-2026", session: manager)
        #expect(badDay.status == 400)
        #expect(try WebApplicationTests.error(badDay)["field"] as? String == "from")
    }

    @Test func theCSVNamesServicesInTheChosenLanguageAndHasARowPerDay() throws {
        // Given a token booked on 30 November, and a report of three days in Gujarati
        _ = try staff.book()
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        let services = try staff.request("GET", "/api/v1/offices/VAD-247/report.csv?from=2026-11-30&table=services&lang=gu", session: manager)
        let text = String(decoding: services.bodyBytes.dropFirst(3), as: UTF8.self)
        let gujarati = try #require(try staff.queue.office("VAD-247", at: staff.clock.now).services.first { $0.code == "bill-complaint" }).names.gu
        #expect(text.contains("\n\(gujarati),1,"))
        let days = try staff.request("GET", "/api/v1/offices/VAD-247/report.csv?from=2026-11-29&to=2026-12-01&table=days", session: manager)
        let rows = String(decoding: days.bodyBytes.dropFirst(3), as: UTF8.self).split(separator: "\r\n").map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
        // Then each day is a row, the empty ones too
        #expect(rows == ["day,tokens", "2026-11-29,0", "2026-11-30,1", "2026-12-01,0"])
        let report = try WebApplicationTests.json(try staff.request("GET", "/api/v1/offices/VAD-247/report?from=2026-11-29&to=2026-12-01", session: manager))
        #expect((report["by_day"] as? [[String: Any]])?.count == 3)
        // And a language the site does not have is a clear error
        let bad = try staff.request("GET", "/api/v1/offices/VAD-247/report.csv?from=2026-11-30&lang=fr", session: manager)
        #expect(bad.status == 400)
        #expect(try WebApplicationTests.error(bad)["field"] as? String == "lang")
    }

    @Test func theAuditLogFiltersByAction() throws {
        // Given a booking and a change of the queue rules
        _ = try staff.book()
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        try staff.queue.setPolicy(office: "VAD-247", to: .standard, actor: .system, at: staff.clock.now)
        // When the manager asks for the policy changes only
        let page = try WebApplicationTests.json(try staff.request("GET", "/api/v1/offices/VAD-247/audit?kind=policy_changed", session: manager))
        let kinds = try #require(page["entries"] as? [[String: Any]]).map { $0["kind"] as? String }
        // Then only those come, and an unknown action is a clear error
        #expect(kinds == ["policy_changed"])
        let bad = try staff.request("GET", "/api/v1/offices/VAD-247/audit?kind=drop_table", session: manager)
        #expect(bad.status == 400)
        #expect(try WebApplicationTests.error(bad)["field"] as? String == "kind")
    }

    @Test func theAuditLogFindsAToken() throws {
        let token = try staff.book()
        _ = try staff.book()
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        let page = try WebApplicationTests.json(try staff.request(
            "GET", "/api/v1/offices/VAD-247/audit?token=\(token.number.lowercased())", session: manager))
        let entries = try #require(page["entries"] as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries.first?["kind"] as? String == "booked" && entries.first?["token"] as? String == token.number)
        #expect(entries.first?["actor"] as? String == "citizen")
        #expect(!String(describing: page).contains("9825012345"))
    }

    @Test func theOfficeNowSaysItsTimesInHoursAndMinutesInEachLanguage() throws {
        // Given a citizen who has waited 126 minutes, every counter closed
        _ = try staff.book()
        staff.clock.advance(126 * 60)
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        // When the manager's dashboard reads the office now
        let now = try WebApplicationTests.json(try staff.request("GET", "/api/v1/offices/VAD-247/now", session: manager))
        let bills = try #require((now["services"] as? [[String: Any]])?.first { $0["code"] as? String == "bill-complaint" })
        let outlook = try #require(now["outlook"] as? [String: Any])
        let target = try #require((outlook["services"] as? [[String: Any]])?.first { $0["code"] as? String == "bill-complaint" })
        let advice = try #require((outlook["advice"] as? [[String: Any]])?.first { $0["service"] as? String == "bill-complaint" })
        // Then its times read as the citizens' pages say waits, never broken across lines
        let space = "\u{00A0}"
        #expect(bills["longest_wait_text"] as? [String: String]
                == ["en": "2\(space)h\(space)6\(space)min", "gu": "2\(space)કલાક\(space)6\(space)મિનિટ", "hi": "2\(space)घंटे\(space)6\(space)मिनट"])
        #expect(target["target_text"] as? [String: String] == ["en": "30\(space)min", "gu": "30\(space)મિનિટ", "hi": "30\(space)मिनट"])
        let wait = try #require(advice["wait_text"] as? [String: String])
        #expect(wait["en"]?.hasPrefix("about ") == true && wait["gu"]?.hasPrefix("લગભગ ") == true && wait["hi"]?.hasPrefix("लगभग ") == true)
        // And with nobody serving the service, no estimate rather than a wrong one
        #expect(bills["wait_text"] == nil)
    }

    @Test func aCountersBreakReadsInHoursAndMinutesToo() throws {
        // Given counter 1 paused for lunch an hour and a quarter ago
        let manager = try staff.signIn("manager-vad-247", DemoStaff.managerPassword)
        let counter = try staff.counterID("VAD-247", 1)
        _ = try staff.queue.setCounter(counter, to: .open, actor: .system, at: staff.clock.now)
        #expect(try staff.request("POST", "/api/v1/counters/\(counter)/pause", session: manager, csrf: manager.csrf,
                                  json: ["reason": "lunch"]).status == 200)
        staff.clock.advance(75 * 60)
        // When the dashboard reads the office now (signed in afresh: an access cookie lasts 15 minutes)
        let now = try WebApplicationTests.json(try staff.request("GET", "/api/v1/offices/VAD-247/now",
                                                                 session: try staff.signIn("manager-vad-247", DemoStaff.managerPassword)))
        let paused = try #require((now["counters"] as? [[String: Any]])?.first { $0["number"] as? Int == 1 })
        // Then the break so far reads as the other times do, not "75 min"
        let space = "\u{00A0}"
        #expect(paused["paused_for_text"] as? [String: String]
                == ["en": "1\(space)h\(space)15\(space)min", "gu": "1\(space)કલાક\(space)15\(space)મિનિટ", "hi": "1\(space)घंटा\(space)15\(space)मिनट"])
        // and an open counter has none
        #expect((now["counters"] as? [[String: Any]])?.first { $0["number"] as? Int == 2 }?["paused_for_text"] == nil)
    }

    @Test func csvCellsCannotBecomeFormulas() {
        #expect(CSV.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSV.field("-3.5") == "-3.5")
        #expect(CSV.field("Patel, Asha") == "\"Patel, Asha\"")
    }
}
