import Foundation
import GRDB

/// An office's figures over a range of service days, for the manager's reports. Definitions (also
/// in the staff guide): a token counts on its service day; its wait runs from joining the queue to
/// its first call; its service time from "start serving" to "done"; the no-show rate is no-shows
/// over tokens that reached the end of a call (served plus no-shows); a counter is idle while open
/// and attending to nobody.
public struct OfficeReport: Sendable, Encodable, Equatable {
    /// Counts and times of a group of tokens.
    public struct Figures: Sendable, Encodable, Equatable {
        public var tokens = 0
        public var served = 0
        public var noShows = 0
        public var cancelled = 0
        /// Tokens still open when their office day ended (the day-end job): neither served nor no-shows.
        public var expired = 0
        public var noShowRate: Double?
        public var waitP50Minutes: Double?
        public var waitP90Minutes: Double?
        public var serviceP50Minutes: Double?
        public var serviceP90Minutes: Double?
    }

    public struct ServiceFigures: Sendable, Encodable, Equatable {
        public var service: String
        public var figures: Figures
    }

    /// One service day of the range.
    public struct DayFigures: Sendable, Encodable, Equatable {
        public var day: String
        public var figures: Figures
    }

    public struct HourCount: Sendable, Encodable, Equatable {
        /// Local hour (0-23) in which tokens joined the queue.
        public var hour: Int
        public var tokens: Int
    }

    public struct ClerkFigures: Sendable, Encodable, Equatable {
        public var username: String
        public var displayName: String
        public var served: Int
        public var averageServiceMinutes: Double?
    }

    public struct CounterTime: Sendable, Encodable, Equatable {
        public var counter: Int
        public var openMinutes: Double
        public var busyMinutes: Double
        public var idleMinutes: Double
    }

    public var office: String
    public var from: String
    public var to: String
    public var totals: Figures
    public var byService: [ServiceFigures]
    /// Every day of the range, in order (days without tokens too: a holiday shows as a zero row).
    public var byDay: [DayFigures]
    public var byHour: [HourCount]
    public var byClerk: [ClerkFigures]
    public var counters: [CounterTime]
    /// Every break begun in the range, by counter and clerk, flagged when over the office's limit.
    public var breaks: [CounterBreak]
    public var breakLimitMinutes: Int
}

extension Queue {
    /// The longest range a report covers: a quarter, which keeps a report to one quick query.
    public static let reportMaxDays = 92

    public func report(office code: String, from: String, to: String, at now: Date) throws -> OfficeReport {
        try database.writer.read { db in
            let facts = try OfficeFacts.load(db, code: code)
            guard let start = ServiceDay.midnight(of: from, timeZone: facts.timeZone) else {
                throw QueueError.invalidField(field: "from", reason: "Give the first day as YYYY-MM-DD.")
            }
            guard let end = ServiceDay.end(of: to, timeZone: facts.timeZone), end > start else {
                throw QueueError.invalidField(field: "to", reason: "Give the last day as YYYY-MM-DD, not before the first.")
            }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = facts.timeZone
            guard end.timeIntervalSince(start) <= Double(Self.reportMaxDays) * 86_400 + 7_200 else {
                throw QueueError.invalidField(field: "to", reason: "A report covers at most \(Self.reportMaxDays) days.")
            }
            let tokens = try ReportToken.fetchAll(db, office: code, from: from, to: to)
            var byService: [String: [ReportToken]] = [:]
            for token in tokens { byService[token.service, default: []].append(token) }
            var byDay: [String: [ReportToken]] = [:]
            for token in tokens { byDay[token.day, default: []].append(token) }
            var days: [String] = []
            var day = start
            while day < end, days.count <= Self.reportMaxDays {
                days.append(ServiceDay(day, timeZone: facts.timeZone).day)
                day = calendar.date(byAdding: .day, value: 1, to: day) ?? end
            }
            var hours = Array(repeating: 0, count: 24)
            for token in tokens { if let queued = token.queuedAt { hours[calendar.component(.hour, from: queued)] += 1 } }
            return OfficeReport(
                office: code, from: from, to: to, totals: ReportToken.figures(tokens),
                byService: byService.keys.sorted().map { OfficeReport.ServiceFigures(service: $0, figures: ReportToken.figures(byService[$0] ?? [])) },
                byDay: days.map { OfficeReport.DayFigures(day: $0, figures: ReportToken.figures(byDay[$0] ?? [])) },
                byHour: hours.enumerated().map { OfficeReport.HourCount(hour: $0.offset, tokens: $0.element) },
                byClerk: try clerks(db, office: code, start: start, end: end),
                counters: try CounterTimeline.times(db, office: code, start: start, end: min(end, now)),
                breaks: try CounterBreaks.load(db, office: facts, start: start, end: end, now: now),
                breakLimitMinutes: facts.policy.breakLimitMinutes)
        }
    }

    /// Tokens completed in the range, by the member of staff who completed them.
    private func clerks(_ db: Database, office: String, start: Date, end: Date) throws -> [OfficeReport.ClerkFigures] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT e.actor, t.started_at, t.finished_at FROM event e JOIN token t ON t.id = e.token_id
            WHERE e.office_code = ? AND e.kind = 'completed' AND e.at >= ? AND e.at < ? AND e.actor LIKE 'staff:%'
            """, arguments: [office, start.milliseconds, end.milliseconds])
        var times: [Int64: [Double]] = [:]
        for row in rows {
            let parts = (row["actor"] as String).split(separator: ":")
            guard parts.count >= 2, let id = Int64(parts[1]) else { continue }
            let started: Int64? = row["started_at"], finished: Int64? = row["finished_at"]
            times[id, default: []].append(started.flatMap { s in finished.map { Double($0 - s) / 60_000 } } ?? .nan)
        }
        let names = try Dictionary(Row.fetchAll(db, sql: "SELECT id, username, display_name FROM staff_user").map {
            (($0["id"] as Int64), (($0["username"] as String), ($0["display_name"] as String)))
        }, uniquingKeysWith: { first, _ in first })
        return times.map { id, minutes in
            let known = minutes.filter { !$0.isNaN }
            return OfficeReport.ClerkFigures(
                username: names[id]?.0 ?? "staff \(id)", displayName: names[id]?.1 ?? "staff \(id)", served: minutes.count,
                averageServiceMinutes: known.isEmpty ? nil : known.reduce(0, +) / Double(known.count))
        }.sorted { $0.served == $1.served ? $0.username < $1.username : $0.served > $1.served }
    }
}

/// What a report needs of one token.
struct ReportToken {
    var day: String
    var service: String
    var state: TokenState
    var queuedAt: Date?
    var firstCalledAt: Date?
    var startedAt: Date?
    var finishedAt: Date?

    static func fetchAll(_ db: Database, office: String, from: String, to: String) throws -> [ReportToken] {
        try Row.fetchAll(db, sql: """
            SELECT t.service_day, t.service_code, t.state, t.queued_at, t.started_at, t.finished_at,
                   (SELECT min(e.at) FROM event e WHERE e.token_id = t.id AND e.kind = 'called'
                        AND e.at >= coalesce(t.queued_at, 0)) AS first_called_at
            FROM token t WHERE t.office_code = ? AND t.service_day BETWEEN ? AND ?
            """, arguments: [office, from, to]).map { row in
            func date(_ column: String) -> Date? { (row[column] as Int64?).map(Date.init(milliseconds:)) }
            return ReportToken(day: row["service_day"], service: row["service_code"], state: TokenState(rawValue: row["state"]) ?? .cancelled,
                               queuedAt: date("queued_at"), firstCalledAt: date("first_called_at"),
                               startedAt: date("started_at"), finishedAt: date("finished_at"))
        }
    }

    static func figures(_ tokens: [ReportToken]) -> OfficeReport.Figures {
        var figures = OfficeReport.Figures()
        figures.tokens = tokens.count
        figures.served = tokens.filter { $0.state == .served }.count
        figures.noShows = tokens.filter { $0.state == .noShow }.count
        figures.cancelled = tokens.filter { $0.state == .cancelled }.count
        figures.expired = tokens.filter { $0.state == .expired }.count
        let ended = figures.served + figures.noShows
        figures.noShowRate = ended == 0 ? nil : Double(figures.noShows) / Double(ended)
        let waits = tokens.compactMap { token in token.queuedAt.flatMap { q in token.firstCalledAt.map { $0.timeIntervalSince(q) / 60 } } }
        let services = tokens.filter { $0.state == .served }.compactMap { token in
            token.startedAt.flatMap { s in token.finishedAt.map { $0.timeIntervalSince(s) / 60 } }
        }
        figures.waitP50Minutes = Percentile.of(waits, 0.5)
        figures.waitP90Minutes = Percentile.of(waits, 0.9)
        figures.serviceP50Minutes = Percentile.of(services, 0.5)
        figures.serviceP90Minutes = Percentile.of(services, 0.9)
        return figures
    }
}
