import Foundation
import Logging
import QueueCore
import Testing
import Yams
@testable import QueueWeb

/// openapi.yaml and the router describe the same API: every route documented, every documented route real.
@Suite("openapi.yaml")
struct OpenAPIAgreementTests {
    static let document = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("openapi.yaml")

    static func documentedRoutes() throws -> Set<String> {
        let yaml = try String(contentsOf: document, encoding: .utf8)
        let root = try #require(try Yams.load(yaml: yaml) as? [String: Any])
        let paths = try #require(root["paths"] as? [String: Any])
        var routes: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys
            where ["get", "post", "put", "patch", "delete"].contains(method) {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return routes
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws {
        let app = WebApplication(services: AppServices(database: try AppDatabase.inMemory()), logger: Logger(label: "test"))
        let served = Set(app.routeDescriptions)
        let documented = try Self.documentedRoutes()
        #expect(served.subtracting(documented).sorted() == [], "routes missing from openapi.yaml")
        #expect(documented.subtracting(served).sorted() == [], "documented routes the router does not serve")
        #expect(served.count >= 12)
    }
}
