import FastCGI
import Foundation
import Logging
import QueueCore
import Testing
@testable import QueueWeb

/// The citizens' API opened to the utility's other portals, and only to them.
@Suite("CORS for other portals")
struct CORSTests {
    static let portal = "https://portal.mgvcl.in"

    static func app() throws -> WebApplication {
        let database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        var services = AppServices(database: database)
        services.cors = try CORSPolicy.parse("\(portal), https://app.guvnl.in:8443")
        return WebApplication(services: services, logger: Logger(label: "test"))
    }

    static func preflight(_ path: String, origin: String = portal, method: String = "POST", headers: String? = "content-type, idempotency-key") -> Request {
        var fields = ["Origin": origin, "Access-Control-Request-Method": method]
        if let headers { fields["Access-Control-Request-Headers"] = headers }
        return Request(method: "OPTIONS", path: path, headers: fields)
    }

    @Test func anAllowedPortalsPreflightIsAnsweredWithWhatItMaySend() throws {
        // When the portal asks whether it may POST a booking with an idempotency key
        let response = try Self.app().respond(to: Self.preflight("/api/v1/tokens"))
        // Then it may: its exact origin, the route's methods, the headers, a max-age, and no credentials
        #expect(response.status == 204)
        #expect(response.headers.filter { $0.name == "Access-Control-Allow-Origin" }.map(\.value) == [Self.portal])
        #expect(response.header("access-control-allow-methods") == "POST")
        #expect(response.header("access-control-allow-headers")?.contains("Idempotency-Key") == true)
        #expect(response.header("access-control-max-age") == "7200")
        #expect(response.headers.contains { $0.name == "Vary" && $0.value == "Origin" })
        #expect(response.header("access-control-allow-credentials") == nil)
    }

    @Test(arguments: ["https://evil.example", "https://portal.mgvcl.in.evil.example", "http://portal.mgvcl.in", "null"])
    func anyOtherOriginsPreflightIsRefused(origin: String) throws {
        let response = try Self.app().respond(to: Self.preflight("/api/v1/tokens", origin: origin))
        #expect(response.status == 403)
        #expect(response.header("access-control-allow-origin") == nil)
    }

    @Test func staffRoutesAreNotOpenedEvenToAnAllowedPortal() throws {
        for path in ["/api/v1/auth/login", "/api/v1/counters/1/call-next", "/api/v1/offices/VAD-247/policy", "/api/v1/tokens/1/cancel"] {
            let response = try Self.app().respond(to: Self.preflight(path))
            #expect(response.status == 403, "\(path)")
            #expect(response.header("access-control-allow-origin") == nil)
        }
    }

    @Test func aMethodOrHeaderTheRouteDoesNotTakeIsRefusedByName() throws {
        let method = try Self.app().respond(to: Self.preflight("/api/v1/tokens", method: "DELETE"))
        #expect(method.status == 403)
        #expect(method.bodyText.contains("Access-Control-Request-Method"))
        let header = try Self.app().respond(to: Self.preflight("/api/v1/tokens", headers: "x-staff-secret"))
        #expect(header.status == 403)
        #expect(header.bodyText.contains("x-staff-secret"))
    }

    @Test func anAllowedPortalReadsAnswersAndOthersDoNot() throws {
        let app = try Self.app()
        let allowed = try app.respond(to: Request(method: "GET", path: "/api/v1/offices", headers: ["Origin": "https://app.guvnl.in:8443"]))
        #expect(allowed.status == 200)
        #expect(allowed.headers.filter { $0.name == "Access-Control-Allow-Origin" }.map(\.value) == ["https://app.guvnl.in:8443"])
        #expect(allowed.header("access-control-expose-headers")?.contains("Location") == true)
        let other = try app.respond(to: Request(method: "GET", path: "/api/v1/offices", headers: ["Origin": "https://evil.example"]))
        #expect(other.status == 200)
        #expect(other.header("access-control-allow-origin") == nil)
        #expect(other.headers.contains { $0.name == "Vary" && $0.value == "Origin" })
    }

    @Test func anOptionsRequestWithoutPreflightHeadersIs400OnACitizenRouteAnd405Elsewhere() throws {
        let app = try Self.app()
        let citizen = try app.respond(to: Request(method: "OPTIONS", path: "/api/v1/tokens", headers: ["Origin": Self.portal]))
        #expect(citizen.status == 400)
        #expect(citizen.bodyText.contains("\"field\":\"Access-Control-Request-Method\""))
        let staff = try app.respond(to: Request(method: "OPTIONS", path: "/api/v1/counters/1/call-next"))
        #expect(staff.status == 405)
        #expect(staff.header("allow") == "POST")
    }

    @Test(arguments: ["*", "https://portal.mgvcl.in/", "portal.mgvcl.in", "https://*.guvnl.in", "ftp://x.in", "https://x.in:99999"])
    func aMisconfiguredOriginIsRefusedAtStart(entry: String) {
        #expect(throws: CORSPolicyError.self) { try CORSPolicy.parse(entry) }
    }
}

extension Response {
    var bodyText: String { String(decoding: bodyBytes, as: UTF8.self) }
}
