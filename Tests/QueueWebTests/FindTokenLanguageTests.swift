import FastCGI
import Foundation
import Logging
import QueueCore
import Testing
@testable import QueueWeb

/// A broken token link shows the find form in the browser's language, whatever its Accept-Language says.
@Suite("Find-my-token language")
struct FindTokenLanguageTests {
    let app: WebApplication

    init() throws {
        let database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        app = WebApplication(services: AppServices(database: database, text: RepositoryStrings.text), logger: Logger(label: "test"))
    }

    func page(acceptLanguage: String) throws -> (status: Int, html: String) {
        let response = try app.respond(to: Request(method: "GET", path: "/token/", headers: ["Accept-Language": acceptLanguage]))
        return (response.status, String(decoding: response.bodyBytes, as: UTF8.self))
    }

    @Test(arguments: ["-", ";", ",", "en,-", ";q=0.5", "-IN", ",,;,-", ""])
    func aMalformedLanguageListGetsTheEnglishFormNotAFailure(header: String) throws {
        // Given a broken link opened by a browser that sends a malformed Accept-Language
        // When the page is asked for, then the find form answers, in English, and the server goes on
        let answer = try page(acceptLanguage: header)
        #expect(answer.status < 500)
        #expect(answer.html.contains("<html lang=\"en\""))
    }

    @Test func theFirstOfOurLanguagesTheBrowserPrefersIsUsed() throws {
        #expect(try page(acceptLanguage: "fr-FR;q=0.9, gu-IN;q=0.8, en;q=0.5").html.contains("<html lang=\"gu\""))
        #expect(try page(acceptLanguage: "hi").html.contains("<html lang=\"hi\""))
    }
}
