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
        let lines = String(decoding: csv.bodyBytes, as: UTF8.self).split(separator: "\r\n")
        #expect(lines.first?.hasPrefix("service,tokens,served,no_shows") == true)
        #expect(lines.contains { $0.hasPrefix("\(token.serviceCode),1,0,0,0,") })
        #expect(lines.last?.hasPrefix("all,1,") == true)
        let badTable = try staff.request("GET", "/api/v1/offices/VAD-247/report.csv?from=2026-11-30&table=secrets", session: manager)
        #expect(badTable.status == 400)
        #expect(try WebApplicationTests.error(badTable)["field"] as? String == "table")
        let badDay = try staff.request("GET", "/api/v1/offices/VAD-247/report?from=30-11-2026", session: manager)
        #expect(badDay.status == 400)
        #expect(try WebApplicationTests.error(badDay)["field"] as? String == "from")
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

    @Test func csvCellsCannotBecomeFormulas() {
        #expect(CSV.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSV.field("-3.5") == "-3.5")
        #expect(CSV.field("Patel, Asha") == "\"Patel, Asha\"")
    }
}
