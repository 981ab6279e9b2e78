import FastCGI
import Foundation

/// `GET /api/metrics`: every metric in Prometheus's text format. nginx answers it only to the
/// machine itself (nginx/snippets/api.conf), where Prometheus or its agent scrapes it.
enum MetricsRoutes {
    static func register(in router: inout Router, metrics: ServiceMetrics, hub: LiveUpdateHub) {
        router.add("GET", "/api/metrics") { context in
            let text = metrics.exposition(queue: context.services.queue, hub: hub, at: context.services.now())
            return Response(status: 200, headers: [
                ("Content-Type", "text/plain; version=0.0.4; charset=utf-8"), ("Cache-Control", "no-store"),
            ], body: .bytes(text))
        }
    }
}
