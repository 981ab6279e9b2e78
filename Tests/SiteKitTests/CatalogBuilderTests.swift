import Foundation
import Testing
@testable import SiteKit

@Suite("The catalogue from Markdown")
struct CatalogBuilderTests {
    typealias Project = SiteBuilderTests.Project

    static let site: [String: String] = [
        "Content/en/index.md": "---\ntitle: Home\n---\n",
        "Content/en/offices/_index.md": "---\ntitle: Offices\ndiscoms:\n  - code: MGVCL\n    name: Madhya Gujarat Vij Company Ltd\n---\n",
        "Content/gu/offices/_index.md": "---\ntitle: કચેરીઓ\ndiscoms:\n  - code: MGVCL\n    name: મધ્ય ગુજરાત વીજ કંપની લિમિટેડ\n---\n",
        "Content/en/services/bill-complaint.md": "---\ntitle: Bill complaint\ntoken_prefix: BC\ntypical_minutes: 8\nappointments: false\nrequired_documents:\n  - The disputed bill\n  - The previous bill\n---\nBody\n",
        "Content/gu/services/bill-complaint.md": "---\ntitle: બિલ અંગે ફરિયાદ\nrequired_documents:\n  - ફરિયાદવાળું બિલ\n  - અગાઉનું બિલ\n---\n",
        "Content/en/offices/vad.md": "---\ntitle: Vadodara\ncode: VAD-247\ndiscom: MGVCL\naddress: Race Course\nhours:\n  mon: \"10:30-18:30\"\n  sun: closed\nservices:\n  bill-complaint: 100\ncounters:\n  - number: 1\n    services: [bill-complaint]\n---\n",
    ]

    func build(_ changes: [String: String] = [:]) throws -> (Project, SiteBuilder.Summary) {
        var files = Self.site
        files.merge(changes) { _, new in new }
        let project = try Project(files: files)
        return (project, try project.build())
    }

    @Test func theCatalogueCombinesTheLanguagesAndFallsBackToEnglish() throws {
        let (project, summary) = try build()
        defer { project.remove() }
        #expect(summary.services == 1 && summary.offices == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(project.read("catalog.json").utf8)) as? [String: Any])
        let service = try #require((json["services"] as? [[String: Any]])?.first)
        #expect((service["names"] as? [String: String]) == ["en": "Bill complaint", "gu": "બિલ અંગે ફરિયાદ", "hi": "Bill complaint"])
        #expect((service["required_documents"] as? [[String: String]])?.last?["gu"] == "અગાઉનું બિલ")
        let office = try #require((json["offices"] as? [[String: Any]])?.first)
        #expect((office["hours"] as? [[String: Int]]) == [["weekday": 1, "opens": 630, "closes": 1110]])
        #expect(office["time_zone"] as? String == "Asia/Kolkata")
    }

    static let mistakes: [(String, String, String, Int, String)] = [
        ("Content/en/offices/vad.md", "---\ntitle: Vadodara\ncode: VAD-247\ndiscom: MGVCL\naddress: x\nhours:\n  mon: \"10:30-18:30\"\nservices:\n  solar: 10\n---\n",
         "Content/en/offices/vad.md", 8, "there is no service solar"),
        ("Content/en/offices/vad.md", "---\ntitle: Vadodara\ncode: VAD-247\ndiscom: XGVCL\naddress: x\n---\n",
         "Content/en/offices/vad.md", 4, "discom must be one of MGVCL"),
        ("Content/en/offices/vad.md", "---\ntitle: Vadodara\ncode: VAD-247\ndiscom: MGVCL\naddress: x\nhours:\n  mon: \"18:30-10:30\"\nservices:\n  bill-complaint: 1\n---\n",
         "Content/en/offices/vad.md", 6, "is not a time range"),
        ("Content/en/offices/vad.md", "---\ntitle: Vadodara\ncode: VAD-247\ndiscom: MGVCL\naddress: x\nhours:\n  mon: \"10:30-18:30\"\nservices:\n  bill-complaint: 1\ncounters:\n  - number: 2\n    services: [bill-complaint]\n    pauses: [\"14:00-13:30 Lunch\"]\n---\n",
         "Content/en/offices/vad.md", 10, "counter 2: \"14:00-13:30 Lunch\" is not a pause like 13:30-14:00 Lunch"),
        ("Content/en/services/meter.md", "---\ntitle: Meter\ntoken_prefix: BC\ntypical_minutes: 8\nappointments: false\n---\n",
         "Content/en/services/meter.md", 3, "already used by bill-complaint"),
        ("Content/en/services/meter.md", "---\ntitle: Meter\ntoken_prefix: MC\ntypical_minutes: 0\nappointments: false\n---\n",
         "Content/en/services/meter.md", 4, "typical_minutes must be"),
        ("Content/gu/services/bill-complaint.md", "---\ntitle: બિલ\nrequired_documents:\n  - ફક્ત એક\n---\n",
         "Content/gu/services/bill-complaint.md", 3, "lists 1 documents; the English page lists 2"),
    ]

    @Test(arguments: mistakes)
    func aMistakeNamesTheFileAndLine(file: String, text: String, reportedFile: String, line: Int, reason: String) throws {
        let project = try Project(files: Self.site.merging([file: text]) { _, new in new })
        defer { project.remove() }
        let error = try #require(throws: SiteError.self) { try project.build() }
        #expect(error.file == reportedFile)
        #expect(error.line == line)
        #expect(error.reason.contains(reason), "\(error.reason)")
    }
}
