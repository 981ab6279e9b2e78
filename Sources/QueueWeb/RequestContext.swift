import FastCGI
import Foundation
import QueueCore

/// What a route handler gets: the request, its path parameters and query, and the services it may use.
struct RequestContext: Sendable {
    let request: Request
    let parameters: [String: String]
    let query: QueryParameters
    let services: AppServices
}

/// The shared, thread-safe things handlers use; the clock is injected so time rules can be tested.
public struct AppServices: Sendable {
    public var database: AppDatabase
    public var now: @Sendable () -> Date

    public init(database: AppDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.now = now
    }
}

