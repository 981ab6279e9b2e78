import FastCGI
import Foundation
import QueueCore

/// What a route handler gets: the request, its path parameters and query, and the services it may use.
struct RequestContext: Sendable {
    let request: Request
    let parameters: [String: String]
    let query: QueryParameters
    let services: AppServices

    /// A path parameter the route pattern guarantees.
    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    var now: Date { services.now() }

    /// The client as limits count it: nginx's key (an IPv6 address by its /64), else the address.
    var clientKey: String {
        request.gatewayVariables["CLIENT_KEY"].flatMap { $0.isEmpty ? nil : $0 } ?? request.remoteAddress
    }
}

/// The shared, thread-safe things handlers use; the clock is injected so time rules can be tested.
public struct AppServices: Sendable {
    public var queue: Queue
    public var now: @Sendable () -> Date
    /// The words of the pages fcgi-app renders itself.
    public var text: InterfaceText
    /// The secret the SMS gateway signs its delivery reports with; nil: reports are refused.
    public var deliveryReportSecret: [UInt8]?
    /// How far a delivery report's `timestamp` may be from the server's clock, either way: an older
    /// (or future-dated) signed report is refused, so a captured one cannot be sent again later.
    public var deliveryReportWindowSeconds: Double = 300
    /// The folder `fcgi-app backup` writes to, whose newest backup health reports (nil: not reported).
    public var backups: BackupFolder?
    /// The other origins whose pages may call the citizens' API.
    public var cors = CORSPolicy()
    /// The site's address for QR codes (`PublicOrigin`); nil: the request's own scheme and Host.
    public var publicOrigin: String?
    /// Where a subscription's endpoint may point (`--push-services`).
    public var pushServices = PushServices()
    /// Where staff passwords are checked: the process's one, bounded (`PasswordHashing`).
    public var passwordHashing = PasswordHashing.shared
    /// Token statuses and office snapshots as JSON, encoded once per change.
    let encodedStatuses = EncodedOnce<Int64, TokenView>(capacity: 50_000)
    let encodedSnapshots = EncodedOnce<String, OfficeSnapshot>(capacity: 1_000)
    /// The worker's heartbeat as health reports it, read at most once a second.
    let workerStatus = WorkerStatusCache()
    /// The open health streams, told by one thread.
    let healthStreams = HealthStreams()

    public var database: AppDatabase { queue.database }

    public init(queue: Queue, text: InterfaceText = InterfaceText([:]), now: @escaping @Sendable () -> Date = { Date() }) {
        self.queue = queue
        self.text = text
        self.now = now
    }

    public init(database: AppDatabase, text: InterfaceText = InterfaceText([:]), now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(queue: Queue(database: database), text: text, now: now)
    }
}
