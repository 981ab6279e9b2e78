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
    /// What `/api/metrics` reports; requests are recorded here as they are answered.
    public let metrics: ServiceMetrics
    /// Whether each request gets its log line (the server's; in-process tests answer thousands).
    private let logsRequests: Bool

    /// `metrics` should be the one whose factory the queue records into (see `Serve`); by default
    /// the application has a registry of its own.
    public init(services: AppServices, logger: Logger, metrics: ServiceMetrics = ServiceMetrics(), logsRequests: Bool = false) {
        self.services = services
        self.logger = logger
        self.metrics = metrics
        self.logsRequests = logsRequests
        metrics.follow(services.queue.feed)
        var router = Router()
        HealthRoutes.register(in: &router)
        DeliveryReportRoutes.register(in: &router)
        let accounts = StaffAccounts(database: services.database, hashing: services.passwordHashing)
        // Without a key (an unmigrated database) nobody can sign in; health reports the migrations.
        let auth = StaffAuth(accounts: accounts, key: (try? accounts.signingKey(at: services.now())) ?? StaffCrypto.randomBytes(32))
        OfficeRoutes.register(in: &router)
        TokenRoutes.register(in: &router, kioskKey: auth.key)
        PushRoutes.register(in: &router)
        hub = LiveUpdateHub(queue: services.queue, words: WaitText(text: services.text), now: services.now,
                            metrics: metrics.factory)
        EventStreamRoutes.register(in: &router, hub: hub, auth: auth)
        MetricsRoutes.register(in: &router, metrics: metrics, hub: hub)
        AuthRoutes.register(in: &router, auth: auth)
        CounterRoutes.register(in: &router, auth: auth)
        KioskRoutes.register(in: &router, auth: auth)
        ReportRoutes.register(in: &router, auth: auth)
        MessageRoutes.register(in: &router, auth: auth)
        FeedbackRoutes.register(in: &router, auth: auth)
        AdminRoutes.register(in: &router, auth: auth)
        self.router = router
    }

    /// Every route as `METHOD /pattern`.
    public var routeDescriptions: [String] { router.descriptions }

    public func respond(to request: Request) throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let (template, answered) = answer(request)
        var response = answered
        services.cors.decorate(&response, for: request)
        let status = response.status
        let counted = { @Sendable in self.finished(request, route: template, status: status, startedAt: started) }
        // A stream is counted once the transport admits it: one over the caps is counted only as its
        // refusal (`refuseStream`), so that each request is one answer in the metrics.
        switch response.body {
        case .bytes:
            counted()
        case .stream(let produce):
            response.body = .stream { stream in
                counted()
                produce(stream)
            }
        case .events(let attach):
            response.body = .events { sink in
                counted()
                attach(sink)
            }
        }
        return response
    }

    /// Records the request in the metrics and writes its one log line (no path, query or body:
    /// the route template says what was asked without any of the request's data).
    private func finished(_ request: Request, route: String, status: Int, startedAt: UInt64) {
        let now = DispatchTime.now().uptimeNanoseconds
        let nanoseconds = Int64(now - min(now, startedAt))
        metrics.requests.record(route: route, method: request.method, status: status, nanoseconds: nanoseconds)
        guard logsRequests else { return }
        logger.info("request", metadata: [
            "request_id": "\(request.requestID)", "method": "\(request.method)", "route": "\(route)",
            "status": .stringConvertible(status), "duration_ms": .stringConvertible(Double(nanoseconds / 1000) / 1000),
        ])
    }

    private func answer(_ request: Request) -> (template: String, response: Response) {
        let match = router.match(request)
        // OPTIONS on a citizen route is a preflight (openapi.yaml documents it so); elsewhere only a real one.
        if request.method == "OPTIONS", CORSPolicy.isPublic(request.path) || CORSPolicy.isPreflight(request),
           case .failure(let failure) = match, !failure.allowed.isEmpty {
            switch services.cors.preflight(request, methods: failure.allowed) {
            case .success(let answer): return (failure.template, answer)
            case .failure(let refusal): return (failure.template, ErrorResponses.response(for: refusal))
            }
        }
        switch match {
        case .failure(let failure):
            return (failure.template, ErrorResponses.response(for: failure.error, allow: failure.allowed))
        case .success(let match):
            return (match.template, respond(to: request, with: match))
        }
    }

    private func respond(to request: Request, with match: RouteMatch) -> Response {
        let context = RequestContext(
            request: request, parameters: match.parameters, query: QueryParameters(request.query), services: services)
        do {
            var response = try match.handler(context)
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

    public func rejectOversizedBody(of request: Request, limit: Int) -> Response {
        let response = ErrorResponses.response(for: .bodyTooLarge(limit: limit))
        finished(request, route: router.template(for: request), status: response.status, startedAt: DispatchTime.now().uptimeNanoseconds)
        return response
    }

    public func refuseStream(of request: Request, because refusal: StreamRefusal) -> Response {
        let message = switch refusal {
        case .addressFull(let limit):
            "Your network already has \(limit) live updates open, the most one address may; this one will try again shortly."
        case .networkFull(let limit):
            "Your network already has \(limit) live updates open, the most one network may; this one will try again shortly."
        case .serverFull:
            "The server is following as many live updates as it can; this one will try again shortly."
        }
        var response = ErrorResponses.response(for: APIError(status: 503, code: "too_many_streams", message: message))
        response.headers.removeAll { $0.name == "Retry-After" }
        response.headers.append(("Retry-After", "30"))
        // The stream's own answer was not counted (see `respond(to:)`): its refusal is what the client got.
        finished(request, route: router.template(for: request), status: response.status, startedAt: DispatchTime.now().uptimeNanoseconds)
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
