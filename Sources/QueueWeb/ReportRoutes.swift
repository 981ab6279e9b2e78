import FastCGI
import Foundation
import QueueCore

/// The manager's dashboard: the office now, reports over a range of days (JSON, and each table as
/// CSV), and the audit log. Office managers see their office; administrators every office.
enum ReportRoutes {
    static let tables = ["services", "days", "hours", "clerks", "counters"]

    static func register(in router: inout Router, auth: StaffAuth) {
        router.add("GET", "/api/v1/offices/{office}/now") { context in
            let office = try managedOffice(context, auth: auth)
            let queue = context.services.queue
            // One snapshot for both the figures and their wording.
            let snapshot = try queue.snapshot(office: office, at: context.now)
            return JSON.response(try queue.officeNow(office: office, snapshot: snapshot, at: context.now)
                .worded(WaitText(text: context.services.text), snapshot: snapshot, at: context.now))
        }
        router.add("GET", "/api/v1/offices/{office}/report") { context in
            JSON.response(try report(context, office: try managedOffice(context, auth: auth)))
        }
        router.add("GET", "/api/v1/offices/{office}/report.csv") { context in
            let office = try managedOffice(context, auth: auth)
            let table = context.query["table"] ?? "services"
            guard tables.contains(table) else {
                throw APIError.invalidField("table", "table must be one of \(tables.joined(separator: ", ")).")
            }
            // Service names in the dashboard's language, as a manager reads them (codes mean nothing in Excel).
            let language = try context.query.language() ?? "en"
            let services = try context.services.queue.office(office, at: context.now).services
            let names = Dictionary(services.map { ($0.code, $0.names.named(language)) }, uniquingKeysWith: { first, _ in first })
            return csv(try report(context, office: office), table: table, name: { names[$0] ?? $0 })
        }
        router.add("GET", "/api/v1/offices/{office}/audit") { context in
            let office = try managedOffice(context, auth: auth)
            var before: Int64?
            if let text = context.query["before"], !text.isEmpty {
                guard let id = Int64(text), id > 0 else { throw APIError.invalidField("before", "before must be an entry id.") }
                before = id
            }
            var kind: EventKind?
            if let text = context.query["kind"], !text.isEmpty {
                guard let known = EventKind(rawValue: text) else {
                    throw APIError.invalidField("kind", "kind must be one of \(EventKind.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                kind = known
            }
            let entries = try context.services.queue.audit(AuditQuery(
                office: office, token: context.query["token"], staff: context.query["staff"], from: context.query["from"],
                to: context.query["to"], kind: kind, before: before, limit: 100))
            return JSON.response(AuditPage(entries: entries, next: entries.count == 100 ? entries.last?.id : nil))
        }
    }

    struct AuditPage: Encodable {
        let entries: [AuditEntry]
        /// Pass as `before` for the next, older page; nil on the last page.
        let next: Int64?
    }

    /// The office in the path, if the signed-in member of staff may manage it.
    private static func managedOffice(_ context: RequestContext, auth: StaffAuth) throws -> String {
        let office = context.parameter("office")
        _ = try auth.manager(of: office, context)
        return office
    }

    private static func report(_ context: RequestContext, office: String) throws -> OfficeReport {
        guard let from = context.query["from"], !from.isEmpty else { throw APIError.invalidField("from", "Give the first day as YYYY-MM-DD.") }
        let to = context.query["to"].flatMap { $0.isEmpty ? nil : $0 } ?? from
        return try context.services.queue.report(office: office, from: from, to: to, at: context.now)
    }

    private static func csv(_ report: OfficeReport, table: String, name: (String) -> String) -> Response {
        let filename = "\(report.office)-\(table)-\(report.from)-\(report.to).csv"
        let figureHeader = ["tokens", "served", "no_shows", "cancelled", "expired", "no_show_rate", "wait_p50_minutes",
                            "wait_p90_minutes", "service_p50_minutes", "service_p90_minutes"]
        func figures(_ f: OfficeReport.Figures) -> [String] {
            [String(f.tokens), String(f.served), String(f.noShows), String(f.cancelled), String(f.expired), CSV.number(f.noShowRate),
             CSV.number(f.waitP50Minutes), CSV.number(f.waitP90Minutes), CSV.number(f.serviceP50Minutes), CSV.number(f.serviceP90Minutes)]
        }
        switch table {
        case "days":
            return CSV.response(filename: filename, header: ["day"] + figureHeader,
                                rows: report.byDay.map { [$0.day] + figures($0.figures) })
        case "hours":
            return CSV.response(filename: filename, header: ["hour", "tokens"],
                                rows: report.byHour.map { [String(format: "%02d:00", $0.hour), String($0.tokens)] })
        case "clerks":
            return CSV.response(filename: filename, header: ["username", "name", "served", "average_service_minutes"],
                                rows: report.byClerk.map { [$0.username, $0.displayName, String($0.served), CSV.number($0.averageServiceMinutes)] })
        case "counters":
            return CSV.response(filename: filename, header: ["counter", "open_minutes", "busy_minutes", "idle_minutes"],
                                rows: report.counters.map { [String($0.counter), CSV.number($0.openMinutes), CSV.number($0.busyMinutes), CSV.number($0.idleMinutes)] })
        default:
            let rows = report.byService.map { (name($0.service), $0.figures) } + [("all", report.totals)]
            return CSV.response(filename: filename, header: ["service"] + figureHeader,
                                rows: rows.map { service, f in [service] + figures(f) })
        }
    }
}
