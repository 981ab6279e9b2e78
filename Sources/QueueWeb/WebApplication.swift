import FastCGI
import Foundation
import Logging
import QueueCore

/// The HTTP application behind `/api/`: routes requests to handlers and turns every error into
/// a response in one place. It never sees libfcgi, so tests drive it in-process.
public struct WebApplication: Responder {
    private let services: AppServices
    private let router: Router
    private let logger: Logger
    /// Carries each office's changes to its streams.
    let hub: LiveUpdateHub

    public init(services: AppServices, logger: Logger) {
        self.services = services
        self.logger = logger
        var router = Router()
        HealthRoutes.register(in: &router)
        let accounts = StaffAccounts(database: services.database)
        // Without a key (an unmigrated database) nobody can sign in; health reports the migrations.
        let auth = StaffAuth(accounts: accounts, key: (try? accounts.signingKey(at: services.now())) ?? StaffCrypto.randomBytes(32))
        OfficeRoutes.register(in: &router)
        TokenRoutes.register(in: &router, kioskKey: auth.key)
        hub = LiveUpdateHub(queue: services.queue, words: WaitText(text: services.text), now: services.now)
        EventStreamRoutes.register(in: &router, hub: hub)
        AuthRoutes.register(in: &router, auth: auth)
        CounterRoutes.register(in: &router, auth: auth)
        KioskRoutes.register(in: &router, auth: auth)
        ReportRoutes.register(in: &router, auth: auth)
        FeedbackRoutes.register(in: &router, auth: auth)
        AdminRoutes.register(in: &router, auth: auth)
        self.router = router
    }

    /// Every route as `METHOD /pattern`.
    public var routeDescriptions: [String] { router.descriptions }

    public func respond(to request: Request) throws -> Response {
        switch router.match(request) {
        case .failure(let failure):
            return ErrorResponses.response(for: failure.error, allow: failure.allowed)
        case .success(let (handler, parameters)):
            let context = RequestContext(
                request: request, parameters: parameters, query: QueryParameters(request.query), services: services)
            do {
                var response = try handler(context)
                if request.method == "HEAD" { response.body = .bytes([]) }
                // A change went through: whatever filled the disk before no longer stops writes.
                if request.method != "GET", request.method != "HEAD", (200..<400).contains(response.status) {
                    services.database.storageAlarm.clear(.full)
                    services.database.storageAlarm.clear(.unwritable)
                }
                return response
            } catch {
                guard let apiError = services.apiError(for: error) else { return internalError(for: request, error: error) }
                return ErrorResponses.response(for: apiError)
            }
        }
    }

    public func rejectOversizedBody(of request: Request, limit: Int) -> Response {
        ErrorResponses.response(for: .bodyTooLarge(limit: limit))
    }

    public func refuseStream(of request: Request, because refusal: StreamRefusal) -> Response {
        let message = switch refusal {
        case .addressFull(let limit):
            "Your network already has \(limit) live updates open, the most one address may; this one will try again shortly."
        case .serverFull:
            "The server is following as many live updates as it can; this one will try again shortly."
        }
        var response = ErrorResponses.response(for: APIError(status: 503, code: "too_many_streams", message: message))
        response.headers.removeAll { $0.name == "Retry-After" }
        response.headers.append(("Retry-After", "30"))
        return response
    }

    public func internalError(for request: Request, error: any Error) -> Response {
        // The type and description of the error, never the request body or query (they may hold personal data).
        logger.error("handler failed", metadata: [
            "request_id": "\(request.requestID)", "method": "\(request.method)", "path": "\(request.path)",
            "error": "\(String(reflecting: error))",
        ])
        return ErrorResponses.internalError(requestID: request.requestID)
    }
}
